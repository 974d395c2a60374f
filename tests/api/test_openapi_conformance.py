"""The API answers as its OpenAPI description says (schemathesis, in-process over WSGI, a
fixed and derandomized budget): no 5xx, only documented status codes, and every body,
errors and batch items included, valid against its documented schema."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from eventhub.api.openapi import openapi_document
from eventhub.extensions import limiter
from eventhub.scheduling.models import Access, ActivityState

from ..checkin.conftest import _code
from .test_api import _token

# (negative_data_rejection is left out: the scans rewritten below into real ones are no
# longer the negative cases it expects; the refusals have their own tests.)
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


# The document /api/v1/openapi.json serves; requests go to the app in-process (WSGI).
OPERATIONS = [
    result.ok()
    for result in schemathesis.openapi.from_dict(openapi_document()).get_all_operations()
]


@pytest.fixture
def week(app, make):
    """A demo-like week: badge holders (one of them in a delegation), a gate, a published
    activity in a room, and an organiser's token; returns (slug, token, badge codes)."""
    event = make.event(slug="conformance-week")
    delegation = make.delegation(event)
    people = [make.participant(event), make.participant(event, delegation_id=delegation.id)]
    make.participant(event, native_name=None)
    make.checkpoint(event, slug="main-entrance", name_en="Main")
    venue = make.venue(event, name_en="Hall")
    room = make.room(venue, name_en="Room 1", capacity=50)
    make.activity(
        event,
        room_id=room.id,
        access=Access.REGISTRATION,
        state=ActivityState.PUBLISHED,
        starts_at=datetime(2025, 7, 25, 1, 0, tzinfo=UTC),
        ends_at=datetime(2025, 7, 25, 2, 0, tzinfo=UTC),
    )
    codes = [_code(app, person.id) for person in people]
    return event.slug, _token(app, event, role="organiser"), codes


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda mode: mode.value)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method.upper()} {op.path}")
def test_api_conforms_to_its_description(app, week, operation, mode):
    slug, token, codes = week
    limiter.enabled = False  # 429s would hide the answers under test

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=15,
        derandomize=True,  # the same requests on every run: a stable CI
        deadline=None,  # speed is measured in bench/, not here
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        if "slug" in (case.path_parameters or {}):
            case.path_parameters["slug"] = slug  # past the 404, into the rules
        if "checkpoint" in (case.path_parameters or {}):
            case.path_parameters["checkpoint"] = "main-entrance"
        _use_real_badges(case.body, codes)
        # identity: the WSGI client does not unzip what the roster gzips for real devices.
        headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
        case.call_and_validate(app=app, headers=headers, checks=CHECKS)

    try:
        check()
    finally:
        limiter.enabled = True


def _use_real_badges(body, codes: list[str]) -> None:
    """Generated texts rarely make a scan a gate would judge: most generated scans get a
    real badge (or a real badge's repeat) at the real gate, and a batch always holds an
    admission, a refused scan and a non-object besides its generated ones, so that every
    kind of answer is checked against its schema."""
    scans = body.get("scans") if isinstance(body, dict) else None
    if isinstance(scans, list):
        scans += [
            {"code": codes[0], "checkpoint": "main-entrance", "client_scan_id": "batch-1"},
            {"code": "", "checkpoint": "main-entrance", "client_scan_id": "batch-2"},
            {"code": codes[1], "checkpoint": "main-entrance", "client_scan_id": 3},
            "not a scan",
        ]
    for number, item in enumerate([body, *(scans if isinstance(scans, list) else [])]):
        if isinstance(item, dict) and isinstance(item.get("code"), str) and item["code"]:
            item["checkpoint"] = "main-entrance"
            item["client_scan_id"] = f"generated-{number % 4}"
            item["code"] = codes[len(item["code"]) % len(codes)]
