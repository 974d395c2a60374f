"""API tokens carry scopes: the checkpoints they scan at and read, and read or write."""

from __future__ import annotations

import re

import sqlalchemy as sa

from eventhub.auth.models import ApiToken
from eventhub.extensions import db

from ..checkin.conftest import _code


def _issue(client, event, **form) -> str:
    page = client.post(f"/events/{event.slug}/tokens", data={"label": "Gate B phone 3", **form})
    found = re.search(r"(ehk_[\w-]+)", page.get_data(as_text=True))
    assert found, page.get_data(as_text=True)[:3000]
    return found.group(1)


def _gates(make, event):
    main = make.checkpoint(event, slug="main-entrance", name_en="Main entrance")
    vip = make.checkpoint(event, slug="vip-lounge", name_en="VIP lounge")
    return main, vip


def test_a_gate_token_scans_and_reads_only_at_its_checkpoints(app, client, make, event, as_role):
    main, vip = _gates(make, event)
    person = make.participant(event, status="approved")
    as_role("organiser")
    token = _issue(client, event, role="staff", checkpoints=[str(main.id)])
    headers = {"Authorization": f"Bearer {token}"}
    code = _code(app, person.id)

    at_main = client.post(
        "/api/v1/scans",
        json={"code": code, "checkpoint": "main-entrance", "client_scan_id": "a"},
        headers=headers,
    )
    assert at_main.status_code == 200
    at_vip = client.post(
        "/api/v1/scans",
        json={"code": code, "checkpoint": "vip-lounge", "client_scan_id": "b"},
        headers=headers,
    )
    assert at_vip.status_code == 403
    assert at_vip.get_json()["message"]
    batch = client.post(
        "/api/v1/scans/batch",
        json={"scans": [{"code": code, "checkpoint": "vip-lounge", "client_scan_id": "c"}]},
        headers=headers,
    )
    assert batch.get_json()["answers"][0]["status"] == 403

    assert (
        client.get("/api/v1/checkpoints/main-entrance/roster", headers=headers).status_code == 200
    )
    vip_roster = client.get("/api/v1/checkpoints/vip-lounge/roster", headers=headers)
    assert vip_roster.status_code == 403
    assert "entries" not in vip_roster.get_json()


def test_a_read_only_token_reads_the_roster_but_never_scans(app, client, make, event, as_role):
    main, _vip = _gates(make, event)
    person = make.participant(event, status="approved")
    as_role("organiser")
    token = _issue(client, event, role="staff", all_checkpoints="1", access="read")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/checkpoints/vip-lounge/roster", headers=headers).status_code == 200
    scan = client.post(
        "/api/v1/scans",
        json={"code": _code(app, person.id), "checkpoint": "main-entrance", "client_scan_id": "a"},
        headers=headers,
    )
    assert scan.status_code == 403
    assert scan.get_json()["message"]


def test_a_staff_token_needs_its_checkpoints_chosen(client, make, event, as_role):
    _gates(make, event)
    as_role("organiser")
    page = client.post(
        f"/events/{event.slug}/tokens", data={"label": "Gate B phone 3", "role": "staff"}
    ).get_data(as_text=True)
    assert "ehk_" not in page
    assert "Choose the checkpoints this device scans at" in page


def test_a_token_cannot_be_limited_to_another_events_checkpoint(app, client, make, event, as_role):
    other = make.checkpoint(make.event(), slug="elsewhere")
    as_role("organiser")
    page = client.post(
        f"/events/{event.slug}/tokens",
        data={"label": "Gate B phone 3", "role": "staff", "checkpoints": str(other.id)},
    ).get_data(as_text=True)
    assert "ehk_" not in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_the_token_list_shows_each_tokens_scope(client, make, event, as_role):
    main, _vip = _gates(make, event)
    as_role("organiser")
    _issue(client, event, role="staff", checkpoints=[str(main.id)], access="read")
    page = client.get(f"/events/{event.slug}/tokens").get_data(as_text=True)
    row = re.search(r"Gate B phone 3</td>.*?</tr>", page, re.S).group(0)
    assert "Main entrance" in row and "Read only" in row and "VIP lounge" not in row


def test_create_token_on_the_command_line_takes_checkpoints_and_read_only(app, client, make, event):
    _gates(make, event)
    result = app.test_cli_runner().invoke(
        args=[
            "create-token",
            "--role",
            "staff",
            "--event",
            event.slug,
            "--checkpoint",
            "main-entrance",
            "--read-only",
        ]
    )
    assert result.exit_code == 0, result.output
    headers = {"Authorization": f"Bearer {result.stdout.strip().splitlines()[0]}"}
    assert (
        client.get("/api/v1/checkpoints/main-entrance/roster", headers=headers).status_code == 200
    )
    assert client.get("/api/v1/checkpoints/vip-lounge/roster", headers=headers).status_code == 403
    unknown = app.test_cli_runner().invoke(
        args=["create-token", "--role", "staff", "--event", event.slug, "--checkpoint", "nowhere"]
    )
    assert unknown.exit_code != 0


def test_a_revoked_tokens_device_is_told_to_wipe_an_unknown_one_is_not(
    app, client, make, event, as_role
):
    main, _vip = _gates(make, event)
    as_role("organiser")
    token = _issue(client, event, role="staff", checkpoints=[str(main.id)])
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    client.post(f"/events/{event.slug}/tokens/{token_id}/revoke")
    roster = "/api/v1/checkpoints/main-entrance/roster"
    revoked = client.get(roster, headers={"Authorization": f"Bearer {token}"})
    assert revoked.status_code == 401 and revoked.get_json()["wipe"] is True
    unknown = client.get(roster, headers={"Authorization": "Bearer ehk_not-a-token"})
    assert unknown.status_code == 401 and unknown.get_json()["wipe"] is False
