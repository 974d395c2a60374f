"""The signing record: from "Signed" on, who signed and witnessed, the title and the
originals are frozen as signed. A correction is an amendment, recorded after the record
(what, from what to what, why, by whom, when); the record itself stays as signed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import MappedColumn, Session

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.ceremonies.labels import FIELD_LABELS
from eventhub.ceremonies.models import (
    Agreement,
    AgreementAmendment,
    AgreementParty,
    AgreementStatus,
    AgreementWitness,
    SignedAs,
)
from eventhub.ceremonies.names import has_han, latin
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.personnames import protocol
from eventhub.registration.models import Participant
from eventhub.text import clean

FROZEN = (AgreementStatus.SIGNED, AgreementStatus.ARCHIVED)


def is_frozen(agreement: Agreement) -> bool:
    return agreement.status in FROZEN


_REFUSALS = {
    AgreementStatus.SIGNED: _l(
        "The agreement is signed: the signing record cannot change. "
        "To correct it, record an amendment."
    ),
    AgreementStatus.ARCHIVED: _l(
        "The agreement is archived: the signing record cannot change. "
        "To correct it, record an amendment."
    ),
}


def refuse_if_signed(agreement: Agreement) -> None:
    """Every change to who signs, assists or witnesses goes through here."""
    if agreement.status in _REFUSALS:
        raise DomainError(_REFUSALS[agreement.status])


def take_down(agreement: Agreement, *, signed: bool) -> None:
    """At the "Signed" step, copy who signs and witnesses as they are registered now;
    taken back before the ceremony (signed by mistake), forget the copy."""
    # One flush with the step itself, which is what lets the names be written.
    with db.session.no_autoflush:
        for party in agreement.parties:
            party.signed_as(party.signatory if signed else None)
        for row in agreement.witnesses:
            row.signed_as(row.participant if signed else None)


@dataclass(frozen=True)
class Person:
    """A signatory or witness as printed: as signed once signed, else as registered.

    Only the names and titles are part of the record; anything else a document asks of the
    person (id, protocol rank, country, delegation) is read from `live`, the registration the
    row points at now (after a merge, the one kept), or None when there is none."""

    honorific: str
    latin_name: str
    native_name: str
    position: str
    name_zh: str = ""
    position_zh: str = ""
    live: Participant | None = field(default=None, compare=False, repr=False)
    signed: bool = True  # False: named from the registration, not yet signed

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.live, name) if self.live is not None else None

    def name(self, place: str, locale: str = "en") -> str:
        """The name as `place` shows it (eventhub.personnames.PLACES), as a registration's
        `name`: once signed, from the names as signed (the title, then the Latin name; the
        Chinese rendering, or a name written in Chinese, for a Chinese reader); before,
        the registration's own."""
        if not self.signed and self.live is not None:
            return self.live.name(place, locale)
        if place == protocol.NAME:
            return self.latin_name
        if (locale or "").startswith("zh") and place not in (protocol.PASSPORT, protocol.SORTING):
            chinese = self.name_zh or (self.native_name if has_han(self.native_name) else "")
            if chinese:
                return chinese
        if place in (protocol.SALUTATION, protocol.PASSPORT, protocol.SORTING) and self.live:
            return self.live.name(place, locale)  # not part of the record
        return f"{self.honorific} {self.latin_name}".strip()

    @property
    def full_name(self) -> str:
        return latin(self)  # type: ignore[arg-type]

    @property
    def titled_name(self) -> str:
        """'Tan Sri Dr. Ahmad bin Hassan' as signed (templates name a registration alike)."""
        return latin(self)  # type: ignore[arg-type]


def _person(row: AgreementParty | AgreementWitness, live: Participant | None) -> Person | None:
    if row.signed_name:
        return Person(
            row.signed_honorific,
            row.signed_name,
            row.signed_native_name,
            row.signed_position,
            row.signed_name_zh,
            row.signed_position_zh,
            live,
        )
    if live is None:
        return None
    return Person(
        live.full_title,
        live.latin_name,
        live.native_name,
        live.position,
        live.name_zh,
        live.position_zh,
        live,
        signed=False,
    )


def signer(party: AgreementParty) -> Person | None:
    """Who signs for `party`: as signed once signed, else as registered (None: not named)."""
    return _person(party, party.signatory)


def witness(row: AgreementWitness) -> Person:
    """The witness of `row`: as signed once signed, else as registered."""
    return _person(row, row.participant)  # type: ignore[return-value]


# What an amendment may correct. Parties themselves are not amended: an agreement between
# other organisations is another agreement.
SUBJECT_LABELS_ZH = {
    "title_en": "英文标题",
    "title_zh": "中文标题",
    "originals": "正本份数",
    "witnesses": "见证人",
    "signatory": "签字人",
}


def subjects(agreement: Agreement) -> dict[str, tuple[str, str]]:
    """{subject: (label in the reader's language, value as the record now reads)}; the
    value is the last amendment's, or the record's as signed."""
    original = {
        "title_en": (str(FIELD_LABELS["title_en"]), agreement.title_en),
        "title_zh": (str(FIELD_LABELS["title_zh"]), agreement.title_zh),
        "originals": (
            str(FIELD_LABELS["originals"]),
            str(agreement.originals or len(agreement.parties)),
        ),
    }
    for party in agreement.parties:
        person = signer(party)
        original[f"signatory:{party.id}"] = (
            str(_l("Signatory for %(organisation)s", organisation=party.organisation.name_en)),
            person.latin_name if person else "",
        )
    original["witnesses"] = (
        str(_l("Witnesses")),
        ", ".join(witness(w).latin_name for w in agreement.witnesses),
    )
    for amendment in agreement.amendments:
        if amendment.subject in original:
            original[amendment.subject] = (original[amendment.subject][0], amendment.new_value)
    return original


def label_zh(amendment: AgreementAmendment) -> str:
    return SUBJECT_LABELS_ZH.get(amendment.subject.split(":")[0], "")


def record_amendment(
    agreement: Agreement, values: Mapping[str, Any], *, actor: User
) -> AgreementAmendment:
    """Record a correction of a signed agreement, keeping the record as signed."""
    if not is_frozen(agreement):
        raise DomainError(
            _l("Only a signed agreement is amended; before signing, edit the agreement.")
        )
    subject = str(values.get("subject") or "")
    found = subjects(agreement)
    if subject not in found:
        raise DomainError(_l("Choose what is corrected."), field="subject")
    new_value = clean(values.get("new_value"))
    reason = (values.get("reason") or "").strip()
    if not new_value:
        raise DomainError(_l("Give the corrected value."), field="new_value")
    if len(new_value) > 400:
        raise DomainError(_l("The corrected value: at most 400 characters."), field="new_value")
    if subject == "originals" and not (new_value.isdigit() and 1 <= int(new_value) <= 50):
        raise DomainError(_l("Give the number of originals as a whole number."), field="new_value")
    if not reason:
        raise DomainError(_l("Say why the record is corrected."), field="reason")
    if len(reason) > 2000:
        raise DomainError(_l("The reason: at most 2000 characters."), field="reason")
    label, old_value = found[subject]
    if new_value == old_value:
        raise DomainError(_l("That is what the record already says."), field="new_value")
    english = _english_label(agreement, subject)
    amendment = AgreementAmendment(
        subject=subject,
        label=english,
        old_value=old_value,
        new_value=new_value,
        reason=reason,
        user_id=actor.id,
        actor=actor.email,
    )
    agreement.amendments.append(amendment)
    db.session.flush()
    audit.record(
        "agreement.amend",
        agreement,
        actor=actor,
        event_id=agreement.event_id,
        changes={english: [old_value or None, new_value], "reason": [None, reason]},
    )
    return amendment


def _english_label(agreement: Agreement, subject: str) -> str:
    """The label kept with the amendment and printed on the English–Chinese documents."""
    if subject.startswith("signatory:"):
        party = next(p for p in agreement.parties if f"signatory:{p.id}" == subject)
        return f"Signatory for {party.organisation.name_en}"
    return {
        "title_en": "Title in English",
        "title_zh": "Title in Chinese",
        "originals": "Originals",
        "witnesses": "Witnesses",
    }[subject]


# The services refuse first, with their own words; this catches any other path that writes
# through the ORM (a script, a future API) before the change reaches the database. A
# participant merge rewrites signatory ids with a plain UPDATE, on purpose: the names as
# signed are kept on the rows, so the record still says who signed.
# Every column of the copy taken at signing, whatever is added to it later.
_SIGNED_COPY = tuple(
    name for name, value in vars(SignedAs).items() if isinstance(value, MappedColumn)
)
_FROZEN_COLUMNS = {
    Agreement: ("title_en", "title_zh", "kind", "languages", "prevailing_language", "originals"),
    AgreementParty: ("organisation_id", "position", "signatory_id", "assistant_id", *_SIGNED_COPY),
    AgreementWitness: (
        "participant_id",
        *_SIGNED_COPY,
        "signed_organisation_en",
        "signed_organisation_zh",
        "signed_country_code",
    ),
}


def _was_frozen(agreement: Agreement | None) -> bool:
    """Signed as stored, and not being moved in the workflow by this very flush (the
    "Signed" step takes the names down; a step back before the ceremony clears them)."""
    if agreement is None:
        return False
    history = sa.inspect(agreement).attrs.status.history
    if history.added:
        return False
    return agreement.status in FROZEN


def _agreement_of(row) -> Agreement | None:
    if isinstance(row, Agreement):
        return row
    return row.agreement or db.session.get(Agreement, row.agreement_id)


@sa.event.listens_for(Session, "before_flush")
def _keep_signed_records(session: Session, _context, _instances) -> None:
    for row in list(session.new) + list(session.deleted) + list(session.dirty):
        if type(row) not in _FROZEN_COLUMNS or isinstance(row, Agreement) and row in session.new:
            continue
        agreement = _agreement_of(row)
        if agreement is None or agreement in session.deleted or not _was_frozen(agreement):
            continue
        state = sa.inspect(row)
        touched = (
            row in session.new
            or row in session.deleted
            or any(state.attrs[name].history.has_changes() for name in _FROZEN_COLUMNS[type(row)])
        )
        if touched:
            refuse_if_signed(agreement)
