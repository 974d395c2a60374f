"""Person names: CLDR's formatting rules (cldr) and how each place of the app shows a name
(protocol). A primitive: no Flask, no database, no domain."""

from eventhub.personnames.cldr import format_name, format_pattern, initials
from eventhub.personnames.protocol import (
    PLACES,
    addressed_by_given,
    customary_order,
    display,
    legacy_parts,
    mrz_name,
    sort_key,
    split_patronymic,
    split_title,
)

__all__ = [
    "PLACES",
    "addressed_by_given",
    "customary_order",
    "display",
    "format_name",
    "format_pattern",
    "initials",
    "legacy_parts",
    "mrz_name",
    "sort_key",
    "split_patronymic",
    "split_title",
]
