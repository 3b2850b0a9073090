// A shop's own site (custom domain or subdomain) answers its storefront at "/": before the app's router
// starts, show it the storefront's own path (/s/<slug>/...), which every storefront link uses too.
(function () {
  var path = document.currentScript && document.currentScript.getAttribute("data-path");
  if (path && path.charAt(0) === "/" && location.pathname !== path) {
    history.replaceState(history.state, "", path + location.search + location.hash);
  }
})();
