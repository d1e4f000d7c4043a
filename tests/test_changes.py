import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retention.changes import (
    customer_flow,
    period_summary,
    revenue_change,
)
from retention.periods import period_ordinals
from retention.retention_rates import retention_by_period
from retention.selection import Selection
from tests.order_tables import data_until, make_orders, monthly_orders


def month(day: str) -> Selection:
    ordinal = int(period_ordinals(pd.Series([pd.Timestamp(day)]), "month")[0])
    return Selection("month", ordinal, ordinal)


def row(table: pd.DataFrame, label: str) -> pd.Series:
    return table[table["label"] == label].iloc[0]


def flow_orders() -> pd.DataFrame:
    return monthly_orders(
        {
            "A": ["2024-01", "2024-02", "2024-03"],
            "B": ["2024-01", "2024-03"],  # won back in March
            "C": ["2024-02"],  # lost in March
            "D": ["2024-03"],  # new in March
        }
    )


def test_customer_flow_goes_from_s_to_e_through_lost_new_and_won_back():
    table = retention_by_period(flow_orders(), "month")
    steps = customer_flow(row(table, "Mar 2024")).set_index("step")
    assert list(steps["change"]) == [2, -1, 1, 1, 3]
    assert list(steps["before"]) == [0, 2, 1, 2, 0]
    assert list(steps["after"]) == [2, 1, 2, 3, 3]
    assert steps.loc["lost", "kind"] == "decrease"


def test_an_empty_period_flows_to_zero():
    orders = monthly_orders({"A": ["2024-01", "2024-03"]})
    table = retention_by_period(orders, "month")
    steps = customer_flow(row(table, "Feb 2024")).set_index("step")
    assert list(steps["change"]) == [1, -1, 0, 0, 0]


def test_revenue_change_splits_into_customers_frequency_and_order_value():
    orders = make_orders(
        [
            # January: 2 customers, 2 orders, 20.00 each: R = 2 x 1 x 20 = 40
            ("1", "A", "2024-01-05", 20.0),
            ("2", "B", "2024-01-06", 20.0),
            # February: 3 customers, 6 orders, 10.00 each: R = 3 x 2 x 10 = 60
            *[
                (f"F{i}", c, f"2024-02-{i + 1:02d}", 10.0)
                for i, c in enumerate("AABBCC")
            ],
            ("G1", None, "2024-02-20", 7.0),  # a guest order
        ]
    )
    change = revenue_change(orders, month("2024-01-01"), month("2024-02-01"))
    assert change.before.revenue == 40.0 and change.after.revenue == 67.0
    assert change.after.orders_per_customer == 2.0 and change.after.order_value == 10.0
    # Shapley by hand, x = customers (2 -> 3), y = frequency (1 -> 2), z = value (20 -> 10)
    assert change.customers == pytest.approx(
        1 * ((1 * 20 + 2 * 10) / 3 + (1 * 10 + 2 * 20) / 6)
    )
    assert change.orders_per_customer == pytest.approx(
        1 * ((2 * 20 + 3 * 10) / 3 + (2 * 10 + 3 * 20) / 6)
    )
    assert change.order_value == pytest.approx(
        -10 * ((2 * 1 + 3 * 2) / 3 + (2 * 2 + 3 * 1) / 6)
    )
    assert change.other == 7.0
    assert sum(change.effects().values()) == pytest.approx(change.change)


def test_revenue_change_from_a_period_without_customers_is_all_customers():
    orders = make_orders([("1", "A", "2024-02-05", 30.0)])
    change = revenue_change(orders, month("2024-01-01"), month("2024-02-01"))
    assert change.effects() == {
        "customers": 30.0,
        "orders_per_customer": 0.0,
        "order_value": 0.0,
        "other": 0.0,
    }


amounts = st.lists(
    st.tuples(st.sampled_from("ABCDE"), st.integers(1, 2), st.floats(-50, 500)),
    min_size=1,
    max_size=25,
)


@settings(deadline=None)
@given(amounts)
def test_the_effects_always_add_up_to_the_revenue_change(rows):
    orders = make_orders(
        [
            (f"{i}", c, f"2024-0{m}-{i % 27 + 1:02d}", v)
            for i, (c, m, v) in enumerate(rows)
        ]
    )
    change = revenue_change(orders, month("2024-01-01"), month("2024-02-01"))
    assert sum(change.effects().values()) == pytest.approx(change.change, abs=1e-6)


def test_summary_of_a_period_in_plain_words():
    orders = monthly_orders(
        {
            "A": ["2024-01", "2024-02", "2024-03"],
            "B": ["2024-02"],
            "C": ["2024-02"],
            "D": ["2024-01", "2024-02"],
            "E": ["2024-03"],
        }
    )
    orders = data_until(orders, "2024-03-31")
    table = retention_by_period(orders, "month")
    text = period_summary(orders, row(table, "Mar 2024"), month("2024-03-01"))
    assert text.startswith(
        "In Mar 2024 you kept 1 of 4 customers; 1 new, 0 back after a break; 3 left."
    )
    assert "Most of them (2) had bought only once" in text
    assert "the largest group (2) first bought in Feb 2024" in text
    assert "Revenue went from 40.00 to 20.00 (-20.00)" in text
    assert "the number of customers" in text


def test_a_period_with_nobody_at_its_start_says_so_instead_of_kept_0_of_0():
    orders = monthly_orders({"A": ["2024-01"], "B": ["2024-01"]})
    table = retention_by_period(orders, "month")

    text = period_summary(orders, row(table, "Jan 2024"), month("2024-01-01"))

    assert "0 of 0" not in text
    assert text.startswith(
        "In Jan 2024 there was nobody to keep, since no customer had bought in "
        "the period before; 2 new, 0 back after a break."
    )


def test_a_week_is_told_as_the_week_of_its_monday():
    orders = make_orders(
        [
            ("1", "A", "2024-01-02", 10),
            ("2", "A", "2024-01-09", 10),
            ("3", "B", "2024-01-10", 10),
        ]
    )
    table = retention_by_period(orders, "week")
    ordinal = int(period_ordinals(pd.Series([pd.Timestamp("2024-01-09")]), "week")[0])
    week = Selection("week", ordinal, ordinal)

    text = period_summary(orders, row(table, "week of 8 Jan 2024"), week)

    assert text.startswith("In the week of 8 Jan 2024 you kept 1 of 1 customer;")


def test_a_period_starting_with_one_customer_says_customer():
    orders = monthly_orders({"A": ["2024-01", "2024-02"], "B": ["2024-02"]})
    table = retention_by_period(orders, "month")

    text = period_summary(orders, row(table, "Feb 2024"), month("2024-02-01"))

    assert text.startswith("In Feb 2024 you kept 1 of 1 customer; 1 new,")
