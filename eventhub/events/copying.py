"""Copy an event as its next edition: the configuration comes along, the people do not.

Every table of the installation was looked at (eventhub/*/models.py) and is either copied
(CONFIGURATION, in the order rows are made) or left behind (NOT_COPIED, with the reason).
A table holding an event's rows in neither list fails tests/events/test_copying.py: whoever
adds one says whether it is configuration.

Copied, with new ids:
- the event's own settings (names, city, venue address, time zone, letterhead, registration
  window shifted like the dates);
- delegations as empty groups (name, country, organisation, protocol order; no head);
- protocol_rank (the precedence ladder), registration_limit (capacity and quotas; those of a
  delegation follow its copy);
- venue, room, travel_time;
- activity: the programme skeleton, every one a draft at its shifted time, version 1, with
  no speakers, enrolments or invitations; ceremony_settings (how a signing ceremony runs);
- checkpoint: every column but its id and event (so rule columns added later come along),
  its activity mapped to the copy, its time window shifted;
- badge_style, badge_settings (the badge back), certificate_settings (text, signatory,
  images);
- hotel, room_type (without the rooms contracted per night), accommodation_settings,
  transport_settings;
- content_translation: the organisers' texts in other languages, for the copied rows.
The source's organisers and the person copying become the new event's organisers.

Not copied (people and what they did): participants and everything about them (photos,
badges, certificates, visas, enrolments, activity people, agenda feeds, waiting places,
submissions, duplicates), agreements and their parties, witnesses, scans and materials,
checkpoint staff, scans and admissions, print runs, import batches, solver runs, API tokens,
team members other than organisers, mail in the outbox, the audit log. There are no email
templates or registration-form settings stored per event to copy.

Times are shifted in the event's zone: a 09:00 opening stays at 09:00 local, the chosen
number of days later, whatever the zone's summer time does in between.

Generic over the tables' columns (SQLAlchemy Core on db.metadata): the events module is core
and imports no domain, and a column added to a copied table is carried without a change here.
A foreign key to a copied table is mapped to the copy; one to a person (participant, user)
is cleared.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from eventhub.audit import services as audit
from eventhub.auth.models import EventMembership, Role, User
from eventhub.db import UTCDateTime
from eventhub.errors import DomainError
from eventhub.events.content import ContentTranslation, english
from eventhub.events.models import Event
from eventhub.events.services import EVENT_FIELDS, validate_event_data
from eventhub.extensions import db

# Configuration, parents before children.
CONFIGURATION = (
    "delegation",
    "protocol_rank",
    "registration_limit",
    "venue",
    "room",
    "travel_time",
    "activity",
    "ceremony_settings",
    "checkpoint",
    "badge_style",
    "badge_settings",
    "certificate_settings",
    # Privacy notices (their versions as they stand) and how long each kind of data is kept.
    "privacy_notice",
    "retention_rule",
    # Hotels and their kinds of room, the rank rule for rooms and the planner's rules; the
    # rooms contracted per night are negotiated anew each year (not copied).
    "hotel",
    "room_type",
    "accommodation_settings",
    "transport_settings",
)
# Copied after the configuration, each row pointed at the copy of the row it translates.
COPIED_AFTER = ("content_translation",)
NOT_COPIED = {
    "event_membership": "people (organisers are given anew)",
    "participant": "people",
    "participant_photo": "people",
    "pending_photo": "people",
    "waiting_place": "people",
    "registration_submission": "people",
    "duplicate_dismissal": "people",
    "import_batch": "a record of work done",
    "visa_case": "people",
    "badge": "people",
    "badge_batch": "a record of work done",
    "certificate": "people",
    "enrolment": "people",
    "activity_person": "people",
    "agenda_feed": "people",
    "solver_run": "a record of work done",
    "agreement": "signatories and their papers",
    "agreement_party": "signatories",
    "agreement_witness": "people",
    "agreement_transition": "a record of work done",
    "agreement_amendment": "a record of work done",
    "agreement_scan": "a record of work done",
    "ceremony_material": "a record of work done",
    "checkpoint_staff": "people",
    "scan": "a record of work done",
    "attention_alert": "a record of work done (arrivals of people)",
    "admission": "people",
    "api_token": "credentials",
    "api_token_checkpoint": "credentials",
    "outbox_message": "mail sent",
    "audit_entry": "the log",
    "privacy_consent": "people",
    "data_request": "people",
    "erasure_run": "a record of work done",
    "room_block": "that year's contract: nights, rooms and rates are agreed anew",
    "hotel_room": "people",
    "room_guest": "people",
    "rooming_preference": "people",
    "rooming_list_sent": "a record of work done",
    "vehicle": "hired for that week, with its drivers' contacts",
    "driver_shift": "people",
    "escort": "people",
    "trip": "that week's plan, made from its people's flights",
    "trip_passenger": "people",
    "seating_plan": "that year's guests, seated by that year's precedence",
    "seating_table": "laid out with that year's plan",
    "seat_assignment": "people",
    "withdrawn_card": "people",
    "interpretation_setup": "that year's delegations decide the channels",
    "interpreter": "people, engaged for that week",
    "interpreter_assignment": "people",
    "headset": "equipment hired for that week",
    "headset_loan": "people",
    "matchmaking_session": "set with that year's programme",
    "matchmaking_run": "a record of work done",
    "match_profile": "people (each organisation's representative)",
    "meeting_request": "that year's requests",
    "match_meeting": "people",
}
PEOPLE_TABLES = {"participant", "user"}
# Columns a copy starts afresh: defaults (creation time, first version, no plan running) fill
# them.
FRESH_COLUMNS = {"created_at", "updated_at", "version", "planning_since"}
SHIFTED_EVENT_FIELDS = ("registration_opens_at", "registration_closes_at")


def next_edition_defaults(source: Event, today: date | None = None) -> dict[str, Any]:
    """What the form proposes: a year on (52 weeks, so on the same weekdays), never in the
    past, with the year in the slug and names moved on."""
    today = today or date.today()
    weeks = 52
    while source.starts_on + timedelta(weeks=weeks) < today:
        weeks += 52
    starts = source.starts_on + timedelta(weeks=weeks)
    years = round(weeks / 52)
    return {
        "slug": _next_year_text(source.slug, years) or f"{source.slug[:58]}-next",
        "name_en": _next_year_text(source.name_en, years) or source.name_en,
        "name_zh": _next_year_text(source.name_zh, years) or source.name_zh,
        "starts_on": starts,
        "ends_on": starts + (source.ends_on - source.starts_on),
    }


def _next_year_text(text: str, years: int) -> str | None:
    found = list(re.finditer(r"(?<!\d)(19|20)\d\d(?!\d)", text))
    if not found:
        return None
    last = found[-1]
    return text[: last.start()] + str(int(last.group()) + years) + text[last.end() :]


def copy_event(source: Event, data: dict[str, Any], *, actor: User | None) -> Event:
    """The next edition of `source`: `data` gives slug, names and dates (the others are
    the source's). Times move by the days between the two first days. Flushes only."""
    values = {field: getattr(source, field) for field in EVENT_FIELDS}
    values.update({k: v for k, v in data.items() if k in EVENT_FIELDS and v not in (None, "")})
    starts, ends = values["starts_on"], values["ends_on"]
    if not isinstance(starts, date) or not isinstance(ends, date):
        raise DomainError(_l("Give the first and last day of the new edition."), field="starts_on")
    days = (starts - source.starts_on).days
    zone = ZoneInfo(source.timezone)
    for field in SHIFTED_EVENT_FIELDS:
        values[field] = shift(getattr(source, field), days, zone)
    validate_event_data(values)
    event = Event(**values)
    try:
        with db.session.begin_nested():  # the same slug taken at the same moment
            db.session.add(event)
    except IntegrityError as exc:
        raise DomainError(_l("Another event already uses this address."), field="slug") from exc
    organisers = set(
        db.session.scalars(
            sa.select(EventMembership.user_id).where(
                EventMembership.event_id == source.id, EventMembership.role == Role.ORGANISER
            )
        )
    )
    if actor is not None:
        organisers.add(actor.id)
    db.session.add_all(
        EventMembership(event_id=event.id, user_id=user_id, role=Role.ORGANISER)
        for user_id in sorted(organisers)
    )
    new_ids: dict[str, dict[Any, Any]] = {"event": {source.id: event.id}}
    counts = _copy_configuration(source.id, event.id, days, zone, new_ids)
    counts["content_translation"] = _copy_translations(source, event, new_ids)
    audit.record(
        "event.copy",
        event,
        actor=actor,
        event_id=event.id,
        changes={"copied_from": [None, source.slug], **{t: [None, n] for t, n in counts.items()}},
    )
    db.session.flush()
    return event


def shift(value: datetime | None, days: int, zone: ZoneInfo) -> datetime | None:
    """`value` moved `days` days on the event's clock (same local time), back in UTC."""
    if value is None:
        return None
    local = value.astimezone(zone).replace(tzinfo=None) + timedelta(days=days)
    return local.replace(tzinfo=zone).astimezone(UTC)


def _copy_configuration(
    source_id: int, event_id: int, days: int, zone: ZoneInfo, new_ids: dict[str, dict]
) -> dict:
    """Copy every CONFIGURATION table's rows of the source; returns how many of each, and
    fills `new_ids` ({table: {old key: new key}})."""
    tables = db.metadata.tables
    counts = {}
    for name in CONFIGURATION:
        table = tables.get(name)
        if table is None:  # a module not installed in this deployment
            continue
        new_ids[name] = {}
        query = sa.select(table).where(_of_event(table, source_id))
        if name == "privacy_notice":  # the texts as they stand: version 1 of the next edition
            other = table.alias()
            query = query.where(
                table.c.version
                == sa.select(sa.func.max(other.c.version))
                .where(
                    other.c.event_id == table.c.event_id,
                    other.c.purpose == table.c.purpose,
                    other.c.language == table.c.language,
                )
                .scalar_subquery()
            )
        rows = db.session.execute(query).mappings()
        made = 0
        for row in list(rows):
            values = _copied_row(table, dict(row), new_ids, days, zone)
            if values is None:
                continue
            result = db.session.execute(table.insert().values(**values))
            old_key = _key(table, row)
            new_key = result.inserted_primary_key[0] if "id" in table.c else _key(table, values)
            new_ids[name][old_key] = new_key
            made += 1
        counts[name] = made
    return counts


def _copy_translations(source: Event, event: Event, new_ids: dict[str, dict]) -> int:
    """The organisers' texts in other languages, each for the copy of its row (a settings
    row, one per event, is known by its event's id: mapped like the others). The event's
    own texts whose English only moved on a year ('... 2025' -> '... 2026') move with it."""
    years = event.starts_on.year - source.starts_on.year
    made = 0
    rows = db.session.scalars(
        sa.select(ContentTranslation).where(ContentTranslation.event_id == source.id)
    )
    for row in list(rows):
        mapped = new_ids.get(row.kind, {}).get(row.object_id)
        if mapped is None:
            continue
        text, translated_from = row.text, row.source
        if row.kind == "event" and years:
            old, new = english(source, row.field), english(event, row.field)
            if old != new and row.source == old and _next_year_text(old, years) == new:
                text, translated_from = _next_year_text(text, years) or text, new
        db.session.add(
            ContentTranslation(
                event_id=event.id,
                kind=row.kind,
                object_id=mapped,
                field=row.field,
                locale=row.locale,
                text=text,
                source=translated_from,
                updated_at=row.updated_at,
                updated_by_id=row.updated_by_id,
            )
        )
        made += 1
    return made


def _key(table: sa.Table, row: Any) -> Any:
    return row[next(iter(table.primary_key.columns)).name]


def _of_event(table: sa.Table, source_id: int) -> sa.ColumnElement[bool]:
    """The rows of `table` belonging to the source event, following foreign keys upwards
    (a room through its venue, a ceremony's settings through its activity)."""
    if "event_id" in table.c:
        return table.c.event_id == source_id
    for column in table.c:
        for key in column.foreign_keys:
            parent = key.column.table
            if parent.name in CONFIGURATION:
                return column.in_(sa.select(key.column).where(_of_event(parent, source_id)))
    raise LookupError(f"{table.name} has no path to its event")


def _copied_row(
    table: sa.Table, row: dict, new_ids: dict, days: int, zone: ZoneInfo
) -> dict | None:
    values = {}
    for column in table.c:
        name, value = column.name, row[column.name]
        if name in FRESH_COLUMNS or (name == "id" and column.primary_key):
            continue
        target = next(iter(column.foreign_keys), None)
        target_table = target.column.table.name if target is not None else None
        if target_table in new_ids and value is not None:
            value = new_ids[target_table].get(value)
            if value is None:  # its parent was not copied (a delegation's quota, say)
                return None
        elif target_table in PEOPLE_TABLES:
            value = None
        elif isinstance(column.type, UTCDateTime):
            value = shift(value, days, zone)
        elif isinstance(value, date) and not isinstance(value, datetime):
            value += timedelta(days=days)
        values[name] = value
    return _adjust(table, values, new_ids, days)


def _adjust(table: sa.Table, values: dict, new_ids: dict, days: int) -> dict | None:
    """What a column's type cannot tell: a skeleton's state, days written as text, and a
    quota naming its delegation by id."""
    name = table.name
    if name == "privacy_notice":
        values["version"] = 1
    if name == "activity":
        values["state"] = table.c.state.type.enum_class("draft")
        values["allowed_days"] = ",".join(
            (date.fromisoformat(day.strip()) + timedelta(days=days)).isoformat()
            for day in (values.get("allowed_days") or "").split(",")
            if day.strip()
        )
    if name == "registration_limit" and values.get("kind") == "delegation":
        new = new_ids["delegation"].get(int(values["value"]) if values["value"].isdigit() else 0)
        if new is None:
            return None
        values["value"] = str(new)
    return values
