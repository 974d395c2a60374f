"""What the scheduler asks of the modules above it, which it does not import: the people an
activity cannot do without besides those listed on it (ceremonies: a signing ceremony's
signatories and witnesses). Receivers connect when their module's package is imported."""

from __future__ import annotations

from dataclasses import dataclass

from blinker import Namespace
from flask_babel.speaklater import LazyString

from eventhub.registration.models import Participant

signals = Namespace()


@dataclass
class NeededPerson:
    """Someone needed at an activity without an ActivityPerson row (e.g. a signatory), and
    what they do there in words for the person (their agenda and feed show it)."""

    participant_id: int
    participant: Participant
    duty: str | LazyString = ""


people_needed_at = signals.signal(
    "people-needed-at",
    doc="""Sent by the conflict checks, the solver, agendas and change notices with the list of
    activities they look at as sender. A receiver returns (activity, NeededPerson) pairs for
    those activities; one pair per duty (a signatory who also witnesses has two).""",
)
