"""Forms for venues, rooms and activities."""

from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from eventhub.scheduling.activities import local_to_utc
from eventhub.scheduling.models import Access, ActivityState, ActivityType, ActivityVisibility
from eventhub.scheduling.solver_rules import usual_minutes
from eventhub.text import parse_clock

CLOCK_INVALID = _l("Give the time as hours and minutes, e.g. 14:30.")


class ClockField(TimeField):
    """A time of day typed as the grid's Move dialog reads it (14:30, 9:30 or 0930), with the
    dialog's message for anything else; shown as 14:30."""

    def process_formdata(self, valuelist):
        if not valuelist or not (valuelist[0] or "").strip():
            self.data = None
            return
        found = parse_clock(valuelist[0])
        if found is None:
            self.data = None
            raise ValueError(str(CLOCK_INVALID))
        self.data = time(*found)


TYPE_LABELS = {
    ActivityType.OPENING_CEREMONY: _l("Opening ceremony"),
    ActivityType.PLENARY: _l("Plenary"),
    ActivityType.FORUM: _l("Forum"),
    ActivityType.WORKSHOP: _l("Workshop"),
    ActivityType.SIGNING_CEREMONY: _l("Signing ceremony"),
    ActivityType.STUDY_TOUR: _l("Study tour"),
    ActivityType.CULTURAL_VISIT: _l("Cultural visit"),
    ActivityType.BANQUET: _l("Banquet"),
    ActivityType.BILATERAL_MEETING: _l("Bilateral meeting"),
}
ACCESS_LABELS = {
    Access.OPEN: _l("Open to all participants"),
    Access.REGISTRATION: _l("Enrolment required"),
    Access.INVITATION: _l("By invitation only"),
}
VISIBILITY_LABELS = {
    ActivityVisibility.PUBLIC: _l("Public: in the programme and its calendar feeds"),
    ActivityVisibility.PRIVATE: _l("Private: only organisers and the people concerned"),
}
STATE_LABELS = {
    ActivityState.DRAFT: _l("Draft"),
    ActivityState.PUBLISHED: _l("Published"),
    ActivityState.CANCELLED: _l("Cancelled"),
}


class VenueForm(FlaskForm):
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=200)])
    name_zh = StringField(_l("Name in Chinese"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=500)])
    on_site = BooleanField(_l("At the main venue (no travel)"), default=True)
    opens_at = ClockField(_l("Opens"), validators=[Optional()])
    closes_at = ClockField(_l("Closes"), validators=[Optional()])
    submit = SubmitField(_l("Add venue"))


class RoomForm(FlaskForm):
    venue_id = HiddenField()
    name_en = StringField(_l("Room name"), validators=[DataRequired(), Length(max=200)])
    name_zh = StringField(_l("Name in Chinese"), validators=[Optional(), Length(max=200)])
    capacity = IntegerField(_l("Seats"), validators=[InputRequired(), NumberRange(min=1)])
    layout = SelectField(
        _l("Layout"),
        choices=[
            SelectChoice("theatre", _l("Theatre")),
            SelectChoice("classroom", _l("Classroom")),
            SelectChoice("banquet", _l("Banquet")),
            SelectChoice("boardroom", _l("Boardroom")),
            SelectChoice("u_shape", _l("U-shape")),
        ],
    )
    equipment = StringField(
        _l("Equipment"), description=_l("Comma-separated, e.g. interpretation booths, stage, video")
    )
    submit = SubmitField(_l("Add room"))


class ActivityForm(FlaskForm):
    version = HiddenField()
    title_en = StringField(_l("Title in English"), validators=[Length(max=300)])
    title_zh = StringField(_l("Title in Chinese"), validators=[Length(max=300)])
    # No kind is taken for the organiser: an empty first choice, and a reason when it stays.
    type = SelectField(
        _l("Type"),
        choices=[
            SelectChoice("", _l("Choose a type…")),
            *(SelectChoice(t.value, label) for t, label in TYPE_LABELS.items()),
        ],
        validators=[InputRequired(message=_l("Choose the type of activity."))],
    )
    track = StringField(_l("Track or theme"), validators=[Length(max=100)])
    track_zh = StringField(_l("Track in Chinese"), validators=[Length(max=100)])
    day = DateField(_l("Day"), validators=[Optional()])
    start = ClockField(_l("Starts"), validators=[Optional()])
    end = ClockField(_l("Ends"), validators=[Optional()])
    duration_minutes = IntegerField(
        _l("Duration in minutes (for the scheduler)"),
        validators=[Optional()],
        description=_l(
            "Leave empty for the kind's usual length: tours and visits 180, banquets 120, "
            "forums, workshops and plenaries 90, an opening 60, a bilateral 45, a signing 30."
        ),
    )
    allowed_days = StringField(
        _l("Days the scheduler may use"),
        validators=[Length(max=200)],
        description=_l("Dates separated by commas, e.g. 2025-07-25, 2025-07-26; empty: any."),
    )
    required_equipment = StringField(
        _l("Equipment the room must have"),
        validators=[Length(max=300)],
        description=_l("Comma-separated, e.g. interpretation booths"),
    )
    room_id = SelectField(_l("Room"), coerce=str)
    capacity = IntegerField(
        _l("Seats offered"),
        validators=[Optional()],
        description=_l("Leave empty to offer every seat of the room."),
    )
    access = SelectField(
        _l("Access"), choices=[SelectChoice(a.value, label) for a, label in ACCESS_LABELS.items()]
    )
    visibility = SelectField(
        _l("Who sees it"),
        choices=[SelectChoice(v.value, label) for v, label in VISIBILITY_LABELS.items()],
        default=ActivityVisibility.PUBLIC.value,
        description=_l(
            "The people concerned: those invited or enrolled, its speakers, a ceremony's "
            "signatories and witnesses, and their heads of delegation."
        ),
    )
    state = SelectField(
        _l("State"), choices=[SelectChoice(s.value, label) for s, label in STATE_LABELS.items()]
    )
    # Asked when the activity has warnings (activity_warnings) and the save publishes it.
    publish_anyway = BooleanField(_l("Publish despite the warnings above"))
    description_en = TextAreaField(_l("Description in English"), render_kw={"rows": 3})
    description_zh = TextAreaField(_l("Description in Chinese"), render_kw={"rows": 3})
    submit = SubmitField(_l("Save"))

    def set_rooms(self, rooms) -> None:
        self.room_id.choices = [SelectChoice("", _l("No room yet"))] + [
            SelectChoice(str(r.id), f"{r.venue.name_en} · {r.name_en} ({r.capacity})")
            for r in rooms
        ]

    def show_domain_error(self, error) -> None:
        """The rules' messages next to the fields they concern."""
        targets = {"starts_at": "day", "ends_at": "end"}
        for name, messages in error.errors.items():
            field = self._fields.get(targets.get(name, name))
            if field is not None:
                field.errors = [*field.errors, *messages]

    def values(self, event) -> dict:
        """The form's input for the rules, with times made UTC."""
        starts = ends = None
        if self.day.data and self.start.data and self.end.data:
            starts = local_to_utc(event, self.day.data, self.start.data)
            ends = local_to_utc(event, self.day.data, self.end.data)
        elif self.day.data or self.start.data or self.end.data:
            starts, ends = "incomplete", None
        return {
            "title_en": self.title_en.data,
            "title_zh": self.title_zh.data,
            "type": self.type.data,
            "track": self.track.data,
            "track_zh": self.track_zh.data,
            "starts_at": starts,
            "ends_at": ends,
            # Left empty: the kind's usual length, not one length for every kind.
            "duration_minutes": self.duration_minutes.data or usual_minutes(self.type.data),
            "room_id": int(self.room_id.data) if (self.room_id.data or "").isdigit() else None,
            "capacity": self.capacity.data,
            "access": self.access.data,
            "visibility": self.visibility.data,
            "state": self.state.data,
            "description_en": self.description_en.data,
            "description_zh": self.description_zh.data,
            "allowed_days": self.allowed_days.data,
            "required_equipment": self.required_equipment.data,
        }
