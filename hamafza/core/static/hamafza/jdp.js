// The Jalali date picker on date inputs marked data-jdp (loaded on every Persian page by
// templates/_jdp.html, after the vendored jalalidatepicker.min.js).
//
// Dates show Persian digits: the picker draws its calendar with persianDigits, and each input's
// `value` property is wrapped so that the picker reads Latin digits (its parser knows no others) and
// whatever it or the reader writes is shown with Persian digits. The server accepts Persian, Arabic
// and Latin digits alike (challenges.parsing), so the submitted Persian value is understood.
(function () {
  "use strict";
  var PERSIAN = "۰۱۲۳۴۵۶۷۸۹";
  var ARABIC = "٠١٢٣٤٥٦٧٨٩";
  var native = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value");

  function toLatin(text) {
    return String(text).replace(/[۰-۹٠-٩]/g, function (d) {
      var i = PERSIAN.indexOf(d);
      return String(i >= 0 ? i : ARABIC.indexOf(d));
    });
  }
  function toPersian(text) {
    return String(text).replace(/[0-9]/g, function (d) { return PERSIAN[+d]; });
  }

  function wrap(input) {
    if (input.hasAttribute("data-jdp-wrapped")) return;
    input.setAttribute("data-jdp-wrapped", "");
    Object.defineProperty(input, "value", {
      configurable: true,
      get: function () { return toLatin(native.get.call(this)); },
      set: function (v) { native.set.call(this, toPersian(v)); }
    });
    native.set.call(input, toPersian(native.get.call(input)));
    // Digits typed on a Latin keyboard become Persian when the reader leaves the field.
    input.addEventListener("blur", function () { native.set.call(input, toPersian(native.get.call(input))); });
  }

  function wrapAll(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("input[data-jdp]").forEach(wrap);
  }

  wrapAll(document);
  document.addEventListener("htmx:load", function (event) { wrapAll(event.target); });
  jalaliDatepicker.startWatch({
    time: false, showEmptyBtn: true, showCloseBtn: true, zIndex: 2000, persianDigits: true
  });
})();
