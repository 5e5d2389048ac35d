// Formsets with rows added and removed in the page (templates/cases/step_form.html). Without this script
// the page still works: it has blank rows to fill and a 删除 tick box on each row.
(function () {
  function hideDeleteBox(row) {
    var box = row.querySelector("input[type=checkbox][name$='-DELETE']");
    if (!box) return null;
    var wrapper = box.closest(".form-check, .mb-3") || box.parentNode;
    wrapper.hidden = true;
    return box;
  }

  function addRemoveButton(row, label) {
    var box = hideDeleteBox(row);
    if (!box) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-danger btn-sm";
    button.textContent = label;
    button.setAttribute("data-formset-remove", "");
    button.addEventListener("click", function () {
      box.checked = true;  // the server deletes the row (or ignores a new one)
      row.hidden = true;
    });
    row.appendChild(button);
  }

  document.querySelectorAll("[data-formset]").forEach(function (fieldset) {
    var prefix = fieldset.getAttribute("data-formset");
    var total = fieldset.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var rows = fieldset.querySelector("[data-formset-rows]");
    var empty = fieldset.querySelector("template[data-formset-empty]");
    var add = fieldset.querySelector("[data-formset-add]");
    if (!total || !rows || !empty || !add) return;
    var removeLabel = add.getAttribute("data-remove-label") || "删除";
    rows.querySelectorAll("[data-formset-row]").forEach(function (row) {
      if (row.querySelector("input[type=checkbox][name$='-DELETE']:checked")) row.hidden = true;
      addRemoveButton(row, removeLabel);
    });
    add.hidden = false;
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var holder = document.createElement("div");
      holder.innerHTML = empty.innerHTML.replace(/__prefix__/g, String(index));
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      addRemoveButton(row, removeLabel);
      if (window.htmx) window.htmx.process(row);  // pickers in the row load their options over htmx
      var first = row.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
    });
  });
})();
