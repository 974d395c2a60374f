"""A logo or signature that would decode to gigabytes is refused from its header."""

from __future__ import annotations

import io

from PIL import Image


def _bomb() -> bytes:
    """A real, decodable PNG of 64 million pixels that is a few KB on the wire."""
    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, "PNG")
    return out.getvalue()


def test_a_decompression_bomb_logo_is_refused(client, as_role, app, event):
    as_role("organiser")
    bomb = _bomb()
    assert len(bomb) < 100_000
    data = {
        "title_en": "Certificate of Participation",
        "title_zh": "参会证书",
        "body_en": "This is to certify that {name} took part in {event}.",
        "body_zh": "兹证明 {name} 参加了{event}。",
        "signatory_name": "Chen Jing",
        "logo_image": (io.BytesIO(bomb), "logo.png"),
    }
    page = client.post(
        f"/events/{event.slug}/certificates/", data=data, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "too many pixels" in page
    assert "Saved." not in page
