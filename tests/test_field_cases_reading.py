"""Field cases F03, F05, F08-F15 and the Online Retail figures, end to end.

Inputs and expected values: ../shared/cases (README.md) and
../shared/data/uci_online_retail/README.md.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from retention.order_metrics import order_figures
from retention.orders import check_orders, purchases
from retention.sales_log import load_sales_log

SHARED = Path(__file__).resolve().parents[2] / "shared"
CASES = SHARED / "cases" / "inputs"
RETAIL = SHARED / "data" / "uci_online_retail"

pytestmark = pytest.mark.skipif(not SHARED.exists(), reason="../shared is not here")


def figures(orders: pd.DataFrame) -> tuple[int, float, int]:
    """Orders (purchases), net revenue, distinct customers with a purchase."""
    check_orders(orders)
    bought = purchases(orders)
    return (
        len(bought),
        round(orders["revenue"].sum(), 2),
        bought["customer_id"].nunique(),
    )


def monthly_revenue(orders: pd.DataFrame) -> dict[str, float]:
    months = orders["timestamp"].dt.strftime("%Y-%m")
    return orders.groupby(months)["revenue"].sum().round(2).to_dict()


def net_spend(orders: pd.DataFrame) -> dict[str, float]:
    return orders.groupby("customer_id")["revenue"].sum().round(2).to_dict()


def test_f03_utc_stamps_are_bucketed_in_the_shops_local_month():
    log = load_sales_log(
        CASES / "F03_orders_utc_timestamps.csv", timezone="America/Los_Angeles"
    )
    stamps = log.orders.set_index("order_id")["timestamp"]
    assert stamps["2003"] == pd.Timestamp("2024-01-31 17:30")
    assert stamps["2004"] == pd.Timestamp("2024-01-31 22:45")
    assert stamps["2006"] == pd.Timestamp("2024-02-29 23:30")
    assert monthly_revenue(log.orders) == {
        "2024-01": 120.0,
        "2024-02": 85.0,
        "2024-03": 40.0,
    }
    assert log.report.timezone == "America/Los_Angeles"
    assert log.report.has_zoned_stamps


def test_f05_exact_duplicates_are_dropped_and_said():
    log = load_sales_log(CASES / "F05_duplicated_rows.csv")
    assert figures(log.orders) == (5, 475.0, 1)
    assert log.report.count("duplicate") == 3
    assert "3 duplicate rows removed." in log.report.notice_texts()
    assert sorted(log.orders["order_id"]) == [
        "A-101",
        "A-102",
        "A-103",
        "A-104",
        "A-105",
    ]


def test_f08_day_first_dates_are_detected_from_29_and_13():
    log = load_sales_log(CASES / "F08_dayfirst_dates.csv")
    assert log.orders.set_index("order_id")["timestamp"].sort_index().tolist() == [
        pd.Timestamp(day)
        for day in [
            "2024-03-01",
            "2024-01-29",
            "2024-03-02",
            "2024-03-13",
            "2024-04-05",
        ]
    ]
    assert log.report.date_order == "day_first"
    assert not log.report.date_order_ambiguous
    assert figures(log.orders) == (5, 65.0, 3)


def test_f09_bom_does_not_hide_the_customer_column():
    log = load_sales_log(CASES / "F09_excel_csv_utf8_bom.csv")
    assert log.columns == ("Customer ID", "Order ID", "Order Date", "Total")
    assert log.mapping.customer == "Customer ID"
    assert figures(log.orders) == (3, 87.4, 2)


def test_f10_title_rows_merged_header_and_total_row():
    log = load_sales_log(CASES / "F10_report_title_rows_merged_header.xlsx")
    assert log.columns == (
        "Customer ID",
        "Customer Tier",
        "Order Date",
        "Order Number",
        "Order Amount",
    )
    assert figures(log.orders) == (5, 114.5, 3)
    total = log.report.rows_for("total_row")
    assert total["row_number"].tolist() == [11]
    months = log.orders["timestamp"].dt.month.value_counts().sort_index().tolist()
    assert months == [2, 2, 1]


def test_f11_cp1250_semicolons_and_decimal_commas():
    log = load_sales_log(CASES / "F11_pos_export_cp1250.csv")
    assert "Wartość brutto" in log.columns
    assert set(log.orders["store"]) == {"Łódź", "Kraków"}
    assert "Text encoding: cp1250." in log.report.notice_texts()
    assert "Columns separated by semicolon." in log.report.notice_texts()
    assert log.orders["revenue"].tolist() == [120.5, 80.0, 45.25, 60.0]
    assert figures(log.orders) == (4, 305.75, 3)


def test_f12_currency_text_and_accounting_negative_refund():
    log = load_sales_log(CASES / "F12_currency_formatted.csv")
    assert figures(log.orders) == (4, 3307.49, 3)
    assert net_spend(log.orders)["C01"] == 1205.0
    assert log.report.currency == "USD"
    assert any("USD" in text for text in log.report.notice_texts())


def test_f13_c_invoices_are_cancellations_netted_or_listed():
    log = load_sales_log(CASES / "F13_online_retail_cancellations.csv")
    assert figures(log.orders) == (3, 32.91, 3)
    assert sorted(purchases(log.orders)["order_id"]) == ["536365", "536366", "536380"]
    spend = net_spend(log.orders)
    assert (spend["10001"], spend["10002"], spend["10003"]) == (28.86, 11.1, 12.75)
    unmatched = log.orders[~log.orders["is_purchase"]]
    assert unmatched["customer_id"].tolist() == ["10004"]
    assert unmatched["revenue"].round(2).tolist() == [-19.8]
    assert log.report.rows_for("refund_unmatched")["CustomerID"].tolist() == ["10004"]


def test_f13_lower_case_c_invoice_is_a_cancellation_too():
    text = (
        (CASES / "F13_online_retail_cancellations.csv")
        .read_text()
        .replace("C536379", "c536379")
    )
    log = load_sales_log(("F13.csv", text.encode()))
    assert figures(log.orders) == (3, 32.91, 3)


def test_f14_two_monthly_files_keep_leading_zeros_and_guests():
    files = [CASES / "F14_jan_export.csv", CASES / "F14_feb_export.csv"]
    log = load_sales_log(files)
    assert figures(log.orders) == (5, 130.0, 3)
    assert set(log.orders["customer_id"].dropna()) == {"00421", "00422", "00423"}
    assert log.orders.set_index("order_id").loc["J2", "customer_id"] is pd.NA
    assert monthly_revenue(log.orders) == {"2024-01": 65.0, "2024-02": 65.0}
    assert log.report.guest_orders == 1


def test_f14_ids_written_as_floats_in_one_file_match_the_other_file():
    jan = b"InvoiceNo,InvoiceDate,CustomerID,Amount\nJ1,2024-01-05,421.0,20\nJ2,2024-01-06,,15\n"
    feb = b"InvoiceNo,InvoiceDate,CustomerID,Amount\nF1,2024-02-02,421,25\nJ1,2024-01-05,421.0,20\n"
    log = load_sales_log([("jan.csv", jan), ("feb.csv", feb)])
    assert figures(log.orders) == (3, 60.0, 1)
    assert log.report.count("duplicate") == 1
    assert set(log.orders["customer_id"].dropna()) == {"421"}


def test_f15_numbers_stored_as_text_in_xlsx():
    log = load_sales_log(CASES / "F15_numbers_stored_as_text.xlsx")
    assert log.orders["revenue"].tolist() == [25.0, 40.0, 30.5, 1250.0, 9.5]
    assert figures(log.orders) == (5, 1355.0, 3)
    assert set(log.orders["customer_id"]) == {"1001", "1002", "01003"}


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("F01_orders_q1_q2.csv", (8, 305.0, 5)),
        ("F02_orders_export_mid_june.csv", (12, 346.0, 7)),
        ("F04_transactions_one_time_buyers.csv", (8, 294.0, 5)),
        ("F20_orders_for_share_link.csv", (6, 165.0, 3)),
    ],
)
def test_other_case_inputs_read_to_their_totals(case, expected):
    assert figures(load_sales_log(CASES / case).orders) == expected


def test_f04_refund_is_netted_into_c3s_order():
    log = load_sales_log(CASES / "F04_transactions_one_time_buyers.csv")
    assert net_spend(log.orders)["C3"] == 14.0
    assert len(log.orders[log.orders["customer_id"] == "C3"]) == 1


@pytest.fixture(scope="module")
def retail_subset():
    return load_sales_log(RETAIL / "Online_Retail_subset_cust_mod10.xlsx")


def test_online_retail_subset_rows_customers_and_invoices(retail_subset):
    report = retail_subset.report
    assert report.rows_read == 47_808
    assert report.raw["CustomerID"].ne("").sum() == 47_808 - 11_430
    assert retail_subset.orders["customer_id"].nunique() == 445
    assert report.raw["InvoiceNo"].nunique() == 2_383
    assert report.count("duplicate") == 495


def test_online_retail_subset_cancellations_never_count_as_orders(retail_subset):
    report = retail_subset.report
    cancelled = report.raw["InvoiceNo"].str.upper().str.startswith("C")
    assert cancelled.sum() == 782
    reasons = set(report.rows.loc[cancelled, "reason"])
    assert reasons <= {"refund_netted", "refund_unmatched", "duplicate"}
    bought = purchases(retail_subset.orders)
    assert not bought["order_id"].str.upper().str.startswith("C").any()


def test_online_retail_subset_guests_and_write_offs_are_accounted_for(retail_subset):
    report = retail_subset.report
    guests = report.rows[report.raw["CustomerID"] == ""]
    assert len(guests) == 11_430
    assert set(guests["reason"]) <= {
        "guest",
        "stock_adjustment",
        "refund_unmatched",
        "duplicate",
        "zero_order",
    }
    assert report.count("stock_adjustment") > 0
    assert report.count("zero_order") > 0
    assert report.counts()["rows"].sum() == 47_808


def test_online_retail_subset_revenue_is_the_line_total_without_duplicates(
    retail_subset,
):
    raw = retail_subset.report.raw
    kept = retail_subset.report.rows["reason"] != "duplicate"
    lines = pd.to_numeric(raw["Quantity"]) * pd.to_numeric(raw["UnitPrice"])
    assert round(lines.sum(), 2) == 946_720.53
    assert retail_subset.orders["revenue"].sum() == pytest.approx(lines[kept].sum())


def test_online_retail_first_1010_rows():
    log = load_sales_log(RETAIL / "Online_Retail_first1010rows.xlsx")
    report = log.report
    assert report.rows_read == 1_010
    assert log.orders["customer_id"].nunique() == 48
    assert report.raw["InvoiceNo"].nunique() == 66
    assert (report.raw["CustomerID"] == "").sum() == 1
    assert report.count("duplicate") == 23
    assert report.raw["InvoiceNo"].str.startswith("C").sum() == 10
    assert log.orders["timestamp"].min() == pd.Timestamp("2010-12-01 08:26")
    assert log.orders["timestamp"].max() == pd.Timestamp("2010-12-01 12:43")


def test_online_retail_day_first_csv_reads_like_the_workbook():
    csv = load_sales_log(
        RETAIL / "online_retail_sample_232rows_IIstyle_dmy.csv", date_order="day_first"
    )
    xlsx = load_sales_log(RETAIL / "online_retail_sample_232rows_IIstyle.xlsx")
    assert csv.report.rows_read == xlsx.report.rows_read == 232
    pd.testing.assert_frame_equal(
        csv.orders.sort_values("order_id").reset_index(drop=True),
        xlsx.orders.sort_values("order_id").reset_index(drop=True),
    )


@pytest.mark.parametrize(
    ("case", "aov", "repeat_rate"),
    [
        (["F05_duplicated_rows.csv"], 95.00, 100.00),
        (["F08_dayfirst_dates.csv"], 13.00, 66.67),
        (["F09_excel_csv_utf8_bom.csv"], 29.13, 50.00),
        (["F10_report_title_rows_merged_header.xlsx"], 22.90, 66.67),
        (["F11_pos_export_cp1250.csv"], 76.44, 33.33),
        (["F12_currency_formatted.csv"], 826.87, 33.33),
        (["F13_online_retail_cancellations.csv"], 10.97, 0.00),
        (["F14_jan_export.csv", "F14_feb_export.csv"], 26.00, 33.33),
        (["F15_numbers_stored_as_text.xlsx"], 271.00, 66.67),
    ],
)
def test_reading_cases_give_their_worked_order_value_and_repeat_rate(
    case, aov, repeat_rate
):
    orders = load_sales_log([CASES / name for name in case]).orders
    figures = order_figures(orders)
    assert round(figures.aov, 2) == aov
    assert round(figures.repeat_purchase_rate, 2) == repeat_rate


def test_f03_without_a_time_zone_keeps_the_clock_time_and_says_so():
    log = load_sales_log(CASES / "F03_orders_utc_timestamps.csv")
    stamps = log.orders.set_index("order_id")["timestamp"]
    assert stamps["2003"] == pd.Timestamp("2024-02-01 01:30")
    assert any("time zone offset" in text for text in log.report.notice_texts())
    assert log.report.has_zoned_stamps and log.report.timezone is None


def test_stamps_without_an_offset_are_local_and_name_no_zone():
    log = load_sales_log(CASES / "F01_orders_q1_q2.csv", timezone="Asia/Tokyo")
    assert not log.report.has_zoned_stamps and log.report.timezone is None


def test_f10_total_row_is_not_a_customer_and_revenue_is_not_doubled():
    log = load_sales_log(CASES / "F10_report_title_rows_merged_header.xlsx")
    assert "Total" not in set(log.orders["customer_id"].dropna())
    assert log.report.count("total_row") == 1
    assert round(log.orders["revenue"].sum(), 2) == 114.50


@pytest.mark.parametrize(
    "text, notice",
    [
        (
            "order_id,customer_id,order_date,amount\n"
            "1,C1,2024-01-15T10:00:00+02:00,5\n2,C2,2024-01-16 10:00,6\n",
            "1 time stamp carries a time zone offset; it was kept at the clock "
            "time written. Choose the shop's time zone to convert it.",
        ),
        (
            "customer_id,order_date,amount\n"
            "C1,2024-01-15 10:00,5\nC1,2024-01-15 10:00,6\nC2,2024-01-16 11:00,7\n",
            "2 rows without an order number share a customer and a time stamp, so "
            "they were combined into 1 order.",
        ),
        (
            "order_id,customer_id,name,order_date,amount\n"
            "1,C1,RenÃ©e,2024-01-15,5\n2,C2,Anna,2024-01-16,6\n",
            "1 cell had been saved with the wrong text encoding (RenÃ©e for Renée) "
            "and was repaired.",
        ),
        (
            "order_id,customer_id,order_date,amount\n"
            "1,C1,2024-01-15,5\n1,C1,2024-01-15,5\n",
            "1 duplicate row removed.",
        ),
    ],
    ids=["time zone", "combined rows", "encoding", "duplicate"],
)
def test_a_notice_about_one_row_or_cell_is_in_the_singular(text, notice):
    log = load_sales_log(("one.csv", text.encode()))

    assert any(notice in message for message in log.report.notice_texts())
