import io

import openpyxl
import pandas as pd

from retention.export import list_as_csv, list_as_xlsx


def customer_list() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": pd.array(
                ["00421", "10001", "anna@example.com"], dtype="string"
            ),
            "segment": pd.Categorical(["New", "At risk", "New"]),
            "revenue": [12.5, 300.0, 7.25],
        }
    )


def test_csv_keeps_ids_exactly_as_read():
    text = list_as_csv(customer_list()).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "customer_id,segment,revenue"
    assert lines[1] == "00421,New,12.5"
    assert lines[2].startswith("10001,")


def test_xlsx_writes_ids_as_text_cells():
    book = openpyxl.load_workbook(io.BytesIO(list_as_xlsx(customer_list(), "At risk")))
    sheet = book["At risk"]
    assert [cell.value for cell in sheet["A"]] == [
        "customer_id",
        "00421",
        "10001",
        "anna@example.com",
    ]
    assert all(cell.data_type == "s" for cell in sheet["A"])
    assert sheet["B3"].value == "At risk" and sheet["C3"].value == 300.0


def test_a_monthly_history_is_written_as_numbers_in_one_cell():
    frame = pd.DataFrame({"customer_id": ["A"], "monthly_orders": [[1, 0, 2]]})
    assert list_as_csv(frame).decode("utf-8-sig").splitlines()[1] == "A,1 0 2"
    book = openpyxl.load_workbook(io.BytesIO(list_as_xlsx(frame)))
    assert book.active["B2"].value == "1 0 2"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CUSTOMER_TEXTS = [
    f'{start}HYPERLINK("http://evil.example","click")' for start in FORMULA_STARTS
]


def assert_no_formula(book: openpyxl.Workbook, texts: list[str]) -> None:
    """Every cell holding one of ``texts`` is a quoted text cell, and no cell
    of the workbook is a formula."""
    shown = {text.replace("\r", "\n") for text in texts}  # XML reads CR back as LF
    found = set()
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                if cell.value in shown:
                    assert cell.data_type == "s" and cell.quotePrefix
                    found.add(cell.value)
    assert found == shown


def test_list_xlsx_writes_customer_text_that_looks_like_a_formula_as_text():
    frame = pd.DataFrame(
        {
            "customer_id": pd.array(CUSTOMER_TEXTS, dtype="string"),
            "store": pd.Categorical(["=1+2", "+cmd", "-1+1", "@SUM(A1:A2)", "a", "b"]),
            "revenue": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    book = openpyxl.load_workbook(io.BytesIO(list_as_xlsx(frame, "lost")))
    assert_no_formula(book, [*CUSTOMER_TEXTS, "=1+2", "+cmd", "-1+1", "@SUM(A1:A2)"])
    assert book["lost"]["C2"].value == 1.0 and not book["lost"]["A1"].quotePrefix


def test_list_csv_keeps_text_that_looks_like_a_formula_exactly_as_read():
    frame = pd.DataFrame({"customer_id": ["=1+2", "-0042", "+3630123"]})
    lines = list_as_csv(frame).decode("utf-8-sig").splitlines()
    assert lines == ["customer_id", "=1+2", "-0042", "+3630123"]


def test_a_list_workbook_keeps_its_header_in_view_and_fits_its_columns():
    book = openpyxl.load_workbook(io.BytesIO(list_as_xlsx(customer_list(), "At risk")))
    sheet = book["At risk"]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= len("anna@example.com")
    assert sheet.column_dimensions["C"].width >= len("revenue")
