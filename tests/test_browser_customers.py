"""End to end in headless Chromium: an owner uploads a sales log, opens the
customers at risk and downloads the list, which holds the right rows with the
ids exactly as in the file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
from conftest import wait_for_app

from tests.test_page_customers import write_csv


def open_at_risk(page, app_server, tmp_path) -> None:
    page.goto(app_server, wait_until="domcontentloaded")
    wait_for_app(page)
    page.locator('[data-testid="stSidebar"] input[type="file"]').set_input_files(
        str(write_csv(tmp_path))
    )
    wait_for_app(page)
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Customers").click()
    wait_for_app(page)
    page.get_by_role("tab", name="At risk").click()
    wait_for_app(page)


def download(page, label: str) -> bytes:
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=label).click()
    content = Path(info.value.path()).read_bytes()
    wait_for_app(page)
    return content


def test_download_the_customers_at_risk(app_server, browser_page, tmp_path):
    page = browser_page
    open_at_risk(page, app_server, tmp_path)
    assert "2 customers at risk" in page.inner_text("body")

    text = download(page, "Download 2 rows (.csv)").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["Customer"] for row in rows] == ["00421", "D9"]
    assert rows[0]["Why"] == "usually every 9 days, last seen 27 days ago"
    assert rows[1]["Why"] == "usually every 5 days, last seen 26 days ago"
    assert rows[0]["Revenue"] == "120.0" and rows[0]["Orders"] == "3"

    workbook = openpyxl.load_workbook(
        io.BytesIO(download(page, "Download 2 rows (.xlsx)"))
    )
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    ids = [
        row[header.index("Customer")] for row in sheet.iter_rows(2, values_only=True)
    ]
    assert ids == ["00421", "D9"]
    assert not page.locator('[data-testid="stException"]').count()
