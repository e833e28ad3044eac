// After django-otp-webauthn registers a passkey on the 2FA setup page, go on to where the user was headed.
document.addEventListener("otp_webauthn.register_complete", () => {
  const box = document.getElementById("passkey-register");
  window.location.assign((box && box.dataset.doneUrl) || "/dashboard/");
});
