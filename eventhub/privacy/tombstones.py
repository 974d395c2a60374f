"""Who of which event was erased, remembered after the event itself is gone (ErasedPerson).

An archive made before a person's erasure still holds everything about them: restoring it
(archives.restore) erases them again, by these tombstones and by the list the archive's own
manifest carries (`manifest_section`). People are named by their event's address and their
participant id, which an archive keeps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.privacy.models import ErasedPerson


def remember_erased(slug: str, participant_id: int, erased_at: datetime | None = None) -> bool:
    """Write the tombstone, once per person of an event; whether it was new."""
    known = db.session.scalar(
        sa.select(ErasedPerson.id).where(
            ErasedPerson.event_slug == slug, ErasedPerson.participant_id == participant_id
        )
    )
    if known is not None:
        return False
    db.session.add(
        ErasedPerson(
            event_slug=slug, participant_id=participant_id, erased_at=erased_at or utcnow()
        )
    )
    return True


def erased_ids(slug: str) -> dict[int, datetime]:
    """The participants of the event at `slug` erased one by one, with when."""
    return dict(
        db.session.execute(
            sa.select(ErasedPerson.participant_id, ErasedPerson.erased_at).where(
                ErasedPerson.event_slug == slug
            )
        ).all()
    )


def manifest_section(event) -> list[dict[str, Any]]:
    """The manifest's "erased_people": who of the event was erased before the archive was
    made (their rows in it hold nothing that identifies them; the list travels so that the
    installation restoring it remembers them too)."""
    return [
        {"participant_id": pid, "erased_at": moment.isoformat(timespec="seconds")}
        for pid, moment in sorted(erased_ids(event.slug).items())
    ]


def from_manifest(manifest: dict) -> dict[int, datetime | None]:
    """The manifest's list read back, forgiving: an entry that does not make sense is left
    out (the archived rows say who was erased anyway)."""
    found: dict[int, datetime | None] = {}
    entries = manifest.get("erased_people")
    if not isinstance(entries, list):
        return found
    for entry in entries:
        try:
            pid = int(entry["participant_id"])
            when = entry.get("erased_at")
            found[pid] = datetime.fromisoformat(when) if isinstance(when, str) else None
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
    return found
