from __future__ import annotations

from datetime import time

import pytest

from eventhub.extensions import db
from eventhub.scheduling.models import TravelTime


@pytest.fixture
def rooms(app, make, event):
    """A main venue with two rooms, and a campus 40 minutes away with one."""
    main = make.venue(
        event,
        name_en="Eco-Conference Center",
        on_site=True,
        opens_at=time(7, 30),
        closes_at=time(22, 0),
    )
    campus = make.venue(event, name_en="University Campus", on_site=False)
    hall = make.room(main, name_en="Hall 1", capacity=2)
    small = make.room(main, name_en="Meeting Room 1", capacity=60)
    auditorium = make.room(campus, name_en="Auditorium", capacity=300)
    with app.app_context():
        db.session.add(TravelTime(from_venue_id=main.id, to_venue_id=campus.id, minutes=40))
        db.session.commit()
    return {"hall": hall.id, "small": small.id, "auditorium": auditorium.id}


def activity_form(room_id, **values) -> dict:
    form = {
        "title_en": "Vocational Education Forum",
        "title_zh": "职业教育论坛",
        "type": "forum",
        "track": "Vocational education",
        "day": "2025-07-25",
        "start": "09:00",
        "end": "10:30",
        "room_id": str(room_id),
        "access": "registration",
        "state": "published",
        "duration_minutes": "90",
    }
    form.update(values)
    return form
