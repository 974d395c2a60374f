"""The rules of a visa case: which step a person's visa has reached, the dates that go with
it, and the move to "letter issued" when the visa desk draws the letter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.registration.letters import may_have_letter
from eventhub.registration.models import Participant
from eventhub.visas.labels import DATE_LABELS, STEP_DATES
from eventhub.visas.models import VisaCase, VisaStep

# The step dates in the order the steps are taken.
DATE_ORDER = ("requested_on", "issued_on", "sent_on", "decided_on")


class VisaInvalid(DomainError):
    """What is wrong with a step as entered, field by field."""

    def __init__(self, errors: dict[str, list[Any]]) -> None:
        super().__init__(_l("Please correct the fields marked below."))
        self.errors = {name: [str(m) for m in messages] for name, messages in errors.items()}


@dataclass
class StepInput:
    """A step as the visa desk enters it; a date left empty is unknown."""

    state: VisaStep
    dates: dict[str, date | None] = field(default_factory=dict)
    note: str = ""


def case_of(participant: Participant) -> VisaCase | None:
    return db.session.scalar(sa.select(VisaCase).where(VisaCase.participant_id == participant.id))


def state_of(participant: Participant, case: VisaCase | None) -> VisaStep | None:
    """The step reached: the case's, or "requested" for someone who asked for a letter when
    registering and has no case yet; None for someone who needs no visa."""
    if case is not None:
        return case.state
    return VisaStep.REQUESTED if participant.visa_letter_requested else None


def registered_on(participant: Participant) -> date:
    """The day of the registration in the event's zone: when a letter asked for on the form
    was requested."""
    return participant.created_at.astimezone(ZoneInfo(participant.event.timezone)).date()


def _check(participant: Participant, wanted: StepInput, today: date) -> dict[str, date | None]:
    """The dates to store, the step's own date filled in with today when left empty."""
    if wanted.state != VisaStep.REQUESTED and not may_have_letter(participant):
        raise VisaInvalid(
            {"state": [_l("Only approved participants get a visa letter; approve them first.")]}
        )
    dates = {name: wanted.dates.get(name) for name in DATE_ORDER}
    own = STEP_DATES[wanted.state]
    if dates[own] is None:
        dates[own] = today
    errors: dict[str, list[Any]] = {}
    previous: tuple[str, date] | None = None
    for name in DATE_ORDER:
        day = dates[name]
        if day is None:
            continue
        if DATE_ORDER.index(name) > DATE_ORDER.index(own):
            errors[name] = [
                _l("This step has not been reached: clear the date or choose a later step.")
            ]
        elif day > today:
            errors[name] = [_l("This date is in the future.")]
        elif previous is not None and day < previous[1]:
            errors[name] = [
                _l("This date is before the date of %(step)s.", step=DATE_LABELS[previous[0]])
            ]
        else:
            previous = (name, day)
    if errors:
        raise VisaInvalid(errors)
    return dates


def _value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def record_step(participant: Participant, wanted: StepInput, *, today: date, actor) -> bool:
    """Set the participant's visa to `wanted` (checked against `today`, in the event's zone);
    recorded in the audit log. False when nothing changed."""
    dates = _check(participant, wanted, today)
    case = case_of(participant)
    before: dict[str, Any] = {"state": None, "note": "", **dict.fromkeys(DATE_ORDER)}
    if case is None:
        case = VisaCase(event_id=participant.event_id, participant_id=participant.id)
        db.session.add(case)
    else:
        before = {name: getattr(case, name) for name in ("state", "note", *DATE_ORDER)}
    after = {"state": wanted.state, "note": wanted.note.strip()[:500], **dates}
    changes = {
        f"visa_{name}": [_value(before[name]), _value(value)]
        for name, value in after.items()
        if before[name] != value
    }
    if not changes:
        return False
    for name, value in after.items():
        setattr(case, name, value)
    audit.record(
        "visa.step", participant, actor=actor, event_id=participant.event_id, changes=changes
    )
    db.session.flush()
    return True


def letters_issued(people: list[Participant], *, day: date, actor) -> int:
    """Move each person whose visa was only requested (or not recorded) to "letter issued"
    on `day`; people further along keep their step. How many moved."""
    moved = 0
    for person in people:
        case = case_of(person)
        if state_of(person, case) not in (None, VisaStep.REQUESTED):
            continue
        dates = {name: getattr(case, name) if case else None for name in DATE_ORDER}
        if dates["requested_on"] is None and person.visa_letter_requested:
            dates["requested_on"] = min(registered_on(person), day)
        dates["issued_on"] = day
        step = StepInput(VisaStep.ISSUED, dates, case.note if case else "")
        moved += record_step(person, step, today=day, actor=actor)
    return moved


def erase_notes(event) -> None:
    """What the visa desk wrote about the event's people, erased with their names."""
    db.session.execute(sa.update(VisaCase).where(VisaCase.event_id == event.id).values(note=""))
