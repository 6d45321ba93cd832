// A "Print" button where a page offers one (data-print): shown only when JavaScript runs, so
// that a page without it does not show a button that does nothing (the browser's own Print
// command still works).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});
