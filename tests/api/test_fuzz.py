"""The JSON API driven from its own OpenAPI description with generated requests
(schemathesis and hypothesis): whatever arrives, the answer is never a 5xx, and a refusal
is JSON with a reason."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from eventhub.api.openapi import openapi_document
from eventhub.extensions import limiter

from .test_api import _token

OPERATIONS = [
    result.ok()
    for result in schemathesis.openapi.from_dict(openapi_document()).get_all_operations()
]


@pytest.fixture
def organiser_token(app, make):
    """An organiser's token for a week with a gate, one slug the generator may hit."""
    event = make.event(slug="fuzz-week")
    make.participant(event)
    make.checkpoint(event, slug="main-entrance", name_en="Main")
    return _token(app, event, role="organiser")


def _make_real(body) -> None:
    scans = body.get("scans") if isinstance(body, dict) else None
    for item in [body, *(scans if isinstance(scans, list) else [])]:
        if isinstance(item, dict):
            item.update(checkpoint="main-entrance", client_scan_id=str(uuid.uuid4()))


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda mode: mode.value)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method.upper()} {op.path}")
def test_no_generated_request_gets_a_server_error(app, client, organiser_token, operation, mode):
    """Requests as described (positive) and requests that break the description (negative:
    wrong types, missing fields, values out of range)."""
    limiter.enabled = False  # a device's 50 scans a second would end most runs in 429s

    @given(case=operation.as_strategy(generation_mode=mode), real=st.booleans())
    @settings(
        max_examples=60,
        deadline=None,  # shared CI machines: speed is measured in bench/, not here
        # One database transaction holds all of an operation's examples, rolled back after.
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,  # nothing written beside the tests
    )
    def check(case, real):
        if "slug" in (case.path_parameters or {}):
            case.path_parameters["slug"] = "fuzz-week"  # past the 404, into the rules
        sent = case.as_transport_kwargs(base_url="http://eventhub.test/api/v1")
        if real:  # half the time a real gate and a fresh scan id, the rest still generated
            _make_real(sent.get("json"))
        headers = {**sent["headers"], "Authorization": f"Bearer {organiser_token}"}
        body = {"json": sent["json"]} if "json" in sent else {"data": sent.get("data")}
        response = client.open(
            urlsplit(sent["url"]).path,
            method=sent["method"],
            headers=headers,
            query_string=sent.get("params") or {},
            **body,
        )
        where = (case.method, case.formatted_path, sent.get("json"))
        assert response.status_code < 500, (*where, response.get_data(as_text=True)[:500])
        if response.status_code >= 400:
            answer = response.get_json()
            assert answer and answer["message"] and answer["status"] == response.status_code, (
                *where,
                answer,
            )

    check()
