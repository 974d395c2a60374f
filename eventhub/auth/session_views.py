"""'Your sessions': where one's account is logged in, signing any of them out, and the
latest logins and failed attempts at it (a guessed password shows there)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required

from eventhub.audit import queries as audit_queries
from eventhub.auth import bp
from eventhub.auth import sessions as auth_sessions
from eventhub.auth.models import UserSession
from eventhub.errors import abort_with
from eventhub.extensions import db
from eventhub.web import commit


@bp.get("/sessions")
@login_required
def sessions():
    # No event is looked at here: the times are on the clock of the reader's event.
    g.timezone = auth_sessions.home_timezone(current_user)
    refresh()
    return render_template(
        "auth/sessions.html",
        sessions=auth_sessions.live_sessions(current_user),
        this_session=g.get("user_session_id"),
        describe=auth_sessions.describe_device,
        sign_ins=audit_queries.sign_ins(current_user),
        action_label=audit_queries.action_label,
        zone=g.timezone,
    )


@bp.post("/sessions/<int:session_id>/revoke")
@login_required
def revoke_session(session_id: int):
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != current_user.id:  # one's own sessions only
        abort_with(404, _("There is no such session."))
    auth_sessions.revoke(row, actor=current_user, ip_address=request.remote_addr or "")
    commit()
    if row.id == g.get("user_session_id"):
        return redirect(url_for("auth.login"))
    flash(_("That session is signed out."), "success")
    return redirect(url_for("auth.sessions"))


@bp.post("/sessions/revoke-others")
@login_required
def revoke_other_sessions():
    ended = auth_sessions.revoke_all(current_user, keep=auth_sessions.current())
    commit()
    flash(_("Signed out everywhere else (%(n)d sessions).", n=ended), "success")
    return redirect(url_for("auth.sessions"))
