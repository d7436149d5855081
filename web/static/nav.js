// Open the main menu on wide screens; on a phone it stays folded behind its "Menu" button.
(function () {
  var wide = window.matchMedia("(min-width: 60rem)");
  function apply() {
    var menu = document.querySelector("details.menu");
    if (menu) { menu.open = wide.matches; }
  }
  document.addEventListener("DOMContentLoaded", apply);
  wide.addEventListener("change", apply);
})();
