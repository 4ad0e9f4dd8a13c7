// Printing opens every closed <details>, so that what it holds (the data
// tables under the dashboard's charts) is on paper too; CSS cannot open
// one. After printing, they are closed again, as the reader left them.
const opened = [];

addEventListener("beforeprint", () => {
  for (const details of document.querySelectorAll("details:not([open])")) {
    details.open = true;
    opened.push(details);
  }
});

addEventListener("afterprint", () => {
  for (const details of opened.splice(0)) {
    details.open = false;
  }
});
