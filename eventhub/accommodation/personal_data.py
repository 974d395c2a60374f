"""Rooming's answers about one person (privacy.signals): their room, nights and wishes in
the export; on erasure they leave their room (a shared one stays for the other guest) and
their wishes go."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventhub.accommodation import assigning
from eventhub.accommodation.models import RoomingPreference
from eventhub.extensions import db
from eventhub.privacy.readable import Reading
from eventhub.privacy.signals import person_data, person_erase, person_reading
from eventhub.registration.models import Participant


@person_data.connect
def rooming_export(event, *, participant_id: int, **kwargs):
    room = assigning.room_of(participant_id)
    preference = db.session.get(RoomingPreference, participant_id)
    if room is None and preference is None:
        return None
    data = {}
    if room is not None:
        data.update(
            hotel=room.room_type.hotel.name_en,
            room_type=room.room_type.name_en,
            first_night=room.first_night.isoformat(),
            last_night=room.last_night.isoformat(),
            number=room.number,
            shared=len(room.guests) > 1,
        )
    if preference is not None:
        data.update(
            accessible=preference.accessible,
            hotel_wished=preference.hotel.name_en if preference.hotel else None,
            shares_with=preference.share_with_id is not None,
            note=preference.note,
        )
    return ("rooming", data)


@person_erase.connect
def rooming_erase(event, *, participant_id: int, actor=None, **kwargs) -> dict[str, int]:
    done = {}
    participant = db.session.get(Participant, participant_id)
    if participant is not None and assigning.room_of(participant_id) is not None:
        assigning.remove(participant, actor=actor)
        done["rooms_left"] = 1
    preference = db.session.get(RoomingPreference, participant_id)
    if preference is not None:
        db.session.delete(preference)
        done["rooming_wishes"] = 1
    # Others' wish to share with the person goes too.
    for other in db.session.scalars(
        db.select(RoomingPreference).where(RoomingPreference.share_with_id == participant_id)
    ):
        other.share_with_id = None
    db.session.flush()
    return done


ROOMING = Reading(
    title=_l("Hotel room"),
    order=40,
    labels={
        "hotel": _l("Hotel"),
        "room_type": _l("Room type"),
        "first_night": _l("First night"),
        "last_night": _l("Last night"),
        "number": _l("Room number"),
        "shared": _l("Shared room"),
        "accessible": _l("Accessible room"),
        "hotel_wished": _l("Hotel wished"),
        "shares_with": _l("Asked to share"),
        "note": _l("Note"),
    },
    values={},
)


@person_reading.connect
def rooming_reading(event, **kwargs):
    return ("rooming", ROOMING)
