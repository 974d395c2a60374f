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

// Drag the bottom edge of an activity to change its length, in quarter hours.
(function () {
  const grid = document.querySelector(".timetable-grid");
  if (!grid) return;
  const quarter = parseFloat(getComputedStyle(grid).gridAutoRows) || 17.6;
  grid.querySelectorAll(".block .resize").forEach((handle) => {
    const block = handle.closest(".block");
    handle.addEventListener("pointerdown", (down) => {
      down.preventDefault();
      down.stopPropagation();
      block.draggable = false;
      const startY = down.clientY;
      const original = Number(handle.dataset.minutes);
      let minutes = original;
      const moveHandler = (move) => {
        minutes = Math.max(15, original + Math.round((move.clientY - startY) / quarter) * 15);
        block.title = `${minutes} min`;
      };
      const upHandler = async () => {
        document.removeEventListener("pointermove", moveHandler);
        document.removeEventListener("pointerup", upHandler);
        block.draggable = true;
        if (minutes === original) return;
        const url = grid.dataset.resizeUrl.replace(/\/0\/resize$/, `/${block.dataset.activity}/resize`);
        const response = await fetch(url, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRFToken": grid.dataset.csrf },
          body: JSON.stringify({ minutes, version: Number(block.dataset.version) }),
        });
        if (response.ok) { window.location.reload(); return; }
        const body = await response.json().catch(() => ({ message: response.statusText }));
        document.getElementById("grid-status").textContent = body.message;
        window.alert(body.message);
      };
      document.addEventListener("pointermove", moveHandler);
      document.addEventListener("pointerup", upHandler);
    });
    handle.addEventListener("click", (event) => event.preventDefault());
  });
})();
