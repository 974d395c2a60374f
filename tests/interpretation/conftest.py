"""A day of the exchange week with two venues 20 minutes apart, and interpreters."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from eventhub.extensions import db
from eventhub.interpretation.models import InterpretationSetup, Interpreter
from eventhub.scheduling.models import TravelTime

ZONE = ZoneInfo("Asia/Shanghai")


def at(hhmm: str, day: str = "2025-07-24") -> datetime:
    """A local time of the event's day, as the aware UTC moment stored."""
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=ZONE).astimezone(UTC)


@pytest.fixture
def place(app, make, event):
    """The conference centre (its hall has booths) and a campus 20 minutes away."""
    centre = make.venue(event, name_en="Eco-Conference Center")
    campus = make.venue(event, name_en="University Campus", on_site=False)
    hall = make.room(centre, name_en="Plenary Hall", capacity=500, equipment="interpretation")
    forum_room = make.room(campus, name_en="Forum Room B", capacity=80)
    with app.app_context():
        db.session.add(TravelTime(from_venue_id=centre.id, to_venue_id=campus.id, minutes=20))
        db.session.commit()
    return {"hall": hall, "forum": forum_room}


def set_up(app, activity, floor="zh", channels="vi", booths=1, mode="simultaneous"):
    with app.app_context():
        db.session.add(
            InterpretationSetup(
                activity_id=activity.id,
                event_id=activity.event_id,
                floor_languages=floor,
                channels=channels,
                booths=booths,
                mode=mode,
            )
        )
        db.session.commit()


def interpreter(app, event, name="Nguyen Thi Lan", languages="vi,zh,en", **more):
    with app.app_context():
        person = Interpreter(event_id=event.id, name=name, languages=languages, **more)
        db.session.add(person)
        db.session.commit()
        return person
