"""The order of precedence: each event's own ladder of protocol ranks, and who holds which."""

from __future__ import annotations

import re

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.registration import precedence
from eventhub.registration.models import Participant, ProtocolRank


def _ladder_form(page: str) -> dict[str, str]:
    """The ladder page's fields as the browser would send them back unchanged."""
    data = dict(re.findall(r'name="((?:level|label_en|label_zh|was)-\d+)" value="([^"]*)"', page))
    data.update(dict.fromkeys(re.findall(r'name="(vip-\d+)" value="1" checked', page), "1"))
    return data


def _levels(app, *ids):
    with app.app_context():
        return [db.session.get(Participant, i).protocol_rank for i in ids]


def test_organiser_inserts_a_rank_and_the_holders_follow_their_ranks(
    client, as_role, app, event, make
):
    ambassador = make.participant(event, family_name="AMBASSADOR", protocol_rank=3)
    governor = make.participant(event, family_name="GOVERNOR", protocol_rank=4)
    as_role("organiser")
    url = f"/events/{event.slug}/protocol-ranks"
    page = client.get(url).get_data(as_text=True)
    assert "Ambassador or vice-minister" in page and "大使或副部长" in page
    data = _ladder_form(page)
    # A new rank between ambassadors and provincial leaders: levels 4..6 move down by one.
    for index in (3, 4, 5):
        data[f"level-{index}"] = str(index + 2)
    data.update({"level-6": "4", "label_en-6": "Chargé d'affaires", "label_zh-6": "临时代办"})
    data["label_en-2"] = "Ambassador"
    response = client.post(url, data=data, follow_redirects=True)
    assert "The order of precedence has been saved." in response.get_data(as_text=True)
    assert _levels(app, ambassador.id, governor.id) == [3, 5]
    with app.app_context():
        stored = db.session.merge(event)
        labels = [(r.level, r.label_en) for r in precedence.ladder(stored)]
        assert labels[2:5] == [
            (3, "Ambassador"),
            (4, "Chargé d'affaires"),
            (5, "Provincial leader or director-general"),
        ]
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "protocol_ranks.update")
        )
        assert entry.changes["moved"][1] == "4 → 5, 5 → 6, 6 → 7"
    # The participants list names the rank in the event's own words.
    listing = client.get(f"/events/{event.slug}/participants/?sort=precedence").get_data(
        as_text=True
    )
    assert "3 · Ambassador" in listing and "5 · Provincial leader" in listing


def test_a_wrong_ladder_is_refused_row_by_row_and_keeps_what_was_typed(
    client, as_role, app, event, make
):
    minister = make.participant(event, family_name="MINISTER", protocol_rank=2)
    as_role("organiser")
    url = f"/events/{event.slug}/protocol-ranks"
    data = _ladder_form(client.get(url).get_data(as_text=True))
    data["remove-1"] = "1"  # the minister's rank
    data["level-2"] = "1"  # the same level as row 1
    data["label_zh-3"] = ""
    data.update({"level-6": "seven", "label_en-6": "Consul-general", "label_zh-6": "总领事"})
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 participants hold this rank; give them another one first." in page
    assert "Level 1 is given to two ranks." in page
    assert "In Chinese: required." in page
    assert "Level: a whole number from 1 (most senior) to 99." in page
    assert 'value="Consul-general"' in page and 'value="seven"' in page
    with app.app_context():  # all or nothing: the default ladder is still unsaved
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ProtocolRank)) == 0
    assert _levels(app, minister.id) == [2]


def test_vips_follow_the_ladder_and_a_rank_is_set_from_the_participant_page(
    client, as_role, app, event, make
):
    rector = make.participant(event, family_name="RECTOR", given_name="A")
    make.participant(event, family_name="MINISTER", given_name="B", protocol_rank=2)
    as_role("organiser")
    detail = f"/events/{event.slug}/participants/{rector.id}"
    assert "No protocol rank" in client.get(detail).get_data(as_text=True)
    response = client.post(f"{detail}/protocol-rank", data={"level": "5"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Protocol rank set." in page
    assert "University president or chief executive" in page
    assert re.search(r"Protocol rank: — → 5", page)  # in the history
    refused = client.post(f"{detail}/protocol-rank", data={"level": "42"}, follow_redirects=True)
    assert "Choose a rank of this event&#39;s order of precedence." in refused.get_data(
        as_text=True
    )
    assert _levels(app, rector.id) == [5]
    vips = client.get(f"/events/{event.slug}/participants/?precedence=vip").get_data(as_text=True)
    assert "B MINISTER" in vips and "A RECTOR" not in vips

    # Rank 5 becomes a VIP rank: the rector now counts among the VIPs.
    url = f"/events/{event.slug}/protocol-ranks"
    data = _ladder_form(client.get(url).get_data(as_text=True))
    data["vip-4"] = "1"
    client.post(url, data=data)
    vips = client.get(f"/events/{event.slug}/participants/?precedence=vip").get_data(as_text=True)
    assert "B MINISTER" in vips and "A RECTOR" in vips


def test_only_organisers_touch_the_order_of_precedence(client, as_role, event, make):
    person = make.participant(event)
    as_role("staff")
    assert client.get(f"/events/{event.slug}/protocol-ranks").status_code == 403
    response = client.post(
        f"/events/{event.slug}/participants/{person.id}/protocol-rank", data={"level": "1"}
    )
    assert response.status_code == 403


def test_a_ladder_form_missing_ranks_removes_nothing(client, as_role, app, event, make):
    holder = make.participant(event, protocol_rank=4)
    as_role("organiser")
    url = f"/events/{event.slug}/protocol-ranks"
    data = {
        k: v
        for k, v in _ladder_form(client.get(url).get_data(as_text=True)).items()
        if k.endswith("-0")
    }  # only the first rank came back
    response = client.post(url, data=data, follow_redirects=True)
    assert "The page was out of date" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ProtocolRank)) == 0
    assert _levels(app, holder.id) == [4]
