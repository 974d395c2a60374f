"""The OpenAPI 3.1 description of API v1. Each domain adds its paths here as it grows."""

from __future__ import annotations

from typing import Any

ERROR = {"$ref": "#/components/schemas/Error"}


def _error_responses(*codes: int) -> dict[str, Any]:
    text = {
        400: "Not a JSON object",
        401: "Missing, unknown or revoked token (revoked: `wipe` is true)",
        403: "Token not allowed here (its role, event, checkpoints or read-only scope)",
        404: "No such event",
        409: "Refused by a rule of the event (message says which)",
        422: "Invalid input: `errors` maps each field to its messages",
        429: "Too many requests",
        503: "The database cannot be reached just now (a restart): send it again later; "
        "a resent scan with the same client_scan_id is recorded once",
    }
    return {
        str(code): {"description": text[code], "content": {"application/json": {"schema": ERROR}}}
        for code in codes
    }


SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
_TEXT = {"type": "string"}
_DATE = {"type": "string", "format": "date", "examples": ["2025-07-23"]}
_TIME = {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "examples": ["14:35"]}
REGISTRATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["given_name", "organisation", "country", "category", "email"],
    "properties": {
        "family_name": {
            **_TEXT,
            "description": "Latin letters as in the passport; empty for people with one name",
        },
        "given_name": _TEXT,
        "native_name": {
            **_TEXT,
            "description": "The name in its own script",
            "examples": ["ສົມພອນ ແກ້ວມະນີ"],
        },
        "honorific": _TEXT,
        "position": _TEXT,
        "organisation": {**_TEXT, "description": "Name; added to the directory when new"},
        "country": {
            **_TEXT,
            "description": "ISO 3166 alpha-2 (alpha-3, country names and demonyms in English, "
            "Chinese and the region's languages are read too)",
            "examples": ["LA", "Thailand", "Khmer", "缅甸"],
        },
        "category": {
            "type": "string",
            "enum": [
                "official",
                "delegate",
                "speaker",
                "media",
                "interpreter",
                "staff",
                "volunteer",
            ],
        },
        "email": {"type": "string", "format": "email"},
        "phone": _TEXT,
        "delegation": {**_TEXT, "description": "English name of an existing delegation"},
        "diet": {"type": "string", "enum": ["none", "halal", "vegetarian", "vegan"]},
        "dietary_notes": _TEXT,
        "accessibility_needs": _TEXT,
        "interpretation_language": {
            "type": "string",
            "enum": ["", "en", "zh", "th", "lo", "km", "my", "vi", "id", "ms", "fil"],
        },
        "arrival_date": _DATE,
        "arrival_time": _TIME,
        "arrival_flight": _TEXT,
        "arrival_point": _TEXT,
        "departure_date": _DATE,
        "departure_time": _TIME,
        "departure_flight": _TEXT,
        "departure_point": _TEXT,
        "hotel": _TEXT,
        "visa_letter_requested": {"type": "boolean"},
        "nationality": {**_TEXT, "description": "ISO 3166 alpha-2; with a visa letter"},
        "date_of_birth": _DATE,
        "passport_number": _TEXT,
        "passport_expiry": _DATE,
    },
}


_PARTICIPANT_AT_GATE = {
    "type": ["object", "null"],
    "description": "Only for a code that is a badge of this event",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "native_name": {"type": "string"},
        "category": {"type": "string"},
        "category_label": {"type": "string"},
        "country": {"type": "string"},
        "delegation": {"type": "string"},
    },
}
SCAN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["code", "checkpoint", "client_scan_id"],
    "properties": {
        "code": {"type": "string", "description": "The text of the badge's QR code"},
        "checkpoint": {
            "type": ["string", "integer"],
            "description": "Checkpoint id or slug",
            "examples": ["main-entrance"],
        },
        "client_scan_id": {"type": "string", "maxLength": 64, "description": "A UUID per scan"},
        "scanned_at": {"type": "string", "format": "date-time"},
        "offline_result": {
            "type": "string",
            "description": "What the device answered offline (admitted: a double admission "
            "is flagged)",
        },
    },
}
SCAN_ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["result", "reason", "participant"],
    "properties": {
        "result": {"enum": ["admitted", "already_admitted", "denied", "invalid"]},
        "reason": {"type": "string"},
        "participant": _PARTICIPANT_AT_GATE,
        "duplicate": {"type": "boolean"},
    },
}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "EventHub API",
            "version": "1",
            "description": "Bearer tokens come from `flask --app eventhub create-token`. "
            "A token may be limited to some checkpoints (scans and rosters elsewhere: 403) "
            "and to reading (any POST, PUT or DELETE: 403). "
            "Every error answers JSON with `error`, `message` and `status`.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "The browser session; changes also need the X-CSRFToken header.",
                },
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "message", "status"],
                    "properties": {
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                        "status": {"type": "integer"},
                        "wipe": {
                            "type": "boolean",
                            "description": "On a 401: the token (or session) was revoked; the "
                            "device erases the roster and everything it keeps",
                        },
                    },
                },
                "Registration": REGISTRATION_SCHEMA,
                "Scan": SCAN_SCHEMA,
                "ScanAnswer": SCAN_ANSWER_SCHEMA,
                "Activity": {
                    "type": "object",
                    "required": [
                        "id",
                        "title_en",
                        "title_zh",
                        "type",
                        "starts_at",
                        "ends_at",
                        "room",
                        "capacity",
                        "enrolled",
                    ],
                    "properties": {
                        "id": {"type": "integer"},
                        "title_en": {"type": "string"},
                        "title_zh": {"type": "string"},
                        "type": {"type": "string"},
                        "track": {"type": "string"},
                        "track_zh": {"type": "string"},
                        "starts_at": {"type": "string", "format": "date-time"},
                        "ends_at": {"type": "string", "format": "date-time"},
                        "room": {
                            "type": ["object", "null"],
                            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                        },
                        "access": {"type": "string"},
                        "capacity": {"type": ["integer", "null"]},
                        "enrolled": {"type": "integer"},
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
                        "venue_address_zh": {"type": "string"},
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
            "/events/{slug}/activities": {
                "get": {
                    "summary": "Published activities, by day and room",
                    "parameters": [
                        SLUG,
                        {
                            "name": "day",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "format": "date"},
                        },
                        {
                            "name": "room",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "The activities",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Activity"},
                                    }
                                }
                            },
                        },
                        **_error_responses(401, 403, 404, 422),
                    },
                }
            },
            "/events/{slug}/agenda": {
                "get": {
                    "summary": "The logged-in participant's agenda (browser session)",
                    "security": [{"session": []}],
                    "parameters": [SLUG],
                    "responses": {
                        "200": {"description": "Enrolments, by start"},
                        **_error_responses(401, 403, 404),
                    },
                }
            },
            "/events/{slug}/activities/{activity}/enrolment": {
                "parameters": [
                    SLUG,
                    {
                        "name": "activity",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                ],
                "put": {
                    "summary": "Enrol (a seat, or the waiting list when full)",
                    "security": [{"session": []}],
                    "responses": {
                        "200": {"description": "`status`: enrolled or waitlisted"},
                        **_error_responses(400, 401, 403, 404, 409),
                    },
                },
                "delete": {
                    "summary": "Leave the activity; the first on the waiting list moves up",
                    "security": [{"session": []}],
                    "responses": {
                        "200": {"description": "`status`: cancelled"},
                        **_error_responses(400, 401, 403, 404, 409),
                    },
                },
            },
            "/events/{slug}/registrations": {
                "post": {
                    "summary": "Register one participant (token role organiser or partner)",
                    "description": "The same rules as the online form. The participant is "
                    "emailed a link to their own page. Status starts as "
                    "`pending`.",
                    "parameters": [SLUG],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Registration"}
                            }
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "Registered: `status` pending, or "
                            "waitlisted when the capacity or a quota is full",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["id", "status"],
                                        "properties": {
                                            "id": {"type": "integer"},
                                            "status": {"type": "string"},
                                            "waiting_list_position": {
                                                "type": ["integer", "null"],
                                                "description": "1 is next to move up",
                                            },
                                            "confirmation_sent": {"type": "boolean"},
                                        },
                                    }
                                }
                            },
                        },
                        **_error_responses(400, 401, 403, 404, 422),
                    },
                }
            },
            "/scans": {
                "post": {
                    "summary": "Judge and record one badge scan at a checkpoint",
                    "description": "Staff or organiser token. Resending the same "
                    "client_scan_id returns the first answer and records nothing new.",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Scan"}}
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "The answer for the gate",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/ScanAnswer"}
                                }
                            },
                        },
                        **_error_responses(400, 401, 403, 404, 422, 429, 503),
                    },
                }
            },
            "/scans/batch": {
                "post": {
                    "summary": "Scans queued while offline, in the order they were made",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["scans"],
                                    "properties": {
                                        "scans": {
                                            "type": "array",
                                            "maxItems": 500,
                                            "items": {"$ref": "#/components/schemas/Scan"},
                                        }
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "One answer per scan, with its HTTP-like status",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "answers": {
                                                "type": "array",
                                                "items": {
                                                    "$ref": "#/components/schemas/ScanAnswer"
                                                },
                                            }
                                        },
                                    }
                                }
                            },
                        },
                        **_error_responses(400, 401, 403, 429, 503),
                    },
                }
            },
            "/checkpoints/{checkpoint}/roster": {
                "get": {
                    "summary": "What a device needs to judge codes at a checkpoint offline",
                    "description": "Codes appear as SHA-256 digests (first 24 hex digits) "
                    "of the scanned text; revoked versions are listed apart. No contact or "
                    "passport data.",
                    "parameters": [
                        {
                            "name": "checkpoint",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                            "description": "Checkpoint id or slug, e.g. main-entrance",
                        }
                    ],
                    "responses": {
                        "200": {"description": "The checkpoint and its roster entries"},
                        **_error_responses(401, 403, 404, 429),
                    },
                }
            },
            "/events/{slug}": {
                "get": {
                    "summary": "An event's details",
                    "parameters": [SLUG],
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
