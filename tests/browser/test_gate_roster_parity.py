"""The device judges a code from its roster by the same rules as the server: a matrix of
checkpoints x people x times, judged by rules.judge in Python and by gate-roster.js in
Chromium, must agree (result, reason and what the reason shows)."""

from __future__ import annotations

from datetime import timedelta

from eventhub import ROOT
from eventhub.badges.issuing import badges_for, code_of
from eventhub.checkin import offline, recording
from eventhub.checkin.models import Checkpoint
from eventhub.checkin.reading import read_known
from eventhub.checkin.rules import Gate, judge, local_time
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
    }
    times = [now - timedelta(hours=h) for h in (20, 5, 1)] + [now - timedelta(minutes=1)]
    cases, expected = [], []
    with app.app_context():
        stored_event = db.session.merge(event)
        people = [
            db.session.get(Participant, p.id) for p in (delegate, official, media, pending, head)
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
            # made whatever the rules): the once-a-day rule applies the same day.
            recording.record_scan(
                gate, codes[delegate.id], f"{name}-early", scanned_at=now - timedelta(hours=2)
            ) if name != "hours" else None
            db.session.flush()
            rosters[name] = offline.roster(gate)
            for person in people:
                for when in times:
                    day = local_time(gate, when).date()
                    answer = judge(gate, read_known(gate, codes[person.id], day), when, day)
                    expected.append([answer.result.value, answer.reason, answer.detail])
                    cases.append([name, person.id, when.isoformat()])
        db.session.rollback()
    script = (ROOT / "static" / "js" / "gate-roster.js").read_text()
    page.set_content("<!doctype html><title>parity</title>")
    page.add_script_tag(content=script)
    judged = page.evaluate(
        """([rosters, cases]) => cases.map(([name, id, when]) => {
            const data = rosters[name];
            const person = data.people.find((p) => p.id === id);
            const v = GateRoster.decide(data, person, new Date(when));
            return [v.result, v.reason, v.detail];
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
    }
