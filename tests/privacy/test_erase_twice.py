"""An erasure submitted twice (a double click, a second tab): the second says the person is
erased already, never a server error, and the person is erased once."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from eventhub.extensions import db
from eventhub.privacy.models import ErasureRun
from eventhub.registration import personal_data_views

from .person_world import build


def test_a_double_submitted_erasure_erases_once_and_says_so(
    app, client, as_role, make, event, monkeypatch
):
    world = build(app, make, event)
    as_role("organiser")
    url = f"/events/{event.slug}/participants/{world.person_id}/erase"
    first = client.post(url)
    assert first.status_code == 302
    looked_up = personal_data_views.participant_or_404

    def before_the_first_committed(event, participant_id):
        # The second POST found the person while the first was still erasing them.
        person = looked_up(event, participant_id)
        set_committed_value(person, "erased_at", None)
        return person

    monkeypatch.setattr(personal_data_views, "participant_or_404", before_the_first_committed)
    second = client.post(url)
    assert second.status_code == 302
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "already been erased" in page
    with app.app_context():
        runs = db.session.scalars(
            sa.select(ErasureRun).where(ErasureRun.participant_id == world.person_id)
        ).all()
        assert len(runs) == 1
