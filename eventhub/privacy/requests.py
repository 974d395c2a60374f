"""Requests about one person's data: a head of delegation asks for a member's copy or erasure,
an organiser approves or refuses, saying why, and the one who asked hears of it by mail.

Services flush, the view commits. Privacy sits below registration, so it names people through
the `request_subjects` signal (registration answers with the name and the page of the head):
no name is stored with a request, so an erasure leaves none behind in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from eventhub import clock
from eventhub.audit import services as audit
from eventhub.audit.services import ACTION_LABELS
from eventhub.auth.models import User
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import datetime_text, localized
from eventhub.outbox import services as outbox
from eventhub.privacy.models import (
    DataRequest,
    ErasureRun,
    ErasureTrigger,
    RequestKind,
    RequestState,
)
from eventhub.privacy.persons import erase_person
from eventhub.privacy.signals import signals
from eventhub.web import external_url

EXPORT_DAYS = 7  # an approved copy can be downloaded this long (config DATA_EXPORT_DAYS)
MAX_TEXT = 500  # the columns' length: a reason, a note

KIND_LABELS = {
    RequestKind.EXPORT: _l("A copy of their data"),
    RequestKind.ERASURE: _l("Erasure of their data"),
}
STATE_LABELS = {
    RequestState.REQUESTED: _l("Waiting for the organisers"),
    RequestState.APPROVED: _l("Approved"),
    RequestState.REFUSED: _l("Refused"),
}
ACTION_LABELS.update(
    {
        "data_request.ask": _l("Request about a person's data made"),
        "data_request.approve": _l("Request about a person's data approved"),
        "data_request.refuse": _l("Request about a person's data refused"),
        "data_request.download": _l("Copy of a person's data downloaded"),
    }
)

request_subjects = signals.signal(
    "data-request-subjects",
    doc="""Sent with the event as sender and the keyword `participant_ids`: a receiver returns
    {participant_id: Subject} for the people it knows (registration: every participant).""",
)


@dataclass(frozen=True)
class Subject:
    """Who a request is about, as the pages and mails name them: a name, their group (the
    delegation), and the page where the one who asked follows it (endpoint, values)."""

    name: str
    group: str = ""
    page: tuple[str, dict[str, Any]] | None = None
    # For a request the person made themselves (no account asked): where their mail goes.
    email: str = ""
    locale: str = ""
    own_page: tuple[str, dict[str, Any]] | None = None


def export_days() -> int:
    """How many days an approved copy can be downloaded (DATA_EXPORT_DAYS, else 7)."""
    return int(current_app.config.get("DATA_EXPORT_DAYS", EXPORT_DAYS))


def subjects(event, participant_ids) -> dict[int, Subject]:
    """The people these ids name, from the domain that holds them; a bare number otherwise."""
    ids = sorted(set(participant_ids))
    found: dict[int, Subject] = {}
    if ids:
        for _receiver, answer in request_subjects.send(event, participant_ids=ids):
            found.update(answer or {})
    for person in ids:
        found.setdefault(person, Subject(name=gettext("Participant #%(id)d", id=person)))
    return found


def is_erased(event, participant_id: int) -> bool:
    """Whether the person was erased (their erasure run: privacy's own record of it)."""
    return (
        db.session.scalar(
            sa.select(ErasureRun.id).where(
                ErasureRun.event_id == event.id,
                ErasureRun.participant_id == participant_id,
                ErasureRun.trigger == ErasureTrigger.PERSON,
            )
        )
        is not None
    )


def open_request(event, participant_id: int, kind: RequestKind) -> DataRequest | None:
    return db.session.scalar(
        sa.select(DataRequest).where(
            DataRequest.event_id == event.id,
            DataRequest.participant_id == participant_id,
            DataRequest.kind == kind,
            DataRequest.state == RequestState.REQUESTED,
        )
    )


def ask(event, participant_id: int, kind: RequestKind, *, reason: str, actor) -> DataRequest:
    """A new request, waiting for the organisers. One open request per person and kind; an
    erasure asked by a head says why; nobody is asked about once erased."""
    reason = (reason or "").strip()
    if is_erased(event, participant_id):
        raise DomainError(_l("This person's data has been erased: there is nothing to ask for."))
    if open_request(event, participant_id, kind) is not None:
        raise DomainError(_l("This has already been asked: the organisers have not decided yet."))
    # A head asks for someone else and says why; the person owes nobody a reason.
    if kind == RequestKind.ERASURE and not reason and actor is not None:
        error = DomainError(_l("Say why their data should be erased."))
        error.field = "reason"  # type: ignore[attr-defined]
        raise error
    if len(reason) > MAX_TEXT:
        error = DomainError(_l("Keep the reason under %(n)d characters.", n=MAX_TEXT))
        error.field = "reason"  # type: ignore[attr-defined]
        raise error
    request = DataRequest(
        event_id=event.id,
        participant_id=participant_id,
        kind=kind,
        reason=reason,
        requested_by_id=getattr(actor, "id", None),
        requested_at=clock.now(),
    )
    db.session.add(request)
    db.session.flush()
    audit.record(
        "data_request.ask",
        request,
        actor=actor,
        actor_label=None if actor else "participant",  # by their own link
        event_id=event.id,
        changes={"participant": [None, participant_id], "kind": [None, kind]},
    )
    return request


def _decide(request: DataRequest, state: RequestState, *, actor, note: str) -> None:
    if request.state != RequestState.REQUESTED:
        raise DomainError(_l("This request has already been decided."))
    if len(note) > MAX_TEXT:
        error = DomainError(_l("Keep the note under %(n)d characters.", n=MAX_TEXT))
        error.field = "note"  # type: ignore[attr-defined]
        raise error
    request.state, request.decision_note = state, note
    request.decided_by_id, request.decided_at = getattr(actor, "id", None), clock.now()


def approve(request: DataRequest, *, actor, note: str = "") -> DataRequest:
    """An export: ready to download for EXPORT_DAYS. An erasure: the person is erased now."""
    event = db.session.get(Event, request.event_id)
    note = (note or "").strip()
    _decide(request, RequestState.APPROVED, actor=actor, note=note)
    # Their page, found before an erasure takes the person's details away.
    subject = subjects(event, [request.participant_id])[request.participant_id]
    # And the asker's address: a head erasing themselves loses it (their account closes).
    asker = db.session.get(User, request.requested_by_id) if request.requested_by_id else None
    address = (asker.email, asker.locale) if asker is not None else None
    changes: dict[str, Any] = {"state": [RequestState.REQUESTED, RequestState.APPROVED]}
    if request.kind == RequestKind.EXPORT:
        request.available_until = clock.now() + timedelta(days=export_days())
        changes["available_until"] = [None, request.available_until]
    else:
        run = erase_person(
            event, request.participant_id, actor=actor, trigger=ErasureTrigger.PERSON
        )
        request.erasure_run_id = run.id
        changes["erasure_run"] = [None, run.id]
    audit.record("data_request.approve", request, actor=actor, event_id=event.id, changes=changes)
    # The note goes in the mail; an erasure has just taken it off the request itself.
    _tell_asker(request, subject, note=note, address=address)
    db.session.flush()
    return request


def refuse(request: DataRequest, *, actor, note: str) -> DataRequest:
    """Refused, with the reason the one who asked reads."""
    note = (note or "").strip()
    if not note:
        error = DomainError(_l("Say why the request is refused: the one who asked reads it."))
        error.field = "note"  # type: ignore[attr-defined]
        raise error
    _decide(request, RequestState.REFUSED, actor=actor, note=note)
    audit.record(
        "data_request.refuse",
        request,
        actor=actor,
        event_id=request.event_id,
        changes={"state": [RequestState.REQUESTED, RequestState.REFUSED]},
    )
    _tell_asker(request)
    db.session.flush()
    return request


def downloadable(request: DataRequest) -> bool:
    """An approved export, not yet past its date."""
    return (
        request.kind == RequestKind.EXPORT
        and request.state == RequestState.APPROVED
        and request.available_until is not None
        and clock.now() < request.available_until
    )


def open_requests(event) -> list[DataRequest]:
    """What waits for the organisers, oldest first."""
    return list(
        db.session.scalars(
            sa.select(DataRequest)
            .where(DataRequest.event_id == event.id, DataRequest.state == RequestState.REQUESTED)
            .order_by(DataRequest.requested_at, DataRequest.id)
        )
    )


def decided_query(event):
    """The decided requests, newest decision first (paginated by the page)."""
    return (
        sa.select(DataRequest)
        .where(DataRequest.event_id == event.id, DataRequest.state != RequestState.REQUESTED)
        .order_by(DataRequest.decided_at.desc(), DataRequest.id.desc())
    )


def for_delegation(event, participant_ids) -> list[DataRequest]:
    """The requests about these people (a delegation's members), newest first."""
    ids = list(participant_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(DataRequest)
            .where(DataRequest.event_id == event.id, DataRequest.participant_id.in_(ids))
            .order_by(DataRequest.requested_at.desc(), DataRequest.id.desc())
        )
    )


def _tell_asker(
    request: DataRequest,
    subject: Subject | None = None,
    *,
    note: str | None = None,
    address: tuple[str, str] | None = None,
) -> bool:
    """Mail the decision to the one who asked (an account; else the person, who asked by
    their own link), in their language, with a link to the page where they follow it
    (built on the public address: refused without one). A mail to a person just erased
    forgets their address once delivered (outbox: forget_after_delivery)."""
    event = db.session.get(Event, request.event_id)
    subject = subject or subjects(event, [request.participant_id])[request.participant_id]
    asker = db.session.get(User, request.requested_by_id) if request.requested_by_id else None
    erased = request.state == RequestState.APPROVED and request.kind == RequestKind.ERASURE
    if asker is not None:
        to, locale = address or (asker.email, asker.locale)
        page = subject.page
    else:  # their own link stops working once they are erased
        to, locale, page = subject.email, subject.locale, None if erased else subject.own_page
    if not to:
        return False
    link = external_url(page[0], **page[1]) if page else ""
    with force_locale(locale or "en"):
        if erased:
            # No name: the mail stays in the outbox, the person it was about does not.
            title = gettext(
                "Your request for an erasure was approved (%(event)s)",
                event=localized(event, "name"),
            )
        elif request.state == RequestState.APPROVED:
            title = gettext(
                "Your request about %(name)s's data was approved (%(event)s)",
                name=subject.name,
                event=localized(event, "name"),
            )
        else:
            title = gettext(
                "Your request about %(name)s's data was refused (%(event)s)",
                name=subject.name,
                event=localized(event, "name"),
            )
        body = render_template(
            "email/data_request_decided.txt",
            request=request,
            subject=subject,
            link=link,
            kind_label=str(KIND_LABELS[request.kind]),
            approved=request.state == RequestState.APPROVED,
            erasure=request.kind == RequestKind.ERASURE,
            until=datetime_text(request.available_until, "long", zone=True, tz=event.timezone),
            note=request.decision_note if note is None else note,
        )
    # It names the person, or goes to an erased one's address: once delivered (or given up)
    # the outbox keeps neither address nor words, so a later erasure leaves nothing behind.
    return outbox.queue(to, title, body, event_id=event.id, forget_after_delivery=True)
