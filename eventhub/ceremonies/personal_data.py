"""Ceremonies' answers about one person (privacy.signals): the agreements they sign, assist
at or witness, in the export.

On erasure, as for an event's anonymisation (privacy.py): an agreement signed or archived
keeps its signing record — the names, titles and organisations copied at the "Signed" step
(signed_record.take_down) stay, because the signing was a public act recorded on the
originals each party keeps. From an agreement never signed the person is dropped as
signatory, assistant and witness, as when an organiser removes them, and the audit details
of that agreement naming people are erased."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit.models import AuditEntry
from eventhub.ceremonies.labels import STATUS_LABELS
from eventhub.ceremonies.models import Agreement, AgreementParty, AgreementWitness
from eventhub.ceremonies.privacy import NAMING_ACTIONS
from eventhub.ceremonies.signed_record import FROZEN
from eventhub.extensions import db
from eventhub.privacy.readable import Reading
from eventhub.privacy.signals import person_data, person_erase, person_reading


def _roles(event, participant_id: int) -> list[tuple[Agreement, str, object]]:
    """(agreement, role, the row naming them) for each place the person holds."""
    found: list[tuple[Agreement, str, object]] = []
    parties = db.session.scalars(
        sa.select(AgreementParty)
        .join(Agreement, Agreement.id == AgreementParty.agreement_id)
        .where(
            Agreement.event_id == event.id,
            sa.or_(
                AgreementParty.signatory_id == participant_id,
                AgreementParty.assistant_id == participant_id,
            ),
        )
    )
    for party in parties:
        if party.signatory_id == participant_id:
            found.append((party.agreement, "signatory", party))
        if party.assistant_id == participant_id:
            found.append((party.agreement, "assistant", party))
    witnesses = db.session.scalars(
        sa.select(AgreementWitness)
        .join(Agreement, Agreement.id == AgreementWitness.agreement_id)
        .where(Agreement.event_id == event.id, AgreementWitness.participant_id == participant_id)
    )
    found.extend((w.agreement, "witness", w) for w in witnesses)
    return found


@person_data.connect
def agreements_export(event, *, participant_id: int, **kwargs):
    roles = _roles(event, participant_id)
    if not roles:
        return None
    rows = []
    for agreement, role, row in roles:
        rows.append(
            {
                "agreement": agreement.title_en,
                "agreement_zh": agreement.title_zh,
                "status": agreement.status.value,
                "role": role,
                "organisation": row.organisation.name_en
                if isinstance(row, AgreementParty)
                else row.signed_organisation_en,
                "signed_as": row.signed_name if role != "assistant" else "",
            }
        )
    return ("agreements", rows)


@person_erase.connect
def agreements_erase(event, *, participant_id: int, **kwargs) -> dict[str, int]:
    kept, dropped, touched = 0, 0, set()
    for agreement, role, row in _roles(event, participant_id):
        if agreement.status in FROZEN:
            kept += 1
            continue
        dropped += 1
        touched.add(agreement.id)
        if role == "signatory":
            row.signatory, row.signatory_id = None, None
        elif role == "assistant":
            row.assistant, row.assistant_id = None, None
        else:
            db.session.delete(row)
    if touched:
        db.session.execute(
            sa.update(AuditEntry)
            .where(
                AuditEntry.object_type == "Agreement",
                AuditEntry.action.in_(NAMING_ACTIONS),
                AuditEntry.object_id.in_([str(i) for i in touched]),
            )
            .values(changes={})
        )
    db.session.flush()
    counts = {}
    if kept:
        counts["signing_records_kept"] = kept
    if dropped:
        counts["agreement_places_dropped"] = dropped
    return counts


AGREEMENTS = Reading(
    title=_l("Agreements"),
    order=70,
    labels={
        "agreement": _l("Agreement"),
        "agreement_zh": _l("Title in Chinese"),
        "status": _l("Status"),
        "role": _l("Role"),
        "organisation": _l("Organisation"),
        "signed_as": _l("Name as signed"),
    },
    values={
        "status": STATUS_LABELS,
        "role": {
            "signatory": _l("Signatory"),
            "assistant": _l("Signing assistant"),
            "witness": _l("Witness"),
        },
    },
)


@person_reading.connect
def agreements_reading(event, **kwargs):
    return ("agreements", AGREEMENTS)
