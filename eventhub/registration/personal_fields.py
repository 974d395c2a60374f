"""Which columns of a participant hold which kind of personal data (privacy.kinds.Kind), and
what each becomes when erased. One list for the retention clean-up, one person's erasure and
the anonymisation of an event, so none of them forgets a column the others erase."""

from __future__ import annotations

from typing import Any

from eventhub.privacy.kinds import Kind
from eventhub.registration.models import Diet  # models never import this module

# column -> its erased value
PASSPORT: dict[str, Any] = {
    "passport_name": "",
    "nationality_code": None,
    "date_of_birth_encrypted": None,
    "passport_number_encrypted": None,
    "passport_digest": None,
    "passport_expiry": None,
}
# A diet (halal, vegetarian…) tells of faith or health as much as the notes do.
HEALTH: dict[str, Any] = {"diet": Diet.NONE, "dietary_notes": "", "accessibility_needs": ""}
TRAVEL: dict[str, Any] = {
    "arrival_date": None,
    "arrival_at": None,
    "arrival_flight": "",
    "arrival_point": "",
    "departure_date": None,
    "departure_at": None,
    "departure_flight": "",
    "departure_point": "",
    "hotel": "",
}
# The rest of what identifies the person; given_name becomes "#<id>" (it may not be empty).
IDENTITY: dict[str, Any] = {
    "family_name": "",
    "patronymic": "",
    "native_name": "",
    "name_zh": "",
    "style": "",
    "honorific": "",
    "position": "",
    "position_zh": "",
    "email": "",
    "phone": "",
    "status_reason": "",
    "search_text": "",
    "access_key_hash": None,
    "access_key_encrypted": None,
    "user_id": None,
}
BY_KIND: dict[Kind, dict[str, Any]] = {
    Kind.PASSPORT: PASSPORT,
    Kind.HEALTH: HEALTH,
    Kind.TRAVEL: TRAVEL,
}


def erased_values(participant_id: int) -> dict[str, Any]:
    """Every personal column of one participant as erased: what an erased person's row holds."""
    return {**PASSPORT, **HEALTH, **TRAVEL, **IDENTITY, "given_name": f"#{participant_id}"}
