"""Scanning devices: the staff's logged-in phones (signing out a lost one: its next contact
with the server wipes the roster and pages it keeps), and gate devices enrolled for the
whole event with a token of their own, whose pages need no login."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
import sqlalchemy as sa
from flask import (
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from eventhub.auth import services as auth_services
from eventhub.auth import sessions as auth_sessions
from eventhub.auth.access import event_view
from eventhub.auth.models import Role
from eventhub.checkin import bp, devices
from eventhub.checkin.forms import GateDeviceForm
from eventhub.checkin.models import Checkpoint
from eventhub.errors import abort_with
from eventhub.extensions import db
from eventhub.web import commit

SCANNERS = (Role.ORGANISER, Role.STAFF)


def _device_form(event, *, blank: bool = False) -> GateDeviceForm:
    form = GateDeviceForm(formdata=None) if blank else GateDeviceForm()
    form.checkpoints.choices = devices._token_checkpoints(event)
    return form


def _devices_page(event, form: GateDeviceForm, enrolled: dict | None = None, status: int = 200):
    tokens = devices.gate_devices(event)
    response = make_response(
        render_template(
            "checkin/devices.html",
            event=event,
            sessions=devices.staff_sessions(event),
            describe=auth_sessions.describe_device,
            form=form,
            gate_devices=tokens,
            scopes=devices.checkpoint_names(event, tokens),
            enrolled=enrolled,
        ),
        status,
    )
    # The enrolment link is shown once: no copy in any cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/checkin/devices")
@event_view(Role.ORGANISER)
def scanner_devices(event):
    return _devices_page(event, _device_form(event))


def _qr_svg(text: str) -> Markup:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return Markup(svg[svg.index("<svg") :])  # noqa: S704  (our own SVG of a URL)


@bp.post("/checkin/devices/new")
@event_view(Role.ORGANISER)
def enrol_device(event):
    form = _device_form(event)
    if not form.validate_on_submit():
        return _devices_page(event, form, status=422)
    scope = None if form.all_checkpoints.data else list(form.checkpoints.data or [])
    if scope == []:
        form.checkpoints.errors = [_("Tick the checkpoints, or all checkpoints.")]
        return _devices_page(event, form, status=422)
    token, plaintext = devices.enrol_device(event, form.label.data, scope, actor=current_user)
    commit()
    # The token travels in the fragment: browsers never send it, so no log keeps it.
    link = url_for("checkin.device_home", slug=event.slug, _external=True) + "#enrol=" + plaintext
    enrolled = {"label": token.label, "link": link, "qr": _qr_svg(link)}
    return _devices_page(event, _device_form(event, blank=True), enrolled=enrolled)


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


@bp.post("/checkin/devices/gate/<int:token_id>/revoke")
@event_view(Role.ORGANISER)
def revoke_gate_device(event, token_id: int):
    token = devices.gate_device(event, token_id)
    if token is None:
        abort_with(404, _("There is no such gate device in this event."))
    auth_services.revoke_api_token(token, actor=current_user)
    commit()
    flash(
        _(
            "Revoked: the device forgets the guest list at its next contact. Scans it made "
            "before being revoked are still recorded when it reconnects (within 24 hours)."
        ),
        "success",
    )
    return redirect(url_for("checkin.scanner_devices", slug=event.slug))


@bp.get("/checkin/csrf")
@event_view(*SCANNERS)
def fresh_csrf(event):
    """A fresh CSRF token for a scanner page open longer than the token lasts."""
    response = jsonify({"csrf_token": generate_csrf()})
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the gate device's pages: no login; the token is in the device's localStorage --------


def _device_page(template: str, event, **context):
    response = make_response(render_template(template, event=event, **context))
    # Kept by the service worker, so that the device starts without the network.
    response.headers["X-EventHub-Offline"] = "scanner"
    return response


@bp.get("/checkin/device/")
@event_view()
def device_home(event):
    """Enrols the device (from the link's fragment) and lists its checkpoints, which the
    page reads with the token and keeps for starting offline."""
    return _device_page("checkin/device_home.html", event)


@bp.get("/checkin/device/<ref>")
@event_view()
def device_scanner(event, ref: str):
    """The scanner of a gate device: the same page as the staff's, over the bearer API."""
    checkpoint = db.session.scalar(
        sa.select(Checkpoint).where(Checkpoint.event_id == event.id, Checkpoint.slug == ref)
    )
    if checkpoint is None:
        abort_with(404, _("There is no such checkpoint in this event."))
    return _device_page("checkin/scanner.html", event, checkpoint=checkpoint, device=True)


@bp.get("/checkin/device/manifest.webmanifest")
@event_view()
def device_manifest(event):
    """Installs the gate device's pages as an app that starts without the network."""
    return devices.manifest_response(
        name=f"{event.name_en} · {_('Gate')}",
        short_name=_("Gate"),
        start_url=url_for("checkin.device_home", slug=event.slug),
        scope=url_for("checkin.checkpoints", slug=event.slug),
    )
