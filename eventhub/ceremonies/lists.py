"""The event's signing ceremonies, and its agreements filtered for a page or as a spreadsheet."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.ceremonies.models import Agreement, AgreementParty, AgreementStatus
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
