"""The OpenAPI 3.1 description of API v1. Each domain adds its paths here as it grows."""

from __future__ import annotations

from typing import Any

ERROR = {"$ref": "#/components/schemas/Error"}


def _error_responses(*codes: int) -> dict[str, Any]:
    text = {
        401: "Missing, unknown or revoked token",
        403: "Token not allowed here",
        404: "No such event",
        422: "Invalid input",
        429: "Too many requests",
    }
    return {
        str(code): {"description": text[code], "content": {"application/json": {"schema": ERROR}}}
        for code in codes
    }


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "EventHub API",
            "version": "1",
            "description": "Bearer tokens come from `flask --app eventhub create-token`. "
            "Every error answers JSON with `error`, `message` and `status`.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "message", "status"],
                    "properties": {
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                        "status": {"type": "integer"},
                    },
                },
                "Event": {
                    "type": "object",
                    "required": ["slug", "name_en", "name_zh", "starts_on", "ends_on", "timezone"],
                    "properties": {
                        "slug": {"type": "string"},
                        "name_en": {"type": "string"},
                        "name_zh": {"type": "string"},
                        "city_en": {"type": "string"},
                        "city_zh": {"type": "string"},
                        "venue_address": {"type": "string"},
                        "starts_on": {"type": "string", "format": "date"},
                        "ends_on": {"type": "string", "format": "date"},
                        "timezone": {"type": "string", "examples": ["Asia/Shanghai"]},
                        "url": {"type": "string", "format": "uri"},
                    },
                },
            },
        },
        "paths": {
            "/token": {
                "get": {
                    "summary": "Describe the presented token",
                    "responses": {
                        "200": {"description": "The token's event and role"},
                        **_error_responses(401),
                    },
                }
            },
            "/events/{slug}": {
                "get": {
                    "summary": "An event's details",
                    "parameters": [
                        {
                            "name": "slug",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The event",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Event"}
                                }
                            },
                        },
                        **_error_responses(401, 403, 404),
                    },
                }
            },
        },
    }
