"""What accommodation tells the modules above it (transport), which it does not import."""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

stay_changed = signals.signal(
    "stay-changed",
    doc="""Sent when guests' hotel changed, or they gained or lost a room, before the
    commit, with the event as sender and the keyword `participant_ids` (a sorted list of
    ints, never empty). Sent by assigning.place (a new room, a move, a free bed: only when
    the hotel differs from before), assigning.remove, assigning.follow_travel (a guest who
    withdrew, was erased, or whose new nights no block holds) and solver.propose (once,
    with every guest whose hotel the proposal changed). Not sent when only nights change
    within the same hotel (change_nights, travel moving the dates). Transport re-plans
    their rides: receivers only hand work to jobs (jobs.later), which run after the commit.""",
)
