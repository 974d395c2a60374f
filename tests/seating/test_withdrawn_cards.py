"""A printed place card whose guest cancels stays on its table until someone takes it off:
the cards page lists it (name as printed, table, seat, since) until "Collected". Only cards
that were printed are listed; the name goes when the person is erased."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from eventhub import jobs
from eventhub.audit.models import AuditEntry
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.privacy import persons
from eventhub.registration import lists
from eventhub.registration.models import Participant, Status
from eventhub.seating import plans, reflow, tables
from eventhub.seating.models import SeatAssignment, SeatingPlan, WithdrawnCard

from ..conftest import run_held
from .world import banquet


def _world(app, make, event, as_role, *, printed=True):
    world = banquet(app, make, event)
    user = as_role("organiser")
    with app.app_context():
        plan = db.session.get(SeatingPlan, world.plan_id)
        reflow.propose(plan)
        if printed:
            for row in plans.places_of(plan):
                row.card_printed_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
    return world, user


def _place(app, world, key) -> tuple[int, int]:
    with app.app_context():
        row = db.session.scalar(
            sa.select(SeatAssignment).filter_by(
                plan_id=world.plan_id, participant_id=world.ids[key]
            )
        )
        return row.table.number, row.seat


def _withdraw(app, world, user, key, held_jobs):
    with app.app_context():
        lists.change_status(
            [db.session.get(Participant, world.ids[key])],
            Status.WITHDRAWN,
            actor=user,
            reason="ill",
        )
        jobs.commit()
    run_held(app, held_jobs)


def _page(client, event, world) -> str:
    response = client.get(f"/events/{event.slug}/seating/{world.plan_id}/cards")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _section(page: str) -> str:
    """The 'Cards to take off the tables' section, or '' when the page has none."""
    start = page.find('id="cards-withdrawn"')
    return page[start : page.find("</section>", start)] if start >= 0 else ""


def test_a_cancelled_guests_printed_card_is_listed_to_take_off(
    app, client, make, event, as_role, held_jobs
):
    world, user = _world(app, make, event, as_role)
    table, seat = _place(app, world, "cn2")
    _withdraw(app, world, user, "cn2", held_jobs)
    section = _section(_page(client, event, world))
    assert "Cards to take off the tables" in section
    assert "LI Li" in section or "Li LI" in section
    assert f"Table {table} · seat {seat}" in section
    # Those who moved up get a new card, not a line here: only the one who left.
    assert section.count('name="card_id"') == 1


def test_no_card_to_take_off_when_it_was_never_printed(
    app, client, make, event, as_role, held_jobs
):
    world, user = _world(app, make, event, as_role, printed=False)
    _withdraw(app, world, user, "cn2", held_jobs)
    assert _section(_page(client, event, world)) == ""
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(WithdrawnCard)) == 0


def test_collected_clears_the_card_with_an_audit_entry(
    app, client, make, event, as_role, held_jobs
):
    world, user = _world(app, make, event, as_role)
    _withdraw(app, world, user, "cn2", held_jobs)
    with app.app_context():
        card_id = db.session.scalar(sa.select(WithdrawnCard.id))
    response = client.post(
        f"/events/{event.slug}/seating/{world.plan_id}/cards/collected",
        data={"card_id": card_id},
        follow_redirects=True,
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "is collected" in page
    assert _section(page) == ""
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.action == "seating.card_collected")
        ).all()
        assert actions == ["seating.card_collected"]


def test_collecting_a_card_that_is_not_there_says_so(app, client, make, event, as_role):
    world, _user = _world(app, make, event, as_role)
    for garbage in ("999999", "abc", "", "-1", "99999999999999"):
        response = client.post(
            f"/events/{event.slug}/seating/{world.plan_id}/cards/collected",
            data={"card_id": garbage},
            follow_redirects=True,
        )
        assert response.status_code == 200
        assert "There is no such card to collect in this plan." in response.get_data(as_text=True)


def test_the_name_is_erased_with_the_person_but_the_card_still_listed(
    app, client, make, event, as_role, held_jobs
):
    world, user = _world(app, make, event, as_role)
    table, seat = _place(app, world, "cn2")
    _withdraw(app, world, user, "cn2", held_jobs)
    with app.app_context():
        persons.erase_person(event, world.ids["cn2"], actor=user)
        db.session.commit()
        card = db.session.scalar(sa.select(WithdrawnCard))
        assert card.name == ""
    section = _section(_page(client, event, world))
    assert "LI" not in section
    assert "(name erased)" in section and f"Table {table} · seat {seat}" in section


def test_a_seated_guest_erased_leaves_a_card_without_their_name(
    app, client, make, event, as_role, held_jobs
):
    world, user = _world(app, make, event, as_role)
    table, seat = _place(app, world, "cn2")
    with app.app_context():
        persons.erase_person(event, world.ids["cn2"], actor=user)
        jobs.commit()
    run_held(app, held_jobs)
    section = _section(_page(client, event, world))
    assert "(name erased)" in section and f"Table {table} · seat {seat}" in section


def test_a_removed_tables_printed_cards_are_listed_to_take_off(app, client, make, event, as_role):
    world, user = _world(app, make, event, as_role)
    with app.app_context():
        plan = db.session.get(SeatingPlan, world.plan_id)
        last = plan.tables[-1]
        number, guests = last.number, len([p for p in last.places if not p.behind])
        tables.remove_table(last, confirmed=True, actor=user)
        db.session.commit()
    section = _section(_page(client, event, world))
    assert guests and section.count(f"Table {number} · seat") == guests
