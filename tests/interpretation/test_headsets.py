"""Headsets at the door: the inventory by range, the desk lending on a badge and a headset's
number and taking back what comes in, refusals said in words, and the end of day's list."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventhub.badges.issuing import badges_for, code_of
from eventhub.badges.models import Badge
from eventhub.db import utcnow
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.interpretation.models import Headset, HeadsetLoan, HeadsetState
from eventhub.privacy.persons import erase_person, export_person
from eventhub.registration.models import Participant, Status

JSON = {"Accept": "application/json"}


def _url(event, tail: str = "desk") -> str:
    return f"/events/{event.slug}/interpretation/headsets/{tail}".rstrip("/")


def _badge(app, participant) -> str:
    with app.app_context():
        badge = badges_for([participant])[participant.id]
        db.session.commit()
        return code_of(badge)


def _stock(app, event, *numbers: str, state=HeadsetState.AVAILABLE) -> None:
    with app.app_context():
        db.session.add_all(Headset(event_id=event.id, number=n, state=state) for n in numbers)
        db.session.commit()


def _scan(client, event, code: str, **form):
    response = client.post(_url(event), data={"code": code, **form}, headers=JSON)
    assert response.status_code < 500
    return response.status_code, response.get_json()


def _loans(app) -> list[tuple[str, int, bool]]:
    with app.app_context():
        return [
            (number, person, returned is not None)
            for number, person, returned in db.session.execute(
                sa.select(Headset.number, HeadsetLoan.participant_id, HeadsetLoan.returned_at)
                .join(Headset)
                .order_by(HeadsetLoan.id)
            )
        ]


@pytest.fixture
def guest(make, event):
    return make.participant(event, phone="+856 20 5555 1234")


def test_organisers_add_a_range_and_a_count_and_see_each_headset(client, as_role, event, app):
    as_role("organiser")
    url = _url(event, "")
    html = client.post(url, data={"first": "H001", "last": "H010"}, follow_redirects=True)
    assert "10 headsets added." in html.get_data(as_text=True)
    html = client.post(url, data={"first": "h008", "last": "H012"}, follow_redirects=True)
    assert "2 headsets added, 3 already there." in html.get_data(as_text=True)
    client.post(url, data={"prefix": "R", "count": "5"})
    page = client.get(url).get_data(as_text=True)
    assert "H001" in page and "H012" in page and "R005" in page and "R006" not in page


def test_a_range_that_makes_no_sense_is_refused_and_what_was_typed_stays(client, as_role, event):
    as_role("organiser")
    response = client.post(_url(event, ""), data={"first": "H050", "last": "K060"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The first and the last number must have the same letters." in page
    assert 'value="H050"' in page and 'value="K060"' in page
    response = client.post(_url(event, ""), data={"first": "H050", "last": "H010"})
    assert "The last number comes before the first." in response.get_data(as_text=True)


def test_a_badge_then_a_headset_lends_it_and_scanning_it_again_takes_it_back(
    app, client, as_role, event, guest
):
    staff = as_role("staff")
    _stock(app, event, "H001")
    code = _badge(app, guest)
    status, data = _scan(client, event, code)
    assert (status, data["result"], data["code"]) == (200, "guest", code)
    assert (data["latin_name"], data["native_name"]) == ("Somphone KEOMANY", "ສົມພອນ ແກ້ວມະນີ")

    status, data = _scan(client, event, "h001", guest=code, channel="ZH")
    assert (status, data["title"], data["code"]) == (200, "Issued H001", "H001")
    assert data["latin_name"] == "Somphone KEOMANY"
    assert _loans(app) == [("H001", guest.id, False)]
    assert data["out_count"] == 1

    status, data = _scan(client, event, "H001")  # whoever brings it back, no badge needed
    assert (status, data["title"], data["latin_name"]) == (200, "Returned H001", "Somphone KEOMANY")
    assert _loans(app) == [("H001", guest.id, True)]
    with app.app_context():
        loan = db.session.scalar(sa.select(HeadsetLoan))
        assert (loan.channel, loan.returned_by_id, loan.issued_by_id) == ("zh", staff.id, staff.id)


def test_a_guest_already_holding_one_is_told_and_may_swap(app, client, as_role, event, guest):
    as_role("staff")
    _stock(app, event, "H017", "H020")
    code = _badge(app, guest)
    _scan(client, event, "H017", guest=code)

    status, data = _scan(client, event, code)
    assert (data["result"], data["title"], data["held"]) == (
        "holds",
        "Already holds H017",
        ["H017"],
    )
    status, data = _scan(client, event, "H020", guest=code)
    assert (data["result"], data["title"]) == ("holds", "Already holds H017")
    assert _loans(app) == [("H017", guest.id, False)]  # nothing lent twice

    status, data = _scan(client, event, "H020", guest=code, swap="1")
    assert (status, data["title"]) == (200, "Swapped: now holds H020")
    assert _loans(app) == [("H017", guest.id, True), ("H020", guest.id, False)]


def test_unknown_headsets_forged_and_replaced_badges_are_refused_in_words(
    app, client, as_role, event, guest, make
):
    as_role("staff")
    _stock(app, event, "H001")
    code = _badge(app, guest)
    status, data = _scan(client, event, "H999", guest=code)
    assert (status, data["title"], data["reason"]) == (
        422,
        "Unknown headset H999",
        "No headset has this number.",
    )
    forged = code[:-2] + ("AA" if code[-2:] != "AA" else "BB")
    status, data = _scan(client, event, forged)
    assert (status, data["title"], data["reason"], data["code"]) == (
        422,
        "Badge refused",
        "Not a valid badge of this event.",
        forged,
    )
    status, data = _scan(client, event, "H001", guest=forged)
    assert data["result"] == "refused" and _loans(app) == []

    other = make.participant(make.event())
    status, data = _scan(client, event, _badge(app, other))
    assert data["reason"] == "Not a valid badge of this event."

    with app.app_context():
        db.session.scalar(sa.select(Badge).where(Badge.participant_id == guest.id)).version += 1
        db.session.commit()
    status, data = _scan(client, event, code)
    assert (status, data["reason"]) == (422, "This badge was replaced by a newer one.")


def test_a_lost_or_broken_headset_is_not_lent(app, client, as_role, event, guest):
    as_role("organiser")
    _stock(app, event, "H005")
    with app.app_context():
        headset_id = db.session.scalar(sa.select(Headset.id))
    page = client.post(
        _url(event, "state"),
        data={"headset_id": headset_id, "state": "lost"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "H005 marked Lost." in page
    status, data = _scan(client, event, "H005", guest=_badge(app, guest))
    assert (status, data["title"]) == (422, "Not to lend: H005")
    assert "Lost" in data["reason"] and _loans(app) == []


def test_marking_a_headset_out_lost_closes_its_loan(app, client, as_role, event, guest):
    as_role("organiser")
    _stock(app, event, "H005")
    _scan(client, event, "H005", guest=_badge(app, guest))
    with app.app_context():
        headset_id = db.session.scalar(sa.select(Headset.id))
    client.post(_url(event, "state"), data={"headset_id": headset_id, "state": "broken"})
    assert _loans(app) == [("H005", guest.id, True)]
    page = client.get(_url(event, "history"), query_string={"headset": headset_id})
    assert "Somphone KEOMANY" in page.get_data(as_text=True)
    assert "not brought back" in page.get_data(as_text=True)
    assert "Broken" in page.get_data(as_text=True)


def test_bad_and_foreign_ids_are_refused_not_errors(app, client, as_role, event, make):
    as_role("organiser")
    elsewhere = make.event()
    _stock(app, elsewhere, "H001")
    with app.app_context():
        foreign = db.session.scalar(sa.select(Headset.id))
    state = _url(event, "state")
    assert client.post(state, data={"headset_id": "x'; --", "state": "lost"}).status_code == 400
    assert client.post(state, data={"headset_id": "99999999999999"}).status_code == 400
    assert client.post(state, data={"headset_id": foreign, "state": "lost"}).status_code == 404
    _stock(app, event, "H002")
    with app.app_context():
        own = db.session.scalar(sa.select(Headset.id).where(Headset.event_id == event.id))
    assert client.post(state, data={"headset_id": own, "state": "gone"}).status_code == 400
    assert client.post(_url(event), data={"code": "H002", "activity": "abc"}).status_code == 404
    assert client.get(_url(event, "history"), query_string={"headset": "abc"}).status_code == 302
    assert client.get(_url(event, "history"), query_string={"headset": foreign}).status_code == 302
    assert client.get(_url(event, "not-returned.pdf")).status_code == 404
    with app.app_context():
        assert db.session.get(Headset, foreign).state == HeadsetState.AVAILABLE


def test_the_plain_form_works_without_javascript(app, client, as_role, event, guest):
    as_role("staff")
    _stock(app, event, "H003")
    code = _badge(app, guest)
    page = client.post(_url(event), data={"code": code}).get_data(as_text=True)
    assert "Guest: scan a headset" in page and "ສົມພອນ ແກ້ວມະນີ" in page
    assert f'name="guest" id="guest" value="{code}"' in page  # the guest stays chosen
    response = client.post(_url(event), data={"code": "H003", "guest": code})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Issued H003" in page and "Headsets out: 1" in page
    assert 'name="guest" id="guest" value=""' in page  # the next guest starts afresh
    page = client.post(_url(event), data={"code": code}).get_data(as_text=True)
    assert "Already holds H003" in page and "Return H003" in page


def test_the_desk_lends_for_the_activity_under_way_in_its_room(
    app, client, as_role, event, make, guest
):
    as_role("staff")
    room = make.room(make.venue(event), name_en="Hall A")
    now = utcnow()
    forum = make.activity(
        event,
        title_en="Skills Forum",
        room_id=room.id,
        state="published",
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(minutes=60),
    )
    page = client.get(_url(event), query_string={"room": room.id}).get_data(as_text=True)
    assert f'<option value="{forum.id}" selected>' in page
    assert "Now here: Skills Forum" in page
    page = client.get(_url(event)).get_data(as_text=True)
    assert f'<option value="{forum.id}" selected>' not in page  # no room said: no guess


def test_not_returned_lists_who_holds_what_and_exports(app, client, as_role, event, guest, make):
    as_role("organiser")
    _stock(app, event, "H001", "H002")
    _scan(client, event, "H002", guest=_badge(app, guest))
    page = client.get(_url(event, "not-returned")).get_data(as_text=True)
    assert "H002" in page and "Somphone KEOMANY" in page and "+856 20 5555 1234" in page
    assert "H001" not in page
    csv = client.get(_url(event, "not-returned.csv")).get_data(as_text=True)
    assert "H002" in csv and "+856 20 5555 1234" in csv
    assert client.get(_url(event, "not-returned.xlsx")).status_code == 200
    _scan(client, event, "H002")
    page = client.get(_url(event, "not-returned")).get_data(as_text=True)
    assert "Every headset lent has come back." in page


def test_delegates_have_no_desk(client, as_role, event):
    as_role("delegate")
    assert client.get(_url(event)).status_code == 403
    assert client.post(_url(event), data={"code": "H001"}).status_code == 403
    assert client.get(_url(event, "")).status_code == 403


def test_staff_lend_but_do_not_keep_the_inventory(client, as_role, event):
    as_role("staff")
    assert client.get(_url(event)).status_code == 200
    assert client.get(_url(event, "")).status_code == 403
    assert client.get(_url(event, "not-returned.csv")).status_code == 403


def test_a_persons_export_lists_their_loans_and_erasure_removes_them(
    app, client, as_role, event, guest
):
    as_role("staff")
    _stock(app, event, "H001", "H002")
    code = _badge(app, guest)
    _scan(client, event, "H001", guest=code)
    _scan(client, event, "H001")
    _scan(client, event, "H002", guest=code)
    with app.app_context():
        ev = db.session.get(Event, event.id)
        loans = export_person(ev, guest.id)["sections"]["headsets"]["loans"]
        assert [(x["headset"], x["returned_at"] is None) for x in loans] == [
            ("H001", False),
            ("H002", True),
        ]
        erase_person(ev, guest.id)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(HeadsetLoan.id))) == 0
        states = dict(db.session.execute(sa.select(Headset.number, Headset.state)).all())
        assert states == {"H001": HeadsetState.AVAILABLE, "H002": HeadsetState.LOST}


def test_a_guest_no_longer_registered_borrows_nothing_but_may_bring_back(
    app, client, as_role, event, guest
):
    as_role("staff")
    _stock(app, event, "H001", "H002")
    code = _badge(app, guest)
    _scan(client, event, "H001", guest=code)
    with app.app_context():
        db.session.get(Participant, guest.id).status = Status.WITHDRAWN
        db.session.commit()
    status, data = _scan(client, event, code)
    assert (data["result"], data["title"]) == ("holds", "Already holds H001")  # to take it back
    status, data = _scan(client, event, "H002", guest=code, swap="1")
    assert (status, data["reason"]) == (422, "Not an approved participant: no headset to lend.")
    status, data = _scan(client, event, "H001")
    assert data["title"] == "Returned H001"
    status, data = _scan(client, event, code)
    assert (status, data["title"]) == (422, "Badge refused")
    assert _loans(app) == [("H001", guest.id, True)]


def test_two_desks_lending_one_headset_at_once_get_an_answer_not_an_error(
    app, client, as_role, event, guest, make, monkeypatch
):
    from eventhub.interpretation import headsets

    as_role("staff")
    _stock(app, event, "H001")
    other = make.participant(event, family_name="PHAN", native_name="")
    _scan(client, event, "H001", guest=_badge(app, other))
    # The other desk's loan is committed between this desk's look and its write.
    monkeypatch.setattr(headsets, "open_loan", lambda headset: None)
    status, data = _scan(client, event, "H001", guest=_badge(app, guest))
    assert (status, data["reason"]) == (
        422,
        "Another desk has just lent this headset: scan it again.",
    )
    assert _loans(app) == [("H001", other.id, False)]


def _statements(app, client, url: str) -> int:
    """How many SQL statements a page costs."""
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    return len(statements)


def _lend_many(app, event, make, count: int, first: int) -> None:
    delegation = make.delegation(event, name_en=f"Delegation {first}", country_code="VN")
    people = [make.participant(event, delegation_id=delegation.id) for _ in range(count)]
    with app.app_context():
        headsets = [
            Headset(event_id=event.id, number=f"H{n:03d}") for n in range(first, first + count)
        ]
        db.session.add_all(headsets)
        db.session.flush()
        db.session.add_all(
            HeadsetLoan(event_id=event.id, headset_id=h.id, participant_id=p.id)
            for h, p in zip(headsets, people, strict=True)
        )
        db.session.commit()


@pytest.mark.parametrize("tail", ["not-returned", "not-returned.csv", "", "desk"])
def test_the_headset_pages_cost_the_same_for_many_loans_as_for_few(
    app, client, as_role, event, make, tail
):
    as_role("organiser")
    _lend_many(app, event, make, 2, 1)
    few = _statements(app, client, _url(event, tail))
    _lend_many(app, event, make, 12, 100)
    many = _statements(app, client, _url(event, tail))
    assert many == few


def test_staff_see_who_holds_a_headset_but_not_their_phone(
    app, client, as_role, event, guest, make
):
    as_role("staff")
    _stock(app, event, "H002")
    _scan(client, event, "H002", guest=_badge(app, guest))
    page = client.get(_url(event, "not-returned")).get_data(as_text=True)
    assert "H002" in page and "Somphone KEOMANY" in page
    assert "+856 20 5555 1234" not in page and "Phone" not in page


def test_a_return_unchooses_the_guest_and_a_double_read_lends_nothing(
    app, client, as_role, event, guest, make
):
    as_role("staff")
    _stock(app, event, "H007")
    other = make.participant(event, family_name="PHAN", native_name="")
    _scan(client, event, "H007", guest=_badge(app, other))  # X holds H7
    code = _badge(app, guest)
    _scan(client, event, code)  # Y's badge is scanned
    status, data = _scan(client, event, "H007", guest=code)  # X brings H7 back
    assert (data["title"], data["guest_code"]) == ("Returned H007", "")
    # The desk had Y chosen: the verdict says the headset was someone else's and that Y's
    # badge is needed again (the trial's desk silently switched the guest shown).
    assert "scanned before" in data["reason"]
    # The scanner reads H7 twice; the second read was sent with Y still chosen.
    status, data = _scan(client, event, "H007", guest=code)
    assert data["title"] == "Returned H007"
    assert _loans(app) == [("H007", other.id, True)]
    with app.app_context():  # a while later, the same headset goes to Y on purpose
        loan = db.session.scalar(sa.select(HeadsetLoan))
        loan.returned_at -= timedelta(seconds=10)
        db.session.commit()
    status, data = _scan(client, event, "H007", guest=code)
    assert data["title"] == "Issued H007"


def test_a_double_click_adding_a_range_is_answered_not_an_error(
    client, as_role, event, monkeypatch
):
    from eventhub.interpretation import headsets

    as_role("organiser")
    url = _url(event, "")
    client.post(url, data={"first": "H001", "last": "H005"})
    # The second click looked before the first click's headsets were committed.
    monkeypatch.setattr(headsets, "numbers_in", lambda event: set())
    response = client.post(url, data={"first": "H001", "last": "H005"})
    assert response.status_code == 400
    assert "were added meanwhile" in response.get_data(as_text=True)
    monkeypatch.undo()
    assert client.get(url).get_data(as_text=True).count(">H005<") == 1
