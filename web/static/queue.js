// The queue works without this: "Alle … op deze pagina goedkeuren" is a plain form. With it, a
// checkbox in the header ticks every proposal on this page for "Gekozen voorstellen goedkeuren".
(function () {
  function setUp() {
    var slot = document.querySelector("table.queue .select-all-slot");
    var picks = document.querySelectorAll("table.queue input.pick");
    if (!slot || !picks.length) { return; }
    var box = document.createElement("input");
    box.type = "checkbox";
    box.id = "select-all";
    var label = document.createElement("label");
    label.htmlFor = "select-all";
    label.textContent = "Alles op deze pagina kiezen";
    label.className = "select-all";
    slot.textContent = "";
    slot.appendChild(box);
    slot.appendChild(label);
    box.addEventListener("change", function () {
      picks.forEach(function (pick) { pick.checked = box.checked; });
    });
    picks.forEach(function (pick) {
      pick.addEventListener("change", function () {
        var all = Array.prototype.every.call(picks, function (p) { return p.checked; });
        box.checked = all;
      });
    });
  }
  document.addEventListener("DOMContentLoaded", setUp);
})();
