"""Ids kept in a workbook as numbers with a zero-padding format, read as shown."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import polars as pl

from retention.reading import read_table
from retention.sales_log import load_sales_log


def formatted_workbook(rows, formats, *, start="A1") -> bytes:
    """A workbook of ``rows`` from the cell ``start``, the number format
    ``formats[column]`` given to that column's cells below the header."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    first = sheet[start]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = sheet.cell(first.row + r, first.column + c, value)
            if r and c in formats:
                cell.number_format = formats[c]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# The tester's January workbook: loyalty numbers typed 00421 and 00077, kept
# by Excel as 421 and 77 with the format 00000.
JANUARY = [
    ["Customer", "Date", "Amount"],
    [421, dt.datetime(2024, 1, 5), 10],
    [77, dt.datetime(2024, 1, 6), 20],
]
FEBRUARY = b"Customer,Date,Amount\n00421,2024-02-05,30\n00077,2024-02-06,40\n"


def test_ids_with_a_zero_padding_format_are_read_as_excel_shows_them():
    table = read_table(formatted_workbook(JANUARY, {0: "00000"}), name="jan.xlsx")

    assert table.frame["Customer"].tolist() == ["00421", "00077"]
    assert table.cells["Amount"].dtype == pl.Float64


def test_a_customer_in_a_formatted_workbook_and_a_csv_file_is_one_customer():
    january = formatted_workbook(JANUARY, {0: "00000"})

    log = load_sales_log([("jan.xlsx", january), ("feb.csv", FEBRUARY)])

    # two customers, each buying in January (10, 20) and February (30, 40)
    assert sorted(log.orders["customer_id"].unique()) == ["00077", "00421"]
    assert log.orders.groupby("customer_id")["revenue"].sum().to_dict() == {
        "00077": 60.0,
        "00421": 40.0,
    }


def test_a_sheet_starting_in_column_c_pads_its_own_id_column():
    rows = [["Order", "Customer", "Date", "Amount"], [7, 421, dt.date(2024, 1, 5), 12]]
    data = formatted_workbook(rows, {1: "000000"}, start="C3")

    table = read_table(data, name="shifted.xlsx")

    assert table.frame.iloc[0].tolist() == ["7", "000421", "2024-01-05", "12"]


def test_only_cells_carrying_the_format_are_padded():
    rows = [["Receipt", "Amount"], [42, 5], [1234, 6]]
    data = formatted_workbook(rows, {0: "0000"})
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    workbook.active["A3"].number_format = "General"
    buffer = io.BytesIO()
    workbook.save(buffer)

    table = read_table(buffer.getvalue(), name="receipts.xlsx")

    assert table.frame["Receipt"].tolist() == ["0042", "1234"]


def test_numbers_with_other_formats_stay_numbers():
    rows = [["Customer", "Amount", "Quantity"], [421, 12.5, 2], [77, 7.25, 1]]
    data = formatted_workbook(rows, {0: "0", 1: "0.00", 2: "#,##0"})

    table = read_table(data, name="plain.xlsx")

    assert [table.cells[c].dtype for c in table.columns] == [pl.Float64] * 3
    assert table.frame["Customer"].tolist() == ["421", "77"]


def test_a_padded_column_of_amounts_with_cents_keeps_its_numbers():
    # Excel would show 12.5 as 0013: a rounded display is no id
    rows = [["Customer", "Amount"], ["C1", 12.5], ["C2", 7]]
    table = read_table(formatted_workbook(rows, {1: "0000"}), name="cents.xlsx")

    assert table.cells["Amount"].to_list() == [12.5, 7.0]
