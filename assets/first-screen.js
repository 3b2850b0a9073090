// The page's first screen, drawn by the server (shopapp/api/first_screen.py), stands over the viewport
// until the app has drawn the page's own content (the element named by data-drawn): then it goes. A
// mutation observer's callback runs right after React's commit, before the browser paints, so the
// shopper never sees both, and nothing of the page moves.
(function () {
  var screen = document.querySelector("first-screen");
  var drawn = screen && screen.getAttribute("data-drawn");
  if (!drawn) return;
  var watch = new MutationObserver(function () {
    if (document.querySelector(drawn)) {
      watch.disconnect();
      screen.remove();
    }
  });
  watch.observe(document.body, { childList: true, characterData: true, subtree: true });
})();
