"""Who has a badge and its signed code: made on first need; a reprint revokes earlier codes."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub import crypto
from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.badges import codes
from eventhub.badges.models import Badge
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status


def code_of(badge: Badge) -> str:
    return codes.make_code(crypto.signing_key("badge"), badge.id, badge.version)


def badges_for(participants: list[Participant]) -> dict[int, Badge]:
    """Each participant's badge, created on first need (in one insert for a batch)."""
    ids = [p.id for p in participants]
    found = {
        b.participant_id: b
        for chunk in chunks(ids, 900)
        for b in db.session.scalars(sa.select(Badge).where(Badge.participant_id.in_(chunk)))
    }
    missing = [Badge(participant_id=i, version=1) for i in ids if i not in found]
    if missing:
        db.session.add_all(missing)
        db.session.flush()
        found.update({b.participant_id: b for b in missing})
    return found


def chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def may_have_badge(participant: Participant) -> bool:
    """Approved and not erased: an erased person's badge is revoked, never reissued."""
    return participant.status == Status.APPROVED and participant.erased_at is None


def no_badge_reason(participant: Participant):
    """Why `participant` has no badge, in the words the organiser needs."""
    if participant.erased_at is not None:
        return _l("This person's data has been erased: their badge is revoked for good.")
    return _l("Only approved participants have badges.")


def reprint(participant: Participant, reason: str, *, actor: User | None) -> Badge:
    """A new version of the badge (lost, name corrected): every earlier code is refused."""
    reason = " ".join(reason.split())[:200]
    if not reason:
        raise DomainError(_l("Say why the badge is reprinted (lost, name corrected...)."))
    if not may_have_badge(participant):
        raise DomainError(no_badge_reason(participant))
    badge = badges_for([participant])[participant.id]
    badge.version += 1
    badge.reprint_reason = reason
    audit.record(
        "badge.reprint",
        participant,
        actor=actor,
        event_id=participant.event_id,
        changes={"badge_version": [badge.version - 1, badge.version], "reason": [None, reason]},
    )
    db.session.flush()
    return badge
