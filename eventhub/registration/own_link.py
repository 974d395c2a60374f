"""How participants reach their own registration (secret link or account) and see it as a form."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale, gettext

from eventhub import crypto
from eventhub.auth.models import User
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import localized
from eventhub.mail import send_mail
from eventhub.registration.models import Participant
from eventhub.web import external_url


def participants_of_user(event: Event, user: User) -> list[Participant]:
    """The participant records an account owns in an event (usually one)."""
    return list(
        db.session.scalars(
            sa.select(Participant)
            .where(Participant.event_id == event.id, Participant.user_id == user.id)
            .order_by(Participant.id)
        )
    )


def registrations_of_user(user: User) -> list[Participant]:
    """Every registration an account owns, the latest event first."""
    return list(
        db.session.scalars(
            sa.select(Participant)
            .join(Event, Event.id == Participant.event_id)
            .where(Participant.user_id == user.id)
            .options(sa.orm.joinedload(Participant.event))
            .order_by(Event.starts_on.desc(), Participant.id)
        )
    )


def has_registrations(user: User) -> bool:
    return (
        db.session.scalar(sa.select(Participant.id).where(Participant.user_id == user.id).limit(1))
        is not None
    )


def registered_with_email(event: Event, email: str) -> Participant | None:
    """The event's registration with this email address, in any letter case."""
    if not email:
        return None
    return db.session.scalar(
        sa.select(Participant)
        .where(
            Participant.event_id == event.id,
            sa.func.lower(Participant.email) == email.strip().lower(),
        )
        .order_by(Participant.id)
        .limit(1)
    )


def send_already_registered(participant: Participant) -> bool:
    """Someone registered again with this address: the link to the registration it already
    has goes to the address (not to whoever typed it), in the current language."""
    link = external_url(
        "registration.own_page", slug=participant.event.slug, key=access_key(participant)
    )
    with force_locale(participant.language):
        return send_mail(
            participant.email,
            gettext(
                "You are already registered for %(event)s",
                event=localized(participant.event, "name"),
            ),
            render_template("email/registration_again.txt", participant=participant, link=link),
        )


def send_confirmation(participant: Participant, key: str, position: int | None = None) -> bool:
    """Email the participant the link to their own page, in the current language, and
    their `position` on the waiting list when they are on it."""
    link = external_url("registration.own_page", slug=participant.event.slug, key=key)
    with force_locale(participant.language):
        return send_mail(
            participant.email,
            gettext("Your registration for %(event)s", event=localized(participant.event, "name")),
            render_template(
                "email/registration_confirmation.txt",
                participant=participant,
                link=link,
                position=position,
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
            "patronymic",
            "name_order",
            "passport_name",
            "native_name",
            "name_zh",
            "style",
            "honorific",
            "position",
            "position_zh",
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
    values["locale"] = participant.language  # the language they are written in
    return values
