"""The organisers' arrivals dashboard (pushed live), the attendance CSV and the conflicts
to review. Thin: parse, call a service, render."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from zoneinfo import ZoneInfo

from flask import (
    Response,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.checkin import attendance, bp, conflicts, live, recording, rules
from eventhub.checkin.models import Scan
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.i18n import clock_time
from eventhub.registration.exports import Sheet, to_csv
from eventhub.registration.signals import arrival_panels
from eventhub.web import commit, in_event_or_404, paginate, panels, record_download


def _arrivals_context(event) -> dict:
    """The dashboard's figures for the day asked for (the latest with arrivals by default)."""
    day = request.args.get("day", "")
    try:
        chosen = date.fromisoformat(day) if day else None
    except ValueError:
        chosen = None
    if chosen is not None and chosen not in attendance.scan_days(event):
        chosen = None  # the event's days, days with scans and arrival days have tabs
    figures = attendance.arrivals(event, chosen)
    now = utcnow().astimezone(ZoneInfo(event.timezone))
    return {
        "event": event,
        "figures": figures,
        # Pick-ups and hotel check-ins, from the modules that move and lodge the guests.
        "panels": panels(arrival_panels, event, day=figures.day),
        # Refreshed figures stay on the day asked for, or follow the latest one.
        "chosen_day": chosen.isoformat() if chosen else None,
        "peak": max((n for _t, n in figures.buckets), default=0),
        "today": now.date(),
        "updated_at": clock_time(now),
        "refresh_seconds": current_app.config["DASHBOARD_REFRESH_SECONDS"],
    }


@bp.get("/checkin/arrivals")
@event_view(Role.ORGANISER)
def dashboard(event):
    return render_template("checkin/dashboard.html", **_arrivals_context(event))


@bp.get("/checkin/arrivals/figures")
@event_view(Role.ORGANISER)
def dashboard_figures(event):
    """The figures alone, which the open dashboard fetches when its stream says a scan was
    made (or every few seconds while the stream is down)."""
    response = make_response(
        render_template("checkin/_arrival_figures.html", **_arrivals_context(event))
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/checkin/arrivals/stream")
@event_view(Role.ORGANISER)
def dashboard_stream(event):
    """Server-sent events: "scan" when the event's scans change, on any worker or host.
    Closed after DASHBOARD_STREAM_SECONDS (the browser reconnects, and re-checks the
    session on the way); comments keep it open and notice a tab that has gone.

    A stream holds a server thread for its whole length. On a single-threaded worker
    (gunicorn's sync) that is the whole process, and beyond DASHBOARD_MAX_STREAMS a process
    has too few threads left for the gates: then the answer is an immediate 204, which tells
    the browser not to reconnect, and the page polls the figures instead."""
    app = current_app._get_current_object()
    event_id, seconds = event.id, app.config["DASHBOARD_STREAM_SECONDS"]
    if not request.environ.get("wsgi.multithread") or not live.take_stream(app):
        response = Response(status=204)
        response.headers["Cache-Control"] = "no-store"
        return response

    def stream():
        yield "retry: 2000\n\n"
        for what in live.changes(app, event_id, seconds=seconds):
            quiet = what in ("ready", "heartbeat")
            yield ": still here\n\n" if quiet else "event: scan\ndata: \n\n"

    response = Response(stream(), mimetype="text/event-stream")
    # The server closes the body when the stream ends or the tab has gone (even if the
    # generator never started), so the place is always given back.
    response.call_on_close(lambda: live.release_stream(app))
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # nginx passes each event at once
    return response


@bp.get("/checkin/attendance.csv")
@event_view(Role.ORGANISER)
def attendance_csv(event):
    header = [
        _("Id"),
        _("Name"),
        _("Name in own script"),
        _("Country"),
        _("Delegation"),
        _("Category"),
        _("First arrival (local time)"),
        _("Admitted at"),
        _("Conflicts to review"),
    ]
    body = to_csv(Sheet(_("Attendance"), header, attendance.attendance_rows(event)))
    record_download(event, f"attendance-{event.slug}.csv")
    # content_type, not mimetype: Flask adds a charset to a mimetype, giving it twice.
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="attendance-{event.slug}.csv"'
    return response


@bp.get("/checkin/conflicts")
@event_view(Role.ORGANISER)
def conflicts_to_review(event):
    shown = request.args.get("show", "unreviewed")
    if shown not in conflicts.SHOWN:
        shown = "unreviewed"
    return render_template(
        "checkin/conflicts.html",
        event=event,
        shown=shown,
        page=paginate(conflicts.listing(event, shown), per_page=25),
        zone=ZoneInfo(event.timezone),
        reason_text=_reason_text,
    )


def _reason_text(key: str, scan: Scan | None = None) -> str:
    """What the server would have said, with the details the scan kept (a time, a place);
    "…" for one it did not."""
    text = rules.REASONS.get(key)
    if text is None:
        return key
    details = defaultdict(lambda: "…", recording.server_detail(scan) if scan else {})
    return str(text) % details


@bp.post("/checkin/conflicts/<int:scan_id>/review")
@event_view(Role.ORGANISER)
def review_conflict(event, scan_id: int):
    scan = in_event_or_404(Scan, scan_id, event, _("There is no such scan in this event."))
    shown = request.form.get("show", "unreviewed")
    try:
        conflicts.mark_reviewed(event, scan, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "warning")
    else:
        commit()
        flash(_("Marked as reviewed."), "success")
    if shown not in conflicts.SHOWN:
        shown = "unreviewed"
    return redirect(url_for("checkin.conflicts_to_review", slug=event.slug, show=shown))
