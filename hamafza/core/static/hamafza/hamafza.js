// Small behaviours of the platform's pages. The Content-Security-Policy allows no inline script or
// event handler, so pages mark elements with data- attributes and this file wires them up.
(function () {
  "use strict";
  // <input data-select-on-focus>: select the whole value when focused (e.g. a new API token).
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target && target.hasAttribute && target.hasAttribute("data-select-on-focus") && target.select) {
      target.select();
    }
  });
})();
