"""Print runs' files hold names and photos (badges, certificates): when a person in a run is
erased, or the event's photos pass their date (privacy's retention signals), the file goes;
the run's line stays, saying why, so its page never offers a broken download. Connected on
import (see the package's __init__)."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub import clock
from eventhub.badges.models import BadgeBatch, BatchState
from eventhub.extensions import db
from eventhub.privacy import kinds
from eventhub.privacy.kinds import Kind
from eventhub.privacy.retention import touched
from eventhub.privacy.signals import retention_due, retention_erase
from eventhub.registration.models import Participant

# BadgeBatch.filters keys: the participants a run drew (recorded since runs erase their
# files), and why and when its file was erased.
PEOPLE, ERASED = "people", "erased"


def _with_files(event) -> sa.Select:
    """The event's finished runs that still hold a file."""
    return sa.select(BadgeBatch).where(
        BadgeBatch.event_id == event.id,
        BadgeBatch.state == BatchState.DONE,
        sa.func.length(BadgeBatch.content) > 0,
    )


def record_people(batch: BadgeBatch, participant_ids: list[int]) -> None:
    """Whom the run's file shows (set while it draws): erasing one of them erases it."""
    batch.filters = dict(batch.filters or {}) | {PEOPLE: sorted(set(participant_ids))}


def holds(batch: BadgeBatch, participant_id: int) -> bool:
    """The run's file may show the person: it drew them, or it did not record whom it drew."""
    people = (batch.filters or {}).get(PEOPLE)
    return people is None or participant_id in people


def erase_files(event, *, participant_id: int | None = None) -> int:
    """Empty the files of the event's finished runs: those that may hold the person, or
    (None: photos past their date) every one. Returns how many; flushed."""
    erased = 0
    for batch in db.session.scalars(_with_files(event)):
        if participant_id is not None and not holds(batch, participant_id):
            continue
        batch.content = None
        batch.filters = dict(batch.filters or {}) | {
            ERASED: {
                "participant": participant_id,
                "at": clock.now().isoformat(timespec="seconds"),
            }
        }
        erased += 1
    if erased:
        touched("badge_batch")
        db.session.flush()
    return erased


def drop_if_erased(batch: BadgeBatch) -> bool:
    """A run that was drawing while one of its people was erased (the erasure empties only
    finished runs): its file goes now, saying whose erasure took it. Flushed."""
    people = (batch.filters or {}).get(PEOPLE) or []
    if not batch.content or not people:
        return False
    gone = db.session.scalar(
        sa.select(Participant.id)
        .where(Participant.id.in_(people), Participant.erased_at.is_not(None))
        .limit(1)
    )
    if gone is None:
        return False
    batch.content = None
    batch.filters = dict(batch.filters or {}) | {
        ERASED: {"participant": gone, "at": clock.now().isoformat(timespec="seconds")}
    }
    touched("badge_batch")
    db.session.flush()
    return True


def erased(batch: BadgeBatch) -> dict | None:
    """Why and when the run's file was erased ({"participant": id or None, "at": iso})."""
    return (batch.filters or {}).get(ERASED)


@retention_due.connect
def due(event, *, kind: Kind, days: int, **kwargs) -> int:
    if kind != Kind.PHOTOS or not kinds.is_due(event, days):
        return 0
    return (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(
                _with_files(event).with_only_columns(BadgeBatch.id).subquery()
            )
        )
        or 0
    )


@retention_erase.connect
def erase(event, *, kind: Kind, days: int, **kwargs) -> int:
    if kind != Kind.PHOTOS or not kinds.is_due(event, days):
        return 0
    return erase_files(event)
