"""The topics organisations meet on, as in the week's real agreements. Stored as keys."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

TOPICS = {
    "e_commerce": _l("E-commerce"),
    "aviation": _l("Aviation"),
    "rail": _l("Rail"),
    "electronics": _l("Electronics"),
    "new_energy_vehicles": _l("New-energy vehicles"),
    "teacher_training": _l("Teacher training"),
    "vocational_education": _l("Vocational education"),
    "digital_economy": _l("Digital economy"),
    "language_education": _l("Language education"),
    "tourism": _l("Tourism and hospitality"),
    "agriculture": _l("Agriculture"),
    "health": _l("Health and medicine"),
    "student_exchange": _l("Student exchange"),
    "joint_research": _l("Joint research"),
}


def keys_of(stored: str) -> list[str]:
    """The known topic keys in a stored comma-separated value, in TOPICS order."""
    given = {part.strip() for part in stored.split(",")}
    return [key for key in TOPICS if key in given]


def joined(keys) -> str:
    """Keys stored as a comma-separated value (unknown keys dropped by the forms first)."""
    return ",".join(key for key in TOPICS if key in set(keys))
