"""The organisers' forms for a trip edited or made by hand, and a shuttle series."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from eventhub.transport.models import TripKind
from eventhub.web import as_id

KIND_LABELS = {
    TripKind.PICKUP: _l("Pick-up"),
    TripKind.DROPOFF: _l("Drop-off"),
    TripKind.SHUTTLE: _l("Shuttle"),
    TripKind.VISIT: _l("Visit"),
}


def _coerce_id(value):
    """A vehicle's or escort's id, None for "—"; anything else (a number too large for a row,
    garbage) is refused by the field, never sent to the database."""
    if value in (None, "", "None"):
        return None
    found = as_id(value)
    if found is None:
        raise ValueError(value)
    return found


class TripEditForm(FlaskForm):
    vehicle = SelectField(_l("Vehicle"), coerce=_coerce_id, validate_choice=False)
    escort = SelectField(_l("Escort"), coerce=_coerce_id, validate_choice=False)
    day = DateField(_l("Day"), validators=[DataRequired()])
    departs = TimeField(_l("Departure (local time)"), validators=[DataRequired()])
    note = StringField(_l("Note for the driver"), validators=[Optional(), Length(max=300)])


class TripForm(TripEditForm):
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice(k.value, KIND_LABELS[k])
            for k in (TripKind.VISIT, TripKind.SHUTTLE, TripKind.PICKUP, TripKind.DROPOFF)
        ],
    )
    origin = StringField(
        _l("From"), validators=[DataRequired(), Length(max=200)], render_kw={"list": "places"}
    )
    destination = StringField(
        _l("To"), validators=[DataRequired(), Length(max=200)], render_kw={"list": "places"}
    )
    minutes = IntegerField(
        _l("Drive (minutes)"), default=40, validators=[DataRequired(), NumberRange(1, 600)]
    )


class ShuttleForm(FlaskForm):
    origin = StringField(
        _l("From"), validators=[DataRequired(), Length(max=200)], render_kw={"list": "places"}
    )
    destination = StringField(
        _l("To"), validators=[DataRequired(), Length(max=200)], render_kw={"list": "places"}
    )
    days = SelectMultipleField(_l("Days"), validators=[DataRequired()])
    first = TimeField(_l("First departure"), validators=[DataRequired()])
    last = TimeField(_l("Last departure"), validators=[DataRequired()])
    every = IntegerField(
        _l("Every (minutes)"), default=30, validators=[DataRequired(), NumberRange(5, 600)]
    )
    minutes = IntegerField(
        _l("Drive (minutes)"), default=20, validators=[DataRequired(), NumberRange(1, 600)]
    )
    vehicle = SelectField(_l("Vehicle"), coerce=_coerce_id, validate_choice=False)
