"""What the event pages ask of the domains. The events module is core and imports no domain:
a page sends a signal and shows what each domain's receiver returns (pretix's
event_dashboard_widgets). Receivers connect when their domain's package is imported."""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

event_home_panels = signals.signal(
    "event-home-panels",
    doc="""Sent by an event's home page, with the event as sender and the keywords `user`
    (the visitor, perhaps anonymous) and `roles` (theirs in this event). A receiver returns
    a web.Panel to show, or None.""",
)

token_checkpoint_choices = signals.signal(
    "token-checkpoint-choices",
    doc="""Sent by the API tokens page, with the event as sender. A receiver returns a list
    of (checkpoint id, name) a token may be limited to, or None.""",
)
