// Division picker: choosing a county empties the village list below the town list it reloads.
document.addEventListener("change", function (event) {
  var clears = event.target.getAttribute && event.target.getAttribute("data-clears");
  if (!clears) return;
  clears.split(" ").forEach(function (id) {
    var select = document.getElementById(id);
    if (select) { select.length = 1; select.selectedIndex = 0; }
  });
});
