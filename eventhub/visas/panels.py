"""What the visa workflow adds to registration's pages (a person's, a delegation's), and its
answers when registration draws visa letters or anonymises an event: registration does not
import this package."""

from __future__ import annotations

from eventhub.auth.models import Role
from eventhub.registration.signals import (
    delegation_panels,
    participant_panels,
    participants_anonymised,
    visa_letters_issued,
)
from eventhub.visas import lists, workflow
from eventhub.visas.forms import VisaStepForm
from eventhub.visas.labels import DATE_LABELS, STEP_LABELS
from eventhub.web import Panel

DESK = {Role.ORGANISER, Role.VISA_OFFICER}


@participant_panels.connect
def visa_panel(participant, *, event, roles, **kwargs) -> Panel | None:
    """The person's visa steps and the form for the next, for the visa desk and organisers."""
    if not DESK & set(roles) or participant.erased_at is not None:
        return None  # an erased person has no visa left to follow
    case = workflow.case_of(participant)
    state = workflow.state_of(participant, case)
    return Panel.rendered(
        "visas/_panel_person.html",
        order=5,
        event=event,
        participant=participant,
        case=case,
        state=state,
        form=VisaStepForm.for_case(case, state),
        step_labels=STEP_LABELS,
        date_labels=DATE_LABELS,
    )


@delegation_panels.connect
def delegation_visas(delegation, *, event, members, roles, **kwargs) -> Panel | None:
    """How many members stand at each step, and each member's step."""
    states = lists.states_by_participant(members)
    if not states:
        return None
    return Panel.rendered(
        "visas/_panel_delegation.html",
        order=10,
        event=event,
        delegation=delegation,
        counts=lists.step_counts(event, delegation),
        states=states,
        members=[m for m in members if m.id in states],
        step_labels=STEP_LABELS,
        may_list=bool(DESK & set(roles)),
    )


@visa_letters_issued.connect
def letters_drawn(event, *, people, day, actor, **kwargs) -> None:
    """A letter drawn moves a requested visa to "letter issued" on the letter's date."""
    workflow.letters_issued(people, day=day, actor=actor)


@participants_anonymised.connect
def anonymised(event, **kwargs) -> None:
    """The notes may name people; the steps and dates stay for the statistics."""
    workflow.erase_notes(event)
