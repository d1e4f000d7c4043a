"""The NPS charts' specs: what is drawn, and what is kept off the line."""

from __future__ import annotations

import pandas as pd

from retention.charts import nps_benchmark_chart, nps_location_chart, nps_period_chart
from retention.nps_breakdown import nps_by_location, nps_by_period
from retention.survey import SurveyColumns, survey_responses


def responses(rows):
    table = pd.DataFrame(rows, columns=["date", "score", "shop"])
    table.index = pd.Index(range(2, len(table) + 2), name="row")
    return survey_responses(
        table, SurveyColumns(score="score", date="date", location="shop")
    )


ROWS = [("2024-01-05", "10", "Main")] * 30 + [("2024-02-05", "3", "Station")] * 2


def layer_data(chart, mark: str) -> list[pd.DataFrame]:
    spec = chart.to_dict()
    datasets = spec["datasets"]
    return [
        pd.DataFrame(datasets[layer["data"]["name"]])
        for layer in spec["layer"]
        if (layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"])
        == mark
    ]


def test_periods_with_too_few_answers_are_points_but_not_on_the_line():
    table = nps_by_period(responses(ROWS), "month")
    chart = nps_period_chart(table, band=(35, 43), band_label="Cafés", target=50)

    (line,) = layer_data(chart, "line")
    (points,) = layer_data(chart, "point")
    assert line["label"].tolist() == ["Jan 2024"]
    assert points["label"].tolist() == ["Jan 2024", "Feb 2024"]
    assert points["state"].tolist() == ["enough answers", "too few answers"]
    (band,) = layer_data(chart, "rect")
    assert (band.loc[0, "low"], band.loc[0, "high"]) == (35, 43)


def test_the_location_chart_and_the_gauge_draw_the_band_and_the_target():
    shops = nps_location_chart(
        nps_by_location(responses(ROWS)), band=(29, 51), target=40
    )
    gauge = nps_benchmark_chart(26.0, 10.0, band=(29, 51), target=40)

    assert layer_data(shops, "point")[0]["location"].tolist() == ["Main", "Station"]
    for chart in (shops, gauge):
        assert len(layer_data(chart, "rect")) == 1
    (point,) = layer_data(gauge, "point")
    assert (point.loc[0, "low"], point.loc[0, "high"]) == (16.0, 36.0)
    rules = layer_data(gauge, "rule")
    assert any("nps" in rule and rule["nps"].tolist() == [40] for rule in rules)
