"""The checkpoint form; uniqueness and times are checked in services.save_checkpoint."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
    widgets,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

DATETIME = {"type": "datetime-local"}


class CheckboxList(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CheckpointForm(FlaskForm):
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=200)])
    name_zh = StringField(_l("Name in Chinese"), validators=[Optional(), Length(max=200)])
    slug = StringField(
        _l("Short name for devices and the API"),
        description=_l("Lower-case letters, digits and hyphens, e.g. main-entrance."),
        validators=[
            DataRequired(),
            Length(min=2, max=64),
            Regexp(
                r"^(?=.*[a-z])[a-z0-9][a-z0-9-]*$",
                message=_l("Lower-case letters, digits and hyphens, with at least one letter."),
            ),
        ],
    )
    categories = CheckboxList(
        _l("Who may pass"), description=_l("None ticked: every category."), choices=[]
    )
    zone = StringField(
        _l("Badge zone required"),
        description=_l("e.g. V for the VIP lounge; empty: none."),
        validators=[Optional(), Length(max=10)],
    )
    activity_id = SelectField(_l("Activity behind this door"), choices=[], default="")
    enrolment_required = BooleanField(_l("Only people enrolled in that activity"))
    opens_at = StringField(_l("Opens (local time)"), render_kw=DATETIME)
    closes_at = StringField(_l("Closes (local time)"), render_kw=DATETIME)
    daily_opens = TimeField(
        _l("Opens each day at"),
        description=_l("Local time, e.g. 08:00; empty: no daily hours."),
        validators=[Optional()],
    )
    daily_closes = TimeField(_l("Closes each day at"), validators=[Optional()])
    direction = SelectField(
        _l("Scans here record"),
        choices=[
            ("entry", _l("Entries")),
            ("exit", _l("Exits")),
            ("both", _l("Entries and exits (the scanner chooses)")),
        ],
        default="entry",
    )
    capacity = IntegerField(
        _l("Places in the room"),
        description=_l("Entries are refused once this many are inside; empty: no limit."),
        validators=[Optional(), NumberRange(min=1, max=100000)],
    )
    reentry = BooleanField(
        _l("Re-entry allowed"),
        description=_l("Without it a person is admitted once a day; a second scan says when."),
    )
    active = BooleanField(_l("Open for scanning"), default=True)
    staff = CheckboxList(_l("Staff who scan here"), choices=[], coerce=int)


class GateDeviceForm(FlaskForm):
    """A gate device (a phone or tablet without anyone's login) for the whole event."""

    label = StringField(
        _l("Name of the device"),
        description=_l("As written on it, e.g. Gate A tablet 2."),
        validators=[DataRequired(), Length(max=200)],
    )
    all_checkpoints = BooleanField(_l("All checkpoints"), default=True)
    checkpoints = CheckboxList(
        _l("Or only these checkpoints"), coerce=int, choices=[], validators=[Optional()]
    )
