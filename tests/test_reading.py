"""Reading files into raw text tables: formats, encodings, headers, errors."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from retention.reading import (
    SalesLogError,
    decode_text,
    detect_delimiter,
    read_table,
    sheet_names,
)


def workbook_bytes(rows_by_sheet: dict[str, list[list[object]]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in rows_by_sheet.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_utf8_byte_order_mark_does_not_stick_to_the_first_column_name():
    data = "\ufeffCustomer ID,Total\r\nC01,19.90\r\n".encode()
    table = read_table(data, name="export.csv")
    assert table.columns == ["Customer ID", "Total"]
    assert table.encoding == "UTF-8 (BOM)"


def test_cp1250_file_decodes_polish_letters_without_mojibake():
    text = "Nr;Klient;Sklep;Wartość brutto\r\n1;K-001;Łódź;120,50\r\n2;K-2;Kraków;80,00\r\n"
    table = read_table(text.encode("cp1250"), name="pos.csv")
    assert table.encoding == "cp1250"
    assert table.columns[-1] == "Wartość brutto"
    assert table.frame["Sklep"].tolist() == ["Łódź", "Kraków"]


def test_utf8_is_preferred_when_the_bytes_decode_cleanly():
    assert decode_text("Vevő;Összeg\n".encode()) == ("Vevő;Összeg\n", "UTF-8")


def test_cp1252_file_with_western_accents_reads_them():
    text, _ = decode_text("Client,Ville\nC1,Montréal\nC2,Zürich\n".encode("cp1252"))
    assert "Montréal" in text and "Zürich" in text


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_detected(delimiter):
    lines = ["order_id,customer,amount", "1,C1,10.5", '2,C2,"7,25"']
    text = "\n".join(line.replace(",", delimiter) for line in lines[:2])
    assert detect_delimiter(text) == delimiter


def test_comma_inside_quotes_does_not_beat_the_semicolon():
    text = 'a;b;c\n1;"x,y";2,50\n3;"z";4,00\n'
    assert detect_delimiter(text) == ";"


def test_header_is_found_below_title_rows_and_merged_group_header_is_combined():
    rows = [
        ["Corner Cafe - Sales export"],
        ["Period: 01.01.2024 - 31.03.2024"],
        [],
        ["Customer", None, "Order", None, None],
        ["ID", "Tier", "Date", "Number", "Amount"],
        ["C01", "Gold", dt.datetime(2024, 1, 4), 1001, 12.5],
        ["Total", None, None, None, 12.5],
    ]
    table = read_table(workbook_bytes({"Sales": rows}), name="report.xlsx")
    assert table.columns == [
        "Customer ID",
        "Customer Tier",
        "Order Date",
        "Order Number",
        "Order Amount",
    ]
    assert table.header_row == 5
    assert table.origin["row_number"].tolist() == [6, 7]
    assert table.frame.iloc[0].tolist() == ["C01", "Gold", "2024-01-04", "1001", "12.5"]


def test_csv_title_lines_are_skipped_and_row_numbers_match_the_text_editor():
    text = 'Shop report\n\nid,customer,note,amount\n1,C1,"two\nlines",5\n\n2,C2,x,6\n'
    table = read_table(text.encode(), name="report.csv")
    assert table.columns == ["id", "customer", "note", "amount"]
    assert table.origin["row_number"].tolist() == [4, 7]


def test_workbook_rows_keep_sheet_row_numbers_when_the_sheet_starts_lower():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["B3"], sheet["C3"] = "customer", "amount"
    sheet["B4"], sheet["C4"] = "C1", 5
    sheet["B6"], sheet["C6"] = "C2", 6
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), name="shifted.xlsx")
    assert table.columns == ["customer", "amount"]
    assert table.origin["row_number"].tolist() == [4, 6]


def test_workbook_numbers_stay_exact_as_text():
    # openpyxl itself writes 0.1 + 0.2 as 0.3, as Excel does (15 digits)
    rows = [["a", "b"], [13541.33, 1 / 3], [17850, "00421"], [2.55, -45.0]]
    table = read_table(workbook_bytes({"S": rows}), name="n.xlsx")
    assert table.frame["a"][0] == "13541.33"
    assert float(table.frame["b"][0]) == 1 / 3
    assert table.frame.iloc[1].tolist() == ["17850", "00421"]
    assert table.frame.iloc[2].tolist() == ["2.55", "-45"]


def test_first_sheet_is_read_by_default_and_another_can_be_chosen():
    data = workbook_bytes({"Jan": [["x", "y"], [1, 2]], "Feb": [["x", "y"], [3, 4]]})
    assert sheet_names(data, name="m.xlsx") == ["Jan", "Feb"]
    assert read_table(data, name="m.xlsx").frame["x"].tolist() == ["1"]
    assert read_table(data, name="m.xlsx", sheet="Feb").frame["x"].tolist() == ["3"]


def test_unknown_sheet_names_the_sheets_there_are():
    data = workbook_bytes({"Jan": [["x", "y"], [1, 2]]})
    with pytest.raises(SalesLogError, match="Jan"):
        read_table(data, name="m.xlsx", sheet="March")


def test_empty_file_is_a_clear_error():
    with pytest.raises(SalesLogError, match="empty"):
        read_table(b"", name="orders.csv")


def test_pdf_named_xlsx_is_a_clear_error():
    with pytest.raises(SalesLogError, match="PDF"):
        read_table(b"%PDF-1.7\n...", name="orders.xlsx")


def test_password_protected_workbook_is_a_clear_error():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    with pytest.raises(SalesLogError, match="password"):
        read_table(data, name="orders.xlsx")


def test_damaged_workbook_is_a_clear_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(SalesLogError, match="damaged"):
        read_table(buffer.getvalue(), name="orders.xlsx")


def test_workbook_named_csv_is_a_clear_error():
    data = workbook_bytes({"S": [["a", "b"], [1, 2]]})
    with pytest.raises(SalesLogError, match="Rename it to .xlsx"):
        read_table(data, name="orders.csv")


def test_unsupported_extension_is_a_clear_error():
    with pytest.raises(SalesLogError, match="not supported"):
        read_table(b"a,b\n1,2\n", name="orders.json")


def test_sales_log_error_is_a_value_error():
    assert issubclass(SalesLogError, ValueError)
