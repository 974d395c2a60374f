"""A ceremony minute by minute: its settings, cues, signing times, and people needed elsewhere."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.ceremonies import seating
from eventhub.ceremonies.models import Agreement, AgreementParty, AgreementWitness
from eventhub.ceremonies.running_order import ceremony_agreements, settings_of
from eventhub.ceremonies.signed_record import signer, witness
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.i18n import clock_time, localized
from eventhub.scheduling.models import Activity, ActivityPerson

# Minutes per step of a signing (the organisers' usual timings).
# The run of show: (settings field, what happens). Minutes come from the ceremony's settings.
STEPS = [
    ("opening_minutes", _l("Master of ceremonies opens; principals take the stage")),
    ("remarks_minutes", _l("Remarks by the host and the guest of honour")),
]
SIGNING_STEPS = [
    ("sign_own_minutes", _l("Signatories sign their own originals")),
    ("exchange_minutes", _l("Assistants exchange the originals")),
    ("sign_other_minutes", _l("Signatories sign the other originals")),
    ("handshake_minutes", _l("Signatories exchange folders, shake hands; photo")),
]
CLOSING = ("closing_minutes", _l("Closing words and group photo"))
SETTING_LABELS = {
    "tables": _l("Signing tables (agreements signed at once)"),
    "opening_minutes": STEPS[0][1],
    "remarks_minutes": STEPS[1][1],
    **dict(SIGNING_STEPS),
    "closing_minutes": CLOSING[1],
}


def save_settings(ceremony: Activity, values: Mapping[str, Any], *, actor: User) -> None:
    """Tables signing at once and minutes per step (audited). The host side and the order
    within a rank are the stage's conventions: seating.save_conventions."""
    settings = settings_of(ceremony)
    changes: dict[str, list[Any]] = {}
    for name, label in SETTING_LABELS.items():
        raw = str(values.get(name, "")).strip()
        low, high = (1, 10) if name == "tables" else (0, 60)
        if not (raw.isdigit() and low <= int(raw) <= high):
            raise DomainError(
                _l(
                    "%(field)s: give a whole number from %(low)d to %(high)d.",
                    field=label,
                    low=low,
                    high=high,
                ),
                field=name,
            )
        if getattr(settings, name) != int(raw):
            changes[name] = [getattr(settings, name), int(raw)]
            setattr(settings, name, int(raw))
    db.session.add(settings)
    db.session.flush()
    if changes:
        audit.record(
            "ceremony.settings", ceremony, actor=actor, event_id=ceremony.event_id, changes=changes
        )


@dataclass
class Cue:
    starts_at: datetime
    minutes: int
    text: str  # in the reader's language
    agreements: list[Agreement] = dataclasses.field(default_factory=list)  # signed during this cue
    # Printed documents carry both languages, whoever prints them.
    text_en: str = ""
    text_zh: str = ""


def _in_both(make_text) -> tuple[str, str, str]:
    """`make_text()` in the reader's language, in English and in Chinese."""
    here = make_text()
    with force_locale("en"):
        en = make_text()
    with force_locale("zh_Hans"):
        zh = make_text()
    return here, en, zh


def batches(ceremony: Activity) -> list[list[Agreement]]:
    """The running order cut into signings: as many agreements at once as there are tables."""
    items = ceremony_agreements(ceremony)
    size = settings_of(ceremony).tables or 1
    return [items[start : start + size] for start in range(0, len(items), size)]


def run_of_show(ceremony: Activity) -> tuple[list[Cue], list[str]]:
    """Minute by minute, from the running order; and the checks that fail."""
    settings = settings_of(ceremony)
    cues: list[Cue] = []
    moment = ceremony.starts_at
    problems: list[str] = []
    if moment is None:
        return cues, [str(_l("The ceremony has no time yet."))]

    def add(minutes: int, make_text, signed: list[Agreement] | None = None) -> None:
        nonlocal moment
        here, en, zh = _in_both(make_text)
        cues.append(Cue(moment, minutes, here, signed or [], en, zh))
        moment = moment + timedelta(minutes=minutes)

    for field, text in STEPS:
        add(getattr(settings, field), text.__str__)
    previous: set[int] = set()
    done = 0
    for batch in batches(ceremony):
        problems += seating.batch_clashes(batch)  # one person at two tables at once
        here: set[int] = set()
        for agreement in batch:
            signatories = {p.signatory_id for p in agreement.parties if p.signatory_id}
            if previous & signatories and not here & signatories:  # else flagged above
                problems.append(
                    str(
                        _l(
                            "%(title)s follows an agreement with the same signatory: leave "
                            "time to move.",
                            title=agreement.title_en,
                        )
                    )
                )
            here |= signatories
        previous = here

        def label(batch=batch, first=done + 1) -> str:
            if len(batch) > 1:
                return str(
                    _l("Agreements %(first)d–%(last)d", first=first, last=first + len(batch) - 1)
                )
            return localized(batch[0], "title")

        done += len(batch)
        for field, text in SIGNING_STEPS:
            add(
                getattr(settings, field), lambda text=text, label=label: f"{label()}: {text}", batch
            )
    add(getattr(settings, CLOSING[0]), CLOSING[1].__str__)
    if ceremony.ends_at and moment > ceremony.ends_at:
        problems.append(
            str(
                _l(
                    "The run of show ends at %(end)s, after the ceremony's slot: %(n)d minutes too "
                    "long.",
                    end=clock_time(moment),
                    n=int((moment - ceremony.ends_at).total_seconds() // 60),
                )
            )
        )
    return cues, problems


def signing_times(ceremony: Activity) -> dict[int, str]:
    """When each agreement starts being signed, on the event's clock the one way the app
    writes times (for the press: the handshake and photo follow a few minutes later)."""
    times: dict[int, str] = {}
    for cue in run_of_show(ceremony)[0]:
        for agreement in cue.agreements:
            times.setdefault(agreement.id, clock_time(cue.starts_at))
    return times


def people_clashes(ceremony: Activity) -> list[str]:
    """Signatories and witnesses of this ceremony who are needed elsewhere at the time:
    another activity (as speaker, moderator or required VIP) or another ceremony."""
    if ceremony.starts_at is None:
        return []
    people: dict[int, str] = {}
    for agreement in ceremony_agreements(ceremony):
        for party in agreement.parties:
            if party.signatory_id and (person := signer(party)):
                people[party.signatory_id] = person.latin_name  # as signed, once signed
        for row in agreement.witnesses:
            people[row.participant_id] = witness(row).latin_name
    if not people:
        return []
    overlapping = (
        Activity.id != ceremony.id,
        Activity.starts_at < ceremony.ends_at,
        Activity.ends_at > ceremony.starts_at,
        Activity.event_id == ceremony.event_id,
    )
    found = []
    for person_id, title in db.session.execute(
        sa.select(ActivityPerson.participant_id, Activity.title_en)
        .join(Activity, Activity.id == ActivityPerson.activity_id)
        .where(ActivityPerson.participant_id.in_(people), *overlapping)
    ):
        found.append(
            str(
                _l(
                    "%(name)s is also needed at %(activity)s at the same time.",
                    name=people[person_id],
                    activity=title,
                )
            )
        )
    others = (
        sa.select(AgreementParty.signatory_id, Activity.title_en)
        .join(Agreement, Agreement.id == AgreementParty.agreement_id)
        .join(Activity, Activity.id == Agreement.ceremony_id)
        .where(AgreementParty.signatory_id.in_(people), *overlapping)
    )
    witnesses = (
        sa.select(AgreementWitness.participant_id, Activity.title_en)
        .join(Agreement, Agreement.id == AgreementWitness.agreement_id)
        .join(Activity, Activity.id == Agreement.ceremony_id)
        .where(AgreementWitness.participant_id.in_(people), *overlapping)
    )
    for person_id, title in [*db.session.execute(others), *db.session.execute(witnesses)]:
        found.append(
            str(
                _l(
                    "%(name)s is also needed at %(activity)s at the same time.",
                    name=people[person_id],
                    activity=title,
                )
            )
        )
    return sorted(set(found))
