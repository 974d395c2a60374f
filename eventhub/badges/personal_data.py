"""Badges' answers about one person (privacy.signals): the badge in the export; on erasure
it is revoked — its version raised, so every printed code is refused at the gates — and
never printed again (issuing.may_have_badge refuses an erased person); the files of the print
runs that may show them are emptied (retention.erase_files)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.badges import retention
from eventhub.badges.models import Badge
from eventhub.extensions import db
from eventhub.privacy.readable import Reading
from eventhub.privacy.signals import person_data, person_erase, person_reading
from eventhub.registration.models import Participant


def _badge(event, participant_id: int) -> Badge | None:
    return db.session.scalar(
        sa.select(Badge)
        .join(Participant, Badge.participant_id == Participant.id)
        .where(Badge.participant_id == participant_id, Participant.event_id == event.id)
    )


@person_data.connect
def badge_export(event, *, participant_id: int, **kwargs):
    badge = _badge(event, participant_id)
    if badge is None:
        return None
    return (
        "badges",
        [
            {
                "code": f"{badge.id}/v{version}",
                "issued": badge.created_at.isoformat() if version == 1 else None,
                "printed_at": badge.printed_at.isoformat()
                if badge.printed_at and version == badge.printed_version
                else None,
                "revoked": version < badge.version,
                "reprint_reason": badge.reprint_reason if version == badge.version else "",
            }
            for version in range(1, badge.version + 1)
        ],
    )


@person_erase.connect
def badge_revoke(event, *, participant_id: int, **kwargs) -> dict[str, int]:
    counts = {}
    runs = retention.erase_files(event, participant_id=participant_id)
    if runs:
        counts["print_runs_erased"] = runs
    badge = _badge(event, participant_id)
    if badge is not None:
        badge.version += 1
        badge.reprint_reason = "erased"
        counts["badges_revoked"] = 1
    return counts


BADGES = Reading(
    title=_l("Badges"),
    order=40,
    labels={
        "code": _l("Badge code"),
        "issued": _l("Issued at"),
        "printed_at": _l("Printed at"),
        "revoked": _l("Revoked"),
        "reprint_reason": _l("Reason for reprinting"),
    },
)


@person_reading.connect
def badge_reading(event, **kwargs):
    return ("badges", BADGES)
