import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retention.annual import annual_retention, rolling_annual_retention
from tests.order_tables import make_orders, monthly_orders


def two_years(last_day: str) -> pd.DataFrame:
    return make_orders(
        [
            ("1", "A", "2022-01-10", 10.0),
            ("2", "B", "2022-03-10", 10.0),
            ("3", "A", "2023-01-10", 10.0),
            ("4", "C", "2023-01-20", 10.0),
            ("5", "E", last_day, 10.0),
        ]
    )


def test_rolling_annual_retention_at_each_complete_month_end():
    table = rolling_annual_retention(two_years("2024-01-31"))
    assert list(table["label"]) == ["Dec 2023", "Jan 2024"]
    december, january = table.iloc[0], table.iloc[1]
    # Dec 2023: S bought Jan-Dec 2022 = {A, B}; A bought again in 2023
    assert (december["customers_at_start"], december["retained"]) == (2, 1)
    assert december["rate"] == 50.0
    # Jan 2024: S bought Feb 2022 - Jan 2023 = {A, B, C}; none since February 2023
    assert (january["customers_at_start"], january["retained"]) == (3, 0)
    assert january["rate"] == 0.0


def test_a_month_the_data_stops_inside_is_no_month_end_yet():
    table = rolling_annual_retention(two_years("2024-01-15"))
    assert list(table["label"]) == ["Dec 2023"]


def test_less_than_two_years_gives_no_rolling_figure():
    assert rolling_annual_retention(two_years("2023-11-30")).empty


def test_rolling_figure_is_the_annual_retention_at_that_month_end():
    orders = two_years("2024-01-31")
    table = rolling_annual_retention(orders)
    compared = 0
    for row in table.itertuples():
        as_of = row.month_end + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
        annual = annual_retention(orders, as_of)
        # annual_retention counts whole months from the first order's month, so
        # it measures over two full years one month later than the rolling table
        if annual.measured:
            assert annual.customers_at_start == row.customers_at_start
            assert annual.rate == pytest.approx(row.rate)
            compared += 1
    assert compared == 1


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["A", "B", "C", "D", "E"]),
        st.lists(st.integers(0, 29), min_size=1, max_size=6),
        min_size=1,
    )
)
def test_rolling_annual_retention_matches_sets_of_months(history):
    months = pd.period_range("2022-01", periods=30, freq="M")
    orders = monthly_orders(
        {c: [str(months[m]) for m in bought] for c, bought in history.items()}
    )
    # the data runs to the end of month 29, so every month end up to it counts
    orders = pd.concat(
        [orders, make_orders([("end", None, str(months[29].end_time.date()), 0.0)])]
    )
    table = rolling_annual_retention(orders)
    first = min(min(bought) for bought in history.values())
    expected = []
    for end in range(first + 23, 30):
        start = {
            c for c, b in history.items() if any(end - 23 <= m <= end - 12 for m in b)
        }
        kept = {c for c in start if any(end - 11 <= m <= end for m in history[c])}
        expected.append((str(months[end]), len(start), len(kept)))
    got = [
        (str(pd.Period(ordinal=int(m), freq="M")), s, r)
        for m, s, r in zip(
            table["month"], table["customers_at_start"], table["retained"], strict=True
        )
    ]
    assert got == expected
