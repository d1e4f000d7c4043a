"""Workbooks that are not what their name says: an old .xls named .xlsx, an
encrypted .xlsx, an empty file."""

from __future__ import annotations

import io

import pytest

from retention.reading import SalesLogError, read_table, sheet_names
from retention.sales_log import read_raw
from tests.test_reading import SALES, workbook_bytes, xls_bytes


def test_an_old_excel_workbook_named_xlsx_is_read_as_xls_with_a_note():
    table = read_table(xls_bytes(SALES), name="orders.xlsx")
    assert table.columns == ["Order", "Customer", "Date", "Amount"]
    assert table.frame["Customer"].tolist() == ["00421", "C02"]
    assert table.notices[0] == (
        "orders.xlsx is an older Excel workbook (.xls) named .xlsx; it was read "
        "as .xls."
    )
    assert sheet_names(xls_bytes(SALES), name="orders.xlsx") == ["Sales"]


def test_a_real_xls_gets_no_note_about_its_name():
    table = read_table(xls_bytes(SALES), name="orders.xls")
    assert not any("older Excel workbook" in note for note in table.notices)


def test_an_encrypted_xlsx_is_still_called_password_protected():
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(workbook_bytes({"S": SALES}))).encrypt("secret", encrypted)
    with pytest.raises(SalesLogError, match="password-protected or encrypted"):
        read_raw([("locked.xlsx", encrypted.getvalue())])


def test_a_damaged_ole_file_is_not_called_encrypted():
    # the OLE signature followed by nothing an OLE reader can open
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(SalesLogError, match="may be damaged"):
        read_table(data, name="odd.xlsx")


def test_an_empty_xlsx_is_said_to_be_empty():
    with pytest.raises(SalesLogError, match=r"^The file empty.xlsx is empty\.$"):
        read_raw([("empty.xlsx", b"")])
