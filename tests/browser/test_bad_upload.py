"""An organiser uploads a spreadsheet bomb in a real browser: the form says at once which
limit it exceeds, and the page stays usable for the real list."""

from __future__ import annotations

import pytest

from tests.registration.test_import_bounds import xlsx_bomb

from .conftest import ARTIFACTS, log_in_as_organiser

pytestmark = pytest.mark.browser


def test_a_spreadsheet_bomb_is_refused_with_the_limit(live_server, page, tmp_path):
    base = live_server.base_url
    log_in_as_organiser(page, base)
    bomb = tmp_path / "delegation-list.xlsx"
    bomb.write_bytes(xlsx_bomb())
    page.goto(f"{base}/events/caecw-2025/participants/import")
    page.get_by_label("Delegation list").set_input_files(str(bomb))
    page.get_by_role("button", name="Upload and check").click()
    assert page.get_by_text("expands to more than 40 MB when opened").is_visible()
    assert page.get_by_role("button", name="Upload and check").is_visible()
    page.screenshot(path=str(ARTIFACTS / "import-bomb-refused.png"), full_page=True)
    assert not page.problems, page.problems
