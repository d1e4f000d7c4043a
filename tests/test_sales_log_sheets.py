"""Which sheet of a workbook is the sales log, and choosing it on the command
line."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl

from retention.sales_log import read_raw, sales_sheet
from tests.test_cli import run_cli
from tests.test_sales_log import sheets_read_by

REPO = Path(__file__).resolve().parents[1]


def summary_first_workbook() -> bytes:
    """A sheet of monthly totals (a date and an amount, no customer) before the
    sales of three orders of two customers."""
    workbook = openpyxl.Workbook()
    totals = workbook.active
    totals.title = "Summary"
    totals.append(["Month", "Revenue"])
    totals.append([dt.datetime(2024, 1, 1), 30])
    totals.append([dt.datetime(2024, 2, 1), 30])
    sales = workbook.create_sheet("Sales")
    sales.append(["Customer", "Date", "Amount"])
    sales.append(["A", dt.datetime(2024, 1, 5), 10])
    sales.append(["B", dt.datetime(2024, 1, 20), 20])
    sales.append(["A", dt.datetime(2024, 2, 5), 30])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_sheet_of_totals_before_the_sales_is_passed_over_for_the_sheet_with_customers(
    monkeypatch,
):
    read = sheets_read_by(monkeypatch, "totals.xlsx")
    raw = read_raw(("totals.xlsx", summary_first_workbook()))
    assert raw.sheets_read() == ["Sales"]
    assert read == ["Summary", "Sales"]
    assert raw.notices[0] == (
        "The sheet Summary has dates and amounts but no customer column (totals, "
        "perhaps); the sheet Sales has the customers and was read. Choose another "
        "under Sheets to read."
    )
    assert sales_sheet(summary_first_workbook(), name="totals.xlsx") == "Sales"


def test_the_command_line_reads_the_sheets_it_is_given(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    # two years of the same layout; the first sheet alone holds one order
    for title, rows in {
        "2023": [["C1", dt.datetime(2023, 12, 5), 10]],
        "2024": [
            ["C1", dt.datetime(2024, 1, 5), 20],
            ["C2", dt.datetime(2024, 1, 9), 5],
        ],
    }.items():
        sheet = workbook.create_sheet(title)
        sheet.append(["Customer", "Date", "Amount"])
        for row in rows:
            sheet.append(row)
    path = tmp_path / "years.xlsx"
    workbook.save(path)

    def figures(*sheets: str) -> dict:
        chosen = [part for sheet in sheets for part in ("--sheet", sheet)]
        done = run_cli("summary", str(path), *chosen, "--json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)["figures"]

    assert (figures()["orders"], figures()["revenue"]) == (1, 10)
    assert (figures("2024")["orders"], figures("2024")["revenue"]) == (2, 25)
    both = figures("2023", "2024")
    assert (both["orders"], both["customers"], both["revenue"]) == (3, 2, 35)


def test_the_command_line_names_the_sheets_when_one_is_missing(tmp_path):
    path = tmp_path / "totals.xlsx"
    path.write_bytes(summary_first_workbook())
    done = run_cli("summary", str(path), "--sheet", "Orders")
    assert done.returncode == 2
    assert done.stderr == (
        "The workbook totals.xlsx has no sheet called Orders; its sheets are: "
        "Summary, Sales.\n"
    )


def years_workbook(columns_2024: list[str] | None = None) -> bytes:
    """A sheet per year of the same columns (unless ``columns_2024``), and a
    notes sheet."""
    header = ["Order", "Customer", "Date", "Amount"]
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "2023"
    for row in [header, [1, "C1", "2023-05-02", 10], [2, "C2", "2023-06-02", 20]]:
        first.append(row)
    second = workbook.create_sheet("2024")
    for row in [columns_2024 or header, [3, "C1", "2024-05-02", 30]]:
        second.append(row)
    workbook.create_sheet("Notes").append(["Prices include VAT"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_other_sheets_of_the_same_columns_are_named_to_be_stacked():
    raw = read_raw(("years.xlsx", years_workbook()))

    assert raw.sheets_read() == ["2023"]
    assert raw.alike_sheets == ("2024",)
    assert raw.notices[-1] == (
        "The sheet “2024” has the same columns as the sheet “2023”: choose it too "
        "under Sheets to read to stack them and see the whole history."
    )


def test_no_sheet_is_named_to_be_stacked_when_chosen_or_of_other_columns():
    other = years_workbook(["Order", "Customer", "Date", "Total"])

    assert read_raw(("years.xlsx", other)).alike_sheets == ()
    assert read_raw(("years.xlsx", years_workbook()), sheet="2023").alike_sheets == ()
