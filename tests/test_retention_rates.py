import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from retention.retention_rates import (
    churn_rate,
    latest_complete_period,
    retention_by_period,
    retention_rate,
)
from tests.order_tables import make_orders, monthly_orders


def test_worked_example_from_the_definition():
    assert retention_rate(200, 210, 30) == 90.0
    assert churn_rate(200, 20) == 10.0


def test_rates_are_undefined_without_customers_at_start():
    assert math.isnan(retention_rate(0, 5, 5))
    assert math.isnan(churn_rate(0, 0))


def row(table: pd.DataFrame, label: str) -> pd.Series:
    return table.set_index("label").loc[label]


def test_counts_new_won_back_retained_and_lost_per_month():
    orders = monthly_orders(
        {
            "A": ["2024-01", "2024-02", "2024-03"],
            "B": ["2024-01", "2024-03"],  # skips February: won back in March
            "C": ["2024-02"],  # new in February, lost in March
            "D": ["2024-03"],  # new in March
        }
    )
    table = retention_by_period(orders, "month")
    march = row(table, "Mar 2024")
    assert march["customers_at_start"] == 2  # A, C
    assert march["customers_at_end"] == 3  # A, B, D
    assert march["gained"] == 2
    assert march["new_customers"] == 1  # D
    assert march["won_back"] == 1  # B
    assert march["retained"] == 1  # A
    assert march["lost"] == 1  # C
    assert march["retention_rate"] == 50.0
    assert march["churn_rate"] == 50.0
    february = row(table, "Feb 2024")
    assert (february["customers_at_start"], february["lost"]) == (2, 1)  # B lost


def test_empty_period_has_no_customers_and_undefined_rates_after_it():
    orders = monthly_orders({"A": ["2024-01", "2024-03"], "B": ["2024-03"]})
    table = retention_by_period(orders, "month")
    february = row(table, "Feb 2024")
    assert february["customers_at_end"] == 0
    assert february["lost"] == 1
    march = row(table, "Mar 2024")
    assert march["customers_at_start"] == 0
    assert math.isnan(march["retention_rate"]) and math.isnan(march["churn_rate"])
    assert (march["new_customers"], march["won_back"]) == (1, 1)


def test_activity_window_keeps_a_customer_through_a_skipped_period():
    orders = monthly_orders({"B": ["2024-01", "2024-03"], "A": ["2024-01"]})
    table = retention_by_period(orders, "month", window=2)
    february, march = row(table, "Feb 2024"), row(table, "Mar 2024")
    assert february["customers_at_end"] == 2  # both still active
    assert march["customers_at_start"] == 2
    assert march["retained"] == 1 and march["lost"] == 1  # A's window ran out
    assert march["won_back"] == 0


def test_guests_and_unmatched_refunds_never_make_anyone_active():
    orders = make_orders(
        [
            ("1", "A", "2024-01-05", 10.0),
            ("2", None, "2024-02-05", 10.0),
            ("R3", "B", "2024-02-06", -5.0),
        ]
    )
    table = retention_by_period(orders, "month")
    assert list(table["customers_at_end"]) == [1, 0]


def test_partial_last_period_is_flagged():
    orders = make_orders([("1", "A", "2024-04-02", 1.0), ("2", "A", "2024-06-15", 1.0)])
    table = retention_by_period(orders, "month")
    assert list(table["partial"]) == [False, False, True]
    assert row(table, "Jun 2024")["covered_days"] == 15


def test_weeks_start_on_monday():
    orders = make_orders([("1", "A", "2024-01-07", 1.0), ("2", "A", "2024-01-08", 1.0)])
    table = retention_by_period(orders, "week")
    assert list(table["start"].dt.day_name()) == ["Monday", "Monday"]
    assert list(table["label"]) == ["week of 1 Jan 2024", "week of 8 Jan 2024"]


purchase_history = st.dictionaries(
    st.sampled_from([f"C{i}" for i in range(12)]),
    st.lists(st.integers(0, 11), min_size=1, max_size=8),
    min_size=1,
)


def brute_force(history: dict[str, list[int]], window: int) -> pd.DataFrame:
    """S, E, N, L counted from sets, period by period, as the definition reads."""
    months = range(min(min(m) for m in history.values()), 12)

    def active(customer: str, month: int) -> bool:
        return any(month - window < bought <= month for bought in history[customer])

    rows = []
    for month in months:
        start = {c for c in history if active(c, month - 1)}
        end = {c for c in history if active(c, month)}
        new = {c for c in end - start if min(history[c]) == month}
        rows.append(
            (len(start), len(end), len(end - start), len(new), len(start - end))
        )
    return pd.DataFrame(rows, columns=["S", "E", "N", "new", "L"])


@given(purchase_history, st.integers(1, 4))
def test_counts_match_the_set_definition(history, window):
    orders = monthly_orders(
        {c: [f"2024-{m + 1:02d}" for m in months] for c, months in history.items()}
    )
    table = retention_by_period(orders, "month", window)
    expected = brute_force(history, window).iloc[: len(table)]
    got = table[
        ["customers_at_start", "customers_at_end", "gained", "new_customers", "lost"]
    ]
    assert np.array_equal(got.to_numpy(), expected.to_numpy())
    defined = table["customers_at_start"] > 0
    total = table.loc[defined, "retention_rate"] + table.loc[defined, "churn_rate"]
    assert np.allclose(total, 100.0)


def test_latest_complete_period_skips_a_partial_last_period():
    orders = monthly_orders({"A": ["2024-01", "2024-02"], "B": ["2024-02"]})
    last = make_orders([("9", "A", "2024-03-05", 1.0)])
    table = retention_by_period(pd.concat([orders, last]), "month")
    assert table.iloc[-1]["partial"]
    assert latest_complete_period(table)["label"] == "Feb 2024"


def test_no_complete_period_when_the_data_stops_inside_its_only_period():
    table = retention_by_period(monthly_orders({"A": ["2024-01"]}), "month")
    assert latest_complete_period(table) is None


def test_latest_complete_period_is_not_skipped_when_nobody_was_at_its_start():
    """F08's shape: A buys in January, nobody in February, B and C in March, and
    the data stops on 5 April. March is complete with S = 0, so it is the last
    complete period (not February, the last one with customers at its start)."""
    table = retention_by_period(
        make_orders(
            [
                ("1", "A", "2024-01-29", 10.0),
                ("2", "B", "2024-03-01", 12.0),
                ("3", "C", "2024-03-13", 20.0),
                ("4", "B", "2024-04-05", 15.0),
            ]
        ),
        "month",
    )
    latest = latest_complete_period(table)
    assert latest["label"] == "Mar 2024"
    assert not latest["partial"]
    assert (latest["customers_at_start"], latest["customers_at_end"]) == (0, 2)
    assert math.isnan(latest["retention_rate"]) and math.isnan(latest["churn_rate"])
