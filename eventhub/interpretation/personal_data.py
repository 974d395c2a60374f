"""Headset loans as personal data (privacy.signals): listed in a person's export; on erasure
their loans go. A headset they still held is no longer expected back: marked lost, so the
inventory does not count it on the shelf."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.extensions import db
from eventhub.interpretation.models import HeadsetLoan, HeadsetState
from eventhub.privacy.readable import Reading
from eventhub.privacy.signals import person_data, person_erase, person_reading


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


@person_reading.connect
def headsets_reading(event, **kwargs):
    return ("headsets", HEADSETS)
