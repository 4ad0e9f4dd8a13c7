// Groundswell's own file (not part of the vendored package).
// Initialises every NHS.UK frontend component on the page (header menu,
// error summary focus, conditional radios/checkboxes, button double-click
// guard, skip link, ...). Load it as an ES module, anywhere in the page:
//   <script type="module" src="/static/nhsuk/nhsuk-init.js"></script>
import { initAll } from "./nhsuk-frontend.min.js";

initAll();
