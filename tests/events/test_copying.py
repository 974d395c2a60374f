"""Copy as the next edition: the configuration comes along at shifted times, no person does,
and the source is left as it was."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.auth.models import EventMembership, Role
from eventhub.badges.models import Badge, BadgeSettings, BadgeStyle
from eventhub.certificates.models import CertificateSettings
from eventhub.checkin.models import Checkpoint, CheckpointStaff
from eventhub.events import copying
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import (
    Category,
    Delegation,
    LimitKind,
    Participant,
    ProtocolRank,
    RegistrationLimit,
)
from eventhub.scheduling.models import (
    Activity,
    ActivityPerson,
    ActivityState,
    Enrolment,
    Room,
    TravelTime,
    Venue,
)

# 2025-07-24 was a Thursday; 52 weeks on is Thursday 2026-07-23. Shanghai has no summer time.
SOURCE_START = date(2025, 7, 24)


def _world(make):
    """A source event with some of everything, configuration and people."""
    event = make.event(
        starts_on=SOURCE_START,
        ends_on=SOURCE_START + timedelta(days=3),
        registration_opens_at=datetime(2025, 5, 1, 1, 0, tzinfo=UTC),
    )
    organiser = make.user(roles={event: "organiser"})
    staff = make.user(roles={event: "staff"})
    delegation = make.delegation(event, name_en="Lao PDR national delegation")
    person = make.participant(event, delegation_id=delegation.id)
    venue = make.venue(event, name_en="Conference centre")
    hotel = make.venue(event, name_en="Hotel", on_site=False)
    room = make.room(venue, name_en="Plenary hall", capacity=800)
    # 09:00 in Guiyang on the first day is 01:00 UTC.
    opening = make.activity(
        event,
        title_en="Opening ceremony",
        starts_at=datetime(2025, 7, 24, 1, 0, tzinfo=UTC),
        ends_at=datetime(2025, 7, 24, 2, 30, tzinfo=UTC),
        room_id=room.id,
        state=ActivityState.PUBLISHED,
        allowed_days="2025-07-24,2025-07-25",
        speakers=[person],
        enrolled=[person],
    )
    gate = make.checkpoint(
        event,
        slug="main-entrance",
        name_en="Main entrance",
        categories="delegate,speaker",
        zone="V",
        activity_id=opening.id,
        enrolment_required=True,
        opens_at=datetime(2025, 7, 23, 23, 30, tzinfo=UTC),  # 07:30 on the first day
        closes_at=datetime(2025, 7, 27, 12, 0, tzinfo=UTC),  # 20:00 on the last day
        reentry=True,
    )
    with make.app.app_context():
        db.session.add_all(
            [
                TravelTime(from_venue_id=hotel.id, to_venue_id=venue.id, minutes=25),
                ProtocolRank(event_id=event.id, level=1, label_en="Minister", label_zh="部长"),
                BadgeStyle(
                    event_id=event.id,
                    category=Category.DELEGATE,
                    colour="#123456",
                    code="D",
                    label_en="Delegate",
                    label_zh="代表",
                    zones="1 2",
                ),
                BadgeSettings(event_id=event.id, back_en="Wi-Fi: week", back_zh="无线网络"),
                CertificateSettings(event_id=event.id, signatory_name="CHEN Jing"),
                RegistrationLimit(event_id=event.id, kind=LimitKind.EVENT, places=900),
                RegistrationLimit(
                    event_id=event.id, kind=LimitKind.DELEGATION, value=str(delegation.id), places=9
                ),
                Badge(participant_id=person.id),
                CheckpointStaff(checkpoint_id=gate.id, user_id=staff.id),
            ]
        )
        db.session.commit()
    return event, organiser, staff, gate


def _copy(client, login, user, event, **form):
    login(user.email)
    data = {
        "slug": "week-next",
        "name_en": "Exchange Week next",
        "name_zh": "交流周",
        "starts_on": "2026-07-23",
        "ends_on": "2026-07-26",
    }
    data.update(form)
    return client.post(f"/events/{event.slug}/next-edition", data=data)


def test_the_next_edition_carries_the_configuration_at_shifted_times(app, client, make, login):
    source, organiser, _staff, _gate = _world(make)
    copier = make.user(roles={source: "organiser"})
    response = _copy(client, login, copier, source)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"].endswith("/events/week-next/")
    with app.app_context():
        new = db.session.scalar(sa.select(Event).where(Event.slug == "week-next"))
        assert (new.starts_on, new.ends_on) == (date(2026, 7, 23), date(2026, 7, 26))
        assert new.city_en == source.city_en and new.timezone == "Asia/Shanghai"
        # Registration opened at 09:00 in Guiyang 84 days before; so it does again.
        assert new.registration_opens_at == datetime(2026, 4, 30, 1, 0, tzinfo=UTC)
        organisers = set(
            db.session.scalars(
                sa.select(EventMembership.user_id).where(
                    EventMembership.event_id == new.id, EventMembership.role == Role.ORGANISER
                )
            )
        )
        assert organisers == {organiser.id, copier.id}
        assert not db.session.scalar(
            sa.select(EventMembership.id).where(
                EventMembership.event_id == new.id, EventMembership.role != Role.ORGANISER
            )
        )
        venues = {
            v.name_en: v for v in db.session.scalars(sa.select(Venue).filter_by(event_id=new.id))
        }
        assert set(venues) == {"Conference centre", "Hotel"} and not venues["Hotel"].on_site
        room = db.session.scalar(
            sa.select(Room).where(Room.venue_id == venues["Conference centre"].id)
        )
        assert (room.name_en, room.capacity) == ("Plenary hall", 800)
        travel = db.session.scalar(
            sa.select(TravelTime).where(TravelTime.from_venue_id == venues["Hotel"].id)
        )
        assert travel.to_venue_id == venues["Conference centre"].id and travel.minutes == 25
        activity = db.session.scalar(sa.select(Activity).where(Activity.event_id == new.id))
        # Still 09:00 to 10:30 in Guiyang, on the new first day; a draft, nobody attached.
        assert activity.starts_at == datetime(2026, 7, 23, 1, 0, tzinfo=UTC)
        assert activity.ends_at == datetime(2026, 7, 23, 2, 30, tzinfo=UTC)
        assert activity.state == ActivityState.DRAFT and activity.room_id == room.id
        assert activity.allowed_days == "2026-07-23,2026-07-24"
        assert not db.session.scalar(sa.select(Enrolment.id).filter_by(activity_id=activity.id))
        assert not db.session.scalar(
            sa.select(ActivityPerson.id).filter_by(activity_id=activity.id)
        )
        gate = db.session.scalar(sa.select(Checkpoint).where(Checkpoint.event_id == new.id))
        assert (gate.slug, gate.categories, gate.zone, gate.reentry) == (
            "main-entrance",
            "delegate,speaker",
            "V",
            True,
        )
        assert gate.enrolment_required and gate.activity_id == activity.id
        assert gate.opens_at == datetime(2026, 7, 22, 23, 30, tzinfo=UTC)  # 07:30 local
        assert gate.closes_at == datetime(2026, 7, 26, 12, 0, tzinfo=UTC)
        assert not db.session.scalar(
            sa.select(CheckpointStaff.user_id).filter_by(checkpoint_id=gate.id)
        )
        style = db.session.scalar(sa.select(BadgeStyle).filter_by(event_id=new.id))
        assert (style.colour, style.zones) == ("#123456", "1 2")
        assert db.session.get(BadgeSettings, new.id).back_en == "Wi-Fi: week"
        assert db.session.get(CertificateSettings, new.id).signatory_name == "CHEN Jing"
        rank = db.session.scalar(sa.select(ProtocolRank).filter_by(event_id=new.id))
        assert rank.label_zh == "部长"
        delegation = db.session.scalar(sa.select(Delegation).filter_by(event_id=new.id))
        assert delegation.name_en == "Lao PDR national delegation" and delegation.head_id is None
        limits = {
            (limit.kind, limit.value, limit.places)
            for limit in db.session.scalars(sa.select(RegistrationLimit).filter_by(event_id=new.id))
        }
        assert limits == {(LimitKind.EVENT, "", 900), (LimitKind.DELEGATION, str(delegation.id), 9)}
        # No people.
        assert not db.session.scalar(sa.select(Participant.id).filter_by(event_id=new.id))
        entry = db.session.scalar(sa.select(AuditEntry).filter_by(event_id=new.id))
        assert entry.action == "event.copy" and entry.user_id == copier.id
        assert entry.changes["copied_from"] == [None, source.slug]


def test_the_source_is_untouched_and_every_copy_is_a_new_row(app, client, make, login):
    source, organiser, _staff, old_gate = _world(make)

    def snapshot(event_id):
        tables = {
            "activity": sa.select(Activity.id, Activity.starts_at, Activity.state).filter_by(
                event_id=event_id
            ),
            "checkpoint": sa.select(
                Checkpoint.id, Checkpoint.opens_at, Checkpoint.activity_id
            ).filter_by(event_id=event_id),
            "venue": sa.select(Venue.id).filter_by(event_id=event_id),
            "people": sa.select(Participant.id).filter_by(event_id=event_id),
            "staff": sa.select(CheckpointStaff.user_id),
        }
        return {name: sorted(db.session.execute(q).all()) for name, q in tables.items()}

    with app.app_context():
        before = snapshot(source.id)
    assert _copy(client, login, organiser, source).status_code == 302
    with app.app_context():
        assert snapshot(source.id) == before
        new = db.session.scalar(sa.select(Event).where(Event.slug == "week-next"))
        copied = snapshot(new.id)
        for name in ("activity", "checkpoint", "venue"):
            assert copied[name] and not {r[0] for r in copied[name]} & {r[0] for r in before[name]}
        assert db.session.get(Checkpoint, old_gate.id).event_id == source.id


def test_the_form_proposes_next_year_on_the_same_weekdays(app, client, make, login):
    source, organiser, _staff, _gate = _world(make)
    login(organiser.email)
    page = client.get(f"/events/{source.slug}/next-edition").get_data(as_text=True)
    defaults = copying.next_edition_defaults(source, today=date(2025, 8, 1))
    assert defaults["starts_on"] == date(2026, 7, 23)  # a Thursday, as 2025-07-24 was
    assert defaults["starts_on"].weekday() == SOURCE_START.weekday()
    assert defaults["ends_on"] - defaults["starts_on"] == timedelta(days=3)
    # Never in the past: from today's point of view, the first edition-day still to come.
    today = date.today()
    assert copying.next_edition_defaults(source)["starts_on"] >= today
    assert 'name="starts_on"' in page and "Copy as the next edition" in page
    named = make.event(slug="caecw-2025", name_en="Week 2025", name_zh="2025交流周")
    proposed = copying.next_edition_defaults(named, today=date(2025, 8, 1))
    assert (proposed["slug"], proposed["name_en"], proposed["name_zh"]) == (
        "caecw-2026",
        "Week 2026",
        "2026交流周",
    )


def test_bad_input_is_explained_and_kept(app, client, make, login):
    source, organiser, _staff, _gate = _world(make)
    taken = _copy(client, login, organiser, source, slug=source.slug, name_en="Typed name")
    page = taken.get_data(as_text=True)
    assert taken.status_code == 200
    assert "Another event already uses this address." in page
    assert 'value="Typed name"' in page
    backwards = _copy(client, login, organiser, source, ends_on="2026-07-01")
    page = backwards.get_data(as_text=True)
    assert "The event cannot end before it starts." in page and 'value="2026-07-01"' in page
    bad_slug = _copy(client, login, organiser, source, slug="Next Week!")
    assert "Use lower-case letters" in bad_slug.get_data(as_text=True)
    assert 'value="Next Week!"' in bad_slug.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) >= 1
        assert not db.session.scalar(sa.select(Event.id).where(Event.name_en == "Typed name"))


def test_only_the_source_organisers_may_copy_it(app, client, make, login):
    source, _organiser, staff, _gate = _world(make)
    other = make.event()
    outsider = make.user(roles={other: "organiser"})
    assert _copy(client, login, outsider, source).status_code in (403, 404)
    assert _copy(client, login, staff, source).status_code in (403, 404)
    with app.app_context():
        assert not db.session.scalar(sa.select(Event.id).where(Event.slug == "week-next"))


def test_every_table_of_an_event_is_classified(app):
    """A new table holding an event's rows must be placed: configuration or not."""
    with app.app_context():
        tables = db.metadata.tables
        linked = {"event"}
        changed = True
        while changed:  # tables reaching the event through foreign keys
            changed = False
            for name, table in tables.items():
                if name not in linked and any(
                    key.column.table.name in linked - {"user", "participant"} - {"country"}
                    for key in table.foreign_keys
                ):
                    linked.add(name)
                    changed = True
        linked.discard("event")
        unclassified = (
            linked
            - set(copying.CONFIGURATION)
            - set(copying.NOT_COPIED)
            - set(copying.COPIED_AFTER)
        )
        assert not unclassified, f"copy as the next edition or not? {sorted(unclassified)}"


def test_a_large_programme_copies_in_one_request(app, client, make, login):
    source, organiser, _staff, _gate = _world(make)
    with app.app_context():
        db.session.add_all(
            Activity(
                event_id=source.id,
                title_en=f"Forum {n}",
                starts_at=datetime(2025, 7, 25, 1, 0, tzinfo=UTC) + timedelta(minutes=n),
                ends_at=datetime(2025, 7, 25, 2, 0, tzinfo=UTC) + timedelta(minutes=n),
            )
            for n in range(150)
        )
        db.session.commit()
    assert _copy(client, login, organiser, source).status_code == 302
    with app.app_context():
        new = db.session.scalar(sa.select(Event).where(Event.slug == "week-next"))
        count = db.session.scalar(
            sa.select(sa.func.count()).select_from(Activity).filter_by(event_id=new.id)
        )
        assert count == 151
