"""NPS per period and per location, and the comments, worked by hand."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retention.nps import MIN_ANSWERS
from retention.nps_breakdown import comments, nps_by_location, nps_by_period
from retention.survey import SurveyColumns, survey_responses

COLUMNS = SurveyColumns(score="score", date="date", location="shop", comment="comment")


def responses_of(rows: list[tuple[str, str, str, str]]):
    table = pd.DataFrame(rows, columns=["date", "score", "shop", "comment"])
    table.index = pd.Index(range(2, len(table) + 2), name="row")
    return survey_responses(table, COLUMNS)


def direct_margin(promoters: int, detractors: int, answered: int) -> float:
    p, d = promoters / answered, detractors / answered
    return 1.96 * math.sqrt((p + d - (p - d) ** 2) / answered) * 100


SMALL = [
    ("2024-01-03", "10", "Main", "Great cake"),
    ("2024-01-09", "10", "Main", ""),
    ("2024-01-20", "9", "Station", "Friendly staff, GREAT coffee"),
    ("2024-01-28", "6", "Station", "Too noisy"),
    ("2024-03-02", "7", "Main", "ok"),
    ("2024-03-30", "0", "Station", "Cold coffee and a long wait"),
    ("2024-03-31", "n/a", "Main", "forgot to score, great place"),
]


def test_each_month_has_its_own_nps_and_margin_and_empty_months_stay():
    table = nps_by_period(responses_of(SMALL), "month")

    assert table["label"].tolist() == ["Jan 2024", "Feb 2024", "Mar 2024"]
    january, february, march = (row for _, row in table.iterrows())
    # January: 3 promoters, 1 detractor of 4 -> (3 - 1) / 4 = +50
    assert (january["answered"], january["promoters"], january["detractors"]) == (
        4,
        3,
        1,
    )
    assert january["nps"] == pytest.approx(50.0)
    assert january["margin_of_error"] == pytest.approx(direct_margin(3, 1, 4))
    assert january["margin_of_error"] == pytest.approx(84.87, abs=0.01)
    # February: no answers, no figure (not 0)
    assert february["answered"] == 0 and math.isnan(february["nps"])
    # March: a passive and a detractor -> -50; the n/a is not an answer
    assert (march["answered"], march["nps"]) == (2, pytest.approx(-50.0))
    assert march["margin_of_error"] == pytest.approx(69.30, abs=0.01)
    assert table["too_few"].all()


def test_the_interval_is_kept_within_minus_and_plus_100():
    table = nps_by_period(responses_of(SMALL), "month")

    assert table["high"].max() <= 100 and table["low"].min() >= -100
    assert table.loc[0, "high"] == 100  # 50 + 84.9 is cut at 100


def test_a_period_with_enough_answers_is_not_marked():
    rows = [("2024-05-01", "10", "Main", "")] * MIN_ANSWERS
    rows += [("2024-06-01", "10", "Main", "")] * (MIN_ANSWERS - 1)

    table = nps_by_period(responses_of(rows), "month")

    assert table["too_few"].tolist() == [False, True]
    assert table.loc[0, "margin_of_error"] == pytest.approx(0.0)


def test_quarters_follow_the_period_control():
    table = nps_by_period(responses_of(SMALL), "quarter")

    assert table["label"].tolist() == ["2024 Q1"]
    assert table.loc[0, "answered"] == 6
    assert table.loc[0, "nps"] == pytest.approx((3 - 2) * 100 / 6)


def test_no_dates_gives_an_empty_table():
    table = pd.DataFrame({"score": ["9", "3"]}, index=pd.Index([2, 3], name="row"))
    responses = survey_responses(table, SurveyColumns(score="score"))

    assert nps_by_period(responses, "month").empty
    assert nps_by_location(responses).empty


def test_each_location_has_its_nps_and_margin():
    table = nps_by_location(responses_of(SMALL)).set_index("location")

    # Main: 10, 10, 7 -> +66.7; Station: 9, 6, 0 -> -33.3
    assert table.loc["Main", "answered"] == 3
    assert table.loc["Main", "nps"] == pytest.approx(200 / 3)
    assert table.loc["Station", "nps"] == pytest.approx(-100 / 3)
    assert table.loc["Station", "margin_of_error"] == pytest.approx(
        direct_margin(1, 2, 3)
    )


def test_comments_are_searched_without_case_and_filtered_by_group():
    responses = responses_of(SMALL)

    assert len(comments(responses)) == 6  # the n/a one included, no group
    great = comments(responses, "great")
    assert great["comment"].tolist() == [
        "forgot to score, great place",
        "Friendly staff, GREAT coffee",
        "Great cake",
    ]
    detractors = comments(responses, groups=("detractor",))
    assert detractors["comment"].tolist() == [
        "Cold coffee and a long wait",
        "Too noisy",
    ]
    assert detractors["group_label"].unique().tolist() == ["Detractors (0-6)"]
    coffee_promoters = comments(responses, "coffee", groups=("promoter",))
    assert coffee_promoters["row"].tolist() == [4]


def test_carpentries_nps_per_country_matches_a_plain_pandas_count(shared_dir):
    from retention.survey import read_survey

    path = shared_dir / "data" / "nps_carpentries" / "longterm_data_20170701.csv"
    table = nps_by_location(survey_responses(read_survey(path))).set_index("location")

    plain = pd.read_csv(path).dropna(subset=["Likely-To-Recommend", "Country"])
    for country, scores in plain.groupby("Country")["Likely-To-Recommend"]:
        promoters, detractors = int((scores >= 9).sum()), int((scores <= 6).sum())
        assert table.loc[country, "answered"] == len(scores)
        assert table.loc[country, "nps"] == pytest.approx(
            (promoters - detractors) * 100 / len(scores)
        )
        assert table.loc[country, "margin_of_error"] == pytest.approx(
            direct_margin(promoters, detractors, len(scores))
        )
    assert table.loc["USA", "answered"] == 194


answer_rows = st.lists(
    st.tuples(
        st.dates(min_value=date(2023, 1, 1), max_value=date(2024, 12, 31)),
        st.sampled_from([str(score) for score in range(11)] + ["", "6.5", "x"]),
        st.sampled_from(["Main", "Station", ""]),
    ),
    max_size=80,
)


@given(answer_rows, st.sampled_from(["week", "month", "quarter", "year"]))
def test_every_dated_answer_is_in_exactly_one_period(rows, period):
    responses = responses_of(
        [(day.isoformat(), score, shop, "") for day, score, shop in rows]
    )
    table = nps_by_period(responses, period)

    assert table["answered"].sum() == len(responses.answers)
    filled = table[table["answered"] > 0]
    expected = (filled["promoters"] - filled["detractors"]) * 100 / filled["answered"]
    assert filled["nps"].tolist() == pytest.approx(expected.tolist())
    assert (filled["low"] <= filled["nps"]).all() and (
        filled["nps"] <= filled["high"]
    ).all()
    assert table["too_few"].tolist() == (table["answered"] < MIN_ANSWERS).tolist()
    shops = nps_by_location(responses)
    assert shops["answered"].sum() == (responses.answers["location"] != "").sum()
