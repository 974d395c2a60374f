"""An interpreter who registered as a participant is personal data like the rest: their
export lists the interpreter record, and erasing or anonymising them leaves no name, email
or phone on the record nor in the audit log."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.auth.models import User
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.interpretation.models import Interpreter
from eventhub.privacy.persons import erase_person, export_person
from eventhub.registration.privacy import anonymise_event

NAME, EMAIL, PHONE = "Nguyen Thi Lan", "lan@interpreters.example", "+84 912 345 678"


def _linked(app, client, make, event, as_role):
    person = make.participant(
        event, category="interpreter", family_name="NGUYEN", given_name="Thi Lan"
    )
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/interpretation/interpreters/new",
        data={
            "name": NAME,
            "email": EMAIL,
            "phone": PHONE,
            "languages": ["vi", "zh"],
            "max_minutes_per_day": "360",
            "rest_minutes": "30",
            "participant_id": str(person.id),
        },
    )
    assert response.status_code == 302
    return person


def _traces(app) -> str:
    """Everything the interpreter's row and its audit entries say, as one text."""
    with app.app_context():
        row = db.session.scalar(sa.select(Interpreter))
        entries = db.session.scalars(
            sa.select(AuditEntry.changes).where(AuditEntry.object_type == "Interpreter")
        ).all()
        return f"{row.name} {row.email} {row.phone} {entries}"


def test_the_audit_log_says_what_changed_without_the_values(app, client, make, event, as_role):
    _linked(app, client, make, event, as_role)
    traces = _traces(app)
    assert NAME in traces  # the record itself keeps them until erased
    with app.app_context():
        entries = str(db.session.scalars(sa.select(AuditEntry.changes)).all())
    assert "phone" in entries and PHONE not in entries and NAME not in entries


def test_the_export_lists_the_interpreter_record_and_erasure_blanks_it(
    app, client, make, event, as_role
):
    person = _linked(app, client, make, event, as_role)
    with app.app_context():
        ev = db.session.get(Event, event.id)
        records = export_person(ev, person.id)["sections"]["interpreter"]["records"]
        assert [(r["name"], r["email"], r["phone"]) for r in records] == [(NAME, EMAIL, PHONE)]
        erase_person(ev, person.id)
        db.session.commit()
    traces = _traces(app)
    assert NAME not in traces and EMAIL not in traces and PHONE not in traces
    page = client.get(f"/events/{event.slug}/interpretation/interpreters").get_data(as_text=True)
    assert NAME not in page and PHONE not in page


def test_anonymising_the_event_blanks_its_registered_interpreters(
    app, client, make, event, as_role
):
    _linked(app, client, make, event, as_role)
    with app.app_context():
        ev = db.session.get(Event, event.id)
        anonymise_event(ev, actor=db.session.scalar(sa.select(User)), today=date(2030, 1, 1))
        db.session.commit()
    traces = _traces(app)
    assert NAME not in traces and EMAIL not in traces and PHONE not in traces
