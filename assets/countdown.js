// Countdowns on the storefront ("剩余 02:13:45"): every element with data-countdown-ends (an ISO time)
// shows the time left as HH:MM:SS, ticked here once a second so no event goes to the server.
(function () {
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown-ends]").forEach(function (el) {
      var ends = Date.parse(el.getAttribute("data-countdown-ends"));
      if (isNaN(ends)) return;
      var left = Math.max(0, Math.floor((ends - now) / 1000));
      var text = pad(Math.floor(left / 3600)) + ":" + pad(Math.floor(left / 60) % 60) + ":" + pad(left % 60);
      if (el.textContent !== text) el.textContent = text;
    });
  }
  setInterval(tick, 1000);
})();
