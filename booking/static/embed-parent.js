// On the practice's own web site, next to the booking frame (see the snippet in Practice
// settings): fit the frame to the height of the booking page inside it. A message is believed
// only if it comes from the booking site (this script's own origin) and from the frame itself.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.URL) return;
  var bookingOrigin = new URL(script.src).origin;
  var frameId = script.getAttribute("data-frame") || "booking-frame";

  window.addEventListener("message", function (event) {
    if (event.origin !== bookingOrigin) return;
    var frame = document.getElementById(frameId);
    if (!frame || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || data.type !== "booking-frame-height") return;
    var height = Number(data.height);
    if (!isFinite(height) || height < 100 || height > 20000) return;
    frame.style.height = Math.ceil(height) + "px";
    // A new step opened: show its top, not the middle of the page the last one scrolled to.
    if (data.newPage && frame.getBoundingClientRect().top < 0) frame.scrollIntoView();
  });
})();
