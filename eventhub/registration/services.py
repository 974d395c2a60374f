"""Rules and figures over participants and delegations."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale, format_datetime, get_locale, gettext
from flask_babel import lazy_gettext as _l

from eventhub import crypto
from eventhub.audit import services as audit
from eventhub.audit.models import AuditEntry
from eventhub.auth import services as auth_services
from eventhub.auth.models import Role, User
from eventhub.db import utcnow
from eventhub.directory.models import Country, Organisation
from eventhub.directory.services import find_or_add_organisation
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import localized, select_locale
from eventhub.mail import send_mail
from eventhub.registration import importer, precedence
from eventhub.registration.models import (
    Category,
    Delegation,
    ImportBatch,
    Participant,
    ParticipantPhoto,
    PendingPhoto,
    Source,
    Status,
)
from eventhub.registration.photos import PhotoInvalid, prepare_photo
from eventhub.registration.validation import check_registration
from eventhub.text import clean, holds_every_word, search_text
from eventhub.web import external_url

CATEGORY_LABELS = {
    Category.OFFICIAL: _l("Official / VIP"),
    Category.DELEGATE: _l("Delegate"),
    Category.SPEAKER: _l("Speaker"),
    Category.MEDIA: _l("Media"),
    Category.INTERPRETER: _l("Interpreter"),
    Category.STAFF: _l("Staff"),
    Category.VOLUNTEER: _l("Volunteer"),
}
STATUS_LABELS = {
    Status.PENDING: _l("Pending review"),
    Status.APPROVED: _l("Approved"),
    Status.WAITLISTED: _l("Waiting list"),
    Status.REJECTED: _l("Rejected"),
    Status.WITHDRAWN: _l("Withdrawn"),
}
HOST_COUNTRY = "CN"
ACTIVE_STATUSES = (Status.PENDING, Status.APPROVED, Status.WAITLISTED)


@dataclass
class CountryFigure:
    code: str
    name_en: str
    name_zh: str
    is_focus: bool
    registered: int
    approved: int


@dataclass
class EventFigures:
    registered: int = 0
    by_status: dict[Status, int] = field(default_factory=dict)
    by_category: dict[Category, int] = field(default_factory=dict)
    foreign: int = 0
    countries: int = 0
    delegations: int = 0
    organisations: int = 0
    vips: int = 0
    by_country: list[CountryFigure] = field(default_factory=list)


def event_figures(event: Event) -> EventFigures:
    """The key figures of an event's home page, in a handful of aggregate queries."""
    figures = EventFigures()
    active = sa.and_(Participant.event_id == event.id, Participant.status.in_(ACTIVE_STATUSES))

    for status, count in db.session.execute(
        sa.select(Participant.status, sa.func.count())
        .where(Participant.event_id == event.id)
        .group_by(Participant.status)
    ):
        figures.by_status[status] = count
    figures.registered = sum(figures.by_status.get(s, 0) for s in ACTIVE_STATUSES)

    for category, count in db.session.execute(
        sa.select(Participant.category, sa.func.count())
        .where(active)
        .group_by(Participant.category)
    ):
        figures.by_category[category] = count

    row = db.session.execute(
        sa.select(
            sa.func.count().filter(Participant.country_code != HOST_COUNTRY),
            sa.func.count(sa.distinct(Participant.country_code)),
            sa.func.count(sa.distinct(Participant.organisation_id)),
            sa.func.count().filter(Participant.protocol_rank.in_(precedence.vip_levels(event))),
        ).where(active)
    ).one()
    figures.foreign, figures.countries, figures.organisations, figures.vips = row
    figures.delegations = (
        db.session.scalar(sa.select(sa.func.count()).where(Delegation.event_id == event.id)) or 0
    )

    rows = db.session.execute(
        sa.select(
            Country.code,
            Country.name_en,
            Country.name_zh,
            Country.is_focus,
            sa.func.count(),
            sa.func.count().filter(Participant.status == Status.APPROVED),
        )
        .join(Participant, Participant.country_code == Country.code)
        .where(active)
        .group_by(Country.code, Country.name_en, Country.name_zh, Country.is_focus)
    )
    figures.by_country = sorted(
        (CountryFigure(*r) for r in rows), key=lambda c: (not c.is_focus, -c.registered, c.code)
    )
    return figures


def participants_of_user(event: Event, user: User) -> list[Participant]:
    """The participant records an account owns in an event (usually one)."""
    return list(
        db.session.scalars(
            sa.select(Participant)
            .where(Participant.event_id == event.id, Participant.user_id == user.id)
            .order_by(Participant.id)
        )
    )


def delegations_headed_by(event: Event, user: User) -> list[tuple[Delegation, dict[Status, int]]]:
    """Delegations whose head is this account's participant, each with member counts."""
    delegations = list(
        db.session.scalars(
            sa.select(Delegation)
            .join(Participant, Delegation.head_id == Participant.id)
            .where(Delegation.event_id == event.id, Participant.user_id == user.id)
        )
    )
    result = []
    for delegation in delegations:
        counts = dict(
            db.session.execute(
                sa.select(Participant.status, sa.func.count())
                .where(Participant.delegation_id == delegation.id)
                .group_by(Participant.status)
            ).all()
        )
        result.append((delegation, counts))
    return result


# --- registering and editing ------------------------------------------------------------


class RegistrationInvalid(DomainError):
    """The input broke rules; `errors` maps each field to its messages. `photo_token` names
    a valid photo kept for the corrected form."""

    def __init__(
        self, errors: dict[str, list[str]], photo: tuple[bytes, int, int] | None = None
    ) -> None:
        super().__init__(_l("Please correct the fields marked below."))
        self.errors = errors
        self.photo = photo
        self.photo_token: str | None = None

    def after_rollback(self) -> None:
        """Keep a valid photo for the corrected form (the caller has rolled back and
        commits this alone)."""
        if self.photo is not None:
            self.photo_token = _keep_pending(self.photo)


class RegistrationClosed(DomainError):
    pass


PERSONAL_FIELDS = (
    "family_name",
    "given_name",
    "native_name",
    "honorific",
    "position",
    "email",
    "phone",
    "country_code",
    "category",
    "diet",
    "dietary_notes",
    "accessibility_needs",
    "interpretation_language",
    "arrival_date",
    "arrival_at",
    "arrival_flight",
    "arrival_point",
    "departure_date",
    "departure_at",
    "departure_flight",
    "departure_point",
    "hotel",
    "visa_letter_requested",
    "nationality_code",
    "passport_expiry",
)


def ensure_open(event: Event, now: datetime | None = None) -> None:
    """Raise RegistrationClosed, with the reason, unless online registration is open."""
    now = now or utcnow()
    if event.registration_open(now):
        return
    if event.registration_opens_at is None:
        raise RegistrationClosed(_l("Online registration for this event is not open."))
    if now < event.registration_opens_at:
        raise RegistrationClosed(
            _l(
                "Registration opens on %(when)s.",
                when=format_datetime(event.registration_opens_at, "long"),
            )
        )
    raise RegistrationClosed(
        _l(
            "Registration closed on %(when)s. Please contact the organising committee.",
            when=format_datetime(event.registration_closes_at, "long"),
        )
    )


def register(
    event: Event,
    raw: Mapping[str, Any],
    *,
    source: Source,
    photo: bytes | None = None,
    actor: User | None = None,
    delegation: Delegation | None = None,
    photo_token: str | None = None,
) -> tuple[Participant, str]:
    """A new participant from validated input; returns it and the secret of its own link."""
    checked = check_registration(event, raw)
    prepared = _prepare_photo(photo, checked, photo_token)
    if not checked.ok:
        raise RegistrationInvalid(checked.errors, prepared)
    participant = Participant(
        event_id=event.id, status=Status.PENDING, source=source, locale=str(get_locale() or "en")
    )
    if delegation is not None:
        checked.values["delegation_id"] = delegation.id
    _apply(participant, checked.values)
    key = new_access_key(participant)
    db.session.add(participant)
    db.session.flush()
    if prepared:
        _store_photo(participant, prepared)
    if actor is not None:
        audit.record(
            "participant.create",
            participant,
            actor=actor,
            event_id=event.id,
            changes={"name": [None, participant.latin_name], "source": [None, source]},
        )
    return participant, key


def update_participant(
    participant: Participant,
    raw: Mapping[str, Any],
    *,
    photo: bytes | None = None,
    actor: User | None = None,
    may_edit_locked: bool = False,
    photo_token: str | None = None,
) -> dict[str, list[Any]]:
    """Apply an edit; returns the changes (recorded in the audit log).

    Organisers (`by_organiser`) may edit locked records and change the category. When a
    participant or their head of delegation changes who the person is after approval, the
    registration goes back to pending review: an approval is for the person approved.
    """
    by_organiser = may_edit_locked
    if not by_organiser and participant.locked_at is not None:
        raise DomainError(
            _l("The organisers have locked your registration. Write to them for any change.")
        )
    raw = dict(raw)
    # Passport data is never sent back to the form: blank means "keep what is stored".
    for name in ("passport_number", "date_of_birth"):
        if not (raw.get(name) or "").strip():
            stored = _decrypted(participant, name)
            if stored:
                raw[name] = stored
    if not by_organiser:
        raw["category"] = participant.category.value  # the category is the organisers' call
    checked = check_registration(participant.event, raw)
    prepared = _prepare_photo(photo, checked, photo_token)
    if not checked.ok:
        raise RegistrationInvalid(checked.errors, prepared)
    before = _snapshot(participant)
    _apply(participant, checked.values)
    db.session.flush()
    changes = audit.changed(before, _snapshot(participant))
    if prepared:
        _store_photo(participant, prepared)
        changes["photo"] = [None, "new"]
    if (
        not by_organiser
        and participant.status == Status.APPROVED
        and IDENTITY_FIELDS.intersection(changes)
    ):
        changes["status"] = [participant.status.value, Status.PENDING.value]
        participant.status = Status.PENDING
    if changes:
        audit.record(
            "participant.update",
            participant,
            actor=actor,
            actor_label=None if actor else "participant (own link)",
            event_id=participant.event_id,
            changes=changes,
        )
    return changes


# Changing these after approval sends a registration back to review.
IDENTITY_FIELDS = {
    "family_name",
    "given_name",
    "native_name",
    "nationality_code",
    "passport",
    "organisation",
    "photo",
}


def _snapshot(participant: Participant) -> dict[str, Any]:
    """What an edit may change, for the audit log (passport data only as 'changed')."""
    values = {name: getattr(participant, name) for name in PERSONAL_FIELDS}
    values["organisation"] = participant.organisation.name_en if participant.organisation else ""
    values["passport"] = (participant.passport_digest or "")[:8]
    return values


def _prepare_photo(
    photo: bytes | None, checked, photo_token: str | None = None
) -> tuple[bytes, int, int] | None:
    """The uploaded photo re-encoded, or the one kept from an earlier attempt."""
    if not photo:
        return _take_pending(photo_token)
    try:
        return prepare_photo(photo)
    except PhotoInvalid as error:
        checked.fail("photo", error.message)
        return None


PENDING_PHOTO_HOURS = 24


def _keep_pending(prepared: tuple[bytes, int, int]) -> str:
    """Store a valid photo from a form with other errors; returns its token."""
    token = secrets.token_urlsafe(24)
    cutoff = utcnow() - timedelta(hours=PENDING_PHOTO_HOURS)
    db.session.execute(sa.delete(PendingPhoto).where(PendingPhoto.created_at < cutoff))
    db.session.add(
        PendingPhoto(token=token, content=prepared[0], width=prepared[1], height=prepared[2])
    )
    db.session.flush()
    return token


def _take_pending(token: str | None) -> tuple[bytes, int, int] | None:
    if not token or len(token) > 64:
        return None
    pending = db.session.scalar(sa.select(PendingPhoto).where(PendingPhoto.token == token))
    if pending is None or pending.created_at < utcnow() - timedelta(hours=PENDING_PHOTO_HOURS):
        return None
    prepared = (pending.content, pending.width, pending.height)
    db.session.delete(pending)
    return prepared


def _store_photo(participant: Participant, prepared: tuple[bytes, int, int]) -> None:
    content, width, height = prepared
    stored = db.session.get(ParticipantPhoto, participant.id)
    if stored is None:
        db.session.add(
            ParticipantPhoto(
                participant_id=participant.id, content=content, width=width, height=height
            )
        )
    else:
        stored.content, stored.width, stored.height = content, width, height


def _apply(
    participant: Participant,
    values: dict[str, Any],
    organisations: dict[tuple[str, str], Organisation] | None = None,
) -> None:
    """Copy checked values onto the participant, encrypting what must be. `organisations`
    caches organisation lookups across a batch."""
    for name in PERSONAL_FIELDS:
        if name in values:
            setattr(participant, name, values[name])
    if "delegation_id" in values:
        participant.delegation_id = values["delegation_id"]
    if values.get("organisation"):
        country = values.get("country_code") or participant.country_code
        key = (country, values["organisation"].lower())
        if organisations is not None and key in organisations:
            participant.organisation = organisations[key]
        else:
            participant.organisation = find_or_add_organisation(values["organisation"], country)
            if organisations is not None:
                organisations[key] = participant.organisation
    if "passport_number" in values:
        number = values["passport_number"]
        participant.passport_number_encrypted = crypto.encrypt(number) if number else None
        participant.passport_digest = crypto.blind_index(number, "passport") if number else None
    if "date_of_birth" in values:
        birth = values["date_of_birth"]
        participant.date_of_birth_encrypted = crypto.encrypt(birth.isoformat()) if birth else None
    participant.search_text = search_text(
        participant.family_name,
        participant.given_name,
        participant.native_name,
        participant.email,
        values.get("organisation"),
    )


def _decrypted(participant: Participant, name: str) -> str | None:
    return crypto.decrypt(getattr(participant, f"{name}_encrypted"))


def passport_view(participant: Participant, *, unmasked: bool) -> dict[str, str]:
    """Passport number and date of birth for display: masked unless `unmasked`."""
    number = _decrypted(participant, "passport_number") or ""
    birth = _decrypted(participant, "date_of_birth") or ""
    if unmasked:
        return {"passport_number": number, "date_of_birth": birth}
    return {"passport_number": crypto.mask(number), "date_of_birth": "••••-••-••" if birth else ""}


# --- the participant's own link -----------------------------------------------------------


def send_confirmation(participant: Participant, key: str) -> bool:
    """Email the participant the link to their own page, in the current language."""
    link = external_url("registration.own_page", slug=participant.event.slug, key=key)
    with force_locale(participant.locale or select_locale()):
        return send_mail(
            participant.email,
            gettext("Your registration for %(event)s", event=localized(participant.event, "name")),
            render_template(
                "email/registration_confirmation.txt", participant=participant, link=link
            ),
        )


def new_access_key(participant: Participant) -> str:
    """A fresh secret for the participant's own link; the previous link stops working."""
    key = secrets.token_urlsafe(24)
    participant.access_key_hash = hashlib.sha256(key.encode()).hexdigest()
    participant.access_key_encrypted = crypto.encrypt(key)
    return key


def access_key(participant: Participant) -> str:
    """The participant's current secret (made when there is none), to send the same link
    again: people bookmark it."""
    return crypto.decrypt(participant.access_key_encrypted) or new_access_key(participant)


def participant_by_access_key(event: Event, key: str) -> Participant | None:
    if not key or len(key) > 100:
        return None
    digest = hashlib.sha256(key.encode()).hexdigest()
    participant = db.session.scalar(
        sa.select(Participant).where(Participant.access_key_hash == digest)
    )
    if participant is None or participant.event_id != event.id:
        return None
    return participant


def form_values(participant: Participant) -> dict[str, str]:
    """The participant's data in the form's field names (passport data left out)."""
    zone = ZoneInfo(participant.event.timezone)

    def local_time(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%H:%M") if moment else ""

    values = {
        name: getattr(participant, name) or ""
        for name in (
            "family_name",
            "given_name",
            "native_name",
            "honorific",
            "position",
            "email",
            "phone",
            "dietary_notes",
            "accessibility_needs",
            "interpretation_language",
            "arrival_flight",
            "arrival_point",
            "departure_flight",
            "departure_point",
            "hotel",
        )
    }
    values.update(
        {
            "organisation": participant.organisation.name_en if participant.organisation else "",
            "country": participant.country_code,
            "category": participant.category.value,
            "diet": participant.diet.value,
            "arrival_date": participant.arrival_date.isoformat()
            if participant.arrival_date
            else "",
            "arrival_time": local_time(participant.arrival_at),
            "departure_date": (
                participant.departure_date.isoformat() if participant.departure_date else ""
            ),
            "departure_time": local_time(participant.departure_at),
            "visa_letter_requested": participant.visa_letter_requested,
            "nationality": participant.nationality_code or "",
            "passport_expiry": (
                participant.passport_expiry.isoformat() if participant.passport_expiry else ""
            ),
        }
    )
    return values


# --- organisers' list and bulk actions -----------------------------------------------------

SORTS = {
    "name": (Participant.family_name, Participant.given_name),
    "country": (Participant.country_code, Participant.family_name),
    "status": (Participant.status, Participant.family_name),
    "registered": (Participant.created_at,),
    "arrival": (Participant.arrival_date, Participant.arrival_at),
    "precedence": (Participant.protocol_rank, Participant.family_name),
}


@dataclass
class ParticipantFilters:
    q: str = ""
    status: str = ""
    country: str = ""
    delegation: int | None = None
    category: str = ""
    organisation: int | None = None
    arrival: str = ""  # ISO date
    precedence: str = ""  # "vip", or "ranked": anyone holding a protocol rank
    sort: str = "name"
    descending: bool = False


def participant_query(event: Event, filters: ParticipantFilters) -> sa.Select:
    """The event's participants matching `filters`, sorted; organisation and delegation
    loaded with them (one query for a page, not one per row)."""
    query = (
        sa.select(Participant)
        .where(Participant.event_id == event.id)
        .options(
            sa.orm.joinedload(Participant.organisation), sa.orm.joinedload(Participant.delegation)
        )
    )
    query = query.where(*holds_every_word(Participant.search_text, search_text(filters.q).split()))
    if filters.status in Status.__members__.values():
        query = query.where(Participant.status == Status(filters.status))
    if filters.category in Category.__members__.values():
        query = query.where(Participant.category == Category(filters.category))
    if filters.country:
        query = query.where(Participant.country_code == filters.country.upper()[:2])
    if filters.delegation:
        query = query.where(Participant.delegation_id == filters.delegation)
    if filters.organisation:
        query = query.where(Participant.organisation_id == filters.organisation)
    if filters.arrival:
        with contextlib.suppress(ValueError):
            query = query.where(Participant.arrival_date == date.fromisoformat(filters.arrival))
    if filters.precedence == "vip":
        query = query.where(Participant.protocol_rank.in_(precedence.vip_levels(event)))
    elif filters.precedence == "ranked":
        query = query.where(Participant.protocol_rank.is_not(None))
    columns = SORTS.get(filters.sort, SORTS["name"])
    # Empty values last in both directions and on both databases.
    order = [(c.desc() if filters.descending else c.asc()).nulls_last() for c in columns]
    return query.order_by(*order, Participant.id)


def country_codes_in_event(event: Event) -> list[str]:
    """The countries the event's participants come from, for the list's filter."""
    return list(
        db.session.scalars(
            sa.select(Participant.country_code)
            .where(Participant.event_id == event.id)
            .distinct()
            .order_by(Participant.country_code)
        )
    )


def participants_in_event(event: Event, ids: list[int]) -> list[Participant]:
    """The participants with these ids that belong to `event` (others are ignored)."""
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Participant).where(Participant.event_id == event.id, Participant.id.in_(ids))
        )
    )


def change_status(
    participants: list[Participant],
    status: Status,
    *,
    actor: User,
    reason: str = "",
) -> list[Participant]:
    """Set the status of each; a rejection needs a reason. Returns those that changed."""
    reason = clean(reason)
    if len(reason) > 500:
        raise DomainError(_l("Use at most %(n)d characters.", n=500), field="reason")
    if status == Status.REJECTED and not reason:
        raise DomainError(
            _l("Give a reason for the rejection; the participant will see it."), field="reason"
        )
    changed = []
    for participant in participants:
        if participant.status == status and participant.status_reason == reason:
            continue
        audit.record(
            "participant.status",
            participant,
            actor=actor,
            event_id=participant.event_id,
            changes={
                "status": [participant.status.value, status.value],
                "reason": [participant.status_reason, reason],
            },
        )
        participant.status, participant.status_reason = status, reason
        changed.append(participant)
    db.session.flush()
    return changed


def send_status_notice(participant: Participant) -> bool:
    """Tell a participant the organisers' decision, with the link to their page."""
    key = access_key(participant)
    link = external_url("registration.own_page", slug=participant.event.slug, key=key)
    with force_locale(participant.locale or "en"):
        return send_mail(
            participant.email,
            gettext(
                "Your registration for %(event)s: %(status)s",
                event=localized(participant.event, "name"),
                status=str(STATUS_LABELS[participant.status]),
            ),
            render_template(
                "email/status_notice.txt",
                participant=participant,
                link=link,
                status_labels=STATUS_LABELS,
            ),
        )


def change_category(participants: list[Participant], category: Category, *, actor: User) -> int:
    changed = 0
    for participant in participants:
        if participant.category != category:
            audit.record(
                "participant.category",
                participant,
                actor=actor,
                event_id=participant.event_id,
                changes={"category": [participant.category.value, category.value]},
            )
            participant.category = category
            changed += 1
    db.session.flush()
    return changed


def set_locked(participants: list[Participant], locked: bool, *, actor: User) -> int:
    changed = 0
    for participant in participants:
        if (participant.locked_at is not None) != locked:
            participant.locked_at = utcnow() if locked else None
            audit.record(
                "participant.lock" if locked else "participant.unlock",
                participant,
                actor=actor,
                event_id=participant.event_id,
            )
            changed += 1
    db.session.flush()
    return changed


# --- import ---------------------------------------------------------------------------------


def import_participants(
    event: Event,
    batch: ImportBatch,
    preview: importer.Preview,
    *,
    actor: User,
) -> int:
    """Register every row of a checked upload, or none: one flush, one audit entry.

    The upload is claimed first, so two organisers confirming at once import it once; its
    content (names, perhaps passport numbers) is then no longer kept.
    """
    if not preview.ok:
        raise DomainError(_l("The file has errors; nothing was imported."))
    claimed = db.session.execute(
        sa.update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.imported_at.is_(None))
        .values(imported_at=utcnow(), content=b"", imported_count=len(preview.rows))
    )
    if claimed.rowcount != 1:
        raise DomainError(_l("This file has already been imported."))
    organisations: dict[tuple[str, str], Organisation] = {}
    participants = []
    for _row, values in preview.rows:
        participant = Participant(event_id=event.id, status=Status.PENDING, source=Source.IMPORT)
        _apply(participant, dict(values), organisations)
        new_access_key(participant)
        participants.append(participant)
    db.session.add_all(participants)
    db.session.flush()
    audit.record(
        "participant.import",
        event,
        actor=actor,
        event_id=event.id,
        changes={"rows": [None, len(participants)], "file": [None, batch.filename]},
    )
    return len(participants)


# --- heads of delegation ------------------------------------------------------------------


def may_manage_delegation(user: User, roles: set, delegation: Delegation) -> bool:
    """Organisers manage every delegation; a head of delegation manages their own."""
    if Role.ORGANISER in roles:
        return True
    return (
        Role.HEAD_OF_DELEGATION in roles
        and delegation.head is not None
        and delegation.head.user_id == user.id
    )


def delegation_members(delegation: Delegation) -> list[Participant]:
    return list(
        db.session.scalars(
            sa.select(Participant)
            .where(Participant.delegation_id == delegation.id)
            .options(sa.orm.joinedload(Participant.organisation))
            .order_by(
                Participant.protocol_rank.is_(None),
                Participant.protocol_rank,
                Participant.family_name,
                Participant.given_name,
            )
        )
    )


def withdraw(participant: Participant, *, actor: User) -> None:
    if participant.status == Status.WITHDRAWN:
        return
    audit.record(
        "participant.status",
        participant,
        actor=actor,
        event_id=participant.event_id,
        changes={"status": [participant.status.value, Status.WITHDRAWN.value]},
    )
    participant.status = Status.WITHDRAWN
    db.session.flush()


def give_login(participant: Participant, *, actor: User) -> tuple[User, bool]:
    """An account for a member, with the delegate role, linked to their registration.

    Returns the account and whether it is new (and so needs an invitation to set a password).
    """
    if not participant.email:
        raise DomainError(_l("This member has no email address."))
    user = auth_services.get_user_by_email(participant.email)
    created = user is None
    if created:
        user = auth_services.create_user(
            participant.email, None, display_name=participant.latin_name
        )
    elif user.is_admin or auth_services.roles_for(user, participant.event) - {Role.DELEGATE}:
        # A head must not attach a registration to a team member's or another head's account.
        raise DomainError(
            _l(
                "An account with this email address already exists with other "
                "roles; ask the organisers to link it."
            )
        )
    auth_services.grant_role(user, participant.event, Role.DELEGATE, actor=actor)
    participant.user_id = user.id
    db.session.flush()
    return user, created


# --- privacy --------------------------------------------------------------------------------


def personal_data(participant: Participant) -> dict[str, Any]:
    """Everything stored about a participant, for their own download."""
    data: dict[str, Any] = {
        "event": participant.event.slug,
        "registered_at": participant.created_at.isoformat(),
        "status": participant.status.value,
        "status_reason": participant.status_reason,
        "category": participant.category.value,
        "delegation": participant.delegation.name_en if participant.delegation else "",
        **form_values(participant),
    }
    # Masked: whoever holds the link sees this, and organisers can change where it is sent.
    data.update(passport_view(participant, unmasked=False))
    data["has_photo"] = db.session.get(ParticipantPhoto, participant.id) is not None
    return data


def anonymise_event(event: Event, *, actor: User, today: date) -> int:
    """Erase names, contacts, travel and passport data of every participant once the event
    is over; country, category, organisation and status stay for the statistics."""
    if today <= event.ends_on:
        raise DomainError(_l("Participants can only be anonymised after the event has ended."))
    people = list(
        db.session.scalars(sa.select(Participant).where(Participant.event_id == event.id))
    )
    for person in people:
        person.family_name, person.given_name = "", f"#{person.id}"
        for name in (
            "native_name",
            "honorific",
            "position",
            "email",
            "phone",
            "dietary_notes",
            "accessibility_needs",
            "arrival_flight",
            "arrival_point",
            "departure_flight",
            "departure_point",
            "hotel",
            "status_reason",
            "search_text",
        ):
            setattr(person, name, "")
        for name in (
            "arrival_date",
            "arrival_at",
            "departure_date",
            "departure_at",
            "nationality_code",
            "date_of_birth_encrypted",
            "passport_number_encrypted",
            "passport_digest",
            "passport_expiry",
            "access_key_hash",
            "access_key_encrypted",
            "user_id",
        ):
            setattr(person, name, None)
        person.visa_letter_requested = False
    db.session.execute(
        sa.delete(ParticipantPhoto).where(
            ParticipantPhoto.participant_id.in_(
                sa.select(Participant.id).where(Participant.event_id == event.id)
            )
        )
    )
    # What else held their names: uploaded lists, and the details kept in the audit log.
    db.session.execute(sa.delete(ImportBatch).where(ImportBatch.event_id == event.id))
    db.session.execute(
        sa.update(AuditEntry)
        .where(AuditEntry.event_id == event.id, AuditEntry.object_type == "Participant")
        .values(changes={})
    )
    audit.record(
        "participant.anonymise",
        event,
        actor=actor,
        event_id=event.id,
        changes={"participants": [None, len(people)]},
    )
    db.session.flush()
    return len(people)
