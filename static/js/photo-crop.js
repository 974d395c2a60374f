// The organisers' photo crop: a 3:4 frame on the photo as sent, moved and sized with the
// pointer (drag the frame, drag its corner) or the keyboard (arrows, Shift+arrows, + and -).
// The frame and the number fields (which the form sends) always say the same; the server
// fits the box again, so what is saved is what the fields show.
(function () {
  const stage = document.querySelector("[data-crop-tool]");
  if (!stage) return;
  const image = stage.querySelector(".crop-image");
  const frame = stage.querySelector(".crop-frame");
  const handle = stage.querySelector(".crop-handle");
  const status = document.getElementById("photo-crop-status");
  const fields = {
    left: document.getElementById("crop-left"),
    top: document.getElementById("crop-top"),
    width: document.getElementById("crop-width"),
  };
  const W = Number(stage.dataset.width);
  const H = Number(stage.dataset.height);
  const MIN = Math.min(60, W, Math.floor((H * 3) / 4));
  const box = { x: 0, y: 0, w: 0, h: 0 };

  // The same rule as photos.fit_box on the server.
  function fit(x, y, w) {
    const most = Math.min(W, Math.floor((H * 3) / 4));
    box.w = Math.round(Math.max(Math.min(w, most), MIN));
    box.h = Math.min(H, Math.round((box.w * 4) / 3));
    box.x = Math.round(Math.min(Math.max(x, 0), W - box.w));
    box.y = Math.round(Math.min(Math.max(y, 0), H - box.h));
  }

  function show() {
    frame.style.left = (100 * box.x) / W + "%";
    frame.style.top = (100 * box.y) / H + "%";
    frame.style.width = (100 * box.w) / W + "%";
    frame.style.height = (100 * box.h) / H + "%";
    fields.left.value = box.x;
    fields.top.value = box.y;
    fields.width.value = box.w;
  }

  function announce() {
    status.textContent = stage.dataset.announce
      .replace("{width}", box.w)
      .replace("{height}", box.h)
      .replace("{left}", box.x)
      .replace("{top}", box.y);
  }

  function fromFields() {
    fit(Number(fields.left.value) || 0, Number(fields.top.value) || 0,
        Number(fields.width.value) || MIN);
    show();
  }

  // Image pixels per screen pixel: the photo is shown scaled down.
  const scale = () => W / image.getBoundingClientRect().width;

  let drag = null;
  function start(event, resizing) {
    if (event.button !== 0) return;
    event.preventDefault();
    event.stopPropagation();
    frame.focus();
    drag = { resizing, px: event.clientX, py: event.clientY, x: box.x, y: box.y, w: box.w };
    frame.setPointerCapture(event.pointerId);
  }
  frame.addEventListener("pointerdown", (event) => start(event, event.target === handle));
  frame.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const k = scale();
    const dx = (event.clientX - drag.px) * k;
    const dy = (event.clientY - drag.py) * k;
    if (drag.resizing) fit(drag.x, drag.y, drag.w + Math.max(dx, (dy * 3) / 4));
    else fit(drag.x + dx, drag.y + dy, drag.w);
    show();
  });
  const stop = () => {
    if (drag) announce();
    drag = null;
  };
  frame.addEventListener("pointerup", stop);
  frame.addEventListener("pointercancel", stop);

  frame.addEventListener("keydown", (event) => {
    const step = event.shiftKey ? 25 : 5;
    const grow = Math.max(4, Math.round(box.w / 20)) * 2;
    let { x, y, w } = box;
    switch (event.key) {
      case "ArrowLeft": x -= step; break;
      case "ArrowRight": x += step; break;
      case "ArrowUp": y -= step; break;
      case "ArrowDown": y += step; break;
      case "+": case "=": case "Add": w += grow; break;
      case "-": case "_": case "Subtract": w -= grow; break;
      default: return;
    }
    if (w !== box.w) {
      // Sized about its centre, by what the size can really change: at full size "+"
      // must not move the frame.
      const most = Math.min(W, Math.floor((H * 3) / 4));
      const change = Math.round(Math.max(Math.min(w, most), MIN)) - box.w;
      x -= change / 2;
      y -= (change * 2) / 3;
      w = box.w + change;
    }
    event.preventDefault();
    fit(x, y, w);
    show();
    announce();
  });

  Object.values(fields).forEach((input) => input.addEventListener("change", fromFields));
  fromFields();
  frame.hidden = false;
})();
