"""Event settings and team forms."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from eventhub.auth.forms import email_field
from eventhub.auth.models import Role
from eventhub.events.models import DAY_HOURS, LUNCH, VIP_REST_MINUTES, configured
from eventhub.events.services import EVENT_FIELDS, PROGRAMME_FIELDS

# What a datetime-local input sends and shows (the first is what browsers accept).
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

# Roles given on the team page; delegates and heads of delegation come through registration.
TEAM_ROLES = (Role.ORGANISER, Role.VISA_OFFICER, Role.STAFF)
ROLE_LABELS = {
    Role.ORGANISER: _l("Organiser"),
    Role.STAFF: _l("Staff (scanning)"),
    Role.DELEGATE: _l("Delegate"),
    Role.HEAD_OF_DELEGATION: _l("Head of delegation"),
    Role.VISA_OFFICER: _l("Visa desk (sees passport data)"),
    Role.PARTNER: _l("Partner (API)"),
}


class EventForm(FlaskForm):
    slug = StringField(
        _l("Web address (slug)"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("Lower-case letters, digits and hyphens, e.g. caecw-2026."),
    )
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=200)])
    name_zh = StringField(_l("Name in Chinese"), validators=[DataRequired(), Length(max=200)])
    city_en = StringField(_l("City in English"), validators=[DataRequired(), Length(max=100)])
    city_zh = StringField(_l("City in Chinese"), validators=[Optional(), Length(max=100)])
    venue_address = TextAreaField(_l("Venue address"), validators=[Optional(), Length(max=500)])
    venue_address_zh = TextAreaField(
        _l("Venue address in Chinese"), validators=[Optional(), Length(max=500)]
    )
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])
    timezone = StringField(
        _l("Time zone"),
        default="Asia/Shanghai",
        validators=[DataRequired(), Length(max=64)],
        description=_l("Every time in this event is shown in this zone, e.g. Asia/Shanghai."),
    )
    registration_opens_at = DateTimeLocalField(
        _l("Online registration opens"),
        format=LOCAL_FORMATS,
        validators=[Optional()],
        description=_l("Local time of the event. Leave empty to keep registration closed."),
    )
    registration_closes_at = DateTimeLocalField(
        _l("Online registration closes"), format=LOCAL_FORMATS, validators=[Optional()]
    )
    letter_issuer_en = StringField(
        _l("Letters issued by (English)"),
        validators=[Optional(), Length(max=300)],
        description=_l("e.g. Organising Committee of the China-ASEAN Education Cooperation Week"),
    )
    letter_issuer_zh = StringField(
        _l("Letters issued by (Chinese)"), validators=[Optional(), Length(max=300)]
    )
    letter_signatory = StringField(_l("Signatory"), validators=[Optional(), Length(max=200)])
    letter_signatory_title_en = StringField(
        _l("Signatory's title (English)"), validators=[Optional(), Length(max=200)]
    )
    letter_signatory_title_zh = StringField(
        _l("Signatory's title (Chinese)"), validators=[Optional(), Length(max=200)]
    )
    letter_contact = TextAreaField(
        _l("Contact for the embassies"),
        validators=[Optional(), Length(max=500)],
        description=_l("Address, telephone and email printed under the letterhead."),
    )
    guest_notice_en = TextAreaField(
        _l("Notice to guests (English)"),
        validators=[Optional(), Length(max=4000)],
        description=_l("Shown on the event's page and on each delegate's own page."),
    )
    guest_notice_zh = TextAreaField(
        _l("Notice to guests (Chinese)"), validators=[Optional(), Length(max=4000)]
    )
    registration_help_en = TextAreaField(
        _l("Help above the registration form (English)"),
        validators=[Optional(), Length(max=4000)],
        description=_l("What to have at hand, whom to ask: read before filling in the form."),
    )
    registration_help_zh = TextAreaField(
        _l("Help above the registration form (Chinese)"),
        validators=[Optional(), Length(max=4000)],
    )
    email_note_en = TextAreaField(
        _l("Note in registration emails (English)"),
        validators=[Optional(), Length(max=4000)],
        description=_l(
            "Added to the registration confirmation and to the approval email (never to a refusal)."
        ),
    )
    email_note_zh = TextAreaField(
        _l("Note in registration emails (Chinese)"), validators=[Optional(), Length(max=4000)]
    )
    programme_opens_at = TimeField(
        _l("Programme starts each day at"),
        default=lambda: configured("DAY_HOURS", DAY_HOURS)[0],
        validators=[Optional()],
        description=_l("The scheduler places nothing earlier."),
    )
    programme_closes_at = TimeField(
        _l("Programme ends each day at"),
        default=lambda: configured("DAY_HOURS", DAY_HOURS)[1],
        validators=[Optional()],
        description=_l("Banquets keep to the evening."),
    )
    lunch_starts_at = TimeField(
        _l("Lunch from"), default=lambda: configured("LUNCH", LUNCH)[0], validators=[Optional()]
    )
    lunch_ends_at = TimeField(
        _l("Lunch until"),
        default=lambda: configured("LUNCH", LUNCH)[1],
        validators=[Optional()],
        description=_l("No session is placed over lunch."),
    )
    vip_rest_minutes = IntegerField(
        _l("VIPs' rest between two duties (minutes)"),
        default=lambda: configured("VIP_REST_MINUTES", VIP_REST_MINUTES),
        validators=[Optional(), NumberRange(min=0, max=120)],
    )
    submit = SubmitField(_l("Save"))

    @classmethod
    def for_event(cls, event) -> EventForm:
        """The form filled from `event`, with its instants shown on the event's clock.

        Not `obj=event`: WTForms prefers the object's attributes to any value given, and the
        stored UTC instants would then be shown (and saved back) as local times."""
        zone = ZoneInfo(event.timezone)
        values = {name: getattr(event, name) for name in EVENT_FIELDS}
        for name in ("registration_opens_at", "registration_closes_at"):
            if values[name]:
                values[name] = values[name].astimezone(zone).replace(tzinfo=None)
        return cls(data=values)

    def data_for_service(self) -> dict:
        data = {name: self[name].data for name in EVENT_FIELDS}
        try:
            zone = ZoneInfo((self.timezone.data or "").strip())
        except (ValueError, ZoneInfoNotFoundError):
            zone = None  # the service names the bad time zone
        for name in ("registration_opens_at", "registration_closes_at"):
            data[name] = data[name].replace(tzinfo=zone) if data[name] and zone else None
        for key, value in data.items():
            if isinstance(value, str):
                data[key] = value.strip()
        for name in (
            "city_zh",
            "venue_address",
            "venue_address_zh",
            "letter_issuer_en",
            "letter_issuer_zh",
            "letter_signatory",
            "letter_signatory_title_en",
            "letter_signatory_title_zh",
            "letter_contact",
            "guest_notice_en",
            "guest_notice_zh",
            "registration_help_en",
            "registration_help_zh",
            "email_note_en",
            "email_note_zh",
        ):
            data[name] = data[name] or ""
        for name in PROGRAMME_FIELDS:  # left empty: the event keeps its own
            if data[name] is None:
                del data[name]
        return data


class NextEditionForm(FlaskForm):
    """The new edition's address, names and dates; everything else is the source's."""

    slug = StringField(
        _l("Web address (slug)"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("Lower-case letters, digits and hyphens, e.g. caecw-2026."),
    )
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=200)])
    name_zh = StringField(_l("Name in Chinese"), validators=[DataRequired(), Length(max=200)])
    starts_on = DateField(
        _l("First day"),
        validators=[InputRequired()],
        description=_l("Every time in the programme and at the checkpoints moves by as many days."),
    )
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])
    submit = SubmitField(_l("Copy as the next edition"))

    def data_for_service(self) -> dict:
        return {
            "slug": (self.slug.data or "").strip(),
            "name_en": (self.name_en.data or "").strip(),
            "name_zh": (self.name_zh.data or "").strip(),
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
        }


class TeamMemberForm(FlaskForm):
    email = email_field()
    display_name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role.value, ROLE_LABELS[role]) for role in TEAM_ROLES],
        default=Role.STAFF.value,
        validators=[DataRequired()],
    )
    submit = SubmitField(_l("Add to team"))
