"""What one activity offers in languages: the floor languages, the channels interpreted into,
the booths and the mode. Services flush, never commit."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.interpretation.models import InterpretationMode, InterpretationSetup
from eventhub.registration.languages import INTERPRETATION_LANGUAGES
from eventhub.scheduling.models import Activity

# Words in a room's equipment (scheduling Room.equipment) that mean interpretation booths.
BOOTH_WORDS = {"interpretation", "booth", "booths", "interpretation booths"}


class SetupInvalid(DomainError):
    """A rule of the set-up broken, said next to the field it names."""

    def __init__(self, message, field: str) -> None:
        super().__init__(message)
        self.field = field


def codes(text: str | None) -> list[str]:
    """The ISO 639 codes of a comma-separated column, in order, without blanks or repeats."""
    seen: list[str] = []
    for code in (text or "").split(","):
        code = code.strip().lower()
        if code and code not in seen:
            seen.append(code)
    return seen


def joined(values: Iterable[str]) -> str:
    return ",".join(codes(",".join(values)))


def language_name(code: str) -> str:
    """The language's name in the reader's language ('Lao', '老挝语'), else the code."""
    name = INTERPRETATION_LANGUAGES.get(code)
    return str(name) if name is not None else code


def setup_of(activity: Activity) -> InterpretationSetup | None:
    return db.session.get(InterpretationSetup, activity.id)


def setups_of(event) -> dict[int, InterpretationSetup]:
    """Every set-up of the event by activity id."""
    rows = db.session.scalars(
        sa.select(InterpretationSetup).where(InterpretationSetup.event_id == event.id)
    )
    return {setup.activity_id: setup for setup in rows}


def save_setup(activity: Activity, values: dict, *, actor=None) -> InterpretationSetup:
    """Create or change the activity's set-up from `values` (floor_languages and channels as
    lists of codes, booths, mode, headsets_needed, notes)."""
    floor, channels = (
        codes(",".join(values["floor_languages"])),
        codes(",".join(values["channels"])),
    )
    unknown = [c for c in floor + channels if c not in INTERPRETATION_LANGUAGES]
    if unknown:
        raise SetupInvalid(
            _("Unknown language code: %(codes)s.", codes=", ".join(unknown)), "channels"
        )
    if not floor:
        raise SetupInvalid(
            _l("Choose at least one language spoken on the floor."), "floor_languages"
        )
    both = [c for c in channels if c in floor]
    if both:
        raise SetupInvalid(
            _(
                "%(languages)s is spoken on the floor already; a channel in it is not needed.",
                languages=", ".join(language_name(c) for c in both),
            ),
            "channels",
        )
    setup = setup_of(activity)
    if setup is None:
        setup = InterpretationSetup(activity_id=activity.id, event_id=activity.event_id)
        db.session.add(setup)
        before: dict = {}
    else:
        before = {
            "floor_languages": setup.floor_languages,
            "channels": setup.channels,
            "booths": setup.booths,
            "mode": setup.mode.value,
        }
    setup.floor_languages, setup.channels = ",".join(floor), ",".join(channels)
    setup.booths = values["booths"]
    setup.mode = InterpretationMode(values["mode"])
    setup.headsets_needed = bool(values.get("headsets_needed", True))
    setup.notes = values.get("notes", "")
    db.session.flush()
    after = {
        "floor_languages": setup.floor_languages,
        "channels": setup.channels,
        "booths": setup.booths,
        "mode": setup.mode.value,
    }
    audit.record(
        "interpretation.setup",
        activity,
        actor=actor,
        event_id=activity.event_id,
        changes=audit.changed(before, after),
    )
    return setup


def booth_warnings(activity: Activity, setup: InterpretationSetup | None) -> list:
    """What the set-up lacks for its mode: a booth per channel for simultaneous, and a room
    with interpretation booths (the room's equipment says so)."""
    if setup is None or setup.mode != InterpretationMode.SIMULTANEOUS or not codes(setup.channels):
        return []
    found = []
    channels = len(codes(setup.channels))
    if setup.booths < channels:
        found.append(
            _(
                "Simultaneous interpretation needs a booth per channel: %(channels)d channels, "
                "%(booths)d booths.",
                channels=channels,
                booths=setup.booths,
            )
        )
    room = activity.room
    if room is not None:
        equipment = {w.strip().lower() for w in (room.equipment or "").split(",")}
        if not equipment & BOOTH_WORDS:
            found.append(
                _(
                    "The room %(room)s has no interpretation booths in its equipment: mobile "
                    "booths must be brought in, or choose another room.",
                    room=room.name_en,
                )
            )
    return found
