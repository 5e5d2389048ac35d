// Division picker: choosing a county empties the village list below the town list it reloads.
document.addEventListener("change", function (event) {
  var clears = event.target.getAttribute && event.target.getAttribute("data-clears");
  if (!clears) return;
  clears.split(" ").forEach(function (id) {
    var select = document.getElementById(id);
    if (select) { select.length = 1; select.selectedIndex = 0; }
  });
});

// Signing out removes every draft this device keeps (visit drafts are keyed by user, and none
// outlives the session that wrote it on a shared office computer).
document.addEventListener("submit", function (event) {
  if (!event.target.hasAttribute || !event.target.hasAttribute("data-clear-drafts")) return;
  try {
    var storage = window.localStorage;
    for (var i = storage.length - 1; i >= 0; i--) {
      var key = storage.key(i);
      if (key && key.indexOf("tonghu-draft:") === 0) storage.removeItem(key);
    }
  } catch (e) { /* storage unavailable: nothing kept */ }
});

// Double-submit guard: after a form is sent, its submit buttons are disabled so a second click does not
// post it again (the server also refuses a second post of the same form: accounts/concurrency.py).
// Forms that something else handles (htmx, validation) cancel the event and are left alone, as are GET
// forms (search), forms opening a new window (PDFs) and forms marked data-no-submit-guard.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (event.defaultPrevented || (form.method || "get").toLowerCase() !== "post" || form.target === "_blank" ||
      form.hasAttribute("data-no-submit-guard")) return;
  // Later, so the clicked button's own name and value are still sent with this submission.
  window.setTimeout(function () {
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (button) {
      button.disabled = true;
      button.setAttribute("data-submit-guarded", "");
    });
  }, 0);
});
// Coming back with the browser's back button shows the page from its cache: enable the buttons again.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("[data-submit-guarded]").forEach(function (button) {
    button.disabled = false;
    button.removeAttribute("data-submit-guarded");
  });
});

// Child picker (children/widgets.py): a child ticked among the search results moves to the chosen list,
// so the next search does not drop them; a single-choice picker keeps only the last child chosen.
document.addEventListener("change", function (event) {
  var input = event.target;
  var picker = input.closest && input.closest(".child-picker");
  if (!picker || !input.checked || (input.type !== "checkbox" && input.type !== "radio")) return;
  var chosen = picker.querySelector("[id$='-chosen']");
  var label = input.closest("label");
  if (!chosen || !label || label.parentNode === chosen) return;
  if (input.type === "radio") chosen.innerHTML = "";
  chosen.appendChild(label);
});
