// After django-otp-webauthn registers a passkey (2FA setup page, account security page), go on: to the page that shows
// the recovery codes issued with a first passkey, which goes on to where the user was headed.
document.addEventListener("otp_webauthn.register_complete", () => {
  const box = document.getElementById("passkey-register");
  window.location.assign((box && box.dataset.doneUrl) || "/dashboard/");
});
