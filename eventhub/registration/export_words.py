"""The words the exports write in the reader's language, and the importer's way back from
them: a list exported in Chinese imports again like one exported in English."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from eventhub.registration.forms import DIET_LABELS, IMPORT_FIELD_LABELS
from eventhub.registration.labels import CATEGORY_LABELS

# The participants export's columns after the id and the status, in this order.
PARTICIPANT_FIELDS = (
    "category",
    "family_name",
    "given_name",
    "patronymic",
    "name_order",
    "passport_name",
    "native_name",
    "name_zh",
    "style",
    "honorific",
    "position",
    "position_zh",
    "organisation",
    "country",
    "delegation",
    "email",
    "phone",
    "diet",
    "dietary_notes",
    "accessibility_needs",
    "interpretation_language",
    "arrival_date",
    "arrival_time",
    "arrival_flight",
    "arrival_point",
    "departure_date",
    "departure_time",
    "departure_flight",
    "departure_point",
    "hotel",
    "visa_letter_requested",
)
COLUMN_LABELS = {
    **IMPORT_FIELD_LABELS,
    "category": _l("Category"),
    "visa_letter_requested": _l("Visa letter requested"),
}
YES, NO = _l("Yes"), _l("No")


def yes_no(value: bool) -> Any:
    return YES if value else NO


def _locales() -> list[str]:
    return list(current_app.config["EVENTHUB_LOCALES"]) if has_app_context() else ["en"]


def in_every_language(labels: Mapping[Any, Any]) -> Iterable[tuple[str, Any]]:
    """(label as written in each language, key) for every entry of `labels`."""
    for locale in _locales():
        with force_locale(locale):
            for key, label in labels.items():
                yield str(label), key


def header_words(key: Callable[[str], str]) -> dict[str, str]:
    """Each export column's heading, in every language, as `key` folds it -> its field."""
    return {key(label): name for label, name in in_every_language(COLUMN_LABELS)}


def category_words(key: Callable[[str], str]) -> dict[str, str]:
    return {
        key(label): str(category.value) for label, category in in_every_language(CATEGORY_LABELS)
    }


def diet_words(key: Callable[[str], str]) -> dict[str, str]:
    return {key(label): str(diet.value) for label, diet in in_every_language(DIET_LABELS)}
