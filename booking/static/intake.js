// Progressive enhancement for the questionnaire: save answers as they are given.
// Without this script every page still saves when the client presses a button.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) return;
  var status = document.getElementById("autosave-status");
  var timer = null;
  var inFlight = null;
  var sent = false;

  function say(words) {
    if (status) status.textContent = words;
  }

  function save() {
    timer = null;
    if (sent) return;
    inFlight = window.AbortController ? new AbortController() : null;
    fetch(form.getAttribute("data-autosave"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
      signal: inFlight ? inFlight.signal : undefined
    }).then(function (response) {
      say(response.ok ? "Kept for you. Press Save and continue when this page is done." : "");
    }).catch(function () {
      // Offline for a moment: the buttons still save everything when pressed.
      say("");
    });
  }

  function soon() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 1200);
  }

  // Once the page is sent (or skipped, from its own small form), a late draft must not land
  // after the saved answers.
  document.addEventListener("submit", function () {
    sent = true;
    if (timer) clearTimeout(timer);
    if (inFlight) inFlight.abort();
  });
  form.addEventListener("change", soon);
  form.addEventListener("input", soon);
})();
