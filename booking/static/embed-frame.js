// Inside a frame on the practice's own web site: tell the host page how tall this page is,
// so the frame can fit it instead of scrolling. Only the sites allowed to frame the booking
// pages are told (data-origins, never "*"). Without this script the frame keeps the height
// the snippet gives it and scrolls, and booking works just the same.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.parent === window) return;
  var origins = (script.getAttribute("data-origins") || "").split(" ").filter(Boolean);
  var ancestors = window.location.ancestorOrigins;
  if (ancestors && ancestors.length) {
    // Where the browser says who the host is, tell only that site.
    origins = origins.filter(function (origin) { return origin === ancestors[0]; });
  }
  var last = 0;
  var first = true;

  function tell() {
    // The root element's height is the page's own, whatever the frame's size.
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    var message = { type: "booking-frame-height", height: height, newPage: first };
    first = false;
    origins.forEach(function (origin) {
      window.parent.postMessage(message, origin);
    });
  }

  if (window.ResizeObserver) {
    new ResizeObserver(tell).observe(document.documentElement);
  } else {
    window.addEventListener("resize", tell);
    document.addEventListener("toggle", tell, true); // "more times" opened or closed
  }
  window.addEventListener("load", tell);
  tell();
})();
