"""Certificates' answers about one person (privacy.signals): their serials in the export.
On erasure every certificate stays: its serial still verifies as "issued" on the public
page, without the name (verify.html), and it can no longer be downloaded or emailed."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.certificates.models import Certificate
from eventhub.certificates.services import CERTIFICATE_KINDS, format_serial
from eventhub.extensions import db
from eventhub.privacy.readable import Reading
from eventhub.privacy.signals import person_data, person_erase, person_reading


def _certificates(event, participant_id: int) -> list[Certificate]:
    return list(
        db.session.scalars(
            sa.select(Certificate)
            .where(Certificate.event_id == event.id, Certificate.participant_id == participant_id)
            .order_by(Certificate.id)
        )
    )


@person_data.connect
def certificates_export(event, *, participant_id: int, **kwargs):
    found = _certificates(event, participant_id)
    if not found:
        return None
    return (
        "certificates",
        [
            {
                "serial": format_serial(c.serial),
                "kind": c.kind.value,
                "issued_at": c.issued_at.isoformat(),
                "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
                "emailed_at": c.emailed_at.isoformat() if c.emailed_at else None,
            }
            for c in found
        ],
    )


@person_erase.connect
def certificates_kept(event, *, participant_id: int, **kwargs) -> dict[str, int]:
    kept = len(_certificates(event, participant_id))
    return {"certificates_kept": kept} if kept else {}


CERTIFICATES = Reading(
    title=_l("Certificates"),
    order=80,
    labels={
        "serial": _l("Serial number"),
        "kind": _l("Kind"),
        "issued_at": _l("Issued at"),
        "revoked_at": _l("Revoked at"),
        "emailed_at": _l("Emailed at"),
    },
    values={"kind": CERTIFICATE_KINDS},
)


@person_reading.connect
def certificates_reading(event, **kwargs):
    return ("certificates", CERTIFICATES)
