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
