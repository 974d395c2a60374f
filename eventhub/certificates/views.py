"""Certificate pages: the organisers' page, a participant's own download, and the public
verification. Thin: parse, call a service, render."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.badges import tasks as badge_tasks
from eventhub.certificates import bp, documents, runs, services, verify_bp
from eventhub.certificates.forms import CertificateSettingsForm
from eventhub.certificates.models import Certificate, CertificateKind
from eventhub.errors import abort_with
from eventhub.extensions import db, limiter
from eventhub.registration.models import Participant
from eventhub.registration.own_link import participant_by_access_key
from eventhub.text import holds_every_word, search_text
from eventhub.web import attempt, in_event_or_404, paginate, pdf_response


def _certificate(event, certificate_id: int) -> Certificate:
    return in_event_or_404(Certificate, certificate_id, event, _("There is no such certificate."))


def _kind(value: str) -> CertificateKind:
    try:
        return CertificateKind(value)
    except ValueError:
        abort_with(400, _("Choose a kind of certificate."))


@bp.route("/certificates/", methods=["GET", "POST"])
@event_view(Role.ORGANISER)
def overview(event):
    """Issue certificates, print or email them, say what they say, find and revoke one."""
    settings = services.certificate_settings(event)
    form = CertificateSettingsForm(obj=settings)
    form.rule.choices = services.rule_choices(event)
    if form.validate_on_submit():
        ok, changes = attempt(
            lambda: services.save_certificate_settings(
                event,
                form.texts(),
                signature=form.upload("signature_image"),
                logo=form.upload("logo_image"),
                remove=form.removed(),
                actor=current_user,
            ),
            form,
        )
        if ok:
            flash(_("Saved.") if changes else _("Nothing was changed."), "success")
            return redirect(url_for("certificates.overview", slug=event.slug))
    query = request.args.get("q", "").strip()[:100]
    listing = (
        sa.select(Certificate)
        .join(Participant, Participant.id == Certificate.participant_id)
        .where(Certificate.event_id == event.id)
        .options(sa.orm.joinedload(Certificate.participant).joinedload(Participant.organisation))
        .order_by(Participant.sort_name, Participant.id, Certificate.kind)
    )
    # Names in any script, or the certificate's number typed whole or in part.
    by_name = sa.and_(
        sa.true(), *holds_every_word(Participant.search_text, search_text(query).split())
    )
    by_serial = services.serial_search(query)
    listing = listing.where(by_name if by_serial is None else sa.or_(by_name, by_serial))
    counts = {
        kind: {
            "eligible": db.session.scalar(
                services.eligible_query(event, kind)
                .with_only_columns(sa.func.count())
                .order_by(None)
            ),
            "issued": db.session.scalar(
                services.certificates_query(event, kind)
                .with_only_columns(sa.func.count())
                .order_by(None)
            ),
            "unsent": db.session.scalar(
                services.certificates_query(event, kind, unsent=True)
                .with_only_columns(sa.func.count())
                .order_by(None)
            ),
        }
        for kind in CertificateKind
    }
    return render_template(
        "certificates/overview.html",
        event=event,
        form=form,
        settings=settings,
        counts=counts,
        kinds=services.CERTIFICATE_KINDS,
        page=paginate(listing),
        q=query,
        format_serial=services.format_serial,
    )


@bp.post("/certificates/issue")
@event_view(Role.ORGANISER)
def issue(event):
    kind = _kind(request.form.get("kind", ""))
    ok, count = attempt(lambda: services.issue_certificates(event, kind, actor=current_user))
    if ok:
        flash(
            ngettext("%(num)d certificate issued.", "%(num)d certificates issued.", count),
            "success",
        )
    return redirect(url_for("certificates.overview", slug=event.slug))


@bp.post("/certificates/run")
@event_view(Role.ORGANISER)
def run(event):
    """Print (one PDF) or email a kind of certificates: a print run, a job like badges'."""
    kind = _kind(request.form.get("kind", ""))
    ok, batch = attempt(
        lambda: badge_tasks.start(
            runs.queue_run(
                event,
                kind,
                email=request.form.get("action") == "email",
                actor=current_user,
                base_url=request.url_root,
            )
        )
    )
    if ok:
        return redirect(url_for("badges.run", slug=event.slug, batch_id=batch.id))
    return redirect(url_for("certificates.overview", slug=event.slug))


@bp.get("/certificates/<int:certificate_id>.pdf")
@event_view(Role.ORGANISER)
def certificate_pdf(event, certificate_id: int):
    certificate = _certificate(event, certificate_id)
    if certificate.participant.erased_at is not None:
        abort_with(410, _("This person's data was erased: the certificate only verifies."))
    body = documents.certificates_pdf(event, [certificate])
    return pdf_response(body, f"certificate-{services.format_serial(certificate.serial)}.pdf")


@bp.post("/certificates/<int:certificate_id>/revoke")
@event_view(Role.ORGANISER)
def revoke(event, certificate_id: int):
    certificate = _certificate(event, certificate_id)
    ok, _none = attempt(
        lambda: services.revoke_certificate(
            certificate, request.form.get("reason", ""), actor=current_user
        )
    )
    if ok:
        flash(_("Certificate revoked: its verification page now says it is not valid."), "success")
    return redirect(request.referrer or url_for("certificates.overview", slug=event.slug))


@bp.get("/me/<key>/certificates/<serial>.pdf")
@event_view()
@limiter.limit("30 per minute")
def own_certificate(event, key: str, serial: str):
    participant = participant_by_access_key(event, key)
    certificate = services.verify(serial)
    if (
        participant is None
        or certificate is None
        or certificate.participant_id != participant.id
        or certificate.revoked_at is not None
    ):
        abort_with(404, _("There is no such certificate."))
    body = documents.certificates_pdf(event, [certificate])
    return pdf_response(body, f"certificate-{services.format_serial(certificate.serial)}.pdf")


@verify_bp.route("/verify", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def verify_form():
    """Type the number printed on a certificate."""
    serial = request.form.get("serial", "") if request.method == "POST" else ""
    if serial.strip():
        return redirect(
            url_for("verify.certificate", serial=services.normalise_serial(serial) or "-")
        )
    return render_template("certificates/verify.html", certificate=None, asked=False)


@verify_bp.get("/verify/<serial>")
@limiter.limit("30 per minute")  # serials are random; guessing them is also slowed down
def certificate(serial: str):
    """Public: whether a certificate is valid, and what it certifies. Nothing more."""
    found = services.verify(serial)
    return render_template(
        "certificates/verify.html",
        certificate=found,
        asked=True,
        # The date printed on the certificate: its day of issue in the event's calendar.
        issued_on=services.issued_on(found, found.participant.event) if found else None,
        kinds=services.CERTIFICATE_KINDS,
        # In groups of four as printed, so a mistyped number is easy to compare.
        serial=services.format_serial(found.serial if found else services.normalise_serial(serial))
        or serial[:40],
    ), (200 if found and found.revoked_at is None else 404)
