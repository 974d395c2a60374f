"""An erased person gives up their place before the event: withdrawn, the waiting list moves
up; after the event their status stays for the statistics. Erased people are left out of the
lists the teams work from (hotel, transport, visas), not out of the counts of who came."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.privacy import persons
from eventhub.registration import figures, quotas
from eventhub.registration.models import (
    LimitKind,
    Participant,
    RegistrationLimit,
    Status,
    WaitingPlace,
)
from eventhub.visas.models import VisaCase, VisaStep


def _future(make):
    """A week a month ahead (real time): not over when the person is erased."""
    starts = date.today() + timedelta(days=30)
    return make.event(starts_on=starts, ends_on=starts + timedelta(days=3))


def _organiser(make, login, event):
    user = make.user(roles={event: "organiser"})
    login(user.email)
    return user


def _erase(client, event, person):
    response = client.post(f"/events/{event.slug}/participants/{person.id}/erase")
    assert response.status_code == 302, response.get_data(as_text=True)


def _full_with_one_waiting(app, make, event):
    """Two places, both taken (one by Chanthy); Dara waits first, then Sophea."""
    chanthy = make.participant(event, given_name="Chanthy", hotel="Sheraton Guiyang")
    make.participant(event, given_name="Bopha")
    dara = make.participant(event, given_name="Dara", status=Status.WAITLISTED, locale="en")
    sophea = make.participant(event, given_name="Sophea", status=Status.WAITLISTED)
    with app.app_context():
        db.session.add(
            RegistrationLimit(event_id=event.id, kind=LimitKind.EVENT, value="", places=2)
        )
        for minutes, person in ((1, dara), (2, sophea)):
            db.session.add(
                WaitingPlace(
                    participant_id=person.id,
                    event_id=event.id,
                    wanted=Status.PENDING,
                    since=datetime(2026, 6, 1, 9, minutes, tzinfo=UTC),
                )
            )
        db.session.commit()
    return chanthy, dara, sophea


def _status(app, person) -> tuple[Status, str]:
    with app.app_context():
        row = db.session.get(Participant, person.id)
        return row.status, row.status_reason


def test_erased_before_the_event_the_place_goes_to_the_next_on_the_waiting_list(
    client, app, make, login, outbox
):
    event = _future(make)
    chanthy, dara, sophea = _full_with_one_waiting(app, make, event)
    _organiser(make, login, event)
    _erase(client, event, chanthy)

    assert _status(app, chanthy) == (Status.WITHDRAWN, "")
    assert _status(app, dara)[0] == Status.PENDING  # moved up, and told so
    assert _status(app, sophea)[0] == Status.WAITLISTED
    assert any(dara.email in m["To"] and "A place is yours" in m["Subject"] for m in outbox)
    with app.app_context():
        entry = db.session.scalar(
            sa.select(AuditEntry).where(
                AuditEntry.action == "participant.status",
                AuditEntry.object_id == str(chanthy.id),
            )
        )
        assert entry is not None and "Chanthy" not in str(entry.changes)
        # The erasure's record says the person was withdrawn (whichever receiver ran first).
        erasure = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "person.erase")
        )
        assert erasure.changes["withdrawn"] == [None, 1]
    # The organisers' list says so, without the name.
    page = client.get(f"/events/{event.slug}/participants/?status=withdrawn").get_data(as_text=True)
    assert f"#{chanthy.id}, erased" in page
    assert "Chanthy" not in page


def test_an_erased_person_waiting_for_a_place_leaves_the_waiting_list(client, app, make, login):
    event = _future(make)
    _chanthy, dara, sophea = _full_with_one_waiting(app, make, event)
    _organiser(make, login, event)
    _erase(client, event, dara)
    assert _status(app, dara) == (Status.WITHDRAWN, "")
    with app.app_context():
        assert db.session.get(WaitingPlace, dara.id) is None
    with app.app_context():
        assert quotas.position_of(db.session.get(Participant, sophea.id)) == 1  # first now


def test_organisers_cannot_give_an_erased_person_a_place_again(client, app, make, login):
    event = _future(make)
    chanthy, _dara, _sophea = _full_with_one_waiting(app, make, event)
    user = _organiser(make, login, event)
    _erase(client, event, chanthy)
    from eventhub.registration import delegations, lists

    with app.app_context():
        person = db.session.get(Participant, chanthy.id)
        acting = db.session.merge(user)
        assert lists.change_status([person], Status.APPROVED, actor=acting) == []
        assert person.status == Status.WITHDRAWN
        with pytest.raises(DomainError, match="erased"):
            delegations.restore(person, actor=acting)
        db.session.rollback()


def test_erased_after_the_event_the_status_stays_for_the_statistics(
    client, app, make, as_role, event
):
    """The `event` fixture's week ended in 2025: who attended stays counted."""
    chanthy = make.participant(event, given_name="Chanthy")
    make.participant(event, given_name="Bopha")
    as_role("organiser")
    before = _figures(app, event)
    _erase(client, event, chanthy)
    assert _status(app, chanthy)[0] == Status.APPROVED
    assert _figures(app, event) == before


def _figures(app, event):
    with app.app_context():
        found = figures.event_figures(db.session.merge(event))
        return found.registered, dict(found.by_status)


def test_erased_people_are_left_out_of_the_hotel_transport_and_visa_lists(
    client, app, make, as_role, event
):
    gone = make.participant(
        event,
        given_name="Chanthy",
        hotel="Sheraton Guiyang",
        arrival_date=date(2025, 7, 23),
        arrival_flight="CZ 3052",
        visa_letter_requested=True,
    )
    make.participant(
        event,
        given_name="Bopha",
        hotel="Guiyang Hotel",
        arrival_date=date(2025, 7, 23),
        arrival_flight="QV 917",
        visa_letter_requested=True,
    )
    with app.app_context():
        db.session.add(VisaCase(event_id=event.id, participant_id=gone.id, state=VisaStep.GRANTED))
        db.session.commit()
    as_role("organiser")
    _erase(client, event, gone)

    for kind in ("participants", "rooming", "arrivals", "dietary"):
        sheet = client.get(f"/events/{event.slug}/participants/export/{kind}.csv?status=all")
        assert sheet.status_code == 200, kind
        rows = list(csv.reader(io.StringIO(sheet.data.decode("utf-8-sig"))))
        text = str(rows)
        assert "Sheraton" not in text and "CZ 3052" not in text, kind
        if kind == "participants":
            assert [row[0] for row in rows[1:]] == [
                str(p) for p in _ids(app, event) if p != gone.id
            ]
    assert "Guiyang Hotel" in client.get(
        f"/events/{event.slug}/participants/export/rooming.csv"
    ).data.decode("utf-8-sig")

    as_role("visa_officer")
    page = client.get(f"/events/{event.slug}/visas/").get_data(as_text=True)
    assert "Bopha" in page and f"#{gone.id}" not in page
    granted = client.get(f"/events/{event.slug}/visas/?state=granted").get_data(as_text=True)
    assert "Bopha" not in granted and f"#{gone.id}" not in granted
    export = client.get(f"/events/{event.slug}/visas/export.csv").data.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(export)))) == 2  # the header and Bopha
    from eventhub.visas.lists import step_counts

    with app.app_context():
        assert step_counts(db.session.merge(event))[VisaStep.GRANTED] == 0


def _ids(app, event) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Participant.id)
                .where(Participant.event_id == event.id)
                .order_by(Participant.sort_name, Participant.id)
            )
        )


def test_the_order_of_the_receivers_does_not_matter(app, make):
    """The withdrawal reads only the status and ids, which the row's erasure keeps: run
    after it (or before), the person is withdrawn all the same."""
    from eventhub.privacy.signals import person_erase
    from eventhub.registration import erased_people

    event = _future(make)
    chanthy, dara, _sophea = _full_with_one_waiting(app, make, event)
    person_erase.disconnect(erased_people.withdraw_erased)
    try:
        with app.app_context():
            ended = db.session.merge(event)
            persons.erase_person(ended, chanthy.id)  # the row's erasure alone
            counts = erased_people.withdraw_erased(ended, participant_id=chanthy.id)
            db.session.commit()
    finally:
        person_erase.connect(erased_people.withdraw_erased)
    assert counts == {"withdrawn": 1}
    assert _status(app, chanthy) == (Status.WITHDRAWN, "")
    assert _status(app, dara)[0] == Status.PENDING
