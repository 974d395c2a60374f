"""What the participant pages ask of the modules above registration (badges, certificates),
which registration does not import: each page sends a signal and shows the web.Panel every
receiver returns (None: nothing to show)."""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

participant_panels = signals.signal(
    "participant-panels",
    doc="""Sent by the organisers' page of a participant, with the participant as sender and
    the keywords `event` and `roles` (the viewer's in the event).""",
)
own_page_panels = signals.signal(
    "own-page-panels",
    doc="""Sent by a participant's own page (opened by their secret link), with the
    participant as sender and the keywords `event` and `key` (the secret of the link).
    Panels there are inline: buttons, links.""",
)
visa_letters_issued = signals.signal(
    "visa-letters-issued",
    doc="""Sent when visa letters were drawn, before the commit, with the event as sender and
    the keywords `people` (who got a letter), `day` (the date on the letters, in the event's
    zone) and `actor`.""",
)
delegation_panels = signals.signal(
    "delegation-panels",
    doc="""Sent by a delegation's page, with the delegation as sender and the keywords
    `event`, `members` and `roles` (the viewer's in the event).""",
)
participants_anonymised = signals.signal(
    "participants-anonymised",
    doc="""Sent when an event's participants were anonymised, before the commit, with the
    event as sender: the modules above registration erase what they hold about them.""",
)
travel_changed = signals.signal(
    "travel-changed",
    doc="""Sent while a session flushes participants whose travel or status changed (any
    path: forms, heads, imports, the API), with the participant as sender and the keyword
    `fields` (the names of the columns that changed, see travel_watch.WATCHED). Receivers
    hand work to jobs (jobs.later): they run after the commit, never in the flush.""",
)
arrival_panels = signals.signal(
    "arrival-panels",
    doc="""Sent by the arrivals dashboard, with the event as sender and the keyword `day`
    (the local date shown): the modules that move and lodge guests show their figures.""",
)
