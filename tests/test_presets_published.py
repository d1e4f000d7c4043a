"""Exports without a real excerpt, read with their presets from files made by
hand in each export's published column layout (``tests/exports``).

None of these files is a real export: the header row follows what the
export's maker publishes (its help pages, or the code that writes the file),
the rows are invented to cover several customers, a repeat customer, a guest,
full and partial refunds as the export writes them, and payments that were
never taken. The expected figures were worked out by hand from the rows,
following the rules in retention/cleaning.py, and are written out in each
test.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from retention.columns import detect_columns
from retention.presets import find_preset
from retention.reading import SalesLogError
from retention.sales_log import load_sales_log, read_raw
from tests.test_presets import figures, monthly

EXPORTS = Path(__file__).parent / "exports"


def reasons(log) -> dict[int, str]:
    """Each row's reason by the row number the user sees."""
    rows = log.report.row_table
    return dict(zip(rows["row_number"], rows["reason"], strict=True))


def test_square_transactions_net_partial_refunds_and_refund_rows():
    """Made by hand in the published layout, not a real export: Square's
    Transactions CSV of 55 columns (Date and Time apart, money as $1,234.50
    and -$5.00). Nine transactions of three customers and guests; the amount
    read is Net Sales (before tax and tip), as for Square's item sales.

    - T01 Ana 12.00; T02 guest 8.50; T03 Ben 1,234.50 (1,250.00 less a
      15.50 discount).
    - T04 Ana 15.00 with Partial Refunds -$5.00 on its own row: 10.00.
    - T05 Chloé 30.00 and its Refund row -30.00 (same Transaction ID):
      nothing left, no purchase.
    - T06 Ana 9.00 and a Refund row -3.00 for one item: 6.00, a purchase.
    - T07 Ben 20.00; a Refund row of -7.00 whose payment is not in the file
      is netted into Ben's latest purchase before it: 13.00.
    - T09 guest 4.50; T10 Chloé 6.00 (she comes back after her refund).

    8 purchases, 12 + 8.50 + 1,234.50 + 10 + 0 + 6 + 13 + 4.50 + 6 =
    1,294.50 net, 3 customers, 2 guest purchases; September 1,265.00,
    October 29.50.
    """
    log = load_sales_log(EXPORTS / "square-transactions.csv")

    assert "Recognised the layout of an export: Square transactions." in (
        log.report.notice_texts()
    )
    assert figures(log) == (8, 1294.50, 3, 2)
    assert monthly(log.orders) == {"2026-09": 1265.00, "2026-10": 29.50}
    by_order = log.orders.set_index("order_id")
    assert by_order.loc["T04dWt5tIpK6", "revenue"] == 10.00
    assert not by_order.loc["T05eVu4sHqJ7", "is_purchase"]
    assert by_order.loc["T05eVu4sHqJ7", "revenue"] == 0.00
    assert by_order.loc["T06fUv3rGrH8", "revenue"] == 6.00
    assert by_order.loc["T06fUv3rGrH8", "is_purchase"]
    assert by_order.loc["T07gTw2qFsG9", "revenue"] == 13.00
    assert reasons(log)[5] == "partly_refunded"
    assert reasons(log)[11] == "refund_netted"


def test_square_item_sales_are_not_taken_for_transactions():
    """The item sales export has no Total Collected or Partial Refunds."""
    item_sales = "Date,Time,Category,Item,Qty,Net Sales,Gross Sales,Transaction ID,Event Type,Customer ID"
    assert find_preset(item_sales.split(","))[0].name == "Square item sales"


def test_woocommerce_refund_rows_net_their_order_and_statuses_are_the_orders():
    """Made by hand in the published layout, not a real export: the emailed
    CSV of WooCommerce Analytics > Orders (Date in the site's time zone,
    Order #, N. Revenue (formatted), Status as the order's status name,
    Customer as a name, Net Sales as a plain number). A refund is a row of
    its own with the order's number, the parent order's formatted total and
    a negative Net Sales; the Status is the order's own state.

    - 1001 Maria 40.50; 1003 a guest (no customer name) 20.00.
    - 1002 Tom 30.00, refunded: its refund row -30.00 leaves nothing, so it is
      no purchase (before, the "refunded" sale was turned into a second
      refund: -60.00).
    - 1004 Maria 54.00 and a refund row -27.00: 27.00, a purchase.
    - 1005 Anna 12.00 (processing); 1006 Anna 25.00 failed: left out; 1007
      Anna 25.00.
    - 1008 Tom 40.00 cancelled, without a refund row: no purchase, worth
      nothing (before: a refund of -40.00).
    - 1009 Oliver 1,041.67; 1010 Maria 15.00 (on hold, counted as WooCommerce
      Analytics counts it).

    7 purchases, 40.50 + 0 + 20 + 27 + 12 + 25 + 0 + 1,041.67 + 15 =
    1,181.17 net, 3 customers (Tom has no purchase left), 1 guest purchase;
    March 99.50, April 1,081.67.
    """
    log = load_sales_log(EXPORTS / "woocommerce-orders.csv")

    assert "Recognised the layout of an export: WooCommerce orders." in (
        log.report.notice_texts()
    )
    assert figures(log) == (7, 1181.17, 3, 1)
    assert monthly(log.orders) == {"2026-03": 99.50, "2026-04": 1081.67}
    by_order = log.orders.set_index("order_id")
    assert by_order.loc["1002", "revenue"] == 0.00
    assert not by_order.loc["1002", "is_purchase"]
    assert by_order.loc["1004", "revenue"] == 27.00
    assert by_order.loc["1008", "revenue"] == 0.00
    assert not by_order.loc["1008", "is_purchase"]
    assert "1006" not in by_order.index
    assert reasons(log)[9] == "payment_failed"
    assert log.orders["channel"].tolist()[0] == "Direct"


def test_woocommerce_download_from_the_page_names_its_channel_origin():
    """The CSV downloaded from the Orders page writes "Net sales" and
    "Origin" where the emailed one writes "Net Sales" and "Attribution"."""
    header = "Date,Order #,Status,Customer,Customer type,Product(s),Items sold,Coupon(s),Net sales,Origin"
    preset, roles = find_preset(header.split(","))

    assert preset.name == "WooCommerce orders"
    assert roles["channel"] == "Origin"
    assert roles["amount"] == "Net sales"


def test_stripe_payments_in_utc_refunds_failed_and_uncaptured():
    """Made by hand in the published layout, not a real export: Stripe's
    payments export of 51 columns, Created (UTC) written 2024-03-05 14:02,
    amounts as plain decimals, Status Paid, Refunded or Failed, Captured
    true or false. The shop is in New York.

    - Ana (cus_PaA1xY7) 25.00, 22.00 and 16.00; her 35.00 of 20 March
      failed (Captured false): left out.
    - Ben 40.00 with 10.00 refunded: 30.00; and 15.00 at 02:30 UTC on
      1 April, which is 22:30 on 31 March in New York.
    - Chloé 60.00 refunded in full: no purchase, 0.00; 12.00 only
      authorised (Uncaptured, Captured false): left out; 45.00.
    - Dev 1,234.50; two guests (no Customer ID) 18.50 and 28.00.

    9 purchases, 25 + 30 + 18.50 + 0 + 22 + 15 + 1,234.50 + 28 + 45 + 16 =
    1,434.00 net, 4 customers, 2 guest purchases; in New York March 110.50
    and April 1,323.50.
    """
    log = load_sales_log(EXPORTS / "stripe-payments.csv", timezone="America/New_York")

    assert "Recognised the layout of an export: Stripe payments." in (
        log.report.notice_texts()
    )
    assert figures(log) == (9, 1434.00, 4, 2)
    assert monthly(log.orders) == {"2024-03": 110.50, "2024-04": 1323.50}
    by_order = log.orders.set_index("order_id")
    assert by_order.loc["ch_3OqA2bLk9fQ2aB02", "revenue"] == 30.00
    assert by_order.loc["ch_3OqA4bLk9fQ2aB04", "revenue"] == 0.00
    assert not by_order.loc["ch_3OqA4bLk9fQ2aB04", "is_purchase"]
    assert reasons(log)[6] == "payment_failed"
    assert reasons(log)[10] == "payment_failed"
    assert log.report.timezone == "America/New_York"


def test_stripe_payments_without_a_time_zone_keep_the_utc_clock():
    """Ben's 15.00 at 02:30 UTC on 1 April stays in April."""
    log = load_sales_log(EXPORTS / "stripe-payments.csv")

    assert monthly(log.orders) == {"2024-03": 95.50, "2024-04": 1338.50}
    assert any("times are in UTC" in n for n in log.report.notice_texts())


def test_stripe_current_dashboard_header_created_date_utc(tmp_path):
    """The dashboard's export now names the column "Created date (UTC)" and
    writes seconds (2024-03-05 14:02:00); the same payments read the same."""
    text = (EXPORTS / "stripe-payments.csv").read_text(encoding="utf-8")
    header, *rows = text.splitlines()
    header = header.replace("Created (UTC)", "Created date (UTC)")
    current = tmp_path / "unified_payments.csv"
    current.write_text(
        "\n".join([header, *(_with_seconds(row) for row in rows)]) + "\n",
        encoding="utf-8",
    )

    log = load_sales_log(current, timezone="America/New_York")

    assert "Recognised the layout of an export: Stripe payments." in (
        log.report.notice_texts()
    )
    assert figures(log) == (9, 1434.00, 4, 2)
    assert monthly(log.orders) == {"2024-03": 110.50, "2024-04": 1323.50}


def _with_seconds(row: str) -> str:
    """The row with its Created time written to the second (14:02 -> 14:02:00)."""
    cells = row.split(",")
    cells[3] += ":00"
    return ",".join(cells)


@pytest.fixture
def sumup():
    return EXPORTS / "sumup-transaktionsbericht.csv"


def test_sumup_report_has_no_customer_and_its_email_is_not_taken_for_one(sumup):
    """Made by hand in the published layout, not a real export: SumUp's
    transactions report in German (Transaktions-ID, Zahlungsart, Status,
    Betrag inkl. MwSt., Netto, Auszahlung, ...). Its E-Mail is the SumUp
    account that took the payment, the same on every sale: taken for the
    customer, every sale would be one customer's. The file is refused with
    the usual request to choose the customer column instead."""
    with pytest.raises(SalesLogError, match="Choose the column with the customer id"):
        load_sales_log(sumup)


def test_sumup_payouts_count_once_and_aborted_failed_refunded_are_no_sale(sumup):
    """The same file, with the customer numbers the shop types as the
    payment's reference (Referenz) chosen as the customer column. The amount
    read is Netto (after VAT): a payout row (Zahlungsart Auszahlung) repeats
    its sale's Transaktions-ID and amount incl. VAT but leaves Netto empty,
    so it adds nothing. SumUp's Status is the payment's own state.

    - K-101 5.07 and 40.94 less a partial refund row (Erstattung) of -9.75:
      31.19; her 9.00 of 13 January was aborted (Abgebrochen): left out.
    - K-102 18.03; 23.39 refunded in full (Erstattet): no purchase, 0.00.
    - K-103 7.21 failed (Fehlgeschlagen): left out; the retry a minute
      later 7.21 counts.
    - K-104 11.70; two cash sales without a reference: guests 5.85 and 3.41.

    7 purchases, 5.07 + 5.85 + 18.03 + 7.21 + 0 + 31.19 + 3.41 + 11.70 =
    82.46 net, 4 customers, 2 guest purchases; January 36.16, February
    46.30. The five payout rows are lines whose amount is on another line.
    """
    detected = detect_columns(read_raw(sumup).cells)
    mapping = dataclasses.replace(detected, customer="Referenz")
    log = load_sales_log(sumup, mapping=mapping)

    assert find_preset(log.columns)[0].name == "SumUp transactions"
    assert figures(log) == (7, 82.46, 4, 2)
    assert monthly(log.orders) == {"2025-01": 36.16, "2025-02": 46.30}
    by_order = log.orders.set_index("order_id")
    assert by_order.loc["TG8DR0T2YZ", "revenue"] == pytest.approx(31.19)
    assert not by_order.loc["TF7CQ9S1XY", "is_purchase"]
    assert by_order.loc["TF7CQ9S1XY", "revenue"] == 0.00
    assert log.report.count("amount_on_other_line") == 5
    assert log.report.count("payment_failed") == 2
