"""A Chinese reader at the gate: check-in is 签到 (never hotel 入住), names in Chinese."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from babel.messages.pofile import read_po

from ..api.test_api import _token
from .conftest import _code

CATALOGUE = Path(__file__).parents[2] / "eventhub/translations/zh_Hans/LC_MESSAGES/messages.po"


def _scan(client, token, code, checkpoint="main-entrance", lang="zh-CN"):
    body = {"code": code, "checkpoint": checkpoint, "client_scan_id": str(uuid.uuid4())}
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": lang}
    return client.post("/api/v1/scans", json=body, headers=headers).get_json()


def test_a_chinese_reader_is_told_where_in_chinese(app, client, event, make, gate):
    delegation = make.delegation(event, name_en="Lao delegation", name_zh="老挝代表团")
    person = make.participant(event, delegation_id=delegation.id)
    code = _code(app, person.id)
    token = _token(app, event)
    first = _scan(client, token, code)
    assert first["result"] == "admitted"
    assert first["participant"]["delegation"] == "老挝代表团"
    again = _scan(client, token, code)
    assert again["result"] == "already_admitted"
    assert "主入口" in again["reason"] and "Main entrance" not in again["reason"]
    english = _scan(client, token, code, lang="en")
    assert "Main entrance" in english["reason"]
    assert english["participant"]["delegation"] == "Lao delegation"


def test_check_in_is_never_hotel_check_in_in_chinese():
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file, locale="zh_Hans")
    about_the_gate = [
        message
        for message in catalogue
        if message.id
        and any(
            word in str(message.id).lower()
            for word in ("check-in", "check in", "checked in", "scan", "checkpoint", "gate")
        )
    ]
    assert any(m.id == "Check-in" for m in about_the_gate)
    # The hotel desk's words say "hotel" (or "room"): only they may read 入住.
    hotel = [
        m.id
        for m in about_the_gate
        if "入住" in str(m.string) and not re.search(r"\b(hotel|room)\b", str(m.id).lower())
    ]
    assert hotel == []


def test_a_full_room_says_so_in_chinese(app, client, event, make):
    make.checkpoint(event, slug="forum", name_en="Forum 7", name_zh="第七论坛", capacity=1)
    token = _token(app, event)
    first, second = (_code(app, make.participant(event).id) for _n in range(2))
    assert _scan(client, token, first, checkpoint="forum")["places_left"] == 0
    full = _scan(client, token, second, checkpoint="forum")
    assert full["result"] == "denied"
    assert full["reason"] == "第七论坛已满：1 个座位均已占用。请等待有人离场。"  # names the door
