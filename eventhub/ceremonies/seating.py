"""Stage plans: who sits at the signing table and who stands behind it, for each signing of
two parties or more; the host side and the order within a rank the organisers chose; and the
checks of a table: one person at two tables at once, counterparts of very different rank."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.ceremonies.models import Agreement, AgreementParty, CeremonySettings
from eventhub.ceremonies.signed_record import Person, is_frozen, signer, witness
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import localized
from eventhub.registration import precedence
from eventhub.registration.models import Participant, Status
from eventhub.scheduling.models import Activity

# Stage plans. As the audience sees the stage, Chinese practice seats the host on the left and
# the guests to the right, in the order of the agreement's parties; some hosts follow the
# opposite custom, hence the choice per ceremony (CeremonySettings.host_left), which mirrors
# the whole stage. Behind the table stand the witnesses and the signatories' delegation
# leaders, each behind their own party's signatory, the most senior of each party in the
# front row and nearest the centre; a third country's witness stands with the host.
# Two parties: rows of STANDING_PER_SIDE a side, the assistants at the signatories' outer
# sides. Three or more: STAGE_WIDTH places a row shared out among the parties (two each at
# least), each signatory's assistant standing just behind them.
STANDING_PER_SIDE = 3
STAGE_WIDTH = 2 * STANDING_PER_SIDE
# Counterpart signatories this many levels apart or more are flagged (a university president
# opposite a student representative); the unranked count one level below the ladder's last.
RANK_GAP = 2

CONVENTIONS = {
    True: _l(
        "The host sits on the left as the audience sees the stage (Chinese practice), the "
        "guests to the right in the order of the parties."
    ),
    False: _l(
        "The host sits on the right as the audience sees the stage, the guests to the left "
        "in the order of the parties."
    ),
}


@dataclass
class StageSeat:
    party: AgreementParty
    role: str  # "signatory" or "assistant"
    person: Participant | Person | None  # the signatory as signed, once signed


@dataclass
class StagePlan:
    agreement: Agreement
    table: list[StageSeat]  # left to right as the audience sees it
    # Three or more parties: each signatory's assistant, standing just behind them (in the
    # signatories' order). Two parties: empty, the assistants sit at the table's ends.
    assistants: list[StageSeat]
    # Standing behind the table, the first row nearest to it; left to right, None where a
    # party has no one left.
    rows: list[list[Participant | None]]
    host_left: bool

    @property
    def flags(self) -> list[str]:
        """Table flags, left to right: one per signatory's party."""
        return [
            seat.party.organisation.country_code for seat in self.table if seat.role == "signatory"
        ]

    @property
    def name_plates(self) -> list[Participant]:
        return [s.person for s in self.table if s.role == "signatory" and s.person is not None]

    @property
    def standing(self) -> int:
        return sum(1 for row in self.rows for p in row if p is not None)


def delegation_leaders(agreements: list[Agreement]) -> dict[int, list[Participant]]:
    """By delegation: its approved members holding a protocol rank, the people who stand
    behind their delegation's signatory. One query for a whole ceremony."""
    delegations = {
        p.signatory.delegation_id
        for a in agreements
        for p in a.parties
        if p.signatory is not None and p.signatory.delegation_id
    }
    if not delegations:
        return {}
    leaders: dict[int, list[Participant]] = {}
    for person in db.session.scalars(
        sa.select(Participant)
        .where(
            Participant.delegation_id.in_(delegations),
            Participant.status == Status.APPROVED,
            Participant.protocol_rank.is_not(None),
        )
        .order_by(Participant.protocol_rank, Participant.id)
    ):
        leaders.setdefault(person.delegation_id, []).append(person)
    return leaders


def _side_of(person: Participant, parties: list[AgreementParty]) -> int:
    """The party a standing person belongs behind: their organisation's, else their
    country's; a third country's witness stands on the host's side."""
    for index, party in enumerate(parties):
        if person.organisation_id == party.organisation_id:
            return index
    for index, party in enumerate(parties):
        if person.country_code == party.organisation.country_code:
            return index
    return 0


def _rows(blocks: list[list[Participant]], width: int) -> list[list[Participant | None]]:
    """Each party's people (most senior first) in a block `width` places wide behind their
    signatory, blocks left to right; in every row each block's most senior stand nearest
    the centre of the stage."""
    size = width * len(blocks)
    centre = (size - 1) / 2
    rows: list[list[Participant | None]] = []
    for start in range(0, max((len(b) for b in blocks), default=0), width):
        row: list[Participant | None] = [None] * size
        for index, block in enumerate(blocks):
            places = sorted(
                range(index * width, (index + 1) * width), key=lambda s: abs(s - centre)
            )
            for place, person in zip(places, block[start : start + width], strict=False):
                row[place] = person
        rows.append(row)
    return rows


def stage_plan(
    agreement: Agreement,
    *,
    host_left: bool = True,
    leaders: dict[int, list[Participant]] | None = None,
    tie_break: str = precedence.TieBreak.COUNTRY_EN,
) -> StagePlan:
    """Who sits and stands where for one signing. `leaders` (from delegation_leaders) adds
    the signatories' delegation leaders to the witnesses standing behind; `tie_break` orders
    people of the same rank."""
    in_order = list(agreement.parties)  # position 1, the host, first
    parties = in_order if host_left else list(reversed(in_order))
    table: list[StageSeat] = []
    assistants: list[StageSeat] = []
    for index, party in enumerate(parties):
        signatory = StageSeat(party, "signatory", signer(party))  # as signed, once signed
        assistant = StageSeat(party, "assistant", party.assistant)
        if len(parties) > 2:
            table.append(signatory)
            assistants.append(assistant)
        elif index == 0:  # two parties: the assistants at the signatories' outer sides
            table += [assistant, signatory]
        else:
            table += [signatory, assistant]

    on_table = {seat.person.id for seat in table + assistants if seat.person}
    behind: dict[int, Participant | Person] = {}
    for row in agreement.witnesses:
        behind.setdefault(row.participant_id, witness(row))
    for party in in_order:
        if party.signatory is not None and party.signatory.delegation_id and leaders:
            for person in leaders.get(party.signatory.delegation_id, []):
                behind.setdefault(person.id, person)
    blocks: list[list[Participant]] = [[] for _party in in_order]
    for person in sorted(
        (p for p in behind.values() if p.id not in on_table),
        key=lambda p: precedence.precedence_key(p, tie_break),
    ):
        blocks[_side_of(person, in_order)].append(person)
    if not host_left:
        blocks.reverse()
    width = STANDING_PER_SIDE if len(blocks) <= 2 else max(2, math.ceil(STAGE_WIDTH / len(blocks)))
    return StagePlan(agreement, table, assistants, _rows(blocks, width), host_left)


def _duty(agreement: Agreement, role: str) -> str:
    title = localized(agreement, "title")
    if role == "signatory":
        return str(_l("signs %(title)s", title=title))
    if role == "assistant":
        return str(_l("assists at the signing of %(title)s", title=title))
    return str(_l("witnesses %(title)s", title=title))


def batch_clashes(batch: list[Agreement]) -> list[str]:
    """People needed at two of the tables that sign at the same moment: signing one
    agreement and witnessing (or assisting at) another."""
    duties: dict[int, tuple[Participant, list[tuple[Agreement, str]]]] = {}

    def add(person: Participant | None, agreement: Agreement, role: str) -> None:
        if person is not None:
            duties.setdefault(person.id, (person, []))[1].append((agreement, role))

    for agreement in batch:
        for party in agreement.parties:
            add(party.signatory, agreement, "signatory")
            add(party.assistant, agreement, "assistant")
        for row in agreement.witnesses:
            add(row.participant, agreement, "witness")
    return [
        str(
            _l(
                "%(name)s is needed at two signing tables at the same time: %(duties)s.",
                name=person.latin_name,
                duties="; ".join(_duty(agreement, role) for agreement, role in found),
            )
        )
        for person, found in duties.values()
        if len({agreement.id for agreement, _role in found}) > 1
    ]


def _rank_name(person: Participant, ranks: Mapping[int, Any]) -> str:
    rank = ranks.get(person.protocol_rank) if person.protocol_rank else None
    return localized(rank, "label") if rank is not None else str(_l("no protocol rank"))


def rank_gaps(agreements: list[Agreement], event: Event) -> dict[int, str]:
    """By agreement: why its signatories look mismatched, when the most senior and the most
    junior are RANK_GAP levels apart or more. Only ranked people are compared: a missing rank
    says nothing of a level (see `unranked_signatories`)."""
    ranks = precedence.ranks_by_level(event)
    found: dict[int, str] = {}
    for agreement in agreements:
        if is_frozen(agreement):
            continue  # signed: a check for planning, and its people are as they signed
        signing = [
            p.signatory
            for p in agreement.parties
            if p.signatory is not None and p.signatory.protocol_rank is not None
        ]
        if len(signing) < 2:
            continue
        by_level = sorted(signing, key=lambda p: (p.protocol_rank, p.id))
        senior, junior = by_level[0], by_level[-1]
        if junior.protocol_rank - senior.protocol_rank >= RANK_GAP:
            found[agreement.id] = str(
                _l(
                    "%(title)s: counterpart signatories of very different rank, %(senior)s "
                    "(%(senior_rank)s) opposite %(junior)s (%(junior_rank)s). Check that each "
                    "party signs at a matching level.",
                    title=localized(agreement, "title"),
                    senior=senior.latin_name,
                    senior_rank=_rank_name(senior, ranks),
                    junior=junior.latin_name,
                    junior_rank=_rank_name(junior, ranks),
                )
            )
    return found


def unranked_signatories(agreements: list[Agreement]) -> str | None:
    """One notice naming the signatories without a protocol rank, whose level nothing can
    compare with their counterparts' (a student representative opposite a president looks
    like any other until ranked); None when everyone signing is ranked."""
    names = {
        p.signatory.id: p.signatory.latin_name
        for agreement in agreements
        if not is_frozen(agreement)
        for p in agreement.parties
        if p.signatory is not None and p.signatory.protocol_rank is None
    }
    if not names:
        return None
    return str(
        _l(
            "No protocol rank for %(names)s: their level cannot be compared with their "
            "counterparts'. Give them a rank on their registration.",
            names=", ".join(names.values()),
        )
    )


def save_conventions(
    ceremony: Activity, settings: CeremonySettings, values: Mapping[str, Any], *, actor: User
) -> None:
    """The host side and the order within a rank chosen for this ceremony (audited);
    `settings` are the ceremony's (run_of_show.settings_of)."""
    tie_break = str(values.get("tie_break", "")).strip()
    if tie_break not in set(precedence.TieBreak):
        raise DomainError(_l("Choose how to order people of the same rank."), field="tie_break")
    host_left = values.get("host_left", "left") != "right"
    changes = {
        name: [getattr(settings, name), value]
        for name, value in (("host_left", host_left), ("tie_break", tie_break))
        if getattr(settings, name) != value
    }
    settings.host_left, settings.tie_break = host_left, tie_break
    db.session.add(settings)
    db.session.flush()
    if changes:
        audit.record(
            "ceremony.settings", ceremony, actor=actor, event_id=ceremony.event_id, changes=changes
        )
