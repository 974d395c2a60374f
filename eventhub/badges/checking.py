"""What a scanned code says: valid, revoked or invalid, and whose badge it is (a Holder)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from eventhub import crypto
from eventhub.badges import codes
from eventhub.badges.models import Badge
from eventhub.db import HotStatement
from eventhub.registration.models import (
    Category,
    Delegation,
    Participant,
    Status,
    format_latin_name,
)


@dataclass(frozen=True, slots=True)
class Holder:
    """A badge's holder as a gate sees them: enough to judge and recognise, nothing more."""

    id: int
    event_id: int
    status: Status
    category: Category
    latin_name: str
    native_name: str
    country_code: str
    delegation: str  # the delegation's English name, or ""
    head: bool  # heads a delegation: passes where officials do
    badge_id: int | None  # None until a badge is first printed
    badge_version: int | None
    delegation_zh: str = ""  # the delegation's Chinese name, or ""
    attention: bool = False  # needs attention (a VIP): admitting them alerts protocol staff

    @classmethod
    def of_row(cls, row: Sequence) -> Holder:
        """From a row of holders_query(), by position (rows may be plain tuples; a caller's
        own columns come after the holder's 16)."""
        (
            person_id,
            event_id,
            status,
            category,
            family_name,
            given_name,
            native_name,
            country_code,
            delegation,
            head,
            badge_id,
            badge_version,
        ) = row[:12]
        return cls(
            person_id,
            event_id,
            Status(status),
            Category(category),
            format_latin_name(
                family_name,
                given_name,
                patronymic=row[14] or "",
                name_order=row[15] or "",
                country_code=country_code or "",  # an empty order follows the country's custom
            ),
            native_name or "",
            country_code or "",
            delegation or "",
            bool(head),
            badge_id,
            badge_version,
            row[12] or "",
            bool(row[13]),
        )


def holders_query(from_badge: bool = False) -> sa.Select:
    """Participants and their badges with what a gate shows, in one query of plain columns:
    a scan runs it thousands of times a second, where loading whole participants cost more
    than all the rest."""
    person, badge, delegation = Participant.__table__, Badge.__table__, Delegation.__table__
    heads = Delegation.__table__.alias("heads")
    return sa.select(
        person.c.id,
        person.c.event_id,
        person.c.status,
        person.c.category,
        person.c.family_name,
        person.c.given_name,
        person.c.native_name,
        person.c.country_code,
        delegation.c.name_en.label("delegation"),
        sa.exists().where(heads.c.head_id == person.c.id).label("head"),
        badge.c.id.label("badge_id"),
        badge.c.version.label("badge_version"),
        delegation.c.name_zh.label("delegation_zh"),
        person.c.needs_attention,
        person.c.patronymic,
        person.c.name_order,
    ).select_from(
        # From the badge when one badge is sought: the database then starts from its key,
        # whatever else the query is joined to.
        (
            badge.join(person, badge.c.participant_id == person.c.id)
            if from_badge
            else person.outerjoin(badge, badge.c.participant_id == person.c.id)
        ).outerjoin(delegation, person.c.delegation_id == delegation.c.id)
    )


def holder_of_badge() -> sa.Select:
    return holders_query(from_badge=True).where(Badge.__table__.c.id == sa.bindparam("badge_id"))


_HOLDER_OF_BADGE = HotStatement(holder_of_badge())


@dataclass(frozen=True)
class CodeCheck:
    """What a scanned code is: "valid", "revoked" (an older version of a badge), or
    "invalid" (forged, altered, garbled, or of another event)."""

    result: str
    holder: Holder | None = None
    row: tuple | None = None  # with any columns the caller's query added after a holder's


def check_code(
    event_id: int, code: str, query: HotStatement | None = None, params: dict | None = None
) -> CodeCheck:
    """`query` (holder_of_badge(), with more columns and `params` if the caller needs them)
    reads the holder in the same round trip."""
    read = codes.read_code(crypto.signing_key("badge"), code)
    if read is None:
        return CodeCheck("invalid")
    badge_id, version = read
    row = (query or _HOLDER_OF_BADGE).first({"badge_id": badge_id, **(params or {})})
    return code_check(version, row, event_id)


def code_check(version: int, row: Sequence | None, event_id: int) -> CodeCheck:
    """The verdict on a code of `version` for a badge read as holders_query()'s `row`."""
    if row is None or row[0] is None or row[1] != event_id:
        return CodeCheck("invalid")
    holder = Holder.of_row(row)
    return CodeCheck("valid" if version == holder.badge_version else "revoked", holder, row)
