"""How the audit log names registration's records, fields and values (see audit/display.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventhub.audit import display
from eventhub.directory.models import Organisation
from eventhub.registration.forms import HISTORY_LABELS
from eventhub.registration.labels import CATEGORY_LABELS, STATUS_LABELS
from eventhub.registration.models import Delegation, Participant, Source
from eventhub.registration.photo_crops import crop_text

display.describe_record(
    "Participant",
    _l("Participant"),
    Participant,
    display.endpoint_url("registration.participant_detail", "participant_id"),
)
display.describe_record(
    "Delegation",
    _l("Delegation"),
    Delegation,
    display.endpoint_url("registration.delegation", "delegation_id"),
)
display.describe_record(
    "Organisation",
    _l("Organisation"),
    Organisation,
    display.endpoint_url("registration.new_organisations"),
)
display.describe_fields(
    {
        **HISTORY_LABELS,
        "moved": _l("References moved"),
        "detached": _l("People and delegations left without it"),
        "merged": _l("Merged registration"),
        "photo_crop": _l("Photo crop"),
        "letters": _l("Letters"),
        "subject": _l("Subject"),
        "recipients": _l("Recipients"),
        "rows": _l("Rows"),
        "file": _l("File"),
        "category": _l("Category"),
        "delegation": _l("Delegation"),
        "name_en": _l("Name in English"),
        "name_zh": _l("Name in Chinese"),
        "head": _l("Head of delegation"),
        "protocol_order": _l("Protocol order"),
        "waiting_list": _l("Waiting list"),
        "updated": _l("Updated"),
    }
)
display.describe_values(
    "waiting_list",
    {"waiting": _l("Waiting for a place"), "moved up": _l("Moved up to a free place")},
    object_type="Participant",
)
display.describe_values("status", STATUS_LABELS, object_type="Participant")
display.describe_values("category", CATEGORY_LABELS, object_type="Participant")
display.describe_values(
    "source",
    {
        Source.FORM: _l("The public registration form"),
        Source.DELEGATION: _l("Entered by the head of delegation"),
        Source.IMPORT: _l("Imported from a list"),
        Source.API: _l("Sent through the API"),
        Source.ORGANISER: _l("Entered by an organiser"),
    },
    object_type="Participant",
)
display.describe_values(
    "status",
    {"pending": _l("Waiting for review"), "accepted": _l("Accepted")},
    object_type="Organisation",
)
display.describe_value_text("photo_crop", crop_text)
