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
