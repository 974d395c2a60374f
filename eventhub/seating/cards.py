"""What a plan's printed cards say and which of them are out of date.

A place on a chair at the table has a place card; an interpreter on a chair behind their
principal has none. A card is current when it was printed after its place last changed
(`card_printed_at` >= `changed_at`); otherwise it must be (re-)issued. The cards are drawn
from plain data (PlaceCard, TableCard, GuestLine) by cards_pdf and plan_pdf."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit import display
from eventhub.audit import services as audit
from eventhub.audit.services import ACTION_LABELS
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.personnames import protocol
from eventhub.registration.models import Participant
from eventhub.seating.models import (
    SeatAssignment,
    SeatingPlan,
    SeatingTable,
    TableShape,
    WithdrawnCard,
)

ACTION_LABELS["seating.cards_printed"] = _l("Place cards printed")
ACTION_LABELS["seating.card_collected"] = _l("Withdrawn place card collected")
display.describe_fields({"cards": _l("Cards"), "card": _l("Card")})

_HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]")


@dataclass(frozen=True)
class PlaceCard:
    """One guest's folded place card: their names, one line each, and where it stands."""

    latin: str  # 'H.E. Dr. Bounthavy PHOMMACHANH', as tent cards name people
    others: tuple[str, ...]  # the name in the guest's own script, then in Chinese
    table: int
    seat: int


@dataclass(frozen=True)
class TableCard:
    number: int
    name_en: str
    name_zh: str


@dataclass(frozen=True)
class TableSpot:
    """A table where it stands on the room's layout (x, y in percent)."""

    number: int
    shape: TableShape
    seats: int
    x: float
    y: float


@dataclass(frozen=True)
class GuestLine:
    """A line of the entrance plan: the guest and their table."""

    latin: str
    chinese: str
    table: int


def chinese_name(person: Participant) -> str:
    """The name as read in Chinese: its Chinese rendering, or a name written in Chinese."""
    if person.name_zh:
        return person.name_zh
    return person.native_name if _HAN.search(person.native_name or "") else ""


def other_names(person: Participant) -> tuple[str, ...]:
    """The guest's own script, then Chinese, each once ('ສົມພອນ ແກ້ວມະນີ', '宋蓬')."""
    names = [person.native_name.strip(), chinese_name(person).strip()]
    return tuple(dict.fromkeys(n for n in names if n and n != person.latin_name))


def places_of(plan: SeatingPlan) -> list[SeatAssignment]:
    """Every place of the plan (erased people left out), by table, seat, chair behind last."""
    return list(
        db.session.scalars(
            sa.select(SeatAssignment)
            .join(SeatingTable, SeatingTable.id == SeatAssignment.table_id)
            .join(Participant, Participant.id == SeatAssignment.participant_id)
            .where(SeatAssignment.plan_id == plan.id, Participant.erased_at.is_(None))
            .options(
                sa.orm.contains_eager(SeatAssignment.table),
                sa.orm.contains_eager(SeatAssignment.participant),
            )
            .order_by(SeatingTable.number, SeatAssignment.seat, SeatAssignment.behind)
        )
    )


def with_cards(places: list[SeatAssignment]) -> list[SeatAssignment]:
    """The places that have a card: every chair at the table (not those behind)."""
    return [place for place in places if not place.behind]


def needs_card(place: SeatAssignment) -> bool:
    return place.card_printed_at is None or place.card_printed_at < place.changed_at


def to_issue(places: list[SeatAssignment]) -> list[SeatAssignment]:
    """The cards never printed, or printed before their place last changed."""
    return [place for place in with_cards(places) if needs_card(place)]


def why(place: SeatAssignment) -> str:
    """Why the card must be issued, for the reprint page."""
    if place.card_printed_at is None:
        return str(_l("New place: no card printed yet"))
    return str(_l("Place changed since its card was printed"))


def place_card(place: SeatAssignment) -> PlaceCard:
    person = place.participant
    return PlaceCard(
        latin=" ".join(person.name(protocol.TENT_CARD).split()),
        others=other_names(person),
        table=place.table.number,
        seat=place.seat,
    )


def table_cards(plan: SeatingPlan) -> list[TableCard]:
    return [TableCard(t.number, t.name_en, t.name_zh) for t in plan.tables]


def layout(plan: SeatingPlan) -> list[TableSpot]:
    return [TableSpot(t.number, t.shape, t.seats, t.x, t.y) for t in plan.tables]


def guest_lines(places: list[SeatAssignment]) -> list[GuestLine]:
    """Everyone seated (interpreters behind their principal too), by the Latin sort name."""
    people = sorted(places, key=lambda p: (p.participant.sort_name, p.participant.latin_name, p.id))
    return [
        GuestLine(p.participant.latin_name, chinese_name(p.participant), p.table.number)
        for p in people
    ]


def mark_printed(plan: SeatingPlan, places: list[SeatAssignment], *, actor) -> datetime:
    """The cards of `places` printed now; audited. Flushes, never commits."""
    when = utcnow()
    for place in places:
        place.card_printed_at = when
    audit.record(
        "seating.cards_printed",
        plan,
        actor=actor,
        event_id=plan.event_id,
        changes={"cards": [None, len(places)]},
    )
    db.session.flush()
    return when


def withdraw(place: SeatAssignment) -> WithdrawnCard | None:
    """`place` leaves the plan: if its card was printed, it still stands on the table and must
    be taken off; remember it (the name as printed, or none for an erased person)."""
    if place.card_printed_at is None or place.behind:
        return None
    person = db.session.get(Participant, place.participant_id)
    erased = person is None or person.erased_at is not None
    card = WithdrawnCard(
        plan_id=place.plan_id,
        participant_id=place.participant_id,
        name="" if erased else " ".join(person.name(protocol.TENT_CARD).split()),
        table_number=place.table.number,
        seat=place.seat if place.seat > 0 else 0,
        printed_at=place.card_printed_at,
    )
    db.session.add(card)
    return card


def to_collect(plan: SeatingPlan) -> list[WithdrawnCard]:
    """The withdrawn cards still on the tables, by table and seat."""
    return list(
        db.session.scalars(
            sa.select(WithdrawnCard)
            .where(WithdrawnCard.plan_id == plan.id, WithdrawnCard.collected_at.is_(None))
            .order_by(WithdrawnCard.table_number, WithdrawnCard.seat, WithdrawnCard.id)
        )
    )


def collect(plan: SeatingPlan, card: WithdrawnCard, *, actor) -> None:
    """The card taken off its table; audited. Flushes, never commits."""
    card.collected_at = utcnow()
    audit.record(
        "seating.card_collected",
        plan,
        actor=actor,
        event_id=plan.event_id,
        changes={"card": [f"{card.table_number}/{card.seat}", None]},
    )
    db.session.flush()
