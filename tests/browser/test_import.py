"""An organiser imports a Thai university's list as sent (Windows-874, title rows, Thai
headers) in a real browser: the preview shows the encoding and the names as read, names a
bad cell, and the corrected list imports the Thai names exactly."""

from __future__ import annotations

import pytest

from tests.registration.test_import_thai_list import HEADERS, PEOPLE, TITLE, _csv

from .conftest import ARTIFACTS, log_in_as_organiser

pytestmark = pytest.mark.browser


def test_a_thai_list_is_previewed_and_imported(live_server, page, tmp_path):
    base = live_server.base_url
    log_in_as_organiser(page, base)
    sent = [row[:] for row in PEOPLE]
    sent[0][11] = "31/02/2030"
    first = tmp_path / "cmu-list.csv"
    first.write_bytes(_csv(TITLE + [HEADERS] + sent))
    page.goto(f"{base}/events/caecw-2025/participants/import")
    page.get_by_label("Delegation list").set_input_files(str(first))
    page.get_by_role("button", name="Upload and check").click()
    assert page.get_by_text("Detected: Thai (Windows-874).").is_visible()
    assert page.locator("#names-as-read").get_by_text("ผศ.ดร.สมชาย ใจดี").is_visible()
    assert page.get_by_role("cell", name="31 February does not exist.").is_visible()
    assert page.get_by_role("button", name="Import 3 participants").count() == 0
    page.screenshot(path=str(ARTIFACTS / "import-preview-errors.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "import-preview-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    corrected = tmp_path / "cmu-list-corrected.csv"
    corrected.write_bytes(_csv(TITLE + [HEADERS] + PEOPLE))
    page.goto(f"{base}/events/caecw-2025/participants/import")
    page.get_by_label("Delegation list").set_input_files(str(corrected))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_label("Category").select_option("official")
    page.get_by_role("button", name="Check again with these settings").click()
    assert page.get_by_text("3 new, 0 updated.").is_visible()
    page.screenshot(path=str(ARTIFACTS / "import-preview-ok.png"), full_page=True)
    # Nothing is imported until the organiser confirms the people agreed to registration.
    page.get_by_role("button", name="Import 3 participants").click()
    assert page.get_by_text("nothing is imported without it").is_visible()
    page.get_by_label("The sender collected these people's consent to their registration").check()
    page.get_by_label("and to their photo on the badge").check()
    page.get_by_role("button", name="Import 3 participants").click()
    assert page.get_by_text("3 participants imported").is_visible()
    assert page.get_by_text("นางสาวน้ำฝน ปั้นทอง").first.is_visible()
    assert not page.problems, page.problems
