"""A main entrance and badge codes for the check-in tests."""

from __future__ import annotations

import pytest

from eventhub.badges.issuing import badges_for, code_of
from eventhub.extensions import db


@pytest.fixture
def gate(make, event):
    """The main entrance: every category, the whole event, once a day."""
    return make.checkpoint(
        event, slug="main-entrance", name_en="Main entrance", name_zh="主入口"
    ).id


def _code(app, participant_id: int) -> str:
    with app.app_context():
        from eventhub.registration.models import Participant

        person = db.session.get(Participant, participant_id)
        badge = badges_for([person])[person.id]
        db.session.commit()
        return code_of(badge)
