"""Creating and editing agreements: at least two parties, who signs, assists and witnesses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.ceremonies.labels import FIELD_LABELS, STATUS_LABELS
from eventhub.ceremonies.lists import ceremonies_of
from eventhub.ceremonies.models import (
    WORKFLOW,
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    AgreementWitness,
)
from eventhub.ceremonies.signed_record import is_frozen, refuse_if_signed
from eventhub.directory.models import Organisation, OrganisationStatus
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant
from eventhub.registration.validation import INTERPRETATION_LANGUAGES
from eventhub.text import clean


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
    # Only accepted organisations: one named on a public form waits for an organiser's review.
    found = set(
        db.session.scalars(
            sa.select(Organisation.id).where(
                Organisation.id.in_(wanted), Organisation.status == OrganisationStatus.ACCEPTED
            )
        )
    )
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
    if refused and is_frozen(agreement):
        raise DomainError(
            _l(
                "At “%(status)s” this can no longer change: %(fields)s. "
                "To correct the signed record, record an amendment.",
                status=STATUS_LABELS[agreement.status],
                fields=", ".join(str(FIELD_LABELS[name]) for name in refused),
            )
        )
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
    """Name who signs for a party; returns warnings (refused across events, and once
    the agreement is signed)."""
    refuse_if_signed(party.agreement)
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
    if party.signatory_id == (participant.id if participant else None):
        return warnings
    before = party.signatory
    party.signatory = participant
    party.signatory_id = participant.id if participant else None
    _record_party_person("agreement.signatory", party, before, participant, actor)
    return warnings


def _record_party_person(
    action: str,
    party: AgreementParty,
    before: Participant | None,
    participant: Participant | None,
    actor: User,
) -> None:
    """Audited with who was named before and who is now."""
    db.session.flush()
    audit.record(
        action,
        party.agreement,
        actor=actor,
        event_id=party.agreement.event_id,
        changes={
            party.organisation.name_en: [
                before.latin_name if before else None,
                participant.latin_name if participant else None,
            ]
        },
    )


def set_assistant(party: AgreementParty, participant: Participant | None, *, actor: User) -> None:
    """Who hands the originals to the signatory and exchanges them at the table."""
    refuse_if_signed(party.agreement)
    if participant is not None and participant.event_id != party.agreement.event_id:
        raise DomainError(_l("There is no such participant in this event."))
    if participant is not None and participant.id == party.signatory_id:
        raise DomainError(_l("The signatory cannot also be their own signing assistant."))
    if party.assistant_id == (participant.id if participant else None):
        return
    before = party.assistant
    party.assistant = participant
    _record_party_person("agreement.assistant", party, before, participant, actor)


def add_witness(agreement: Agreement, participant: Participant, *, actor: User) -> None:
    refuse_if_signed(agreement)
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
