// The SAML IdP's answer reached kumokan from another site without the session cookie (SameSite=Lax):
// send it on from kumokan's own page, where the cookie goes with it (sso_views.saml_acs).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("saml-continue");
  if (form) form.submit();
});
