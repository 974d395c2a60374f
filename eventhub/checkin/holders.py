"""The people a gate deals with: a holder by id, what the gate shows of them, a search by name."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.badges.checking import Holder, holders_query
from eventhub.extensions import db
from eventhub.i18n import fixed_text, localized_pair
from eventhub.privacy import consents
from eventhub.privacy.kinds import Purpose
from eventhub.registration.labels import CATEGORY_LABELS
from eventhub.registration.models import Participant, ParticipantPhoto, Status
from eventhub.text import holds_every_word


def holder_of(participant_id: int | None) -> Holder | None:
    if participant_id is None:
        return None
    row = db.session.execute(
        holders_query().where(Participant.__table__.c.id == participant_id)
    ).first()
    return None if row is None else Holder.of_row(row)


def summary(person: Holder | None) -> dict | None:
    """What a gate shows about a person: enough to recognise them, nothing more."""
    if person is None:
        return None
    return {
        "id": person.id,
        "name": person.latin_name,
        "native_name": person.native_name,
        "category": person.category.value,
        "category_label": fixed_text(CATEGORY_LABELS, person.category),
        "country": person.country_code,
        "delegation": localized_pair(person.delegation, person.delegation_zh),
    }


def search(event_id: int, words: list[str], limit: int = 10) -> list[Holder]:
    """Approved people whose names hold every word, for a gate whose guest forgot a badge."""
    person = Participant.__table__
    query = holders_query().where(person.c.event_id == event_id, person.c.status == Status.APPROVED)
    query = query.where(*holds_every_word(person.c.search_text, words))
    rows = db.session.execute(query.order_by(person.c.sort_name, person.c.id).limit(limit))
    return [Holder.of_row(row) for row in rows]


def search_details(people: list[Holder]) -> dict[int, tuple[str, bool]]:
    """Position and whether a photo is on file, by person: what tells namesakes apart."""
    if not people:
        return {}
    person, photo = Participant.__table__, ParticipantPhoto.__table__
    ids = [p.id for p in people]
    rows = db.session.execute(
        sa.select(person.c.id, person.c.position, photo.c.participant_id.is_not(None))
        .select_from(person.outerjoin(photo, photo.c.participant_id == person.c.id))
        .where(person.c.id.in_(ids))
    )
    hidden = consents.declined(ids, Purpose.PHOTO)  # the person declined: no photo shown
    return {row[0]: (row[1] or "", bool(row[2]) and row[0] not in hidden) for row in rows}
