import pandas as pd
import pytest

from retention.annual import annual_retention, rolling_annual_retention
from tests.order_tables import make_orders


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
