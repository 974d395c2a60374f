"""A diet (halal, vegetarian…) says something about faith or health: it goes with the other
dietary and health needs when they pass their date, and with the person."""

from __future__ import annotations

from eventhub.extensions import db
from eventhub.privacy import retention
from eventhub.privacy.kinds import Kind
from eventhub.privacy.models import ErasureTrigger
from eventhub.registration.models import Diet, Participant


def _due(app, event) -> dict[Kind, int]:
    with app.app_context():
        return {row.kind: row.due for row in retention.report(db.session.merge(event))}


def test_a_diet_alone_is_counted_and_erased_with_health_needs(app, make, event):
    # The event ended in July 2025: its health needs (30 days) are past their date.
    halal = make.participant(event, diet=Diet.HALAL)
    make.participant(event)  # no diet, nothing to erase
    assert _due(app, event)[Kind.HEALTH] == 1
    with app.app_context():
        run = retention.erase_due(db.session.merge(event), trigger=ErasureTrigger.MANUAL)
        db.session.commit()
        assert run.counts[Kind.HEALTH.value] == 1
        assert db.session.get(Participant, halal.id).diet == Diet.NONE
    assert _due(app, event)[Kind.HEALTH] == 0


def test_erasing_the_person_erases_their_diet(client, as_role, app, make, event):
    person = make.participant(event, diet=Diet.VEGETARIAN)
    as_role("organiser")
    client.post(f"/events/{event.slug}/participants/{person.id}/erase")
    with app.app_context():
        stored = db.session.get(Participant, person.id)
        assert stored.erased_at is not None and stored.diet == Diet.NONE
