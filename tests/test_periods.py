"""Calendar periods: the first period that starts late and the last one that stops
early are told apart, and each is described in a sentence."""

import pandas as pd

from retention.periods import coverage_notes, period_label
from retention.retention_rates import retention_by_period
from tests.order_tables import make_orders


def test_a_year_that_starts_in_december_is_marked_and_described():
    orders = make_orders(
        [("1", "A", "2010-12-01", 5.0), ("2", "A", "2011-03-01", 5.0)]
        + [("3", "B", "2011-12-09", 5.0)]
    )
    table = retention_by_period(orders, "year").set_index("label", drop=False)
    assert bool(table.loc["2010", "late_start"]) is True
    assert bool(table.loc["2010", "partial"]) is False  # a late start is not partial
    assert table.loc["2010", "first_day"] == pd.Timestamp("2010-12-01")
    assert bool(table.loc["2011", "late_start"]) is False
    assert coverage_notes(table.loc["2010"]) == [
        "2010: the data starts on 1 Dec 2010, so it holds only 31 of its 365 days "
        "(or the shop sold nothing before that day)."
    ]
    assert coverage_notes(table.loc["2011"]) == [
        "2011: the data stops on 9 Dec 2011, after 343 of its 365 days."
    ]


def test_one_period_can_start_late_and_stop_early():
    orders = make_orders([("1", "A", "2024-04-02", 5.0), ("2", "B", "2024-04-20", 5.0)])
    april = retention_by_period(orders, "month").iloc[0]
    assert coverage_notes(april) == [
        "Apr 2024: the data starts on 2 Apr 2024, so it holds only 19 of its 30 days "
        "(or the shop sold nothing before that day).",
        "Apr 2024: the data stops on 20 Apr 2024, after 20 of its 30 days.",
    ]


def test_a_period_the_data_covers_whole_has_no_note():
    orders = make_orders([("1", "A", "2024-04-01", 5.0), ("2", "B", "2024-05-01", 5.0)])
    april = retention_by_period(orders, "month").iloc[0]
    assert coverage_notes(april) == []


def test_weeks_are_named_by_their_monday():
    ordinal = pd.Period("2011-12-01", freq="W-SUN").ordinal
    assert period_label(ordinal, "week") == "week of 28 Nov 2011"
