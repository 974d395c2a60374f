// Show the passport fields only when a visa invitation letter is requested.
(function () {
  const box = document.getElementById("visa_letter_requested");
  const fields = document.getElementById("visa-fields");
  if (!box || !fields) return;
  const sync = () => { fields.hidden = !box.checked; };
  box.addEventListener("change", sync);
  sync();
})();
