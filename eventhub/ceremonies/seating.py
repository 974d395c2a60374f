"""Stage plans: who sits at the signing table and who stands behind it, for each signing."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from eventhub.ceremonies.models import Agreement, AgreementParty
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status

# Stage plans. As the audience sees the stage, Chinese practice seats the host on the left and
# the guest on the right; some hosts follow the opposite (Western) custom, hence the option.
# Behind the table stand the witnesses and the signatories' delegation leaders, each behind
# their own side, the most senior nearest the centre, in rows of STANDING_PER_SIDE a side.
STANDING_PER_SIDE = 3


@dataclass
class StageSeat:
    party: AgreementParty
    role: str  # "signatory" or "assistant"
    person: Participant | None


@dataclass
class StagePlan:
    agreement: Agreement
    table: list[StageSeat]  # left to right as the audience sees it
    standing_assistants: list[StageSeat]  # assistants of the parties in the middle stand behind
    # Standing behind the table, the first row nearest to it; left to right, each row
    # STANDING_PER_SIDE places a side, None where a side has no one left.
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


def stage_plan(
    agreement: Agreement,
    *,
    host_left: bool = True,
    leaders: dict[int, list[Participant]] | None = None,
) -> StagePlan:
    """Who sits and stands where for one signing. `leaders` (from delegation_leaders) adds
    the signatories' delegation leaders to the witnesses standing behind."""
    parties = list(agreement.parties) if host_left else list(reversed(agreement.parties))
    table: list[StageSeat] = []
    standing_assistants: list[StageSeat] = []
    last = len(parties) - 1
    for index, party in enumerate(parties):
        signatory = StageSeat(party, "signatory", party.signatory)
        assistant = StageSeat(party, "assistant", party.assistant)
        if index == 0:  # the assistants stand at the signatories' outer sides
            table += [assistant, signatory]
        elif index == last:
            table += [signatory, assistant]
        else:
            table.append(signatory)
            standing_assistants.append(assistant)

    on_table = {seat.person.id for seat in table + standing_assistants if seat.person}
    behind: dict[int, Participant] = {}
    for witness in agreement.witnesses:
        behind.setdefault(witness.participant_id, witness.participant)
    for party in agreement.parties:
        if party.signatory is not None and party.signatory.delegation_id and leaders:
            for person in leaders.get(party.signatory.delegation_id, []):
                behind.setdefault(person.id, person)
    host, guests = [], []
    in_order = list(agreement.parties)  # position 1, the host, first
    for person in sorted(
        (p for p in behind.values() if p.id not in on_table),
        key=lambda p: (p.protocol_rank or 99, p.latin_name),
    ):
        (host if _side_of(person, in_order) == 0 else guests).append(person)
    left, right = (host, guests) if host_left else (guests, host)
    rows: list[list[Participant | None]] = []
    width = STANDING_PER_SIDE
    for start in range(0, max(len(left), len(right)), width):
        # The most senior of each side nearest the centre: the left side fills leftwards.
        left_part = left[start : start + width]
        right_part = right[start : start + width]
        row: list[Participant | None] = [None] * (width - len(left_part))
        row += list(reversed(left_part))
        row += right_part + [None] * (width - len(right_part))
        rows.append(row)
    return StagePlan(agreement, table, standing_assistants, rows, host_left)
