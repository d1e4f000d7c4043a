import math

import pandas as pd

from retention.overview import (
    overview,
    overview_figures,
    range_retention,
    range_summary,
)
from retention.periods import period_ordinals
from retention.retention_rates import retention_by_period
from retention.selection import Selection
from tests.order_tables import data_until, make_orders, monthly_orders


def ordinal(day: str, period: str) -> int:
    return int(period_ordinals(pd.Series([pd.Timestamp(day)]), period)[0])


def test_a_customer_known_before_the_range_is_not_new():
    orders = monthly_orders({"A": ["2023-06", "2024-02"], "B": ["2024-02"]})
    month = ordinal("2024-02-01", "month")
    flow = range_retention(orders, Selection("month", month, month))
    assert (flow.customers_at_start, flow.new_customers, flow.won_back) == (0, 1, 1)


def test_one_period_range_matches_the_per_period_table():
    orders = monthly_orders(
        {"A": ["2024-01", "2024-02"], "B": ["2024-01"], "C": ["2024-02", "2024-03"]}
    )
    table = retention_by_period(orders, "month").set_index("period")
    for month in table.index:
        flow = range_retention(orders, Selection("month", month, month))
        expected = table.loc[month]
        assert flow.customers_at_start == expected["customers_at_start"]
        assert flow.customers_at_end == expected["customers_at_end"]
        assert flow.lost == expected["lost"]
        assert flow.new_customers == expected["new_customers"]


def test_overview_compares_with_the_previous_range_of_the_same_length():
    orders = make_orders(
        [
            ("1", "A", "2024-01-05", 10.0),
            ("2", "B", "2024-02-05", 20.0),
            ("3", "A", "2024-03-05", 30.0),
            ("4", "A", "2024-04-05", 50.0),
        ]
    )
    selection = Selection(
        "month", ordinal("2024-03-01", "month"), ordinal("2024-04-01", "month")
    )
    assert selection.previous().label == "Jan 2024 – Feb 2024"
    table = overview(orders, selection).set_index("figure")
    assert table.loc["revenue", "value"] == 80.0
    assert table.loc["revenue", "previous"] == 30.0
    assert table.loc["revenue", "change"] == 50.0
    assert table.loc["retention_rate", "value"] == 50.0  # A stayed, B left
    assert math.isnan(table.loc["retention_rate", "previous"])  # nothing before
    assert math.isnan(table.loc["retention_rate", "change"])


def test_summary_of_a_range_before_the_data_is_empty_not_an_error():
    orders = monthly_orders({"A": ["2024-01"]})
    month = ordinal("2023-01-01", "month")
    summary = range_summary(orders, Selection("month", month, month))
    assert summary.orders.orders == 0
    assert math.isnan(summary.orders.aov)


def test_a_range_the_data_starts_in_has_no_range_before_and_quotes_its_last_month():
    # A: Jan, Feb; B: Jan. Nothing before January, February complete.
    orders = data_until(
        monthly_orders({"A": ["2024-01", "2024-02"], "B": ["2024-01"]}), "2024-02-29"
    )
    selection = Selection(
        "month", ordinal("2024-01-01", "month"), ordinal("2024-02-01", "month")
    )

    headline = overview_figures(orders, selection)
    figures = headline.figures.set_index("figure")

    assert not headline.earlier_data
    assert figures["previous"].isna().all() and figures["change"].isna().all()
    assert figures.loc["customers", "value"] == 2
    # February: S = {A, B}, A came back: 50 % kept, 50 % lost
    assert headline.per_period["label"] == "Feb 2024"
    assert figures.loc["retention_rate", "value"] == 50.0
    assert figures.loc["churn_rate", "value"] == 50.0
    assert figures.loc["retention_rate", "measured_in"] == "Feb 2024"
    assert figures.loc["customers", "measured_in"] == ""


def test_a_range_with_a_range_before_keeps_its_own_figures():
    orders = data_until(
        monthly_orders({"A": ["2024-01", "2024-02"], "B": ["2024-01"]}), "2024-02-29"
    )
    february = ordinal("2024-02-01", "month")
    selection = Selection("month", february, february)

    headline = overview_figures(orders, selection)
    figures = headline.figures.set_index("figure")

    assert headline.earlier_data and headline.per_period is None
    assert (figures["measured_in"] == "").all()
    assert figures.loc["customers", "previous"] == 2
    assert figures.loc["customers", "change"] == -1
    assert figures.loc["retention_rate", "value"] == 50.0
    expected = overview(orders, selection).set_index("figure")
    assert figures["value"].equals(expected["value"])
