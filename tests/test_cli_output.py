"""What the command line writes: its own notes, each on its own line, and no
log line of the workbook libraries."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, Reference

REPO = Path(__file__).resolve().parents[1]


def run_merged(*args: str) -> str:
    """The command's standard output and error as one log (``2>&1``)."""
    return subprocess.run(
        [sys.executable, "-m", "retention", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        check=True,
    ).stdout


def chart_and_formulas_workbook(path: Path) -> None:
    """A chart sheet before the sales, whose last column holds formulas saved
    without their values (as openpyxl and some tills write them)."""
    workbook = openpyxl.Workbook()
    sales = workbook.active
    sales.title = "Sales"
    sales.append(["Customer", "Date", "Amount", "Doubled"])
    for row, (customer, day, amount) in enumerate(
        [("A", 5, 10), ("B", 9, 20), ("A", 20, 5)], start=2
    ):
        sales.append([customer, dt.datetime(2024, 1, day), amount, f"=C{row}*2"])
    chart = BarChart()
    chart.add_data(Reference(sales, min_col=3, min_row=1, max_row=4))
    workbook.create_chartsheet("Chart", 0).add_chart(chart)
    workbook.save(path)


def test_the_workbook_libraries_log_nothing_to_the_user(tmp_path):
    path = tmp_path / "charted.xlsx"
    chart_and_formulas_workbook(path)
    output = run_merged("summary", str(path))
    assert "Customers: 2  Orders: 3  Revenue: 35.00" in output
    assert "chartsheet" not in output
    assert "dtype" not in output


def test_notes_and_figures_each_end_their_line_when_piped_together(tmp_path):
    path = tmp_path / "zoned.csv"
    path.write_text(
        "order_id,customer,created_at,total\n"
        "1,A,2024-01-10T09:00:00Z,10\n"
        "2,B,2024-02-10T09:00:00Z,20\n"
    )
    lines = run_merged("summary", str(path)).split("\n")
    assert lines[0] == (
        "2 time stamps carry a time zone offset; they were kept at the clock time "
        "written. Choose the shop's time zone to convert them."
    )
    assert lines[-2].startswith("Feb 2024 ")
    assert lines[-2].endswith("(partial)")
    assert lines[-1] == ""
