"""Headset loans and interpreter records as personal data (privacy.signals): listed in a
person's export; on erasure their loans go (a headset they still held is no longer expected
back: marked lost, so the inventory does not count it on the shelf), and the interpreter
record linked to them keeps its rota but loses name, email and phone, in the audit log too."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.interpretation.models import HeadsetLoan, HeadsetState, Interpreter
from eventhub.privacy.readable import Reading
from eventhub.privacy.retention import touched
from eventhub.privacy.signals import person_data, person_erase, person_reading
from eventhub.registration.signals import participants_anonymised


def _loans(event, participant_id: int) -> list[HeadsetLoan]:
    return list(
        db.session.scalars(
            sa.select(HeadsetLoan)
            .where(HeadsetLoan.participant_id == participant_id, HeadsetLoan.event_id == event.id)
            .order_by(HeadsetLoan.issued_at)
        )
    )


@person_data.connect
def headsets_export(event, *, participant_id: int, **kwargs):
    loans = _loans(event, participant_id)
    if not loans:
        return None
    when = lambda d: d.isoformat() if d else None  # noqa: E731
    return (
        "headsets",
        {
            "loans": [
                {
                    "headset": loan.headset.number,
                    "channel": loan.channel,
                    "issued_at": when(loan.issued_at),
                    "returned_at": when(loan.returned_at),
                }
                for loan in loans
            ]
        },
    )


@person_erase.connect
def headsets_erase(event, *, participant_id: int, **kwargs) -> dict[str, int]:
    loans = _loans(event, participant_id)
    for loan in loans:
        if loan.returned_at is None:
            loan.headset.state = HeadsetState.LOST
        db.session.delete(loan)
    return {"headset_loans": len(loans)} if loans else {}


def _when(moment):
    return moment.isoformat() if moment else None


def _interpreters_of(event, participant_ids) -> list[Interpreter]:
    return list(
        db.session.scalars(
            sa.select(Interpreter).where(
                Interpreter.event_id == event.id, Interpreter.participant_id.in_(participant_ids)
            )
        )
    )


def _blank(interpreters: list[Interpreter]) -> int:
    """What identified these interpreters goes, here and in the audit log's details; their
    rota stays (an activity still had its channel covered)."""
    for interpreter in interpreters:
        interpreter.name = f"#{interpreter.id}"
        interpreter.email = interpreter.phone = interpreter.note = ""
    if interpreters:
        db.session.execute(
            sa.update(AuditEntry)
            .where(
                AuditEntry.object_type == "Interpreter",
                AuditEntry.object_id.in_([str(i.id) for i in interpreters]),
            )
            .values(changes={})
        )
        touched("interpreter", "audit_entry")
        db.session.flush()
    return len(interpreters)


@person_data.connect
def interpreter_export(event, *, participant_id: int, **kwargs):
    found = _interpreters_of(event, [participant_id])
    if not found:
        return None
    return (
        "interpreter",
        {
            "records": [
                {
                    "name": i.name,
                    "email": i.email,
                    "phone": i.phone,
                    "languages": i.languages,
                    "note": i.note,
                    "assignments": [
                        {
                            "activity": a.activity.title_en,
                            "channel": a.channel,
                            "starts_at": _when(a.starts_at or a.activity.starts_at),
                        }
                        for a in i.assignments
                    ],
                }
                for i in found
            ]
        },
    )


@person_erase.connect
def interpreter_erase(event, *, participant_id: int, **kwargs) -> dict[str, int]:
    count = _blank(_interpreters_of(event, [participant_id]))
    return {"interpreters": count} if count else {}


@participants_anonymised.connect
def interpreters_anonymised(event, **kwargs) -> None:
    """Every interpreter who was a registered participant of the event (the agencies'
    interpreters are not participants: their records stay)."""
    _blank(
        list(
            db.session.scalars(
                sa.select(Interpreter).where(
                    Interpreter.event_id == event.id, Interpreter.participant_id.is_not(None)
                )
            )
        )
    )


HEADSETS = Reading(
    title=_l("Interpretation headsets"),
    order=65,
    labels={
        "loans": _l("Headsets lent"),
        "headset": _l("Headset"),
        "channel": _l("Channel"),
        "issued_at": _l("Lent at"),
        "returned_at": _l("Returned at"),
    },
)


INTERPRETER = Reading(
    title=_l("Interpreter"),
    order=66,
    labels={
        "records": _l("Interpreter records"),
        "name": _l("Name"),
        "email": _l("Email"),
        "phone": _l("Phone"),
        "languages": _l("Languages"),
        "note": _l("Note"),
        "assignments": _l("Rota"),
        "activity": _l("Activity"),
        "channel": _l("Channel"),
        "starts_at": _l("Starts at"),
    },
)


@person_reading.connect
def headsets_reading(event, **kwargs):
    return ("headsets", HEADSETS)


@person_reading.connect
def interpreter_reading(event, **kwargs):
    return ("interpreter", INTERPRETER)
