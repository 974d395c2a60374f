"""The matchmaking forms: a profile, and a request for a meeting."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    SelectChoice,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import Length, Optional

from eventhub.matchmaking.topics import TOPICS


class TopicBoxes(SelectMultipleField):
    """The topics as checkboxes (unknown values refused by the field's own choices)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _id_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class ProfileForm(FlaskForm):
    organisation_id = SelectField(
        _l("Organisation"),
        coerce=_id_or_none,
        validate_choice=False,  # checked by the service, with a clear message
    )
    topics = TopicBoxes(
        _l("Topics"), choices=[SelectChoice(key, label) for key, label in TOPICS.items()]
    )
    offers = TextAreaField(
        _l("What the organisation offers"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Programmes, facilities, expertise: what partners could gain."),
    )
    seeks = TextAreaField(
        _l("What the organisation seeks"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Partners, exchanges, projects it hopes to find this week."),
    )
    representative_id = SelectField(
        _l("Representative at the meetings"),
        coerce=_id_or_none,
        validate_choice=False,
        description=_l(
            "An approved participant of the organisation; their programme bounds the meeting times."
        ),
    )
    submit = SubmitField(_l("Save profile"))

    def show_domain_error(self, error) -> None:
        """Every mistake the rules found, next to its field."""
        for name, messages in error.errors.items():
            field = self._fields.get(name)
            if field is not None:
                field.errors = [*field.errors, *messages]


class RequestForm(FlaskForm):
    from_profile_id = SelectField(_l("On behalf of"), coerce=_id_or_none, validate_choice=False)
    topics = TopicBoxes(
        _l("Topics to meet on"), choices=[SelectChoice(key, label) for key, label in TOPICS.items()]
    )
    note = TextAreaField(
        _l("Note to the other organisation"), validators=[Optional(), Length(max=1000)]
    )
    submit = SubmitField(_l("Request a meeting"))
