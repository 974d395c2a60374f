"""The visa desk's work before the week: letters requested, issued, sent, and the embassies'
answers (most granted, one refused)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status
from eventhub.visas import workflow
from eventhub.visas.labels import STEP_DATES
from eventhub.visas.models import VisaCase, VisaStep

# The steps given to the approved applicants in turn (the rest stay "requested" as they
# registered); the one refusal is the fifth applicant's.
PATTERN = (
    VisaStep.GRANTED,
    VisaStep.SENT,
    VisaStep.GRANTED,
    VisaStep.ISSUED,
    VisaStep.REFUSED,
    VisaStep.SENT,
    VisaStep.REQUESTED,
    VisaStep.GRANTED,
)


def build_visas(event: Event, report: list[str]) -> None:
    """Visa cases for the approved people who asked for a letter, in several steps."""
    if db.session.scalar(sa.select(VisaCase.id).where(VisaCase.event_id == event.id)):
        return
    applicants = db.session.scalars(
        sa.select(Participant)
        .where(
            Participant.event_id == event.id,
            Participant.visa_letter_requested,
            Participant.status == Status.APPROVED,
        )
        .order_by(Participant.id)
    ).all()
    requested = event.starts_on - timedelta(days=75)
    refused = False
    added = 0
    for index, person in enumerate(applicants[:48]):
        step = PATTERN[index % len(PATTERN)]
        if step == VisaStep.REFUSED:
            if refused:
                step = VisaStep.GRANTED
            refused = True
        day = requested + timedelta(days=index % 9)
        dates: dict[str, date | None] = {"requested_on": day}
        order = list(workflow.DATE_ORDER)
        for offset, name in enumerate(order[1 : order.index(STEP_DATES[step]) + 1], start=1):
            dates[name] = day + timedelta(days=6 * offset)
        note = f"Embassy of the PRC, {person.country.name_en}" if step == VisaStep.REFUSED else ""
        workflow.record_step(
            person, workflow.StepInput(step, dates, note), today=event.starts_on, actor=None
        )
        added += 1
    report.append(f"Visa cases: {added} added.")
