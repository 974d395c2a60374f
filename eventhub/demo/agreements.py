"""About 60 cooperation agreements over the demo's three signing ceremonies, some still
blocked for the reasons real ones are (no signatory yet, text not agreed, originals late)."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.ceremonies.models import (
    WORKFLOW,
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    AgreementTransition,
    AgreementWitness,
    CeremonySettings,
)
from eventhub.directory.models import Organisation, OrganisationKind
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant
from eventhub.scheduling.models import Activity, ActivityType

FIELDS = [
    ("E-commerce", "电子商务"),
    ("Aviation", "航空"),
    ("Rail", "轨道交通"),
    ("Electronic information", "电子信息"),
    ("New-energy vehicles", "新能源汽车"),
    ("Big data", "大数据"),
    ("Vocational teacher training", "职业教育师资培训"),
    ("Medical education", "医学教育"),
    ("Agriculture", "农业"),
    ("Language and culture", "语言文化"),
]
KINDS = [
    AgreementKind.MOU,
    AgreementKind.COOPERATION,
    AgreementKind.FRAMEWORK,
    AgreementKind.LETTER_OF_INTENT,
]
STATUS_CYCLE = (
    [AgreementStatus.ORIGINALS_READY] * 6
    + [AgreementStatus.APPROVED] * 2
    + [AgreementStatus.LEGALLY_REVIEWED, AgreementStatus.TEXT_AGREED, AgreementStatus.PROPOSED]
)


def build_agreements(event: Event, report: list[str]) -> None:
    ceremonies = list(
        db.session.scalars(
            sa.select(Activity)
            .where(Activity.event_id == event.id, Activity.type == ActivityType.SIGNING_CEREMONY)
            .order_by(Activity.starts_at)
        )
    )
    academic = (
        OrganisationKind.UNIVERSITY,
        OrganisationKind.COLLEGE,
        OrganisationKind.ENTERPRISE,
        OrganisationKind.ALLIANCE,
    )
    organisations = list(
        db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.kind.in_(academic))
            .order_by(Organisation.country_code, Organisation.id)
        )
    )
    chinese = [o for o in organisations if o.country_code == "CN"]
    asean = [o for o in organisations if o.country_code != "CN"]
    if not ceremonies or not chinese or not asean:
        return
    existing = set(
        db.session.scalars(sa.select(Agreement.title_en).where(Agreement.event_id == event.id))
    )
    leaders = _leaders(event)
    witnesses = list(
        db.session.scalars(
            sa.select(Participant.id)
            .where(Participant.event_id == event.id, Participant.protocol_rank <= 3)
            .order_by(Participant.protocol_rank, Participant.id)
        )
    )
    added = 0
    for n in range(60):
        host, guest = chinese[n % len(chinese)], asean[(n * 3 + n // len(asean)) % len(asean)]
        field_en, field_zh = FIELDS[n % len(FIELDS)]
        kind = KINDS[n % len(KINDS)]
        title = f"{_kind_en(kind)} on {field_en} between {host.name_en} and {guest.name_en}"
        if title in existing:
            continue
        status = STATUS_CYCLE[n % len(STATUS_CYCLE)]
        agreement = Agreement(
            event_id=event.id,
            title_en=title,
            title_zh=f"{host.name_zh}与{guest.name_zh}{field_zh}{_kind_zh(kind)}",
            kind=kind,
            field=field_en,
            status=status,
            languages="en,zh",
            ceremony_id=ceremonies[n % len(ceremonies)].id,
            running_order=n // len(ceremonies) + 1,
        )
        for position, organisation in enumerate((host, guest), start=1):
            signatory = leaders.get(organisation.id)
            # Every ninth guest has not named a signatory yet.
            if position == 2 and n % 9 == 4:
                signatory = None
            agreement.parties.append(
                AgreementParty(
                    organisation_id=organisation.id, position=position, signatory_id=signatory
                )
            )
        if witnesses:
            agreement.witnesses.append(
                AgreementWitness(participant_id=witnesses[n % len(witnesses)])
            )
        for index in range(WORKFLOW.index(status)):
            agreement.transitions.append(
                AgreementTransition(
                    from_status=WORKFLOW[index],
                    to_status=WORKFLOW[index + 1],
                    actor="organiser@caecw.example",
                )
            )
        db.session.add(agreement)
        added += 1
    # Signings go two or three tables at a time, as at the real week; the last ceremony keeps
    # one table so its run of show overruns and shows the check.
    for ceremony, tables in zip(ceremonies, (2, 3), strict=False):
        if db.session.get(CeremonySettings, ceremony.id) is None:
            db.session.add(CeremonySettings(ceremony_id=ceremony.id, tables=tables))
    db.session.flush()
    total = db.session.scalar(sa.select(sa.func.count()).where(Agreement.event_id == event.id))
    report.append(
        f"Agreements: {added} added, {total} in all, over {len(ceremonies)} signing ceremonies."
    )


def _leaders(event: Event) -> dict[int, int]:
    """The most senior participant of each organisation, who signs for it."""
    rows = db.session.execute(
        sa.select(Participant.organisation_id, Participant.id)
        .where(Participant.event_id == event.id, Participant.organisation_id.is_not(None))
        .order_by(
            Participant.organisation_id, Participant.protocol_rank.nulls_last(), Participant.id
        )
    )
    leaders: dict[int, int] = {}
    for organisation_id, participant_id in rows:
        leaders.setdefault(organisation_id, participant_id)
    return leaders


def _kind_en(kind: AgreementKind) -> str:
    return {
        AgreementKind.MOU: "Memorandum of Understanding",
        AgreementKind.COOPERATION: "Cooperation Agreement",
        AgreementKind.FRAMEWORK: "Framework Agreement",
        AgreementKind.LETTER_OF_INTENT: "Letter of Intent",
    }[kind]


def _kind_zh(kind: AgreementKind) -> str:
    return {
        AgreementKind.MOU: "合作谅解备忘录",
        AgreementKind.COOPERATION: "合作协议",
        AgreementKind.FRAMEWORK: "框架协议",
        AgreementKind.LETTER_OF_INTENT: "合作意向书",
    }[kind]
