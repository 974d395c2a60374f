"""The demo week's consents: most participants agreed to everything, a few refused the
transfer abroad or invitations to later weeks, one refused the photo, and a few registered
before consents were asked (nothing recorded). The notices are the built-in texts."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.privacy import notices
from eventhub.privacy.kinds import Purpose
from eventhub.privacy.models import Consent, ConsentSource
from eventhub.registration.models import Participant


def _answers(index: int) -> dict[Purpose, bool] | None:
    if index % 40 == 39:
        return None  # registered before consents were asked
    answers = dict.fromkeys(Purpose, True)
    answers[Purpose.TRANSFER_ABROAD] = index % 9 != 4
    answers[Purpose.MARKETING] = index % 5 != 2
    answers[Purpose.PHOTO] = index != 3
    return answers


def build_consents(event, report: list[str]) -> None:
    """One row per purpose and person, in one insert (the demo stays fast)."""
    if db.session.scalar(sa.select(Consent.id).where(Consent.event_id == event.id).limit(1)):
        return
    people = db.session.execute(
        sa.select(Participant.id, Participant.country_code)
        .where(Participant.event_id == event.id)
        .order_by(Participant.id)
    ).all()
    shown = {
        (purpose, language): notices.stored(event, notices.current(event, purpose, language))
        for purpose in Purpose
        for language in notices.LANGUAGES
    }
    now = utcnow()
    rows = []
    for index, (participant_id, country) in enumerate(people):
        answers = _answers(index)
        if answers is None:
            continue
        language = "zh_Hans" if country == "CN" else "en"
        for purpose, given in answers.items():
            notice = shown[(purpose, language)]
            rows.append(
                {
                    "event_id": event.id,
                    "participant_id": participant_id,
                    "purpose": purpose,
                    "given": given,
                    "notice_id": notice.id,
                    "notice_version": notice.version,
                    "language": language,
                    "source": ConsentSource.FORM,
                    "recorded_at": now,
                }
            )
    if rows:
        db.session.execute(sa.insert(Consent), rows)
    report.append(f"Consents: {len(rows)} answers of {len(people)} participants.")
