// Drag an activity to another half hour or room of the grid; the server checks the move
// (conflicts, stale copies) before it is saved, and says why when it refuses.
(function () {
  const grid = document.querySelector(".timetable-grid");
  if (!grid) return;
  const status = document.getElementById("grid-status");
  let dragged = null;
  grid.querySelectorAll(".block[draggable]").forEach((block) => {
    block.addEventListener("dragstart", (event) => {
      dragged = block;
      event.dataTransfer.effectAllowed = "move";
    });
  });
  grid.querySelectorAll(".slot").forEach((slot) => {
    slot.addEventListener("dragover", (event) => { event.preventDefault(); slot.classList.add("drop-target"); });
    slot.addEventListener("dragleave", () => slot.classList.remove("drop-target"));
    slot.addEventListener("drop", async (event) => {
      event.preventDefault();
      slot.classList.remove("drop-target");
      if (!dragged) return;
      const url = grid.dataset.moveUrl.replace(/\/0\/move$/, `/${dragged.dataset.activity}/move`);
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": grid.dataset.csrf },
        body: JSON.stringify({ day: grid.dataset.day, start: slot.dataset.start,
                               room_id: Number(slot.dataset.room), version: Number(dragged.dataset.version) }),
      });
      if (response.ok) { window.location.reload(); return; }
      const body = await response.json().catch(() => ({ message: response.statusText }));
      status.textContent = body.message;
      window.alert(body.message);
    });
  });
})();
