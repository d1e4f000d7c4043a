"""Reading files into raw text tables: formats, encodings, headers, errors."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import random
import re
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from retention.reading import (
    SalesLogError,
    decode_text,
    detect_delimiter,
    read_table,
    sheet_names,
)
from tests.workbook_parts import FIRST_SHEET, with_first_sheet, with_parts_rewritten


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


# Excel's "Unicode Text": tab-delimited UTF-16, here with Hungarian names.
HUNGARIAN_TEXT = (
    "Rendelés\tVevő\tDátum\tÖsszeg\r\n"
    "1001\tKovács Éva\t2024.01.15\t1250,50\r\n"
    "1002\tSzőke Ödön\t2024.01.20\t300,00\r\n"
    "1003\tKovács Éva\t2024.02.03\t99,90\r\n"
    "1004\tTóth Árpád Győző\t2024.02.28\t4500,00\r\n"
)
UTF16_FORMS = [
    ("utf-16", "UTF-16 LE (BOM)"),  # what Python and Excel write: LE, with a mark
    ("utf-16-be-bom", "UTF-16 BE (BOM)"),
    ("utf-16-le", "UTF-16 LE"),  # no mark: told by where the zero bytes sit
    ("utf-16-be", "UTF-16 BE"),
]


def utf16_bytes(text: str, form: str) -> bytes:
    if form == "utf-16-be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be")
    return text.encode(form)


@pytest.mark.parametrize(("form", "encoding"), UTF16_FORMS)
def test_utf16_unicode_text_reads_the_same_orders_as_utf8(tmp_path, form, encoding):
    from retention.sales_log import load_sales_log

    (tmp_path / "utf8.txt").write_bytes(HUNGARIAN_TEXT.encode("utf-8"))
    (tmp_path / "utf16.txt").write_bytes(utf16_bytes(HUNGARIAN_TEXT, form))

    table = read_table((tmp_path / "utf16.txt").read_bytes(), name="utf16.txt")
    assert table.encoding == encoding
    assert table.delimiter == "\t"
    assert table.columns == ["Rendelés", "Vevő", "Dátum", "Összeg"]
    assert table.frame["Vevő"].tolist()[-1] == "Tóth Árpád Győző"
    utf16 = load_sales_log(tmp_path / "utf16.txt").orders
    utf8 = load_sales_log(tmp_path / "utf8.txt").orders
    assert len(utf16) == 4
    assert utf16.equals(utf8)
    assert utf16["customer_id"].tolist() == [
        "Kovács Éva",
        "Szőke Ödön",
        "Kovács Éva",
        "Tóth Árpád Győző",
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02\x03" * 300,  # zero bytes everywhere: binary
        bytes(range(256)) * 8,
        "order\tamount\x07\r\n".encode("utf-16-le") * 20,  # a control character
        b"\xff\xfe\x00",  # a mark and half a character
    ],
)
def test_a_binary_file_is_still_refused_clearly(data):
    with pytest.raises(SalesLogError, match="not a text file|no .* column|empty"):
        read_table(data, name="orders.txt")


def test_the_utf16_marks_bytes_before_8_bit_text_do_not_make_it_utf16():
    table = read_table(b"\xff\xfeorder;amount\n1;2\n", name="orders.txt")
    assert not table.encoding.startswith("UTF-16")
    assert table.columns[1] == "amount"


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


# --- more formats ------------------------------------------------------------

SALES = [
    ["Order", "Customer", "Date", "Amount"],
    ["1001", "00421", dt.datetime(2024, 1, 5, 10, 30), 12.5],
    ["1002", "C02", dt.datetime(2024, 2, 6), 20.0],
]


def ods_bytes(rows: list[list[object]]) -> bytes:
    import pandas as pd

    buffer = io.BytesIO()
    pd.DataFrame(rows[1:], columns=rows[0]).to_excel(
        buffer, engine="odf", index=False, sheet_name="Sales"
    )
    return buffer.getvalue()


def xls_bytes(rows: list[list[object]]) -> bytes:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Sales")
    stamp = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write(r, c, value, stamp)
            else:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "make"), [("x.ods", ods_bytes), ("x.xls", xls_bytes)])
def test_ods_and_xls_workbooks_read_like_xlsx(name, make):
    table = read_table(make(SALES), name=name)
    assert table.columns == ["Order", "Customer", "Date", "Amount"]
    assert table.frame.values.tolist() == [
        ["1001", "00421", "2024-01-05 10:30:00", "12.5"],
        ["1002", "C02", "2024-02-06", "20"],
    ]
    assert table.origin["row_number"].tolist() == [2, 3]


def test_xlsm_is_read_as_a_workbook():
    table = read_table(workbook_bytes({"S": SALES}), name="macro.xlsm")
    assert table.frame["Customer"].tolist() == ["00421", "C02"]


def test_two_line_header_is_joined_into_one_name_per_column():
    text = "Customer,Order,Order,Line\nID,Date,Number,Total\nC1,2024-01-05,1,10\nC2,2024-01-06,2,12\n"
    table = read_table(text.encode(), name="two.csv")
    assert table.columns == ["Customer ID", "Order Date", "Order Number", "Line Total"]
    assert table.header_row == 2


def test_a_first_data_row_of_text_is_not_taken_for_a_second_header_line():
    text = "customer,store,note\nAnna,Budapest,first\nAnna,Budapest,12.5\n"
    table = read_table(text.encode(), name="text.csv")
    assert table.columns == ["customer", "store", "note"]
    assert len(table) == 2


def test_stacked_sheets_of_two_years_and_another_sheet_hash_differently():
    data = workbook_bytes(
        {"2023": [["x", "y"], [1, 2]], "2024": [["x", "y"], [3, 4], [5, 6]]}
    )
    both = read_table(data, name="years.xlsx", sheet=["2023", "2024"])
    assert both.frame["x"].tolist() == ["1", "3", "5"]
    assert both.origin["sheet"].tolist() == ["2023", "2024", "2024"]
    first = read_table(data, name="years.xlsx")
    other = read_table(data, name="years.xlsx", sheet="2024")
    assert len({first.content_hash, other.content_hash, both.content_hash}) == 3


def test_a_stacked_sheet_without_a_column_of_another_sheet_is_said():
    """Regression: the note was lost when the sheets' own notes were gathered."""
    data = workbook_bytes({"2023": [["x", "note"], [1, "a"]], "2024": [["x"], [3]]})
    table = read_table(data, name="years.xlsx", sheet=["2023", "2024"])
    assert table.notices == (
        "Read and stacked the sheets 2023, 2024.",
        "The sheet 2024 has no column note; those cells are empty for its rows.",
    )


def test_the_sheets_check_is_told_the_workbook_and_each_sheet_before_stacking():
    data = workbook_bytes({"2023": [["x", "y"], [1, 2]], "2024": [["y"], [3]]})
    told = []

    def check(name, sheets):
        told.append((name, [(sheet.sheet_names, sheet.columns) for sheet in sheets]))

    read_table(data, name="years.xlsx", sheet="2024", check_sheets=check)
    assert told == []
    read_table(data, name="years.xlsx", sheet=["2023", "2024"], check_sheets=check)
    assert told == [("years.xlsx", [(("2023",), ["x", "y"]), (("2024",), ["y"])])]


def test_progress_is_told_each_sheet_it_reads():
    data = workbook_bytes({"A": [["x", "y"], [1, 2]], "B": [["x", "y"], [3, 4]]})
    steps = []
    read_table(
        data, name="m.xlsx", sheet=["A", "B"], progress=lambda *s: steps.append(s)
    )
    assert [(round(done, 2), text) for done, text in steps] == [
        (0.0, "Reading m.xlsx…"),
        (0.0, "Reading sheet A of m.xlsx…"),
        (0.4, "Finding the header row of the sheet A…"),
        (0.5, "Reading sheet B of m.xlsx…"),
        (0.9, "Finding the header row of the sheet B…"),
    ]


# --- bad input: one clear message each --------------------------------------


def test_file_over_the_size_limit_says_its_size_and_the_limit():
    data = b"customer,date,amount\n" + b"C1,2024-01-01,5\n" * 70_000
    with pytest.raises(SalesLogError) as error:
        read_table(data, name="big.csv", limit_mb=1)
    assert "big.csv is 1.1 MB; the limit is 1 MB per file" in str(error.value)
    assert "maxUploadSize" in str(error.value)


def test_workbook_that_would_unpack_to_an_absurd_size_is_refused(monkeypatch):
    from retention import reading

    monkeypatch.setattr(reading, "MAX_EXPANDED_BYTES", 1_000_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * 5_000_000)
    assert len(buffer.getvalue()) < 20_000
    with pytest.raises(SalesLogError, match="would unpack to 5 MB"):
        read_table(buffer.getvalue(), name="bomb.xlsx")


def _workbook_declaring_a_small_sheet(padding: int) -> bytes:
    """A real workbook whose sheet holds ``padding`` spaces more than it says:
    the archive's sizes for the sheet are rewritten to 1,000 bytes."""
    sheet = FIRST_SHEET
    padded = with_parts_rewritten(
        workbook_bytes({"S": SALES}),
        {
            sheet: lambda xml: xml.replace(
                b"<sheetData>", b"<sheetData>" + b" " * padding
            )
        },
    )
    forged = bytearray(padded)
    local = zipfile.ZipFile(io.BytesIO(bytes(forged))).getinfo(sheet).header_offset
    struct.pack_into("<I", forged, local + 22, 1_000)
    entry = forged.find(b"PK\x01\x02")
    while entry != -1:
        length = struct.unpack_from("<H", forged, entry + 28)[0]
        if bytes(forged[entry + 46 : entry + 46 + length]) == sheet.encode():
            struct.pack_into("<I", forged, entry + 24, 1_000)
        entry = forged.find(b"PK\x01\x02", entry + 4)
    declared = zipfile.ZipFile(io.BytesIO(bytes(forged))).getinfo(sheet).file_size
    assert declared == 1_000
    return bytes(forged)


def test_workbook_that_unpacks_to_more_than_it_declares_is_refused(monkeypatch):
    from retention import reading

    monkeypatch.setattr(reading, "MAX_EXPANDED_BYTES", 1_000_000)
    forged = _workbook_declaring_a_small_sheet(5_000_000)
    assert len(forged) < 30_000
    with pytest.raises(SalesLogError, match="unpacks to more than 1 MB although"):
        read_table(forged, name="liar.xlsx")


def test_a_workbook_under_the_limit_is_read_after_its_parts_are_counted(monkeypatch):
    from retention import reading

    # small enough a limit that the archive's size alone does not rule it out
    monkeypatch.setattr(reading, "MAX_EXPANDED_BYTES", 100_000)
    data = workbook_bytes({"S": SALES})
    assert len(data) * reading._DEFLATE_MAX_RATIO > 100_000
    counted = []
    unpack = reading._unpack

    def counting(*arguments, **options):
        counted.append(unpack(*arguments, **options))
        return counted[-1]

    monkeypatch.setattr(reading, "_unpack", counting)
    table = read_table(data, name="honest.xlsx")
    assert table.columns == [str(cell) for cell in SALES[0]]
    assert 0 < counted[0].size < 100_000


def test_really_encrypted_workbook_is_a_clear_error():
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(workbook_bytes({"S": SALES}))).encrypt("secret", encrypted)
    with pytest.raises(SalesLogError, match="password-protected"):
        read_table(encrypted.getvalue(), name="locked.xlsx")


def test_truncated_workbook_is_a_clear_error():
    data = workbook_bytes({"S": SALES})
    with pytest.raises(SalesLogError, match="damaged"):
        read_table(data[: len(data) // 2], name="cut.xlsx")


def test_image_named_csv_is_a_clear_error():
    with pytest.raises(SalesLogError, match="PNG image, not a CSV file"):
        read_table(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, name="orders.csv")


def test_file_of_blank_lines_is_empty():
    with pytest.raises(SalesLogError, match="empty"):
        read_table(b"\r\n \n\t\n", name="orders.csv")


def huge_cell_csv(length: int) -> bytes:
    lines = ["order_id,customer_id,order_date,amount,note"]
    for i in range(10):
        note = '"' + "x" * length + '"' if i == 4 else "ok"
        lines.append(f"{i},C{i % 3},2024-01-{10 + i},{5 + i},{note}")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("blank_line", [False, True])
def test_cell_larger_than_the_csv_field_limit_is_kept_whole(blank_line):
    data = huge_cell_csv(3_000_000)
    if blank_line:  # the pandas path instead of polars
        data = data.replace(b"\n5,", b"\n\n5,")
    table = read_table(data, name="huge_cell.csv")
    assert table.delimiter == ","
    assert len(table) == 10
    assert table.cells["note"].str.len_chars().to_list()[4] == 3_000_000
    assert table.cells["amount"].to_list()[9] == "14"


def test_header_only_csv_says_it_has_column_names_but_no_rows():
    with pytest.raises(SalesLogError, match="header_only.csv has column names but no"):
        read_table(b"order_id,customer_id,order_date,amount\n", name="header_only.csv")


def test_header_only_sheet_says_it_has_column_names_but_no_rows():
    data = workbook_bytes(
        {"Orders": [["order_id", "customer_id", "order_date", "amount"]]}
    )
    with pytest.raises(SalesLogError, match="has column names but no rows"):
        read_table(data, name="orders.xlsx")


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (
            "Cliente;Fecha;Importe\nPeña Muñoz;13/01/2024;12,50\nJosé Núñez;14/01/2024;3,00\n",
            "latin-1",
        ),  # fmt: skip
        (
            "Cliente;Fecha;Importe\nPeña Muñoz;13/01/2024;12,50\nJosé Núñez;14/01/2024;3,00\n",
            "cp1252",
        ),  # fmt: skip
        (
            "Client;Date;Montant\nFrançois Lefèvre;13/01/2024;12,50\nAnaïs Crépin;14/01/2024;3\n",
            "cp1252",
        ),  # fmt: skip
        (
            "Artikel;Kunde;Datum;Betrag\nKaffee;Jürgen Groß;13.01.2024;2,50 €\nTee;Ève Lemaître;14.01.2024;3,00 €\n",
            "cp1252",
        ),  # fmt: skip
    ],
)
def test_spanish_and_french_windows_text_is_not_decoded_as_cp1250(text, encoding):
    decoded, chosen = decode_text(text.encode(encoding))
    assert decoded == text
    assert chosen in ("cp1252", "latin_1")


@pytest.mark.parametrize(
    "text",
    [
        "Zákazník;Datum;Částka\nDvořák;13.01.2024;12,50\nČerný;14.01.2024;3,00\n",
        "Vevő;Dátum;Összeg\nKővári Ödön;2024.01.13;12,50\nSzűcs;2024.01.14;3,00\n",
        "Klient;Sklep;Kwota\nK1;Gdańsk;12,50\nK2;Mańkowski;3,00\n",
    ],
)
def test_czech_hungarian_and_polish_windows_text_is_decoded_as_cp1250(text):
    assert decode_text(text.encode("cp1250")) == (text, "cp1250")


def test_an_undecided_encoding_is_said_and_can_be_chosen():
    data = "Klient;Kwota\nBrzęk;12,50\nK2;3,00\n".encode("cp1250")  # Brzêk in cp1252
    table = read_table(data, name="pos.csv")
    assert any("could not be told for sure" in notice for notice in table.notices)
    chosen = read_table(data, name="pos.csv", encoding="cp1250")
    assert chosen.encoding == "cp1250"
    assert chosen.frame["Klient"].tolist() == ["Brzęk", "K2"]
    assert not any("could not be told" in notice for notice in chosen.notices)


def test_a_quote_mark_never_closed_is_refused_with_its_line():
    text = 'customer,date,amount\nC1,2024-01-01,5\nC2,"2024-01-02,6\nC3,2024-01-03,7\n'
    with pytest.raises(SalesLogError, match="Line 3 opens a quote mark"):
        read_table(text.encode(), name="open.csv")


def _long_sales_workbook(rows: int, odd_cells: dict[tuple[int, int], object]) -> bytes:
    """order, customer, date, amount over ``rows`` rows (write-only, so fast);
    ``odd_cells`` puts other values at (data row, column)."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Sales")
    sheet.append(["order", "customer", "date", "amount"])
    start = dt.datetime(2024, 1, 1, 9, 0)
    for row in range(rows):
        values = [1000 + row, 17850 + row % 50, start + dt.timedelta(hours=row), 2.5]
        for (odd_row, column), value in odd_cells.items():
            if odd_row == row:
                values[column] = value
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_numbers_and_dates_are_read_with_their_types():
    table = read_table(_long_sales_workbook(20, {}), name="typed.xlsx")
    assert [str(dtype) for dtype in table.cells.dtypes] == [
        "Float64",
        "Float64",
        "Datetime(time_unit='ms', time_zone=None)",
        "Float64",
    ]
    assert table.frame.iloc[0].tolist() == [
        "1000",
        "17850",
        "2024-01-01 09:00:00",
        "2.5",
    ]


def test_text_far_down_a_number_column_is_kept_not_blanked():
    # fastexcel guesses a column's type from its first 1,000 rows; a word at
    # row 50,000 of a number column must come through, not become empty
    odd = {(49_998, 3): "see note", (49_999, 2): "unknown", (49_997, 3): 1 / 3}
    data = _long_sales_workbook(50_000, odd)
    table = read_table(data, name="long.xlsx")
    assert len(table) == 50_000
    assert table.frame["amount"].iloc[49_998] == "see note"
    assert table.frame["date"].iloc[49_999] == "unknown"
    assert float(table.frame["amount"].iloc[49_997]) == 1 / 3
    assert table.frame["amount"].iloc[0] == "2.5"
    assert table.frame["date"].iloc[0] == "2024-01-01 09:00:00"

    from retention.sales_log import build_orders, read_raw

    log = build_orders(read_raw(data, name="long.xlsx"))
    rows = log.report.rows
    assert rows.loc[rows["row_number"] == 50_000, "reason"].item() == "no_amount"
    assert rows.loc[rows["row_number"] == 50_001, "reason"].item() == "no_date"
    assert log.report.count("no_amount") == 1
    assert log.report.count("no_date") == 1
    assert log.orders["revenue"].sum() == pytest.approx(2.5 * 49_997 + 1 / 3)


def test_text_among_the_first_numbers_makes_the_column_text_with_exact_numbers():
    odd = {(3, 3): "free", (4, 3): 1 / 3}
    table = read_table(_long_sales_workbook(10, odd), name="mixed.xlsx")
    assert str(table.cells["amount"].dtype) == "String"
    assert table.frame["amount"].tolist()[2:6] == ["2.5", "free", repr(1 / 3), "2.5"]


def test_a_time_of_day_column_is_read_as_text():
    rows = [["customer", "day", "time", "amount"]]
    rows += [["C1", dt.date(2024, 3, 1), dt.time(10, 30), 5], ["C2", None, None, 6]]
    table = read_table(workbook_bytes({"S": rows}), name="times.xlsx")
    assert table.frame["time"].tolist() == ["10:30:00", ""]
    assert table.frame["day"].tolist() == ["2024-03-01", ""]


def far_cell_workbook(cell: str, *, dimension: str | None = None) -> bytes:
    """A ten-row sales sheet with one stray cell far away; ``dimension`` is
    written into the sheet as its stated used area, true or not."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sales"
    sheet.append(["customer", "date", "amount"])
    for n in range(10):
        sheet.append([f"C{n % 3}", dt.date(2024, 1, n + 1), 10.0])
    sheet[cell] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    rewritten = io.BytesIO()
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for part in source.infolist():
            content = source.read(part.filename)
            if part.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(
                    rb'<dimension ref="[^"]*"',
                    f'<dimension ref="{dimension}"'.encode(),
                    content,
                )
            target.writestr(part.filename, content)
    return rewritten.getvalue()


@pytest.mark.parametrize(
    ("cell", "dimension", "area"),
    [
        ("XFD1048576", None, (1_048_576, 16_384)),
        ("Z1048576", None, (1_048_576, 26)),
        ("XFD1048576", "A1:C11", (1_048_576, 16_384)),
        ("XFD2", "A1:C11", (11, 16_384)),
        ("C11", "A1:XFD1048576", (1_048_576, 16_384)),
    ],
)
def test_used_area_of_a_sheet_is_its_last_cell_whatever_its_dimension_says(
    cell, dimension, area
):
    from retention.reading import used_area

    assert used_area(far_cell_workbook(cell, dimension=dimension), 0) == area


def test_used_area_of_a_plain_sales_sheet_is_where_the_sales_end():
    from retention.reading import used_area

    assert used_area(far_cell_workbook("C11"), 0) == (11, 3)


def test_sheet_with_a_stray_cell_at_the_last_row_and_column_is_refused_plainly(
    tmp_path,
):
    # read in a process of its own under a memory limit, so that a reader
    # building a grid over the whole sheet fails there, not on the machine
    path = tmp_path / "far.xlsx"
    path.write_bytes(far_cell_workbook("XFD1048576", dimension="A1:C11"))
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))\n"
        "from retention.reading import SalesLogError, read_table\n"
        "try:\n"
        "    read_table(sys.argv[1])\n"
        "except SalesLogError as error:\n"
        "    sys.stdout.write(str(error))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert "The sheet Sales of far.xlsx was not read" in done.stdout
    assert "runs to row 1,048,576 and column XFD" in done.stdout
    assert "copy the sales into a new sheet" in done.stdout


def test_sheet_a_little_wider_than_its_sales_is_read():
    table = read_table(far_cell_workbook("H40"), name="wide.xlsx")
    assert len(table) == 11


def test_long_whole_numbers_are_written_with_all_their_digits():
    rows = [["card", "amount"], [1234567890123456, 5], [4000000000000002, 6]]
    table = read_table(workbook_bytes({"S": rows}), name="cards.xlsx")
    assert table.frame["card"].tolist() == ["1234567890123456", "4000000000000002"]


def test_number_written_as_text_far_down_a_number_column_keeps_its_zero():
    # a loyalty card typed with its leading zero below the 1,000 rows
    # fastexcel samples must not become the number of another customer
    rows = [["customer_id", "date", "amount"]]
    rows += [[1000 + n % 50, dt.date(2024, 1, 1), 10.0] for n in range(1_500)]
    rows += [["01000", dt.date(2024, 2, 1), 10.0], ["1005", dt.date(2024, 2, 1), 5.0]]
    rows += [[1000, "3.2.2024", "12,50"]]
    data = workbook_bytes({"S": rows})
    table = read_table(data, name="cards.xlsx")
    assert table.frame["customer_id"].tolist()[-3:] == ["01000", "1005", "1000"]
    assert table.frame["customer_id"].iloc[0] == "1000"
    assert table.frame["amount"].tolist()[-3:] == ["10", "5", "12,50"]
    assert table.frame["date"].tolist()[-3:] == ["2024-02-01", "2024-02-01", "3.2.2024"]

    from retention.sales_log import build_orders, read_raw

    log = build_orders(read_raw(data, name="cards.xlsx"))
    customers = set(log.orders["customer_id"])
    assert "01000" in customers and "1000" in customers
    assert len(customers) == 51


def test_long_card_numbers_typed_as_text_far_down_a_number_column_stay_as_written():
    rows = [["customer_id", "date", "amount"]]
    rows += [[100 + n % 50, dt.date(2024, 1, 1), 10.0] for n in range(1_200)]
    rows += [[f"6035123456789010{n:02d}", dt.date(2024, 2, 1), 10.0] for n in range(20)]
    table = read_table(workbook_bytes({"S": rows}), name="cards.xlsx")
    ids = table.frame["customer_id"].tolist()
    assert ids[0] == "100"
    assert ids[-20:] == [f"6035123456789010{n:02d}" for n in range(20)]


def test_amount_typed_as_text_the_hungarian_way_far_down_a_number_column_is_kept():
    rows = [["customer", "date", "amount"]]
    rows += [[f"C{n % 40}", dt.date(2024, 1, 1), 1250] for n in range(1_200)]
    rows += [
        ["C1", dt.date(2024, 2, 1), "1.250"],
        ["C2", dt.date(2024, 2, 1), "1 250 Ft"],
    ]
    data = workbook_bytes({"S": rows})
    assert read_table(data, name="huf.xlsx").frame["amount"].tolist()[-3:] == [
        "1250",
        "1.250",
        "1 250 Ft",
    ]
    from retention.sales_log import build_orders, read_raw

    log = build_orders(read_raw(data, name="huf.xlsx"))
    assert log.orders["revenue"].sum() == 1_202 * 1250


# --- a UTF-8 file with lines in another encoding ------------------------------


def _mixed_file(lines: list[tuple[str, str]], bom: bool = False) -> bytes:
    """Lines joined by newlines, each written in its own encoding."""
    data = b"\n".join(text.encode(encoding) for text, encoding in lines) + b"\n"
    return codecs.BOM_UTF8 + data if bom else data


MIXED = [
    ("order,customer,date,amount", "utf-8"),
    ("1,Zoë,2024-01-05,10", "utf-8"),
    ("2,Łukasz,2024-01-06,12", "utf-8"),
    ("3,Renée,2024-01-07,9", "cp1252"),
    ("4,Søren,2024-01-08,7", "utf-8"),
]


@pytest.mark.parametrize("bom", [False, True])
def test_one_windows_line_in_a_utf8_file_leaves_the_utf8_names_whole(bom):
    table = read_table(_mixed_file(MIXED, bom), name="mixed.csv")
    assert table.frame["customer"].tolist() == ["Zoë", "Łukasz", "Renée", "Søren"]
    assert table.encoding == ("UTF-8 (BOM)" if bom else "UTF-8")
    assert table.rows["read_repair"].to_list() == ["", "", "not_utf8_cp1252", ""]
    [note] = [n for n in table.notices if "not valid UTF-8" in n]
    assert "line 4" in note and "Windows-1252" in note


def test_windows_lines_in_a_utf8_file_are_found_wherever_they_are():
    lines = [("customer;city;amount", "utf-8")]
    for n in range(300):
        if n in (7, 250):
            lines.append((f"Kővári {n};Pécs;12,50", "cp1250"))
        else:
            lines.append((f"Łukasz {n};Gdańsk;3,00", "utf-8"))
    table = read_table(_mixed_file(lines), name="pos.csv")
    names = table.frame["customer"].tolist()
    assert names[7] == "Kővári 7" and names[250] == "Kővári 250"
    assert names[8] == "Łukasz 8" and table.frame["city"].iloc[8] == "Gdańsk"
    flagged = table.rows.filter(table.rows["read_repair"] != "")["row_number"]
    assert flagged.to_list() == [9, 252]
    assert any(
        "Windows-1250" in note and "lines 9, 252" in note for note in table.notices
    )


def test_a_windows_name_inside_a_utf8_line_keeps_the_utf8_name_beside_it():
    data = "customer,note,amount\nZoë,ok,1\n".encode() + "Zoë,".encode()
    data += "Renée,2\n".encode("cp1252")
    table = read_table(data, name="x.csv")
    assert table.frame.values.tolist() == [["Zoë", "ok", "1"], ["Zoë", "Renée", "2"]]


def test_a_whole_windows_file_is_still_read_as_one_encoding():
    text = "Client,Ville,Total\nC1,Montréal,5\nC2,Zürich,6\nC3,Québec,7\n"
    table = read_table(text.encode("cp1252"), name="w.csv")
    assert not table.encoding.startswith("UTF-8")
    assert table.frame["Ville"].tolist() == ["Montréal", "Zürich", "Québec"]
    assert "read_repair" not in table.rows.columns or set(
        table.rows["read_repair"]
    ) == {""}


def test_a_windows_line_stays_marked_when_files_are_stacked():
    from retention.sales_log import read_raw

    plain = b"order,customer,date,amount\n9,Anna,2024-02-01,5\n"
    raw = read_raw([("jan.csv", _mixed_file(MIXED)), ("feb.csv", plain)])
    assert raw.rows["read_repair"].to_list() == ["", "", "not_utf8_cp1252", "", ""]


# --- OpenDocument sheets that repeat rows and cells ---------------------------


def _rewritten_ods(rows: list[list[object]], rewrite) -> bytes:
    """An .ods written by odfpy with its content.xml passed through ``rewrite``."""
    return with_parts_rewritten(
        ods_bytes(rows), {"content.xml": lambda xml: rewrite(xml.decode()).encode()}
    )


def _repeat_last_row(rows: int, columns: int = 1):
    """Repeat the last data row ``rows`` times and its amount ``columns`` times."""

    def rewrite(xml: str) -> str:
        start = xml.rindex("<table:table-row>")
        row = xml[start:].replace(
            "<table:table-row>",
            f'<table:table-row table:number-rows-repeated="{rows}">',
            1,
        )
        row = row.replace(
            '<table:table-cell office:value-type="float"',
            f'<table:table-cell table:number-columns-repeated="{columns}" '
            'office:value-type="float"',
        )
        return xml[:start] + row

    return rewrite


def _libreoffice_padding(xml: str) -> str:
    """What LibreOffice writes around the cells: 1,024 declared columns, each
    row padded with repeated empty cells, and a million repeated empty rows."""
    empty = '<table:table-cell table:style-name="Default" table:number-columns-repeated="1020"/>'
    xml = xml.replace("</table:table-row>", empty + "</table:table-row>")
    xml = xml.replace(
        '<table:table table:name="Sales">',
        '<table:table table:name="Sales"><table:table-column '
        'table:number-columns-repeated="1024"/>',
    )
    tail = (
        '<table:table-row table:number-rows-repeated="1048573">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    return xml.replace("</table:table>", tail + "</table:table>")


def test_ods_repeating_a_row_of_values_past_the_cell_limit_is_refused(monkeypatch):
    from retention import reading

    monkeypatch.setattr(reading, "MAX_SHEET_CELLS", 100_000)
    data = _rewritten_ods(SALES, _repeat_last_row(100_000, 10))
    assert len(data) < 5_000
    with pytest.raises(SalesLogError, match="expands to more than 1 million cells"):
        read_table(data, name="tiny.ods")
    with pytest.raises(SalesLogError, match="absurd size"):
        sheet_names(data, name="tiny.ods")


def test_ods_that_would_build_billions_of_cells_is_refused_at_once():
    data = _rewritten_ods(SALES, _repeat_last_row(50_000_000, 1000))
    with pytest.raises(SalesLogError, match="the sheet Sales repeats rows or cells"):
        read_table(data, name="bomb.ods")


def test_ods_with_libreoffice_empty_rows_and_columns_reads_its_sales():
    data = _rewritten_ods(SALES, _libreoffice_padding)
    assert b'number-rows-repeated="1048573"' in zipfile.ZipFile(io.BytesIO(data)).read(
        "content.xml"
    )
    table = read_table(data, name="libre.ods")
    assert table.columns == ["Order", "Customer", "Date", "Amount"]
    assert table.frame.values.tolist() == [
        ["1001", "00421", "2024-01-05 10:30:00", "12.5"],
        ["1002", "C02", "2024-02-06", "20"],
    ]


def test_ods_rows_written_once_with_a_repeat_count_are_each_read():
    def rewrite(xml: str) -> str:
        return _repeat_last_row(3)(_libreoffice_padding(xml))

    table = read_table(_rewritten_ods(SALES, rewrite), name="same.ods")
    assert table.frame["Customer"].tolist() == ["00421", "C02", "C02", "C02"]


# --- lines with more fields than the header -----------------------------------


def test_lines_with_more_fields_than_the_header_are_reported_not_a_new_column():
    text = (
        "order,customer,date,amount,store\n"
        "1,C1,2024-01-05,10,Main\n"
        "2,Smith, John,2024-01-06,12,Main\n"
        "3,C3,2024-01-07,9,Main\n"
        "4,C4,2024-01-08,7,Main,late note\n"
    )
    table = read_table(text.encode(), name="ragged.csv")
    assert table.columns == ["order", "customer", "date", "amount", "store"]
    assert table.rows["read_repair"].to_list() == [
        "",
        "extra_fields",
        "",
        "extra_fields",
    ]
    [note] = [n for n in table.notices if "more fields than the header" in n]
    assert "rows 3, 5" in note and '"Main" beyond the last column' in note


# --- lines written with another delimiter --------------------------------------

MIXED_DELIMITERS = (
    "order_id,customer_id,order_date,amount\n"
    "1001,C01,2024-01-15,40.00\n"
    "1002;C02;2024-02-03;25.00\n"
    "1003,C01,2024-03-09,60.00\n"
    "1004\tC03\t2024-03-20\t35.50\n"
    "1005;C02;2024-03-22;12,50\n"
    "1006,C04,2024-03-25,10.00\n"
)


def test_lines_with_another_delimiter_than_the_file_are_marked_and_named():
    """Finding: rows of ``;`` and tabs in a comma file were "Date missing or
    unreadable". Row 6 holds a decimal comma, so it splits into two cells."""
    table = read_table(MIXED_DELIMITERS.encode(), name="mixed.csv")
    assert table.delimiter == ","
    assert table.rows["read_repair"].to_list() == [
        "",
        "other_delimiter_comma",
        "",
        "other_delimiter_comma",
        "other_delimiter_comma",
        "",
    ]
    [note] = [n for n in table.notices if "between their values" in n]
    assert note.startswith(
        "3 rows use a ; or a tab between their values, not the file's comma "
        "(rows 3, 5 and 6): their values cannot be told apart"
    )


def test_short_rows_and_marks_inside_values_are_no_other_delimiter():
    text = (
        "order;customer;date;amount;note\n"
        "1;C1;2024-01-05;10,50;tea, cake\n"  # commas inside a ; file's values
        "2;C2;2024-01-06;12,00;\n"  # an empty last cell
        "3;C3;;;\n"  # a short row with one value
    )
    table = read_table(text.encode(), name="semi.csv")
    assert table.delimiter == ";"
    assert "read_repair" not in table.rows.columns
    text = "order,customer,date,amount\n1,Smith; John,,\n2,C2,2024-01-06,3\n"
    assert "read_repair" not in read_table(text.encode(), name="c.csv").rows.columns


def test_an_unnamed_column_filled_on_every_row_is_still_read():
    text = "order,customer,amount,\n1,C1,10,x\n2,C2,12,y\n"
    table = read_table(text.encode(), name="unnamed.csv")
    assert table.columns == ["order", "customer", "amount", "Column 4"]
    assert "read_repair" not in table.rows.columns


def _workbook_of_repeated_rows(rows: int, dimension: str) -> bytes:
    """A workbook whose sheet repeats one three-cell sale ``rows`` times under
    a header, declaring the used area ``dimension``: a few hundred kilobytes
    that unpack a hundred times larger."""
    sale = b"<row><c><v>1</v></c><c><v>45296</v></c><c><v>1</v></c></row>"
    xml = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas'
        b'.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="'
        + dimension.encode()
        + b'"/><sheetData>'
        + b'<row><c t="inlineStr"><is><t>customer</t></is></c><c t="inlineStr">'
        b'<is><t>date</t></is></c><c t="inlineStr"><is><t>amount</t></is></c></row>'
        + sale * rows
        + b"</sheetData></worksheet>"
    )
    return with_first_sheet(workbook_bytes({"S": SALES}), xml)


@pytest.mark.parametrize("dimension", ["A1:C1048578", "A1:C5"])
def test_a_workbook_of_more_rows_than_excel_allows_is_refused_before_reading(
    dimension,
):
    """Finding: 6,000,000 repeated rows (2 MB, 700 MB unpacked, under the cell
    limit) took 39 s and 2 GB to read; a forged dimension hid them too."""
    from retention.reading import MAX_SHEET_ROWS

    bomb = _workbook_of_repeated_rows(MAX_SHEET_ROWS, dimension)
    assert len(bomb) < 1_000_000
    started = time.perf_counter()
    with pytest.raises(SalesLogError, match="more than 1,048,576 rows"):
        read_table(bomb, name="bomb.xlsx")
    assert time.perf_counter() - started < 5


def test_a_workbook_of_as_many_rows_as_excel_allows_is_still_read(monkeypatch):
    from retention import reading

    monkeypatch.setattr(reading, "MAX_SHEET_ROWS", 1_000)
    table = read_table(_workbook_of_repeated_rows(999, "A1:C1000"), name="full.xlsx")
    assert len(table) == 999
    with pytest.raises(SalesLogError, match="more than 1,000 rows"):
        read_table(_workbook_of_repeated_rows(1_000, "A1:C5"), name="full.xlsx")


def test_the_rows_of_a_sheet_that_packs_like_a_real_log_are_counted_once_read(
    monkeypatch,
):
    """Only rows that pack far better than sales do (one sale repeated) make a
    small file huge, so only those are counted before reading (counting a
    million real rows would cost 0.2 s); a sheet of real rows over the limit
    (a tester's 1,100,000 rows that packed 14 times) is refused once read."""
    from retention import reading

    monkeypatch.setattr(reading, "MAX_SHEET_ROWS", 1_000)
    rng = random.Random(7)
    sales = [
        (f"C{rng.randrange(10**9)}", dt.date(2024, 1, 1), rng.randrange(10**6) / 100)
        for _ in range(999)
    ]
    header = ("customer", "date", "amount")
    assert (
        len(read_table(workbook_bytes({"S": [header, *sales]}), name="s.xlsx")) == 999
    )
    sales.append(sales[0])
    workbook = workbook_bytes({"S": [header, *sales]})
    assert reading._check_expanded_size(workbook, "s.xlsx").dense_rows == {
        "xl/worksheets/sheet1.xml": 0
    }
    with pytest.raises(SalesLogError, match="more than 1,000 rows"):
        read_table(workbook, name="s.xlsx")
    repeated = _workbook_of_repeated_rows(2_000, "A1:C5")
    assert (
        reading._check_expanded_size(repeated, "s.xlsx").dense_rows[
            "xl/worksheets/sheet1.xml"
        ]
        > 1_000
    )
    with pytest.raises(SalesLogError, match="more than 1,000 rows"):
        read_table(repeated, name="s.xlsx")


def test_an_apple_numbers_file_is_refused_saying_how_to_export_it():
    with pytest.raises(SalesLogError) as refused:
        read_table(b"PK\x03\x04" + b"\x00" * 100, name="sales.numbers")
    assert str(refused.value).startswith(
        "sales.numbers: Apple Numbers files cannot be read. In Numbers choose "
        "File → Export To → Excel (or CSV)"
    )
