"""Cleaning rules: ids, dates, amounts, duplicates, orders, refunds."""

from __future__ import annotations

from datetime import date

import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retention.cleaning import (
    CleaningOptions,
    clean_orders,
    normalise_ids,
    parse_amounts,
    parse_timestamps,
)
from retention.columns import detect_columns
from retention.orders import check_orders
from retention.quality import reason_label
from retention.reading import SalesLogError, read_table
from tests.test_reading import MIXED_DELIMITERS


def clean(csv_text: str, **options):
    raw = read_table(csv_text.encode(), name="log.csv")
    orders, report = clean_orders(
        raw, detect_columns(raw.frame), CleaningOptions(**options)
    )
    check_orders(orders)
    return orders, report


def test_ids_are_text_with_leading_zeros_and_no_float_suffix():
    ids, repaired = normalise_ids(pd.Series(["421.0", "00421", "1001", " C01 "]))
    assert ids.tolist() == ["421", "00421", "1001", "C01"]
    assert repaired.tolist() == [True, False, False, False]


def test_a_phone_number_written_two_ways_is_one_customer():
    """A salon's customers by phone: spaces, dashes and brackets between the
    digits do not make another customer; short codes keep their marks."""
    written = ["+36 30 123 4567", "+36301234567", "+36-30-123-4567", "(06) 30 123 4567"]
    ids, repaired = normalise_ids(pd.Series([*written, "C-12", "12 34", "00421"]))
    assert ids.tolist() == [
        "+36301234567",
        "+36301234567",
        "+36301234567",
        "06301234567",
        "C-12",
        "12 34",
        "00421",
    ]
    assert not repaired.any()


@pytest.mark.parametrize("blank", ["", "nan", "NaN", "N/A", "-", "null", "None"])
def test_blank_like_ids_are_guests(blank):
    ids, _ = normalise_ids(pd.Series([blank]))
    assert ids.isna().all()


def test_day_first_is_chosen_when_a_first_number_is_above_12():
    parsed = parse_timestamps(pd.Series(["01.03.2024", "29.01.2024"]))
    assert parsed.values.tolist() == [
        pd.Timestamp("2024-03-01"),
        pd.Timestamp("2024-01-29"),
    ]
    assert (parsed.date_order, parsed.ambiguous) == ("day_first", False)


def test_month_first_is_chosen_when_a_second_number_is_above_12():
    parsed = parse_timestamps(pd.Series(["12/31/2023 3:05 PM", "1/2/2024 8:26"]))
    assert parsed.values.tolist() == [
        pd.Timestamp("2023-12-31 15:05"),
        pd.Timestamp("2024-01-02 08:26"),
    ]
    assert parsed.date_order == "month_first"


def test_ambiguous_dates_are_read_day_first_and_flagged():
    parsed = parse_timestamps(pd.Series(["01/02/2024", "03/04/2024"]))
    assert parsed.values[0] == pd.Timestamp("2024-02-01")
    assert parsed.ambiguous
    assert parsed.notices[0].code == "date_order_ambiguous"


def test_date_order_can_be_overridden():
    parsed = parse_timestamps(pd.Series(["01/02/2024"]), date_order="month_first")
    assert parsed.values[0] == pd.Timestamp("2024-01-02")
    assert not parsed.ambiguous


def test_excel_day_numbers_and_year_first_dates_are_read():
    parsed = parse_timestamps(pd.Series(["45000", "2024.03.05.", "2024-03-05 14:00"]))
    assert parsed.values.tolist() == [
        pd.Timestamp("2023-03-15"),
        pd.Timestamp("2024-03-05"),
        pd.Timestamp("2024-03-05 14:00"),
    ]
    assert parsed.repairs.tolist() == ["excel_serial_date", "", ""]


def test_offset_stamps_are_converted_to_the_shop_time_zone_then_made_naive():
    parsed = parse_timestamps(
        pd.Series(
            ["2024-02-01T01:30:00Z", "2024-03-31 22:05:00 -0400", "2024-01-05 10:00"]
        ),
        timezone="America/Los_Angeles",
    )
    assert parsed.values.tolist() == [
        pd.Timestamp("2024-01-31 17:30"),
        pd.Timestamp("2024-03-31 19:05"),
        pd.Timestamp("2024-01-05 10:00"),
    ]


def test_offset_stamps_keep_their_clock_time_without_a_shop_time_zone():
    parsed = parse_timestamps(pd.Series(["2024-02-01T01:30:00Z"]))
    assert parsed.values[0] == pd.Timestamp("2024-02-01 01:30")
    assert parsed.notices[0].code == "time_zone_not_converted"


def test_amounts_with_currency_thousands_and_accounting_negatives():
    parsed = parse_amounts(
        pd.Series(["$1,250.00", "($45.00)", "-$2.08", "$2,000", "9.50 ", "$-"])
    )
    assert parsed.values.tolist() == [1250.0, -45.0, -2.08, 2000.0, 9.5, 0.0]
    assert parsed.currency == "USD"
    assert parsed.formatted.tolist() == [True, True, True, True, False, True]


def test_decimal_comma_column_with_point_thousands():
    parsed = parse_amounts(pd.Series(["120,50", "1.250,00", "3 000 Ft", "45,25"]))
    assert parsed.values.tolist() == [120.5, 1250.0, 3000.0, 45.25]
    assert (parsed.decimal_mark, parsed.currency) == (",", "HUF")


def test_swiss_amounts_with_a_typed_or_typographic_apostrophe():
    parsed = parse_amounts(pd.Series(["1'234.50", "1’234.50", "CHF 12’500.00", "9.95"]))
    assert parsed.values.tolist() == [1234.5, 1234.5, 12500.0, 9.95]
    assert parsed.currency == "CHF"


@pytest.mark.parametrize(
    ("written", "currency"),
    [
        (["A$12.50", "AU$12.50", "12.50 AUD", "$12.50 AUD"], "AUD"),
        (["C$12.50", "12.50 CAD"], "CAD"),
        (["NZ$12.50", "12.50 NZD"], "NZD"),
        (["R$ 12,50", "12,50 BRL"], "BRL"),
        (["₺12,50", "12,50 TRY"], "TRY"),
        (["12,50 kr", "kr 12,50"], "kr"),
        (["12,50 RSD", "12.50 RSD"], "RSD"),
        (["€12.50 EUR", "EUR 12.50"], "EUR"),
        (["Rs. 12.50", "12.50 Rs."], "Rs"),
    ],
)
def test_amounts_in_the_currencies_of_other_countries_are_read(written, currency):
    """A tester's files: each of these was no amount at all, so the whole file
    had no purchase."""
    parsed = parse_amounts(pd.Series(written))
    assert parsed.values.tolist() == [12.5] * len(written)
    assert parsed.currency == currency


def test_a_sign_with_a_code_is_counted_in_the_code():
    parsed = parse_amounts(
        pd.Series(["$12.50 AUD", "$8.00 AUD", "$1,250.00 AUD", "A$40.00", "19.90"])
    )
    assert parsed.values.tolist() == [12.5, 8.0, 1250.0, 40.0, 19.9]
    assert parsed.currency == "AUD"
    assert [n.message for n in parsed.notices if n.code == "currency"] == [
        "Amounts are in AUD."
    ]


def test_letters_that_are_no_currency_leave_the_amount_unread():
    assert parse_amounts(pd.Series(["12 pcs", "12.50 xyz", "abc"])).values.isna().all()


def test_text_that_is_not_a_number_is_unreadable():
    assert parse_amounts(pd.Series(["abc", ""])).values.isna().all()


def test_exact_duplicate_rows_are_dropped_and_reported():
    orders, report = clean(
        "order_id,customer,date,amount\nA1,1,2024-01-02,5\nA1,1,2024-01-02,5\n"
    )
    assert len(orders) == 1
    assert report.count("duplicate") == 1
    assert report.rows_for("duplicate")["row_number"].tolist() == [3]


def test_lines_of_one_order_make_one_order_with_summed_revenue_and_quantity():
    orders, _ = clean(
        "invoice,customer,date,qty,unit price\n"
        "7,C1,2024-01-02 10:00,2,1.5\n7,C1,2024-01-02 10:00,1,4\n"
    )
    assert orders[["order_id", "revenue", "items"]].values.tolist() == [["7", 7.0, 3]]


def test_without_order_id_an_order_is_one_customers_lines_at_one_time():
    orders, _ = clean(
        "customer,date,amount\nC1,2024-01-02,5\nC1,2024-01-02,6\nC1,2024-01-03,1\n"
    )
    assert orders["revenue"].tolist() == [11.0, 1.0]
    assert orders["items"].tolist() == [2, 1]
    assert orders["order_id"].str.startswith("C1-").all()


def test_refund_is_netted_into_the_customers_latest_earlier_purchase():
    orders, report = clean(
        "customer,date,amount\nC3,2024-02-01,24.00\nC3,2024-02-20,-10.00\nC3,2024-03-01,5\n"
    )
    assert orders["revenue"].tolist() == [14.0, 5.0]
    assert orders["is_purchase"].all()
    assert report.count("refund_netted") == 1


def test_cancellation_without_purchase_counts_in_revenue_only():
    orders, report = clean(
        "order,customer,date,amount\n1,C1,2024-02-01,-19.80\n2,C2,2024-02-02,5\n"
    )
    refund = orders[~orders["is_purchase"]]
    assert refund["revenue"].tolist() == [-19.8]
    assert refund["customer_id"].tolist() == ["C1"]
    assert report.count("refund_unmatched") == 1
    assert (report.orders_found, report.customers_found) == (1, 1)


def test_sale_its_status_says_refunded_is_no_purchase_not_a_refund_of_another():
    """Order 2 (10.00, "Refunded", no refund row) did not happen: worth 0 and
    no purchase. It used to be taken for a refund of 10 and netted into order
    1 (30 - 10 = 20)."""
    orders, _ = clean(
        "order,customer,date,amount,status\n1,C1,2024-02-01,30,paid\n2,C1,2024-02-03,10,Refunded\n"
    )
    assert orders["revenue"].tolist() == [30.0, 0.0]
    assert orders["is_purchase"].tolist() == [True, False]


def test_positive_orders_with_a_cancelled_or_refunded_status_add_nothing():
    """1 paid 20; 2 refunded 30 and 3 Cancelled 40: no purchases, 0; 4
    completed 50; 5 failed 60: left out; 6 a refund of -10 whose customer
    bought nothing else: revenue only; 7 partially_refunded 25 without a
    refunded amount: kept whole. 20 + 50 - 10 + 25 = 85 from 3 purchases
    (before: 15, orders 2 and 3 taken for refunds of 30 and 40)."""
    orders, report = clean(
        "order_id,customer,date,amount,status\n"
        "1,A,2024-01-05,20.00,paid\n2,A,2024-01-10,30.00,refunded\n"
        "3,B,2024-01-11,40.00,Cancelled\n4,B,2024-01-12,50.00,completed\n"
        "5,C,2024-01-13,60.00,failed\n6,C,2024-01-14,-10.00,refund\n"
        "7,D,2024-01-15,25.00,partially_refunded\n"
    )
    by_order = orders.set_index("order_id")
    assert orders["revenue"].sum() == 85.0
    assert by_order.loc["1", "revenue"] == 20.0
    assert by_order.loc[["2", "3"], "revenue"].tolist() == [0.0, 0.0]
    assert not by_order.loc[["2", "3", "6"], "is_purchase"].any()
    assert (report.orders_found, report.customers_found) == (3, 3)
    assert report.count("order_cancelled") == 2
    assert report.count("refund_unmatched") == 1


def test_storno_invoice_and_its_cancelled_invoice_cancel_out_once():
    """SZ-002 (5 000, Sztornózott) and its storno SZ-003 (-5 000, the same
    customer and day) say one cancellation: 10 000 + 8 000 = 18 000 (before:
    8 000, the 5 000 taken off twice, from SZ-001)."""
    orders, _ = clean(
        "Számlaszám;Vevő;Kelt;Bruttó;Állapot\n"
        "SZ-001;Kovács Kft;2024.01.05.;10 000;Kiegyenlített\n"
        "SZ-002;Kovács Kft;2024.01.10.;5 000;Sztornózott\n"
        "SZ-003;Kovács Kft;2024.01.10.;-5 000;Sztornó számla\n"
        "SZ-004;Nagy Bt;2024.01.12.;8 000;Kiegyenlített\n"
    )
    assert orders["revenue"].sum() == 18_000.0
    bought = orders[orders["is_purchase"]].set_index("order_id")["revenue"]
    assert bought.to_dict() == {"SZ-001": 10_000.0, "SZ-004": 8_000.0}


def test_refund_row_of_a_sale_its_status_says_refunded_is_taken_once():
    """SumUp: TX2 (30, status Refunded) and its own refund TX3 (-30): 20 + 50
    = 70 from TX1 and TX5; TX4 failed (before: 10, TX2 and TX3 each taking
    30 off TX1)."""
    orders, _ = clean(
        "Transaction ID,Date,Transaction Type,Status,Total Amount,Payment Method,Customer\n"
        "TX1,2024-01-05 10:00,Sale,Successful,20.00,Card,anna@x.com\n"
        "TX2,2024-01-10 10:00,Sale,Refunded,30.00,Card,anna@x.com\n"
        "TX3,2024-01-11 10:00,Refund,Successful,-30.00,Card,anna@x.com\n"
        "TX4,2024-01-12 10:00,Sale,Failed,15.00,Card,bela@x.com\n"
        "TX5,2024-01-13 10:00,Sale,Successful,50.00,Card,bela@x.com\n"
    )
    assert orders["revenue"].sum() == 70.0
    bought = orders[orders["is_purchase"]].set_index("order_id")["revenue"]
    assert bought.to_dict() == {"TX1": 20.0, "TX5": 50.0}


def test_order_its_refund_row_names_and_refunds_in_full_is_no_purchase():
    """R1 names order 2 and refunds all 30 of it: order 2 is worth 0 and no
    purchase, like a fully refunded Shopify order; order 1 (20) stays."""
    orders, report = clean(
        "order,customer,date,amount,original order\n"
        "1,C1,2024-02-01,20,\n2,C1,2024-02-03,30,\nR1,C1,2024-02-05,-30,2\n"
    )
    by_order = orders.set_index("order_id")
    assert by_order.loc["2", "revenue"] == 0.0
    assert not by_order.loc["2", "is_purchase"]
    assert by_order.loc["1", "is_purchase"]
    assert report.orders_found == 1


def test_refund_row_under_its_own_orders_number_leaves_the_rest_a_purchase():
    """Order 2 sold 9 + 5 and refunded the 5 on a row of its own: a purchase
    of 9, not a refund of order 1 (it used to be netted into order 1)."""
    orders, report = clean(
        "order,customer,date,amount,status\n1,C1,2024-02-01,12,Payment\n"
        "2,C1,2024-02-05,9,Payment\n2,C1,2024-02-05,5,Payment\n"
        "2,C1,2024-02-06,-5,Refund\n"
    )
    assert orders["revenue"].tolist() == [12.0, 9.0]
    assert orders["is_purchase"].all()
    assert report.count("partly_refunded") == 3


def test_sale_refunded_in_full_by_its_own_refund_row_is_no_purchase():
    """A sale whose status says refunded and the refund row under its number
    (WooCommerce) is worth nothing, not a refund of 60."""
    orders, _ = clean(
        "order,customer,date,amount,status\n7,C1,2024-02-01,30,refunded\n"
        "7,C1,2024-02-03,-30,completed\n"
    )
    assert orders["revenue"].tolist() == [0.0]
    assert not orders["is_purchase"].any()


def test_order_total_repeated_on_every_line_under_a_total_header_counts_once():
    """Orders 1001 and 1002 show their total (25, 12) on both lines of a
    column headed Total: 25 + 12 = 37, not 74."""
    orders, report = clean(
        "Order,Customer,Date,Item,Total\n"
        "1001,C1,2024-01-05,Tea,25.00\n1001,C1,2024-01-05,Cake,25.00\n"
        "1002,C2,2024-01-06,Tea,12.00\n1002,C2,2024-01-06,Mug,12.00\n"
    )
    assert orders["revenue"].tolist() == [25.0, 12.0]
    assert any(n.code == "order_total_repeated" for n in report.notices)


def test_amount_repeated_while_the_quantities_of_the_lines_differ_is_a_total():
    """Order 1 (2 + 1 items) and order 2 (1 + 3 items) each show one amount
    on every line, though the quantities differ: totals, 18 + 20 = 38."""
    orders, _ = clean(
        "order,customer,date,qty,amount\n"
        "1,C1,2024-01-05,2,18.00\n1,C1,2024-01-05,1,18.00\n"
        "2,C2,2024-01-06,1,20.00\n2,C2,2024-01-06,3,20.00\n"
    )
    assert orders["revenue"].tolist() == [18.0, 20.0]


def test_lines_that_cost_the_same_are_added_up_not_taken_for_a_repeated_total():
    """Order 3 is Tea 5 + Scone 5 and order 5 Cake 4 + Muffin 4; orders 1, 2
    and 4 have one line: 5 + 4 + 10 + 5 + 8 = 32 (before: 23, the second
    line of orders 3 and 5 dropped)."""
    orders, report = clean(
        "Order,Customer,Date,Item,Amount\n"
        "1,C1,2024-01-05,Tea,5.00\n2,C2,2024-01-06,Cake,4.00\n"
        "3,C1,2024-01-07,Tea,5.00\n3,C1,2024-01-07,Scone,5.00\n"
        "4,C3,2024-01-08,Tea,5.00\n"
        "5,C2,2024-01-09,Cake,4.00\n5,C2,2024-01-09,Muffin,4.00\n"
    )
    assert orders["revenue"].tolist() == [5.0, 4.0, 10.0, 5.0, 8.0]
    assert not any(n.code == "order_total_repeated" for n in report.notices)


def test_c_invoice_is_a_cancellation_only_among_numeric_invoices():
    orders, _ = clean(
        "invoice,customer,date,amount\nC1001,A,2024-02-01,5\nC1002,B,2024-02-02,6\n"
    )
    assert orders["is_purchase"].all()


def test_guest_rows_are_kept_with_their_own_reason():
    orders, report = clean(
        "order,customer,date,amount\n1,,2024-02-01,5\n2,C1,2024-02-02,6\n"
    )
    assert orders["customer_id"].isna().sum() == 1
    assert report.count("guest") == 1
    assert report.guest_share == 0.5


def test_total_row_is_excluded_and_reported():
    orders, report = clean("customer,date,amount\nC1,2024-02-01,5\nTotal,,5\n")
    assert len(orders) == 1
    assert report.count("total_row") == 1


# The tester's log: three sales (3.50 + 4.50 + 3.50 = 11.50), two daily totals
# under the item column and a grand total without a date.
DAILY_TOTALS = (
    "Date,Receipt,Customer,Item,Amount\n"
    "2024-01-05,R1,C01,Coffee,3.50\n"
    "2024-01-05,R2,C02,Cake,4.50\n"
    "2024-01-05,,,Daily total,8.00\n"
    "2024-01-06,R3,C01,Coffee,3.50\n"
    "2024-01-06,,,Daily total,3.50\n"
    ",,,TOTAL,11.50\n"
)


def test_total_rows_labelled_in_the_item_column_are_left_out_and_reported():
    orders, report = clean(DAILY_TOTALS)

    assert len(orders) == 3
    assert round(orders["revenue"].sum(), 2) == 11.50
    assert report.rows_for("total_row")["row_number"].tolist() == [4, 6, 7]
    assert report.count("guest") == 0 and report.count("no_date") == 0


def test_a_total_row_of_a_semicolon_file_with_decimal_commas_is_left_out():
    orders, report = clean(
        "Date;Customer;Item;Amount\n05.01.2024;C1;Tea;30,00\n"
        "06.01.2024;;Cake;30,00\n;;Total;60,00\n"
    )

    assert round(orders["revenue"].sum(), 2) == 60.00
    assert report.rows_for("total_row")["row_number"].tolist() == [4]


@pytest.mark.parametrize(
    "row",
    [
        "2024-01-05,,,Total Body Lotion,8.00",  # a guest's sale of that lotion
        "2024-01-05,R9,,Daily total,8.00",  # a receipt: a sale
        "2024-01-05,,C09,Total,8.00",  # a customer: a sale
        "2024-01-05,,,Total,8.00,card",  # another word on the row
    ],
)
def test_a_sale_of_an_item_called_total_is_no_total_row(row):
    text = (
        "Date,Receipt,Customer,Item,Amount,Paid by\n2024-01-04,R1,C01,Tea,3.50,cash\n"
    )
    orders, report = clean(text + row + "\n")

    assert len(orders) == 2
    assert round(orders["revenue"].sum(), 2) == 11.50
    assert report.count("total_row") == 0


# Names that begin with "Total": a gym's company account and a shampoo, each
# in the customer or the item column, first or not: four sales, 3.50 + 4.50
# + 2.00 + 5.00 = 15.00 (and 1.00 of a marketing firm, whose name begins like
# a month's, Mar), and the file's own totals below them.
TOTAL_NAMES = [
    ("2024-01-05", "R1", "Total Fitness Ltd", "Tea", "3.50"),
    ("2024-01-06", "R2", "C02", "Total Results Shampoo", "4.50"),
    ("2024-01-07", "", "Total Fitness Ltd", "Total Results Shampoo", "2.00"),
    ("2024-01-08", "", "", "Total Results Shampoo", "5.00"),
    ("2024-01-08", "R5", "Total Marketing Ltd", "Tea", "1.00"),
]
REAL_TOTALS = [
    ("2024-01-08", "", "", "Daily total", "5.00"),
    ("", "", "Total", "", "15.00"),
    ("", "", "Grand total:", "", "15.00"),
    ("", "", "Összesen", "", "15.00"),
    ("", "", "Total 2024", "", "15.00"),
    ("", "", "Total for January", "", "15.00"),
    ("", "", "Total Fitness Ltd", "", "5.50"),  # a customer's subtotal: no date
]


@pytest.mark.parametrize(
    "order",
    [
        ["Date", "Receipt", "Customer", "Item", "Amount"],
        ["Customer", "Date", "Receipt", "Item", "Amount"],
        ["Item", "Date", "Receipt", "Customer", "Amount"],
    ],
    ids=["date first", "customer first", "item first"],
)
def test_a_customer_or_an_item_whose_name_begins_with_total_is_a_sale(order):
    header = ["Date", "Receipt", "Customer", "Item", "Amount"]
    place = [header.index(name) for name in order]
    rows = [order, *([row[i] for i in place] for row in TOTAL_NAMES + REAL_TOTALS)]
    orders, report = clean("".join(",".join(row) + "\n" for row in rows))

    assert len(orders) == 5
    assert round(orders["revenue"].sum(), 2) == 16.00
    assert sorted(orders["customer_id"].dropna()) == [
        "C02",
        "Total Fitness Ltd",
        "Total Fitness Ltd",
        "Total Marketing Ltd",
    ]
    assert report.rows_for("total_row")["row_number"].tolist() == list(range(7, 14))


def test_a_total_row_may_carry_its_currency_code_beside_the_total_word():
    orders, report = clean(
        "Datum;Vevő;Termék;Összeg\n2024.01.05;V1;Kávé;1 200 Ft\n"
        "2024.01.05;;Napi összesen;1 200 Ft\n"
    )

    assert len(orders) == 1
    assert report.rows_for("total_row")["row_number"].tolist() == [3]


def test_rows_without_date_or_amount_are_excluded_with_their_row_number():
    _, report = clean(
        "customer,date,amount\nC1,2024-02-01,5\nC2,someday,5\nC3,2024-02-01,n.a.\n"
    )
    assert report.rows_for("no_date")["row_number"].tolist() == [3]
    assert report.rows_for("no_amount")["row_number"].tolist() == [4]


def test_zero_amount_stock_write_off_is_not_a_sale():
    orders, report = clean(
        "InvoiceNo,Quantity,InvoiceDate,UnitPrice,CustomerID\n"
        "536365,6,2010-12-01 08:26,2.55,17850\n536414,-56,2010-12-01 11:52,0,\n"
    )
    assert len(orders) == 1
    assert report.count("stock_adjustment") == 1


def test_every_row_ends_in_exactly_one_bucket():
    _, report = clean(
        "order,customer,date,amount\n1,C1,2024-02-01,5\n1,C1,2024-02-01,5\n"
        "2,,2024-02-02,$6\n3,C1,bad,1\nC9,C1,2024-02-03,-1\n"
    )
    assert report.rows_read == 5
    assert report.counts()["rows"].sum() == 5
    assert set(report.rows["outcome"]) <= {"kept", "repaired", "excluded"}


def test_unknown_date_order_is_refused():
    with pytest.raises(SalesLogError):
        CleaningOptions(date_order="year_first")


def test_orders_table_has_canonical_types():
    orders, _ = clean("order,customer,date,amount\n1,C1,2024-02-01,5\n")
    assert str(orders["order_id"].dtype) == "string"
    assert str(orders["items"].dtype) == "Int64"
    assert orders["timestamp"].dtype == "datetime64[ns]"


def test_rows_without_order_id_combined_into_one_order_are_counted_in_the_report():
    _, report = clean(
        "customer,date,amount\nC1,2024-01-02,5\nC1,2024-01-02,6\nC2,2024-01-02,7\n"
        "C2,2024-01-02,1\nC2,2024-01-02,2\nC3,2024-01-03,1\n"
    )
    notice = next(n for n in report.notices if n.code == "lines_combined")
    assert "5 rows without an order number" in notice.message
    assert "into 2 orders" in notice.message


def test_no_combined_notice_when_every_unnumbered_row_is_its_own_order():
    _, report = clean("customer,date,amount\nC1,2024-01-02,5\nC1,2024-01-03,6\n")
    assert "lines_combined" not in [n.code for n in report.notices]


def test_day_first_notice_quotes_a_value_and_the_separator_of_the_file():
    parsed = parse_timestamps(pd.Series(["05/01/2024 10:00", "13/01/2024 09:30"]))
    message = parsed.notices[0].message
    assert "13/01/2024" in message and "dd/mm/yyyy" in message
    assert "13.01.2024" not in message and "dd.mm" not in message


def test_amounts_with_the_other_decimal_mark_are_read_by_their_own_mark():
    # two digits after a mark cannot be a thousands group, whatever most of
    # the column writes; both marks, the last one is the decimal mark
    points = ["7.25"] * 5 + ["7,50", "10,00", "12,50 €", "1.234,50", "12,5"]
    parsed = parse_amounts(pd.Series(points))
    assert parsed.values.tolist() == [7.25] * 5 + [7.5, 10.0, 12.5, 1234.5, 12.5]
    assert parsed.decimal_mark == "."
    assert parsed.other_mark.tolist() == [False] * 5 + [True] * 5
    commas = ["7,25"] * 5 + ["7.50", "12.50", "1,234.50"]
    parsed = parse_amounts(pd.Series(commas))
    assert parsed.values.tolist() == [7.25] * 5 + [7.5, 12.5, 1234.5]
    assert parsed.other_mark.tolist() == [False] * 5 + [True] * 3


def test_amount_that_reads_two_ways_in_a_column_of_both_marks_is_flagged():
    parsed = parse_amounts(pd.Series(["7.25"] * 5 + ["7,50", "1,250", "2.500"]))
    assert parsed.values.tolist() == [7.25] * 5 + [7.5, 1250.0, 2.5]
    assert parsed.ambiguous.tolist() == [False] * 6 + [True, True]
    # one mark throughout: thousands groups are what they look like
    parsed = parse_amounts(pd.Series(["$1,250.00", "$2,000", "9.50"]))
    assert parsed.values.tolist() == [1250.0, 2000.0, 9.5]
    assert not parsed.ambiguous.any() and not parsed.other_mark.any()
    parsed = parse_amounts(pd.Series(["1.250", "12.500 Ft", "1.234.567"]))
    assert parsed.values.tolist() == [1250.0, 12500.0, 1234567.0]


def test_few_decimal_commas_in_a_point_column_are_not_read_a_hundred_times_larger():
    rows = "".join(f"{n},C{n % 7},2024-01-{n % 28 + 1:02d},7.25\n" for n in range(50))
    rows += '50,C1,2024-02-01,"12,50"\n51,C2,2024-02-02,"1,250"\n'
    orders, report = clean("order_id,customer,date,amount\n" + rows)
    assert orders["revenue"].sum() == pytest.approx(50 * 7.25 + 12.5 + 1250)
    assert report.count("amount_other_mark") == 1
    assert report.count("amount_mark_ambiguous") == 1
    assert any(n.code == "amount_mark_ambiguous" for n in report.notices)


def test_order_flagged_cancelled_is_that_order_cancelled_not_a_refund_of_another():
    orders, report = clean(
        "order_id,customer_id,order_date,amount,cancelled\n"
        "1,C1,2024-01-10,20.00,\n"
        "2,C1,2024-01-15,30.00,yes\n"
        "3,C2,2024-01-16,25.00,\n"
        "4,C3,2024-01-17,40.00,yes\n"
    )
    bought = orders[orders["is_purchase"]]
    assert bought["order_id"].tolist() == ["1", "3"]
    assert bought["revenue"].tolist() == [20.0, 25.0]
    assert orders["revenue"].sum() == 45.0
    assert (report.orders_found, report.customers_found) == (2, 2)
    assert report.count("order_cancelled") == 2
    assert report.count("refund_netted") == report.count("refund_unmatched") == 0


def test_negative_row_flagged_cancelled_is_still_a_refund():
    orders, report = clean(
        "order_id,customer_id,order_date,amount,cancelled\n"
        "1,C1,2024-01-10,20.00,\n"
        "2,C1,2024-01-15,-5.00,yes\n"
    )
    assert orders["revenue"].tolist() == [15.0]
    assert report.count("refund_netted") == 1


def test_identical_rows_without_an_order_number_are_repeat_sales():
    # a vending machine that writes the minute: two espressos on one card
    orders, report = clean(
        "datetime,card,money,coffee\n"
        "2024-03-01 10:15,C1,18.12,Espresso\n"
        "2024-03-01 10:15,C1,18.12,Espresso\n"
        "2024-03-01 11:00,,24.00,Latte\n"
        "2024-03-01 11:00,,24.00,Latte\n"
    )
    assert orders["revenue"].sum() == pytest.approx(2 * 18.12 + 2 * 24.0)
    assert report.count("duplicate") == 0
    assert report.guest_orders == 2


def test_rows_repeated_across_files_without_order_numbers_count_once():
    from retention.sales_log import load_sales_log

    header = "datetime,card,money\n"
    march = header + "2024-03-01 10:15,C1,18.12\n2024-03-01 10:15,C1,18.12\n"
    april = march + "2024-04-02 09:00,C2,24.00\n2024-04-02 09:00,C2,24.00\n"
    log = load_sales_log(
        [("march.csv", march.encode()), ("march_april.csv", april.encode())]
    )
    # the overlap (both March sales) is counted once; April's two sales stay
    assert log.report.count("duplicate") == 2
    assert log.orders["revenue"].sum() == pytest.approx(2 * 18.12 + 2 * 24.0)
    assert (
        log.report.rows_for("duplicate")["source"].tolist() == ["march_april.csv"] * 2
    )


@pytest.mark.parametrize(
    ("header", "january", "february"),
    [
        # the fulfilment changed between the exports
        (
            "Order,Email,Date,Total,Fulfillment\n",
            "1001,a@x.com,2024-01-30 10:00,50.00,unfulfilled\n"
            "1002,b@x.com,2024-01-20 10:00,20.00,fulfilled\n",
            "1001,a@x.com,2024-01-30 10:00,50.00,fulfilled\n"
            "1003,a@x.com,2024-02-02 10:00,30.00,unfulfilled\n",
        ),
        # each export is dated
        (
            "Customer,Date,Amount,Exported\n",
            "A,2024-01-30 10:00,50.00,2024-01-31\nB,2024-01-20 10:00,20.00,2024-01-31\n",
            "A,2024-01-30 10:00,50.00,2024-02-29\nA,2024-02-02 10:00,30.00,2024-02-29\n",
        ),
        # each export numbers its rows from 1
        (
            "#,Customer,Date,Amount\n",
            "1,B,2024-01-20 10:00,20.00\n2,A,2024-01-30 10:00,50.00\n",
            "1,A,2024-01-30 10:00,50.00\n2,A,2024-02-02 10:00,30.00\n",
        ),
    ],
)
def test_sale_in_two_exports_counts_once_when_a_column_no_figure_uses_changed(
    header, january, february
):
    """A's 50.00 of 30 January is in both files: 20 + 50 + 30 = 100 in 3
    orders (before: 150, the second copy counted)."""
    from retention.sales_log import load_sales_log

    log = load_sales_log(
        [
            ("jan.csv", (header + january).encode()),
            ("feb.csv", (header + february).encode()),
        ]
    )
    assert log.orders["revenue"].sum() == 100.0
    assert log.report.orders_found == 3
    [repeat] = log.report.rows_for("duplicate_other_file").to_dict("records")
    assert (repeat["source"], repeat["row_number"]) == ("feb.csv", 2)
    assert any(
        "feb.csv repeats a sale of jan.csv" in n for n in log.report.notice_texts()
    )


def test_two_lines_of_one_order_alike_in_their_figures_are_not_taken_for_a_repeat():
    """Order 7 in February holds two lines of 5.00 (two products); January
    holds one of them: only that one is a repeat, 5 + 5 = 10 for order 7."""
    from retention.sales_log import load_sales_log

    header = "order,customer,date,product,amount\n"
    jan = header + "7,C1,2024-01-31 10:00,Tea,5.00\n"
    feb = header + "7,C1,2024-01-31 10:00,Tea,5.00\n7,C1,2024-01-31 10:00,Scone,5.00\n"
    log = load_sales_log([("jan.csv", jan.encode()), ("feb.csv", feb.encode())])
    assert log.orders["revenue"].tolist() == [10.0]
    assert log.report.count("duplicate_other_file") == 1


def test_header_line_repeated_inside_the_file_is_left_out_as_a_header():
    # two exports pasted one below the other
    header = "order_id,customer,date,amount\n"
    first = "1,C1,2024-01-02,5\n2,C2,2024-01-03,6\n"
    second = "3,C1,2024-02-02,7\n"
    orders, report = clean(header + first + header + second)
    assert orders["revenue"].sum() == 18.0
    assert report.count("header_repeated") == 1
    assert report.count("no_date") == 0
    assert report.rows_for("header_repeated")["row_number"].tolist() == [4]


def test_a_date_or_a_phone_number_in_the_amount_column_is_no_amount():
    # a dash between digits is neither a minus nor a thousands separator
    parsed = parse_amounts(
        pd.Series(["2024-01-06", "5-6", "06-30-1234567", "12.50-", "-3", "$1,000"])
    )
    assert parsed.values.tolist()[3:] == [-12.5, -3.0, 1000.0]
    assert parsed.values.iloc[:3].isna().all()


def test_a_line_not_in_utf8_is_reported_as_read_in_its_code_page():
    from retention.quality import reason_label

    text = "order,customer,date,amount\n1,Zoë,2024-01-05,10\n2,Łukasz,2024-01-06,12\n"
    data = text.encode() + "3,Renée,2024-01-07,9\n".encode("cp1252")
    raw = read_table(data, name="mixed.csv")
    orders, report = clean_orders(raw, detect_columns(raw.frame))
    assert sorted(orders["customer_id"]) == ["Renée", "Zoë", "Łukasz"]
    assert report.count("not_utf8_cp1252") == 1
    [row] = report.rows_for("not_utf8_cp1252").to_dict("records")
    assert (row["row_number"], row["customer"]) == (4, "Renée")
    assert "Windows-1252" in reason_label("not_utf8_cp1252")
    assert report.rows.set_index("row_number").loc[4, "outcome"] == "repaired"
    assert any("not valid UTF-8" in text for text in report.notice_texts())


PLACEHOLDER_SALES = """order,customer,date,amount
1,Walk-in Customer,2024-02-01,5
2,C1,2024-02-01,6
3,walk-in customer,2024-02-02,7
4,Guest,2024-02-02,8
5,Cash customer,2024-02-03,9
6,0,2024-02-03,10
7,Alkalmi vásárló,2024-02-04,11
8,C1,2024-02-04,12
9,-,2024-02-05,13
10,ANONYMOUS,2024-02-05,14
11,No customer,2024-02-06,15
12,Vendég,2024-02-06,16
13,000,2024-02-07,17
"""


def test_placeholder_customers_of_anonymous_sales_are_guests_and_reported():
    orders, report = clean(PLACEHOLDER_SALES)
    assert orders["customer_id"].dropna().tolist() == ["C1", "C1"]
    assert len(orders) == 13 and orders["revenue"].sum() == sum(range(5, 18))
    assert report.customers_found == 1 and report.guest_orders == 11
    assert report.count("placeholder_customer") == 10
    assert report.count("guest") == 1  # the "-"
    rows = report.rows_for("placeholder_customer")
    assert rows["row_number"].tolist()[:2] == [2, 4]
    assert set(report.rows.set_index("row_number").loc[[2, 7], "outcome"]) == {
        "repaired"
    }
    [note] = [n for n in report.notice_texts() if "placeholder" in n]
    assert "10 rows" in note and "Walk-in Customer" in note and "0" in note


@pytest.mark.parametrize(
    "name",
    ["Walker", "Guesthouse Kft.", "Anna Vendégh", "0421", "Cash & Carry Ltd", "10"],
)
def test_real_names_and_ids_like_placeholders_stay_customers(name):
    orders, report = clean(
        f"order,customer,date,amount\n1,{name},2024-02-01,5\n2,{name},2024-03-01,6\n"
    )
    assert orders["customer_id"].tolist() == [name, name]
    assert report.count("placeholder_customer") == 0


def test_an_order_worth_nothing_is_no_sale_and_is_reported():
    orders, report = clean(
        "order,customer,date,product,quantity,price\n"
        "1,C1,2024-02-01,mug,2,5.00\n"
        "1,C1,2024-02-01,free sticker,1,0.00\n"
        "2,,2024-02-02,sample,3,0.00\n"
        "2,,2024-02-02,sample box,1,0\n"
        "3,C2,2024-02-03,replacement,1,0.00\n"
        "4,C2,2024-02-04,cup,1,4.00\n"
    )
    assert orders["order_id"].tolist() == ["1", "4"]
    assert orders["revenue"].tolist() == [10.0, 4.0]
    assert report.orders_found == 2 and report.guest_orders == 0
    assert report.count("zero_order") == 3
    assert report.rows_for("zero_order")["row_number"].tolist() == [4, 5, 6]
    assert set(report.rows.set_index("row_number").loc[[2, 3, 7], "reason"]) == {"ok"}
    [note] = [n for n in report.notice_texts() if "worth nothing" in n]
    assert "2 orders" in note and "3 rows" in note


def test_a_line_with_more_fields_than_the_header_is_listed_with_its_repair():
    orders, report = clean(
        "order,customer,date,amount\n1,C1,2024-01-05,10\n2,C2,2024-01-06,12,x\n"
    )
    assert orders["revenue"].tolist() == [10.0, 12.0]
    assert report.count("extra_fields") == 1
    assert report.rows_for("extra_fields")["row_number"].tolist() == [3]


@pytest.mark.parametrize("role", ["customer", "date", "order", "amount"])
def test_a_cell_too_long_for_an_id_date_or_amount_leaves_its_row_out(role):
    """Finding: a 60 MB cell became a customer id, in every list and download."""
    cells = {"order": "2", "customer": "C2", "date": "2024-01-06", "amount": "5"}
    cells[role] = "X" * 1_001
    good = "".join(f"{n},C1,2024-01-{n:02d},10\n" for n in range(10, 20))
    text = "order,customer,date,amount\n" + good + ",".join(cells.values()) + "\n"
    orders, report = clean(text)
    assert set(orders["customer_id"]) == {"C1"}
    assert len(orders) == 10
    assert report.count("cell_too_long") == 1
    excluded = report.rows_for("cell_too_long")
    assert excluded["row_number"].tolist() == [12]
    assert "Cell too long" in report.counts()["label"].iloc[-1]


def test_a_long_cell_in_a_column_not_read_as_a_value_is_kept():
    text = "order,customer,date,amount,note\n1,C1,2024-01-05,10," + "n" * 5_000 + "\n"
    orders, report = clean(text)
    assert orders["customer_id"].tolist() == ["C1"]
    assert report.count("cell_too_long") == 0


def test_only_ids_that_look_like_an_email_address_lose_their_case():
    """Finding: ``@SUM(A1:A9)`` came out as ``@sum(a1:a9)`` in the customer lists."""
    ids, _ = normalise_ids(
        pd.Series(
            ["@SUM(A1:A9)", "Shop@Counter", " Anna@Example.COM ", "anna @example.com"]
        )
    )
    assert ids.tolist() == [
        "@SUM(A1:A9)",
        "Shop@Counter",
        "anna@example.com",
        "anna@example.com",
    ]


# --- dates that cannot be right --------------------------------------------

READ_ON = date(2026, 12, 4)
TYPO_YEAR = """order,customer,date,amount
1,C1,2024-01-05,10.00
2,C2,2024-02-07,20.00
3,C1,2024-03-09,30.00
4,C3,2042-03-01,40.00
"""


def test_a_row_dated_after_the_day_the_file_was_read_is_left_out_as_a_typo():
    """Finding: 2042 typed for 2024 stretched every page to March 2042."""
    orders, report = clean(TYPO_YEAR, read_on=READ_ON)
    assert len(orders) == 3
    assert orders["revenue"].sum() == pytest.approx(60.00)
    assert orders["timestamp"].max() == pd.Timestamp("2024-03-09")
    assert report.count("future_date") == 1
    assert report.rows_left_out == 1
    assert report.rows_for("future_date")["row_number"].tolist() == [5]
    assert report.rows_for("future_date")["date"].tolist() == ["2042-03-01"]
    assert reason_label("future_date") == (
        "Date after today (the day the file was read): a typing mistake?"
    )
    note = next(n.message for n in report.notices if n.code == "future_date")
    assert note.startswith(
        "1 row is dated after 4 Dec 2026, the day the file was read "
        "(row 5: 1 Mar 2042): a typing mistake?"
    )


def test_a_sale_on_the_day_the_file_was_read_is_kept_and_one_the_day_after_is_not():
    text = (
        "order,customer,date,amount\n1,C1,2026-12-04 23:59,5\n2,C2,2026-12-05 00:01,7\n"
    )
    orders, report = clean(text, read_on=READ_ON)
    assert orders["order_id"].tolist() == ["1"]
    assert report.rows_for("future_date")["row_number"].tolist() == [3]


def test_without_a_day_read_no_row_is_left_out_for_being_after_it():
    orders, report = clean(TYPO_YEAR)
    assert report.count("future_date") == 0
    # three other rows are too few to call the fourth's date far after them
    assert report.count("far_date") == 0
    assert len(orders) == 4


def _year_of_sales(last: str, extra: int = 1) -> str:
    """150 sales through 2015, then ``extra`` sales on the day ``last``."""
    lines = ["order,customer,date,amount"]
    lines += [
        f"{n},C{n % 7},2015-{1 + n % 12:02d}-{1 + n % 28:02d},10" for n in range(150)
    ]
    lines += [f"{150 + n},C1,{last},10" for n in range(extra)]
    return "\n".join(lines) + "\n"


def test_a_lone_date_years_after_all_the_others_is_left_out_as_a_typo():
    """2025 typed for 2015 in a file read in 2026: not after today, but over a
    year after every other date, in 1 of 151 rows (at most 1 %: 1 row)."""
    orders, report = clean(_year_of_sales("2025-03-01"), read_on=READ_ON)
    assert report.count("far_date") == 1
    assert report.rows_for("far_date")["row_number"].tolist() == [152]
    assert len(orders) == 150
    assert orders["timestamp"].max() == pd.Timestamp("2015-12-28")
    note = next(n.message for n in report.notices if n.code == "far_date")
    assert note.startswith(
        "1 row is dated over a year after every other date, which end on "
        "28 Dec 2015 (row 152: 1 Mar 2025): a typing mistake?"
    )


def test_late_dates_are_kept_when_they_are_many_or_close_to_the_others():
    # two rows of 152 are more than 1 % (1 row): a shop that started again
    _, report = clean(_year_of_sales("2025-03-01", extra=2), read_on=READ_ON)
    assert report.count("far_date") == 0
    # 341 days after the last other date is no typing mistake of a year
    _, report = clean(_year_of_sales("2016-12-03"), read_on=READ_ON)
    assert report.count("far_date") == 0
    # 14 months after the rest, which span three years: a pause, not a typo
    spread = _year_of_sales("2017-03-01").replace("2015-0", "2013-0")
    _, report = clean(spread, read_on=READ_ON)
    assert report.count("far_date") == 0


def test_a_far_date_needs_twenty_earlier_rows_to_be_told():
    """19 rows of 2015 are too few to judge a 2025 row; 20 are enough."""

    def rows(count: int) -> str:
        lines = [f"{n},C{n},2015-03-{1 + n:02d},10" for n in range(count)]
        return "\n".join(["order,customer,date,amount", *lines, "99,C1,2025-03-01,10"])

    assert clean(rows(19), read_on=READ_ON)[1].count("far_date") == 0
    assert clean(rows(20), read_on=READ_ON)[1].count("far_date") == 1


# --- currencies ---------------------------------------------------------------


def test_a_sum_of_several_currencies_is_in_none_of_them():
    """Finding: EUR, GBP and USD amounts added up were labelled EUR."""
    text = 'order,customer,date,amount\n1,C1,2024-01-05,"€12,50"\n2,C2,2024-01-09,"£1,200.00"\n3,C1,2024-02-02,$ 45.10\n4,C3,2024-02-08,EUR 7.00\n'
    orders, report = clean(text)
    assert orders["revenue"].sum() == pytest.approx(12.50 + 1200.00 + 45.10 + 7.00)
    assert report.currency is None
    assert report.currencies == ("EUR", "GBP", "USD")
    assert report.mixed_currencies
    summary = dict(report.summary().itertuples(index=False))
    assert summary["Currency"] == "EUR, GBP, USD"


def test_amounts_in_one_currency_keep_its_code():
    text = "order,customer,date,amount\n1,C1,2024-01-05,$12.50\n2,C2,2024-01-09,$3.00\n"
    _, report = clean(text)
    assert (report.currency, report.currencies) == ("USD", ("USD",))
    assert not report.mixed_currencies


def test_rows_of_another_delimiter_are_left_out_under_their_own_reason():
    """Hand-worked: rows 2, 4 and 7 are read (40.00 + 60.00 + 10.00 = 110.00,
    3 orders); rows 3, 5 and 6 use ; or a tab and are left out as such, not as
    rows without a date."""
    orders, report = clean(MIXED_DELIMITERS)
    assert (len(orders), orders["revenue"].sum()) == (3, pytest.approx(110.00))
    assert report.count("no_date") == 0
    assert report.count("other_delimiter") == 3
    assert report.rows_for("other_delimiter")["row_number"].tolist() == [3, 5, 6]
    assert report.rows_left_out == 3
    assert (
        report.counts().set_index("reason").loc["other_delimiter_comma", "outcome"]
        == "excluded"
    )
    assert report.reason_notes() == [
        "Uses ; or a tab (or |) between values, not the file's comma: its values "
        "cannot be told apart (3 rows): rows 3, 5 and 6."
    ]
    assert "other_delimiter_comma" not in ",".join(report.rows["repairs"])


def test_cancelled_column_written_null_for_orders_not_cancelled_cancels_only_the_marked():
    """A database export: cancelled_at NULL for the orders that stand, a date
    for order 3. 10 + 20 + 40 + 50 = 120 from 4 orders of a, b, c (before: no
    purchase at all, NULL taken for a mark)."""
    orders, report = clean(
        "id,customer_email,created_at,total_price,cancelled_at\n"
        "1,a@x.com,2024-01-05 10:00:00,10.00,NULL\n"
        "2,b@x.com,2024-01-09 10:00:00,20.00,NULL\n"
        "3,a@x.com,2024-02-05 10:00:00,30.00,2024-02-06 09:00:00\n"
        "4,c@x.com,2024-02-07 10:00:00,40.00,NULL\n"
        "5,b@x.com,2024-03-01 10:00:00,50.00,NULL\n"
    )
    assert orders["revenue"].sum() == 120.0
    assert (report.orders_found, report.customers_found) == (4, 3)
    assert report.count("order_cancelled") == 1


@pytest.mark.parametrize(
    "blank", ["n/a", "null", "NaN", "-", "—", "none", "None", "false", "0", "no",
              "not cancelled", "nincs"]
)  # fmt: skip
def test_blank_like_cancelled_values_cancel_nothing(blank):
    """Order 2 (20.00) is written with a blank-like value and stands; order 3
    "yes" is cancelled: 10 + 20 = 30 from 2 orders."""
    orders, report = clean(
        "order_id,customer_id,order_date,amount,cancelled\n"
        "1,C01,2024-01-05,10.00,\n"
        f"2,C02,2024-01-09,20.00,{blank}\n"
        "3,C03,2024-02-05,40.00,yes\n"
    )
    assert orders["revenue"].sum() == 30.0
    assert report.orders_found == 2


@pytest.mark.parametrize("mark", ["yes", "TRUE", "1", "x", "customer changed mind"])
def test_a_real_mark_in_the_cancelled_column_cancels(mark):
    orders, report = clean(
        "order_id,customer_id,order_date,amount,cancelled\n"
        "1,C01,2024-01-05,10.00,no\n"
        f"2,C02,2024-01-09,20.00,{mark}\n"
    )
    assert orders["revenue"].sum() == 10.0
    assert report.count("order_cancelled") == 1


def test_statuses_that_say_no_refund_was_made_are_sales():
    """Completed 10, Refund requested 20, Refund declined 30, Return rejected
    40, Cancellation rejected 50, Non-refundable 60, Not refunded 70: every
    one a sale, 280 from 7 orders of 3 customers (before: 10 from 1 order,
    "Refund declined" a failed payment)."""
    orders, report = clean(
        "order_id,customer_id,order_date,amount,status\n"
        "1,C01,2024-01-05,10.00,Completed\n"
        "2,C02,2024-01-09,20.00,Refund requested\n"
        "3,C01,2024-02-05,30.00,Refund declined\n"
        "4,C03,2024-02-07,40.00,Return rejected\n"
        "5,C02,2024-02-10,50.00,Cancellation rejected\n"
        "6,C03,2024-03-05,60.00,Non-refundable\n"
        "7,C01,2024-03-06,70.00,Not refunded\n"
    )
    assert orders["revenue"].sum() == 280.0
    assert (report.orders_found, report.customers_found) == (7, 3)
    assert report.count("order_cancelled") == report.count("payment_failed") == 0


def test_a_payment_declined_on_a_cancelled_order_is_still_left_out():
    orders, report = clean(
        "order_id,customer_id,order_date,amount,status\n"
        "1,C01,2024-01-05,10.00,Completed\n"
        "2,C02,2024-01-09,20.00,Cancelled - card declined\n"
        "3,C02,2024-01-10,25.00,Payment declined\n"
    )
    assert orders["revenue"].sum() == 10.0
    assert report.count("payment_failed") == 2


ID_CELLS = st.sampled_from(
    [
        "C1", "c1 ", "Walk-in Customer", "walk-in customer", "Guest", "0", "000",
        "0421", "421.0", "421", "+36 30 123 4567", "+36301234567", "06-30-123-4567",
        "Anna@Example.com", " anna@example.com", "N/A", "-", "", "Vendég", "Cash",
        "@SUM(A1:A9)", "1.5",
    ]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(ID_CELLS, min_size=1, max_size=60))
def test_customer_ids_read_once_per_distinct_id_are_those_read_row_by_row(cells):
    """Ids of a column that repeats its values are read once per distinct
    value and spread back; every row must read as if read on its own."""
    from retention.cleaning import (
        _customer_ids,
        _distinct_ids,
        _placeholder_customers,
        _same_phone_numbers,
    )

    text = pl.Series("customer", cells * 3, dtype=pl.String)  # repeats: by value
    customer, repaired, placeholder, _ = _customer_ids(text)
    each, each_repaired = _distinct_ids(text)  # every row read
    each_placeholder = _placeholder_customers(each)
    each = _same_phone_numbers(each)
    assert customer.to_list() == each.set(each_placeholder, None).to_list()
    assert repaired.to_list() == each_repaired.to_list()
    assert placeholder.to_list() == each_placeholder.to_list()


@pytest.mark.parametrize("numbers", [[17850.0, 0.0, 421.0, None], [17850, 0, 421, 5]])
def test_customer_numbers_from_a_workbook_read_as_the_same_numbers_as_text(numbers):
    from retention.cleaning import _customer_ids

    read = _customer_ids(pl.Series("customer", numbers))
    written = [None if n is None else str(int(n)) for n in numbers]
    as_text = _customer_ids(
        pl.Series("customer", written, dtype=pl.String).fill_null("")
    )
    assert read[0].to_list() == as_text[0].to_list()
    assert read[2].to_list() == as_text[2].to_list() == [n == 0 for n in numbers]
    assert "placeholder" in read[3].message


@pytest.mark.parametrize(
    "days", [[1, 2, 3, 4], [4, 3, 2, 1], [1, 1, 2, 2], [2, 1, 1, 3]], ids=str
)
def test_orders_come_out_in_time_order_then_by_order_number(days):
    rows = [(f"{9 - n}", f"C{n}", f"2024-03-0{day}") for n, day in enumerate(days)]
    text = "order,customer,date,amount\n" + "".join(
        f"{order},{customer},{date},5\n" for order, customer, date in rows
    )
    orders, _ = clean(text)
    placed = list(zip(orders["timestamp"], orders["order_id"], strict=True))
    assert placed == sorted(placed)
