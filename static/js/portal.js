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
