"""A guest's hotel changed in rooming: their rides are re-planned by a job."""

from __future__ import annotations

from eventhub import jobs
from eventhub.accommodation.signals import stay_changed
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.transport import tasks


def test_a_changed_stay_hands_each_guest_to_the_replan_job(app, event, held_jobs):
    with app.app_context():
        stay_changed.send(db.session.get(Event, event.id), participant_ids=[7, 9])
        jobs.commit()
    assert [(task, args) for task, args in held_jobs] == [
        (tasks.replan_travel, (7,)),
        (tasks.replan_travel, (9,)),
    ]
