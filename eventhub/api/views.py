"""API v1 endpoints."""

from __future__ import annotations

from flask import g, jsonify, url_for

from eventhub.api import bp
from eventhub.api.auth import token_required
from eventhub.api.openapi import openapi_document


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
        "url": url_for("events.home", slug=event.slug, _external=True),
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


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
