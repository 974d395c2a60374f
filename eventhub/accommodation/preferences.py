"""A guest's rooming preference (who to share with, an accessible room, a hotel, a class
other than the rank's) and the room they have, for the organisers' participant page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.accommodation.models import (
    Hotel,
    HotelRoom,
    RoomClass,
    RoomGuest,
    RoomingPreference,
)
from eventhub.audit import services as audit
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.registration.models import Participant


@dataclass
class Wish:
    share_with_id: int | None = None
    accessible: bool = False
    hotel_id: int | None = None
    room_class: RoomClass | None = None
    note: str = ""


def preference_of(participant: Participant) -> RoomingPreference | None:
    return db.session.get(RoomingPreference, participant.id)


def wished_by(participant: Participant) -> list[Participant]:
    """Who asked to share a room with this guest (the other side sees it too)."""
    return list(
        db.session.scalars(
            sa.select(Participant)
            .join(RoomingPreference, RoomingPreference.participant_id == Participant.id)
            .where(
                RoomingPreference.share_with_id == participant.id,
                Participant.erased_at.is_(None),
            )
            .order_by(Participant.sort_name)
        )
    )


def room_of(participant: Participant) -> tuple[HotelRoom, list[Participant]] | None:
    """The guest's room and the others in it, or None."""
    guest = db.session.get(RoomGuest, participant.id)
    if guest is None:
        return None
    room = guest.room
    mates = [g.participant for g in room.guests if g.participant_id != participant.id]
    return room, mates


def candidates(participant: Participant) -> tuple[list[Participant], list[Participant]]:
    """Whom the guest may share with: their delegation's members first, then the others of
    the event; never themselves nor an erased person."""
    people = list(
        db.session.scalars(
            sa.select(Participant)
            .where(
                Participant.event_id == participant.event_id,
                Participant.id != participant.id,
                Participant.erased_at.is_(None),
            )
            .order_by(Participant.sort_name, Participant.id)
        )
    )
    own = participant.delegation_id
    members = [p for p in people if own is not None and p.delegation_id == own]
    return members, [p for p in people if own is None or p.delegation_id != own]


def event_hotels(event_id: int) -> list[Hotel]:
    return list(
        db.session.scalars(
            sa.select(Hotel).where(Hotel.event_id == event_id).order_by(Hotel.name_en)
        )
    )


def _check(participant: Participant, wish: Wish) -> None:
    if wish.share_with_id is not None:
        if wish.share_with_id == participant.id:
            raise DomainError(
                _l("A guest cannot share a room with themselves."), field="share_with"
            )
        other = db.session.get(Participant, wish.share_with_id)
        if other is None or other.event_id != participant.event_id:
            raise DomainError(
                _l("This person is not a participant of this event."), field="share_with"
            )
        if other.erased_at is not None:
            raise DomainError(
                _l("This person's data has been erased: choose someone else."), field="share_with"
            )
    if wish.hotel_id is not None:
        hotel = db.session.get(Hotel, wish.hotel_id)
        if hotel is None or hotel.event_id != participant.event_id:
            raise DomainError(_l("There is no such hotel in this event."), field="hotel")


def _shown(value: Any) -> Any:
    return getattr(value, "value", value)


def save_preference(participant: Participant, wish: Wish, *, actor) -> bool:
    """Store the guest's preference; False when nothing changed. Audited on the person."""
    if participant.erased_at is not None:
        raise DomainError(_l("This person's data has been erased: it can no longer be edited."))
    _check(participant, wish)
    row = preference_of(participant)
    names = ("share_with_id", "accessible", "hotel_id", "room_class", "note")
    before = {n: getattr(row, n) for n in names} if row else dict(Wish().__dict__)
    after = {**wish.__dict__, "note": wish.note.strip()[:300]}
    changes = {
        f"rooming_{n}": [_shown(before[n]), _shown(after[n])]
        for n in names
        if before[n] != after[n]
    }
    if not changes:
        return False
    if row is None:
        row = RoomingPreference(participant_id=participant.id)
        db.session.add(row)
    for name, value in after.items():
        setattr(row, name, value)
    audit.record(
        "rooming.preference",
        participant,
        actor=actor,
        event_id=participant.event_id,
        changes=changes,
    )
    db.session.flush()
    return True


def set_shares(members: list[Participant], wanted: dict[int, int | None], *, actor) -> int:
    """Who shares with whom inside one delegation, as its head or an organiser sets it: each
    member in `wanted` gets that member (or no one); the rest of their preference is kept.
    Refused when someone would share with a non-member or themselves. How many changed."""
    ids = {m.id for m in members if m.erased_at is None}
    for member_id, other in wanted.items():
        if member_id in ids and other is not None and (other not in ids or other == member_id):
            message = _l("Choose a room-mate among the delegation's other members.")
            raise DomainError(message)
    changed = 0
    for member in members:
        if member.id not in ids or member.id not in wanted:
            continue
        row = preference_of(member)
        wish = Wish(
            share_with_id=wanted[member.id],
            accessible=row.accessible if row else bool(member.accessibility_needs),
            hotel_id=row.hotel_id if row else None,
            room_class=row.room_class if row else None,
            note=row.note if row else "",
        )
        if row is None and wish.share_with_id is None:
            continue  # nothing asked, nothing to store
        changed += save_preference(member, wish, actor=actor)
    return changed


def shares_of(members: list[Participant]) -> dict[int, int | None]:
    """member id -> whom they asked to share with."""
    ids = [m.id for m in members]
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(RoomingPreference.participant_id, RoomingPreference.share_with_id).where(
            RoomingPreference.participant_id.in_(ids)
        )
    )
    return {row[0]: row[1] for row in rows}
