"""Scanning devices: the staff's logged-in phones, and signing a lost one out (its next
contact with the server wipes the roster and pages it keeps)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth import sessions as auth_sessions
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.checkin import bp, devices
from eventhub.errors import abort_with
from eventhub.web import commit


@bp.get("/checkin/devices")
@event_view(Role.ORGANISER)
def scanner_devices(event):
    return render_template(
        "checkin/devices.html",
        event=event,
        sessions=devices.staff_sessions(event),
        describe=auth_sessions.describe_device,
    )


@bp.post("/checkin/devices/<int:session_id>/revoke")
@event_view(Role.ORGANISER)
def revoke_device(event, session_id: int):
    row = devices.staff_session(event, session_id)
    if row is None:
        abort_with(404, _("There is no such session among this event's staff."))
    auth_sessions.revoke(
        row, actor=current_user, event_id=event.id, ip_address=request.remote_addr or ""
    )
    commit()
    flash(_("Signed out: the device forgets the guest list at its next contact."), "success")
    return redirect(url_for("checkin.scanner_devices", slug=event.slug))
