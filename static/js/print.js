// Buttons marked data-print open the browser's print dialog (inline handlers are barred by the CSP).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
