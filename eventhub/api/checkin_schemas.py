"""The JSON Schemas of the gate's API (eventhub/api/checkin.py): query parameters and
answers, added to api.schemas.SCHEMAS so the OpenAPI description publishes them."""

from __future__ import annotations

from typing import Any

from eventhub.api.schemas import _PARTICIPANT_AT_GATE, _RESULT, SCHEMAS, ref

_PAGE_QUERY = [
    {
        "name": "page",
        "in": "query",
        "required": False,
        "description": "1 for the first page",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100_000},
    },
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": "At most 200 a page (50 when not given)",
        "schema": {"type": "integer", "minimum": 1, "maximum": 200},
    },
]
PARTICIPANTS_QUERY: list[dict[str, Any]] = [
    {
        "name": "q",
        "in": "query",
        "required": False,
        "description": "Words of the name in any script (Latin without accents is enough)",
        "schema": {"type": "string", "maxLength": 100},
        "examples": {"lao": {"value": "ສົມພອນ"}, "latin": {"value": "nguyen van"}},
    },
    {
        "name": "id",
        "in": "query",
        "required": False,
        "description": "One participant's id",
        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    },
    *_PAGE_QUERY,
]
SCANS_QUERY: list[dict[str, Any]] = [
    {
        "name": "since",
        "in": "query",
        "required": False,
        "description": "The cursor: `next` of the previous answer (0 or absent: from the start)",
        "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
    },
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": "At most 500 scans an answer (100 when not given)",
        "schema": {"type": "integer", "minimum": 1, "maximum": 500},
    },
    {
        "name": "checkpoint",
        "in": "query",
        "required": False,
        "description": "Only this checkpoint's scans (id or slug; it must be in the token's scope)",
        "schema": {"type": "string", "maxLength": 64},
    },
]

_MOMENT = {"type": "string", "format": "date-time"}
_MAYBE_MOMENT = {"type": ["string", "null"], "format": "date-time"}
CHECKPOINT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "slug", "name_en", "categories", "reentry", "active"],
    "properties": {
        "id": {"type": "integer"},
        "slug": {"type": "string"},
        "name_en": {"type": "string"},
        "name_zh": {"type": ["string", "null"]},
        "categories": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Categories let in; empty: every category",
        },
        "zone": {"type": ["string", "null"], "description": "Badge zone required"},
        "activity_id": {"type": ["integer", "null"]},
        "enrolment_required": {"type": "boolean"},
        "opens_at": _MAYBE_MOMENT,
        "closes_at": _MAYBE_MOMENT,
        "reentry": {"type": "boolean", "description": "false: admitted once a day"},
        "active": {"type": "boolean"},
    },
}
CHECKPOINTS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["checkpoints"],
    "properties": {"checkpoints": {"type": "array", "items": ref("Checkpoint")}},
}
CHECK_IN: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["checkpoint", "day", "at"],
    "properties": {
        "checkpoint": {"type": "string", "description": "The checkpoint's slug"},
        "day": {"type": "string", "format": "date", "description": "The event's local day"},
        "at": {**_MOMENT, "description": "When first admitted there that day"},
        "device": {"type": ["string", "null"], "description": "Which device admitted"},
    },
}
PARTICIPANT_PAGE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["participants", "page", "limit", "total", "next_page", "checkpoints"],
    "properties": {
        "participants": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    *_PARTICIPANT_AT_GATE["required"],
                    "status",
                    "has_badge",
                    "check_ins",
                ],
                "properties": {
                    **_PARTICIPANT_AT_GATE["properties"],
                    "status": {"type": "string"},
                    "has_badge": {"type": "boolean"},
                    "position": {
                        "type": "string",
                        "description": "Job title: tells namesakes apart",
                    },
                    "number": {"type": "integer", "description": "The number on the badge"},
                    "has_photo": {
                        "type": "boolean",
                        "description": "A photo is on file (.../photo)",
                    },
                    "check_ins": {
                        "type": "array",
                        "items": ref("CheckIn"),
                        "description": "First admission per checkpoint and day; a checkpoint "
                        "and day not listed: not admitted there that day",
                    },
                },
            },
        },
        "page": {"type": "integer"},
        "limit": {"type": "integer"},
        "total": {"type": "integer"},
        "next_page": {"type": ["integer", "null"]},
        "checkpoints": {
            "type": "array",
            "items": {"type": "string"},
            "description": "The checkpoints whose check-ins are shown (the token's scope)",
        },
    },
}
SCAN_RECORD: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "checkpoint", "result", "reason", "scanned_at", "received_at"]
    + ["duplicate", "offline", "server_result", "undone_at"],
    "properties": {
        "id": {"type": "integer", "description": "Grows with every scan recorded"},
        "checkpoint": {"type": "string"},
        "participant_id": {"type": ["integer", "null"]},
        "result": _RESULT,
        "reason": {"type": "string"},
        "scanned_at": {**_MOMENT, "description": "The device's clock"},
        "received_at": {**_MOMENT, "description": "When the server got it"},
        "device": {"type": ["string", "null"]},
        "duplicate": {"type": "boolean"},
        "offline": {"type": "boolean", "description": "Judged on the device"},
        "server_result": {
            "oneOf": [_RESULT, {"type": "null"}],
            "description": "What the server would have decided, for offline scans",
        },
        "server_reason": {"type": ["string", "null"]},
        "undone_at": _MAYBE_MOMENT,
    },
}
SCAN_PAGE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["scans", "next", "more"],
    "properties": {
        "scans": {"type": "array", "items": ref("ScanRecord")},
        "next": {"type": "integer", "description": "`since` for the next call"},
        "more": {"type": "boolean", "description": "true: ask again at once"},
    },
}
SCHEMAS |= {
    "Checkpoint": CHECKPOINT,
    "Checkpoints": CHECKPOINTS,
    "CheckIn": CHECK_IN,
    "ParticipantPage": PARTICIPANT_PAGE,
    "ScanRecord": SCAN_RECORD,
    "ScanPage": SCAN_PAGE,
}
