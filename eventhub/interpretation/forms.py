"""The organisers' forms: an activity's interpretation set-up and an interpreter."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from eventhub.interpretation.models import InterpretationMode
from eventhub.registration.languages import INTERPRETATION_LANGUAGES

MODE_LABELS = {
    InterpretationMode.SIMULTANEOUS: _l("Simultaneous (booths and headsets)"),
    InterpretationMode.CONSECUTIVE: _l("Consecutive (beside the speaker)"),
    InterpretationMode.WHISPERED: _l("Whispered (for one or two listeners)"),
}


def _languages() -> list[SelectChoice]:
    return [SelectChoice(code, name) for code, name in INTERPRETATION_LANGUAGES.items()]


class SetupForm(FlaskForm):
    floor_languages = SelectMultipleField(
        _l("Languages spoken on the floor"),
        choices=_languages,
        render_kw={"size": 10},
        validators=[DataRequired(_l("Choose at least one language spoken on the floor."))],
        description=_l("The languages speakers use. Hold Ctrl (⌘ on a Mac) to choose more."),
    )
    channels = SelectMultipleField(
        _l("Interpretation channels"),
        choices=_languages,
        render_kw={"size": 10},
        validators=[Optional()],
        description=_l("The languages interpreted into, one channel each."),
    )
    booths = IntegerField(
        _l("Booths"),
        default=0,
        validators=[InputRequired(), NumberRange(0, 20)],
        description=_l("Simultaneous interpretation needs a booth per channel."),
    )
    mode = SelectField(
        _l("Mode"), choices=[SelectChoice(m.value, label) for m, label in MODE_LABELS.items()]
    )
    headsets_needed = BooleanField(_l("Headsets are handed out at the door"), default=True)
    notes = StringField(_l("Notes"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Save the set-up"))

    def values(self) -> dict:
        return {
            "floor_languages": self.floor_languages.data or [],
            "channels": self.channels.data or [],
            "booths": self.booths.data,
            "mode": self.mode.data,
            "headsets_needed": bool(self.headsets_needed.data),
            "notes": (self.notes.data or "").strip(),
        }


class InterpreterForm(FlaskForm):
    participant_id = SelectField(
        _l("Registered participant"),
        choices=[],
        validators=[Optional()],
        description=_l("Optional: a participant registered in the category interpreter."),
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = StringField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])
    languages = SelectMultipleField(
        _l("Working languages"),
        choices=_languages,
        render_kw={"size": 10},
        validators=[DataRequired(_l("Choose the languages they interpret between."))],
        description=_l("Hold Ctrl (⌘ on a Mac) to choose more than one."),
    )
    max_minutes_per_day = IntegerField(
        _l("Most minutes of work a day"),
        default=360,
        validators=[InputRequired(), NumberRange(30, 720)],
    )
    rest_minutes = IntegerField(
        _l("Rest between two activities (minutes)"),
        default=30,
        validators=[InputRequired(), NumberRange(0, 240)],
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Save the interpreter"))

    def set_participants(self, participants) -> None:
        self.participant_id.choices = [SelectChoice("", _l("— Not registered (an agency's) —"))] + [
            SelectChoice(str(p.id), p.latin_name) for p in participants
        ]

    def values(self) -> dict:
        chosen = (self.participant_id.data or "").strip()
        return {
            "participant_id": int(chosen) if chosen.isdigit() else None,
            "name": self.name.data.strip(),
            "email": (self.email.data or "").strip(),
            "phone": (self.phone.data or "").strip(),
            "languages": self.languages.data or [],
            "max_minutes_per_day": self.max_minutes_per_day.data,
            "rest_minutes": self.rest_minutes.data,
            "note": (self.note.data or "").strip(),
        }
