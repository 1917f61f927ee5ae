// Small behaviours of the platform's pages. The Content-Security-Policy allows no inline script or
// event handler, so pages mark elements with data- attributes and this file wires them up.
(function () {
  "use strict";
  var fa = (document.documentElement.lang || "fa").indexOf("fa") === 0;
  var PERSIAN = "۰۱۲۳۴۵۶۷۸۹";
  function digits(n) {
    var text = String(n);
    return fa ? text.replace(/[0-9]/g, function (d) { return PERSIAN[+d]; }) : text;
  }

  // <input data-select-on-focus>: select the whole value when focused (e.g. a new API token).
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target && target.hasAttribute && target.hasAttribute("data-select-on-focus") && target.select) {
      target.select();
    }
  });

  // Every multiple select (capabilities, provinces, organization kinds, invitees) becomes a
  // searchable list of chips with the vendored Tom Select; without JavaScript it stays a plain
  // <select multiple>, which submits the same values.
  var TEXT = fa
    ? { noResults: "چیزی پیدا نشد", remove: "حذف", placeholder: "برای جست‌وجو بنویسید…" }
    : { noResults: "Nothing found", remove: "Remove", placeholder: "Type to search…" };
  function searchable(root) {
    if (typeof TomSelect === "undefined") return;
    root.querySelectorAll("select[multiple]:not(.tomselected):not([data-plain])").forEach(function (select) {
      var options = {
        plugins: { remove_button: { title: TEXT.remove } },
        placeholder: TEXT.placeholder,
        hidePlaceholder: true,
        maxOptions: null,
        closeAfterSelect: false,
        render: { no_results: function () { return '<div class="no-results">' + TEXT.noResults + "</div>"; } }
      };
      var remote = select.getAttribute("data-remote");
      if (remote) {
        // <select multiple data-remote="/api/v1/organizations">: options come from the public
        // organizations API as one types (the directory is too large to list).
        options.valueField = "slug";
        options.labelField = "label";
        options.searchField = ["label"];
        options.maxOptions = 20;
        options.shouldLoad = function (query) { return query.trim().length >= 2; };
        options.load = function (query, callback) {
          fetch(remote + "?page_size=20&q=" + encodeURIComponent(query), { credentials: "same-origin" })
            .then(function (response) { return response.ok ? response.json() : { items: [] }; })
            .then(function (page) {
              callback((page.items || []).map(function (o) {
                return { slug: o.slug, label: fa ? (o.name || o.name_en) : (o.name_en || o.name) };
              }));
            })
            .catch(function () { callback(); });
        };
      }
      var label = select.id && document.querySelector('label[for="' + select.id + '"]');
      var name = label ? label.textContent.replace("*", "").trim() : "";
      // eslint-disable-next-line no-new
      new TomSelect(select, options);
      // The original select stays in the form (hidden); it keeps an accessible name, and the
      // search input Tom Select adds is named by the same label.
      if (name) {
        select.setAttribute("aria-label", name);
        var control = document.getElementById(select.id + "-ts-control");
        if (control && !control.getAttribute("aria-label")) control.setAttribute("aria-label", name);
      }
    });
  }

  // <table data-criteria>: the evaluation criteria of a canvas. Rows are numbered, an "add a row"
  // button reveals the next empty row, and the running total of the weights is shown (it must be 100).
  function criteria(root) {
    root.querySelectorAll("[data-criteria]:not([data-wired])").forEach(function (editor) {
      editor.setAttribute("data-wired", "");
      var rows = Array.prototype.slice.call(editor.querySelectorAll("[data-criterion-row]"));
      var add = editor.querySelector("[data-criterion-add]");
      var total = editor.querySelector("[data-criteria-total]");
      var status = editor.querySelector("[data-criteria-status]");
      function filled(row) {
        return Array.prototype.some.call(row.querySelectorAll("input"), function (i) { return i.value.trim() !== ""; });
      }
      function weightOf(row) {
        var input = row.querySelector("[data-criterion-weight]");
        var text = (input && input.value || "").replace(/[۰-۹]/g, function (d) { return PERSIAN.indexOf(d); })
          .replace(/[٠-٩]/g, function (d) { return "٠١٢٣٤٥٦٧٨٩".indexOf(d); });
        var n = parseInt(text, 10);
        return isNaN(n) ? 0 : n;
      }
      function update() {
        var sum = rows.reduce(function (acc, row) { return acc + weightOf(row); }, 0);
        if (total) total.textContent = digits(sum);
        if (status) {
          status.classList.toggle("text-success", sum === 100);
          status.classList.toggle("text-danger", sum !== 100);
        }
        if (add) add.hidden = rows.every(function (row) { return !row.hidden; });
      }
      // Show the filled rows and one empty row; the others wait for "add a row".
      var shownEmpty = false;
      rows.forEach(function (row) {
        if (filled(row)) { row.hidden = false; } else if (!shownEmpty) { row.hidden = false; shownEmpty = true; } else { row.hidden = true; }
      });
      if (add) {
        add.hidden = false;
        add.addEventListener("click", function () {
          var next = rows.filter(function (row) { return row.hidden; })[0];
          if (next) { next.hidden = false; next.querySelector("input").focus(); }
          update();
        });
      }
      editor.addEventListener("input", update);
      update();
    });
  }

  // A table wider than the screen scrolls inside its .table-responsive box: the box takes the
  // keyboard focus so that it can be scrolled without a mouse (WCAG 2.1.1).
  function scrollables(root) {
    root.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        var caption = box.querySelector("caption, table[aria-label]");
        var heading = box.previousElementSibling;
        var name = caption ? (caption.getAttribute("aria-label") || caption.textContent)
          : (heading && /^H[1-6]$/.test(heading.tagName) ? heading.textContent : "");
        if (name) { box.setAttribute("role", "region"); box.setAttribute("aria-label", name.trim()); }
      }
    });
  }

  function wire(root) { searchable(root); criteria(root); scrollables(root); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { wire(document); });
  } else {
    wire(document);
  }
  document.addEventListener("htmx:load", function (event) { wire(event.target); });
})();
