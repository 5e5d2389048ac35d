// Visit form: keep a draft on the device while the worker types (the network in a village can drop),
// restore it on the next visit to the form, clear it once the server has saved the visit; and take
// one GPS check-in point, only when the worker presses the button (R13: never tracked).
(function () {
  "use strict";
  var PREFIX = "tonghu-draft:";

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  var clear = document.getElementById("draft-clear");
  if (clear && clear.getAttribute("data-draft-clear") && storage()) {
    storage().removeItem(PREFIX + clear.getAttribute("data-draft-clear"));
  }

  var form = document.querySelector("form[data-draft-key]");
  if (!form || !storage()) return;
  var key = PREFIX + form.getAttribute("data-draft-key");
  var skip = { csrfmiddlewaretoken: 1, version: 1, photos: 1 };

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !skip[el.name] && el.type !== "file" && el.type !== "submit" && el.type !== "button";
    });
  }

  function save() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (!data[el.name]) data[el.name] = [];
        if (el.checked) data[el.name].push(el.value);
      } else {
        data[el.name] = el.value;
      }
    });
    // A chosen file cannot be kept in a draft: remember how many, to say so if the draft is restored.
    var fileInput = form.querySelector("input[type=file][name=photos]");
    var chosen = fileInput && fileInput.files ? fileInput.files.length : 0;
    try {
      storage().setItem(key, JSON.stringify({ saved: Date.now(), version: startVersion, data: data,
                                              photosChosen: chosen }));
    } catch (e) { /* storage full: the form still works */ }
  }

  function readDraft() {
    try { return JSON.parse(storage().getItem(key) || "null"); } catch (e) { return null; }
  }

  function fill(draft) {
    fields().forEach(function (el) {
      if (!(el.name in draft)) return;
      var value = draft[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      } else {
        el.value = value;
      }
    });
    showCheckin();
  }

  // Photos the server kept (ids in the hidden field) come back with the draft; photos only chosen on
  // the phone do not: say so, so that no photo is silently lost.
  function warnPhotos(draft) {
    var notice = document.getElementById("photos-not-in-draft");
    if (!notice || !draft.photosChosen) return;
    notice.textContent = notice.getAttribute("data-text").replace("{n}", draft.photosChosen);
    notice.classList.remove("d-none");
  }

  function show(id) {
    var element = document.getElementById(id);
    if (element) element.classList.remove("d-none");
  }

  // The version of the record this page was opened at ("" for a new visit).
  var versionInput = form.querySelector("[name=version]");
  var startVersion = versionInput ? versionInput.value : "";
  var draft = readDraft();
  // A form the server sent back with errors already holds what was typed: keep the server's copy.
  var serverHasInput = form.querySelector(".is-invalid") || document.querySelector(".alert-danger");
  if (draft && draft.data && !serverHasInput) {
    if (String(draft.version || "") === String(startVersion)) {
      fill(draft.data);
      show("draft-notice");
      warnPhotos(draft);
    } else {
      // Someone saved the record after this draft was begun: never pour the old draft over their
      // changes silently; the worker decides.
      show("draft-stale");
      var restoreStale = document.getElementById("draft-restore");
      if (restoreStale) {
        restoreStale.addEventListener("click", function () {
          fill(draft.data);
          warnPhotos(draft);
          document.getElementById("draft-stale").classList.add("d-none");
          save();
        });
      }
    }
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);

  Array.prototype.forEach.call(document.querySelectorAll("[data-draft-discard]"), function (discard) {
    discard.addEventListener("click", function () {
      storage().removeItem(key);
      window.location.reload();
    });
  });

  function field(name) { return form.querySelector("[name='" + name + "']"); }

  function showCheckin() {
    var status = document.getElementById("checkin-status");
    var lat = field("checkin_latitude");
    if (status && lat && lat.value) {
      var accuracy = field("checkin_accuracy_m");
      status.textContent = status.getAttribute("data-taken").replace("{m}", accuracy ? accuracy.value : "?");
    }
  }

  var button = document.getElementById("checkin-button");
  if (button && navigator.geolocation) {
    button.addEventListener("click", function () {
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        field("checkin_latitude").value = position.coords.latitude.toFixed(6);
        field("checkin_longitude").value = position.coords.longitude.toFixed(6);
        field("checkin_accuracy_m").value = Math.round(position.coords.accuracy || 0);
        showCheckin();
        save();
      }, function () {
        var status = document.getElementById("checkin-status");
        status.textContent = status.getAttribute("data-failed");
        button.disabled = false;
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
    });
  } else if (button) {
    button.disabled = true;
  }
})();
