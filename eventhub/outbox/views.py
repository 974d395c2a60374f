"""The delivery log: every message an event sent, or is still trying to send."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.outbox import bp, services
from eventhub.outbox.models import MailState
from eventhub.web import paginate

STATE_LABELS = {
    MailState.QUEUED: _l("Waiting"),
    MailState.SENDING: _l("Sending"),
    MailState.SENT: _l("Sent"),
    MailState.FAILED: _l("Failed"),
}


@bp.get("/events/<slug>/mail")
@event_view(Role.ORGANISER)
def delivery_log(event):
    try:
        state = MailState(request.args.get("state", ""))
    except ValueError:
        state = None
    return render_template(
        "outbox/log.html",
        event=event,
        page=paginate(services.log_query(event.id, state)),
        state=state,
        counts=services.counts(event.id),
        state_labels=STATE_LABELS,
    )
