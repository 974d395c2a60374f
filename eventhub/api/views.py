"""API v1 endpoints."""

from __future__ import annotations

from flask import g, jsonify, request
from flask_babel import gettext as _

from eventhub.api import bp
from eventhub.api.auth import token_required
from eventhub.api.openapi import openapi_document
from eventhub.auth.models import Role
from eventhub.errors import error_response
from eventhub.extensions import db
from eventhub.registration import services as registration_services
from eventhub.registration.models import Source
from eventhub.registration.validation import REGISTRATION_FIELDS
from eventhub.web import external_url


def event_json(event) -> dict:
    return {
        "slug": event.slug,
        "name_en": event.name_en,
        "name_zh": event.name_zh,
        "city_en": event.city_en,
        "city_zh": event.city_zh,
        "venue_address": event.venue_address,
        "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat(),
        "timezone": event.timezone,
        "url": external_url("events.home", slug=event.slug),
    }


@bp.get("/token")
@token_required()
def token_info():
    """What the presented token is: its event and role (lets a device check its setup)."""
    token = g.api_token
    return jsonify(
        {
            "event": token.event.slug,
            "role": token.role.value,
            "label": token.label,
            "created_at": token.created_at.isoformat(),
        }
    )


@bp.get("/events/<slug>")
@token_required()
def event_detail(event):
    return jsonify(event_json(event))


@bp.post("/events/<slug>/registrations")
@token_required(Role.ORGANISER, Role.PARTNER)
def create_registration(event):
    """Register one participant, with the form's rules; 201 with its id, or 422 per field."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error_response(400, _("Send one participant as a JSON object."))
    unknown = sorted(set(body) - REGISTRATION_FIELDS)
    if unknown:
        return error_response(
            422,
            _("Unknown fields: %(fields)s.", fields=", ".join(unknown)),
            errors={name: [_("Unknown field.")] for name in unknown},
        )
    try:
        participant, key = registration_services.register(event, body, source=Source.API)
    except registration_services.RegistrationInvalid as invalid:
        db.session.rollback()
        return error_response(
            422, _("Please correct the fields marked below."), errors=invalid.errors
        )
    db.session.commit()
    sent = registration_services.send_confirmation(participant, key)
    response = jsonify(
        {"id": participant.id, "status": participant.status.value, "confirmation_sent": sent}
    )
    response.status_code = 201
    return response


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
