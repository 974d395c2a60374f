// The seating layout. Tables are placed where they stand in the room (data-x/y, percent).
// A guest moves by dragging their name onto a seat, or by pressing their name (it stays
// picked) and then a seat number: both fill the "Move a guest" form and send it, so the
// server checks the move exactly as when the form is used by hand. A table moves by
// dragging its heading; its page has the same position as two fields.
(function () {
  const room = document.querySelector(".seating-room");
  const form = document.getElementById("move-form");
  if (!room || !form) return;
  const status = document.getElementById("seating-status");
  const guestField = form.querySelector("[name=participant_id]");
  const tableField = form.querySelector("[name=table]");
  const seatField = form.querySelector("[name=seat]");

  room.classList.add("placed");
  const cards = [...room.querySelectorAll(".seating-table")];
  cards.forEach((table) => {
    table.style.left = `${table.dataset.x}%`;
    table.style.top = `${table.dataset.y}%`;
  });
  // The room is as deep as it takes for no table to cover the one below it (same column).
  function fitHeight() {
    let needed = 1200;
    cards.forEach((a) => {
      const ax = parseFloat(a.dataset.x), ay = parseFloat(a.dataset.y);
      cards.forEach((b) => {
        const gap = parseFloat(b.dataset.y) - ay;
        if (b === a || gap <= 0 || Math.abs(parseFloat(b.dataset.x) - ax) >= 10) return;
        needed = Math.max(needed, ((a.offsetHeight + 12) * 100) / gap);
      });
      needed = Math.max(needed, ((a.offsetHeight + 12) * 100) / Math.max(1, 100 - ay));
    });
    room.style.height = `${Math.min(12000, Math.ceil(needed))}px`;
  }
  fitHeight();

  let picked = null;
  function send(guest, table, seat) {
    guestField.value = guest;
    tableField.value = table;
    seatField.value = seat;
    form.requestSubmit ? form.requestSubmit() : form.submit();
  }
  function pick(button) {
    document.querySelectorAll('.guest[aria-pressed="true"]').forEach((b) => b.setAttribute("aria-pressed", "false"));
    picked = button ? button.dataset.guest : null;
    if (button) {
      button.setAttribute("aria-pressed", "true");
      // The words come from the page, in the reader's language.
      status.textContent = `${button.textContent.trim()}: ${room.dataset.pickedText}`;
    }
  }
  document.querySelectorAll(".guest[data-guest]").forEach((button) => {
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", () => pick(picked === button.dataset.guest ? null : button));
    button.addEventListener("dragstart", (e) => {
      e.dataTransfer.setData("text/x-guest", button.dataset.guest);
      e.dataTransfer.effectAllowed = "move";
    });
  });
  room.querySelectorAll(".seat").forEach((seat) => {
    seat.addEventListener("dragover", (e) => {
      if (e.dataTransfer.types.includes("text/x-guest")) { e.preventDefault(); seat.classList.add("drop-target"); }
    });
    seat.addEventListener("dragleave", () => seat.classList.remove("drop-target"));
    seat.addEventListener("drop", (e) => {
      const guest = e.dataTransfer.getData("text/x-guest");
      if (!guest) return;
      e.preventDefault();
      send(guest, seat.dataset.table, seat.dataset.seat);
    });
  });
  room.querySelectorAll(".seat-number").forEach((button) => {
    button.addEventListener("click", () => {
      if (picked) send(picked, button.dataset.table, button.dataset.seat);
    });
  });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") pick(null); });

  // Tables dragged by their heading: the new place is saved at once. The table's id is read
  // from the dragged element of this page, never from the drop's data (another page or
  // application may drop anything there), and only digits go into the URL.
  const token = form.querySelector("[name=csrf_token]").value;
  let draggedTable = null;
  room.querySelectorAll(".seating-table-head").forEach((head) => {
    const table = head.closest(".seating-table");
    head.setAttribute("draggable", "true");
    head.addEventListener("dragstart", (e) => {
      draggedTable = table;
      e.dataTransfer.setData("text/x-table", "");
    });
    head.addEventListener("dragend", () => { draggedTable = null; });
  });
  room.addEventListener("dragover", (e) => { if (draggedTable) e.preventDefault(); });
  room.addEventListener("drop", (e) => {
    const id = draggedTable ? draggedTable.dataset.tableId : "";
    draggedTable = null;
    if (!/^\d+$/.test(id)) return;
    e.preventDefault();
    const box = room.getBoundingClientRect();
    const x = Math.max(0, Math.min(100, ((e.clientX - box.left + room.scrollLeft) / room.scrollWidth) * 100));
    const y = Math.max(0, Math.min(100, ((e.clientY - box.top + room.scrollTop) / room.scrollHeight) * 100));
    const url = room.dataset.positionUrl.replace("/tables/0/", `/tables/${id}/`);
    const body = new URLSearchParams({ x: x.toFixed(1), y: y.toFixed(1), csrf_token: token });
    fetch(url, { method: "POST", body, credentials: "same-origin", headers: { "X-CSRFToken": token } })
      .then((r) => r.json().then((data) => ({ ok: r.ok, data })))
      .then(({ ok, data }) => {
        if (!ok) { status.textContent = data.error || "—"; return; }
        const table = room.querySelector(`[data-table-id="${id}"]`);
        table.style.left = `${data.x}%`;
        table.style.top = `${data.y}%`;
        table.dataset.x = data.x;
        table.dataset.y = data.y;
        fitHeight();
      });
  });
})();
