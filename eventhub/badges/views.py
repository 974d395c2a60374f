"""Badge pages. Thin: parse, call a service, render."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa
from flask import (
    Response,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from eventhub import jobs
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.badges import bp, issuing, printing, retention, tasks
from eventhub.badges.layout import band_text_colour, contrast
from eventhub.badges.models import BadgeBatch, BadgeSettings, BatchState
from eventhub.badges.preview import preview
from eventhub.badges.render import qr_png
from eventhub.badges.runs import NeedsConfirmation, queue_batch
from eventhub.badges.styles import SettingsInvalid, save_badge_back, save_styles, styles_of
from eventhub.errors import abort_with
from eventhub.extensions import db, limiter
from eventhub.registration.access import participant_or_404
from eventhub.registration.delegations import may_manage_delegation
from eventhub.registration.forms import CATEGORY_CHOICES
from eventhub.registration.models import Delegation, Participant, Status
from eventhub.registration.own_link import participant_by_access_key
from eventhub.web import attempt, commit, id_arg, in_event_or_404, pdf_response, record_download

# A delegation's badges are drawn at once, in the request; more than this is a print run.
INLINE_LIMIT = 120
LAYOUT_LABELS = {
    "a4": _l("A4 sheets, nine cards each, with crop marks (office printer)"),
    "cr80": _l("CR80 cards, 85.6 × 54 mm (card printer)"),
    "a6": _l("A6 badges for lanyards"),
}


RUN_STATES = {
    BatchState.QUEUED: _l("Waiting"),
    BatchState.RUNNING: _l("Drawing"),
    BatchState.DONE: _l("Done"),
    BatchState.FAILED: _l("Failed"),
}


def _filters_from(args) -> printing.BatchFilters:
    delegation = id_arg(args, "delegation")
    return printing.BatchFilters(
        delegation=delegation,
        category=args.get("category", ""),
        changed_only=args.get("changed") == "1",
    )


@bp.route("/badges/", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def overview(event):
    source = request.form if request.method == "POST" else request.args
    filters = _filters_from(source)
    layout = source.get("layout", "a4")
    # The print preview: asked for, or the findings of a run refused for badges that would
    # not fit (measured once, by the run's service).
    checked = None
    if request.method == "POST" and source.get("preview") != "1":
        refused: list[NeedsConfirmation] = []

        def queue():
            try:
                return tasks.start(
                    queue_batch(
                        event,
                        filters,
                        layout,
                        actor=current_user,
                        back=source.get("back") == "1",
                        confirmed=source.get("confirm") == "1",
                    )
                )
            except NeedsConfirmation as error:
                refused.append(error)
                raise

        ok, batch = attempt(queue)
        if ok:
            return redirect(url_for("badges.run", slug=event.slug, batch_id=batch.id))
        if refused:
            checked = refused[0].findings
    elif source.get("preview") == "1":
        checked = preview(event, filters, layout)[1] if layout in LAYOUT_LABELS else []
    runs = db.session.scalars(
        sa.select(BadgeBatch)
        # Certificate runs share the table (and the worker) but are not badges.
        .where(BadgeBatch.event_id == event.id, BadgeBatch.kind == "badges")
        .order_by(BadgeBatch.id.desc())
        .limit(10)
    ).all()
    return render_template(
        "badges/overview.html",
        event=event,
        filters=filters,
        layout=layout,
        layouts=LAYOUT_LABELS,
        count=printing.count_batch(event, filters),
        delegations=db.session.scalars(
            sa.select(Delegation)
            .where(Delegation.event_id == event.id)
            .order_by(Delegation.protocol_order, Delegation.name_en)
        ).all(),
        category_labels=dict(CATEGORY_CHOICES),
        styles=styles_of(event.id),
        runs=runs,
        run_states=RUN_STATES,
        erased_runs={r.id for r in runs if retention.erased(r)},
        checked=checked,
        back=source.get("back") == "1",
    )


def _run(event, batch_id: int) -> BadgeBatch:
    return in_event_or_404(BadgeBatch, batch_id, event, _("There is no such print run."))


@bp.get("/badges/runs/<int:batch_id>")
@event_view(Role.ORGANISER)
def run(event, batch_id: int):
    batch = _run(event, batch_id)
    return render_template("badges/run.html", event=event, batch=batch, erased=_erased(batch))


def _erased(batch: BadgeBatch) -> str:
    """Why the run's file was removed, for its page ("" while it has one)."""
    why = retention.erased(batch)
    if why is None:
        return ""
    if why.get("participant") is None:
        return _("Removed when the event's photos passed their retention date.")
    return _(
        "Removed after the erasure of participant #%(id)s: print again if the others still "
        "need it.",
        id=why["participant"],
    )


@bp.get("/badges/runs/<int:batch_id>.json")
@event_view(Role.ORGANISER)
def run_progress(event, batch_id: int):
    batch = _run(event, batch_id)
    # The periodic sweep does this too; here as well, so that a page never waits forever for
    # a run whose worker died, even where no worker runs the sweep.
    if jobs.recover_stalled_runs(BadgeBatch, tasks.draw_print_run, event_id=event.id):
        commit()
        db.session.refresh(batch)
    return jsonify(
        state=batch.state.value,
        done=batch.done,
        total=batch.total,
        error=batch.error,
        download=url_for("badges.run_pdf", slug=event.slug, batch_id=batch.id)
        if batch.state == BatchState.DONE
        and batch.kind != "certificate-mail"
        and not retention.erased(batch)
        else None,
    )


@bp.get("/badges/runs/<int:batch_id>.pdf")
@event_view(Role.ORGANISER)
def run_pdf(event, batch_id: int):
    batch = _run(event, batch_id)
    if retention.erased(batch):
        abort_with(
            410,
            _(
                "This print run's file was removed because personal data in it was erased. "
                "Print it again if you still need it."
            ),
        )
    if batch.state != BatchState.DONE or not batch.content:
        abort_with(409, _("This print run is not finished yet."))
    # A certificate run is kept here too: its file says what it holds.
    filename = (
        f"{'badges' if batch.kind == 'badges' else 'certificates'}-{event.slug}-{batch.id}.pdf"
    )
    record_download(event, filename)
    return pdf_response(batch.content, filename, download=True)


def _single_badge_pdf(event, participant: Participant, layout: str = "a6") -> Response:
    buffer = io.BytesIO()
    printing.write_badges(event, [participant], buffer, layout=layout, workers=1)
    commit()  # a badge created on first download keeps its id
    return pdf_response(buffer.getvalue(), f"badge-{participant.id}.pdf")


@bp.get("/participants/<int:participant_id>/badge.pdf")
@event_view(Role.ORGANISER)
def participant_badge(event, participant_id: int):
    participant = participant_or_404(event, participant_id)
    if not issuing.may_have_badge(participant):
        abort_with(409, str(issuing.no_badge_reason(participant)))
    layout = request.args.get("layout", "a6")
    if layout not in LAYOUT_LABELS:
        abort_with(400, _("Choose a layout: CR80 card, A6 or A4 sheets."))
    return _single_badge_pdf(event, participant, layout)


@bp.post("/participants/<int:participant_id>/badge/reprint")
@event_view(Role.ORGANISER)
def reprint(event, participant_id: int):
    participant = participant_or_404(event, participant_id)
    ok, badge = attempt(
        lambda: issuing.reprint(participant, request.form.get("reason", ""), actor=current_user)
    )
    if ok:
        flash(
            _(
                "Badge version %(n)d issued: earlier badges of this person are refused at "
                "every checkpoint.",
                n=badge.version,
            ),
            "success",
        )
    return redirect(
        url_for("registration.participant_detail", slug=event.slug, participant_id=participant.id)
    )


def _own(event, key: str) -> Participant:
    participant = participant_by_access_key(event, key)
    if participant is None:
        abort_with(
            404, _("This link is not valid. Use the link from your most recent confirmation email.")
        )
    if participant.status != Status.APPROVED:
        abort_with(409, _("Your badge is ready once your registration is approved."))
    return participant


@bp.get("/me/<key>/badge.pdf")
@event_view()
@limiter.limit("30 per minute")
def own_badge(event, key: str):
    return _single_badge_pdf(event, _own(event, key))


@bp.get("/me/<key>/badge-qr.png")
@event_view()
@limiter.limit("30 per minute")
def own_badge_qr(event, key: str):
    """The badge's QR code alone, for a phone's wallet or screen."""
    participant = _own(event, key)
    badge = issuing.badges_for([participant])[participant.id]
    commit()
    response = Response(qr_png(issuing.code_of(badge)), mimetype="image/png")
    response.headers["Content-Disposition"] = f'inline; filename="badge-qr-{participant.id}.png"'
    response.headers["Cache-Control"] = "private, no-store"  # a reprint changes it
    return response


@bp.get("/delegations/<int:delegation_id>/badges.pdf")
@event_view(Role.ORGANISER, Role.HEAD_OF_DELEGATION)
def delegation_badges(event, delegation_id: int):
    delegation = in_event_or_404(
        Delegation, delegation_id, event, _("There is no such delegation in this event.")
    )
    if not may_manage_delegation(current_user, g.event_roles, delegation):
        abort_with(403, _("Only the head of this delegation and the organisers may do this."))
    people = list(
        db.session.scalars(
            printing.batch_query(event, printing.BatchFilters(delegation=delegation.id))
        )
    )
    if not people:
        abort_with(409, _("No member of this delegation is approved yet: no badge to print."))
    if len(people) > INLINE_LIMIT:
        abort_with(
            409,
            _("This delegation is large: the organisers print its badges as a print run."),
        )
    buffer = io.BytesIO()
    printing.write_badges(event, people, buffer, layout="a4", workers=1)
    record_download(event, f"badges-delegation-{delegation.id}.pdf")
    return pdf_response(buffer.getvalue(), f"badges-delegation-{delegation.id}.pdf")


def _band_notes(typed: dict) -> dict:
    """For each colour on which white text reads poorly (under 4.5:1, WCAG): what prints."""
    notes = {}
    for category, values in typed.items():
        colour = values.get("colour", "")
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
            continue
        on_white = contrast(colour, "#ffffff")
        if on_white < 4.5:
            ink = band_text_colour(colour)
            notes[category] = _(
                "White text on this colour is hard to read (%(ratio)s:1, under 4.5:1): the "
                "band's text prints in black (%(black)s:1).",
                ratio=f"{on_white:.1f}",
                black=f"{contrast(colour, ink):.1f}",
            )
    return notes


@bp.route("/badges/styles", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def styles(event):
    """Colour band, letter code, labels and access zones for each category."""
    errors: dict[str, list[str]] = {}
    current = styles_of(event.id)
    typed = {
        category: {
            "colour": style.colour,
            "code": style.code,
            "label_en": style.label_en,
            "label_zh": style.label_zh,
            "zones": style.zones,
        }
        for category, style in current.items()
    }
    if request.method == "POST":  # CSRF checked for every form by CSRFProtect
        typed = {
            category: {
                name: request.form.get(f"{category.value}-{name}", "")[:100]
                for name in ("colour", "code", "label_en", "label_zh", "zones")
            }
            for category in current
        }
        back = {name: request.form.get(name, "")[:2000] for name in ("back_en", "back_zh")}
        try:
            changes = save_styles(event, typed, actor=current_user)
            changes |= save_badge_back(event, back["back_en"], back["back_zh"], actor=current_user)
        except SettingsInvalid as error:
            db.session.rollback()
            errors = error.errors
        else:
            commit()
            flash(_("Saved.") if changes else _("Nothing was changed."), "success")
            return redirect(url_for("badges.styles", slug=event.slug))
    if request.method != "POST":
        stored = db.session.get(BadgeSettings, event.id)
        back = {
            "back_en": stored.back_en if stored else "",
            "back_zh": stored.back_zh if stored else "",
        }
    return render_template(
        "badges/styles.html",
        event=event,
        typed=typed,
        band_notes=_band_notes(typed),
        back=back,
        errors=errors,
        category_labels=dict(CATEGORY_CHOICES),
    )
