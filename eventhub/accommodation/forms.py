"""The organisers' forms for hotels, room types, the rank rule, block imports and a guest's
rooming preference. The blocks grid is read cell by cell (see setup_views.read_grid)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from eventhub.accommodation.models import RoomClass
from eventhub.registration.reading import ENCODINGS

CLASS_LABELS = {
    RoomClass.SUITE: _l("Suite"),
    RoomClass.EXECUTIVE: _l("Executive room"),
    RoomClass.STANDARD: _l("Standard room"),
}


class HotelForm(FlaskForm):
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=200)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])
    email = StringField(
        _l("Reservations email"),
        validators=[Optional(), Email(), Length(max=254)],
        description=_l("Rooming lists are sent to this address."),
    )
    drive_minutes = IntegerField(
        _l("Minutes by road from the airport"),
        default=40,
        validators=[DataRequired(), NumberRange(0, 600)],
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Save the hotel"))

    def values(self) -> dict:
        return {
            name: (self[name].data or "").strip() if name != "drive_minutes" else self[name].data
            for name in ("name_en", "name_zh", "address", "phone", "email", "drive_minutes", "note")
        }


class RoomTypeForm(FlaskForm):
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=120)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[Optional(), Length(max=120)])
    room_class = SelectField(
        _l("Room class"),
        choices=[SelectChoice(c.value, label) for c, label in CLASS_LABELS.items()],
    )
    beds = IntegerField(
        _l("Guests per room"), default=1, validators=[DataRequired(), NumberRange(1, 4)]
    )
    accessible = BooleanField(_l("Accessible (step-free, wide door, accessible bathroom)"))
    submit = SubmitField(_l("Save the room type"))

    def values(self) -> dict:
        return {
            "name_en": self.name_en.data.strip(),
            "name_zh": (self.name_zh.data or "").strip(),
            "room_class": RoomClass(self.room_class.data),
            "beds": self.beds.data,
            "accessible": bool(self.accessible.data),
        }


class SettingsForm(FlaskForm):
    suite_up_to = IntegerField(
        _l("Suite for ranks up to level"), validators=[DataRequired(), NumberRange(0, 99)]
    )
    executive_up_to = IntegerField(
        _l("Executive room for ranks up to level"),
        validators=[DataRequired(), NumberRange(0, 99)],
        description=_l("Every lower rank, and anyone without a rank, gets a standard room."),
    )
    submit = SubmitField(_l("Save the rule"))


class BlocksImportForm(FlaskForm):
    file = FileField(
        _l("Blocks (CSV or Excel .xlsx, .xls)"),
        description=_l(
            "Columns: hotel, room type, night, rooms, rate, currency, cut-off. With the "
            "columns class and beds too, an unknown room type of a hotel of the event is "
            "created (hotels are added on the Hotels page)."
        ),
        render_kw={
            "accept": ".csv,.xlsx,.xls,text/csv,application/vnd.openxmlformats-officedocument"
            ".spreadsheetml.sheet,application/vnd.ms-excel",
            "required": True,
        },
    )
    encoding = SelectField(
        _l("Encoding of a CSV file"),
        choices=[("", _l("Detect it"))] + list(ENCODINGS.items()),
        default="",
        description=_l("If the hotels' names come out garbled, choose how the file is saved."),
    )
    submit = SubmitField(_l("Import the blocks"))

    def validate(self, extra_validators=None) -> bool:  # noqa: ARG002
        ok = super().validate()
        if not (self.file.data and getattr(self.file.data, "filename", "")):
            self.file.errors = [*self.file.errors, _l("Choose a file.")]
            return False
        return ok


class PreferenceForm(FlaskForm):
    share_with = SelectField(_l("Share a room with"), coerce=str, validate_choice=False)
    accessible = BooleanField(_l("Needs an accessible room"))
    hotel = SelectField(_l("Hotel wished"), coerce=str, validate_choice=False)
    room_class = SelectField(
        _l("Room class"),
        choices=[SelectChoice("", _l("As the rank gives"))]
        + [SelectChoice(c.value, label) for c, label in CLASS_LABELS.items()],
        description=_l("Only to override the class the protocol rank gives."),
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Save the rooming preference"))
