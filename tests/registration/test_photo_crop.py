"""Badge photos: cut to the 3:4 frame they print in, by default or as an organiser framed
them; the upload kept as sent."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from eventhub.badges import printing
from eventhub.extensions import db
from eventhub.registration import photo_crops
from eventhub.registration.models import Participant, ParticipantPhoto
from eventhub.registration.photos import crop_photo, prepare_photo


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def _portrait_scene(size=(1200, 800), face_centre_x=300) -> tuple[bytes, tuple[int, int, int, int]]:
    """A landscape photo: a person (head and shoulders) before a plain wall, off the
    centre as people stand in group shots and doorways. Returns it and the head's box."""
    w, h = size
    image = Image.new("RGB", size, (214, 208, 196))  # a plain wall
    draw = ImageDraw.Draw(image)
    cx = face_centre_x
    head = (cx - 90, 120, cx + 90, 360)
    draw.rectangle((cx - 220, 380, cx + 220, h), fill=(30, 40, 70))  # jacket
    draw.rectangle((cx - 40, 340, cx + 40, 400), fill=(200, 160, 130))  # neck
    draw.ellipse(head, fill=(205, 165, 135))
    draw.pieslice((cx - 95, 100, cx + 95, 260), 180, 360, fill=(25, 20, 20))  # hair
    for ex in (cx - 40, cx + 40):
        draw.ellipse((ex - 14, 215, ex + 14, 235), fill=(40, 30, 30))  # eyes
    draw.line((cx - 35, 300, cx + 35, 300), fill=(120, 60, 60), width=6)  # mouth
    return _jpeg(image), head


def _ratio_is_3_4(width: int, height: int) -> bool:
    return abs(width * 4 - height * 3) <= 4  # a pixel or so of rounding


def _scaled(box, original_size, stored_size):
    k = stored_size[0] / original_size[0]
    return tuple(round(v * k) for v in box)


def test_a_landscape_photo_comes_out_3_4_with_the_face_kept():
    upload, head = _portrait_scene(face_centre_x=300)
    original, width, height = prepare_photo(upload)
    head = _scaled(head, (1200, 800), (width, height))
    shown, (x, y, w, h) = crop_photo(original)
    with Image.open(io.BytesIO(shown)) as image:
        assert _ratio_is_3_4(*image.size), image.size  # not a thin strip any more
        assert image.height >= 400  # the full height of the upload, not a sliver of it
    assert _ratio_is_3_4(w, h)
    left, top, right, bottom = head
    assert x <= left and right <= x + w and y <= top and bottom <= y + h
    # Centring alone would have cut the face in half: the frame went where the person is.
    centred_left = (width - w) // 2
    assert not (centred_left <= left and right <= centred_left + w)


def test_a_photo_of_a_busy_scene_stays_centred_and_a_tall_one_keeps_the_head():
    noise = Image.effect_noise((1200, 800), 80).convert("RGB")
    original, width, _height = prepare_photo(_jpeg(noise))
    _shown, (x, _y, w, _h) = crop_photo(original)
    assert abs(x - (width - w) / 2) <= 0.1 * width  # no reason to move off the centre
    tall = Image.new("RGB", (600, 1200), "white")
    ImageDraw.Draw(tall).ellipse((220, 100, 380, 300), fill="black")  # the head, near the top
    ImageDraw.Draw(tall).rectangle((200, 1120, 400, 1180), fill="black")  # the shoes
    original, _w, _h = prepare_photo(_jpeg(tall))
    shown, (x, y, w, h) = crop_photo(original)
    with Image.open(io.BytesIO(shown)) as image:
        assert _ratio_is_3_4(*image.size)
    scale = 800 / 1200  # prepare_photo fits the upload in 600x800
    assert y <= 100 * scale and 300 * scale <= y + h < 1120 * scale  # head in, shoes out


def _quadrants() -> bytes:
    """A 1200x800 landscape: red on the left half's top, blue on its bottom, green right."""
    image = Image.new("RGB", (1200, 800), (0, 160, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 599, 399), fill=(220, 0, 0))
    draw.rectangle((0, 400, 599, 799), fill=(0, 0, 220))
    return _jpeg(image)


def _colour(jpeg: bytes) -> tuple[int, int, int]:
    with Image.open(io.BytesIO(jpeg)) as image:
        return image.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))


def test_an_organisers_crop_box_is_applied_on_pages_and_badges_and_the_upload_kept(
    app, client, make, event, as_role
):
    person = make.participant(event)
    with app.app_context():
        photo = photo_crops.store_photo(
            db.session.get(Participant, person.id), prepare_photo(_quadrants())
        )
        upload = photo.original
        db.session.commit()
    as_role("organiser")
    base = f"/events/{event.slug}/participants/{person.id}"
    page = client.get(base).get_data(as_text=True)
    assert 'id="photo-crop"' in page and 'name="width"' in page
    # The organiser frames the red corner: 150 px wide (the upload is stored as 600x400).
    response = client.post(f"{base}/photo/crop", data={"left": "0", "top": "0", "width": "150"})
    assert response.status_code == 302
    shown = client.get(f"{base}/photo").data
    with Image.open(io.BytesIO(shown)) as image:
        assert _ratio_is_3_4(*image.size)
    red, green, blue = _colour(shown)
    assert red > 150 and green < 60 and blue < 60  # the corner framed, nothing else
    assert client.get(f"{base}/photo/original").data == upload  # the upload as sent
    with app.app_context():
        stored = db.session.get(ParticipantPhoto, person.id)
        assert stored.cropped_by_organiser
        assert (stored.crop_left, stored.crop_top, stored.crop_width) == (0, 0, 150)
        people = [db.session.get(Participant, person.id)]
        (badge,) = printing.badge_data(db.session.merge(event), people)
        assert badge.photo == shown  # the badge prints the framed photo
    # Back to the default frame: the upload's full height again, and not the red corner.
    client.post(f"{base}/photo/crop", data={"reset": "1"})
    with Image.open(io.BytesIO(client.get(f"{base}/photo").data)) as image:
        assert image.height == 400 and _ratio_is_3_4(*image.size)


def test_a_crop_box_outside_the_photo_is_fitted_inside_it(app, client, make, event, as_role):
    person = make.participant(event)
    with app.app_context():
        photo_crops.store_photo(db.session.get(Participant, person.id), prepare_photo(_quadrants()))
        db.session.commit()
    as_role("organiser")
    base = f"/events/{event.slug}/participants/{person.id}"
    client.post(f"{base}/photo/crop", data={"left": "550", "top": "390", "width": "5000"})
    with app.app_context():
        stored = db.session.get(ParticipantPhoto, person.id)
        box = photo_crops.crop_box(stored)
    x, y, w, h = box
    assert (w, h) == (300, 400) and x + w <= 600 and y + h <= 400
    assert client.post(f"{base}/photo/crop", data={"left": "a", "top": "0"}).status_code == 400


def test_a_landscape_photo_a_head_sends_prints_3_4_not_as_a_strip(
    client, make, open_event, login, app
):
    """What the protocol office saw: a phone photo taken sideways, uploaded by the head of
    delegation, printed as a thin strip on the badge."""
    from eventhub.registration.models import Delegation, Status

    user = make.user("head.crop@example.la", roles={open_event: "head_of_delegation"})
    delegation = make.delegation(open_event, name_en="Lao PDR crop delegation")
    member = make.participant(open_event, delegation_id=delegation.id, status=Status.PENDING)
    with app.app_context():
        db.session.get(Delegation, delegation.id).head_id = member.id
        db.session.get(Participant, member.id).user_id = user.id
        db.session.commit()
    login(user.email)
    upload, _head = _portrait_scene()
    url = f"/events/{open_event.slug}/delegations/{delegation.id}/members/{member.id}"
    values = {
        "family_name": "KEOMANY",
        "given_name": "Somphone",
        "organisation": "Ministry of Education and Sports",
        "country": "LA",
        "email": "minister@example.la",
        "photo": (io.BytesIO(upload), "sideways.jpg"),
    }
    assert client.post(url, data=values).status_code == 302
    with app.app_context():
        people = [db.session.get(Participant, member.id)]
        (badge,) = printing.badge_data(db.session.merge(open_event), people)
    with Image.open(io.BytesIO(badge.photo)) as printed:
        assert _ratio_is_3_4(*printed.size), printed.size


def test_merging_two_registrations_takes_the_photo_with_its_crop_and_upload(app, make, event):
    from eventhub.registration import merging

    kept, removed = make.participant(event), make.participant(event)
    with app.app_context():
        organiser = make.user("merge.crop@example.cn", roles={event: "organiser"})
        person = db.session.get(Participant, removed.id)
        photo_crops.store_photo(person, prepare_photo(_quadrants()))
        photo_crops.set_crop(person, (0, 0, 150, 0), actor=None)
        upload = db.session.get(ParticipantPhoto, removed.id).original
        merging.merge(
            db.session.merge(event),
            kept.id,
            removed.id,
            {"photo": merging.TAKE},
            actor=db.session.merge(organiser),
        )
        photo = db.session.get(ParticipantPhoto, kept.id)
        assert photo.original == upload and photo.cropped_by_organiser
        assert photo_crops.crop_box(photo) == (0, 0, 150, 200)
        red, _green, _blue = _colour(photo.content)
        assert red > 150
