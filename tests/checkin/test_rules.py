"""The checkpoint rules of the day: daily hours, exits and who is inside, a door's capacity,
arrivals needing attention, and zones that badges carry."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventhub.checkin import occupancy, recording, rules
from eventhub.checkin.models import AttentionAlert, Checkpoint, ScanResult
from eventhub.extensions import db

from ..api.test_api import _token
from .conftest import _code


def _scan(client, token, code, checkpoint, **extra):
    body = {"code": code, "checkpoint": checkpoint, "client_scan_id": str(uuid.uuid4()), **extra}
    return client.post("/api/v1/scans", json=body, headers={"Authorization": f"Bearer {token}"})


def _last_local(event, hour: int) -> datetime:
    """The latest moment before now that was `hour`:00 in the event's zone (within a day)."""
    zone = ZoneInfo(event.timezone)
    now = datetime.now(UTC).astimezone(zone)
    moment = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return (moment if moment < now else moment - timedelta(days=1)).astimezone(UTC)


def test_daily_hours_refuse_before_opening_and_after_closing(app, event, make, gate):
    person = make.participant(event)
    with app.app_context():
        stored = db.session.merge(event)
        door = db.session.get(Checkpoint, gate)
        door.daily_opens, door.daily_closes = time(8, 0), time(18, 0)
        gate_ = rules.Gate.of(stored, door)
        holder = recording.holder_of(person.id)
        zone = ZoneInfo(event.timezone)

        def at(hour, minute=0):
            local = datetime(2025, 7, 25, hour, minute, tzinfo=zone)
            return rules.check_rules(gate_, holder, local.astimezone(UTC))

        early, morning, evening = at(7, 59), at(8, 0), at(18, 0)
        # Every day alike: the next day's morning is open too.
        next_day = rules.check_rules(
            gate_, holder, datetime(2025, 7, 26, 9, 0, tzinfo=zone).astimezone(UTC)
        )
        assert (early.result, early.text) == (
            ScanResult.DENIED,
            "Outside the daily hours: opens at 08:00 each day.",
        )
        assert morning.result == ScanResult.ADMITTED and next_day.result == ScanResult.ADMITTED
        assert evening.text == "Outside the daily hours: closed at 18:00 each day."
        db.session.rollback()


def test_the_scan_api_refuses_outside_the_daily_hours(app, client, event, make):
    make.checkpoint(event, slug="forum", name_en="Forum 7", daily_opens=time(8, 0))
    token = _token(app, event)
    code = _code(app, make.participant(event).id)
    at_five = _last_local(event, 5).isoformat()
    answer = _scan(client, token, code, "forum", scanned_at=at_five).get_json()
    assert answer["result"] == "denied"
    assert answer["reason"] == "Outside the daily hours: opens at 08:00 each day."


def test_a_full_room_refuses_entries_until_someone_leaves(app, client, event, make, as_role):
    make.checkpoint(
        event, slug="forum", name_en="Forum 7", reentry=True, direction="both", capacity=2
    )
    token = _token(app, event)
    first, second, third = (_code(app, make.participant(event).id) for _n in range(3))
    one = _scan(client, token, first, "forum").get_json()
    two = _scan(client, token, second, "forum").get_json()
    assert (one["result"], one["places_left"]) == ("admitted", 1)
    assert (two["result"], two["places_left"]) == ("admitted", 0)
    refused = _scan(client, token, third, "forum").get_json()
    assert refused["result"] == "denied"
    # The verdict names the door (staff may watch several).
    assert (
        refused["reason"] == "Forum 7 is full: all 2 places are taken. Wait for someone to leave."
    )
    left = _scan(client, token, first, "forum", direction="exit").get_json()
    assert (left["result"], left["reason"]) == ("exited", "Exit recorded. Goodbye.")
    assert _scan(client, token, third, "forum").get_json()["result"] == "admitted"
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/checkin/").get_data(as_text=True)
    assert "Inside now: 2 of 2 · 0 places left" in page


def test_exits_never_count_as_arrivals(app, client, event, make):
    from eventhub.checkin import attendance

    make.checkpoint(event, slug="hall-exit", name_en="Hall exit", direction="exit")
    token = _token(app, event)
    code = _code(app, make.participant(event).id)
    answer = _scan(client, token, code, "hall-exit").get_json()
    assert answer["result"] == "exited"
    with app.app_context():
        figures = attendance.arrivals(db.session.merge(event))
        assert figures.arrived == 0
        door = db.session.scalar(sa.select(Checkpoint).where(Checkpoint.slug == "hall-exit"))
        today = datetime.now(UTC).astimezone(ZoneInfo(event.timezone)).date()
        assert occupancy.inside_now(door.id, event.timezone, today) == 0


def test_an_entrance_refuses_an_exit_scan_with_a_reason(app, client, event, make, gate):
    token = _token(app, event)
    code = _code(app, make.participant(event).id)
    answer = _scan(client, token, code, "main-entrance", direction="exit")
    assert answer.status_code == 422
    assert answer.get_json()["field"] == "direction"
    assert "entries only" in answer.get_json()["message"]


def test_admitting_a_vip_alerts_protocol_staff(app, client, event, make, gate, as_role):
    vip = make.participant(event, family_name="PHOMVIHANE", given_name="Minister")
    as_role("organiser")
    flagged = client.post(
        f"/events/{event.slug}/checkin/attention/{vip.id}", data={"needs_attention": "1"}
    )
    assert flagged.status_code == 302
    token = _token(app, event)
    answer = _scan(client, token, _code(app, vip.id), "main-entrance").get_json()
    assert answer["result"] == "admitted" and answer["attention"] is True
    assert "Needs attention: protocol staff have been alerted." in answer["reason"]
    with app.app_context():
        waiting = occupancy.open_alerts(event.id)
        assert [a.participant.latin_name for a in waiting] == ["Minister PHOMVIHANE"]
        alert_id = waiting[0].id
    page = client.get(f"/events/{event.slug}/checkin/alerts").get_data(as_text=True)
    assert "Arrivals needing attention" in page and "Minister PHOMVIHANE" in page
    assert "Admitted at Main entrance" in page
    client.post(f"/events/{event.slug}/checkin/alerts/{alert_id}/acknowledge")
    with app.app_context():
        assert occupancy.open_alerts(event.id) == []
        assert db.session.get(AttentionAlert, alert_id).acknowledged_at is not None
    page = client.get(f"/events/{event.slug}/checkin/alerts").get_data(as_text=True)
    assert "No arrival is waiting for protocol staff." in page


def test_the_common_scan_counts_no_one_and_raises_no_alert(app, event, make, gate, monkeypatch):
    """A door without capacity, a holder not flagged: no extra query on the hot path."""

    def forbidden(*_args, **_kwargs):
        raise AssertionError("an extra query on the common path")

    monkeypatch.setattr(occupancy, "inside_now", forbidden)
    monkeypatch.setattr(occupancy, "raise_alert", forbidden)
    code = _code(app, make.participant(event).id)
    with app.app_context():
        stored, door = db.session.merge(event), db.session.get(Checkpoint, gate)
        answer = recording.record_scan(rules.Gate.of(stored, door), code, uuid.uuid4().hex)
        db.session.rollback()
    assert answer.result == ScanResult.ADMITTED and answer.places_left is None


def test_a_zone_no_badge_carries_is_refused_keeping_what_was_typed(client, as_role, event):
    as_role("organiser")
    url = f"/events/{event.slug}/checkin/checkpoints/new"
    form = {"name_en": "Lounge", "slug": "lounge", "zone": "Q", "capacity": "40"}
    page = client.post(url, data=form).get_data(as_text=True)
    assert re.search(r'id="zone-error">No badge carries zone Q\. Zones on this event', page)
    assert 'value="Q"' in page and 'value="Lounge"' in page and 'value="40"' in page
    hours = client.post(
        url, data={**form, "zone": "", "daily_opens": "18:00", "daily_closes": "08:00"}
    ).get_data(as_text=True)
    assert re.search(r'id="daily_closes-error">It must close after it opens\.<', hours)
    saved = client.post(
        url,
        data={
            **form,
            "zone": "V",
            "daily_opens": "08:00",
            "daily_closes": "18:00",
            "direction": "both",
        },
    )
    assert saved.status_code == 302


def test_an_exit_by_someone_not_inside_makes_no_room(app, client, event, make, as_role):
    """Exits by people never in, or out twice, each lowered "inside": two people were then
    admitted at a door for one, and the page said "Inside now: 0 of 1"."""
    make.checkpoint(
        event, slug="forum", name_en="Forum 7", reentry=True, direction="both", capacity=1
    )
    token = _token(app, event)
    inside, stranger, third = (_code(app, make.participant(event).id) for _n in range(3))
    never_in = _scan(client, token, stranger, "forum", direction="exit").get_json()
    assert never_in["result"] == "denied"
    assert never_in["reason"].startswith("Not recorded: this person is not inside Forum 7")
    assert _scan(client, token, inside, "forum").get_json()["result"] == "admitted"
    assert _scan(client, token, third, "forum").get_json()["result"] == "denied"  # full
    assert _scan(client, token, inside, "forum", direction="exit").get_json()["result"] == (
        "exited"
    )
    twice = _scan(client, token, inside, "forum", direction="exit").get_json()
    assert twice["result"] == "denied"  # out already
    assert _scan(client, token, third, "forum").get_json()["result"] == "admitted"
    refused = _scan(client, token, stranger, "forum").get_json()
    assert (refused["result"], refused["reason"]) == (
        "denied",
        "Forum 7 is full: its 1 place is taken. Wait for someone to leave.",
    )
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/checkin/").get_data(as_text=True)
    assert "Inside now: 1 of 1 · 0 places left" in page
    _scan(client, token, third, "forum", direction="exit")
    page = client.get(f"/events/{event.slug}/checkin/").get_data(as_text=True)
    assert "Inside now: 0 of 1 · 1 place left" in page  # not "1 places"
