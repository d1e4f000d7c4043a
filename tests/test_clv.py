import math

import pytest

from retention.annual import annual_retention
from retention.clv import clv_by_cohort, clv_factors, customer_lifetime_value
from tests.order_tables import make_orders, monthly_orders


def test_worked_example_from_the_definition():
    assert customer_lifetime_value(100.0, 7.0, 3.0) == 2100.0
    assert customer_lifetime_value(100.0, 7.0, 3.0, margin=0.5) == 1050.0


def two_years() -> dict[str, list[str]]:
    early = ["2022-10", "2023-01", "2023-04", "2023-07"]
    late = ["2023-11", "2024-02", "2024-05", "2024-10"]
    return {
        "A": early + late,  # retained
        "B": early + late,  # retained
        "C": early,  # lost
        "D": early,  # lost
        "E": late,  # new in the second year
    }


def test_annual_retention_over_two_full_years():
    orders = monthly_orders(two_years())
    annual = annual_retention(orders)
    assert annual.measured and annual.window_months == 12
    # S = bought in (10 Oct 2022, 10 Oct 2023] = A, B, C, D; retained = A, B
    assert (annual.customers_at_start, annual.retained) == (4, 2)
    assert annual.rate == 50.0
    assert annual.lifespan_years == 2.0


def test_annual_retention_is_carried_from_a_shorter_window():
    orders = monthly_orders({"A": ["2024-01", "2024-07"], "B": ["2024-01"]})
    annual = annual_retention(orders)
    assert annual.window_months == 3 and not annual.measured
    assert annual.window_rate == 0.0 or annual.customers_at_start == 0


def test_annual_retention_needs_six_months():
    assert annual_retention(monthly_orders({"A": ["2024-01", "2024-04"]})) is None


def test_clv_factors_use_the_last_twelve_months_and_measured_lifespan():
    orders = monthly_orders(two_years())
    factors = clv_factors(orders)
    # last year: A, B, E each 4 orders of 10.00
    assert factors.aov == 10.0
    assert factors.annual_frequency == 4.0
    assert factors.lifespan_source == "measured"
    assert factors.clv == pytest.approx(10.0 * 4.0 * 2.0)


def test_owner_lifespan_wins_over_the_data():
    factors = clv_factors(monthly_orders(two_years()), lifespan_years=3.0, margin=0.5)
    assert factors.lifespan_source == "owner"
    assert factors.clv == pytest.approx(10.0 * 4.0 * 3.0 * 0.5)


def test_lifespan_is_unavailable_with_too_little_history():
    orders = make_orders([("1", "A", "2024-01-01", 5.0), ("2", "A", "2024-02-01", 5.0)])
    factors = clv_factors(orders)
    assert factors.lifespan_source == "unavailable"
    assert math.isnan(factors.clv)


def test_clv_by_cohort_uses_each_cohorts_own_orders():
    orders = monthly_orders(two_years())
    factors = clv_factors(orders, lifespan_years=2.0)
    table = clv_by_cohort(orders, factors, "year").set_index("label")
    assert table.loc["2022", "customers"] == 4
    assert table.loc["2022", "active_customers"] == 2
    assert table.loc["2023", "customers"] == 1  # E, first seen in November 2023
    assert table.loc["2022", "clv"] == pytest.approx(80.0)
    assert table.loc["2022", "revenue_per_customer"] == pytest.approx(60.0)
    assert table.loc["2022", "full_year"] and not table.loc["2023", "full_year"]


def test_a_log_shorter_than_a_year_carries_its_orders_per_customer_to_a_year():
    # F06: C1 bought 3 times and C2 once from 1 January to 29 July 2024, 211
    # days with the first and the last: 2 orders per customer in them
    orders = make_orders(
        [
            ("1", "C1", "2024-01-01", 30.0),
            ("2", "C1", "2024-03-04", 40.0),
            ("3", "C1", "2024-07-29", 50.0),
            ("4", "C2", "2024-05-06", 25.0),
        ]
    )
    factors = clv_factors(orders, lifespan_years=2.0)
    assert factors.window_days == 211
    assert factors.window_frequency == 2.0
    assert factors.annual_frequency == pytest.approx(2.0 * 365 / 211)
    assert factors.clv == pytest.approx(36.25 * 2.0 * 365 / 211 * 2.0)
    cohorts = clv_by_cohort(orders, factors, "quarter").set_index("label")
    # Q1 2024: C1 alone, 3 orders in the 211 days
    assert cohorts.loc["2024 Q1", "annual_frequency"] == pytest.approx(3 * 365 / 211)


def test_a_whole_year_of_data_is_not_scaled():
    orders = make_orders(
        [
            ("1", "A", "2023-07-30", 10.0),
            ("2", "A", "2024-01-15", 10.0),
            ("3", "B", "2024-07-29", 10.0),
        ]
    )
    factors = clv_factors(orders, lifespan_years=1.0)
    assert factors.window_days == 365
    assert factors.annual_frequency == factors.window_frequency == 1.5


def test_under_four_weeks_of_data_gives_no_yearly_frequency():
    orders = make_orders(
        [("1", "A", "2024-05-01", 10.0), ("2", "A", "2024-05-27", 10.0)]
    )
    factors = clv_factors(orders, lifespan_years=2.0)
    assert factors.window_days == 27
    assert math.isnan(factors.annual_frequency) and math.isnan(factors.clv)
