// Shared behaviour of every page, loaded as a file: the Content-Security-Policy allows no inline script
// and no on*= handler, so every behaviour is declared with a data- attribute and handled here.

// Forms marked data-confirm="…" ask before an action that cannot be undone; without JavaScript they
// submit directly (the server still checks everything).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var submitter = event.submitter;
  var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// <select data-autosubmit> submits its form when changed (the language switcher; a <noscript> button
// remains for browsers without JavaScript).
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});

// <button data-print> prints the page (print styles hide the navigation and the actions).
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});

// Wide tables scroll sideways on a phone (portal.css fixes the first column). A scrolling box must be
// reachable by keyboard and say what it is, so each one that overflows gets tabindex, a region role and a
// name from its table's caption or nearest heading, plus a visible "左右滑动" hint; tables a template left
// unwrapped are wrapped first, so every list behaves the same.
(function () {
  var zh = document.documentElement.lang.indexOf("zh") === 0;
  var hint = zh ? "表格可左右滑动查看" : "Scroll sideways to see the whole table";
  var tableWord = zh ? "（表格）" : " (table)";  // the region must not share its section's name

  function nameOf(box) {
    var table = box.querySelector("table");
    var caption = table && table.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    var node = box;
    while (node && node !== document.body) {
      var prev = node.previousElementSibling;
      while (prev) {
        var heading = prev.matches("h1,h2,h3,h4,legend") ? prev : prev.querySelector("h1,h2,h3,h4,legend");
        if (heading) { return heading.textContent.trim(); }
        prev = prev.previousElementSibling;
      }
      node = node.parentElement;
    }
    return hint;
  }

  function mark() {
    var used = {};
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.closest(".formset-table")) { return; }
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("data-scrollable")) {
        box.setAttribute("data-scrollable", "");
        box.setAttribute("data-scroll-hint", hint);
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        var name = nameOf(box) + tableWord;
        used[name] = (used[name] || 0) + 1;
        box.setAttribute("aria-label", used[name] > 1 ? name + " (" + used[name] + ")" : name);
      } else if (!scrolls && box.hasAttribute("data-scrollable")) {
        ["data-scrollable", "data-scroll-hint", "tabindex", "role", "aria-label"].forEach(function (a) { box.removeAttribute(a); });
      }
    });
  }

  function wrap() {
    document.querySelectorAll("main table").forEach(function (table) {
      if (table.closest(".table-responsive")) { return; }
      var box = document.createElement("div");
      box.className = "table-responsive";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
    mark();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wrap);
  } else {
    wrap();
  }
  var timer;
  window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(mark, 150); });
})();

// <textarea data-maxlength="N">: a counter under the field (已输入 n / N 字), red past the limit. The server
// refuses a longer text with the message next to the field and keeps what was typed; there is no HTML
// maxlength, which would cut a long paste silently. Counts characters as the server does (code points,
// a line break as one).
(function () {
  var zh = document.documentElement.lang.indexOf("zh") === 0;

  function length(text) {
    return text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, "_").length;
  }

  function update(field, counter) {
    var limit = parseInt(field.getAttribute("data-maxlength"), 10);
    var used = length(field.value);
    var over = used > limit;
    counter.textContent = zh
      ? "已输入 " + used.toLocaleString("zh-CN") + " / " + limit.toLocaleString("zh-CN") + " 字" + (over ? "，超出 " + (used - limit).toLocaleString("zh-CN") + " 字" : "")
      : used.toLocaleString("en") + " / " + limit.toLocaleString("en") + " characters" + (over ? ", " + (used - limit).toLocaleString("en") + " too many" : "");
    counter.classList.toggle("text-danger", over);
    counter.classList.toggle("text-muted", !over);
  }

  document.querySelectorAll("textarea[data-maxlength]").forEach(function (field) {
    var counter = document.createElement("div");
    counter.className = "form-text text-end text-muted";
    counter.id = (field.id || field.name) + "-counter";
    field.insertAdjacentElement("afterend", counter);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? described + " " + counter.id : counter.id);
    update(field, counter);
    field.addEventListener("input", function () { update(field, counter); });
  });
})();

// The partner picker (applications/widgets/org_search.html): a text box for a unit's credit code or name with
// data-org-search="<url>"; as the user types two characters or more, the matching units fill the box's own
// <datalist> (name and credit code). Without JavaScript the box still takes a code or a full name.
(function () {
  var timers = new WeakMap();
  var last = new WeakMap();

  function fill(input, results) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    list.replaceChildren();
    results.forEach(function (unit) {
      var option = document.createElement("option");
      option.value = unit.value;
      option.label = unit.city ? unit.name + " · " + unit.city : unit.name;
      list.appendChild(option);
    });
    input.setAttribute("data-org-results", String(results.length));
  }

  function search(input) {
    var q = input.value.trim();
    if (q.length < 2 || last.get(input) === q) return;
    last.set(input, q);
    var url = input.getAttribute("data-org-search") + "?q=" + encodeURIComponent(q);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (input.value.trim() === q) fill(input, data.results || []); })
      .catch(function () { /* no suggestions; the box still takes a code or a name */ });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-org-search]")) return;
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { search(input); }, 200));
  });
})();
