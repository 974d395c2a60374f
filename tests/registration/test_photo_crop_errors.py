"""A photo whose upload cannot be read is refused with a message, not a server error; the
audit log says the crop in the reader's words (review finding 11)."""

from __future__ import annotations

from flask_babel import force_locale

from eventhub.extensions import db
from eventhub.registration.models import Participant, ParticipantPhoto


def test_cropping_an_unreadable_upload_says_so_instead_of_failing(
    app, client, make, event, as_role
):
    person = make.participant(event)
    with app.app_context():
        db.session.add(
            ParticipantPhoto(
                participant_id=person.id,
                content=b"\xff\xd8 not really a JPEG",
                original=b"\xff\xd8 not really a JPEG",
                content_type="image/jpeg",
                width=600,
                height=800,
            )
        )
        db.session.commit()
    as_role("organiser")
    base = f"/events/{event.slug}/participants/{person.id}"
    response = client.post(
        f"{base}/photo/crop", data={"left": "0", "top": "0", "width": "300"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "The stored photo cannot be read" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ParticipantPhoto, person.id).crop_width is None  # nothing saved
        assert db.session.get(Participant, person.id) is not None


def test_the_audit_log_says_the_crop_in_the_readers_words(app):
    import eventhub.registration.audit_labels  # noqa: F401  (the labels it registers)
    from eventhub.audit import display

    with app.test_request_context("/"), force_locale("en"):
        assert display.show_value("photo_crop", "default", "Participant") == "Default crop"
        shown = display.show_value("photo_crop", "600x800 at (10, 20)", "Participant")
        assert shown == "600 × 800 pixels from (10, 20)"
