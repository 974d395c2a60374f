"""Form fields as a screen reader meets them: an attribute is there with a meaning, or absent.

WTForms writes any value it is given, so a `None` left in the shared field macro came out as
aria-invalid="None" on every untouched field: read by assistive technology as "invalid"."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

NONE_VALUE = re.compile(r'\s[\w-]+="None"')


@pytest.mark.parametrize("path", ["/auth/login", "/auth/reset", "/events/{slug}/register"])
def test_untouched_fields_carry_no_none_attribute(client, make, path):
    event = make.event(registration_opens_at=datetime(2025, 1, 1, tzinfo=UTC))
    page = client.get(path.format(slug=event.slug)).get_data(as_text=True)
    assert "<input" in page
    assert NONE_VALUE.findall(page) == []


def test_a_refused_field_says_so_and_points_at_its_message(client):
    page = client.post("/auth/login", data={"email": "", "password": ""}).get_data(as_text=True)
    field = re.search(r'<input[^>]*id="email"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="email-error"' in field
    assert 'id="email-error"' in page
