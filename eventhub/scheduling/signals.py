"""What the scheduler asks of the modules above it, which it does not import: the people an
activity cannot do without besides those listed on it (ceremonies: a signing ceremony's
signatories and witnesses). Receivers connect when their module's package is imported."""

from __future__ import annotations

from dataclasses import dataclass

from blinker import Namespace

from eventhub.registration.models import Participant

signals = Namespace()


@dataclass
class NeededPerson:
    """Someone needed at an activity without an ActivityPerson row (e.g. a signatory)."""

    participant_id: int
    participant: Participant


people_needed_at = signals.signal(
    "people-needed-at",
    doc="""Sent by the conflict checks and the solver with the list of activities they look
    at as sender. A receiver returns (activity, NeededPerson) pairs for those activities.""",
)
