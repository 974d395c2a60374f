"""The seating forms: tables added in numbers, a table's edit, a guest's move by keyboard
(or by the pointer: the page's script fills and sends the same form), the plan's settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from eventhub.seating.models import TableShape

SHAPE_LABELS = {
    TableShape.ROUND: _l("Round"),
    TableShape.LONG: _l("Long (guests on both sides)"),
    TableShape.HEAD: _l("Head table (one row facing the room)"),
}


class Finite:
    """A real number: "NaN", "sNaN" and infinities stop here, before NumberRange compares
    them (a signalling NaN raises on comparison)."""

    def __call__(self, form, field) -> None:
        if field.data is not None and not field.data.is_finite():
            raise StopValidation(_l("Give a number between 0 and 100."))


def shape_choices() -> list[tuple[str, str]]:
    return [(shape.value, label) for shape, label in SHAPE_LABELS.items()]


class AddTablesForm(FlaskForm):
    count = IntegerField(
        _l("How many tables"), default=1, validators=[InputRequired(), NumberRange(1, 200)]
    )
    shape = SelectField(_l("Shape"), choices=shape_choices, default=TableShape.ROUND.value)
    seats = IntegerField(
        _l("Seats at each"), default=10, validators=[InputRequired(), NumberRange(1, 60)]
    )
    submit = SubmitField(_l("Add the tables"))


class TableForm(FlaskForm):
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=100)])
    name_zh = StringField(_l("Name in Chinese"), validators=[Optional(), Length(max=100)])
    shape = SelectField(_l("Shape"), choices=shape_choices)
    seats = IntegerField(_l("Seats"), validators=[InputRequired(), NumberRange(1, 60)])
    x = DecimalField(
        _l("Across the room, in percent"),
        places=1,
        validators=[InputRequired(), Finite(), NumberRange(0, 100)],
        description=_l("0 is the left wall, 100 the right wall."),
    )
    y = DecimalField(
        _l("Down the room, in percent"),
        places=1,
        validators=[InputRequired(), Finite(), NumberRange(0, 100)],
        description=_l("0 is the stage end, 100 the far end."),
    )
    submit = SubmitField(_l("Save the table"))


class RemoveTableForm(FlaskForm):
    confirm = BooleanField(_l("Remove it even though guests sit there (they become unseated)"))
    submit = SubmitField(_l("Remove the table"))


class MoveForm(FlaskForm):
    participant_id = SelectField(_l("Guest"), validators=[DataRequired()])
    table = SelectField(_l("Table"), validators=[DataRequired()])
    seat = IntegerField(_l("Seat"), validators=[InputRequired(), NumberRange(1, 60)])
    # The plan's version the page showed: a move from a stale page is refused.
    version = HiddenField()
    submit = SubmitField(_l("Move"))


class PositionForm(FlaskForm):
    x = DecimalField(validators=[InputRequired(), Finite(), NumberRange(0, 100)])
    y = DecimalField(validators=[InputRequired(), Finite(), NumberRange(0, 100)])


class SettingsForm(FlaskForm):
    host_country_code = StringField(
        _l("Host country (two-letter code)"),
        validators=[DataRequired(), Length(min=2, max=2)],
        description=_l("Its participants are the host side, seated at every table."),
    )
    host_id = SelectField(_l("Host"), validators=[Optional()])
    guest_of_honour_id = SelectField(_l("Guest of honour"), validators=[Optional()])
    interpreters_behind = BooleanField(
        _l("Interpreters sit on a chair behind their principal (else in the next seat)")
    )
    submit = SubmitField(_l("Save the settings"))


class CreatePlanForm(FlaskForm):
    activity_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Create plan"))
