"""Every form with a date or a time in it round-trips: opened and saved unchanged, again and
again, nothing moves, whatever the zone of the machine the server runs on.

Reported: saving the event settings moved registration opening and closing eight hours
earlier every time (event in Asia/Shanghai).
"""

from __future__ import annotations

import hashlib
import os
import time
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from eventhub.checkin.models import Checkpoint
from eventhub.db import UTCDateTime
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant
from eventhub.scheduling.models import Activity

DATE_TYPES = {"date", "time", "datetime-local"}


class _Forms(HTMLParser):
    """The post forms of a page, each as a list of (name, value, input type) in page order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str, str]]] = []
        self._form: list[tuple[str, str, str]] | None = None
        self._select: str | None = None
        self._option: str | None = None
        self._selected: dict[str, str] = {}
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = []
        if self._form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if a.get("data-input") == "time":  # typed the one way, not the browser's clock
                kind = "time"
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self._form.append((name, a.get("value", "on" if kind == "checkbox" else ""), kind))
        elif tag == "select" and name:
            self._select = name
            self._form.append((name, "", "select"))
        elif tag == "option" and self._select:
            value = a.get("value", "")
            # The first option, unless one says it is selected.
            if "selected" in a or self._select not in self._selected:
                self._selected[self._select] = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "textarea" and self._textarea:
            text = self._text[1:] if self._text.startswith("\n") else self._text
            self._form.append((self._textarea, text, "textarea"))
            self._textarea = None
        elif tag == "select" and self._select:
            index = max(i for i, (n, _v, k) in enumerate(self._form) if n == self._select)
            self._form[index] = (self._select, self._selected.get(self._select, ""), "select")
            self._select = None
        elif tag == "form":
            self.forms.append(self._form)
            self._form = None


def form_with(html: str, field: str) -> list[tuple[str, str, str]]:
    """The post form of `html` holding a field named `field`, as (name, value, type)."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if any(name == field for name, _v, _k in form):
            return form
    raise AssertionError(f"no form with a field {field!r}")


def dated_fields(form: list[tuple[str, str, str]]) -> dict[str, str]:
    return {name: value for name, value, kind in form if kind in DATE_TYPES}


@pytest.fixture
def los_angeles():
    """The server's own zone is not UTC (nor the event's)."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "America/Los_Angeles"
    time.tzset()
    yield
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


def _event_settings(make, event):  # noqa: ARG001 (the event itself is the record)
    return f"/events/{event.slug}/settings", Event, event.id, "registration_closes_at"


def _activity(make, event):
    room = make.room(make.venue(event))
    activity = make.activity(
        event,
        room_id=room.id,
        starts_at=datetime(2025, 7, 24, 1, 30, tzinfo=UTC),  # 09:30 in Shanghai
        ends_at=datetime(2025, 7, 24, 3, 0, tzinfo=UTC),
    )
    return f"/events/{event.slug}/schedule/activities/{activity.id}", Activity, activity.id, "day"


def _checkpoint(make, event):
    checkpoint = make.checkpoint(
        event,
        opens_at=datetime(2025, 7, 23, 23, 0, tzinfo=UTC),  # 07:00 on the 24th in Shanghai
        closes_at=datetime(2025, 7, 24, 10, 0, tzinfo=UTC),
    )
    url = f"/events/{event.slug}/checkin/checkpoints/{checkpoint.id}/edit"
    return url, Checkpoint, checkpoint.id, "opens_at"


OWN_KEY = "own-link-secret-for-the-round-trip-test"


def _travelling(make, event, **overrides):
    """A participant with arrival and departure dates and times."""
    return make.participant(
        event,
        arrival_date=date(2025, 7, 23),
        arrival_at=datetime(2025, 7, 23, 6, 40, tzinfo=UTC),  # 14:40 in Shanghai
        departure_date=date(2025, 7, 28),
        departure_at=datetime(2025, 7, 27, 23, 15, tzinfo=UTC),  # 07:15 on the 28th
        phone="+86 138 0000 0000",
        organisation_id=make.organisation().id,
        **overrides,
    )


def _participant(make, event):
    participant = _travelling(make, event)
    url = f"/events/{event.slug}/participants/{participant.id}"
    return url, Participant, participant.id, "arrival_time"


def _delegation_member(make, event):
    delegation = make.delegation(event)
    participant = _travelling(make, event, delegation_id=delegation.id)
    url = f"/events/{event.slug}/delegations/{delegation.id}/members/{participant.id}"
    return url, Participant, participant.id, "arrival_time"


def _own_page(make, event):
    digest = hashlib.sha256(OWN_KEY.encode()).hexdigest()
    participant = _travelling(make, event, access_key_hash=digest)
    return f"/events/{event.slug}/me/{OWN_KEY}", Participant, participant.id, "arrival_time"


def _visa_case(make, event):
    from eventhub.registration.models import Status
    from eventhub.visas.models import VisaCase, VisaStep

    participant = _travelling(make, event, status=Status.APPROVED, visa_letter_requested=True)
    case = VisaCase(
        event_id=event.id,
        participant_id=participant.id,
        state=VisaStep.SENT,
        requested_on=date(2025, 5, 2),
        issued_on=date(2025, 5, 9),
        sent_on=date(2025, 5, 10),
    )
    with make.app.app_context():
        db.session.add(case)
        db.session.commit()
        case_id = case.id
    url = f"/events/{event.slug}/participants/{participant.id}/visa"
    return url, VisaCase, case_id, "sent_on"


FORMS = {
    "event settings": _event_settings,
    "activity": _activity,
    "checkpoint": _checkpoint,
    "participant": _participant,
    "delegation member": _delegation_member,
    "own registration page": _own_page,
    "visa case": _visa_case,
}


def _stored(app, model, record_id) -> dict:
    """Every date and date-time column of the record, as stored."""
    with app.app_context():
        record = db.session.get(model, record_id)
        return {
            column.key: getattr(record, column.key)
            for column in model.__table__.columns
            if column.key != "updated_at"
            and isinstance(column.type, UTCDateTime | sa.Date | sa.Time)
        }


@pytest.mark.usefixtures("los_angeles")
@pytest.mark.parametrize("which", FORMS)
def test_saving_a_form_unchanged_moves_no_date_or_time(app, client, make, login, which):
    event = make.event(
        timezone="Asia/Shanghai",
        registration_opens_at=datetime(2027, 3, 1, 1, 0, tzinfo=UTC),
        registration_closes_at=datetime(2027, 6, 30, 10, 0, tzinfo=UTC),  # 18:00 in Shanghai
    )
    url, model, record_id, marker = FORMS[which](make, event)
    organiser = make.user(roles={event: "organiser"})
    login(organiser.email)
    before = _stored(app, model, record_id)
    assert any(before.values())
    first = form_with(client.get(url).get_data(as_text=True), marker)
    shown = dated_fields(first)
    assert shown, "no date or time field found"

    for _round in range(3):
        page = form_with(client.get(url).get_data(as_text=True), marker)
        sent = MultiDict([(name, value) for name, value, _k in page])
        response = client.post(url, data=sent)
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        assert _stored(app, model, record_id) == before
        again = form_with(client.get(url).get_data(as_text=True), marker)
        assert dated_fields(again) == shown


def test_the_settings_form_shows_the_times_on_the_event_clock(
    app, client, make, login, los_angeles
):
    event = make.event(
        timezone="Asia/Shanghai",
        registration_closes_at=datetime(2027, 6, 30, 10, 0, tzinfo=UTC),
    )
    login(make.user(roles={event: "organiser"}).email)
    form = form_with(
        client.get(f"/events/{event.slug}/settings").get_data(as_text=True),
        "registration_closes_at",
    )
    assert dated_fields(form)["registration_closes_at"].startswith("2027-06-30T18:00")


@pytest.mark.usefixtures("los_angeles")
def test_the_programmes_daily_hours_are_shown_and_kept_as_set(app, client, make, login):
    """The programme's day, lunch and VIPs' rest are clock times of the event's own zone:
    saved unchanged three times, they stay, whatever the server's zone."""
    from datetime import time as clock

    event = make.event(
        timezone="Asia/Shanghai",
        programme_opens_at=clock(9, 15),
        programme_closes_at=clock(17, 45),
        lunch_starts_at=clock(12, 5),
        lunch_ends_at=clock(13, 20),
        vip_rest_minutes=25,
    )
    login(make.user(roles={event: "organiser"}).email)
    url = f"/events/{event.slug}/settings"
    before = _stored(app, Event, event.id)
    for _round in range(3):
        page = form_with(client.get(url).get_data(as_text=True), "programme_opens_at")
        shown = dated_fields(page)
        assert shown["programme_opens_at"] == "09:15" and shown["lunch_ends_at"] == "13:20"
        response = client.post(url, data=MultiDict([(n, v) for n, v, _k in page]))
        assert response.status_code == 302
        assert _stored(app, Event, event.id) == before
    with app.app_context():
        assert db.session.get(Event, event.id).vip_rest_minutes == 25
