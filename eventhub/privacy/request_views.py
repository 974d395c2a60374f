"""The organisers' queue of requests about people's data: approve (an erasure asks first: it
cannot be undone) or refuse with a reason; decided requests below, by page.

People are named through privacy.requests.subjects (registration answers the signal): this
page imports no registration, and a request stores no name an erasure would leave behind.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import event_view
from eventhub.auth.models import Role, User
from eventhub.errors import DomainError
from eventhub.events.signals import event_home_panels
from eventhub.extensions import db
from eventhub.privacy import bp, retention
from eventhub.privacy import requests as data_requests
from eventhub.privacy.models import DataRequest, RequestKind, RequestState
from eventhub.web import Panel, commit, in_event_or_404, paginate


@event_home_panels.connect
def _waiting(event, *, roles, **kwargs) -> Panel | None:
    """On the event's home page: how many requests wait for the organisers."""
    if Role.ORGANISER not in roles:
        return None
    waiting = len(data_requests.open_requests(event))
    if not waiting:
        return None
    return Panel.rendered("privacy/_panel_requests.html", order=35, event=event, waiting=waiting)


def _context(event, shown: list[DataRequest]) -> dict:
    """Names of the people and of those who asked, for the requests shown."""
    users = {r.requested_by_id for r in shown} | {r.decided_by_id for r in shown}
    users.discard(None)
    accounts = {
        user.id: user.display_name or user.email
        for user in db.session.scalars(sa.select(User).where(User.id.in_(users)))
    }
    return {
        "subjects": data_requests.subjects(event, [r.participant_id for r in shown]),
        "accounts": accounts,
        "kind_labels": data_requests.KIND_LABELS,
        "state_labels": data_requests.STATE_LABELS,
    }


def _request(event, request_id: int) -> DataRequest:
    return in_event_or_404(
        DataRequest, request_id, event, _("There is no such request in this event.")
    )


def _back(event) -> str:
    return url_for("privacy.data_requests", slug=event.slug)


@bp.get("/privacy/requests", endpoint="data_requests")
@event_view(Role.ORGANISER)
def data_requests_page(event):
    waiting = data_requests.open_requests(event)
    page = paginate(data_requests.decided_query(event), per_page=25)
    return render_template(
        "privacy/requests.html",
        event=event,
        waiting=waiting,
        page=page,
        days=data_requests.export_days(),
        **_context(event, [*waiting, *page.items]),
    )


@bp.route("/privacy/requests/<int:request_id>/approve", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def approve_request(event, request_id: int):
    """Asks first (an erasure cannot be undone); the form of that page approves."""
    found = _request(event, request_id)
    if found.state != RequestState.REQUESTED:
        flash(_("This request has already been decided."), "info")
        return redirect(_back(event))
    note = request.form.get("note", "")
    if request.method == "POST" and request.form.get("confirmed") == "yes":
        try:
            data_requests.approve(found, actor=current_user, note=note)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            commit()
            if found.kind == RequestKind.ERASURE:
                retention.reclaim()  # no copy of what was erased left in the database's files
            flash(_("The request has been approved; the one who asked has been told."), "success")
            return redirect(_back(event))
    return render_template(
        "privacy/request_decide.html",
        event=event,
        r=found,
        approving=True,
        erasure=found.kind == RequestKind.ERASURE,
        note=note,
        error=None,
        days=data_requests.export_days(),
        **_context(event, [found]),
    )


@bp.route("/privacy/requests/<int:request_id>/refuse", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def refuse_request(event, request_id: int):
    found = _request(event, request_id)
    if found.state != RequestState.REQUESTED:
        flash(_("This request has already been decided."), "info")
        return redirect(_back(event))
    note, error, status = request.form.get("note", ""), None, 200
    if request.method == "POST":
        try:
            data_requests.refuse(found, actor=current_user, note=note)
        except DomainError as refused:
            db.session.rollback()
            error, status = str(refused), 400
        else:
            commit()
            flash(
                _("The request has been refused; the one who asked has been told why."), "success"
            )
            return redirect(_back(event))
    return render_template(
        "privacy/request_decide.html",
        event=event,
        r=found,
        approving=False,
        erasure=found.kind == RequestKind.ERASURE,
        note=note,
        error=error,
        days=data_requests.export_days(),
        **_context(event, [found]),
    ), status
