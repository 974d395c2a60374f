"""The form of the retention page: days per kind of data (one field per kind, read by
`days_from`), and the confirmation of an erasure. Both carry the CSRF token."""

from __future__ import annotations

from flask_babel import format_number
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField

from eventhub.privacy import kinds
from eventhub.privacy.kinds import Kind


def field_name(kind: Kind) -> str:
    return f"days-{kind.value}"


class RetentionForm(FlaskForm):
    submit = SubmitField(_l("Save how long data is kept"))

    @staticmethod
    def days_from(form) -> tuple[dict[Kind, int], dict[str, str], dict[str, str]]:
        """(days by kind, what was typed by field, errors by field)."""
        wanted: dict[Kind, int] = {}
        typed: dict[str, str] = {}
        errors: dict[str, str] = {}
        for kind in Kind:
            name = field_name(kind)
            raw = (form.get(name) or "").strip()
            typed[name] = raw
            if raw.isascii() and raw.isdigit() and int(raw) <= kinds.MAX_DAYS:
                wanted[kind] = int(raw)
            else:
                errors[name] = str(
                    _l(
                        "Enter a whole number of days from 0 to %(max)s.",
                        max=format_number(kinds.MAX_DAYS),
                    )
                )
        return wanted, typed, errors


class EraseForm(FlaskForm):
    submit = SubmitField(_l("Erase it now"))
