"""An organiser prints the approved participants' badges as a print run drawn by a process of
its own, watches its progress and downloads the PDF; every QR code on it decodes."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from .conftest import ARTIFACTS, log_in_as_organiser

pytestmark = pytest.mark.browser


def test_print_run_of_badges(live_server, page):
    base = live_server.base_url
    log_in_as_organiser(page, base)
    page.goto(f"{base}/events/caecw-2025/")
    page.get_by_role("button", name="Badges").click()
    page.locator("#print-menu + .dropdown-menu").get_by_role("link", name="Badges").click()
    page.wait_for_url(re.compile(r"/badges"))
    count = int(re.search(r"(\d+) badges? to print", page.content())[1])
    assert count >= 6
    page.get_by_label("A4 sheets, nine cards each").check()
    page.get_by_role("button", name="Print these badges").click()
    page.wait_for_url(re.compile(r"/badges/runs/\d+$"))
    download = page.get_by_role("link", name="Download the PDF")
    download.wait_for(state="visible", timeout=60_000)  # drawn by the job worker
    assert f"Done: {count} badges." in page.locator("#run-status").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "badges-run.png"), full_page=True)

    pdf = page.request.get(base + download.get_attribute("href")).body()
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert pages == -(-count // 9)
    png = subprocess.run(
        ["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    (ARTIFACTS / "badges-a4-page1.png").write_bytes(png)
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(codes) == min(count, 9) and all(c.text.startswith("EH1") for c in codes)
    assert page.problems == []
