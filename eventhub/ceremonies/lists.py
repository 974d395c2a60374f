"""The event's signing ceremonies, and its agreements filtered for a page or as a spreadsheet."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.ceremonies.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    AgreementWitness,
)
from eventhub.ceremonies.names import chinese_name, chinese_title, has_han, latin
from eventhub.ceremonies.signed_record import signer, witness
from eventhub.directory.models import Organisation
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.exports import Sheet
from eventhub.scheduling.models import Activity, ActivityType


def ceremonies_of(event: Event) -> list[Activity]:
    return list(
        db.session.scalars(
            sa.select(Activity)
            .where(Activity.event_id == event.id, Activity.type == ActivityType.SIGNING_CEREMONY)
            .order_by(Activity.starts_at.nulls_last(), Activity.title_en)
        )
    )


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
            "; ".join(person.latin_name if (person := signer(p)) else "—" for p in a.parties),
            "; ".join(witness(w).latin_name for w in a.witnesses),
        ]
        for a in items
    ]
    return Sheet(str(_l("Agreements")), header, rows)


PRESS_HEADER = [
    "Time 时间",
    "Agreement 协议",
    "Agreement in Chinese 协议中文名",
    "Party 签约方",
    "Party in Chinese 签约方中文名",
    "Country 国家",
    "Role 身份",
    "Name 姓名",
    "Name in Chinese 中文译名",
    "Name in own script 本国文字姓名",
    "Title 职务",
    "Title in Chinese 中文职务",
]


def _stood_for(row: AgreementWitness) -> tuple[str, str, str]:
    """The organisation (English, Chinese) and country a witness stands for: as signed once
    signed, else as registered."""
    if row.signed_name:
        return (row.signed_organisation_en, row.signed_organisation_zh, row.signed_country_code)
    registered = row.participant
    organisation = registered.organisation
    if organisation is None:
        return ("", "", registered.country_code)
    return (organisation.name_en, organisation.name_zh, organisation.country_code)


def press_sheet(ceremony: Activity, agreements: list[Agreement], times: dict[int, str]):
    """The press list as rows, in both languages whoever downloads it: one row per signatory
    and witness, named in Latin letters, in Chinese and in their own script, with titles."""

    def person_row(agreement, organisation: tuple[str, str, str], role: str, person) -> list[str]:
        return [
            times.get(agreement.id, ""),
            agreement.title_en,
            agreement.title_zh,
            *organisation,
            role,
            latin(person),
            chinese_name(person).strip() if has_han(chinese_name(person)) else "",
            person.native_name,
            person.position,
            chinese_title(person),
        ]

    rows = []
    for agreement in agreements:
        for party in agreement.parties:
            if person := signer(party):  # as signed, once signed
                organisation = party.organisation
                stood_for = (organisation.name_en, organisation.name_zh, organisation.country_code)
                rows.append(person_row(agreement, stood_for, "Signatory 签字人", person))
        for row in agreement.witnesses:
            rows.append(person_row(agreement, _stood_for(row), "Witness 见证人", witness(row)))
    return Sheet(f"Press list {ceremony.id}", PRESS_HEADER, rows)
