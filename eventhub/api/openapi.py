"""The OpenAPI 3.1 description of API v1, built from api.schemas: the schemas that
validate the requests are the ones published, so the description cannot drift."""

from __future__ import annotations

from typing import Any

from eventhub.api.checkin_schemas import PARTICIPANTS_QUERY, SCANS_QUERY
from eventhub.api.schemas import ACTIVITIES_QUERY, SCHEMAS, ref

_ERRORS = {
    400: "Not a JSON object, or a query parameter that is not of its type (`errors` says which)",
    401: "Missing, unknown or revoked token (revoked: `wipe` is true)",
    403: "Token not allowed here (its role, event, checkpoints or read-only scope)",
    404: "No such event, checkpoint or activity",
    409: "Refused by a rule of the event (message says which)",
    413: "Too large: more scans at once than allowed, or a JSON body over its limit",
    422: "Invalid input: `errors` maps each field to its messages",
    429: "Too many requests",
    503: "The database cannot be reached just now (a restart): send it again later; "
    "a resent scan with the same client_scan_id is recorded once",
}
SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _answers(ok: int, description: str, schema: str | dict, *errors: int) -> dict[str, Any]:
    """The responses of an operation: `ok` with `schema` (a component's name, or a schema),
    and the `errors` it may answer."""
    body = ref(schema) if isinstance(schema, str) else schema
    responses = {str(ok): {"description": description, **_json(body)}}
    for code in errors:
        responses[str(code)] = {"description": _ERRORS[code], **_json(ref("Error"))}
    return responses


def _body(schema: str) -> dict[str, Any]:
    return {"required": True, **_json(ref(schema))}


_PARTICIPANT = {
    "name": "participant",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
}


def paths() -> dict[str, Any]:
    return {
        "/token": {
            "get": {
                "summary": "Describe the presented token",
                "responses": _answers(200, "The token's event and role", "Token", 401),
            }
        },
        "/events/{slug}": {
            "get": {
                "summary": "An event's details",
                "parameters": [SLUG],
                "responses": _answers(200, "The event", "Event", 401, 403, 404),
            }
        },
        "/events/{slug}/activities": {
            "get": {
                "summary": "Published activities, by day and room",
                "parameters": [SLUG, *ACTIVITIES_QUERY],
                "responses": _answers(
                    200,
                    "The activities",
                    {"type": "array", "items": ref("Activity")},
                    400,
                    401,
                    403,
                    404,
                    422,
                ),
            }
        },
        **agenda_paths(),
        "/events/{slug}/registrations": {
            "post": {
                "summary": "Register one participant (token role organiser or partner)",
                "description": "The same rules as the online form. The participant is "
                "emailed a link to their own page. Status starts as `pending`. A call "
                "repeated with the same `Idempotency-Key` (a retry after a lost answer) "
                "registers and mails nothing more: 200 with the first call's participant "
                "and `Idempotent-Replayed: true`.",
                "parameters": [
                    SLUG,
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": False,
                        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                    },
                ],
                "requestBody": _body("Registration"),
                "responses": _answers(
                    201,
                    "Registered: `status` pending, or waitlisted when the capacity or a quota "
                    "is full",
                    "Registered",
                    400,
                    401,
                    403,
                    404,
                    409,
                    413,
                    422,
                )
                | _answers(
                    200,
                    "Repeated with its Idempotency-Key: the participant the first call "
                    "registered, as it is now",
                    "Registered",
                ),
            }
        },
        "/scans": {
            "post": {
                "summary": "Judge and record one badge scan at a checkpoint",
                "description": "Staff or organiser token. Resending the same client_scan_id "
                "returns the first answer and records nothing new.",
                "requestBody": _body("Scan"),
                "responses": _answers(
                    200, "The answer for the gate", "ScanAnswer", 400, 401, 403, 404, 422
                )
                | _answers(200, "The answer for the gate", "ScanAnswer", 429, 503),
            }
        },
        "/scans/batch": {
            "post": {
                "summary": "Scans queued while offline, in the order they were made",
                "description": "Each scan is answered on its own, with the status and body "
                "/scans would give; a refused scan spoils none of the others. A token "
                "revoked (or expired) less than a day ago is still answered 401 with wipe, "
                "but its scans made before then are recorded (answers).",
                "requestBody": _body("ScanBatch"),
                "responses": _answers(
                    200, "One answer per scan", "BatchAnswers", 400, 401, 403, 413, 429, 503
                ),
            }
        },
        "/checkpoints/{checkpoint}/roster": {
            "get": {
                "summary": "What a device needs to judge codes at a checkpoint offline",
                "description": "Codes appear as SHA-256 digests (first 24 hex digits) of the "
                "scanned text; revoked versions are listed apart. No contact or passport data.",
                "parameters": [
                    {
                        "name": "checkpoint",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": "Checkpoint id or slug, e.g. main-entrance",
                    }
                ],
                "responses": _answers(
                    200,
                    "The checkpoint's rules, people and admissions",
                    "Roster",
                    401,
                    403,
                    404,
                    429,
                ),
            }
        },
    }


_AGENDA_WHO = (
    "With a bearer token: an organiser's token (any participant of its event), or a token "
    "issued to a registered person's own account with role delegate, head_of_delegation or "
    "organiser (their own registration only); any other token gets 403. Reading needs a "
    "live token (read scope); enrolling and leaving need a token that may write (write "
    "scope). Without a token, the browser session (with X-CSRFToken for changes)."
)
_PARTICIPANT = {
    "name": "participant",
    "in": "path",
    "required": True,
    "schema": {"type": "integer"},
}
_ACTIVITY = {"name": "activity", "in": "path", "required": True, "schema": {"type": "integer"}}
_CHECKPOINT_SCOPE = (
    "Staff or organiser token. Only the checkpoints in the token's scope (and, for a token "
    "issued to a staff member, those they are assigned to) are seen."
)


def _enrolment_operations(own: bool) -> dict[str, Any]:
    security = [{"bearer": []}, {"session": []}] if own else [{"bearer": []}]
    return {
        "put": {
            "summary": "Enrol (a seat, or the waiting list when full)",
            "description": _AGENDA_WHO,
            "security": security,
            "responses": _answers(
                200, "`status`: enrolled or waitlisted", "EnrolmentStatus", 400, 401, 403, 404
            )
            | _answers(200, "`status`: enrolled or waitlisted", "EnrolmentStatus", 409),
        },
        "delete": {
            "summary": "Leave the activity; the first on the waiting list moves up",
            "description": _AGENDA_WHO,
            "security": security,
            "responses": _answers(
                200, "`status`: cancelled", "EnrolmentStatus", 400, 401, 403, 404, 409
            ),
        },
    }


def agenda_paths() -> dict[str, Any]:
    return {
        "/events/{slug}/agenda": {
            "get": {
                "summary": "The agenda of the logged-in person, or of the token's own person",
                "description": _AGENDA_WHO,
                "security": [{"bearer": []}, {"session": []}],
                "parameters": [SLUG],
                "responses": _answers(200, "Enrolments, by start", "Agenda", 401, 403, 404),
            }
        },
        "/events/{slug}/activities/{activity}/enrolment": {
            "parameters": [SLUG, _ACTIVITY],
            **_enrolment_operations(own=True),
        },
        "/events/{slug}/participants/{participant}/agenda": {
            "get": {
                "summary": "A participant's agenda",
                "description": _AGENDA_WHO,
                "parameters": [SLUG, _PARTICIPANT],
                "responses": _answers(200, "Enrolments, by start", "Agenda", 401, 403, 404),
            }
        },
        "/events/{slug}/participants/{participant}/activities/{activity}/enrolment": {
            "parameters": [SLUG, _PARTICIPANT, _ACTIVITY],
            **_enrolment_operations(own=False),
        },
    }


def gate_paths() -> dict[str, Any]:
    return {
        "/events/{slug}/checkpoints": {
            "get": {
                "summary": "The checkpoints in the token's scope, with their rules",
                "description": _CHECKPOINT_SCOPE,
                "parameters": [SLUG],
                "responses": _answers(200, "The checkpoints", "Checkpoints", 401, 403, 404),
            }
        },
        "/events/{slug}/participants": {
            "get": {
                "summary": "Participants with their check-in state, found by name, paged",
                "description": _CHECKPOINT_SCOPE + " Staff tokens see approved people only. "
                "What a gate needs to recognise a person: no contact or passport data.",
                "parameters": [SLUG, *PARTICIPANTS_QUERY],
                "responses": _answers(
                    200, "One page of people", "ParticipantPage", 400, 401, 403, 404, 422
                ),
            }
        },
        "/events/{slug}/scans": {
            "get": {
                "summary": "Scans recorded after a cursor, oldest first",
                "description": _CHECKPOINT_SCOPE + " Scan ids only grow: call again with "
                "`since` set to the answer's `next` to get each scan once. A scan undone "
                "after it was read is not sent again (see the undo's answer).",
                "parameters": [SLUG, *SCANS_QUERY],
                "responses": _answers(
                    200, "The scans and the next cursor", "ScanPage", 400, 401, 403, 404, 422
                ),
            }
        },
        "/events/{slug}/scans/{scan}/undo": {
            "post": {
                "summary": "Undo a mistaken scan: it no longer counts as an arrival",
                "description": _CHECKPOINT_SCOPE + " Needs a token that may write; the undo "
                "is recorded in the audit log.",
                "parameters": [
                    SLUG,
                    {"name": "scan", "in": "path", "required": True, "schema": {"type": "integer"}},
                ],
                "responses": _answers(
                    200, "The scan, now undone", "ScanRecord", 401, 403, 404, 409
                ),
            }
        },
        "/events/{slug}/participants/{participant}/admit": {
            "post": {
                "summary": "Check in a person found by name (badge forgotten) at a checkpoint",
                "description": _CHECKPOINT_SCOPE + " Needs a token that may write. Judged "
                "like the person's badge; approved people only.",
                "parameters": [SLUG, _PARTICIPANT],
                "requestBody": {
                    "required": True,
                    **_json(
                        {
                            "type": "object",
                            "required": ["checkpoint"],
                            "properties": {
                                "checkpoint": {"type": "string", "minLength": 1},
                                "client_scan_id": {"type": "string", "maxLength": 64},
                                "direction": {"enum": ["entry", "exit"]},
                            },
                        }
                    ),
                },
                "responses": _answers(
                    200, "The answer for the gate", "ScanAnswer", 400, 401, 403, 404, 422
                ),
            }
        },
        "/events/{slug}/participants/{participant}/photo": {
            "get": {
                "summary": "An approved person's photo, to compare with the face at the gate",
                "description": "For a token that scans at one of the event's checkpoints.",
                "parameters": [SLUG, _PARTICIPANT],
                "responses": {
                    "200": {
                        "description": "The photo as uploaded",
                        "content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}},
                    }
                }
                | {
                    k: v for k, v in _answers(200, "", "Error", 401, 403, 404).items() if k != "200"
                },
            }
        },
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
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "The browser session; changes also need the X-CSRFToken header.",
                },
            },
            "schemas": SCHEMAS,
        },
        "paths": paths() | gate_paths(),
    }
