"""The proposal page and its button: a second click while meetings are being proposed is
refused with a message; the run's result shows what was scheduled and why a mutual pair was
not; the sessions page adds, changes and removes sessions with clear errors."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.matchmaking import tasks
from eventhub.matchmaking.models import MatchmakingSession

from ..conftest import run_held
from .solver_builders import profile, request, session


def test_a_second_click_while_proposing_is_refused(app, client, as_role, event, held_jobs):
    as_role("organiser")
    client.post(f"/events/{event.slug}/matchmaking/propose")
    html = client.post(f"/events/{event.slug}/matchmaking/propose", follow_redirects=True)
    assert "Meetings are being proposed" in html.get_data(as_text=True)
    assert [task for task, _args in held_jobs] == [tasks.propose_meetings]
    run_held(app, held_jobs)
    client.post(f"/events/{event.slug}/matchmaking/propose")
    assert [task for task, _args in held_jobs] == [tasks.propose_meetings]  # free again


def test_the_page_shows_the_meetings_and_why_a_pair_was_left_out(app, client, make, as_role, event):
    session(app, event, hours=1, tables=1)
    a, b, c, d = (profile(app, make, event) for _ in range(4))
    request(app, event, a, b, both=True)
    request(app, event, c, d, both=True)
    as_role("organiser")

    page = client.post(f"/events/{event.slug}/matchmaking/propose", follow_redirects=True)

    text = page.get_data(as_text=True)
    assert "Mutual pairs scheduled: 1 of 2" in text
    assert "tables full in their common free slots" in text
    with app.app_context():
        assert db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "matchmaking.propose")
        )


def test_organisers_add_and_remove_a_session_on_the_events_clock(app, client, as_role, event):
    as_role("organiser")
    url = f"/events/{event.slug}/matchmaking/sessions"
    form = {"day": "2025-07-25", "starts": "14:00", "ends": "17:00", "room_id": "", "tables": "12"}
    saved = client.post(url, data={**form, "slot_minutes": "20"}, follow_redirects=True)
    text = saved.get_data(as_text=True)
    assert "The session is saved." in text
    assert "14:00" in text and "17:00" in text  # listed on the event's clock
    with app.app_context():
        row = db.session.scalar(
            sa.select(MatchmakingSession).where(MatchmakingSession.event_id == event.id)
        )
        assert row.starts_at.hour == 6  # 14:00 in Guiyang
        session_id = row.id
    client.post(f"{url}/remove", data={"session_id": str(session_id)})
    with app.app_context():
        assert db.session.get(MatchmakingSession, session_id) is None


def test_a_session_outside_the_week_or_ending_first_is_refused_and_kept(client, as_role, event):
    as_role("organiser")
    url = f"/events/{event.slug}/matchmaking/sessions"
    form = {"day": "2025-08-30", "starts": "14:00", "ends": "17:00", "tables": "12"}
    page = client.post(url, data={**form, "slot_minutes": "20"}).get_data(as_text=True)
    assert "The day must be one of the event" in page
    assert 'value="2025-08-30"' in page
    form = {"day": "2025-07-25", "starts": "14:00", "ends": "13:00", "tables": "12"}
    page = client.post(url, data={**form, "slot_minutes": "20"}).get_data(as_text=True)
    assert "The session must end after it starts." in page


def test_garbage_ids_find_nothing(app, client, make, as_role, event):
    """A session id of another event, or no id at all, finds nothing and removes nothing."""
    elsewhere = make.event()
    theirs = session(app, elsewhere)
    as_role("organiser")
    url = f"/events/{event.slug}/matchmaking/sessions"
    assert client.get(f"{url}?session=abc").status_code == 404
    assert client.get(f"{url}?session={theirs}").status_code == 404
    for given in ("99999999999", str(theirs), ""):
        page = client.post(f"{url}/remove", data={"session_id": given}, follow_redirects=True)
        assert "There is no such matchmaking session in this event." in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(MatchmakingSession, theirs) is not None


def test_a_first_click_racing_another_first_click_is_refused_not_an_error(
    app, client, as_role, event, held_jobs, monkeypatch
):
    """Two first clicks at once: each looked before the other's row existed. The second to
    write is told meetings are being proposed (no 500, no second job)."""
    from eventhub.matchmaking import runs

    as_role("organiser")
    client.post(f"/events/{event.slug}/matchmaking/propose")  # the other click, committed
    monkeypatch.setattr(runs, "run_of", lambda *_args, **_kwargs: None)  # looked too early
    response = client.post(f"/events/{event.slug}/matchmaking/propose", follow_redirects=True)
    assert response.status_code == 200
    assert "Meetings are being proposed" in response.get_data(as_text=True)
    assert [task for task, _args in held_jobs] == [tasks.propose_meetings]


def test_a_failed_run_says_so_in_the_readers_words_not_the_programs(
    app, client, as_role, event, held_jobs, monkeypatch
):
    import pytest

    from eventhub.matchmaking import solver

    def broken(_event):
        raise RuntimeError("psycopg.errors.DeadlockDetected: deadlock on relation 16384")

    monkeypatch.setattr(solver, "propose", broken)
    as_role("organiser")
    client.post(f"/events/{event.slug}/matchmaking/propose")
    with pytest.raises(RuntimeError):
        run_held(app, held_jobs)
    page = client.get(f"/events/{event.slug}/matchmaking/propose").get_data(as_text=True)
    assert "DeadlockDetected" not in page and "16384" not in page
    assert "The last run failed" in page and "Try again" in page
    client.post(f"/events/{event.slug}/matchmaking/propose")  # and the button works again
    assert [task for task, _args in held_jobs] == [tasks.propose_meetings]


def test_a_second_session_in_the_same_room_at_the_same_time_is_refused(
    app, client, make, as_role, event
):
    """The trial saved 15:00-16:00 in the Grand Hall inside its 14:00-17:30 session."""
    as_role("organiser")
    room_id = make.room(make.venue(event), name_en="Grand Hall", capacity=300).id
    url = f"/events/{event.slug}/matchmaking/sessions"
    form = {"day": "2025-07-25", "room_id": str(room_id), "tables": "12", "slot_minutes": "20"}
    first = client.post(url, data={**form, "starts": "14:00", "ends": "17:30"})
    assert first.status_code == 302
    page = client.post(url, data={**form, "starts": "15:00", "ends": "16:00"}).get_data(
        as_text=True
    )
    assert "already holds a session from 14:00 to 17:30" in page
    assert 'value="15:00"' in page
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count()).where(MatchmakingSession.event_id == event.id)
        )
    assert count == 1
    # The next session in the room, after the first, is fine.
    later = client.post(url, data={**form, "starts": "17:30", "ends": "18:30"})
    assert later.status_code == 302


def test_a_time_typed_wrong_is_told_as_such_not_as_missing(client, as_role, event):
    from eventhub.scheduling.forms import CLOCK_INVALID

    as_role("organiser")
    url = f"/events/{event.slug}/matchmaking/sessions"
    form = {"day": "2025-07-25", "starts": "25:99", "ends": "17:00", "tables": "12"}
    page = client.post(url, data={**form, "slot_minutes": "20"}).get_data(as_text=True)
    assert str(CLOCK_INVALID) in page
    assert 'value="25:99"' in page
