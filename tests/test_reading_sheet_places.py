"""A table placed anywhere on its sheet is read from its own cells.

Reports and hand-made sheets often leave the first row or column empty. The
workbook library counts some things from the sheet's corner and others from
the table's, and these faults were once in Regulars: a column read again as
text took its neighbour's cells; below an empty first row the header was read
as a sale with every row number one too high; a title beside the table,
above its header, stopped the file from being read at all.
"""

from __future__ import annotations

import io

import xlsxwriter

from retention.reading import read_table
from retention.sales_log import load_sales_log


def placed(rows: list[list[object]], first_row: int, first_column: int) -> bytes:
    """An .xlsx holding ``rows`` from the cell at ``first_row``, ``first_column``
    (from 0), empty cells where a value is ``None``."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet("Sales")
    for row, values in enumerate(rows):
        for column, value in enumerate(values):
            if value is not None:
                sheet.write(first_row + row, first_column + column, value)
    book.close()
    return buffer.getvalue()


PAID = [
    ["Customer", "Amount", "Paid"],
    ["anna", 12.5, True],
    ["bela", 7.0, False],
    ["anna", 3.5, True],
]


def test_a_column_read_again_as_text_keeps_its_own_cells_when_column_a_is_empty():
    table = read_table(placed(PAID, 0, 1), name="sales.xlsx")

    assert table.columns == ["Customer", "Amount", "Paid"]
    assert table.cells["Paid"].to_list() == ["true", "false", "true"]
    assert table.cells["Amount"].to_list() == [12.5, 7.0, 3.5]


TITLED = [
    ["Sales of March"],
    [],
    ["Customer", "Amount"],
    ["anna", 12.5],
    ["bela", 7.0],
]


def test_a_header_below_an_empty_first_row_and_a_title_is_not_read_as_a_sale():
    # row 1 empty, the title on row 2, the header on row 4, sales on rows 5-6
    table = read_table(placed(TITLED, 1, 0), name="sales.xlsx")

    assert table.columns == ["Customer", "Amount"]
    assert table.cells.rows() == [("anna", 12.5), ("bela", 7.0)]
    assert table.origin["row_number"].tolist() == [5, 6]
    assert table.header_row == 4


def test_the_same_table_anywhere_on_the_sheet_gives_the_same_orders():
    def figures(data: bytes) -> tuple[int, float]:
        orders = load_sales_log(("sales.xlsx", data)).orders
        return len(orders), round(orders["revenue"].sum(), 2)

    rows = [["Date", "Customer", "Amount"]] + [
        [f"2024-0{month}-0{day}", f"c{day}", 10.0 * day + month]
        for month in (1, 2, 3)
        for day in (1, 2, 3)
    ]
    at_corner = figures(placed(rows, 0, 0))

    for first_row, first_column in [(1, 0), (0, 2), (3, 1)]:
        titled = [["Till report"], [], *rows] if first_row else rows
        assert figures(placed(titled, first_row, first_column)) == at_corner


def test_a_title_beside_the_table_above_its_header_is_left_out():
    rows = [["Customer", "Amount"], ["anna", 12.5], ["bela", 7.0]]
    to_the_right = [[None] * 7 + ["Sales of March"], [], [], *rows]
    to_the_left = [["Sales of March"], [], [], *[[None, None, *row] for row in rows]]

    for data in (placed(to_the_right, 0, 0), placed(to_the_left, 0, 0)):
        table = read_table(data, name="sales.xlsx")
        assert table.columns == ["Customer", "Amount"]
        assert table.cells.rows() == [("anna", 12.5), ("bela", 7.0)]
        assert table.origin["row_number"].tolist() == [5, 6]
