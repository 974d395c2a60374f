"""Drawing certificates on a reportlab canvas: A4 landscape, bilingual, with the QR code of
their public verification page. Names are set as on the badges (the same helpers)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image
from reportlab.lib.colors import HexColor, black
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

from eventhub.badges.render import A4, draw_matrix, latin_only, text_block
from eventhub.certificates.qr import verification_matrix
from eventhub.pdf import draw_text

CERTIFICATE_PAGE = (A4[1], A4[0])  # landscape
CERTIFICATE_COLOUR = "#1f4e79"
REVOKED_COLOUR = "#d62828"


@dataclass
class CertificateData:
    serial: str
    url: str  # the public verification page, in the QR code
    title_en: str
    title_zh: str
    body_en: str
    body_zh: str
    latin_name: str
    native_name: str = ""
    signatory: str = ""
    signatory_title_en: str = ""
    signatory_title_zh: str = ""
    signature: bytes | None = None
    logo: bytes | None = None
    place_date: str = ""  # the place and the issue date, as the verification page gives it
    kind: str = ""
    issued_on: str = ""  # ISO date of issue, in the event's calendar
    revoked: bool = False  # stamped REVOKED across the page


def _on_white(data: bytes) -> Image.Image:
    """The image laid on the white page once, here: a PDF/A archive holds no transparency
    (soft masks), and a transparent signature looks the same on white."""
    image = Image.open(io.BytesIO(data))
    if image.mode in ("RGBA", "LA", "P", "PA") or "transparency" in image.info:
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        return flat
    return image.convert("RGB")


def _image(canvas, data: bytes, x: float, y: float, w: float, h: float) -> None:
    """The logo or signature, decoded and embedded once per document and drawn on every
    certificate from there (decoding it for each page was most of a run's time)."""
    forms = canvas.__dict__.setdefault("_eventhub_images", {})
    key = (hash(data), x, y, w, h)
    if key not in forms:
        forms[key] = f"eventhub-image-{len(forms)}"
        canvas.beginForm(forms[key])
        canvas.drawImage(
            ImageReader(_on_white(data)), x, y, w, h, preserveAspectRatio=True, anchor="c"
        )
        canvas.endForm()
    canvas.doForm(forms[key])


def _revoked_stamp(canvas, w: float, h: float) -> None:
    """REVOKED / 已撤销 across the page in red, under the text (which stays readable for the
    record), in solid colour: an archive PDF has no transparency."""
    canvas.saveState()
    canvas.translate(w / 2, h / 2)
    canvas.rotate(22)
    red = HexColor(REVOKED_COLOUR)
    canvas.setStrokeColor(red)
    canvas.setFillColor(red)
    canvas.setLineWidth(5)
    canvas.roundRect(-100 * mm, -28 * mm, 200 * mm, 56 * mm, 7 * mm)
    draw_text(canvas, 0, 2 * mm, "REVOKED", 64, bold=True, align="centre")
    draw_text(canvas, 0, -20 * mm, "已撤销", 40, align="centre")
    canvas.restoreState()


def draw_certificate(canvas, data: CertificateData) -> None:
    w, h = CERTIFICATE_PAGE
    centre = w / 2
    colour = HexColor(CERTIFICATE_COLOUR)
    canvas.saveState()
    if data.revoked:
        _revoked_stamp(canvas, w, h)
    # A double frame.
    canvas.setStrokeColor(colour)
    canvas.setLineWidth(3)
    canvas.rect(12 * mm, 12 * mm, w - 24 * mm, h - 24 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(15 * mm, 15 * mm, w - 30 * mm, h - 30 * mm)
    top = h - 24 * mm
    if data.logo:
        _image(canvas, data.logo, centre - 20 * mm, top - 20 * mm, 40 * mm, 20 * mm)
        top -= 24 * mm
    inner = w - 70 * mm
    canvas.setFillColor(colour)
    top = text_block(canvas, data.title_zh, centre, top, inner, largest=30, smallest=16, lines=1)
    top = text_block(
        canvas, data.title_en, centre, top, inner, largest=24, smallest=14, bold=True, lines=1
    )
    top -= 6 * mm
    canvas.setFillColor(black)
    if data.native_name and not latin_only(data.native_name):
        top = text_block(canvas, data.native_name, centre, top, inner, largest=30, smallest=14)
    top = text_block(
        canvas, data.latin_name, centre, top, inner, largest=26, smallest=12, bold=True
    )
    top -= 5 * mm
    top = text_block(canvas, data.body_zh, centre, top, inner, largest=14, smallest=9, lines=2)
    text_block(canvas, data.body_en, centre, top - 2 * mm, inner, largest=13, smallest=8, lines=2)

    # Signature on the left above its line; verification on the right.
    base = 30 * mm
    left = 45 * mm
    if data.signature:
        _image(canvas, data.signature, left, base + 12 * mm, 60 * mm, 18 * mm)
    canvas.setLineWidth(0.5)
    canvas.line(left, base + 11 * mm, left + 70 * mm, base + 11 * mm)
    y = base + 6 * mm
    for text, size in (
        (data.signatory, 11),
        (data.signatory_title_zh, 9),
        (data.signatory_title_en, 9),
        (data.place_date, 9),
    ):
        if text:
            draw_text(canvas, left, y, text, size, max_width=90 * mm)
            y -= size * 1.35
    qr_size = 26 * mm
    qr_x, qr_y = w - 45 * mm - qr_size, base
    draw_matrix(canvas, verification_matrix(data.url), qr_x, qr_y, qr_size)
    draw_text(canvas, qr_x + qr_size / 2, qr_y - 4 * mm, data.serial, 8, align="centre")
    draw_text(canvas, qr_x + qr_size / 2, qr_y - 8 * mm, "验证 Verify", 7, align="centre")
    canvas.restoreState()
