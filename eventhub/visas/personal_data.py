"""The visa desk's answers about one person (privacy.signals): their case in the export;
on erasure the case's note goes (it may name people, embassies, reasons), its steps and
dates stay for the desk's counts."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.extensions import db
from eventhub.privacy.readable import Reading
from eventhub.privacy.signals import person_data, person_erase, person_reading
from eventhub.visas.labels import DATE_LABELS, STEP_LABELS
from eventhub.visas.models import VisaCase


def _case(event, participant_id: int) -> VisaCase | None:
    return db.session.scalar(
        sa.select(VisaCase).where(
            VisaCase.participant_id == participant_id, VisaCase.event_id == event.id
        )
    )


@person_data.connect
def visa_export(event, *, participant_id: int, **kwargs):
    case = _case(event, participant_id)
    if case is None:
        return None
    day = lambda d: d.isoformat() if d else None  # noqa: E731
    return (
        "visa",
        {
            "state": case.state.value,
            "requested_on": day(case.requested_on),
            "issued_on": day(case.issued_on),
            "sent_on": day(case.sent_on),
            "decided_on": day(case.decided_on),
            "note": case.note,
        },
    )


@person_erase.connect
def visa_erase(event, *, participant_id: int, **kwargs) -> dict[str, int]:
    case = _case(event, participant_id)
    if case is None:
        return {}
    case.note = ""
    return {"visa_notes": 1}


VISA = Reading(
    title=_l("Visa"),
    order=30,
    labels={"state": _l("Step reached"), **DATE_LABELS, "note": _l("Note")},
    values={"state": STEP_LABELS},
)


@person_reading.connect
def visa_reading(event, **kwargs):
    return ("visa", VISA)
