"""Check-in pages. Thin: parse, call a service, render.

The scanner page talks JSON to the endpoints below with the session's CSRF token; devices
without a login use the bearer-token API (eventhub/api/scans.py). Both call the same service.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import (
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import event_view
from eventhub.auth.models import EventMembership, Role, User
from eventhub.badges.issuing import badges_for, code_of, may_have_badge
from eventhub.checkin import (
    bp,
    checkpoint_setup,
    devices,
    holders,
    occupancy,
    offline,
    recording,
    rules,
)
from eventhub.checkin.forms import CheckpointForm
from eventhub.checkin.models import Checkpoint, CheckpointStaff, Scan
from eventhub.checkin.scanning import (
    answer_json,
    batch_answer,
    queued_scans,
    record_item,
    scan_fields_error,
)
from eventhub.errors import DomainError, abort_with, error_response
from eventhub.extensions import db, limiter
from eventhub.privacy import consents
from eventhub.privacy.kinds import PHOTO_DECLINED, Purpose
from eventhub.registration.access import participant_or_404, photo_response
from eventhub.registration.forms import CATEGORY_CHOICES
from eventhub.registration.models import ParticipantPhoto, Status
from eventhub.scheduling.models import Activity
from eventhub.text import search_text
from eventhub.web import attempt, commit, in_event_or_404

SCANNERS = (Role.ORGANISER, Role.STAFF)


def _checkpoint(event, ref: str) -> Checkpoint:
    checkpoint = checkpoint_setup.checkpoint_by_ref(event, ref)
    if checkpoint is None:
        abort_with(404, _("There is no such checkpoint in this event."))
    if not checkpoint_setup.may_scan_at(current_user.id, g.event_roles, checkpoint.id):
        abort_with(403, _("You are not assigned to this checkpoint."))
    return checkpoint


def _json_object() -> dict:
    """The request's JSON body when it is an object; anything else counts as empty."""
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _page_answer(event, answer: rules.Answer, checkpoint: Checkpoint) -> dict:
    """The API's answer, with the photo (for the page) and the last scans here."""
    payload = answer_json(answer)
    person = answer.participant
    if (
        person is not None
        and db.session.scalar(  # whether there is one, not the image
            sa.select(ParticipantPhoto.participant_id).where(
                ParticipantPhoto.participant_id == person.id
            )
        )
        and not consents.declined([person.id], Purpose.PHOTO)
    ):
        payload["photo_url"] = url_for("checkin.photo", slug=event.slug, participant_id=person.id)
    return {**payload, "scan_id": answer.scan_id, "recent": _recent_json(checkpoint)}


def _recent_json(checkpoint: Checkpoint) -> list[dict]:
    return [
        {
            "id": scan.id,
            "time": scan.scanned_at.isoformat(),  # when scanned, not uploaded
            "result": scan.result.value,
            "name": scan.participant.latin_name if scan.participant else scan.code[:12],
            "undone": scan.undone_at is not None,
        }
        for scan in recording.recent_scans(checkpoint)
    ]


@bp.get("/checkin/")
@event_view(*SCANNERS)
def checkpoints(event):
    query = sa.select(Checkpoint).where(Checkpoint.event_id == event.id)
    if Role.ORGANISER not in g.event_roles:
        query = query.join(CheckpointStaff).where(CheckpointStaff.user_id == current_user.id)
    return render_template(
        "checkin/checkpoints.html",
        event=event,
        checkpoints=db.session.scalars(query.order_by(Checkpoint.name_en)).all(),
        inside=occupancy.inside_by_checkpoint(event),
    )


@bp.get("/checkin/<ref>")
@event_view(*SCANNERS)
def scanner(event, ref: str):
    checkpoint = _checkpoint(event, ref)
    response = make_response(
        render_template("checkin/scanner.html", event=event, checkpoint=checkpoint)
    )
    # The service worker keeps this page for starting offline, and no other page of the
    # check-in pages (the dashboard, forms and CSV hold what a lost phone should not).
    response.headers["X-EventHub-Offline"] = "scanner"
    return response


def _device() -> str:
    name = current_user.display_name or current_user.email
    return f"{name} ({request.user_agent.platform or 'web'})"[:100]


@bp.post("/checkin/<ref>/scan")
@event_view(*SCANNERS)
@limiter.limit("20 per second")
def scan(event, ref: str):
    checkpoint = _checkpoint(event, ref)
    code = str(_json_object().get("code", ""))[:200]
    if not code.strip():
        return error_response(422, _("code is required."), field="code")
    return _record_here(event, checkpoint, code, _device())


def _record_here(event, checkpoint: Checkpoint, code: str, device: str):
    """Record a scan made on this page (a typed or camera code, or a person admitted by
    name) and answer with the page's extras."""
    try:
        answer = recording.record_scan(
            rules.Gate.of(event, checkpoint),
            code,
            str(_json_object().get("client_scan_id") or uuid.uuid4()),
            user_id=current_user.id,
            device=device,
            direction=str(_json_object().get("direction") or "") or None,
        )
    except DomainError as error:
        db.session.rollback()
        return error_response(422, str(error), field=error.field)
    commit()
    return jsonify(_page_answer(event, answer, checkpoint))


@bp.post("/checkin/<ref>/scans/<int:scan_id>/undo")
@event_view(*SCANNERS)
def undo(event, ref: str, scan_id: int):
    checkpoint = _checkpoint(event, ref)
    scan = db.session.get(Scan, scan_id)
    if scan is None or scan.checkpoint_id != checkpoint.id:
        return error_response(404, _("There is no such scan at this checkpoint."))
    try:
        recording.undo_scan(scan, user=current_user)
    except DomainError as error:
        db.session.rollback()
        return error_response(409, str(error))
    commit()
    return jsonify({"undone": scan.id, "recent": _recent_json(checkpoint)})


@bp.get("/checkin/<ref>/search")
@event_view(*SCANNERS)
@limiter.limit("60 per minute")
def search(event, ref: str):
    """People who forgot their badge: found by name in any script."""
    _checkpoint(event, ref)
    words = search_text(request.args.get("q", "")[:100]).split()
    if not words:
        return jsonify({"people": []})
    found = holders.search(event.id, words)
    details = holders.search_details(found)
    people = []
    for person in found:
        position, has_photo = details.get(person.id, ("", False))
        row = holders.summary(person) | {"position": position, "number": person.id}
        if has_photo:
            row["photo_url"] = url_for("checkin.photo", slug=event.slug, participant_id=person.id)
        people.append(row)
    return jsonify({"people": people})


@bp.post("/checkin/<ref>/admit/<int:participant_id>")
@event_view(*SCANNERS)
def admit(event, ref: str, participant_id: int):
    """Check in someone found by name (badge forgotten): judged like their badge."""
    checkpoint = _checkpoint(event, ref)
    person = participant_or_404(event, participant_id)
    if not may_have_badge(person):  # the name search offers no one else
        abort_with(404, _("There is no such participant in this event."))
    badge = badges_for([person])[person.id]
    return _record_here(event, checkpoint, code_of(badge), _device() + " · " + _("by name"))


def _checkpoint_form(event, checkpoint: Checkpoint | None) -> CheckpointForm:
    from zoneinfo import ZoneInfo

    form = CheckpointForm(obj=checkpoint) if checkpoint else CheckpointForm()
    form.categories.choices = [(c.value, label) for c, label in CATEGORY_CHOICES]
    form.activity_id.choices = [("", _("None: a gate, not a room"))] + [
        (str(a.id), a.title_en)
        for a in db.session.scalars(
            sa.select(Activity)
            .where(Activity.event_id == event.id)
            .order_by(Activity.starts_at.nulls_last(), Activity.title_en)
        )
    ]
    form.staff.choices = [
        (u.id, u.display_name or u.email)
        for u in db.session.scalars(
            sa.select(User)
            .join(EventMembership, EventMembership.user_id == User.id)
            .where(EventMembership.event_id == event.id, EventMembership.role == Role.STAFF)
            .order_by(User.display_name, User.email)
        )
    ]
    if checkpoint is not None and request.method == "GET":
        zone = ZoneInfo(event.timezone)
        form.categories.data = [c for c in checkpoint.categories.split(",") if c]
        form.activity_id.data = str(checkpoint.activity_id or "")
        for name in ("opens_at", "closes_at"):
            moment = getattr(checkpoint, name)
            form[name].data = moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if moment else ""
        form.staff.data = list(
            db.session.scalars(
                sa.select(CheckpointStaff.user_id).where(
                    CheckpointStaff.checkpoint_id == checkpoint.id
                )
            )
        )
    return form


@bp.route("/checkin/checkpoints/new", methods=["GET", "POST"])
@bp.route("/checkin/checkpoints/<int:checkpoint_id>/edit", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def edit_checkpoint(event, checkpoint_id: int | None = None):
    checkpoint = None
    if checkpoint_id is not None:
        checkpoint = in_event_or_404(
            Checkpoint, checkpoint_id, event, _("There is no such checkpoint in this event.")
        )
    form = _checkpoint_form(event, checkpoint)
    if form.validate_on_submit():
        data = {name: form[name].data for name in checkpoint_setup.CHECKPOINT_FIELDS}
        ok, saved = attempt(
            lambda: checkpoint_setup.save_checkpoint(
                event, checkpoint, data, form.staff.data or [], actor=current_user
            ),
            form,
        )
        if ok:
            flash(_("Checkpoint saved."), "success")
            return redirect(url_for("checkin.checkpoints", slug=event.slug))
    return render_template(
        "checkin/checkpoint_form.html", event=event, form=form, checkpoint=checkpoint
    )


@bp.get("/checkin/<ref>/roster.json")
@event_view(*SCANNERS)
@limiter.limit("30 per minute")
def roster(event, ref: str):
    """The checkpoint's roster for the scanner page to judge codes while offline."""
    checkpoint = _checkpoint(event, ref)
    data = offline.roster(rules.Gate.of(event, checkpoint), request.args.get("since", ""))
    data["checkpoint"] = checkpoint.slug
    return offline.roster_response(data, request)


@bp.post("/checkin/<ref>/batch")
@event_view(*SCANNERS)
@limiter.limit("5 per second")
def batch(event, ref: str):
    """Scans the page queued while offline; each answered as if sent at its time."""
    checkpoint = _checkpoint(event, ref)
    scans = queued_scans()
    if not isinstance(scans, list):
        return scans
    # Read once: each scan's commit would otherwise send them back to the database.
    gate, user_id, device = rules.Gate.of(event, checkpoint), current_user.id, _device()
    answers = []
    for item in scans:
        status, payload = scan_fields_error(item, ("code", "client_scan_id")) or record_item(
            gate, item, user_id=user_id, device=device
        )
        commit()  # each scan stands on its own
        answers.append(batch_answer(item, status, payload))
    return jsonify({"answers": answers, "recent": _recent_json(checkpoint)})


@bp.get("/checkin/<ref>/manifest.webmanifest")
@event_view(*SCANNERS)
def manifest(event, ref: str):
    """Installs this checkpoint's scanner as an app that starts without the network."""
    checkpoint = _checkpoint(event, ref)
    return devices.manifest_response(
        name=f"{checkpoint.name_en} · EventHub",
        short_name=checkpoint.name_en,
        start_url=url_for("checkin.scanner", slug=event.slug, ref=checkpoint.slug),
        scope=url_for("checkin.checkpoints", slug=event.slug),
    )


@bp.get("/checkin/sw.js")
@event_view()
def service_worker(event):
    """Served under the check-in pages so that its scope covers them."""
    from flask import current_app, send_from_directory

    response = send_from_directory(current_app.static_folder, "js/scanner-sw.js")
    response.headers["Service-Worker-Allowed"] = url_for("checkin.checkpoints", slug=event.slug)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/checkin/photo/<int:participant_id>")
@event_view(*SCANNERS)
def photo(event, participant_id: int):
    """The portrait at the gate, to compare with the face in front of the staff."""
    if Role.ORGANISER not in g.event_roles and not db.session.scalar(
        # Staff of one of this event's checkpoints: another event's gates see nothing here.
        sa.select(CheckpointStaff.checkpoint_id)
        .join(Checkpoint, Checkpoint.id == CheckpointStaff.checkpoint_id)
        .where(CheckpointStaff.user_id == current_user.id, Checkpoint.event_id == event.id)
    ):
        abort_with(403, _("You are not assigned to this checkpoint."))
    person = participant_or_404(event, participant_id)
    if person.status != Status.APPROVED:  # the gate sees those it may admit
        abort_with(404, _("No photo has been uploaded."))
    if consents.declined([person.id], Purpose.PHOTO):
        abort_with(404, PHOTO_DECLINED)
    return photo_response(person.id, max_age=3600)
