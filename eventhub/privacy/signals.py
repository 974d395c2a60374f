"""What privacy asks of every domain that holds personal data. Each receiver answers for
the tables of its own domain, so this package never imports them.

Senders pass the event; a person is named by `participant_id` (the row itself stays, without
what identifies it: attendance counts and certificate serials keep pointing at it).
"""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

person_data = signals.signal(
    "person-data",
    doc="""Sent with the event as sender and the keyword `participant_id`, for the export of
    everything held about a person. A receiver returns (section, data): a short key ("visa",
    "scans") and JSON-ready data (dicts, lists, strings, numbers); None when it holds nothing.""",
)
person_erase = signals.signal(
    "person-erase",
    doc="""Sent with the event as sender and the keywords `participant_id` and `actor`: erase
    what identifies the person, keeping what law or accounting requires (pseudonymised).
    A receiver returns {what: count} of what it erased or kept, for the erasure's record.""",
)
retention_due = signals.signal(
    "retention-due",
    doc="""Sent with the event as sender and the keywords `kind` (kinds.Kind) and `days` (the
    event's retention for it): a receiver returns how many of its records of that kind are
    past their date (kinds.is_due / kinds.uploaded_before), or 0.""",
)
retention_erase = signals.signal(
    "retention-erase",
    doc="""Sent like retention_due when the erasure runs: a receiver erases its records of
    that kind past their date and returns how many it erased.""",
)
person_reading = signals.signal(
    "person-reading",
    doc="""Sent with the event as sender when one person's export is made readable (the
    PDF): a receiver returns (section, readable.Reading), how its person_data answer is
    titled and how its keys and values are named in the reader's language.""",
)
