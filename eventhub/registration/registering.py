"""Registering and editing a participant: checked input, the photo, passport data encrypted."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from eventhub import crypto
from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.db import utcnow
from eventhub.directory.models import Organisation
from eventhub.directory.services import find_or_add_organisation
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import datetime_text, normalise_locale
from eventhub.registration import consent_fields, photo_crops, quotas
from eventhub.registration.models import (
    Delegation,
    Participant,
    PendingPhoto,
    Source,
    Status,
)
from eventhub.registration.own_link import new_access_key
from eventhub.registration.photos import PhotoInvalid, prepare_photo
from eventhub.registration.validation import check_registration
from eventhub.text import search_text


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
    "patronymic",
    "native_name",
    "name_zh",
    "honorific",
    "style",
    "name_order",
    "passport_name",
    "position",
    "position_zh",
    "email",
    "phone",
    "country_code",
    "category",
    "diet",
    "dietary_notes",
    "accessibility_needs",
    "interpretation_language",
    "locale",
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
                when=datetime_text(event.registration_opens_at, "long"),
            )
        )
    raise RegistrationClosed(
        _l(
            "Registration closed on %(when)s. Please contact the organising committee.",
            when=datetime_text(event.registration_closes_at, "long"),
        )
    )


# Where what is typed needs no second look: the public form, a head of delegation's and the
# partner API's new organisations wait for an organiser.
ORGANISER_SOURCES = frozenset({Source.IMPORT, Source.ORGANISER})


def register(
    event: Event,
    raw: Mapping[str, Any],
    *,
    source: Source,
    photo: bytes | None = None,
    actor: User | None = None,
    delegation: Delegation | None = None,
    photo_token: str | None = None,
    consents: consent_fields.Answers | None = None,
) -> tuple[Participant, str]:
    """A new participant from validated input; returns it and the secret of its own link.
    `consents`: the answers of the form's personal-data part, checked and recorded."""
    checked = check_registration(event, raw)
    prepared = _prepare_photo(photo, checked, photo_token)
    consent_fields.check(event, checked, consents, photo_added=prepared is not None)
    if not checked.ok:
        raise RegistrationInvalid(checked.errors, prepared)
    # The language of the page the person registered on (or their head of delegation, who
    # enters their own delegation's members); an organiser's form, a list or a client says it
    # in a language column, else the person is written to in English, never in the sender's.
    chosen = str(get_locale() or "en") if source in (Source.FORM, Source.DELEGATION) else ""
    participant = Participant(
        event_id=event.id, status=Status.PENDING, source=source, locale=chosen
    )
    if delegation is not None:
        checked.values["delegation_id"] = delegation.id
    apply_values(participant, checked.values, by_organiser=source in ORGANISER_SOURCES)
    key = new_access_key(participant)
    db.session.add(participant)
    db.session.flush()
    # A place when there is one, else the waiting list (the status says which).
    quotas.admit(participant, Status.PENDING)
    if prepared:
        _store_photo(participant, prepared)
    consent_fields.save(event, participant.id, consents)
    if actor is not None:
        audit.record(
            "participant.create",
            participant,
            actor=actor,
            event_id=event.id,
            changes={
                "name": [None, participant.latin_name],
                "source": [None, source],
                "status": [None, participant.status.value],
            },
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
    consents: consent_fields.Answers | None = None,
) -> dict[str, list[Any]]:
    """Apply an edit; returns the changes (recorded in the audit log).

    Organisers (`by_organiser`) may edit locked records and change the category. When a
    participant or their head of delegation changes who the person is after approval, the
    registration goes back to pending review: an approval is for the person approved.
    """
    if participant.erased_at is not None:  # whatever the page: nothing goes back into it
        raise DomainError(_l("This person's data has been erased: it can no longer be edited."))
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
    if not participant.locale and normalise_locale(str(raw.get("locale") or "")) == (
        participant.language
    ):
        raw.pop("locale", None)  # the language they are already written in: nothing moves
    checked = check_registration(participant.event, raw)
    prepared = _prepare_photo(photo, checked, photo_token)
    consent_fields.check(participant.event, checked, consents, photo_added=prepared is not None)
    if not checked.ok:
        raise RegistrationInvalid(checked.errors, prepared)
    consent_fields.save(participant.event, participant.id, consents)
    before = _snapshot(participant)
    apply_values(participant, checked.values, by_organiser=by_organiser)
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
    if {"country_code", "category"} & changes.keys() and participant.status in quotas.HOLDING:
        # The place left in the old country's or category's quota goes to who waits for it.
        # Going over the new one's is the organisers' decision (only they change these).
        quotas.fill_places(participant.event_id, actor=actor)
    return changes


# Changing these after approval sends a registration back to review.
IDENTITY_FIELDS = {
    "family_name",
    "given_name",
    "patronymic",
    "passport_name",
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


def keep_photo(photo: bytes | None, token: str | None) -> str | None:
    """A new photo checked and kept, not yet stored, for a step that asks before storing it:
    its token (the one already kept, when no file was chosen again), or None without one."""
    if photo:
        return _keep_pending(prepare_photo(photo))  # PhotoInvalid: said next to the field
    if token and len(token) <= 64:
        cutoff = utcnow() - timedelta(hours=PENDING_PHOTO_HOURS)
        kept = sa.select(PendingPhoto.id).where(
            PendingPhoto.token == token, PendingPhoto.created_at >= cutoff
        )
        if db.session.scalar(kept) is not None:
            return token
    return None


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
    photo_crops.store_photo(participant, prepared)


def apply_values(
    participant: Participant,
    values: dict[str, Any],
    organisations: dict[tuple[str, str], Organisation] | None = None,
    *,
    by_organiser: bool,
) -> None:
    """Copy checked values onto the participant, encrypting what must be. `organisations`
    caches organisation lookups across a batch. An organisation new to the directory waits
    for review unless an organiser typed or imported it."""
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
            participant.organisation = find_or_add_organisation(
                values["organisation"], country, pending=not by_organiser
            )
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
        participant.patronymic,
        participant.native_name,
        participant.name_zh,
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
