"""The gate's roster travels small: gzipped, 304 when unchanged, and a delta of the
admissions made since the device's version; rules are judged on the device at scan time."""

from __future__ import annotations

import gzip
import json
import uuid

from ..api.test_api import _token
from .conftest import _code

URL = "/api/v1/checkpoints/main-entrance/roster"


def test_roster_is_gzipped_tagged_and_sent_as_deltas(app, client, event, make, gate):
    people = [make.participant(event, given_name=f"Person {n}") for n in range(12)]
    codes = [_code(app, person.id) for person in people]
    token = _token(app, event)
    auth = {"Authorization": f"Bearer {token}"}

    full = client.get(URL, headers={**auth, "Accept-Encoding": "gzip"})
    assert full.headers["Content-Encoding"] == "gzip"
    data = json.loads(gzip.decompress(full.get_data()))
    assert not data["delta"] and len(data["people"]) == 12
    # The rules travel, not verdicts frozen at fetch time.
    assert "result" not in data["people"][0] and data["rules"]["timezone"]
    version = data["version"]
    assert full.headers["ETag"] == f'"{version}"'

    unchanged = client.get(URL, headers={**auth, "If-None-Match": f'"{version}"'})
    assert unchanged.status_code == 304 and not unchanged.get_data()

    # Another gate admits three people: the device gets only those admissions.
    for code in codes[:3]:
        body = {"code": code, "checkpoint": "main-entrance", "client_scan_id": str(uuid.uuid4())}
        assert client.post("/api/v1/scans", json=body, headers=auth).get_json()["result"] == (
            "admitted"
        )
    delta = client.get(
        f"{URL}?since={version}", headers={**auth, "If-None-Match": f'"{version}"'}
    ).get_json()
    assert delta["delta"] and "people" not in delta
    assert sorted(row[0] for row in delta["admissions"]) == sorted(p.id for p in people[:3])
    assert delta["version"] != version
    again = client.get(f"{URL}?since={delta['version']}", headers=auth).get_json()
    assert again["delta"] and again["admissions"] == []

    # A new person changes the people: the whole roster again.
    _code(app, make.participant(event, given_name="Late").id)
    whole = client.get(f"{URL}?since={delta['version']}", headers=auth).get_json()
    assert not whole["delta"] and len(whole["people"]) == 13 and len(whole["admissions"]) == 3
    # A version from nowhere: the whole roster.
    assert not client.get(f"{URL}?since=garbage.7", headers=auth).get_json()["delta"]


def test_the_pages_roster_is_tagged_too(client, as_role, app, event, make, gate):
    as_role("organiser")
    _code(app, make.participant(event).id)
    url = f"/events/{event.slug}/checkin/main-entrance/roster.json"
    first = client.get(url, headers={"Accept": "application/json"})
    assert first.status_code == 200 and first.get_json()["people"]
    tag = first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": tag}).status_code == 304
