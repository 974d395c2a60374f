// The day x room grid. Drag an activity to another half hour or room, drag its bottom edge
// to change its length, or do either without dragging through its "Move…" button. The
// server checks every change (conflicts, room size, opening hours, stale copies) before it
// is saved; a refusal is shown and read out in the status line, never in a pop-up.
(function () {
  const grid = document.querySelector(".timetable-grid");
  if (!grid) return;
  const status = document.getElementById("grid-status");
  const QUARTER = parseFloat(getComputedStyle(grid).gridAutoRows) || 24;

  const toMinutes = (hhmm) => { const [h, m] = hhmm.split(":").map(Number); return h * 60 + m; };
  const toClock = (minutes) => {
    const m = ((minutes % 1440) + 1440) % 1440;
    return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  };
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));
  const roomName = (id) => {
    const head = grid.querySelector(`.room-head[data-room="${id}"]`);
    return head ? head.dataset.name : "";
  };

  function say(message, refused) {
    status.className = `grid-status alert py-2 ${refused ? "alert-danger" : "alert-success"}`;
    status.textContent = message;
  }

  // After a saved change the page reloads; what was saved is then said, and the keyboard
  // is back where it was.
  const saved = sessionStorage.getItem("grid-saved");
  if (saved) {
    sessionStorage.removeItem("grid-saved");
    const { message, activity, focus } = JSON.parse(saved);
    setTimeout(() => say(message, false), 100);
    const block = grid.querySelector(`.block[data-activity="${activity}"]`);
    if (block && focus) block.querySelector(focus)?.focus();
  }

  // POST a change; on success remember what to say and show the (maybe other) day.
  async function change(block, kind, body, after) {
    const url = grid.dataset[`${kind}Url`].replace(/\/0\/(move|resize)$/, `/${block.dataset.activity}/$1`);
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": grid.dataset.csrf },
        body: JSON.stringify({ ...body, version: Number(block.dataset.version) }),
      });
    } catch (error) {
      return error.message || String(error);
    }
    if (response.ok) {
      sessionStorage.setItem("grid-saved", JSON.stringify({
        message: fill(grid.dataset.savedText, after),
        activity: block.dataset.activity,
        focus: after.focus || "",
      }));
      const target = new URL(window.location.href);
      target.searchParams.set("day", body.day || grid.dataset.day);
      window.location.assign(target);
      return null;
    }
    const answer = await response.json().catch(() => ({ message: response.statusText }));
    return answer.message;
  }

  // Drag and drop onto a half-hour slot.
  let dragged = null;
  grid.querySelectorAll(".block[draggable]").forEach((block) => {
    block.addEventListener("dragstart", (event) => {
      dragged = block;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", block.dataset.title);
    });
    block.addEventListener("dragend", () => { dragged = null; });
  });
  grid.querySelectorAll(".slot").forEach((slot) => {
    slot.addEventListener("dragover", (event) => { event.preventDefault(); slot.classList.add("drop-target"); });
    slot.addEventListener("dragleave", () => slot.classList.remove("drop-target"));
    slot.addEventListener("drop", async (event) => {
      event.preventDefault();
      slot.classList.remove("drop-target");
      const block = dragged;
      if (!block) return;
      const start = slot.dataset.start;
      const refused = await change(block, "move", {
        day: grid.dataset.day, start, room_id: Number(slot.dataset.room),
      }, {
        title: block.dataset.title, start,
        end: toClock(toMinutes(start) + Number(block.dataset.minutes)), room: roomName(slot.dataset.room),
      });
      if (refused) say(refused, true);
    });
  });

  // The bottom edge: the new end is shown while it is dragged.
  grid.querySelectorAll(".block .resize").forEach((handle) => {
    const block = handle.closest(".block");
    const end = block.querySelector(".block-end");
    const span = [...block.classList].find((c) => /^gs-\d+$/.test(c));
    handle.addEventListener("pointerdown", (down) => {
      down.preventDefault();
      down.stopPropagation();
      block.draggable = false;
      block.classList.add("resizing");
      const startY = down.clientY;
      const original = Number(block.dataset.minutes);
      const begins = toMinutes(block.dataset.start);
      let minutes = original;
      const show = (value) => {
        end.textContent = toClock(begins + value);
        block.classList.remove(...[...block.classList].filter((c) => /^gs-\d+$/.test(c)));
        block.classList.add(value === original ? span : `gs-${Math.max(1, Math.min(64, Math.round(value / 15)))}`);
      };
      const moveHandler = (move) => {
        minutes = Math.max(15, original + Math.round((move.clientY - startY) / QUARTER) * 15);
        show(minutes);
      };
      const upHandler = async () => {
        document.removeEventListener("pointermove", moveHandler);
        document.removeEventListener("pointerup", upHandler);
        block.draggable = true;
        block.classList.remove("resizing");
        if (minutes === original) return;
        const refused = await change(block, "resize", { minutes }, {
          title: block.dataset.title, start: block.dataset.start,
          end: toClock(begins + minutes), room: roomName(block.dataset.room),
        });
        if (refused) { show(original); say(refused, true); }
      };
      document.addEventListener("pointermove", moveHandler);
      document.addEventListener("pointerup", upHandler);
    });
    handle.addEventListener("click", (event) => event.preventDefault());
  });

  // "Move…": day, start, room and length in a small form, for the keyboard and one click.
  const dialog = document.getElementById("grid-move");
  if (!dialog) return;
  const form = dialog.querySelector("form");
  const length = dialog.querySelector("#grid-move-length");
  const error = dialog.querySelector("#grid-move-error");
  let current = null;
  let minutes = 0;
  // "9:30" or "0930" is read as 09:30; anything else is not a time.
  const typedTime = () => {
    const found = form.elements.start.value.trim().match(/^(\d{1,2}):?(\d{2})$/);
    if (!found || Number(found[1]) > 23 || Number(found[2]) > 59) return null;
    return `${found[1].padStart(2, "0")}:${found[2]}`;
  };
  const showLength = () => {
    const start = typedTime();
    length.value = fill(length.dataset.text, {
      minutes, end: start ? toClock(toMinutes(start) + minutes) : "–",
    });
  };
  grid.querySelectorAll(".block-move").forEach((button) => {
    button.addEventListener("click", () => {
      current = button.closest(".block");
      minutes = Number(current.dataset.minutes);
      dialog.querySelector('[data-field="title"]').textContent = current.dataset.title;
      form.elements.day.value = grid.dataset.day;
      form.elements.start.value = current.dataset.start;
      form.elements.room_id.value = current.dataset.room;
      error.textContent = "";
      showLength();
      dialog.showModal();
    });
  });
  form.elements.start.addEventListener("input", showLength);
  dialog.querySelectorAll("[data-delta]").forEach((button) => {
    button.addEventListener("click", () => {
      minutes = Math.max(15, Math.min(1440, minutes + Number(button.dataset.delta)));
      showLength();
    });
  });
  dialog.querySelector("[data-close]").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => current?.querySelector(".block-move")?.focus());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!current) return;
    const start = typedTime();
    if (!start) {
      error.textContent = form.elements.start.dataset.invalidText;
      form.elements.start.setAttribute("aria-invalid", "true");
      form.elements.start.focus();
      return;
    }
    form.elements.start.removeAttribute("aria-invalid");
    const roomId = form.elements.room_id.value;
    error.textContent = "";
    const refused = await change(current, "move", {
      day: form.elements.day.value, start, room_id: Number(roomId), minutes,
    }, {
      title: current.dataset.title, start, end: toClock(toMinutes(start) + minutes),
      room: roomName(roomId), focus: ".block-move",
    });
    if (refused) { error.textContent = refused; say(refused, true); }
  });
})();
