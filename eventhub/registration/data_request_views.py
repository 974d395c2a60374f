"""A head of delegation asks for a copy of a member's data, or its erasure; follows the
organisers' decision; downloads an approved copy (JSON, PDF) while it is available.

Only the head of the member's delegation: anyone else (another head, an organiser: they
have their own queue, privacy/request_views) finds nothing here, a 404.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from eventhub import crypto
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.errors import DomainError, abort_with
from eventhub.extensions import db
from eventhub.i18n import datetime_text, localized
from eventhub.privacy import person_pdf
from eventhub.privacy import requests as data_requests
from eventhub.privacy.models import DataRequest, RequestKind, RequestState
from eventhub.privacy.persons import export_person
from eventhub.registration import bp, own_link
from eventhub.registration.models import Delegation, Participant
from eventhub.registration.signals import delegation_panels, own_page_panels
from eventhub.web import Panel, commit, in_event, pdf_response, private, record_download

# The role lets a visitor in; only the head of the member's delegation finds anything (an
# organiser too gets a 404: they decide in their own queue, privacy/request_views).
HEADS = (Role.HEAD_OF_DELEGATION, Role.ORGANISER)


def _not_yours() -> str:
    return _("There is no such member in a delegation you head.")


@data_requests.request_subjects.connect
def _subjects(event, *, participant_ids, **kwargs) -> dict[int, data_requests.Subject]:
    """Privacy's pages and mails name people through this (it cannot import registration)."""
    people = db.session.scalars(
        sa.select(Participant).where(
            Participant.event_id == event.id, Participant.id.in_(participant_ids)
        )
    )
    return {
        person.id: data_requests.Subject(
            name=person.latin_name,
            group=localized(person.delegation, "name") if person.delegation else "",
            page=(
                "registration.member_data",
                {
                    "slug": event.slug,
                    "delegation_id": person.delegation_id,
                    "participant_id": person.id,
                },
            )
            if person.delegation_id
            else None,
            email=person.email,
            locale=person.locale,
            own_page=("registration.own_page", {"slug": event.slug, "key": key})
            if (key := crypto.decrypt(person.access_key_encrypted or ""))
            else None,
        )
        for person in people
    }


def _heads(delegation: Delegation | None) -> bool:
    return (
        delegation is not None
        and delegation.head is not None
        and delegation.head.user_id is not None
        and delegation.head.user_id == current_user.id
    )


@delegation_panels.connect
def _requests_panel(delegation, *, event, members, **kwargs) -> Panel | None:
    """On the head's delegation page: the requests about its members and where they stand."""
    if not _heads(delegation):
        return None
    found = data_requests.for_delegation(event, [m.id for m in members])
    if not found:
        return None
    names = {m.id: m.latin_name for m in members}
    return Panel.rendered(
        "registration/_panel_data_requests.html",
        order=50,
        event=event,
        delegation=delegation,
        found=found,
        names=names,
        kind_labels=data_requests.KIND_LABELS,
        state_labels=data_requests.STATE_LABELS,
        downloadable=lambda r: data_requests.downloadable(r) and _asked_by_me(r),
    )


def _member(event, delegation_id: int, participant_id: int) -> tuple[Delegation, Participant]:
    """The member, when the visitor heads their delegation; else a 404 (nothing leaks)."""
    delegation = in_event(Delegation, delegation_id, event)
    if not _heads(delegation):
        abort_with(404, _not_yours())
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.delegation_id != delegation.id:
        abort_with(404, _not_yours())
    return delegation, participant


def _page(event, delegation: Delegation, participant: Participant) -> str:
    return url_for(
        "registration.member_data",
        slug=event.slug,
        delegation_id=delegation.id,
        participant_id=participant.id,
    )


@bp.get("/delegations/<int:delegation_id>/members/<int:participant_id>/data")
@event_view(*HEADS)
def member_data(event, delegation_id: int, participant_id: int):
    delegation, participant = _member(event, delegation_id, participant_id)
    found = data_requests.for_delegation(event, [participant.id])
    return private(
        render_template(
            "registration/member_data.html",
            event=event,
            delegation=delegation,
            participant=participant,
            found=found,
            open_kinds={r.kind for r in found if r.state == RequestState.REQUESTED},
            erased=participant.erased_at is not None
            or data_requests.is_erased(event, participant.id),
            kinds=RequestKind,
            kind_labels=data_requests.KIND_LABELS,
            state_labels=data_requests.STATE_LABELS,
            downloadable=data_requests.downloadable,
            mine=_asked_by_me,
        )
    )


@bp.route(
    "/delegations/<int:delegation_id>/members/<int:participant_id>/data/ask",
    methods=["GET", "POST"],
)
@event_view(*HEADS)
def ask_member_data(event, delegation_id: int, participant_id: int):
    """The confirmation page (with the reason); its form makes the request."""
    delegation, participant = _member(event, delegation_id, participant_id)
    try:
        kind = RequestKind(request.values.get("kind", ""))
    except ValueError:
        abort_with(404, _("There is no such kind of request."))
    back = _page(event, delegation, participant)
    if data_requests.open_request(event, participant.id, kind) is not None:
        flash(_("This has already been asked: the organisers have not decided yet."), "info")
        return redirect(back)
    reason, error, status = request.form.get("reason", ""), None, 200
    if request.method == "POST":
        try:
            if participant.erased_at is not None:
                raise DomainError(
                    _("This person's data has been erased: there is nothing to ask for.")
                )
            data_requests.ask(event, participant.id, kind, reason=reason, actor=current_user)
        except DomainError as refused:
            db.session.rollback()
            if getattr(refused, "field", None) != "reason":
                flash(str(refused), "danger")
                return redirect(back)
            error, status = str(refused), 400
        else:
            commit()
            flash(
                _(
                    "Your request about %(name)s has been sent to the organisers; you will hear "
                    "of their decision by email.",
                    name=participant.latin_name,
                ),
                "success",
            )
            return redirect(back)
    return render_template(
        "registration/member_data_ask.html",
        event=event,
        delegation=delegation,
        participant=participant,
        kind=kind,
        kinds=RequestKind,
        reason=reason,
        error=error,
        back=back,
        days=data_requests.export_days(),
    ), status


def _approved_export(event, participant: Participant, request_id: int) -> DataRequest:
    """The member's approved copy, while it can be downloaded; else why not."""
    found = in_event(DataRequest, request_id, event)
    if found is None or found.participant_id != participant.id or found.kind != RequestKind.EXPORT:
        abort_with(404, _("There is no such request about this member."))
    if found.state == RequestState.REFUSED:
        abort_with(404, _("This request was refused: there is nothing to download."))
    if found.state == RequestState.REQUESTED:
        abort_with(404, _("The organisers have not approved this request yet."))
    if not _asked_by_me(found):
        abort_with(404, _not_asked_by_me())
    if not data_requests.downloadable(found):
        abort_with(
            410,
            _(
                "This copy could be downloaded until %(when)s. Ask again for a new one.",
                when=datetime_text(found.available_until, "long"),
            ),
        )
    return found


def _asked_by_me(found: DataRequest) -> bool:
    """A copy is for the account that asked for it (while it heads the delegation: _member),
    not for whoever heads it after them."""
    return found.requested_by_id is not None and found.requested_by_id == current_user.id


def _not_asked_by_me() -> str:
    return _(
        "This copy was asked for by someone else: only they can download it. Ask for your own."
    )


def _filename(event, participant: Participant, suffix: str) -> str:
    return f"{event.slug}-person-{participant.id}.{suffix}"


@bp.get("/delegations/<int:delegation_id>/members/<int:participant_id>/data/<int:request_id>.json")
@event_view(*HEADS)
def member_data_json(event, delegation_id: int, participant_id: int, request_id: int):
    _delegation, participant = _member(event, delegation_id, participant_id)
    _approved_export(event, participant, request_id)
    body = json.dumps(export_person(event, participant.id), ensure_ascii=False, indent=2)
    filename = _filename(event, participant, "json")
    record_download(event, filename, action="data_request.download")
    response = private(body)
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/delegations/<int:delegation_id>/members/<int:participant_id>/data/<int:request_id>.pdf")
@event_view(*HEADS)
def member_data_pdf(event, delegation_id: int, participant_id: int, request_id: int):
    _delegation, participant = _member(event, delegation_id, participant_id)
    _approved_export(event, participant, request_id)
    body = person_pdf.render(event, export_person(event, participant.id), locale=str(get_locale()))
    filename = _filename(event, participant, "pdf")
    record_download(event, filename, action="data_request.download")
    response = private(pdf_response(body, filename, download=True))
    return response


@own_page_panels.connect
def _own_erasure(participant, *, event, key, **kwargs) -> Panel | None:
    """On the person's own page: ask for the erasure of their data (the organisers decide)."""
    if participant.erased_at is not None:
        return None
    return Panel.rendered(
        "registration/_panel_own_erasure.html",
        order=90,
        event=event,
        key=key,
        asked=data_requests.open_request(event, participant.id, RequestKind.ERASURE),
    )


@bp.route("/me/<key>/erasure", methods=["GET", "POST"])
@event_view()
def own_erasure(event, key: str):
    """The person asks, by their own link, for the erasure of their data: a page that says
    what it means, with the reason; the organisers decide."""
    participant = own_link.participant_by_access_key(event, key)
    if participant is None:
        abort_with(404, _("This link is not valid."))
    back = url_for("registration.own_page", slug=event.slug, key=key)
    reason, error, status = request.form.get("reason", ""), None, 200
    if request.method == "POST":
        try:
            data_requests.ask(
                event,
                participant.id,
                RequestKind.ERASURE,
                reason=reason,
                actor=None,  # by their link: the decision is mailed to their address
            )
        except DomainError as refused:
            db.session.rollback()
            if getattr(refused, "field", None) != "reason":
                flash(str(refused), "danger")
                return private(redirect(back))
            error, status = str(refused), 400  # the reason's length
        else:
            commit()
            flash(
                _(
                    "Your request has been sent to the organisers; you will hear of their "
                    "decision by email."
                ),
                "success",
            )
            return private(redirect(back))
    return private(
        (
            render_template(
                "registration/own_erasure.html",
                event=event,
                participant=participant,
                asked=data_requests.open_request(event, participant.id, RequestKind.ERASURE),
                reason=reason,
                error=error,
                back=back,
            ),
            status,
        )
    )
