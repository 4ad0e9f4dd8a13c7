// Groundswell's own file (not part of the vendored package).
// External replacement for the inline <script> in NHS.UK frontend's page
// template, because our Content-Security-Policy forbids inline script.
// Load it as a classic script, as the FIRST child of <body>:
//   <body><script src="/static/nhsuk/nhsuk-supported.js"></script>
// It must run before the page is painted and before nhsuk-init.js, since the
// CSS and JS of NHS.UK frontend key off body.nhsuk-frontend-supported.
document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("nhsuk-frontend-supported");
}
