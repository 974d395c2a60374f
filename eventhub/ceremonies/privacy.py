"""What anonymising an event's participants (registration.privacy) does to its agreements.

A signing is a public act, done before the press and recorded on the originals each party
keeps: the signing record of an agreement signed or archived (the names, titles and
organisations copied at the "Signed" step, and its amendments with their values) is kept,
and the audit log says so at each anonymisation. Who was only named on an agreement that
was never signed did nothing public: the audit details naming them are erased."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.audit import services as audit
from eventhub.audit.models import AuditEntry
from eventhub.ceremonies.models import Agreement
from eventhub.ceremonies.signed_record import FROZEN
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.signals import participants_anonymised

# Audit entries of an agreement whose details name a person (signatory, assistant, witness).
NAMING_ACTIONS = ("agreement.signatory", "agreement.assistant", "agreement.witness")


@participants_anonymised.connect
def signing_records_kept(event: Event, **kwargs) -> None:
    """Keep the signed agreements' records, say so in the audit log; erase who was named on
    the others from their audit details."""
    signed = db.session.scalars(
        sa.select(Agreement.id).where(Agreement.event_id == event.id, Agreement.status.in_(FROZEN))
    ).all()
    db.session.execute(
        sa.update(AuditEntry)
        .where(
            AuditEntry.event_id == event.id,
            AuditEntry.object_type == "Agreement",
            AuditEntry.action.in_(NAMING_ACTIONS),
            AuditEntry.object_id.not_in([str(i) for i in signed]),
        )
        .values(changes={})
    )
    if signed:
        audit.record(
            "agreement.record_kept",
            event,
            event_id=event.id,
            actor_label="anonymisation",
            changes={"agreements": [None, len(signed)]},
        )
