from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from PIL import Image

OPEN = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
def open_event(make):
    return make.event(registration_opens_at=OPEN)


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (400, 500), colour="teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, kind)
    return buffer.getvalue()


@pytest.fixture
def lao_delegate() -> dict:
    """A registration as a Lao delegate types it (the shared sample's first row)."""
    return {
        "family_name": "KEOMANY",
        "given_name": "Somphone",
        "native_name": "ສົມພອນ ແກ້ວມະນີ",
        "honorific": "Assoc. Prof. Dr.",
        "position": "Vice President",
        "organisation": "National University of Laos",
        "country": "LA",
        "category": "delegate",
        "email": "somphone.k@example.la",
        "phone": "+856 20 5555 0101",
        "arrival_date": "2025-07-23",
        "arrival_time": "14:35",
        "arrival_flight": "qv 917",
        "arrival_point": "Guiyang Longdongbao (KWE)",
        "departure_date": "2025-07-28",
        "diet": "halal",
        "interpretation_language": "lo",
        # The form's personal-data part (registration.consent_fields): what she agreed to.
        "consent_registration": "y",
        "consent_photo": "y",
    }


def api_body(values: dict) -> dict:
    """A registration as the partner API takes it: the form's consent boxes become its
    `consents` object."""
    body = {name: value for name, value in values.items() if not name.startswith("consent_")}
    body["consents"] = {
        name.removeprefix("consent_"): bool(value)
        for name, value in values.items()
        if name.startswith("consent_")
    } or {"registration": True}
    return body
