"""The check the issue names: the demo week's badges, printed and read back from the PDF, let
their holders in at the demo's main entrance through the API, once."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.registration.models import Delegation, Participant, Status

from ..badges.test_badges import _decode_pdf


def test_printed_demo_badges_open_the_main_entrance_once(app, client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    tokens = [  # two gate phones: each stays under its own rate limit (50 scans a second)
        runner.invoke(
            args=[
                "create-token",
                "--role",
                "staff",
                "--event",
                "caecw-2025",
                "--label",
                gate,
                "--all-checkpoints",
            ]
        ).stdout.strip()
        for gate in ("Gate A", "Gate B")
    ]
    with app.app_context():
        lao = db.session.scalar(
            sa.select(Delegation).where(Delegation.name_en == "Lao PDR national delegation")
        )
        members = set(
            db.session.scalars(
                sa.select(Participant.id).where(
                    Participant.delegation_id == lao.id, Participant.status == Status.APPROVED
                )
            )
        )
        lao_id = lao.id
    # The head of the Lao delegation prints the delegation's badges (A4 sheets).
    client.post(
        "/auth/login", data={"email": "head.la@caecw.example", "password": "demo-head-2025"}
    )
    pdf = client.get(f"/events/caecw-2025/delegations/{lao_id}/badges.pdf")
    assert pdf.status_code == 200, pdf.get_data(as_text=True)
    printed = _decode_pdf(pdf.data, 200)
    assert len(printed) == len(members) >= 2

    def scan(code: str, token: str) -> dict:
        body = {"code": code, "checkpoint": "main-entrance", "client_scan_id": str(uuid.uuid4())}
        headers = {"Authorization": f"Bearer {token}"}
        response = client.post("/api/v1/scans", json=body, headers=headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    first = [scan(code, tokens[n % 2]) for n, code in enumerate(printed)]
    assert {a["result"] for a in first} == {"admitted"}
    assert sorted(a["participant"]["id"] for a in first) == sorted(members)  # each once
    assert {a["participant"]["delegation"] for a in first} == {"Lao PDR national delegation"}
    again = scan(printed[0], tokens[1])  # admitted at gate A, shown again at gate B
    assert again["result"] == "already_admitted"
    assert "Main entrance" in again["reason"] and "(Gate A)" in again["reason"]
