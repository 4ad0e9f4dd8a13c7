// A wide table scrolls sideways in its container on a narrow screen (WCAG
// 1.4.10 allows that for data tables; the page itself must not scroll). A
// container that scrolls must be reachable by keyboard, to be scrolled with
// the arrow keys, and is then a region named by the table's caption. One
// that does not scroll is left alone: a Tab stop and a landmark for every
// table would be noise. Checked again when the window changes size.
const containers = document.querySelectorAll(".nhsuk-table-container");
let captions = 0;

function markScrolling() {
  for (const c of containers) {
    if (c.scrollWidth > c.clientWidth + 1) {
      const caption = c.querySelector("caption");
      if (caption) {
        if (!caption.id) caption.id = "gs-table-caption-" + ++captions;
        c.setAttribute("aria-labelledby", caption.id);
      } else {
        c.setAttribute("aria-label", "Table");
      }
      c.setAttribute("role", "region");
      c.setAttribute("tabindex", "0");
    } else {
      for (const a of ["role", "tabindex", "aria-labelledby", "aria-label"]) c.removeAttribute(a);
    }
  }
}

markScrolling();
addEventListener("resize", markScrolling);
