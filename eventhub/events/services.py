"""Rules for events: lookup, creation, settings, who can see which."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from zoneinfo import available_timezones

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from eventhub.audit import services as audit
from eventhub.auth.models import EventMembership, Role, User
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
# The programme's day as the scheduler keeps it: daily hours, lunch, a VIP's rest.
PROGRAMME_FIELDS = (
    "programme_opens_at",
    "programme_closes_at",
    "lunch_starts_at",
    "lunch_ends_at",
    "vip_rest_minutes",
)
EVENT_FIELDS = (
    "slug",
    "name_en",
    "name_zh",
    "city_en",
    "city_zh",
    "venue_address",
    "venue_address_zh",
    "starts_on",
    "ends_on",
    "timezone",
    "registration_opens_at",
    "registration_closes_at",
    "letter_issuer_en",
    "letter_issuer_zh",
    "letter_signatory",
    "letter_signatory_title_en",
    "letter_signatory_title_zh",
    "letter_contact",
    *("guest_notice_en", "guest_notice_zh", "registration_help_en", "registration_help_zh"),
    *("email_note_en", "email_note_zh"),
    *PROGRAMME_FIELDS,
)


def get_event_by_slug(slug: str) -> Event | None:
    if not SLUG_RE.match(slug or ""):
        return None
    return db.session.scalar(sa.select(Event).where(Event.slug == slug))


def events_for(user: User | None) -> list[Event]:
    """Events to list for `user`: all for administrators, else those where they hold a role,
    else (anonymous) every event, newest first."""
    query = sa.select(Event).order_by(Event.starts_on.desc(), Event.id.desc())
    if user is not None and user.is_authenticated and not user.is_admin:
        query = query.where(
            Event.id.in_(
                sa.select(EventMembership.event_id).where(EventMembership.user_id == user.id)
            )
        )
    return list(db.session.scalars(query))


def validate_event_data(data: dict[str, Any], *, current: Event | None = None) -> None:
    """Raise DomainError naming the field at fault."""
    slug = data.get("slug", "")
    if not SLUG_RE.match(slug):
        raise DomainError(
            _l("Use lower-case letters, digits and hyphens only (e.g. caecw-2026)."), field="slug"
        )
    clash = db.session.scalar(sa.select(Event.id).where(Event.slug == slug))
    if clash is not None and (current is None or clash != current.id):
        raise DomainError(_l("Another event already uses this address."), field="slug")
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if isinstance(starts, date) and isinstance(ends, date) and ends < starts:
        raise DomainError(_l("The event cannot end before it starts."), field="ends_on")
    opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
    if opens and closes and closes <= opens:
        raise DomainError(
            _l("Registration must close after it opens."), field="registration_closes_at"
        )
    _validate_programme_day(data, current)
    if data.get("timezone") not in available_timezones():
        raise DomainError(
            _l("Unknown time zone. Use a name such as Asia/Shanghai."), field="timezone"
        )


def _validate_programme_day(data: dict[str, Any], current: Event | None) -> None:
    """The programme's day, lunch within it, a VIP's rest of 0 to 120 minutes; a value not
    given is the event's own (or the default)."""

    def value(name: str):
        if data.get(name) is not None:
            return data[name]
        return getattr(current, name, None) if current is not None else None

    opens, closes = value("programme_opens_at"), value("programme_closes_at")
    if opens and closes and closes <= opens:
        raise DomainError(
            _l("The programme must end after it starts."), field="programme_closes_at"
        )
    starts, ends = value("lunch_starts_at"), value("lunch_ends_at")
    if starts and ends and ends <= starts:
        raise DomainError(_l("Lunch must end after it starts."), field="lunch_ends_at")
    if opens and closes and starts and ends and (starts < opens or ends > closes):
        raise DomainError(
            _l("Lunch must be within the programme's hours."), field="lunch_starts_at"
        )
    rest = data.get("vip_rest_minutes")
    if rest is not None and not 0 <= rest <= 120:
        raise DomainError(_l("Give the rest between 0 and 120 minutes."), field="vip_rest_minutes")


def create_event(data: dict[str, Any], *, actor: User | None = None) -> Event:
    """A new event; its creator (when a person) becomes its first organiser."""
    validate_event_data(data)
    event = Event(**{field: data[field] for field in EVENT_FIELDS if field in data})
    try:
        with db.session.begin_nested():  # the same slug created at the same moment
            db.session.add(event)
    except IntegrityError as exc:
        raise DomainError(_l("Another event already uses this address."), field="slug") from exc
    if actor is not None:
        db.session.add(EventMembership(event=event, user=actor, role=Role.ORGANISER))
    audit.record(
        "event.create",
        event,
        actor=actor,
        event_id=event.id,
        changes={field: [None, data.get(field)] for field in EVENT_FIELDS},
    )
    db.session.flush()
    return event


def update_event(event: Event, data: dict[str, Any], *, actor: User | None = None) -> dict:
    """Apply new settings; returns what changed (also written to the audit log)."""
    validate_event_data(data, current=event)
    changes = audit.diff(event, {f: data[f] for f in EVENT_FIELDS if f in data})
    for field, (_old, new) in changes.items():
        setattr(event, field, new)
    if changes:
        audit.record("event.update", event, actor=actor, event_id=event.id, changes=changes)
    db.session.flush()
    return changes


def team(event: Event, roles: tuple[Role, ...]) -> list[tuple[User, list[EventMembership]]]:
    """The people holding one of `roles` in `event`, each with those memberships, by name."""
    memberships = db.session.scalars(
        sa.select(EventMembership)
        .where(EventMembership.event_id == event.id, EventMembership.role.in_(roles))
        .options(sa.orm.joinedload(EventMembership.user))
        .order_by(EventMembership.role)
    )
    people: dict[int, tuple[User, list[EventMembership]]] = {}
    for membership in memberships:
        people.setdefault(membership.user_id, (membership.user, []))[1].append(membership)
    return sorted(people.values(), key=lambda item: (item[0].display_name or item[0].email).lower())
