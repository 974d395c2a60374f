"""Arrivals needing attention: organisers flag a participant (a VIP); their admission at a
gate raises an alert listed here until someone acknowledges it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.audit import services as audit
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.checkin import bp, occupancy
from eventhub.checkin.models import AttentionAlert
from eventhub.registration.access import participant_or_404
from eventhub.web import commit, in_event_or_404, safe_next


@bp.get("/checkin/alerts")
@event_view(Role.ORGANISER)
def alerts(event):
    return render_template(
        "checkin/alerts.html",
        event=event,
        open_alerts=occupancy.open_alerts(event.id),
        done=occupancy.recent_alerts(event.id),
    )


@bp.post("/checkin/alerts/<int:alert_id>/acknowledge")
@event_view(Role.ORGANISER)
def acknowledge_alert(event, alert_id: int):
    alert = in_event_or_404(AttentionAlert, alert_id, event, _("There is no such alert."))
    occupancy.acknowledge(alert, user=current_user)
    audit.record("attention_alert.acknowledge", alert, actor=current_user, event_id=event.id)
    commit()
    flash(_("Acknowledged."), "success")
    return redirect(url_for("checkin.alerts", slug=event.slug))


@bp.post("/checkin/attention/<int:participant_id>")
@event_view(Role.ORGANISER)
def needs_attention(event, participant_id: int):
    """Flag or unflag a participant as needing attention at the gates."""
    person = participant_or_404(event, participant_id)
    flagged = request.form.get("needs_attention") == "1"
    if person.needs_attention != flagged:
        audit.record(
            "participant.update",
            person,
            actor=current_user,
            event_id=event.id,
            changes={"needs_attention": [person.needs_attention, flagged]},
        )
        person.needs_attention = flagged
    commit()
    if flagged:
        flash(
            _("Needs attention: protocol staff are alerted when the gates admit them."), "success"
        )
    else:
        flash(_("No longer flagged as needing attention."), "success")
    detail = url_for("registration.participant_detail", slug=event.slug, participant_id=person.id)
    return redirect(safe_next(request.form.get("back"), detail))
