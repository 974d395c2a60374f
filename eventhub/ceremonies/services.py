"""Rules for agreements: at least two parties, signatories of the party's organisation, a
workflow that skips no step, and what still blocks each agreement from being signed."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.ceremonies.models import (
    WORKFLOW,
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementScan,
    AgreementStatus,
    AgreementTransition,
    AgreementWitness,
    CeremonyMaterial,
    CeremonySettings,
)
from eventhub.db import utcnow
from eventhub.directory.models import Organisation
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import localized
from eventhub.registration.exports import Sheet
from eventhub.registration.models import Participant, Status
from eventhub.registration.validation import INTERPRETATION_LANGUAGES
from eventhub.scheduling.models import Activity, ActivityPerson, ActivityType
from eventhub.text import clean

STATUS_LABELS = {
    AgreementStatus.PROPOSED: _l("Proposed"),
    AgreementStatus.TEXT_AGREED: _l("Text agreed"),
    AgreementStatus.LEGALLY_REVIEWED: _l("Legally reviewed"),
    AgreementStatus.APPROVED: _l("Approved for signing"),
    AgreementStatus.ORIGINALS_READY: _l("Originals printed and bound"),
    AgreementStatus.SIGNED: _l("Signed"),
    AgreementStatus.ARCHIVED: _l("Archived"),
}
FIELD_LABELS = {
    "title_en": _l("Title in English"),
    "title_zh": _l("Title in Chinese"),
    "kind": _l("Kind"),
    "field": _l("Field"),
    "notes": _l("Notes"),
    "ceremony_id": _l("Signing ceremony"),
    "languages": _l("Language versions"),
    "prevailing_language": _l("Prevailing language"),
    "originals": _l("Originals"),
    "parties": _l("Parties"),
}
KIND_LABELS = {
    AgreementKind.MOU: _l("Memorandum of understanding"),
    AgreementKind.FRAMEWORK: _l("Framework agreement"),
    AgreementKind.COOPERATION: _l("Cooperation agreement"),
    AgreementKind.LETTER_OF_INTENT: _l("Letter of intent"),
}


def ceremonies_of(event: Event) -> list[Activity]:
    return list(
        db.session.scalars(
            sa.select(Activity)
            .where(Activity.event_id == event.id, Activity.type == ActivityType.SIGNING_CEREMONY)
            .order_by(Activity.starts_at.nulls_last(), Activity.title_en)
        )
    )


def _details(event: Event, values: Mapping[str, Any]) -> dict[str, Any]:
    """The checked fields of an agreement form (shared by creating and editing)."""
    title = clean(values.get("title_en"))
    if not title:
        raise DomainError(_l("Give the agreement a title."), field="title_en")
    for name, limit in (("title_en", 400), ("title_zh", 400), ("field", 100)):
        if len(clean(values.get(name))) > limit:
            raise DomainError(
                _l("%(field)s: at most %(n)d characters.", field=FIELD_LABELS[name], n=limit),
                field=name,
            )
    try:
        kind = AgreementKind(values.get("kind") or AgreementKind.MOU)
    except ValueError:
        raise DomainError(_l("Choose a kind of agreement."), field="kind") from None
    ceremony_id = values.get("ceremony_id")
    if ceremony_id and ceremony_id not in {c.id for c in ceremonies_of(event)}:
        raise DomainError(
            _l("There is no such signing ceremony in this event."), field="ceremony_id"
        )
    given = values.get("languages")
    languages = [code for code in dict.fromkeys(["en", "zh"] if given is None else given) if code]
    unknown = [code for code in languages if code not in INTERPRETATION_LANGUAGES]
    if unknown or not languages:
        raise DomainError(_l("Choose the language versions from the list."), field="languages")
    prevailing = values.get("prevailing_language") or languages[0]
    if prevailing not in languages:
        raise DomainError(
            _l("The prevailing language must be one of the language versions."),
            field="prevailing_language",
        )
    originals = str(values.get("originals") or "").strip()
    if originals and not (originals.isdigit() and 1 <= int(originals) <= 50):
        raise DomainError(
            _l("Give the number of originals as a whole number (or leave it empty)."),
            field="originals",
        )
    return {
        "title_en": title,
        "title_zh": clean(values.get("title_zh")),
        "kind": kind,
        "field": clean(values.get("field")),
        "notes": (values.get("notes") or "").strip(),
        "ceremony_id": ceremony_id or None,
        "languages": ",".join(languages),
        "prevailing_language": prevailing,
        "originals": int(originals) if originals else None,
    }


def _parties(organisation_ids: Iterable[int], originals: int | None) -> list[int]:
    wanted = [i for i in dict.fromkeys(organisation_ids) if i]
    found = set(db.session.scalars(sa.select(Organisation.id).where(Organisation.id.in_(wanted))))
    wanted = [i for i in wanted if i in found]
    if len(wanted) < 2:
        raise DomainError(
            _l("An agreement needs at least two parties (organisations)."), field="parties"
        )
    if originals is not None and originals < len(wanted):
        raise DomainError(
            _l("Each party keeps at least one original: print %(n)d or more.", n=len(wanted)),
            field="originals",
        )
    return wanted


def create_agreement(
    event: Event, values: Mapping[str, Any], organisation_ids: Iterable[int], *, actor: User
) -> Agreement:
    """A proposed agreement between two or more organisations."""
    details = _details(event, values)
    wanted = _parties(organisation_ids, details["originals"])
    agreement = Agreement(event_id=event.id, **details)
    for position, organisation_id in enumerate(wanted, start=1):
        agreement.parties.append(AgreementParty(organisation_id=organisation_id, position=position))
    db.session.add(agreement)
    db.session.flush()
    audit.record(
        "agreement.create",
        agreement,
        actor=actor,
        event_id=event.id,
        changes={"title": [None, details["title_en"]], "parties": [None, len(wanted)]},
    )
    return agreement


# Once the originals are printed, what is printed on them cannot change without going back a
# step (and reprinting); once signed, only the notes can.
PRINTED_FIELDS = ("title_en", "title_zh", "kind", "languages", "prevailing_language", "originals")


def locked_fields(agreement: Agreement) -> set[str]:
    position = WORKFLOW.index(agreement.status)
    locked: set[str] = set()
    if position >= WORKFLOW.index(AgreementStatus.ORIGINALS_READY):
        locked |= {*PRINTED_FIELDS, "parties"}
    if position >= WORKFLOW.index(AgreementStatus.SIGNED):
        locked |= {"field", "ceremony_id"}
    return locked


def update_agreement(
    agreement: Agreement,
    values: Mapping[str, Any],
    organisation_ids: Iterable[int],
    *,
    actor: User,
) -> dict[str, list[Any]]:
    """Change an agreement's details and parties; a party that stays keeps its signatory.
    Returns what changed."""
    event = db.session.get(Event, agreement.event_id)
    details = _details(event, values)
    wanted = _parties(organisation_ids, details["originals"])
    changes: dict[str, list[Any]] = {}
    for name, value in details.items():
        before = getattr(agreement, name)
        if before != value:
            changes[name] = [
                getattr(before, "value", before),
                getattr(value, "value", value),
            ]
    current = [party.organisation_id for party in agreement.parties]
    if current != wanted:
        changes["parties"] = [current, wanted]
    refused = sorted(set(changes) & locked_fields(agreement))
    if refused:
        raise DomainError(
            _l(
                "At “%(status)s” this can no longer change: %(fields)s. Go back a step first.",
                status=STATUS_LABELS[agreement.status],
                fields=", ".join(str(FIELD_LABELS[name]) for name in refused),
            )
        )
    if "ceremony_id" in changes:
        agreement.running_order = None  # it joins the end of the other ceremony's order
    for name, value in details.items():
        setattr(agreement, name, value)
    if "parties" in changes:
        kept = {party.organisation_id: party for party in agreement.parties}
        agreement.parties = [
            kept.get(organisation_id) or AgreementParty(organisation_id=organisation_id)
            for organisation_id in wanted
        ]
        for position, party in enumerate(agreement.parties, start=1):
            party.position = position
    db.session.flush()
    if changes:
        audit.record(
            "agreement.update", agreement, actor=actor, event_id=agreement.event_id, changes=changes
        )
    return changes


def set_signatory(
    party: AgreementParty, participant: Participant | None, *, actor: User
) -> list[str]:
    """Name who signs for a party; returns warnings (refused only across events)."""
    warnings = []
    if participant is not None:
        if participant.event_id != party.agreement.event_id:
            raise DomainError(_l("There is no such participant in this event."))
        if participant.organisation_id != party.organisation_id:
            warnings.append(
                str(
                    _l(
                        "%(name)s is not from %(organisation)s; check that they may sign for it.",
                        name=participant.latin_name,
                        organisation=party.organisation.name_en,
                    )
                )
            )
    party.signatory = participant
    party.signatory_id = participant.id if participant else None
    _record_party_person("agreement.signatory", party, participant, actor)
    return warnings


def _record_party_person(
    action: str, party: AgreementParty, participant: Participant | None, actor: User
) -> None:
    db.session.flush()
    audit.record(
        action,
        party.agreement,
        actor=actor,
        event_id=party.agreement.event_id,
        changes={
            party.organisation.name_en: [None, participant.latin_name if participant else None]
        },
    )


def set_assistant(party: AgreementParty, participant: Participant | None, *, actor: User) -> None:
    """Who hands the originals to the signatory and exchanges them at the table."""
    if participant is not None and participant.event_id != party.agreement.event_id:
        raise DomainError(_l("There is no such participant in this event."))
    if participant is not None and participant.id == party.signatory_id:
        raise DomainError(_l("The signatory cannot also be their own signing assistant."))
    if party.assistant_id == (participant.id if participant else None):
        return
    party.assistant = participant
    _record_party_person("agreement.assistant", party, participant, actor)


def add_witness(agreement: Agreement, participant: Participant, *, actor: User) -> None:
    if participant.event_id != agreement.event_id:
        raise DomainError(_l("There is no such participant in this event."))
    if any(w.participant_id == participant.id for w in agreement.witnesses):
        return
    agreement.witnesses.append(AgreementWitness(participant_id=participant.id))
    db.session.flush()
    audit.record(
        "agreement.witness",
        agreement,
        actor=actor,
        event_id=agreement.event_id,
        changes={"witness": [None, participant.latin_name]},
    )


def advance(agreement: Agreement, to_status: AgreementStatus, *, actor: User) -> None:
    """Take the next step of the workflow (or one step back to correct a mistake)."""
    here = WORKFLOW.index(agreement.status)
    there = WORKFLOW.index(to_status)
    if (
        there == here + 1
        and to_status == AgreementStatus.SIGNED
        and not _signatories_set(agreement)
    ):
        raise DomainError(_l("Name a signatory for every party first."))
    if there == here + 1 and to_status == AgreementStatus.ARCHIVED and scan_of(agreement) is None:
        raise DomainError(_l("Upload the scan of the signed copy first."))
    if there not in (here + 1, here - 1):
        raise DomainError(
            _l(
                "From %(current)s the agreement can only go to %(next)s; steps cannot be skipped.",
                current=STATUS_LABELS[agreement.status],
                next=STATUS_LABELS[WORKFLOW[here + 1]] if here + 1 < len(WORKFLOW) else "—",
            )
        )
    agreement.transitions.append(
        AgreementTransition(
            from_status=agreement.status, to_status=to_status, user_id=actor.id, actor=actor.email
        )
    )
    agreement.status = to_status
    db.session.flush()
    audit.record(
        "agreement.status",
        agreement,
        actor=actor,
        event_id=agreement.event_id,
        changes={"status": [WORKFLOW[here].value, to_status.value]},
    )


SCAN_MAX_BYTES = 15 * 1024 * 1024


def attach_scan(agreement: Agreement, data: bytes, filename: str, *, actor: User) -> AgreementScan:
    """File the scan of the signed copy: a PDF, checked by reading it, not by its name."""
    import io

    from pypdf import PdfReader

    if WORKFLOW.index(agreement.status) < WORKFLOW.index(AgreementStatus.SIGNED):
        raise DomainError(_l("Only a signed agreement has a signed copy to file."), field="scan")
    if not data:
        raise DomainError(_l("Choose the PDF file of the scan."), field="scan")
    if len(data) > SCAN_MAX_BYTES:
        raise DomainError(
            _l("The scan is larger than 15 MB. Scan at a lower resolution."), field="scan"
        )
    try:
        if not data.startswith(b"%PDF-"):
            raise ValueError("not a PDF")
        pages = len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # a malformed upload may fail anywhere in the parser
        pages = 0
    if pages < 1:
        raise DomainError(_l("This file is not a readable PDF document."), field="scan")
    scan = db.session.get(AgreementScan, agreement.id) or AgreementScan(agreement_id=agreement.id)
    scan.content, scan.size, scan.pages = data, len(data), pages
    scan.filename = clean(filename)[:200] or "scan.pdf"
    scan.user_id, scan.uploaded_at = actor.id, utcnow()
    db.session.add(scan)
    db.session.flush()
    audit.record(
        "agreement.scan",
        agreement,
        actor=actor,
        event_id=agreement.event_id,
        changes={"scan": [None, f"{scan.filename} ({pages} pages)"]},
    )
    return scan


def remove_scan(agreement: Agreement, *, actor: User) -> None:
    """Withdraw a scan filed by mistake (the wrong agreement, a page missing). An archived
    agreement keeps its scan: take it back to "signed" first."""
    scan = db.session.get(AgreementScan, agreement.id)
    if scan is None:
        raise DomainError(_l("No scan of the signed copy has been filed yet."))
    if agreement.status == AgreementStatus.ARCHIVED:
        raise DomainError(
            _l("An archived agreement keeps its scan. Take it back to “Signed” first.")
        )
    audit.record(
        "agreement.scan",
        agreement,
        actor=actor,
        event_id=agreement.event_id,
        changes={"scan": [f"{scan.filename} ({scan.pages} pages)", None]},
    )
    db.session.delete(scan)
    db.session.flush()


def scan_of(agreement: Agreement) -> AgreementScan | None:
    return db.session.scalar(
        sa.select(AgreementScan)
        .where(AgreementScan.agreement_id == agreement.id)
        .options(sa.orm.defer(AgreementScan.content))
    )


def _signatories_set(agreement: Agreement) -> bool:
    return all(party.signatory_id for party in agreement.parties)


def blockers(agreement: Agreement, *, now: datetime) -> list[str]:
    """What still stands between this agreement and its signature at the ceremony."""
    found: list[str] = []
    if len(agreement.parties) < 2:
        found.append(str(_l("Fewer than two parties.")))
    position = WORKFLOW.index(agreement.status)
    if position < WORKFLOW.index(AgreementStatus.TEXT_AGREED):
        found.append(str(_l("Text not agreed.")))
    ceremony = agreement.ceremony
    starts = ceremony.starts_at if ceremony else None
    for party in agreement.parties:
        person = party.signatory
        if person is None:
            found.append(
                str(
                    _l(
                        "No signatory for %(organisation)s.",
                        organisation=party.organisation.name_en,
                    )
                )
            )
            continue
        if person.status != Status.APPROVED:
            found.append(str(_l("Signatory %(name)s is not approved.", name=person.latin_name)))
        if starts and person.arrival_at and person.arrival_at > starts:
            found.append(
                str(_l("Signatory %(name)s arrives after the ceremony.", name=person.latin_name))
            )
    if ceremony is None:
        found.append(str(_l("Not yet in a signing ceremony.")))
    elif starts and starts <= now:
        if position < WORKFLOW.index(AgreementStatus.SIGNED):
            found.append(str(_l("The ceremony has begun; the signature is not recorded yet.")))
    elif (
        starts
        and position < WORKFLOW.index(AgreementStatus.ORIGINALS_READY)
        and starts - now < timedelta(hours=24)
    ):
        found.append(str(_l("Originals not printed, less than 24 hours before the ceremony.")))
    return found


def agreements_query(
    event: Event,
    *,
    status: str = "",
    country: str = "",
    field: str = "",
    ceremony: int | None = None,
) -> sa.Select:
    query = (
        sa.select(Agreement)
        .where(Agreement.event_id == event.id)
        .options(
            sa.orm.selectinload(Agreement.parties).joinedload(AgreementParty.organisation),
            sa.orm.selectinload(Agreement.parties).joinedload(AgreementParty.signatory),
            sa.orm.selectinload(Agreement.witnesses),
            sa.orm.joinedload(Agreement.ceremony),
        )
        .order_by(
            Agreement.ceremony_id.nulls_last(),
            Agreement.running_order.nulls_last(),
            Agreement.title_en,
        )
    )
    if status in AgreementStatus.__members__.values():
        query = query.where(Agreement.status == AgreementStatus(status))
    if field:
        query = query.where(Agreement.field == field)
    if ceremony:
        query = query.where(Agreement.ceremony_id == ceremony)
    if country:
        query = query.where(
            Agreement.id.in_(
                sa.select(AgreementParty.agreement_id)
                .join(Organisation)
                .where(Organisation.country_code == country.upper()[:2])
            )
        )
    return query


# --- the ceremony: running order and run of show ----------------------------------------------

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


def settings_of(ceremony: Activity) -> CeremonySettings:
    """The ceremony's settings, or the defaults (not saved) when none were set."""
    found = db.session.get(CeremonySettings, ceremony.id)
    if found is not None:
        return found
    defaults = CeremonySettings(ceremony_id=ceremony.id)
    for column in CeremonySettings.__table__.columns:
        if column.default is not None and getattr(defaults, column.key) is None:
            setattr(defaults, column.key, column.default.arg)
    return defaults


def save_settings(ceremony: Activity, values: Mapping[str, Any], *, actor: User) -> None:
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
    host_left = values.get("host_left", "left") != "right"
    if settings.host_left != host_left:
        changes["host_left"] = [settings.host_left, host_left]
        settings.host_left = host_left
    db.session.add(settings)
    db.session.flush()
    if changes:
        audit.record(
            "ceremony.settings", ceremony, actor=actor, event_id=ceremony.event_id, changes=changes
        )


def ceremony_agreements(ceremony: Activity) -> list[Agreement]:
    return list(
        db.session.scalars(
            sa.select(Agreement)
            .where(Agreement.ceremony_id == ceremony.id)
            .options(
                sa.orm.selectinload(Agreement.parties).joinedload(AgreementParty.signatory),
                sa.orm.selectinload(Agreement.parties)
                .joinedload(AgreementParty.organisation)
                .joinedload(Organisation.country),
                sa.orm.selectinload(Agreement.parties).joinedload(AgreementParty.assistant),
                sa.orm.selectinload(Agreement.witnesses).joinedload(AgreementWitness.participant),
            )
            .order_by(Agreement.running_order.nulls_last(), Agreement.id)
        )
    )


def _precedence(agreement: Agreement) -> tuple[int, int]:
    """The most senior person signing or witnessing: lower ranks go first."""
    ranks = [
        p.signatory.protocol_rank
        for p in agreement.parties
        if p.signatory and p.signatory.protocol_rank
    ]
    ranks += [
        w.participant.protocol_rank for w in agreement.witnesses if w.participant.protocol_rank
    ]
    return (min(ranks) if ranks else 99, agreement.id)


def _renumber(ceremony: Activity, items: list[Agreement], changes: dict, actor: User) -> None:
    for position, agreement in enumerate(items, start=1):
        agreement.running_order = position
    db.session.flush()
    audit.record(
        "ceremony.order", ceremony, actor=actor, event_id=ceremony.event_id, changes=changes
    )


def order_by_precedence(ceremony: Activity, *, actor: User) -> list[Agreement]:
    """Propose the running order: highest-ranking witness or signatory first."""
    items = sorted(ceremony_agreements(ceremony), key=_precedence)
    _renumber(ceremony, items, {"order": [None, "protocol precedence"]}, actor)
    return items


def move_in_order(ceremony: Activity, agreement: Agreement, offset: int, *, actor: User) -> None:
    """Move an agreement one place up (-1) or down (+1) in the running order."""
    items = ceremony_agreements(ceremony)
    if agreement not in items:
        raise DomainError(_l("This agreement is not in this ceremony."))
    index = items.index(agreement)
    target = index + offset
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    _renumber(ceremony, items, {"moved": [None, agreement.title_en]}, actor)


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
    event = db.session.get(Event, ceremony.event_id)
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
        here: set[int] = set()
        for agreement in batch:
            signatories = {p.signatory_id for p in agreement.parties if p.signatory_id}
            if here & signatories:
                problems.append(
                    str(
                        _l(
                            "%(title)s is signed at the same time as another agreement with the "
                            "same signatory.",
                            title=agreement.title_en,
                        )
                    )
                )
            elif previous & signatories:
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
                    end=moment.astimezone(ZoneInfo(event.timezone)).strftime("%H:%M"),
                    n=int((moment - ceremony.ends_at).total_seconds() // 60),
                )
            )
        )
    return cues, problems


def signing_times(ceremony: Activity) -> dict[int, str]:
    """When each agreement starts being signed, as HH:MM in the event's time zone (for the
    press: the handshake and photo follow a few minutes later)."""
    zone = ZoneInfo(db.session.get(Event, ceremony.event_id).timezone)
    times: dict[int, str] = {}
    for cue in run_of_show(ceremony)[0]:
        for agreement in cue.agreements:
            times.setdefault(agreement.id, cue.starts_at.astimezone(zone).strftime("%H:%M"))
    return times


def people_clashes(ceremony: Activity) -> list[str]:
    """Signatories and witnesses of this ceremony who are needed elsewhere at the time:
    another activity (as speaker, moderator or required VIP) or another ceremony."""
    if ceremony.starts_at is None:
        return []
    people: dict[int, str] = {}
    for agreement in ceremony_agreements(ceremony):
        for party in agreement.parties:
            if party.signatory:
                people[party.signatory.id] = party.signatory.latin_name
        for witness in agreement.witnesses:
            people[witness.participant_id] = witness.participant.latin_name
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


def agreements_sheet(event: Event):
    """All agreements as rows for a spreadsheet."""
    items = db.session.scalars(agreements_query(event)).unique().all()
    header = [
        "id",
        "title_en",
        "title_zh",
        "kind",
        "field",
        "status",
        "ceremony",
        "running_order",
        "parties",
        "signatories",
        "witnesses",
    ]
    rows = [
        [
            a.id,
            a.title_en,
            a.title_zh,
            a.kind.value,
            a.field,
            a.status.value,
            a.ceremony.title_en if a.ceremony else "",
            a.running_order or "",
            "; ".join(
                f"{p.organisation.name_en} ({p.organisation.country_code})" for p in a.parties
            ),
            "; ".join(p.signatory.latin_name if p.signatory else "—" for p in a.parties),
            "; ".join(w.participant.latin_name for w in a.witnesses),
        ]
        for a in items
    ]
    return Sheet(str(_l("Agreements")), header, rows)


# Stage plans. As the audience sees the stage, Chinese practice seats the host on the left and
# the guest on the right; some hosts follow the opposite (Western) custom, hence the option.
# Behind the table stand the witnesses and the signatories' delegation leaders, each behind
# their own side, the most senior nearest the centre, in rows of STANDING_PER_SIDE a side.
STANDING_PER_SIDE = 3


@dataclass
class StageSeat:
    party: AgreementParty
    role: str  # "signatory" or "assistant"
    person: Participant | None


@dataclass
class StagePlan:
    agreement: Agreement
    table: list[StageSeat]  # left to right as the audience sees it
    standing_assistants: list[StageSeat]  # assistants of the parties in the middle stand behind
    # Standing behind the table, the first row nearest to it; left to right, each row
    # STANDING_PER_SIDE places a side, None where a side has no one left.
    rows: list[list[Participant | None]]
    host_left: bool

    @property
    def flags(self) -> list[str]:
        """Table flags, left to right: one per signatory's party."""
        return [
            seat.party.organisation.country_code for seat in self.table if seat.role == "signatory"
        ]

    @property
    def name_plates(self) -> list[Participant]:
        return [s.person for s in self.table if s.role == "signatory" and s.person is not None]

    @property
    def standing(self) -> int:
        return sum(1 for row in self.rows for p in row if p is not None)


def delegation_leaders(agreements: list[Agreement]) -> dict[int, list[Participant]]:
    """By delegation: its approved members holding a protocol rank, the people who stand
    behind their delegation's signatory. One query for a whole ceremony."""
    delegations = {
        p.signatory.delegation_id
        for a in agreements
        for p in a.parties
        if p.signatory is not None and p.signatory.delegation_id
    }
    if not delegations:
        return {}
    leaders: dict[int, list[Participant]] = {}
    for person in db.session.scalars(
        sa.select(Participant)
        .where(
            Participant.delegation_id.in_(delegations),
            Participant.status == Status.APPROVED,
            Participant.protocol_rank.is_not(None),
        )
        .order_by(Participant.protocol_rank, Participant.id)
    ):
        leaders.setdefault(person.delegation_id, []).append(person)
    return leaders


def _side_of(person: Participant, parties: list[AgreementParty]) -> int:
    """The party a standing person belongs behind: their organisation's, else their
    country's; a third country's witness stands on the host's side."""
    for index, party in enumerate(parties):
        if person.organisation_id == party.organisation_id:
            return index
    for index, party in enumerate(parties):
        if person.country_code == party.organisation.country_code:
            return index
    return 0


def stage_plan(
    agreement: Agreement,
    *,
    host_left: bool = True,
    leaders: dict[int, list[Participant]] | None = None,
) -> StagePlan:
    """Who sits and stands where for one signing. `leaders` (from delegation_leaders) adds
    the signatories' delegation leaders to the witnesses standing behind."""
    parties = list(agreement.parties) if host_left else list(reversed(agreement.parties))
    table: list[StageSeat] = []
    standing_assistants: list[StageSeat] = []
    last = len(parties) - 1
    for index, party in enumerate(parties):
        signatory = StageSeat(party, "signatory", party.signatory)
        assistant = StageSeat(party, "assistant", party.assistant)
        if index == 0:  # the assistants stand at the signatories' outer sides
            table += [assistant, signatory]
        elif index == last:
            table += [signatory, assistant]
        else:
            table.append(signatory)
            standing_assistants.append(assistant)

    on_table = {seat.person.id for seat in table + standing_assistants if seat.person}
    behind: dict[int, Participant] = {}
    for witness in agreement.witnesses:
        behind.setdefault(witness.participant_id, witness.participant)
    for party in agreement.parties:
        if party.signatory is not None and party.signatory.delegation_id and leaders:
            for person in leaders.get(party.signatory.delegation_id, []):
                behind.setdefault(person.id, person)
    host, guests = [], []
    in_order = list(agreement.parties)  # position 1, the host, first
    for person in sorted(
        (p for p in behind.values() if p.id not in on_table),
        key=lambda p: (p.protocol_rank or 99, p.latin_name),
    ):
        (host if _side_of(person, in_order) == 0 else guests).append(person)
    left, right = (host, guests) if host_left else (guests, host)
    rows: list[list[Participant | None]] = []
    width = STANDING_PER_SIDE
    for start in range(0, max(len(left), len(right)), width):
        # The most senior of each side nearest the centre: the left side fills leftwards.
        left_part = left[start : start + width]
        right_part = right[start : start + width]
        row: list[Participant | None] = [None] * (width - len(left_part))
        row += list(reversed(left_part))
        row += right_part + [None] * (width - len(right_part))
        rows.append(row)
    return StagePlan(agreement, table, standing_assistants, rows, host_left)


@dataclass
class MaterialLine:
    key: str
    item: str
    quantity: int
    detail: str
    record: CeremonyMaterial | None = None

    @property
    def ready(self) -> bool:
        return bool(self.record and self.record.ready)

    @property
    def prepared_by(self) -> str:
        return self.record.prepared_by if self.record else ""


def _party_label(party: AgreementParty) -> str:
    return f"{party.organisation.name_en} ({party.organisation.country_code})"


def materials(ceremony: Activity) -> list[MaterialLine]:
    """What the ceremony needs, counted from its agreements, with who prepares each line.
    The originals follow the alternat rule: each party's own original names that party first
    and has its signatory sign in the first position."""
    agreements = ceremony_agreements(ceremony)
    signatories = {p.signatory_id for a in agreements for p in a.parties if p.signatory_id}
    originals = sum(a.originals or len(a.parties) for a in agreements)
    countries = dict(
        sorted(
            (p.organisation.country_code, p.organisation.country.name_en)
            for a in agreements
            for p in a.parties
        )
    )
    lines = [
        MaterialLine(
            "folders",
            str(_l("Signing folders")),
            originals,
            str(_l("One per original")),
        ),
        MaterialLine(
            "pens",
            str(_l("Signing pens")),
            len(signatories) + 2,
            str(_l("One per signatory, two spare")),
        ),
        MaterialLine(
            "plates",
            str(_l("Name plates (tent cards)")),
            len(signatories),
            str(_l("One per signatory")),
        ),
        *(
            MaterialLine(
                f"flag:{code}",
                str(_l("Table flag with stand: %(country)s", country=name)),
                1,
                str(_l("Swapped between signings")),
            )
            for code, name in countries.items()
        ),
        MaterialLine(
            "gifts",
            str(_l("Gifts for the parties")),
            sum(len(a.parties) for a in agreements),
            str(_l("One per party")),
        ),
        MaterialLine("backdrop", str(_l("Backdrop with the ceremony title")), 1, ""),
    ]
    for number, agreement in enumerate(agreements, start=1):
        for party in agreement.parties:
            others = [_party_label(p) for p in agreement.parties if p is not party]
            signer = (
                party.signatory.latin_name if party.signatory else str(_l("signatory not named"))
            )
            lines.append(
                MaterialLine(
                    f"original:{agreement.id}:{party.id}",
                    str(
                        _l(
                            "%(n)d. Original for %(party)s",
                            n=number,
                            party=_party_label(party),
                        )
                    ),
                    1,
                    str(
                        _l(
                            "Names %(party)s first, then %(others)s; "
                            "%(signer)s signs in the first position.",
                            party=party.organisation.name_en,
                            others=", ".join(others),
                            signer=signer,
                        )
                    ),
                )
            )
        extra = (agreement.originals or 0) - len(agreement.parties)
        if extra > 0:
            lines.append(
                MaterialLine(
                    f"extra:{agreement.id}",
                    str(_l("%(n)d. Additional originals", n=number)),
                    extra,
                    str(_l("Host's order of parties")),
                )
            )
    stored = {
        m.key: m
        for m in db.session.scalars(
            sa.select(CeremonyMaterial).where(CeremonyMaterial.ceremony_id == ceremony.id)
        )
    }
    for line in lines:
        line.record = stored.get(line.key)
    return lines


def save_materials(
    ceremony: Activity, changes: Mapping[str, tuple[str, bool]], *, actor: User
) -> int:
    """Record who prepares which line and whether it is ready; returns how many changed."""
    lines = {line.key: line for line in materials(ceremony)}
    changed: dict[str, list[Any]] = {}
    for key, (prepared_by, ready) in changes.items():
        line = lines.get(key)
        if line is None:
            continue  # a line that went away since the page was loaded (agreement moved)
        prepared_by = clean(prepared_by)[:200]
        if (line.prepared_by, line.ready) == (prepared_by, ready):
            continue
        record = line.record or CeremonyMaterial(ceremony_id=ceremony.id, key=key)
        changed[key] = [[line.prepared_by, line.ready], [prepared_by, ready]]
        record.prepared_by, record.ready, record.user_id = prepared_by, ready, actor.id
        db.session.add(record)
    db.session.flush()
    if changed:
        audit.record(
            "ceremony.materials",
            ceremony,
            actor=actor,
            event_id=ceremony.event_id,
            changes=changed,
        )
    return len(changed)


def name_card_holders(ceremony: Activity) -> list[tuple[Participant, str]]:
    """Who sits at the signing table, in running order, each once, with the organisation."""
    seen: set[int] = set()
    holders = []
    for agreement in ceremony_agreements(ceremony):
        for party in agreement.parties:
            person = party.signatory
            if person is not None and person.id not in seen:
                seen.add(person.id)
                holders.append((person, party.organisation.name_en))
    return holders


@dataclass
class ScriptLine:
    cue: Cue
    say_en: str = ""
    say_zh: str = ""


def _introduce_en(person: Participant | None, organisation: Organisation) -> str:
    if person is None:
        return f"[signatory of {organisation.name_en} not named]"
    title = f"{person.honorific} {person.latin_name}".strip()
    return f"{title}, {person.position}, {organisation.name_en}" if person.position else title


def _chinese_name(person: Participant) -> str:
    # Chinese names are read in Chinese; others as written in Latin letters.
    if person.country_code == "CN" and person.native_name:
        return person.native_name
    return f" {person.latin_name} "


def _introduce_zh(person: Participant | None, organisation: Organisation) -> str:
    organisation_name = organisation.name_zh or organisation.name_en
    if person is None:
        return f"【{organisation_name}签字人未定】"
    # Positions are kept in English only; read them in Chinese only when written so.
    has_chinese = any("\u4e00" <= char <= "\u9fff" for char in person.position)
    position = person.position if has_chinese else ""
    return f"{organisation_name}{position}{_chinese_name(person)}".replace("  ", " ")


def _announcement(agreement: Agreement) -> tuple[str, str]:
    signers_en = " and ".join(_introduce_en(p.signatory, p.organisation) for p in agreement.parties)
    signers_zh = "与".join(_introduce_zh(p.signatory, p.organisation) for p in agreement.parties)
    en = f"We now invite {signers_en} to sign the {agreement.title_en}."
    zh = f"现在请{signers_zh}签署《{agreement.title_zh or agreement.title_en}》。"
    if agreement.witnesses:
        witnesses = sorted(
            (w.participant for w in agreement.witnesses),
            key=lambda p: (p.protocol_rank or 99, p.latin_name),
        )
        en += (
            " Witnessed by "
            + ", ".join(f"{p.honorific} {p.latin_name}".strip() for p in witnesses)
            + "."
        )
        zh += "见证人：" + "、".join(_chinese_name(p).strip() for p in witnesses) + "。"
    return en, zh


def mc_script(ceremony: Activity) -> tuple[list[ScriptLine], list[str]]:
    """The run of show with what the master of ceremonies says at each cue, in English and
    Chinese: who is invited to the table, in the order of the parties, and who witnesses."""
    cues, problems = run_of_show(ceremony)
    lines: list[ScriptLine] = []
    announced: set[int] = set()
    title = ceremony.title_en
    for cue in cues:
        line = ScriptLine(cue)
        if not lines:
            line.say_en = (
                f"Distinguished guests, ladies and gentlemen, good afternoon. Welcome to the "
                f"{title}."
            )
            line.say_zh = (
                f"尊敬的各位嘉宾，女士们、先生们：大家好！欢迎出席{ceremony.title_zh or title}。"
            )
        elif cue.agreements and cue.agreements[0].id not in announced:
            announced.update(a.id for a in cue.agreements)
            said = [_announcement(a) for a in cue.agreements]
            line.say_en = " ".join(en for en, _zh in said)
            line.say_zh = "".join(zh for _en, zh in said)
        elif cue is cues[-1]:
            line.say_en = "Please join us on stage for the group photo. Thank you."
            line.say_zh = "请各位嘉宾上台合影。谢谢！"
        lines.append(line)
    return lines, problems
