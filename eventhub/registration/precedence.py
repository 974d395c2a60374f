"""The order of precedence: each event's ladder of protocol ranks, and who holds which.

Participants hold a rank's level (1 the most senior). An event that never edited its ladder
uses DEFAULT_LADDER; the first save stores it, so every later change is the event's own.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.country_order import pinyin_key
from eventhub.registration.models import Participant, ProtocolRank
from eventhub.text import clean

# (level, English, Chinese, VIP): the ladder the organising committees of the week use.
DEFAULT_LADDER = (
    (1, "Head of state or government", "国家元首或政府首脑", True),
    (2, "Minister or vice-chair of a national assembly", "部长或国家议会副主席", True),
    (3, "Ambassador or vice-minister", "大使或副部长", True),
    (4, "Provincial leader or director-general", "省级领导或司局长", False),
    (5, "University president or chief executive", "大学校长或企业负责人", False),
    (6, "Vice-president, dean or director", "副校长、院长或主任", False),
)
LABEL_LENGTH = 120
UNRANKED = 100  # sorts after every level of a ladder (levels go to 99)


class TieBreak(enum.StrEnum):
    """How holders of the same protocol rank are ordered, instead of by record."""

    COUNTRY_EN = "country_en"  # alphabetically by country name in English
    COUNTRY_ZH = "country_zh"  # alphabetically by country name in Chinese (pinyin)
    APPOINTED = "appointed"  # the earlier appointed first
    DELEGATION = "delegation"  # the delegations' protocol order


TIE_BREAK_LABELS = {
    TieBreak.COUNTRY_EN: _l("Alphabetically by country name in English"),
    TieBreak.COUNTRY_ZH: _l("Alphabetically by country name in Chinese (pinyin)"),
    TieBreak.APPOINTED: _l("By date of appointment, the earlier appointed first"),
    TieBreak.DELEGATION: _l("By the delegations’ protocol order"),
}


def precedence_key(person: Participant, tie_break: str = TieBreak.COUNTRY_EN) -> tuple:
    """Where `person` goes in the order of precedence: their rank's level, then the chosen
    order among holders of the same rank, then the country in English and the name. Never
    the record's id, which only says who was entered first."""
    country = person.country
    english = country.name_en if country else person.country_code
    if tie_break == TieBreak.COUNTRY_ZH:
        tie: tuple = (pinyin_key(country.name_zh if country else person.country_code),)
    elif tie_break == TieBreak.APPOINTED:
        tie = (person.appointed_on is None, person.appointed_on or date.max)
    elif tie_break == TieBreak.DELEGATION:
        order = person.delegation.protocol_order if person.delegation else 0
        tie = (not order, order)  # delegations without a place in the order come last
    else:
        tie = ()
    return (person.protocol_rank or UNRANKED, *tie, english, person.sort_name, person.id)


def ladder(event: Event) -> list[ProtocolRank]:
    """The event's ranks, most senior first (the default ladder, unsaved, until edited)."""
    stored = list(
        db.session.scalars(
            sa.select(ProtocolRank)
            .where(ProtocolRank.event_id == event.id)
            .order_by(ProtocolRank.level)
        )
    )
    if stored:
        return stored
    return [
        ProtocolRank(event_id=event.id, level=level, label_en=en, label_zh=zh, vip=vip)
        for level, en, zh, vip in DEFAULT_LADDER
    ]


def ranks_by_level(event: Event) -> dict[int, ProtocolRank]:
    return {rank.level: rank for rank in ladder(event)}


def vip_levels(event: Event) -> list[int]:
    return [rank.level for rank in ladder(event) if rank.vip]


def holders(event: Event) -> dict[int, int]:
    """How many participants hold each level."""
    return dict(
        db.session.execute(
            sa.select(Participant.protocol_rank, sa.func.count())
            .where(Participant.event_id == event.id, Participant.protocol_rank.is_not(None))
            .group_by(Participant.protocol_rank)
        ).all()
    )


class LadderInvalid(DomainError):
    """`errors` maps a row's index to its messages."""

    def __init__(self, errors: dict[int, list[str]], message: Any = None) -> None:
        super().__init__(message or _l("Please correct the rows marked below."))
        self.errors = errors


@dataclass
class RankRow:
    """One row of the ladder form: `was` is the level the row had when the page was shown
    (None for a new row); participants holding it follow the row to its new level."""

    level: str
    label_en: str
    label_zh: str
    vip: bool = False
    remove: bool = False
    was: int | None = None

    @property
    def blank(self) -> bool:
        return self.was is None and not (self.level.strip() or self.label_en or self.label_zh)


def save_ladder(event: Event, rows: list[RankRow], *, actor: User | None) -> dict:
    """Replace the event's ladder; participants follow their rank when its level changes.
    All or nothing: any row at fault refuses the whole ladder, with each row's reasons."""
    errors: dict[int, list[str]] = {}
    held = holders(event)
    current = ranks_by_level(event)
    kept: list[tuple[int, RankRow, int]] = []  # (index, row, new level)
    for index, row in enumerate(rows):
        row.label_en, row.label_zh = clean(row.label_en), clean(row.label_zh)
        if row.blank:
            continue
        if row.was is not None and row.was not in current:
            errors[index] = [str(_l("This rank was removed meanwhile; reload the page."))]
            continue
        if row.remove:
            if row.was is not None and held.get(row.was):
                errors[index] = [
                    str(
                        _l(
                            "%(n)d participants hold this rank; give them another one first.",
                            n=held[row.was],
                        )
                    )
                ]
            continue
        problems = []
        try:
            level = int(row.level.strip())
        except ValueError:
            level = 0
        if not 1 <= level <= 99:
            problems.append(str(_l("Level: a whole number from 1 (most senior) to 99.")))
        for text, name in ((row.label_en, _l("In English")), (row.label_zh, _l("In Chinese"))):
            if not text:
                problems.append(str(_l("%(field)s: required.", field=name)))
            elif len(text) > LABEL_LENGTH:
                problems.append(
                    str(_l("%(field)s: at most %(n)d characters.", field=name, n=LABEL_LENGTH))
                )
        if problems:
            errors[index] = problems
        else:
            kept.append((index, row, level))
    seen: dict[int, int] = {}
    for index, _row, level in kept:
        if level in seen:
            errors.setdefault(index, []).append(
                str(_l("Level %(n)d is given to two ranks.", n=level))
            )
        seen[level] = index
    if errors:
        raise LadderInvalid(errors)
    if set(current) - {row.was for row in rows if row.was is not None}:
        # Every rank comes back in the form, kept or ticked for removal: one missing means
        # the page was out of date (or hand-made), and silently dropping it would lose it.
        raise LadderInvalid({}, _l("The page was out of date: reload it and try again."))
    if not kept:
        raise LadderInvalid({}, _l("Keep at least one rank."))

    before = {r.level: [r.label_en, r.label_zh, r.vip] for r in current.values()}
    after = {level: [row.label_en, row.label_zh, row.vip] for _i, row, level in kept}
    moves = {row.was: level for _i, row, level in kept if row.was is not None and row.was != level}
    if moves:  # all at once, so that two ranks may swap levels
        db.session.execute(
            sa.update(Participant)
            .where(Participant.event_id == event.id, Participant.protocol_rank.in_(moves))
            .values(protocol_rank=sa.case(moves, value=Participant.protocol_rank))
        )
    db.session.execute(sa.delete(ProtocolRank).where(ProtocolRank.event_id == event.id))
    db.session.add_all(
        ProtocolRank(
            event_id=event.id,
            level=level,
            label_en=row.label_en,
            label_zh=row.label_zh,
            vip=row.vip,
        )
        for _i, row, level in kept
    )
    changes = audit.changed(
        {str(k): v for k, v in before.items()}, {str(k): v for k, v in after.items()}
    )
    changes.update({str(k): [v, None] for k, v in before.items() if k not in after})
    if moves:
        changes["moved"] = [None, ", ".join(f"{old} → {new}" for old, new in sorted(moves.items()))]
    if changes:
        audit.record(
            "protocol_ranks.update", event, actor=actor, event_id=event.id, changes=changes
        )
    db.session.flush()
    return changes


def set_rank(
    participant: Participant,
    level: int | None,
    *,
    actor: User | None,
    appointed_on: date | None | bool = False,
) -> bool:
    """Give a participant a rank of the event's ladder (None: no protocol rank) and, unless
    `appointed_on` is False, the date they were appointed (None: not known)."""
    event = db.session.get(Event, participant.event_id)
    if level is not None and level not in ranks_by_level(event):
        raise DomainError(_l("Choose a rank of this event's order of precedence."), field="level")
    changes: dict[str, list[Any]] = {}
    if participant.protocol_rank != level:
        changes["protocol_rank"] = [participant.protocol_rank, level]
    if appointed_on is not False and participant.appointed_on != appointed_on:
        changes["appointed_on"] = [
            participant.appointed_on and participant.appointed_on.isoformat(),
            appointed_on and appointed_on.isoformat(),
        ]
    if not changes:
        return False
    audit.record(
        "participant.rank",
        participant,
        actor=actor,
        event_id=participant.event_id,
        changes=changes,
    )
    participant.protocol_rank = level
    if appointed_on is not False:
        participant.appointed_on = appointed_on
    db.session.flush()
    return True
