"""The Plan button clicked twice plans once: while a plan is being made, a second click is
refused with a message; the planner and hand edits take the event's transport lock."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.transport import plan_calendar, tasks
from eventhub.transport.models import TransportSettings

from ..conftest import run_held


def test_a_second_click_while_planning_is_refused(app, client, as_role, event, held_jobs):
    as_role("organiser")
    client.post(f"/events/{event.slug}/transport/plan")
    html = client.post(f"/events/{event.slug}/transport/plan", follow_redirects=True)
    assert "A plan is being made" in html.get_data(as_text=True)
    assert [task for task, _args in held_jobs] == [tasks.plan_transport]
    run_held(app, held_jobs)
    client.post(f"/events/{event.slug}/transport/plan")
    assert [task for task, _args in held_jobs] == [tasks.plan_transport]  # free again


def test_the_lock_takes_the_settings_row_creating_it(app, event):
    with app.app_context():
        found = plan_calendar.lock_event(event.id)
        assert found.event_id == event.id
        assert db.session.scalar(
            sa.select(TransportSettings.event_id).where(TransportSettings.event_id == event.id)
        )
        assert db.session.get(Event, event.id) is not None
