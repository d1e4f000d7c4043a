"""Real export excerpts (../shared/data/pos_exports) read with their presets.

The expected figures were worked out by hand from the rows, following the
rules in retention/cleaning.py: an order's total counted once, a partly
refunded order worth its total less the refund, a cancelled or fully refunded
order no purchase, a refund without its sale in the files kept in revenue only.
"""

from __future__ import annotations

import pandas as pd
import pytest

from retention.orders import check_orders, purchases
from retention.presets import find_preset
from retention.sales_log import load_sales_log


@pytest.fixture(scope="module")
def exports(shared_dir):
    return shared_dir / "data" / "pos_exports"


def monthly(orders: pd.DataFrame) -> dict[str, float]:
    months = orders["timestamp"].dt.strftime("%Y-%m")
    return orders.groupby(months)["revenue"].sum().round(2).to_dict()


def figures(log) -> tuple[int, float, int, int]:
    """Purchases, net revenue, customers, guest purchases."""
    check_orders(log.orders)
    bought = purchases(log.orders)
    return (
        len(bought),
        round(log.orders["revenue"].sum(), 2),
        bought["customer_id"].nunique(),
        log.report.guest_orders,
    )


def test_shopify_orders_count_each_total_once_and_net_the_refunds(exports):
    """11 orders: #1236 (a cancelled draft at 0.00) and #1217 (refunded in
    full) are no purchases; #1227 is worth 211.00 - 181.00 = 30.00 and #1203
    482.00 - 255.00 = 227.00; #1228 is a guest. Net 1648.80 from 9 purchases
    by 6 customers (Nadia's two letter cases are one; hoa.tran1993 and
    hoatran1993 are two addresses)."""
    log = load_sales_log(
        exports / "shopify-orders" / "orders_export_1.csv",
        timezone="America/New_York",
    )
    assert figures(log) == (9, 1648.80, 6, 1)
    by_order = log.orders.set_index("order_id")
    assert by_order.loc["#1227", "revenue"] == 30.00
    assert by_order.loc["#1203", "revenue"] == 227.00
    assert not by_order.loc["#1217", "is_purchase"]
    assert not by_order.loc["#1236", "is_purchase"]
    assert by_order.loc["#1225", "customer_id"] == "nadia.r0912@example.com"
    assert monthly(log.orders) == {"2021-03": 871.45, "2021-04": 777.35}


def test_shopify_order_late_on_31_march_moves_to_april_in_utc(exports):
    """#1211 at 22:05 -0400 on 31 March is 02:05 on 1 April in UTC."""
    log = load_sales_log(
        exports / "shopify-orders" / "orders_export_1.csv", timezone="UTC"
    )
    assert monthly(log.orders) == {"2021-03": 770.35, "2021-04": 878.45}


def test_square_months_with_different_headers_read_together(exports):
    """June: 8.00 + 15.00 + 5.00 + 9.00 + 13.92 (guest) = 50.92 in 5 orders.
    July: 9 + 7 + 13 + 14 (guest) + 8 + 8 = 59 in 6 orders, less a 9.00
    refund whose sale is not in the files: 50.00. Six customer ids (one
    person, Lena, under two)."""
    files = sorted((exports / "square-item-sales").glob("*.csv"))
    log = load_sales_log(files)
    assert figures(log) == (11, 100.92, 6, 2)
    assert monthly(log.orders) == {"2026-06": 50.92, "2026-07": 50.00}
    assert log.report.count("refund_unmatched") == 1
    assert log.report.currency == "USD"
    assert any(
        "has no columns Commission, Employee" in n for n in log.report.notice_texts()
    )


def test_etsy_orders_month_first_dates_and_the_adjusted_total(exports):
    """17 orders; 3134706239 was partly refunded: its adjusted total 21.00
    counts, not 36.00. Four guest checkouts, 8 buyers. Dates are month first
    (12/31/2023)."""
    log = load_sales_log(exports / "etsy-sold-orders" / "EtsySoldOrders2023.csv")
    assert figures(log) == (17, 375.92, 8, 4)
    assert log.report.date_order == "month_first"
    assert monthly(log.orders) == {
        "2023-10": 21.05,
        "2023-11": 169.44,
        "2023-12": 185.43,
    }
    assert log.orders.set_index("order_id").loc["3134706239", "revenue"] == 21.00
    assert "Renée" in log.report.raw["Full Name"].tolist()
    assert "Columns separated by tab." in log.report.notice_texts()


@pytest.mark.parametrize(
    ("folder", "preset"),
    [
        ("shopify-orders", "Shopify orders"),
        ("square-item-sales", "Square item sales"),
        ("etsy-sold-orders", "Etsy sold orders"),
    ],
)
def test_each_real_export_is_recognised_by_its_preset(exports, folder, preset):
    for path in (exports / folder).glob("*.csv"):
        header = load_sales_log(path).columns
        assert find_preset(header)[0].name == preset
