"""An organiser frames a participant's photo in a real browser, with the keyboard and with
the pointer; the badge prints what the frame holds."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from eventhub.badges import printing
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration import photo_crops
from eventhub.registration.models import Participant, ParticipantPhoto, Status
from eventhub.registration.photos import prepare_photo

from .conftest import ARTIFACTS, log_in_as_organiser

pytestmark = pytest.mark.browser


def _landscape() -> bytes:
    """1200x800: red top-left quarter, blue bottom-left, green right half (stored 600x400)."""
    image = Image.new("RGB", (1200, 800), (0, 160, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 599, 399), fill=(220, 0, 0))
    draw.rectangle((0, 400, 599, 799), fill=(0, 0, 220))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def _colour(jpeg: bytes) -> tuple[int, int, int]:
    with Image.open(io.BytesIO(jpeg)) as image:
        return image.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))


def _stored(app, person_id: int) -> tuple[tuple, bytes, bytes]:
    with app.app_context():
        photo = db.session.get(ParticipantPhoto, person_id)
        person = db.session.get(Participant, person_id)
        event = db.session.get(Event, person.event_id)
        (badge,) = printing.badge_data(event, [person])
        return photo_crops.crop_box(photo), photo.content, badge.photo


def _numbers(page) -> tuple[int, int, int]:
    return tuple(int(page.locator(f"#crop-{n}").input_value()) for n in ("left", "top", "width"))


def test_an_organiser_frames_a_photo_with_keys_and_pointer_and_the_badge_uses_it(live_server, page):
    app = live_server
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "caecw-2025"))
        person = Participant(
            event_id=event.id,
            family_name="SOUKSAVATH",
            given_name="Phonesavanh",
            country_code="LA",
            status=Status.APPROVED,
        )
        db.session.add(person)
        db.session.flush()
        photo_crops.store_photo(person, prepare_photo(_landscape()))
        db.session.commit()
        person_id = person.id
    base = live_server.base_url
    log_in_as_organiser(page, base)
    page.goto(f"{base}/events/caecw-2025/participants/{person_id}")
    frame = page.get_by_role("group", name="Crop frame")
    assert frame.is_visible()
    page.locator("#photo-crop").screenshot(path=str(ARTIFACTS / "photo-crop-default.png"))

    # Keyboard: smaller with "-", then into the top-left (red) corner with Shift+arrows.
    frame.focus()
    for _press in range(8):
        page.keyboard.press("-")
    for _press in range(20):
        page.keyboard.press("Shift+ArrowLeft")
        page.keyboard.press("Shift+ArrowUp")
    left, top, width = _numbers(page)
    assert (left, top) == (0, 0) and width * 4 / 3 <= 200  # inside the red quarter
    assert "Frame" in page.locator("#photo-crop-status").text_content()  # said aloud
    page.locator("#photo-crop").screenshot(path=str(ARTIFACTS / "photo-crop-keyboard.png"))
    with page.expect_navigation():
        page.get_by_role("button", name="Save the crop").click()
    expect(page.get_by_text("The photo is cropped as framed")).to_be_visible()
    box, shown, printed = _stored(app, person_id)
    assert box[:3] == (0, 0, width)
    red, green, blue = _colour(shown)
    assert red > 150 and green < 60 and blue < 60
    assert printed == shown  # the badge prints the framed photo

    # Pointer: drag the frame to the right, onto the green half (once the page after the
    # save has laid the photo out: before, the frame has no place to be grabbed).
    frame = page.get_by_role("group", name="Crop frame")
    expect(frame).to_be_visible()
    page.wait_for_function(
        "(() => { const i = document.querySelector('.crop-image');"
        " return i && i.complete && i.getBoundingClientRect().width > 0; })()"
    )
    frame.scroll_into_view_if_needed()
    start = frame.bounding_box()
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    scale = 600 / page.locator(".crop-image").bounding_box()["width"]  # photo px a screen px
    page.mouse.move(x + 150 / scale, y + 40 / scale, steps=8)
    page.mouse.move(x + 360 / scale, y + 80 / scale, steps=8)
    page.mouse.up()
    moved_left, moved_top, moved_width = _numbers(page)
    assert moved_left >= 300 and moved_top > 0 and moved_width == width
    page.locator("#photo-crop").screenshot(path=str(ARTIFACTS / "photo-crop-dragged.png"))
    with page.expect_navigation():
        page.get_by_role("button", name="Save the crop").click()
    expect(page.get_by_text("The photo is cropped as framed")).to_be_visible()
    box, shown, printed = _stored(app, person_id)
    assert box[:3] == (moved_left, moved_top, moved_width)
    red, green, blue = _colour(shown)
    assert green > 120 and red < 60 and blue < 60
    assert printed == shown
    # The page shows the new crop at once (not the browser's cached one).
    page.wait_for_function("document.querySelector('img.photo-thumb').complete")
    thumb = page.locator("img.photo-thumb").screenshot()
    red, green, blue = Image.open(io.BytesIO(thumb)).convert("RGB").resize((1, 1)).getpixel((0, 0))
    assert green > 100 and red < 80
    page.screenshot(path=str(ARTIFACTS / "photo-crop-saved.png"), full_page=True)

    # "+" at full size changes nothing (it used to push the frame to the left).
    frame = page.get_by_role("group", name="Crop frame")
    frame.focus()
    for _press in range(40):
        page.keyboard.press("+")
    for _press in range(20):
        page.keyboard.press("Shift+ArrowRight")
    full = _numbers(page)
    assert full == (300, 0, 300)  # the photo's height (400) at 3:4, at the right edge
    page.keyboard.press("+")
    page.keyboard.press("+")
    assert _numbers(page) == full
    assert not page.problems, page.problems
