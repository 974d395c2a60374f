"""Registration's fixtures, for the consent tests that register through the form."""

from __future__ import annotations

from tests.registration.conftest import lao_delegate, open_event  # noqa: F401 -- fixtures
