"""The API refuses what its OpenAPI description refuses, with the same schemas: the drifts
found in the description (issue 17, item 17) each have a test here."""

from __future__ import annotations

from jsonschema import Draft202012Validator

from eventhub.api.openapi import openapi_document
from eventhub.registration.validation import REGISTRATION_FIELDS

from ..checkin.conftest import _code
from .test_api import _token


def _component(client, name: str) -> Draft202012Validator:
    """A validator of a schema of the description the API serves."""
    document = client.get("/api/v1/openapi.json").get_json()
    return Draft202012Validator({"$ref": f"#/components/schemas/{name}", **document})


def test_every_answer_of_a_batch_is_valid_against_its_schema(app, client, make, event):
    """Refused scans in a batch were answered with a body the description did not allow."""
    make.checkpoint(event, slug="main-entrance", name_en="Main")
    code = _code(app, make.participant(event).id)
    gate = {"checkpoint": "main-entrance"}
    scans = [
        {**gate, "code": code, "client_scan_id": "ok-1"},
        {**gate, "code": "", "client_scan_id": "empty-code"},
        {**gate, "code": code, "client_scan_id": {"not": "text"}},
        {**gate, "code": code},
        "not a scan",
    ]
    response = client.post(
        "/api/v1/scans/batch",
        json={"scans": scans},
        headers={"Authorization": f"Bearer {_token(app, event)}"},
    )
    answers = response.get_json()["answers"]
    assert [a["status"] for a in answers] == [200, 422, 422, 422, 400]
    assert [a["client_scan_id"] for a in answers] == ["ok-1", "empty-code", None, None, None]
    schema = _component(client, "BatchAnswers")
    assert list(schema.iter_errors(response.get_json())) == []


def test_an_empty_code_is_refused_by_the_rule_the_description_states(app, client, event):
    """The description let `code` be empty while the API refused it."""
    scan_schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["Scan"]
    assert scan_schema["properties"]["code"]["minLength"] == 1
    headers = {"Authorization": f"Bearer {_token(app, event)}"}
    for blank in ("", "   "):
        body = {"code": blank, "checkpoint": "main-entrance", "client_scan_id": "c-1"}
        assert list(_component(client, "Scan").iter_errors(body)), blank
        response = client.post("/api/v1/scans", json=body, headers=headers)
        assert response.status_code == 422, blank
        assert response.get_json()["field"] == "code"
        assert response.get_json()["errors"]["code"]


def test_room_must_be_a_whole_number(app, client, make, event):
    """`?room=null` listed every activity as though no room were asked for."""
    headers = {"Authorization": f"Bearer {_token(app, event)}"}
    url = f"/api/v1/events/{event.slug}/activities"
    for text in ("null", "abc", "1.5", "١"):
        response = client.get(url, query_string={"room": text}, headers=headers)
        assert response.status_code == 400, text
        answer = response.get_json()
        assert answer["status"] == 400 and answer["message"] and answer["errors"]["room"]
    assert client.get(url, query_string={"room": "7"}, headers=headers).status_code == 200
    assert client.get(url, query_string={"room": "0"}, headers=headers).status_code == 422


def test_the_description_lists_exactly_the_registration_fields(client):
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert set(schema["Registration"]["properties"]) == REGISTRATION_FIELDS | {"consents"}


def test_a_registration_with_the_wrong_types_is_refused_field_by_field(app, client, event):
    response = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json={"given_name": ["A"], "category": 3, "visa_letter_requested": {}},
        headers={"Authorization": f"Bearer {_token(app, event, 'organiser')}"},
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert {"given_name", "category", "visa_letter_requested", "email", "country"} <= set(errors)
    assert list(_component(client, "Error").iter_errors(response.get_json())) == []


def test_the_served_description_is_the_one_built_from_the_schemas(client):
    assert client.get("/api/v1/openapi.json").get_json() == openapi_document()
