"""The event's interpreters: a registered participant of category interpreter, or an
agency's interpreter known by name. Services flush, never commit."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.interpretation.models import Interpreter
from eventhub.interpretation.setups import codes
from eventhub.registration.languages import INTERPRETATION_LANGUAGES
from eventhub.registration.models import Category, Participant, Status

FIELDS = ("name", "email", "phone", "languages", "max_minutes_per_day", "rest_minutes", "note")
# Said changed in the audit log, never with their values: the log outlives an erasure.
PERSONAL = ("name", "email", "phone", "note")
MASK = "***"


def _masked(changes: dict) -> dict:
    """The audit changes with the personal values hidden (whether one was set or cleared
    still shows)."""
    return {
        key: [old and MASK, new and MASK] if key in PERSONAL else [old, new]
        for key, (old, new) in changes.items()
    }


class InterpreterInvalid(DomainError):
    def __init__(self, message, field: str) -> None:
        super().__init__(message)
        self.field = field


def interpreters(event) -> list[Interpreter]:
    return list(
        db.session.scalars(
            sa.select(Interpreter)
            .where(Interpreter.event_id == event.id)
            .options(sa.orm.selectinload(Interpreter.assignments))
            .order_by(sa.func.lower(Interpreter.name), Interpreter.id)
        )
    )


def registered_interpreters(event) -> list[Participant]:
    """The participants registered as interpreters (not withdrawn or rejected): the picker."""
    return list(
        db.session.scalars(
            sa.select(Participant)
            .where(
                Participant.event_id == event.id,
                Participant.category == Category.INTERPRETER,
                Participant.status.in_([Status.APPROVED, Status.PENDING]),
            )
            .order_by(Participant.sort_name, Participant.id)
        )
    )


def save_interpreter(event, interpreter: Interpreter | None, values: dict, *, actor=None):
    """Create or change an interpreter from `values` (languages a list of codes)."""
    languages = codes(",".join(values["languages"]))
    if len(languages) < 2:
        raise InterpreterInvalid(
            _l("Choose at least two languages: the ones they interpret between."), "languages"
        )
    unknown = [c for c in languages if c not in INTERPRETATION_LANGUAGES]
    if unknown:
        raise InterpreterInvalid(
            _("Unknown language code: %(codes)s.", codes=", ".join(unknown)), "languages"
        )
    participant_id = values.get("participant_id")
    if participant_id is not None:
        participant = db.session.scalar(
            sa.select(Participant).where(
                Participant.id == participant_id,
                Participant.event_id == event.id,
                Participant.category == Category.INTERPRETER,
            )
        )
        if participant is None:
            raise InterpreterInvalid(
                _l("Choose a participant registered as an interpreter in this event."),
                "participant_id",
            )
        taken = db.session.scalar(
            sa.select(Interpreter.id).where(
                Interpreter.event_id == event.id,
                Interpreter.participant_id == participant_id,
                Interpreter.id != (interpreter.id if interpreter else -1),
            )
        )
        if taken is not None:
            raise InterpreterInvalid(
                _l("This participant is on the list of interpreters already."), "participant_id"
            )
    new = {**{k: values[k] for k in FIELDS if k in values}, "languages": ",".join(languages)}
    new["participant_id"] = participant_id
    if interpreter is None:
        interpreter = Interpreter(event_id=event.id)
        db.session.add(interpreter)
        changes = {k: [None, v] for k, v in new.items()}
    else:
        changes = audit.diff(interpreter, new)
    for key, value in new.items():
        setattr(interpreter, key, value)
    db.session.flush()
    audit.record(
        "interpretation.interpreter",
        interpreter,
        actor=actor,
        event_id=event.id,
        changes=_masked(changes),
    )
    return interpreter


def delete_interpreter(interpreter: Interpreter, *, actor=None) -> None:
    audit.record(
        "interpretation.interpreter_delete",
        interpreter,
        actor=actor,
        event_id=interpreter.event_id,
        changes=_masked({"name": [interpreter.name, None]}),
    )
    db.session.delete(interpreter)
    db.session.flush()
