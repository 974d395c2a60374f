"""How the readable copy of one person's export names what it holds.

The JSON keeps each domain's keys and codes (machine-readable); the PDF reads them in the
reader's language. Each domain names its own keys and values beside the receiver that
writes them (its personal_data module answers signals.person_reading with a Reading), so
this package needs none of their label tables; privacy's own section is named here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from eventhub.i18n import language_name
from eventhub.privacy import requests
from eventhub.privacy.kinds import PURPOSE_LABELS
from eventhub.privacy.models import ConsentSource
from eventhub.privacy.signals import person_reading

Naming = Mapping[Any, Any] | Callable[[Any], str]


@dataclass(frozen=True)
class Reading:
    """One section of the export as a person reads it.

    `labels`: every key the section writes, at any depth, with its label (a key left out
    is shown with its key, so a new column is never silently dropped — add its label).
    `values`: for keys holding codes, their names ({code: label}, or a function such as
    i18n.country_name). `hidden`: internal ids and copies shown elsewhere, in the JSON
    only. `order`: where the section stands in the document."""

    title: Any
    labels: Mapping[str, Any]
    values: Mapping[str, Naming] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()
    order: int = 50


# How a consent reached us (privacy's own codes).
CONSENT_SOURCES = {
    ConsentSource.FORM: _l("on the registration form"),
    ConsentSource.OWN_PAGE: _l("on their own page"),
    ConsentSource.HEAD: _l("collected by the head of delegation"),
    ConsentSource.ORGANISER: _l("recorded by an organiser"),
    ConsentSource.IMPORT: _l("vouched for by the sender of an import"),
}

PRIVACY = Reading(
    title=_l("Consents and requests"),
    order=20,
    labels={
        "consents": _l("Consents"),
        "purpose": _l("Purpose"),
        "given": _l("Agreed"),
        "notice_version": _l("Notice version"),
        "language": _l("Language of the notice"),
        "source": _l("How it was given"),
        "recorded_at": _l("Recorded at"),
        "notice_text": _l("Text of the notice shown"),
        "requests": _l("Requests about the data"),
        "kind": _l("Request"),
        "state": _l("State"),
        "requested_at": _l("Asked at"),
        "decided_at": _l("Decided at"),
        "reason": _l("Reason"),
        "decision_note": _l("Organisers' note"),
        "erasures": _l("Erasures"),
        "at": _l("Erased at"),
        "counts": _l("What was erased or kept"),
    },
    values={
        "purpose": PURPOSE_LABELS,
        "language": language_name,
        "source": CONSENT_SOURCES,
        "kind": requests.KIND_LABELS,
        "state": requests.STATE_LABELS,
    },
)


@person_reading.connect
def privacy_reading(event, **kwargs):
    return ("privacy", PRIVACY)


def readings(event) -> dict[str, Reading]:
    """Every section's Reading, by its key."""
    return {
        key: reading
        for _receiver, answer in person_reading.send(event)
        if answer
        for key, reading in [answer]
    }
