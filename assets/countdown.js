// Countdowns on the storefront ("剩余 02:13:45", "还剩 2天 03:05:10"): every element with data-countdown-ends
// (an ISO time) shows the time left, ticked here twice a second so no event goes to the server; an element
// with data-opens-at gets data-open at that time (a 秒杀's button opens). The time is
// the server's, not the phone's: an element that carries data-countdown-now (the server's clock when the page
// read it) counts from that moment, moved on by the time elapsed since the element appeared (a phone's clock
// set hours wrong does not move a sale's end). data-countdown-day ("天", " days ") shows whole days apart.
(function () {
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function skew(el, now) {
    // server minus phone, measured once for each server reading the element carries
    var said = el.getAttribute("data-countdown-now");
    if (!said) return 0;
    if (el.__countdownSaid !== said) {
      var server = Date.parse(said);
      el.__countdownSaid = said;
      el.__countdownSkew = isNaN(server) ? 0 : server - now;
    }
    return el.__countdownSkew;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown-ends]").forEach(function (el) {
      var ends = Date.parse(el.getAttribute("data-countdown-ends"));
      if (isNaN(ends)) return;
      var left = Math.max(0, Math.floor((ends - now - skew(el, now)) / 1000));
      var day = el.getAttribute("data-countdown-day");
      var days = day ? Math.floor(left / 86400) : 0;
      var hours = day ? Math.floor(left / 3600) % 24 : Math.floor(left / 3600);
      var text = (days ? days + day + " " : "") + pad(hours) + ":" + pad(Math.floor(left / 60) % 60) + ":" + pad(left % 60);
      if (el.textContent !== text) el.textContent = text;
    });
    // A block waiting for a moment (a 秒杀's start: data-opens-at) is marked open at it, on the same clock;
    // shopapp.css then shows what waited hidden (the buy button), with no event to the server.
    document.querySelectorAll("[data-opens-at]:not([data-open])").forEach(function (el) {
      var opens = Date.parse(el.getAttribute("data-opens-at"));
      if (!isNaN(opens) && opens - now - skew(el, now) <= 0) el.setAttribute("data-open", "");
    });
  }
  tick();
  setInterval(tick, 500);
  // A countdown the app has just drawn shows its time before the browser paints it: empty until the next
  // tick, its text then pushed the words beside it aside (a layout shift on every flash-sale card).
  // (A mutation observer's callback runs after the app's change, before the paint.)
  new MutationObserver(tick).observe(document.documentElement, { childList: true, subtree: true });
})();
