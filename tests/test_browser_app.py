"""End to end in headless Chromium: a person opens the app, uploads a workbook,
switches to quarters and reads the retention rate on the Retention page."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import openpyxl
from conftest import wait_for_app

# F01's orders plus one on the last day of June, so that Q2 is complete.
ORDERS = [
    ("1001", "C01", "2024-01-15", 40.00),
    ("1002", "C02", "2024-02-03", 25.00),
    ("1003", "C05", "2024-03-09", 60.00),
    ("1004", "C01", "2024-04-10", 35.00),
    ("1005", "C03", "2024-04-12", 50.00),
    ("1006", "C02", "2024-05-20", 30.00),
    ("1007", "C03", "2024-05-28", 20.00),
    ("1008", "C04", "2024-06-05", 45.00),
    ("1009", "C04", "2024-06-30", 15.00),
]


def write_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sales"
    sheet.append(["Order", "Customer", "Date", "Total"])
    for order, customer, day, total in ORDERS:
        sheet.append([int(order), customer, date.fromisoformat(day), total])
    book.save(path)
    return path


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label``."""
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_upload_change_period_and_read_retention(app_server, browser_page, tmp_path):
    page = browser_page
    page.goto(app_server, wait_until="domcontentloaded")
    text = wait_for_app(page)
    assert "Do your customers come back?" in text
    assert "Dec 2010" in text  # the sample is shown before any upload

    workbook = write_workbook(tmp_path / "my_shop.xlsx")
    page.locator('[data-testid="stSidebar"] input[type="file"]').set_input_files(
        str(workbook)
    )
    text = wait_for_app(page)
    assert "my_shop.xlsx" in text

    choose(page, "Period", "Quarter")
    wait_for_app(page)
    assert "period=quarter" in page.url

    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Retention").click()
    text = wait_for_app(page)
    assert "Last complete period: 2024 Q2" in text
    crr = page.locator('[data-testid="stMetric"]').filter(
        has_text="Retention rate (CRR)"
    )
    assert "66.67 %" in crr.inner_text()
    churn = page.locator('[data-testid="stMetric"]').filter(has_text="Churn rate")
    assert "33.33 %" in churn.inner_text()
    assert not page.locator('[data-testid="stException"]').count()


def test_the_workbook_of_an_own_sales_log_carries_no_sample_survey(
    app_server, browser_page, tmp_path
):
    """A tester's finding: the bundled sample survey's NPS (48) went into the
    workbook of the owner's own shop, unmarked, for a partner or accountant
    to read as the shop's."""
    page = browser_page
    page.goto(app_server, wait_until="domcontentloaded")
    wait_for_app(page)
    workbook = write_workbook(tmp_path / "my_shop.xlsx")
    page.locator('[data-testid="stSidebar"] input[type="file"]').set_input_files(
        str(workbook)
    )
    assert "my_shop.xlsx" in wait_for_app(page)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download this view (.xlsx)").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert "NPS" not in book.sheetnames
    cells = [
        cell for row in book.worksheets[0].iter_rows(values_only=True) for cell in row
    ]
    assert "Net Promoter Score" not in cells
    assert "my_shop.xlsx" in cells


def test_a_link_to_a_page_that_does_not_exist_opens_the_overview_and_says_so(
    app_server, browser_page
):
    page = browser_page
    page.goto(app_server, wait_until="domcontentloaded")  # past the first run's mode
    wait_for_app(page)
    page.goto(f"{app_server}/cohortz?period=fortnight", wait_until="domcontentloaded")
    text = wait_for_app(page)
    assert "The link's page “cohortz” does not exist; showing Overview." in text
    assert "The link's period “fortnight” is not week, month, quarter or year" in text
    assert "Do your customers come back?" in text
    assert not page.get_by_text("Page not found").count()
    assert urlparse(page.url).path == "/", page.url
    assert "period=month" in page.url
