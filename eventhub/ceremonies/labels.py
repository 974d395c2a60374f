"""How agreements' statuses, kinds and fields are named on pages and in messages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from eventhub.ceremonies.models import AgreementKind, AgreementStatus

STATUS_LABELS = {
    AgreementStatus.PROPOSED: _l("Proposed"),
    AgreementStatus.TEXT_AGREED: _l("Text agreed"),
    AgreementStatus.LEGALLY_REVIEWED: _l("Legally reviewed"),
    AgreementStatus.APPROVED: _l("Approved for signing"),
    AgreementStatus.ORIGINALS_READY: _l("Originals printed and bound"),
    AgreementStatus.SIGNED: _l("Signed"),
    AgreementStatus.ARCHIVED: _l("Archived"),
}
FIELD_LABELS = {
    "title_en": _l("Title in English"),
    "title_zh": _l("Title in Chinese"),
    "kind": _l("Kind"),
    "field": _l("Field"),
    "notes": _l("Notes"),
    "ceremony_id": _l("Signing ceremony"),
    "languages": _l("Language versions"),
    "prevailing_language": _l("Prevailing language"),
    "originals": _l("Originals"),
    "parties": _l("Parties"),
}
KIND_LABELS = {
    AgreementKind.MOU: _l("Memorandum of understanding"),
    AgreementKind.FRAMEWORK: _l("Framework agreement"),
    AgreementKind.COOPERATION: _l("Cooperation agreement"),
    AgreementKind.LETTER_OF_INTENT: _l("Letter of intent"),
}
