"""Who a signing ceremony needs there: the signatories and witnesses of the agreements signed
at it. The scheduler counts them like the speakers of a forum (conflicts, the solver), asking
through scheduling's people_needed_at signal, since it does not import ceremonies."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.ceremonies.models import Agreement, AgreementParty, AgreementWitness
from eventhub.extensions import db
from eventhub.registration.models import Participant
from eventhub.scheduling.models import Activity, ActivityType
from eventhub.scheduling.signals import NeededPerson, people_needed_at

# What each does at the ceremony, as their agenda and calendar say it.
DUTIES = {"signatory": _l("Signatory"), "witness": _l("Witness")}


@people_needed_at.connect
def signing_people(activities: list[Activity], **kwargs) -> list[tuple[Activity, NeededPerson]]:
    """The signatories and witnesses of the agreements signed at the signing ceremonies
    among `activities`, by ceremony then person, each with their duty there."""
    ceremonies = {a.id: a for a in activities if a.type == ActivityType.SIGNING_CEREMONY}
    if not ceremonies:
        return []
    signatories = (
        sa.select(
            Agreement.ceremony_id,
            AgreementParty.signatory_id,
            sa.literal_column("'signatory'").label("duty"),
        )
        .join(AgreementParty, AgreementParty.agreement_id == Agreement.id)
        .where(Agreement.ceremony_id.in_(ceremonies), AgreementParty.signatory_id.is_not(None))
    )
    witnesses = (
        sa.select(
            Agreement.ceremony_id,
            AgreementWitness.participant_id,
            sa.literal_column("'witness'").label("duty"),
        )
        .join(AgreementWitness, AgreementWitness.agreement_id == Agreement.id)
        .where(Agreement.ceremony_id.in_(ceremonies))
    )
    rows = {tuple(row) for row in db.session.execute(sa.union(signatories, witnesses))}
    people = {
        p.id: p
        for p in db.session.scalars(
            sa.select(Participant).where(Participant.id.in_({row[1] for row in rows}))
        )
    }
    return [
        (ceremonies[ceremony_id], NeededPerson(person_id, people[person_id], DUTIES[duty]))
        for ceremony_id, person_id, duty in sorted(rows)
    ]
