"""The field cases about metrics (../shared/cases/README.md), each read through
the same path as the app (``load_sales_log``) and measured with the package."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from retention.clv import clv_factors
from retention.nps import net_promoter_score
from retention.order_metrics import order_figures
from retention.overview import range_summary
from retention.periods import period_ordinals
from retention.retention_rates import latest_complete_period, retention_by_period
from retention.sales_log import load_sales_log
from retention.selection import Selection
from retention.survey import read_survey


def period_of(day: str, period: str) -> int:
    return int(period_ordinals(pd.Series([pd.Timestamp(day)]), period)[0])


def one_period(day: str, period: str) -> Selection:
    ordinal = period_of(day, period)
    return Selection(period, ordinal, ordinal)


def by_label(table: pd.DataFrame, label: str) -> pd.Series:
    return table.set_index("label").loc[label]


def test_f01_customer_known_before_the_range_is_not_new(cases_dir):
    orders = load_sales_log(cases_dir / "F01_orders_q1_q2.csv").orders
    summary = range_summary(orders, one_period("2024-04-01", "quarter"))
    flow, figures = summary.retention, summary.orders
    assert (flow.customers_at_start, flow.customers_at_end) == (3, 4)
    assert (flow.gained, flow.new_customers, flow.lost) == (2, 2, 1)
    assert flow.retained == 2  # C01 and C02 are returning
    assert flow.retention_rate == pytest.approx(66.6667, abs=1e-3)
    assert flow.churn_rate == pytest.approx(33.3333, abs=1e-3)
    assert figures.orders == 5
    assert figures.revenue == pytest.approx(180.00)
    assert figures.aov == pytest.approx(36.00)
    assert figures.purchase_frequency == pytest.approx(1.25)
    assert figures.repeat_purchase_rate == pytest.approx(25.0)  # Q2 orders only
    whole = order_figures(orders)
    assert whole.repeat_purchase_rate == pytest.approx(60.0)  # whole upload


def test_f02_partial_june_is_flagged_and_may_is_the_headline(cases_dir):
    orders = load_sales_log(cases_dir / "F02_orders_export_mid_june.csv").orders
    table = retention_by_period(orders, "month")
    may, june = by_label(table, "May 2024"), by_label(table, "Jun 2024")
    assert (may["customers_at_start"], may["customers_at_end"]) == (4, 5)
    assert (may["gained"], may["lost"]) == (2, 1)
    assert may["retention_rate"] == 75.0 and may["churn_rate"] == 25.0
    assert not may["partial"]
    assert june["partial"] and june["covered_days"] == 15
    assert june["retention_rate"] == 40.0 and june["churn_rate"] == 60.0
    assert latest_complete_period(table)["label"] == "May 2024"


def test_f05_duplicates_do_not_inflate_orders_or_revenue(cases_dir):
    log = load_sales_log(cases_dir / "F05_duplicated_rows.csv")
    figures = order_figures(log.orders)
    assert figures.orders == 5
    assert figures.revenue == pytest.approx(475.00)
    assert figures.aov == pytest.approx(95.00)
    assert log.report.count("duplicate") == 3


def test_f07_too_little_repeat_data_shows_history_and_no_clv_number(cases_dir):
    orders = load_sales_log(cases_dir / "F07_too_little_repeat_data.csv").orders
    figures = order_figures(orders)
    assert (figures.customers, figures.orders) == (6, 7)
    assert figures.revenue == pytest.approx(187.00)
    assert round(figures.aov, 2) == 26.71
    assert round(figures.purchase_frequency, 2) == 1.17
    assert figures.repeat_purchase_rate == pytest.approx(100 / 6)
    # no model is fitted: CLV needs a measured lifespan, which 3 months lack,
    # so it is no number at all (the page says why), never 0 or a fit's guess
    factors = clv_factors(orders)
    assert factors.lifespan_source == "unavailable"
    assert math.isnan(factors.clv)


def test_f13_cancellations_are_no_orders_but_reduce_revenue(cases_dir):
    orders = load_sales_log(cases_dir / "F13_online_retail_cancellations.csv").orders
    figures = order_figures(orders)
    assert figures.orders == 3
    assert figures.customers == 3
    assert figures.revenue == pytest.approx(32.91)
    assert figures.aov == pytest.approx(10.97, abs=0.005)
    assert "10004" not in set(orders.loc[orders["is_purchase"], "customer_id"])


def test_f14_february_retention_across_two_files(cases_dir):
    orders = load_sales_log(
        [cases_dir / "F14_jan_export.csv", cases_dir / "F14_feb_export.csv"]
    ).orders
    table = retention_by_period(orders, "month")
    february = by_label(table, "Feb 2024")
    assert (february["customers_at_start"], february["customers_at_end"]) == (2, 2)
    assert (february["gained"], february["lost"]) == (1, 1)
    assert february["retention_rate"] == 50.0 and february["churn_rate"] == 50.0
    january = range_summary(orders, one_period("2024-01-01", "month")).orders
    assert (january.orders, january.customers) == (3, 2)
    assert january.revenue == pytest.approx(65.00)
    assert order_figures(orders).repeat_purchase_rate == pytest.approx(33.3333, 1e-4)


def test_f16_invalid_scores_are_left_out_of_the_denominator(cases_dir):
    survey = read_survey(cases_dir / "F16_nps_invalid_scores.csv").table
    result = net_promoter_score(survey["score"])
    assert result.answered == 4
    assert (result.promoters, result.passives, result.detractors) == (2, 1, 1)
    assert result.nps == 25.0
    assert len(result.invalid) == 4


def test_f19_historic_figures_of_the_slider_file(cases_dir):
    figures = order_figures(
        load_sales_log(cases_dir / "F19_orders_for_slider.csv").orders
    )
    assert (figures.orders, figures.customers) == (10, 4)
    assert figures.revenue == pytest.approx(264.00)
    assert figures.aov == pytest.approx(26.40)
    assert figures.purchase_frequency == pytest.approx(2.5)
    assert figures.repeat_purchase_rate == pytest.approx(75.0)


def test_f20_quarter_view_counts_december_customer_as_returning(cases_dir):
    orders = load_sales_log(cases_dir / "F20_orders_for_share_link.csv").orders
    summary = range_summary(orders, one_period("2024-02-01", "quarter"))
    assert (summary.orders.orders, summary.orders.customers) == (4, 3)
    assert summary.orders.revenue == pytest.approx(115.00)
    assert summary.orders.aov == pytest.approx(28.75)
    assert summary.orders.repeat_purchase_rate == pytest.approx(33.3333, 1e-4)
    assert summary.retention.new_customers == 2  # C02 and C03; C01 is returning
