"""What accommodation tells the modules above it (transport), which it does not import."""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

stay_changed = signals.signal(
    "stay-changed",
    doc="""Sent when guests' hotel changed, or they gained or lost a room (a hand edit, a
    proposal, a change of travel), before the commit, with the event as sender and the
    keyword `participant_ids` (a list). Transport re-plans their rides: receivers only hand
    work to jobs (jobs.later), which run after the commit.""",
)
