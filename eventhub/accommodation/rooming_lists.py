"""The rooming list of one hotel, for one night or all nights: a row per booked room with its
guests (the Latin name as in the passport, which hotel systems take, and the name in the
guest's own script beside it), and per night the rooms booked against those contracted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from eventhub.accommodation.models import (
    Hotel,
    HotelRoom,
    RoomBlock,
    RoomGuest,
    RoomingPreference,
    RoomType,
)
from eventhub.accommodation.nights import nights_between
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant


@dataclass
class Guest:
    """One guest of a row; an erased guest keeps their id only (`erased`: no name shown)."""

    participant_id: int
    latin: str = ""
    native: str = ""
    nationality: str = ""
    delegation: str = ""
    arrival: datetime | date | None = None
    arrival_flight: str = ""
    departure: datetime | date | None = None
    departure_flight: str = ""
    accessible: bool = False
    erased: bool = False


@dataclass
class Line:
    """A booked room: the nights are first..last inclusive (check-out the day after)."""

    room_id: int
    number: str
    type_id: int
    type_name: str
    room_class: str
    accessible: bool
    first_night: date
    last_night: date
    guests: list[Guest] = field(default_factory=list)
    note: str = ""

    @property
    def nights(self) -> int:
        return (self.last_night - self.first_night).days + 1

    @property
    def shared(self) -> bool:
        return len(self.guests) > 1

    def covers(self, night: date) -> bool:
        return self.first_night <= night <= self.last_night


@dataclass
class NightCount:
    """Rooms of one type booked one night, against those contracted (0 without a block)."""

    night: date
    type_id: int
    type_name: str
    contracted: int
    booked: int
    cut_off: date | None

    @property
    def over(self) -> bool:
        return self.booked > self.contracted


def rooms_of(hotel: Hotel, night: date | None = None) -> list[HotelRoom]:
    """The hotel's booked rooms (those sleeping there `night`, or all), guests loaded."""
    query = (
        sa.select(HotelRoom)
        .join(RoomType, RoomType.id == HotelRoom.room_type_id)
        .where(RoomType.hotel_id == hotel.id, HotelRoom.event_id == hotel.event_id)
        .options(
            selectinload(HotelRoom.room_type),
            selectinload(HotelRoom.guests)
            .selectinload(RoomGuest.participant)
            .selectinload(Participant.delegation),
            selectinload(HotelRoom.guests)
            .selectinload(RoomGuest.participant)
            .selectinload(Participant.nationality),
            selectinload(HotelRoom.guests)
            .selectinload(RoomGuest.participant)
            .selectinload(Participant.country),
        )
    )
    if night is not None:
        query = query.where(HotelRoom.first_night <= night, HotelRoom.last_night >= night)
    return list(db.session.scalars(query))


def _guest(person: Participant, accessible_ids: set[int]) -> Guest:
    if person.erased_at is not None:
        return Guest(participant_id=person.id, erased=True)
    country = person.nationality or person.country
    return Guest(
        participant_id=person.id,
        latin=person.mrz_name,
        native=person.native_name if person.native_name != person.mrz_name else "",
        nationality=country.name_en if country is not None else person.country_code,
        delegation=person.delegation.name_en if person.delegation else "",
        arrival=person.arrival_at or person.arrival_date,
        arrival_flight=person.arrival_flight,
        departure=person.departure_at or person.departure_date,
        departure_flight=person.departure_flight,
        accessible=person.id in accessible_ids,
    )


def _protocol_key(person: Participant) -> tuple:
    """Delegations in their protocol order (people without one last), the head first, then
    by rank (unranked last), then by name: as protocol desks read lists."""
    delegation = person.delegation
    return (
        delegation is None,
        delegation.protocol_order if delegation else 0,
        delegation.name_en if delegation else "",
        0 if delegation is not None and delegation.head_id == person.id else 1,
        person.protocol_rank is None,
        person.protocol_rank or 0,
        person.sort_name,
        person.id,
    )


def _accessible_ids(people_ids: list[int]) -> set[int]:
    if not people_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(RoomingPreference.participant_id).where(
                RoomingPreference.participant_id.in_(people_ids),
                RoomingPreference.accessible.is_(True),
            )
        )
    )


def lines_of(hotel: Hotel, night: date | None = None) -> list[Line]:
    """The rows of the list, in protocol order of each room's most senior guest."""
    rooms = rooms_of(hotel, night)
    accessible = _accessible_ids([g.participant_id for room in rooms for g in room.guests])
    keyed = []
    for room in rooms:
        people = sorted((g.participant for g in room.guests), key=_protocol_key)
        line = Line(
            room_id=room.id,
            number=room.number,
            type_id=room.room_type_id,
            type_name=room.room_type.name_en,
            room_class=str(room.room_type.room_class),
            accessible=room.room_type.accessible,
            first_night=room.first_night,
            last_night=room.last_night,
            guests=[_guest(person, accessible) for person in people],
            note=room.note,
        )
        key = _protocol_key(people[0]) if people else (True, 1 << 30)
        keyed.append((key, room.first_night, room.id, line))
    keyed.sort(key=lambda item: item[:3])
    return [line for *_key, line in keyed]


def night_counts(hotel: Hotel, night: date | None = None) -> list[NightCount]:
    """Per night (the one asked, or every night with a block or a booking) and room type:
    booked against contracted."""
    types = list(
        db.session.scalars(
            sa.select(RoomType).where(RoomType.hotel_id == hotel.id).order_by(RoomType.id)
        )
    )
    blocks = {
        (block.room_type_id, block.night): block
        for block in db.session.scalars(
            sa.select(RoomBlock).where(RoomBlock.room_type_id.in_([t.id for t in types]))
        )
    }
    booked: dict[tuple[int, date], int] = {}
    for room in rooms_of(hotel, night):
        for each in nights_between(room.first_night, room.last_night):
            booked[(room.room_type_id, each)] = booked.get((room.room_type_id, each), 0) + 1
    nights = {night} if night is not None else {n for _t, n in blocks} | {n for _t, n in booked}
    counts = []
    for each in sorted(nights):
        for room_type in types:
            block = blocks.get((room_type.id, each))
            taken = booked.get((room_type.id, each), 0)
            if block is None and not taken:
                continue
            counts.append(
                NightCount(
                    night=each,
                    type_id=room_type.id,
                    type_name=room_type.name_en,
                    contracted=block.rooms if block else 0,
                    booked=taken,
                    cut_off=block.cut_off if block else None,
                )
            )
    return counts


def nights_of_hotel(hotel: Hotel) -> list[date]:
    """The nights the list can be asked for: those with a block or a booking."""
    return sorted({count.night for count in night_counts(hotel)})


def local(moment, zone: ZoneInfo) -> str:
    """A guest's arrival or departure as the list writes it: the local date and time, or
    the date alone when only the date is known."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return moment.isoformat()


@dataclass
class RoomingList:
    """Everything one list shows: its rows, the nights' counts, and the changes since the
    last list sent (`sent` None: nothing was sent yet, every row is new)."""

    hotel: Hotel
    night: date | None
    zone: ZoneInfo
    printed_at: datetime
    lines: list[Line]
    counts: list[NightCount]
    sent: object | None
    changes: list
    # The guests of cancelled rooms (their room is gone), by id.
    former_guests: dict[int, Guest] = field(default_factory=dict)
    type_names: dict[int, str] = field(default_factory=dict)

    def change_of(self, room_id: int):
        return next((c for c in self.changes if c.room_id == room_id and c.after), None)

    @property
    def cancelled(self) -> list:
        return [c for c in self.changes if c.after is None]

    @property
    def late(self) -> int:
        return sum(1 for c in self.changes if c.after_cut_off)


def rooming_list(hotel: Hotel, night: date | None, *, now: datetime) -> RoomingList:
    """The list of `hotel` for `night` (None: all nights) as of `now` (UTC)."""
    from eventhub.accommodation import changes  # noqa: PLC0415 -- changes names Line

    zone = ZoneInfo(hotel_event_zone(hotel))
    lines = lines_of(hotel, night)
    sent = changes.last_sent(hotel, night)
    found = changes.changes_since(sent, lines, now.astimezone(zone).date(), night)
    former_ids = [pid for c in found if c.after is None for pid in c.before["guests"]]
    people = (
        db.session.scalars(sa.select(Participant).where(Participant.id.in_(former_ids)))
        if former_ids
        else []
    )
    return RoomingList(
        hotel=hotel,
        night=night,
        zone=zone,
        printed_at=now,
        lines=lines,
        counts=night_counts(hotel, night),
        sent=sent,
        changes=found,
        former_guests={p.id: _guest(p, set()) for p in people},
        type_names=changes.type_names(hotel),
    )


def hotel_event_zone(hotel: Hotel) -> str:
    return db.session.get(Event, hotel.event_id).timezone
