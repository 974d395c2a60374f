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


activity_warnings = signals.signal(
    "activity-warnings",
    doc="""Sent by the activity form and the programme pages with the list of activities they
    show as sender (the form: before an activity is published). A receiver returns (activity,
    message, url) triples: the message a lazy text in the reader's language (interpretation: a
    delegation in the audience with no channel in its language), the url the page where it is
    put right, or None. The scheduler's pages show the link without knowing whose it is.""",
)

places_of = signals.signal(
    "places-of",
    doc="""Sent by agendas and badge backs with the event as sender and the keyword
    `participant_ids`. A receiver returns (participant_id, activity, place) triples, the place
    a short text such as "Table 7" (seating: a banquet's table and seat).""",
)
