"""The organisers' forms for the fleet: vehicles and their shifts, escorts, the planner's
rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from eventhub.scheduling.forms import ClockField
from eventhub.transport.models import VehicleKind

KIND_LABELS = {
    VehicleKind.CAR: _l("Car (protocol car of one guest of rank)"),
    VehicleKind.VAN: _l("Van"),
    VehicleKind.MINIBUS: _l("Minibus"),
    VehicleKind.COACH: _l("Coach"),
}
SHORT_KIND_LABELS = {
    VehicleKind.CAR: _l("Car"),
    VehicleKind.VAN: _l("Van"),
    VehicleKind.MINIBUS: _l("Minibus"),
    VehicleKind.COACH: _l("Coach"),
}
DRIVER_LOCALES = [SelectChoice("zh_Hans", "中文"), SelectChoice("en", "English")]


class VehicleForm(FlaskForm):
    label = StringField(
        _l("Plate or fleet number"),
        validators=[DataRequired(), Length(max=60)],
        description=_l("What drivers and escorts know the vehicle by."),
    )
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()]
    )
    seats = IntegerField(
        _l("Passenger seats (driver not counted)"),
        validators=[DataRequired(), NumberRange(min=1, max=80)],
    )
    driver_name = StringField(_l("Driver's name"), validators=[Optional(), Length(max=120)])
    driver_phone = StringField(_l("Driver's phone"), validators=[Optional(), Length(max=50)])
    driver_email = EmailField(
        _l("Driver's email"),
        validators=[Optional(), Email(), Length(max=254)],
        description=_l("Changes to the driver's trips are mailed here."),
    )
    driver_locale = SelectField(_l("Driver's language"), choices=DRIVER_LOCALES)
    available = BooleanField(_l("Available (the planner may use it)"), default=True)
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Save the vehicle"))


class ShiftForm(FlaskForm):
    day = DateField(_l("Day"), validators=[DataRequired()])
    starts = ClockField(_l("From"), validators=[DataRequired()])
    ends = ClockField(
        _l("Until"),
        validators=[DataRequired()],
        description=_l("A time before the start ends the next morning."),
    )
    driver_name = StringField(
        _l("Driver then (if not the usual one)"), validators=[Optional(), Length(max=120)]
    )
    driver_phone = StringField(_l("Driver's phone"), validators=[Optional(), Length(max=50)])
    driver_email = EmailField(
        _l("Driver's email"), validators=[Optional(), Email(), Length(max=254)]
    )
    add = SubmitField(_l("Add the shift"))


class EscortForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])
    email = EmailField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    languages = StringField(
        _l("Languages besides Chinese"),
        validators=[Optional(), Length(max=60)],
        description=_l("Codes separated by spaces, e.g. “lo en”: matched to the guest's."),
    )
    available = BooleanField(_l("Available"), default=True)
    submit = SubmitField(_l("Save the escort"))


class SettingsForm(FlaskForm):
    own_car_up_to = SelectField(
        _l("A car of their own with a protocol escort, for ranks up to"),
        coerce=int,
        description=_l("Guests at this rank or more senior ride alone with an escort."),
    )
    max_wait_minutes = IntegerField(
        _l("Longest wait after landing (minutes)"),
        validators=[DataRequired(), NumberRange(min=10, max=240)],
    )
    meet_minutes = IntegerField(
        _l("Minutes from landing to the kerb"),
        validators=[Optional(), NumberRange(min=0, max=239)],
        description=_l("Immigration and bags: the earliest a vehicle leaves after landing."),
    )
    submit = SubmitField(_l("Save the rules"))

    def validate_meet_minutes(self, field) -> None:
        if (field.data or 0) >= (self.max_wait_minutes.data or 0):
            raise ValidationError(_l("Must be shorter than the longest wait."))
