// Arrival bars: their heights from data attributes (no inline styles under the CSP).
document.querySelectorAll(".arrival-bar[data-share]").forEach(function (bar) {
  bar.style.height = Math.max(2, Number(bar.dataset.share)) + "%";
});
