"""The languages a participant may ask to be interpreted into, and how partners' lists name
them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Languages offered for simultaneous interpretation, as ISO 639 codes.
INTERPRETATION_LANGUAGES = {
    "en": _l("English"),
    "zh": _l("Chinese"),
    "th": _l("Thai"),
    "lo": _l("Lao"),
    "km": _l("Khmer"),
    "my": _l("Burmese"),
    "vi": _l("Vietnamese"),
    "id": _l("Indonesian"),
    "ms": _l("Malay"),
    "fil": _l("Filipino"),
}
LANGUAGE_NAMES = {  # how partners write them in spreadsheets
    "english": "en",
    "chinese": "zh",
    "mandarin": "zh",
    "thai": "th",
    "lao": "lo",
    "khmer": "km",
    "burmese": "my",
    "myanmar": "my",
    "vietnamese": "vi",
    "indonesian": "id",
    "bahasa indonesia": "id",
    "malay": "ms",
    "bahasa melayu": "ms",
    "filipino": "fil",
    "tagalog": "fil",
}
