"""Portrait photos: checked by content (not by name or declared type), re-encoded, resized,
and cropped to the badge's 3:4 portrait frame.

The upload is kept as sent (upright, at most 600x800); what every page, gate and badge shows
is a 3:4 crop of it. The default crop is a heuristic, not a face detector: no detector is in
the lock file (OpenCV's wheels are some 40 MB for one default), and an organiser moves the
frame where it is wrong. A portrait taller than 3:4 keeps its upper part (the head, not the
knees); a landscape keeps its full height, and across it the frame goes where the picture
has most detail (a person before a plain wall), drawn towards the centre when the detail
is spread evenly (a busy background)."""

from __future__ import annotations

import io

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from eventhub.errors import DomainError

ACCEPTED_FORMATS = {"JPEG", "PNG", "MPO"}  # MPO: JPEG as many phones save it
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuse decompression bombs long before Pillow's own limit
MIN_SIDE = 200
BOX = (600, 800)  # enough for a badge printed at 300 dpi
RATIO = (3, 4)  # the badge's photo frame, width to height
MIN_CROP_WIDTH = 60  # a smaller frame would print as a blur
UPPER_SHARE = 0.15  # a tall portrait loses this share of its excess height above, the rest below
CENTRE_PULL = 0.6  # how much a frame off the centre must win by: its detail is weighted
# down to this share at the picture's edge


class PhotoInvalid(DomainError):
    def __init__(self, message) -> None:
        super().__init__(message, field="photo")


def _probe(data: bytes) -> tuple[int, int]:
    """The size of an uploaded JPEG or PNG, read from its content; refused otherwise."""
    if len(data) > MAX_BYTES:
        raise PhotoInvalid(_l("The photo is larger than 10 MB. Send a smaller one."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            width, height = probe.size
            probe.verify()
    except Image.DecompressionBombError as exc:
        raise PhotoInvalid(_l("The photo has too many pixels. Send a smaller one.")) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PhotoInvalid(_l("This file is not a JPEG or PNG image.")) from exc
    if kind not in ACCEPTED_FORMATS:
        raise PhotoInvalid(_l("This file is not a JPEG or PNG image."))
    if width * height > MAX_PIXELS:
        raise PhotoInvalid(_l("The photo has too many pixels. Send a smaller one."))
    return width, height


def prepare_photo(data: bytes) -> tuple[bytes, int, int]:
    """A clean JPEG (no metadata, upright, at most 600x800) from an uploaded JPEG or PNG."""
    width, height = _probe(data)
    if min(width, height) < MIN_SIDE:
        raise PhotoInvalid(
            _l("The photo is too small: at least %(n)d pixels on each side.", n=MIN_SIDE)
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            if image.mode in ("RGBA", "LA", "P"):
                background = Image.new("RGB", image.size, "white")
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                image = background
            image = image.convert("RGB")
            image.thumbnail(BOX, Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=85, optimize=True)
            return out.getvalue(), image.width, image.height
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoInvalid(_l("This file is not a JPEG or PNG image.")) from exc


def prepare_artwork(data: bytes, field: str) -> bytes:
    """A logo or a scanned signature for printed documents: a clean PNG (transparency kept,
    metadata dropped, at most 1600 pixels wide) from an uploaded JPEG or PNG."""
    try:
        _probe(data)
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image).convert("RGBA")
            image.thumbnail((1600, 1600), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, "PNG", optimize=True)
            return out.getvalue()
    except PhotoInvalid as error:
        raise DomainError(error.message, field=field) from error
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise DomainError(_l("This file is not a JPEG or PNG image."), field=field) from exc


Box = tuple[int, int, int, int]  # left, top, width, height in the kept upload's pixels


def fit_box(width: int, height: int, left: float, top: float, frame_width: float) -> Box:
    """A 3:4 box of about `frame_width` inside a width x height picture: made as large as
    the picture allows and as small as MIN_CROP_WIDTH, then moved inside it."""
    most = min(width, height * RATIO[0] // RATIO[1])
    w = int(round(max(min(frame_width, most), min(MIN_CROP_WIDTH, most))))
    h = min(height, int(round(w * RATIO[1] / RATIO[0])))
    x = int(round(min(max(left, 0), width - w)))
    y = int(round(min(max(top, 0), height - h)))
    return x, y, w, h


def _detail_centre(image: Image.Image, frame: int) -> int:
    """Where a frame `frame` pixels wide goes across a landscape: the window with the most
    edges (faces, hair, clothes), weighted towards the centre. Pillow only: the edge image
    shrunk to one row gives each column's mean detail."""
    columns = 200
    small = image.convert("L").resize((columns, max(1, image.height * columns // image.width)))
    profile = list(
        small.filter(ImageFilter.FIND_EDGES).resize((columns, 1), Image.Resampling.BOX).tobytes()
    )
    span = max(1, round(frame * columns / image.width))
    free = columns - span
    if free <= 0:
        return 0
    best, best_score = free / 2, -1.0
    window = sum(profile[:span])
    for start in range(free + 1):
        if start:
            window += profile[start + span - 1] - profile[start - 1]
        off_centre = abs(start - free / 2) / (free / 2)
        score = window * (1 - (1 - CENTRE_PULL) * off_centre**2)
        if score > best_score + 1e-9:
            best, best_score = start, score
    centred = sum(profile[free // 2 : free // 2 + span])
    if best_score <= centred * 1.05:  # detail spread evenly: stay in the middle
        best = free / 2
    return int(round(best * image.width / columns))


def default_crop(image: Image.Image) -> Box:
    """The frame a new photo gets: see the module's note."""
    width, height = image.size
    if width * RATIO[1] > height * RATIO[0]:  # wider than 3:4
        frame = height * RATIO[0] // RATIO[1]
        return fit_box(width, height, _detail_centre(image, frame), 0, frame)
    frame_height = width * RATIO[1] // RATIO[0]
    return fit_box(width, height, 0, (height - frame_height) * UPPER_SHARE, width)


def crop_photo(original: bytes, box: Box | None = None) -> tuple[bytes, Box]:
    """The 3:4 JPEG shown and printed, cut from the kept upload by `box` (checked and fitted
    inside the picture), or by the default crop; returns it and the box used. An upload
    Pillow cannot read (damaged, or stored by an older release) is refused with a message."""
    try:
        return _crop(original, box)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise PhotoInvalid(
            _l("The stored photo cannot be read. Upload the photo again, then crop it.")
        ) from exc


def _crop(original: bytes, box: Box | None) -> tuple[bytes, Box]:
    with Image.open(io.BytesIO(original)) as image:
        image = image.convert("RGB")
        if box is None:
            box = default_crop(image)
        else:
            box = fit_box(image.width, image.height, box[0], box[1], box[2])
        x, y, w, h = box
        cropped = image.crop((x, y, x + w, y + h))
        cropped.thumbnail(BOX, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        cropped.save(out, "JPEG", quality=85, optimize=True)
        return out.getvalue(), box
