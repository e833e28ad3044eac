/* "添加一行" for the formset tables (applications/_rows.html): clones the formset's empty form from its
   <template>, numbers it, and bumps TOTAL_FORMS so Django sees the new row. Without JS the blank rows remain. */
(function () {
  "use strict";

  function addRow(prefix) {
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var template = document.getElementById("empty-" + prefix);
    var body = document.getElementById("rows-" + prefix);
    if (!total || !template || !body) return;
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) return;
    var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__num__/g, String(index + 1));
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var first = body.lastElementChild.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-add]");
    if (!button) return;
    event.preventDefault();
    addRow(button.getAttribute("data-formset-add"));
  });
  document.querySelectorAll("[data-formset-add]").forEach(function (button) { button.hidden = false; });
})();
