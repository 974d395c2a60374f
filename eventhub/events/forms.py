"""Event settings and team forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from eventhub.auth.forms import email_field
from eventhub.auth.models import Role
from eventhub.events.services import EVENT_FIELDS

# Roles given on the team page; delegates and heads of delegation come through registration.
TEAM_ROLES = (Role.ORGANISER, Role.STAFF)
ROLE_LABELS = {
    Role.ORGANISER: _l("Organiser"),
    Role.STAFF: _l("Staff (scanning)"),
    Role.DELEGATE: _l("Delegate"),
    Role.HEAD_OF_DELEGATION: _l("Head of delegation"),
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
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])
    timezone = StringField(
        _l("Time zone"),
        default="Asia/Shanghai",
        validators=[DataRequired(), Length(max=64)],
        description=_l("Every time in this event is shown in this zone, e.g. Asia/Shanghai."),
    )
    submit = SubmitField(_l("Save"))

    def data_for_service(self) -> dict:
        data = {name: self[name].data for name in EVENT_FIELDS}
        for key, value in data.items():
            if isinstance(value, str):
                data[key] = value.strip()
        data["city_zh"] = data["city_zh"] or ""
        data["venue_address"] = data["venue_address"] or ""
        return data


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
