"""Portrait photos: checked by content (not by name or declared type), re-encoded, resized."""

from __future__ import annotations

import io

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from eventhub.errors import DomainError

ACCEPTED_FORMATS = {"JPEG", "PNG", "MPO"}  # MPO: JPEG as many phones save it
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuse decompression bombs long before Pillow's own limit
MIN_SIDE = 200
BOX = (600, 800)  # enough for a badge printed at 300 dpi


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
