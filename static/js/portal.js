// Shared behaviour of every page. Forms marked data-confirm="…" ask before an action that cannot be
// undone; without JavaScript they submit directly (the server still checks everything).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var submitter = event.submitter;
  var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
