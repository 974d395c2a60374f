"""The device judges a code from its roster by the same rules as the server: a matrix of
checkpoints x people x times x directions, judged by rules.judge (and the door's capacity,
as recording counts it) in Python and by gate-roster.js in Chromium, must agree (result,
reason, what the reason shows, and the places left)."""

from __future__ import annotations

from datetime import time, timedelta

from eventhub import ROOT
from eventhub.badges.issuing import badges_for, code_of
from eventhub.checkin import occupancy, offline, recording
from eventhub.checkin.models import Checkpoint, Direction
from eventhub.checkin.reading import read_known
from eventhub.checkin.rules import Gate, exits_here, judge, local_time, within_capacity
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.registration.models import Category, Participant, Status

# Not marked `browser`: no live server, only Chromium's JavaScript, and the tests' shared
# transaction for the data.


def test_device_and_server_judge_alike(app, make, event, page):
    now = utcnow().replace(microsecond=0)
    delegate = make.participant(event, given_name="Delegate")
    official = make.participant(event, given_name="Official", category=Category.OFFICIAL)
    media = make.participant(event, given_name="Media", category=Category.MEDIA)
    pending = make.participant(event, given_name="Pending", status=Status.PENDING)
    head = make.participant(event, given_name="Head")
    vip = make.participant(event, given_name="Minister", needs_attention=True)
    make.delegation(event, head_id=head.id)
    forum = make.activity(event, enrolled=[media, official])
    configs = {
        "open": {},
        "closed": {"active": False},
        "hours": {"opens_at": now - timedelta(hours=3), "closes_at": now - timedelta(minutes=30)},
        "categories": {"categories": "official,media"},
        "zone": {"zone": "V"},
        "enrolment": {"activity_id": forum.id, "enrolment_required": True},
        "reentry": {"reentry": True},
        # Daily hours that refuse at any time of day, early or late, and a usual day.
        "daily_early": {"daily_opens": time(23, 59, 59)},
        "daily_late": {"daily_closes": time(0, 0, 1)},
        "daily": {"daily_opens": time(8, 0), "daily_closes": time(18, 0)},
        "exit": {"direction": Direction.EXIT},
        "both": {"direction": Direction.BOTH},
        # The delegate's admission fills the one place; five leave four after the next.
        "full": {"capacity": 1},
        "capacity": {"capacity": 5},
    }
    times = [now - timedelta(hours=h) for h in (20, 5, 1)] + [now - timedelta(minutes=1)]
    cases, expected = [], []
    with app.app_context():
        stored_event = db.session.merge(event)
        people = [
            db.session.get(Participant, p.id)
            for p in (delegate, official, media, pending, head, vip)
        ]
        codes = {p.id: code_of(b) for p, b in zip(people, badges_for(people).values(), strict=True)}
        db.session.commit()
        rosters = {}
        for name, values in configs.items():
            checkpoint = Checkpoint(
                event_id=stored_event.id, slug=f"parity-{name}", name_en=name, **values
            )
            db.session.add(checkpoint)
            db.session.flush()
            gate = Gate.of(stored_event, checkpoint)
            # Admitted here 2 hours ago (before the door's hours, if any: the record is
            # made whatever the rules): the once-a-day rule applies the same day. At a door
            # with a capacity, a moment ago: inside today whatever the hour.
            ago = timedelta(seconds=30) if "capacity" in values else timedelta(hours=2)
            recording.record_scan(
                gate, codes[delegate.id], f"{name}-early", scanned_at=now - ago
            ) if name != "hours" else None
            db.session.flush()
            rosters[name] = offline.roster(gate)
            today = local_time(gate, now).date()
            for person in people:
                for when in times:
                    day = local_time(gate, when).date()
                    if gate.capacity is not None and day != today:
                        continue  # offline, a device knows only today's count inside
                    for way in ("entry", "exit") if gate.direction == "both" else (None,):
                        exit = exits_here(gate, way)
                        known = read_known(gate, codes[person.id], day)
                        answer = judge(gate, known, when, day, exit)
                        if gate.capacity is not None:
                            inside = occupancy.inside_now(gate.id, gate.timezone, day)
                            answer = within_capacity(gate, answer, inside)
                        expected.append(
                            [answer.result.value, answer.reason, answer.detail, answer.places_left]
                        )
                        cases.append([name, person.id, when.isoformat(), exit])
        db.session.rollback()
    script = (ROOT / "static" / "js" / "gate-roster.js").read_text()
    page.set_content("<!doctype html><title>parity</title>")
    page.add_script_tag(content=script)
    judged = page.evaluate(
        """([rosters, cases]) => cases.map(([name, id, when, exit]) => {
            const data = rosters[name];
            const person = data.people.find((p) => p.id === id);
            const v = GateRoster.decide(data, person, new Date(when), exit);
            const left = v.places_left === undefined ? null : v.places_left;
            return [v.result, v.reason, v.detail, left];
        })""",
        [rosters, cases],
    )
    mismatches = [
        (case, want, got)
        for case, want, got in zip(cases, expected, judged, strict=True)
        if want != got
    ]
    assert not mismatches, mismatches
    # The matrix holds every kind of answer.
    assert {e[1] for e in expected} >= {
        "admitted",
        "already",
        "not_approved",
        "inactive",
        "too_early",
        "too_late",
        "category",
        "zone",
        "not_enrolled",
        "daily_early",
        "daily_late",
        "attention",
        "exit",
        "full",
    }
    # And an admission with the places left in the room.
    assert any(e[3] == 3 for e in expected)
