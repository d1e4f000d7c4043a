"""Chart specs: bars along a list of names get room for each name, and axes
that count people or answers show whole numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from retention.changes import customer_flow
from retention.charts import (
    churn_leaks_chart,
    cohort_heatmap,
    customer_flow_chart,
    revenue_effects_chart,
    score_distribution_chart,
    segment_chart,
)
from retention.cohorts import cohort_cells


def leaks(groups: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": pd.Categorical(groups),
            "customers_at_start": [2] * len(groups),
            "lost": [2, 1][: len(groups)] + [1] * (len(groups) - 2),
            "customers_lost": [1] * len(groups),
            "churn_rate": [100.0] * len(groups),
            "share_of_lost": [50.0] * len(groups),
        }
    )


@pytest.mark.parametrize("groups", [["Jan 2024"], ["Jan 2024", "May 2024"]])
def test_each_leak_group_gets_a_band_of_its_own_however_few(groups):
    # a fixed height shared by the axis and the bands left two groups one line
    spec = churn_leaks_chart(leaks(groups), "First purchase").to_dict()
    assert spec["height"] == {"step": 28}
    assert spec["encoding"]["x"]["axis"] == {"format": ",d", "tickMinStep": 1}
    # the bars count losses, not customers: a customer lost twice counts twice
    assert spec["encoding"]["x"]["title"] == "Times a customer was lost"
    assert spec["encoding"]["y"]["sort"] == groups


def test_the_revenue_parts_and_the_segments_get_a_band_each():
    effects = pd.DataFrame({"name": ["More or fewer customers"], "effect": [-25.0]})
    assert revenue_effects_chart(effects).to_dict()["height"] == {"step": 28}
    summary = pd.DataFrame(
        {
            "name": ["Champions"],
            "customers": [1],
            "revenue": [25.0],
            "customer_share": [100.0],
            "revenue_share": [100.0],
        }
    )
    assert segment_chart(summary).to_dict()["height"] == {"step": 34, "for": "position"}


def test_the_customer_flow_counts_customers_in_whole_numbers():
    row = pd.Series(
        {
            "customers_at_start": 1,
            "lost": 1,
            "new_customers": 0,
            "won_back": 0,
            "customers_at_end": 0,
        }
    )
    spec = customer_flow_chart(customer_flow(row)).to_dict()
    bars = spec["layer"][0]
    assert bars["encoding"]["y"]["axis"] == {"format": ",d", "tickMinStep": 1}


def test_the_score_distribution_counts_answers_in_whole_numbers():
    distribution = pd.DataFrame(
        {
            "score": list(range(11)),
            "answers": [0] * 10 + [1],
            "group": ["promoter"] * 11,
        }
    )
    spec = score_distribution_chart(distribution).to_dict()
    assert spec["encoding"]["y"]["axis"] == {"format": ",d", "tickMinStep": 1}


def test_chart_numbers_write_a_minus_as_the_text_and_tables_do():
    # regression: the axes wrote "−35" beside "-35.00" in the text
    effects = pd.DataFrame({"name": ["Order value"], "effect": [-35.0]})
    spec = revenue_effects_chart(effects).to_dict()
    number = spec["config"]["locale"]["number"]
    assert (number["minus"], number["thousands"], number["decimal"]) == ("-", ",", ".")


@pytest.mark.parametrize("cohorts", [1, 5, 30])
def test_the_heatmap_is_taller_than_its_row_title_is_long(cohorts):
    """With "fit" sizing, a y title longer than the plot squeezed every cohort
    of a young shop (F01: 5 cohorts at 160 px) into one thin band."""
    orders = pd.DataFrame(
        {
            "customer_id": [f"C{month}" for month in range(cohorts)],
            "timestamp": pd.date_range("2024-01-01", periods=cohorts, freq="MS"),
            "revenue": 10.0,
            "order_id": [str(month) for month in range(cohorts)],
            "is_purchase": True,
        }
    )
    spec = cohort_heatmap(cohort_cells(orders, "month")).to_dict()
    title = spec["layer"][0]["encoding"]["y"]["title"]
    # about 6.5 pixels a character in Vega's 11 px bold axis title
    assert spec["height"] >= 7 * len(title)
    assert spec["height"] >= 24 * cohorts
