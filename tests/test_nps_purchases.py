"""Survey answers linked to purchases, worked by hand on a small real sales file."""

from __future__ import annotations

import pandas as pd
import pytest

from retention.nps_purchases import link_purchases, still_buying_since
from retention.sales_log import load_sales_log
from retention.survey import SurveyColumns, survey_responses

# Emails in the sales log as a web shop writes them; the survey has other case.
SALES = """order,email,date,total
1,p1@shop.hu,2024-01-10,20.00
2,p1@shop.hu,2024-03-10,30.00
3,p1@shop.hu,2024-06-10,40.00
4,p2@shop.hu,2024-02-10,10.00
5,p2@shop.hu,2024-06-30,50.00
6,s1@shop.hu,2024-01-05,25.00
7,d1@shop.hu,2024-01-03,15.00
8,d1@shop.hu,2024-02-03,15.00
9,d2@shop.hu,2024-06-15,30.00
"""
SURVEY = [
    # date, email, score
    ("2024-01-04", "P1@Shop.hu", "10"),
    ("2024-02-11", " p2@shop.hu", "9"),
    ("2024-01-06", "S1@SHOP.HU", "8"),
    ("2024-01-04", "d1@shop.hu", "9"),  # d1 answered twice: the later 3 counts
    ("2024-02-05", "d1@shop.hu", "3"),
    ("2024-06-16", "d2@shop.hu", "6"),
    ("2024-03-01", "nobody@shop.hu", "10"),
    ("2024-03-02", "", "7"),
]


@pytest.fixture(scope="module")
def orders():
    return load_sales_log(("sales.csv", SALES.encode())).orders


@pytest.fixture(scope="module")
def responses():
    table = pd.DataFrame(SURVEY, columns=["date", "email", "score"])
    table.index = pd.Index(range(2, len(table) + 2), name="row")
    return survey_responses(
        table, SurveyColumns(score="score", date="date", customer="email")
    )


def test_still_buying_counts_from_the_last_complete_period(orders):
    assert still_buying_since(orders, "month", 1) == pd.Timestamp("2024-06-01")
    assert still_buying_since(orders, "month", 3) == pd.Timestamp("2024-04-01")
    # the data runs to 30 June, the last day of Q2, so Q2 is complete
    assert still_buying_since(orders, "quarter", 1) == pd.Timestamp("2024-04-01")


def test_groups_side_by_side_worked_by_hand(orders, responses):
    link = link_purchases(responses, orders, period="month", lifespan_years=2)
    groups = link.groups.set_index("group")

    promoters, passives, detractors = (
        groups.loc[name] for name in ("promoter", "passive", "detractor")
    )
    # promoters p1 (3 orders, 90.00) and p2 (2 orders, 60.00), both bought in June
    assert (promoters["customers"], promoters["orders"]) == (2, 5)
    assert promoters["revenue"] == pytest.approx(150.0)
    assert promoters["purchase_frequency"] == pytest.approx(2.5)
    assert promoters["aov"] == pytest.approx(30.0)
    # the log covers 3 January to 30 June, 180 days: 2.5 orders in them are
    # 2.5 x 365 / 180 a year
    assert promoters["annual_frequency"] == pytest.approx(2.5 * 365 / 180)
    assert promoters["clv"] == pytest.approx(30.0 * 2.5 * 365 / 180 * 2)
    assert promoters["retention"] == pytest.approx(100.0)
    # the passive s1 bought once in January and stopped
    assert (passives["customers"], passives["stopped"]) == (1, 1)
    assert passives["aov"] == pytest.approx(25.0)
    # detractors d1 (2 orders, stopped in February) and d2 (bought in June)
    assert (detractors["customers"], detractors["orders"]) == (2, 3)
    assert detractors["aov"] == pytest.approx(20.0)
    assert detractors["clv"] == pytest.approx(20.0 * 1.5 * 365 / 180 * 2)
    assert detractors["stopped_share"] == pytest.approx(50.0)
    assert link.stopped_share("detractor") == pytest.approx(50.0)


def test_match_rate_and_unmatched_answers(orders, responses):
    link = link_purchases(responses, orders, period="month")

    assert (link.with_id, link.matched, link.without_id) == (7, 6, 1)
    assert link.match_rate == pytest.approx(600 / 7)
    assert link.unmatched["customer_id"].tolist() == ["nobody@shop.hu"]
    assert link.unmatched["row"].tolist() == [8]


def test_a_customer_counts_once_with_the_latest_answer(orders, responses):
    groups = link_purchases(responses, orders).groups.set_index("group")

    assert groups["customers"].sum() == 5
    assert groups.loc["promoter", "customers"] == 2  # d1's earlier 9 is not counted


def test_no_ids_in_the_sales_log_gives_empty_groups_not_an_error(orders):
    table = pd.DataFrame(
        {"email": ["x@y.hu"], "score": ["9"]}, index=pd.Index([2], name="row")
    )
    responses = survey_responses(table, SurveyColumns(score="score", customer="email"))

    link = link_purchases(responses, orders)

    assert link.matched == 0 and link.match_rate == 0
    assert link.groups["customers"].tolist() == [0, 0, 0]
    assert link.groups["aov"].isna().all()
