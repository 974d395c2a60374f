"""The JSON Schemas of API v1: the one source for validating requests (api.validation) and
for the OpenAPI description (api.openapi), so the two cannot drift apart."""

from __future__ import annotations

from typing import Any

from eventhub.checkin.scanning import BATCH_LIMIT
from eventhub.privacy.kinds import Purpose
from eventhub.registration.models import Category, Diet
from eventhub.registration.validation import MAX_LENGTHS


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


# Text a rule refuses when empty or blank (a code, a slug, an id): the same test as the
# server's strip(), written as a schema.
_FILLED = {"type": "string", "minLength": 1, "pattern": r"\S"}
_OPTIONAL_TEXT = {"type": ["string", "null"]}
_DATE = {"type": ["string", "null"], "format": "date", "examples": ["2025-07-23"]}
_TIME = {
    "type": ["string", "null"],
    "pattern": "^([0-2][0-9]:[0-5][0-9](:[0-5][0-9])?)?$",
    "examples": ["14:35"],
}
_REQUIRED_TEXT = ("given_name", "organisation", "country", "email")


def _text(name: str, description: str = "", **more: Any) -> dict[str, Any]:
    schema = dict(_FILLED if name in _REQUIRED_TEXT else _OPTIONAL_TEXT)
    if name in MAX_LENGTHS:
        schema["maxLength"] = MAX_LENGTHS[name]
    if description:
        schema["description"] = description
    return {**schema, **more}


REGISTRATION: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["given_name", "organisation", "country", "category", "email", "consents"],
    "properties": {
        "consents": {
            "type": "object",
            "additionalProperties": False,
            "required": ["registration"],
            "description": "What the person agreed to, asked by your system with the event's "
            "notices (GET the registration form to read them). registration must be true: "
            "nobody is registered without it. A purpose left out is recorded as not agreed "
            "to (no photo on the badge or at the gates without photo: true). Recorded as "
            "given through the API, with no notice version of ours",
            "properties": {purpose.value: {"type": "boolean"} for purpose in Purpose}
            | {
                "registration": {"type": "boolean", "const": True},
                "transfer_abroad": {
                    "type": "boolean",
                    "description": "Separate consent to sending the person's data outside "
                    "China (PIPL art. 39); false or left out: their data stays in China",
                },
            },
            "examples": [{"registration": True, "photo": True, "transfer_abroad": False}],
        },
        "family_name": _text(
            "family_name", "Latin letters as in the passport; empty for people with one name"
        ),
        "given_name": _text("given_name"),
        "patronymic": _text(
            "patronymic",
            "The father's name with its link (bin, binti, a/l, a/p); not a family name",
            examples=["binti Abdullah", "a/l Muthusamy"],
        ),
        "name_order": {
            "type": ["string", "null"],
            "enum": ["", "given", "family", None],
            "description": "The order the Latin name is written in; empty: the country's "
            "custom (family first for China, Viet Nam, Cambodia...)",
        },
        "passport_name": _text(
            "passport_name",
            "As the passport's machine-readable zone writes it (A-Z and spaces); empty: the "
            "Latin name without diacritics",
            examples=["NGUYEN THI LAN"],
        ),
        "native_name": _text(
            "native_name", "The name in its own script", examples=["ສົມພອນ ແກ້ວມະນີ"]
        ),
        "name_zh": _text(
            "name_zh",
            "A foreign name as written in Chinese, read at ceremonies",
            examples=["通伦·西苏里"],
        ),
        "style": _text(
            "style",
            "Style of address, before the honorific",
            examples=["H.E.", "Tan Sri", "Dato'", "Yang Mulia", "Lok Chumteav"],
        ),
        "honorific": _text("honorific", "Dr., Prof., U, Daw", examples=["Dr."]),
        "position": _text("position"),
        "position_zh": _text("position_zh", "The position in Chinese", examples=["外交部长"]),
        "organisation": _text("organisation", "Name; added to the directory when new"),
        "country": _text(
            "country",
            "ISO 3166 alpha-2 (alpha-3, country names and demonyms in English, Chinese and "
            "the region's languages are read too)",
            examples=["LA", "Thailand", "Khmer", "缅甸"],
        ),
        "category": {"type": "string", "enum": [c.value for c in Category]},
        "email": _text("email", format="email"),
        "phone": _text("phone"),
        "delegation": _text("delegation", "English name of an existing delegation"),
        "diet": {"type": ["string", "null"], "enum": ["", *(d.value for d in Diet), None]},
        "dietary_notes": _text("dietary_notes"),
        "accessibility_needs": _text("accessibility_needs"),
        "interpretation_language": _text(
            "interpretation_language",
            "A language code (en, zh, th, lo, km, my, vi, id, ms, fil) or its English name",
            examples=["zh", "lo"],
        ),
        "locale": _text(
            "locale",
            "The language of the person's pages and emails: a code (th, vi, id, ms, fil, lo, "
            "km, my, pt_TL, en, zh_Hans) or its name; without it, the request's language",
            examples=["th", "km"],
        ),
        "arrival_date": _DATE,
        "arrival_time": _TIME,
        "arrival_flight": _text("arrival_flight"),
        "arrival_point": _text("arrival_point"),
        "departure_date": _DATE,
        "departure_time": _TIME,
        "departure_flight": _text("departure_flight"),
        "departure_point": _text("departure_point"),
        "hotel": _text("hotel"),
        "visa_letter_requested": {
            "type": ["boolean", "string", "null"],
            "description": "true or false (yes/no as text is read too)",
        },
        "nationality": _text("nationality", "ISO 3166 alpha-2; with a visa letter"),
        "date_of_birth": _DATE,
        "passport_number": _text("passport_number"),
        "passport_expiry": _DATE,
    },
}

REGISTERED: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "status", "waiting_list_position", "confirmation_sent"],
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

SCAN: dict[str, Any] = {
    "type": "object",
    "required": ["code", "checkpoint", "client_scan_id"],
    "description": "Texts hold printable characters only.",
    "properties": {
        "code": {**_FILLED, "description": "The text of the badge's QR code"},
        "checkpoint": {
            "type": ["string", "integer"],
            "minLength": 1,
            "pattern": r"\S",
            "description": "Checkpoint id or slug",
            "examples": ["main-entrance"],
        },
        "client_scan_id": {**_FILLED, "maxLength": 64, "description": "A UUID per scan"},
        "scanned_at": {"type": ["string", "null"], "format": "date-time"},
        "offline_result": {
            "type": ["string", "null"],
            "description": "What the device decided when it judged the scan itself "
            "(offline, or the server too slow): admitted, already_admitted, denied or "
            "invalid. It is recorded as what happened; an admission only if the device "
            "admitted, flagged when the server would have decided otherwise",
        },
        "offline_reason": {
            "type": ["string", "null"],
            "description": "The reason key of the device's decision (e.g. too_late, unknown)",
        },
        "direction": {
            "enum": ["entry", "exit", None],
            "description": "At a checkpoint for both directions: whether this scan is an "
            "entry (the default) or an exit",
        },
    },
}
SCAN_BATCH: dict[str, Any] = {
    "type": "object",
    "required": ["scans"],
    "properties": {
        "scans": {"type": "array", "maxItems": BATCH_LIMIT, "items": ref("Scan")},
    },
}

_PARTICIPANT_AT_GATE = {
    "type": ["object", "null"],
    "description": "Only for a code that is a badge of this event",
    "additionalProperties": False,
    "required": ["id", "name", "category", "category_label", "country"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "native_name": {"type": ["string", "null"]},
        "category": {"type": "string"},
        "category_label": {"type": "string"},
        "country": {"type": ["string", "null"]},
        "delegation": {"type": ["string", "null"]},
    },
}
_RESULT = {"enum": ["admitted", "already_admitted", "exited", "denied", "invalid"]}
SCAN_ANSWER: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["result", "reason", "participant", "duplicate"],
    "properties": {
        "result": _RESULT,
        "reason": {"type": "string"},
        "participant": _PARTICIPANT_AT_GATE,
        "duplicate": {"type": "boolean"},
        "attention": {
            "type": "boolean",
            "description": "Admitted someone needing attention: protocol staff were alerted",
        },
        "places_left": {
            "type": "integer",
            "description": "At a door with a capacity: places left after this entry",
        },
        "scan_id": {"type": "integer", "description": "The scan recorded: what undo names"},
    },
}
# A batch answers every scan: the answer with status 200, or the refusal /scans would give.
BATCH_ANSWER: dict[str, Any] = {
    "oneOf": [
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["status", "client_scan_id", *SCAN_ANSWER["required"]],
            "properties": {
                "status": {"const": 200},
                "client_scan_id": {"type": "string"},
                **SCAN_ANSWER["properties"],
            },
        },
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["status", "client_scan_id", "message"],
            "properties": {
                "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "client_scan_id": {
                    "type": ["string", "null"],
                    "description": "As sent, when it was text",
                },
                "message": {"type": "string"},
                "field": {"type": ["string", "null"]},
                "errors": ref("FieldErrors"),
            },
        },
    ]
}
BATCH_ANSWERS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["answers"],
    "properties": {"answers": {"type": "array", "items": ref("BatchAnswer")}},
}
ROSTER: dict[str, Any] = {
    "type": "object",
    "required": ["checkpoint", "generated_at", "delta", "version", "admissions"],
    "description": "Judged on the device at scan time: the checkpoint's rules and each "
    "person's facts. With ?since=<version> and nothing but admissions changed, only the "
    "admissions made and undone since (delta: true); otherwise everything. The version is "
    "the ETag (If-None-Match: 304).",
    "properties": {
        "checkpoint": {
            "type": "object",
            "required": ["id", "slug", "name_en", "name_zh", "reentry"],
            "properties": {
                "id": {"type": "integer"},
                "slug": {"type": "string"},
                "name_en": {"type": "string"},
                "name_zh": {"type": ["string", "null"]},
                "reentry": {"type": "boolean"},
            },
        },
        "generated_at": {"type": "string", "format": "date-time"},
        "delta": {"type": "boolean"},
        "version": {"type": "string"},
        "rules": {
            "type": "object",
            "description": "active, opens_at, closes_at, daily_opens, daily_closes (local "
            "HH:MM:SS), categories, zone, enrolment, reentry, direction (entry, exit, both), "
            "capacity, timezone, name_en, name_zh",
        },
        "reasons": {"type": "object", "additionalProperties": {"type": "string"}},
        "people": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "code", "revoked", "status", "category", "participant"],
                "properties": {
                    "id": {"type": "integer"},
                    "code": {"type": "string", "description": "SHA-256, 24 hex digits"},
                    "revoked": {"type": "array", "items": {"type": "string"}},
                    "status": {"type": "string"},
                    "category": {"type": "string"},
                    "participant": _PARTICIPANT_AT_GATE,
                    "zones": {"type": "array", "items": {"type": "string"}},
                    "enrolled": {"type": "boolean"},
                    "attention": {
                        "type": "boolean",
                        "description": "Needs attention (a VIP): admitted with the attention "
                        "reason; protocol staff are alerted when the scan reaches the server",
                    },
                },
            },
        },
        "admissions": {
            "type": "array",
            "description": "[participant id, day, local time, where, scan id]",
            "items": {"type": "array"},
        },
        "undone": {
            "type": "array",
            "description": "Admissions undone at the gate since the version: [participant "
            "id, day, scan id, undone at (ms since 1970)]; drop the admission of that scan",
            "items": {"type": "array"},
        },
        "inside": {
            "type": "object",
            "description": "At a door with a capacity: inside now ({day, count}) for an "
            "offline estimate, with the device's own entries and exits since",
        },
    },
}
FIELD_ERRORS: dict[str, Any] = {
    "type": "object",
    "description": "Each refused field with its messages",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
ERROR: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["error", "message", "status"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "status": {"type": "integer"},
        "field": {"type": ["string", "null"], "description": "The first refused field"},
        "errors": ref("FieldErrors"),
        "wipe": {
            "type": "boolean",
            "description": "On a 401: the token (or session) was revoked; the device erases "
            "the roster and everything it keeps",
        },
        "answers": {
            "type": "array",
            "items": ref("BatchAnswer"),
            "description": "On a 401 to /scans/batch from a token revoked (or expired) less "
            "than a day ago: its scans made before then are recorded, later ones refused",
        },
    },
}
TOKEN: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["event", "role", "label", "created_at"],
    "properties": {
        "event": {"type": "string"},
        "role": {"type": "string"},
        "label": {"type": ["string", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
    },
}
ACTIVITY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "title_en", "title_zh", "type", "starts_at", "ends_at", "room"]
    + ["capacity", "enrolled"],
    "properties": {
        "id": {"type": "integer"},
        "title_en": {"type": "string"},
        "title_zh": {"type": ["string", "null"]},
        "type": {"type": "string"},
        "track": {"type": ["string", "null"]},
        "track_zh": {"type": ["string", "null"]},
        "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"},
        "room": {
            "type": ["object", "null"],
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        },
        "access": {"type": "string"},
        # Private ones are listed to organiser tokens only.
        "visibility": {"type": "string", "enum": ["public", "private"]},
        "capacity": {"type": ["integer", "null"]},
        "enrolled": {"type": "integer"},
    },
}
EVENT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["slug", "name_en", "name_zh", "starts_on", "ends_on", "timezone"],
    "properties": {
        "slug": {"type": "string"},
        "name_en": {"type": "string"},
        "name_zh": {"type": ["string", "null"]},
        "city_en": {"type": ["string", "null"]},
        "city_zh": {"type": ["string", "null"]},
        "venue_address": {"type": ["string", "null"]},
        "venue_address_zh": {"type": ["string", "null"]},
        "starts_on": {"type": "string", "format": "date"},
        "ends_on": {"type": "string", "format": "date"},
        "timezone": {"type": "string", "examples": ["Asia/Shanghai"]},
        "url": {"type": "string", "format": "uri"},
    },
}
ENROLMENT_STATUS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["status"],
    "properties": {"status": {"type": "string"}},
}
AGENDA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["activity", "title_en", "status", "starts_at"],
        "properties": {
            "activity": {"type": "integer"},
            "title_en": {"type": "string"},
            "status": {"type": "string"},
            "starts_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
}

# components/schemas of the description; the validators resolve their $refs here too.
SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": ERROR,
    "FieldErrors": FIELD_ERRORS,
    "Token": TOKEN,
    "Event": EVENT,
    "Activity": ACTIVITY,
    "Agenda": AGENDA,
    "EnrolmentStatus": ENROLMENT_STATUS,
    "Registration": REGISTRATION,
    "Registered": REGISTERED,
    "Scan": SCAN,
    "ScanAnswer": SCAN_ANSWER,
    "ScanBatch": SCAN_BATCH,
    "BatchAnswer": BATCH_ANSWER,
    "BatchAnswers": BATCH_ANSWERS,
    "Roster": ROSTER,
}

# Query parameters, read by api.validation.query_args with these schemas.
ACTIVITIES_QUERY: list[dict[str, Any]] = [
    {
        "name": "day",
        "in": "query",
        "required": False,
        "description": "A local day of the event",
        "schema": {"type": "string", "format": "date"},
    },
    {
        "name": "room",
        "in": "query",
        "required": False,
        "description": "A room's id",
        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    },
]

# The gate's reads (participants, checkpoints, scans since a cursor) live beside; importing
# them here adds their components to SCHEMAS whoever imports this module first.
from eventhub.api import checkin_schemas  # noqa: E402,F401
