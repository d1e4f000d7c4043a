"""Detecting and checking the column mapping."""

from __future__ import annotations

import pandas as pd
import pytest

from retention.columns import (
    ColumnMapping,
    check_mapping,
    detect_columns,
    mapping_problems,
)
from retention.reading import SalesLogError


def frame(columns: list[str], *rows: list[str]) -> pd.DataFrame:
    return pd.DataFrame([list(row) for row in rows], columns=columns, dtype="str")


ONLINE_RETAIL_ROW = ["536365", "85123A", "HEART", "6", "2010-12-01 08:26:00", "2.55", "17850", "United Kingdom"]  # fmt: skip


def test_online_retail_columns_map_to_invoice_date_quantity_price_and_customer():
    raw = frame(
        [
            "InvoiceNo",
            "StockCode",
            "Description",
            "Quantity",
            "InvoiceDate",
            "UnitPrice",
            "CustomerID",
            "Country",
        ],  # fmt: skip
        ONLINE_RETAIL_ROW,
    )
    assert detect_columns(raw) == ColumnMapping(
        customer="CustomerID",
        timestamp="InvoiceDate",
        order_id="InvoiceNo",
        quantity="Quantity",
        unit_price="UnitPrice",
    )


def test_online_retail_ii_naming_is_recognised():
    raw = frame(
        [
            "Invoice",
            "StockCode",
            "Description",
            "Quantity",
            "InvoiceDate",
            "Price",
            "Customer ID",
            "Country",
        ],  # fmt: skip
        ONLINE_RETAIL_ROW,
    )
    mapping = detect_columns(raw)
    assert (mapping.order_id, mapping.unit_price, mapping.customer) == (
        "Invoice",
        "Price",
        "Customer ID",
    )
    assert mapping.amount is None


def test_hungarian_headers_are_recognised():
    raw = frame(
        ["Számla", "Vevő", "Dátum", "Mennyiség", "Egységár", "Összeg"],
        ["SZ-1", "V001", "2024.03.05.", "2", "1 500", "3 000 Ft"],
    )
    assert detect_columns(raw) == ColumnMapping(
        customer="Vevő",
        timestamp="Dátum",
        order_id="Számla",
        amount="Összeg",
        quantity="Mennyiség",
        unit_price="Egységár",
    )


@pytest.mark.parametrize(
    "header", ["Vásárló", "Vásárló kód", "Vásárlókód", "Vásárló azonosító"]
)
def test_a_hungarian_buyer_column_is_the_customer(header):
    raw = frame(
        [header, "Vásárlás dátuma", "Számlaszám", "Bruttó összeg"],
        ["00101", "2024.03.05.", "SZ-1", "3 000 Ft"],
    )
    mapping = detect_columns(raw)
    assert (mapping.customer, mapping.timestamp) == (header, "Vásárlás dátuma")
    assert (mapping.order_id, mapping.amount) == ("Számlaszám", "Bruttó összeg")


def test_a_date_column_is_not_taken_for_the_order_id():
    raw = frame(["order", "date", "total"], ["2024-01-05", "2024-01-05", "3.50"])
    mapping = detect_columns(raw)
    assert mapping.order_id is None
    assert mapping.timestamp == "date"


def test_an_empty_column_is_never_chosen():
    raw = frame(["customer", "date", "total", "status"], ["C1", "2024-01-05", "3", ""])
    assert detect_columns(raw).status is None


def test_missing_date_and_amount_columns_are_named_in_the_problems():
    raw = frame(["customer", "note"], ["C1", "hello"])
    problems = mapping_problems(ColumnMapping(customer="customer"), raw)
    assert any("date" in problem for problem in problems)
    assert any("amount" in problem for problem in problems)


def test_quantity_and_unit_price_stand_in_for_the_amount():
    raw = frame(["c", "d", "q", "p"], ["C1", "2024-01-05", "2", "1.5"])
    mapping = ColumnMapping(customer="c", timestamp="d", quantity="q", unit_price="p")
    assert mapping_problems(mapping, raw) == []


def test_a_date_column_without_dates_is_reported_with_its_first_value():
    raw = frame(["c", "d", "a"], ["C1", "soon", "5"])
    mapping = ColumnMapping(customer="c", timestamp="d", amount="a")
    with pytest.raises(SalesLogError, match="'soon'"):
        check_mapping(mapping, raw)


def test_a_column_used_twice_or_missing_is_reported():
    raw = frame(["c", "d", "a"], ["C1", "2024-01-05", "5"])
    twice = ColumnMapping(customer="c", timestamp="d", amount="d")
    assert "two roles" in mapping_problems(twice, raw)[0]
    missing = ColumnMapping(customer="x", timestamp="d", amount="a")
    assert "not in the file" in mapping_problems(missing, raw)[0]


def test_date_amount_and_email_columns_are_found_by_content_when_no_header_names_them():
    raw = pd.DataFrame(
        {
            "who": ["anna@example.com", "BEN@example.org ", "anna@example.com"],
            "n": ["1", "2", "3"],
            "when": ["2024-01-02", "2024-01-03", "2024-02-01"],
            "paid": ["5.50", "12.00", "3.25"],
        }
    )
    mapping = detect_columns(raw)
    assert (mapping.customer, mapping.timestamp, mapping.amount) == (
        "who",
        "when",
        "paid",
    )


def test_content_detection_leaves_a_role_empty_when_no_column_fits():
    raw = pd.DataFrame({"x": ["a", "b"], "y": ["1", "2"]})
    mapping = detect_columns(raw)
    assert (mapping.customer, mapping.timestamp, mapping.amount) == (None, None, None)


COFFEE_ROW = ["2024-03-01", "2024-03-01 10:15:50.520", "card", "ANON-0000-0000-0001", "38.7", "Latte"]  # fmt: skip


def test_date_with_time_column_is_preferred_over_a_date_only_column():
    raw = frame(["date", "datetime", "cash_type", "card", "money", "coffee_name"], COFFEE_ROW)  # fmt: skip
    assert detect_columns(raw).timestamp == "datetime"


def test_loyalty_card_column_is_the_customer_and_money_the_amount():
    raw = frame(["date", "datetime", "cash_type", "card", "money", "coffee_name"], COFFEE_ROW)  # fmt: skip
    mapping = detect_columns(raw)
    assert mapping.customer == "card"
    assert mapping.amount == "money"


def test_columns_empty_for_their_first_rows_are_found_by_header_and_content():
    # guest sales before the loyalty card began: the customer and amount
    # columns are empty for the first 2,000 rows
    from retention.reading import read_table
    from retention.sales_log import build_orders, read_raw

    lines = ["order_id,order_date,customer_id,amount,paid"]
    lines += [f"{n},2024-01-{n % 28 + 1:02d},,,10.50" for n in range(2_000)]
    lines += [f"{n},2024-02-{n % 28 + 1:02d},{5000 + n % 100},10.50,10.50" for n in range(2_000, 4_000)]  # fmt: skip
    data = "\n".join(lines).encode()
    mapping = detect_columns(read_table(data, name="late.csv").cells)
    assert (mapping.customer, mapping.amount) == ("customer_id", "amount")
    log = build_orders(read_raw(data, name="late.csv"), mapping)
    assert log.report.customers_found == 100
    assert log.report.count("no_amount") == 2_000
