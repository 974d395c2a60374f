"""The cancel journey of the demo week's welcome banquet (issue 23): the organiser prints
every place card; the Lao head of delegation withdraws a seated member; the plan re-flows
(jobs run at once after each commit), the cards page tells the protocol officer which card to
take off which table and which cards to re-issue, and "Print changed cards" prints exactly
those, once.

A live server of its own holds the demo week, as `make run` shows it."""

from __future__ import annotations

import subprocess

import pytest
import sqlalchemy as sa

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Delegation, Participant
from eventhub.seating.models import SeatAssignment, SeatingPlan, SeatingTable

from .conftest import ARTIFACTS, log_in, serve_demo

pytestmark = pytest.mark.browser

ORGANISER = ("organiser@caecw.example", "demo-organiser-2025")
HEAD = ("head.la@caecw.example", "demo-head-2025")


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    yield from serve_demo(tmp_path_factory, "seating-live")


def _places(app, plan_id: int) -> dict[int, tuple[int, int, bool]]:
    """Who sits where now: participant id -> (table number, seat, behind)."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(
                SeatAssignment.participant_id,
                SeatingTable.number,
                SeatAssignment.seat,
                SeatAssignment.behind,
            )
            .join(SeatingTable, SeatingTable.id == SeatAssignment.table_id)
            .where(SeatAssignment.plan_id == plan_id)
        ).all()
        return {pid: (table, seat, behind) for pid, table, seat, behind in rows}


def _names(app, ids) -> dict[int, str]:
    with app.app_context():
        people = db.session.scalars(sa.select(Participant).where(Participant.id.in_(ids)))
        return {p.id: p.latin_name for p in people}


def _world(app) -> dict:
    """The live week's banquet plan and the Lao head's seated member to withdraw: the one
    sitting nearest the head of the head table (guests below them move up)."""
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug != "caecw-2025"))
        plan = db.session.scalar(sa.select(SeatingPlan).where(SeatingPlan.event_id == event.id))
        head = db.session.scalar(
            sa.select(Participant).where(
                Participant.event_id == event.id, Participant.email == HEAD[0]
            )
        )
        delegation = db.session.scalar(sa.select(Delegation).where(Delegation.head_id == head.id))
        members = {
            p.id: p.latin_name
            for p in db.session.scalars(
                sa.select(Participant).where(
                    Participant.delegation_id == delegation.id, Participant.id != head.id
                )
            )
        }
        slug, plan_id, delegation_id = event.slug, plan.id, delegation.id
    places = _places(app, plan_id)
    everyone = list(_names(app, list(places)).values())
    seated = sorted(
        (places[pid], pid, name)
        for pid, name in members.items()
        # The demo has namesakes: one whose name is theirs alone, to be seen where it goes.
        if pid in places and not places[pid][2] and everyone.count(name) == 1
    )
    (table, seat, _behind), member, name = seated[0]
    return {
        "slug": slug,
        "plan": plan_id,
        "delegation": delegation_id,
        "member": member,
        "name": name,
        "table": table,
        "seat": seat,
    }


def _keep_pdfs(page) -> list[bytes]:
    """The place-card PDFs the browser is sent, as sent (Chromium shows them inline in its
    viewer, which hides the body from the page's responses)."""
    bodies: list[bytes] = []

    def keep(route):
        response = route.fetch()
        bodies.append(response.body())
        route.fulfill(response=response)

    page.route("**/cards/*.pdf", keep)
    return bodies


def _pdf_text(body: bytes) -> str:
    assert body.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=body, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split())


def test_a_withdrawn_guests_seat_is_filled_and_the_cards_follow(demo_server, new_page):
    app, base = demo_server, demo_server.base_url
    world = _world(app)
    slug, plan_id = world["slug"], world["plan"]
    cards_url = f"{base}/events/{slug}/seating/{plan_id}/cards"

    # The organiser prints every place card of the banquet.
    organiser = new_page()
    log_in(organiser, base, *ORGANISER)
    organiser.goto(cards_url)
    pdfs = _keep_pdfs(organiser)
    organiser.get_by_role("button", name="Print all place cards").click()
    organiser.wait_for_url("**/cards/all.pdf")
    assert world["name"] in _pdf_text(pdfs.pop())
    organiser.goto(cards_url)
    assert "Every place card is current" in organiser.locator("#nothing-changed").inner_text()
    before = _places(app, plan_id)

    # The Lao head of delegation withdraws their seated member, on the delegation page.
    head = new_page()
    log_in(head, base, *HEAD)
    head.goto(f"{base}/events/{slug}/delegations/{world['delegation']}")
    head.get_by_role("link", name=f"Withdraw {world['name']}").click()
    head.get_by_role("button", name=f"Yes, withdraw {world['name']}").click()
    assert "has been withdrawn" in head.locator(".alert").first.inner_text()

    # The plan no longer shows them; their seat is taken by someone below.
    after = _places(app, plan_id)
    assert world["member"] not in after
    organiser.goto(f"{base}/events/{slug}/seating/{plan_id}")
    room = organiser.locator(".seating-room")
    assert world["name"] not in room.inner_text()
    freed = room.locator(f"li.seat[data-table='{world['table']}'][data-seat='{world['seat']}']")
    taker = next(
        pid for pid, place in after.items() if place == (world["table"], world["seat"], False)
    )
    names = _names(app, list(after))
    assert names[taker] in freed.inner_text()
    # On a phone the plan reads as a list, and the page never scrolls sideways (the trial's
    # page was 594px wide at 390px: hidden labels escaped the table's scroll box).
    # At 1280px the room scrolls inside its frame (the second trial's page was 1582px wide).
    size = organiser.viewport_size
    for width in (390, 1280):
        organiser.set_viewport_size({"width": width, "height": 800})
        organiser.reload()
        assert organiser.evaluate("document.documentElement.scrollWidth") <= width
    organiser.set_viewport_size(size)

    # The cards page: the withdrawn guest's card to take off, the moved guests' to re-issue.
    moved = {
        pid
        for pid, place in after.items()
        if pid in before and place != before[pid] and not place[2]
    }
    assert taker in moved
    organiser.goto(cards_url)
    off = organiser.locator("section[aria-labelledby=cards-withdrawn]")
    assert world["name"] in off.inner_text()
    assert f"Table {world['table']} · seat {world['seat']}" in off.inner_text()
    reissue = organiser.locator("section[aria-labelledby=cards-status] tbody").inner_text()
    for pid in moved:
        assert names[pid] in reissue, names[pid]
    ARTIFACTS.mkdir(exist_ok=True)
    organiser.screenshot(path=str(ARTIFACTS / "seating-journey-cards.png"), full_page=True)

    # "Print changed cards": exactly the moved guests' cards.
    organiser.get_by_role("button", name="Print changed cards").click()
    organiser.wait_for_url("**/cards/changed.pdf")
    text = _pdf_text(pdfs.pop())
    for pid in moved:
        assert names[pid] in text, names[pid]
    unmoved = [
        pid
        for pid, place in after.items()
        if pid not in moved and not place[2] and not any(names[pid] in names[m] for m in moved)
    ]
    assert unmoved
    for pid in unmoved:
        assert names[pid] not in text, names[pid]
    assert world["name"] not in text

    # Printed once: a second click says everything is current.
    organiser.goto(cards_url)
    organiser.get_by_role("button", name="Print changed cards").click()
    assert "Every place card is current" in organiser.locator(".alert").first.inner_text()

    # The card is taken off its table: Collected clears it.
    organiser.get_by_role(
        "button", name=f"Collected: the card of table {world['table']}, seat {world['seat']}"
    ).click()
    assert organiser.locator("section[aria-labelledby=cards-withdrawn]").count() == 0
