// The link pages' passkey form: hands the page's WebAuthn options to the browser and posts the answer back through
// the form. No data leaves the page any other way (the Content-Security-Policy allows no fetch).
"use strict";
(function () {
  const form = document.getElementById("passkey-form");
  if (!form) {
    return;
  }

  const status = document.getElementById("passkey-status");
  const button = document.getElementById("passkey-button");
  const say = (text) => { status.textContent = text; };

  if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
    button.disabled = true;
    say("This browser cannot use passkeys on this page. Use the code from your authenticator app, or open the link in a current browser.");
    return;
  }

  form.addEventListener("submit", async (event) => {
    if (form.dataset.sent === "1") {
      return;
    }

    event.preventDefault();
    button.disabled = true;
    say("Follow your browser's prompt: touch your security key, or use your fingerprint, face or device PIN.");
    try {
      const options = JSON.parse(form.dataset.options);
      const credential = form.dataset.ceremony === "register"
        ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
        : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
      document.getElementById("passkey-credential").value = JSON.stringify(credential.toJSON());
      form.dataset.sent = "1";
      form.submit();
    } catch (error) {
      button.disabled = false;
      say(error && error.name === "NotAllowedError"
        ? "The passkey prompt was closed or timed out. Press the button to try again."
        : "The passkey could not be used here (" + (error && error.name ? error.name : "error") + "). Try again, or use the code instead.");
    }
  });
})();
