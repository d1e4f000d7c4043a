"""Cells merged over several rows, as a sheet laid out by hand has them: the
customer (or date, or order number) written once, merged over its sales."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest
import xlwt

from retention import reading
from retention.order_metrics import order_figures
from retention.reading import READ_REPAIR, read_table
from retention.sales_log import build_orders, read_raw


def merged_workbook(
    rows: list[list[object]], merged: list[str], *, title_rows: int = 0
) -> bytes:
    """A workbook of ``rows`` (header first) with the ranges ``merged``."""
    book = openpyxl.Workbook()
    sheet = book.active
    for number in range(title_rows):
        sheet.append([f"Sales book, page {number + 1}"])
    for row in rows:
        sheet.append(row)
    for cells in merged:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# The tester's merged_customer.xlsx: V001's name once over three sales (A2:A4),
# V002's over two (A5:A6).
MERGED_CUSTOMERS = [
    ["Customer", "Date", "Amount"],
    ["V001", dt.date(2024, 1, 5), 10],
    [None, dt.date(2024, 2, 5), 20],
    [None, dt.date(2024, 3, 5), 30],
    ["V002", dt.date(2024, 1, 6), 40],
    [None, dt.date(2024, 2, 6), 50],
]


def test_a_customer_merged_over_its_sales_is_the_customer_of_each_of_them():
    data = merged_workbook(MERGED_CUSTOMERS, ["A5:A6", "A2:A4"])
    log = build_orders(read_raw(("merged_customer.xlsx", data)))

    orders = log.orders
    assert orders["customer_id"].value_counts().to_dict() == {"V001": 3, "V002": 2}
    assert orders.groupby("customer_id")["revenue"].sum().to_dict() == {
        "V001": 60.0,
        "V002": 90.0,
    }
    figures = order_figures(log.orders)
    # 5 orders by 2 customers, both of whom came back: 2.5 orders each, 100 %
    assert (figures.customers, figures.orders, figures.guest_orders) == (2, 5, 0)
    assert figures.purchase_frequency == 2.5
    assert figures.repeat_purchase_rate == 100.0

    rows = log.report.row_table
    repaired = rows.filter(rows["outcome"] == "repaired")
    assert repaired["row_number"].to_list() == [3, 4, 6]
    assert set(repaired["reason"]) == {"merged_cell"}
    assert rows.filter(rows["outcome"] == "kept")["row_number"].to_list() == [2, 5]
    assert log.report.count("guest") == 0
    assert (
        "2 cells merged over several rows were read on each of their rows: rows "
        "3, 4, 6 took the value of the merged cell above them (listed under "
        "Details as repaired)." in log.report.notice_texts()
    )


def test_an_order_number_and_date_merged_over_their_lines_make_one_order():
    rows = [
        ["Order", "Date", "Customer", "Item", "Amount"],
        ["1001", dt.date(2024, 3, 1), "Anna", "Bread", 3.5],
        [None, None, None, "Butter", 2.0],
        [None, None, None, "Jam", 4.25],
        ["1002", dt.date(2024, 3, 2), "Béla", "Cake", 12.0],
    ]
    data = merged_workbook(rows, ["A2:A4", "B2:B4", "C2:C4"])
    log = build_orders(read_raw(("lines.xlsx", data)))

    assert len(log.orders) == 2
    first = log.orders.sort_values("timestamp").iloc[0]
    assert (first["customer_id"], first["revenue"]) == ("Anna", 9.75)
    assert first["timestamp"] == pd.Timestamp(2024, 3, 1)
    assert log.report.count("merged_cell") == 2
    assert log.report.count("no_date") == 0


def test_merged_cells_are_read_below_title_rows():
    rows = [
        ["Date", "Customer", "Amount"],
        [dt.date(2024, 1, 5), "V001", 10],
        [dt.date(2024, 2, 5), None, 20],
        [dt.date(2024, 3, 5), None, 30],
    ]
    data = merged_workbook(rows, ["B4:B6"], title_rows=2)
    table = read_table(data, name="book.xlsx")

    assert table.header_row == 3
    assert table.frame["Customer"].tolist() == ["V001", "V001", "V001"]
    assert table.rows[READ_REPAIR].to_list() == ["", "merged_cell", "merged_cell"]


def test_merged_cells_land_on_their_column_when_the_sales_start_in_column_c():
    """The workbook library leaves out the empty columns left of the sales:
    the merged range E2:E3 is the third column read, the amount."""
    rows = [
        [None, None, "Customer", "Date", "Amount"],
        [None, None, "V001", dt.date(2024, 1, 5), 10],
        [None, None, "V002", dt.date(2024, 2, 5), None],
    ]
    table = read_table(merged_workbook(rows, ["E2:E3"]), name="c.xlsx")
    assert table.columns == ["Customer", "Date", "Amount"]
    assert table.frame["Customer"].tolist() == ["V001", "V002"]
    assert table.frame["Amount"].tolist() == ["10", "10"]


def test_a_merged_cell_fills_only_rows_holding_something_of_their_own():
    """A row that holds nothing but the merged cell's shadow is no row; a
    range merged across columns (the header's B1:C1) is left alone."""
    rows = [
        ["Customer", "Date", "Amount"],
        ["V001", dt.date(2024, 1, 5), 10],
        [None, None, None],
        [None, dt.date(2024, 3, 5), 30],
    ]
    data = merged_workbook(rows, ["A2:A4", "B1:C1"])
    table = read_table(data, name="book.xlsx")

    assert table.frame["Customer"].tolist() == ["V001", "V001"]
    assert table.rows["row_number"].to_list() == [2, 4]
    assert table.rows[READ_REPAIR].to_list() == ["", "merged_cell"]
    assert "1 cell merged over several rows was read on each of its rows" in (
        " ".join(table.notices)
    )


def test_a_workbook_without_merged_cells_reads_as_before():
    rows = [row[:] for row in MERGED_CUSTOMERS]
    rows[2][0] = rows[3][0] = "V001"
    rows[5][0] = "V002"
    table = read_table(merged_workbook(rows, []), name="plain.xlsx")
    assert READ_REPAIR not in table.rows.columns
    assert not any("merged" in notice for notice in table.notices)


def test_merged_cells_listed_past_the_end_kept_when_opening_are_read_again(
    monkeypatch,
):
    """A list of merged cells longer than the end of the sheet's XML kept
    while the workbook was opened is read by unpacking the sheet again."""
    sales = [["Customer", "Date", "Amount"]]
    merged = []
    for customer in range(300):
        top = len(sales) + 1
        sales.append([f"C{customer:03}", dt.date(2024, 1, 1 + customer % 28), 5])
        sales.append([None, dt.date(2024, 2, 1 + customer % 28), 7])
        merged.append(f"A{top}:A{top + 1}")
    data = merged_workbook(sales, merged)
    monkeypatch.setattr(reading, "_END_BYTES", 200)
    monkeypatch.setattr(reading, "_INFLATE_STEP", 256)
    unpacked = reading._check_expanded_size(data, "book.xlsx")
    assert unpacked.merged["xl/worksheets/sheet1.xml"] is None

    table = read_table(data, name="book.xlsx")
    assert table.frame["Customer"].tolist()[:4] == ["C000", "C000", "C001", "C001"]
    assert (table.rows[READ_REPAIR] == "merged_cell").sum() == 300


@pytest.mark.parametrize(
    ("end", "merges"),
    [
        (b'<c r="A9"><v>1</v></c></row></sheetData><pageMargins/></worksheet>', ()),
        (b"<sheetData/><pageMargins/></worksheet>", ()),
        (
            b'</sheetData><mergeCells count="2"><mergeCell ref="A2:A4"/>'
            b'<mergeCell ref="B1:D1"/></mergeCells></worksheet>',
            ((2, 4, 0),),
        ),
        (
            b'</x:sheetData><x:mergeCells><x:mergeCell ref="$C$10:$D$12"/>'
            b"</x:mergeCells></x:worksheet>",
            ((10, 12, 2),),
        ),
        # the end starts inside the list, or after it: unknown
        (b'<mergeCell ref="A2:A4"/></mergeCells></worksheet>', None),
        (b"<hyperlinks></hyperlinks></worksheet>", None),
        # a customer called mergeCells inside the rows is no list
        (b"<t>mergeCells</t></is></c></row></sheetData></worksheet>", ()),
    ],
)
def test_merged_cells_are_read_from_the_end_of_the_sheet(end, merges):
    assert reading._merged_cells(end, whole=False) == merges


def test_an_xls_workbook_has_its_merged_cells_read_too():
    book = xlwt.Workbook()
    sheet = book.add_sheet("Sales")
    for column, label in enumerate(["Customer", "Date", "Amount"]):
        sheet.write(0, column, label)
    sheet.write_merge(1, 3, 0, 0, "V001")
    style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for row, (day, amount) in enumerate([(5, 10), (6, 20), (7, 30)], start=1):
        sheet.write(row, 1, dt.date(2024, 1, day), style)
        sheet.write(row, 2, amount)
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), name="old.xls")
    assert table.frame["Customer"].tolist() == ["V001"] * 3
    assert table.rows[READ_REPAIR].to_list() == ["", "merged_cell", "merged_cell"]


def test_an_ods_merged_customer_is_read_on_its_first_row_only():
    """A known limit (README): the workbook library does not give an
    OpenDocument sheet's merged cells, so the rows below are guests."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    sheet = Table(name="Sales")
    cells = [["Customer", "Amount"], [("V001", 2), 10], [None, 20]]
    for values in cells:
        row = TableRow()
        for value in values:
            if value is None:
                row.addElement(CoveredTableCell())
                continue
            text, span = value if isinstance(value, tuple) else (value, 1)
            spanned = {"numberrowsspanned": span} if span > 1 else {}
            kind = "float" if isinstance(text, int) else "string"
            extra = {"value": text} if kind == "float" else {}
            cell = TableCell(valuetype=kind, **extra, **spanned)
            cell.addElement(P(text=str(text)))
            row.addElement(cell)
        sheet.addElement(row)
    document.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    document.save(buffer)
    table = read_table(buffer.getvalue(), name="sales.ods")
    assert table.frame["Customer"].tolist() == ["V001", ""]
