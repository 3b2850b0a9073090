/* 开店宝's storefront tracking: first-party, no third party (issue 21).
 * A static file (script-src 'self'), so no inline script and no eval. Only storefront paths (/s/<slug>/...)
 * are counted; each page opened in the single-page app makes one event once the browser is idle, sent with
 * navigator.sendBeacon together with the others of the next two seconds, so it never blocks a page. Under Do Not Track / Global Privacy Control no visitor id is
 * kept (the cookie is removed) and events go without one. */
(function () {
  "use strict";
  var COOKIE = "_vid", VISIT = "shopapp_visit";
  var privacy = navigator.doNotTrack === "1" || window.doNotTrack === "1" || navigator.globalPrivacyControl === true;

  // The visitor id is settled at once (before the page's app connects), so the server sees the same id in
  // its cookie when the shopper adds to the cart or places the order.
  function visitorId() {
    if (privacy) {
      document.cookie = COOKIE + "=; Max-Age=0; Path=/; SameSite=Lax";
      return "";
    }
    var found = document.cookie.match(/(?:^|; )_vid=([A-Za-z0-9-]{8,40})/);
    if (found) return found[1];
    var id = window.crypto && crypto.randomUUID ? crypto.randomUUID()
      : "v-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
    document.cookie = COOKIE + "=" + id + "; Max-Age=31536000; Path=/; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
    return id;
  }

  // The visit's source, read on the page the shopper landed on (UTM, another site's referrer, a share or
  // promoter code) and kept for this tab's later pages; a plain reload keeps the visit's source.
  function visitSource() {
    var query = new URLSearchParams(location.search), kept = null, referrer = "";
    try { referrer = document.referrer && new URL(document.referrer).host !== location.host ? document.referrer : ""; } catch (e) { referrer = ""; }
    var share = query.get("share") || query.get("ref") || "";
    if (query.get("utm_source") || referrer || share) {
      kept = { utm_source: query.get("utm_source") || "", utm_medium: query.get("utm_medium") || "",
               utm_campaign: query.get("utm_campaign") || "", referrer: referrer, share_code: share };
      try { sessionStorage.setItem(VISIT, JSON.stringify(kept)); } catch (e) { /* private mode */ }
      return kept;
    }
    try { kept = JSON.parse(sessionStorage.getItem(VISIT) || "null"); } catch (e) { kept = null; }
    return kept || {};
  }

  var visitor = visitorId(), source = visitSource(), last = "", pending = [], shopSlug = "", timer = 0, sent = false;

  // The pages opened within two seconds go in one beacon (up to 20 events), and whatever waits goes when the
  // tab is hidden or closed: fewer requests for the phone and for the server.
  function flush() {
    clearTimeout(timer);
    timer = 0;
    while (pending.length) {
      var batch = pending.splice(0, 20);
      navigator.sendBeacon("/api/v1/store/" + shopSlug + "/events", new Blob([JSON.stringify({ events: batch })], { type: "text/plain" }));
    }
  }

  function send() {
    var path = location.pathname, shop = path.match(/^\/s\/([^\/]+)(\/.*)?$/);
    if (!shop || path === last || !navigator.sendBeacon) return;
    last = path;
    if (shopSlug && shopSlug !== shop[1]) flush();
    shopSlug = shop[1];
    var rest = shop[2] || "", product = rest.match(/^\/p\/(\d+)/);
    var event = { visitor_id: visitor, path: path, product_id: product ? Number(product[1]) : null,
                  type: product ? "product_view" : rest.replace(/\/$/, "") === "/checkout" ? "checkout_start" : "page_view" };
    for (var key in source) event[key] = source[key];
    pending.push(event);
    // The landing page goes at once (its source must be known before the shopper adds to the cart);
    // the pages after it wait up to two seconds for company.
    if (!sent) { sent = true; flush(); return; }
    if (!timer) timer = setTimeout(flush, 2000);
  }

  function soon() {
    if (window.requestIdleCallback) requestIdleCallback(send, { timeout: 3000 });
    else setTimeout(send, 200);
  }

  // The app moves between pages with the History API: each move is a page opened.
  ["pushState", "replaceState"].forEach(function (name) {
    var original = history[name];
    history[name] = function () {
      var answer = original.apply(this, arguments);
      soon();
      return answer;
    };
  });
  window.addEventListener("popstate", soon);
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") flush(); });
  if (document.readyState === "complete") soon();
  else window.addEventListener("load", soon);
})();
