"""The demo's interpretation: the opening ceremony and the plenaries in Chinese and English
on the floor, a channel for each ASEAN delegation's language, a booth per channel, and twelve
interpreters (two a booth) on a rota that keeps every rule. One gap is left on purpose: the
Burmese team is away for the closing plenary, so the Myanmar delegation is flagged there."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.interpretation import rota
from eventhub.interpretation.models import (
    InterpretationMode,
    InterpretationSetup,
    Interpreter,
    InterpreterAssignment,
)
from eventhub.scheduling.models import Activity, ActivityType

FLOOR = "zh,en"
CHANNELS = ["lo", "km", "my", "vi", "th", "id"]
# The closing plenary goes without Burmese: the gap the programme's pages flag.
WITHOUT = {"Closing Plenary and Guiyang Initiative": {"my"}}
# Two a booth, each working Chinese and English into their own language.
INTERPRETERS = [
    ("Vongsa Phommachanh", "lo", "+856 20 5555 0101"),
    ("Khamla Sisavath", "lo", "+856 20 5555 0102"),
    ("Sokha Chan", "km", "+855 12 555 0201"),
    ("Dara Kim", "km", "+855 12 555 0202"),
    ("Aung Ko Ko", "my", "+95 9 555 0301"),
    ("Thandar Win", "my", "+95 9 555 0302"),
    ("Nguyen Thi Lan", "vi", "+84 912 555 401"),
    ("Tran Van Minh", "vi", "+84 912 555 402"),
    ("Siriporn Chaiyaporn", "th", "+66 81 555 0501"),
    ("Anan Srisuk", "th", "+66 81 555 0502"),
    ("Dewi Lestari", "id", "+62 812 5555 0601"),
    ("Budi Santoso", "id", "+62 812 5555 0602"),
]


def build_interpretation(event: Event, report: list[str]) -> None:
    """Set up the event's opening ceremony and plenaries, its interpreters and their rota;
    what exists already is kept (idempotent)."""
    activities = list(
        db.session.scalars(
            sa.select(Activity)
            .where(
                Activity.event_id == event.id,
                Activity.type.in_([ActivityType.OPENING_CEREMONY, ActivityType.PLENARY]),
                Activity.starts_at.is_not(None),
            )
            .order_by(Activity.starts_at)
        )
    )
    setups = 0
    for activity in activities:
        if db.session.get(InterpretationSetup, activity.id) is not None:
            continue
        channels = [c for c in CHANNELS if c not in WITHOUT.get(activity.title_en, set())]
        db.session.add(
            InterpretationSetup(
                activity_id=activity.id,
                event_id=event.id,
                floor_languages=FLOOR,
                channels=",".join(channels),
                booths=len(channels),
                mode=InterpretationMode.SIMULTANEOUS,
                headsets_needed=True,
                notes="Booths in the Grand Hall gallery; technician on channel 0.",
            )
        )
        setups += 1
    db.session.flush()
    known = {
        i.name: i
        for i in db.session.scalars(sa.select(Interpreter).where(Interpreter.event_id == event.id))
    }
    for name, language, phone in INTERPRETERS:
        if name not in known:
            known[name] = Interpreter(
                event_id=event.id,
                name=name,
                languages=f"{language},zh,en",
                phone=phone,
                email=f"{name.lower().replace(' ', '.')}@interpreters.example",
                max_minutes_per_day=300,
                # The agency's contract: a quarter of an hour between two sessions in the hall.
                rest_minutes=15,
                note="Agency: Guiyang Conference Interpreting",
            )
            db.session.add(known[name])
    db.session.flush()
    assigned = 0
    for activity in activities:
        setup = db.session.get(InterpretationSetup, activity.id)
        taken = set(
            db.session.scalars(
                sa.select(InterpreterAssignment.interpreter_id).filter_by(activity_id=activity.id)
            )
        )
        for name, language, _phone in INTERPRETERS:
            person = known[name]
            if person.id in taken or language not in setup.channels.split(","):
                continue
            try:
                rota.assign(event, activity, person, language)
            except rota.RotaRefused as refused:  # a programme changed by hand since
                report.append(f"Interpretation: {name} not on {activity.title_en}: {refused}")
                continue
            assigned += 1
    report.append(
        f"Interpretation of {event.slug}: {setups} activities set up, "
        f"{len(known)} interpreters, {assigned} assignments."
    )
