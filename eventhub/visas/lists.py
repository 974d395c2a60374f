"""The visa list of an event: who needs a visa, the step each has reached, by delegation;
counts per step; the same list as a spreadsheet."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import localized
from eventhub.registration.exports import Sheet
from eventhub.registration.labels import STATUS_LABELS
from eventhub.registration.models import Delegation, Participant
from eventhub.visas.labels import DATE_LABELS, STEP_LABELS
from eventhub.visas.models import VisaCase, VisaStep
from eventhub.visas.workflow import DATE_ORDER, registered_on
from eventhub.web import paginate


# A person without a case who asked for a letter stands at "requested" (workflow.state_of).
def _state():
    # The default written out, not bound: PostgreSQL must see the same expression in the
    # select and the GROUP BY.
    return sa.func.coalesce(VisaCase.state, sa.literal_column(f"'{VisaStep.REQUESTED.value}'"))


@dataclass
class VisaFilters:
    state: str = ""
    delegation: int | None = None


@dataclass
class VisaRow:
    participant: Participant
    case: VisaCase | None

    @property
    def state(self) -> VisaStep:
        return self.case.state if self.case else VisaStep.REQUESTED

    def date(self, name: str) -> date | None:
        if self.case is not None:
            return getattr(self.case, name)
        return registered_on(self.participant) if name == "requested_on" else None


def _in_list(event: Event):
    """The event's people who asked for a letter or have a visa case."""
    return (
        sa.select(Participant, VisaCase)
        .outerjoin(VisaCase, VisaCase.participant_id == Participant.id)
        .where(
            Participant.event_id == event.id,
            Participant.erased_at.is_(None),  # an erased person's case names nobody
            sa.or_(VisaCase.id.is_not(None), Participant.visa_letter_requested),
        )
    )


def _filtered(event: Event, filters: VisaFilters):
    query = _in_list(event)
    if filters.state in set(VisaStep):
        query = query.where(_state() == filters.state)
    if filters.delegation:
        query = query.where(Participant.delegation_id == filters.delegation)
    # Delegations in protocol order, people by the name they are addressed by.
    return query.outerjoin(Delegation, Participant.delegation_id == Delegation.id).order_by(
        Delegation.protocol_order.is_(None),
        Delegation.protocol_order,
        Delegation.name_en,
        Participant.sort_name,
        Participant.id,
    )


def visa_rows(event: Event, filters: VisaFilters) -> list[VisaRow]:
    """Every row the filters keep (the exports)."""
    query = _filtered(event, filters).options(
        sa.orm.joinedload(Participant.delegation), sa.orm.joinedload(Participant.country)
    )
    return [VisaRow(p, case) for p, case in db.session.execute(query).unique()]


def visa_page(event: Event, filters: VisaFilters):
    """One page of the rows (the list page): a week has a thousand foreign guests."""
    query = _filtered(event, filters).with_only_columns(Participant)
    page = paginate(
        query.options(
            sa.orm.joinedload(Participant.delegation), sa.orm.joinedload(Participant.country)
        )
    )
    ids = [person.id for person in page.items]
    cases = {
        case.participant_id: case
        for case in db.session.scalars(sa.select(VisaCase).where(VisaCase.participant_id.in_(ids)))
    }
    page.items = [VisaRow(person, cases.get(person.id)) for person in page.items]
    return page


def step_counts(event: Event, delegation: Delegation | None = None) -> dict[VisaStep, int]:
    """How many people stand at each step, in the event or one delegation."""
    query = _in_list(event).with_only_columns(_state(), sa.func.count()).group_by(_state())
    if delegation is not None:
        query = query.where(Participant.delegation_id == delegation.id)
    counts = Counter({VisaStep(state): count for state, count in db.session.execute(query)})
    return {step: counts.get(step, 0) for step in VisaStep}


def states_by_participant(people: list[Participant]) -> dict[int, VisaStep]:
    """The step of each of `people` who needs a visa."""
    ids = [p.id for p in people]
    cases = dict(
        db.session.execute(
            sa.select(VisaCase.participant_id, VisaCase.state).where(
                VisaCase.participant_id.in_(ids)
            )
        ).all()
    )
    return {
        p.id: cases.get(p.id, VisaStep.REQUESTED)
        for p in people
        if p.id in cases or p.visa_letter_requested
    }


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def sheet(rows: list[VisaRow]) -> Sheet:
    """The visa list for a spreadsheet, in the reader's language."""
    header = [
        _l("Name"),
        _l("Name in own script"),
        _l("Country"),
        _l("Delegation"),
        _l("Registration"),
        _l("Visa"),
        *(DATE_LABELS[name] for name in DATE_ORDER),
        _l("Note"),
    ]
    body = [
        [
            row.participant.titled_name,
            row.participant.native_name,
            localized(row.participant.country, "name"),
            localized(row.participant.delegation, "name") if row.participant.delegation else "",
            str(STATUS_LABELS[row.participant.status]),
            str(STEP_LABELS[row.state]),
            *(_iso(row.date(name)) for name in DATE_ORDER),
            row.case.note if row.case else "",
        ]
        for row in rows
    ]
    return Sheet(str(_l("Visas")), [str(h) for h in header], body)
