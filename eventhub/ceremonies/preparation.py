"""What a ceremony needs prepared (folders, pens, flags, each original) and who prepares it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.ceremonies.models import AgreementParty, CeremonyMaterial
from eventhub.ceremonies.run_of_show import batches
from eventhub.ceremonies.running_order import ceremony_agreements
from eventhub.ceremonies.signed_record import Person, signer
from eventhub.extensions import db
from eventhub.scheduling.models import Activity
from eventhub.text import clean


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


def _flag_detail(tables: int, signings: int) -> str:
    """How a country's flags are used: one before each of its signatories at the tables
    signing at once, moved on between signings."""
    if tables > 1:
        text = str(
            _l(
                "One before each of the country's signatories at the %(num)d tables signing "
                "at once",
                num=tables,
            )
        )
        return str(_l("%(text)s; moved between signings", text=text)) if signings > 1 else text
    if signings > 1:
        return str(_l("Swapped between signings"))
    return str(_l("One before each of the country's signatories"))


def materials(ceremony: Activity) -> list[MaterialLine]:
    """What the ceremony needs, counted from its agreements, with who prepares each line.
    The originals follow the alternat rule: each party's own original names that party first
    and has its signatory sign in the first position."""
    signings = batches(ceremony)  # the agreements signed at once, one per table
    agreements = [agreement for batch in signings for agreement in batch]
    signatories = {p.signatory_id for a in agreements for p in a.parties if p.signatory_id}
    originals = sum(a.originals or len(a.parties) for a in agreements)
    countries = dict(
        sorted(
            (p.organisation.country_code, p.organisation.country.name_en)
            for a in agreements
            for p in a.parties
        )
    )
    # A flag stands before each signatory of the country, at every table signing at once;
    # between signings the flags move to the next agreements.
    flags = {
        code: max(
            sum(1 for a in batch for p in a.parties if p.organisation.country_code == code)
            for batch in signings
        )
        for code in countries
    }
    places = max((sum(len(a.parties) for a in batch) for batch in signings), default=0)
    tables = max((len(batch) for batch in signings), default=0)
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
            max(len(signatories), places) + 2,
            str(
                _l(
                    "One per signatory and per place at the %(num)d tables signing at once, "
                    "two spare",
                    num=tables,
                )
                if tables > 1
                else _l("One per signatory, two spare")
            ),
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
                flags[code],
                _flag_detail(tables, len(signings)),
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
            person = signer(party)  # as signed, once signed
            signing = person.latin_name if person else str(_l("signatory not named"))
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
                            signer=signing,
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


def name_card_holders(ceremony: Activity) -> list[tuple[Person, str]]:
    """Who sits at the signing table, in running order, each once, with the organisation;
    named as signed once signed."""
    seen: set = set()
    holders = []
    for agreement in ceremony_agreements(ceremony):
        for party in agreement.parties:
            person = signer(party)
            key = person.id or person.latin_name if person is not None else None
            if person is not None and key not in seen:
                seen.add(key)
                holders.append((person, party.organisation.name_en))
    return holders
