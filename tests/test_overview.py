import math

import pandas as pd

from retention.overview import (
    overview,
    overview_figures,
    range_retention,
    range_summary,
)
from retention.periods import period_ordinals
from retention.retention_rates import retention_by_period
from retention.selection import Selection
from tests.order_tables import data_until, make_orders, monthly_orders
from tests.test_pages import navigation_pages, open_app  # noqa: F401


def ordinal(day: str, period: str) -> int:
    return int(period_ordinals(pd.Series([pd.Timestamp(day)]), period)[0])


def test_a_customer_known_before_the_range_is_not_new():
    orders = monthly_orders({"A": ["2023-06", "2024-02"], "B": ["2024-02"]})
    month = ordinal("2024-02-01", "month")
    flow = range_retention(orders, Selection("month", month, month))
    assert (flow.customers_at_start, flow.new_customers, flow.won_back) == (0, 1, 1)


def test_one_period_range_matches_the_per_period_table():
    orders = monthly_orders(
        {"A": ["2024-01", "2024-02"], "B": ["2024-01"], "C": ["2024-02", "2024-03"]}
    )
    table = retention_by_period(orders, "month").set_index("period")
    for month in table.index:
        flow = range_retention(orders, Selection("month", month, month))
        expected = table.loc[month]
        assert flow.customers_at_start == expected["customers_at_start"]
        assert flow.customers_at_end == expected["customers_at_end"]
        assert flow.lost == expected["lost"]
        assert flow.new_customers == expected["new_customers"]


def test_overview_compares_with_the_previous_range_of_the_same_length():
    orders = make_orders(
        [
            ("1", "A", "2024-01-05", 10.0),
            ("2", "B", "2024-02-05", 20.0),
            ("3", "A", "2024-03-05", 30.0),
            ("4", "A", "2024-04-05", 50.0),
        ]
    )
    selection = Selection(
        "month", ordinal("2024-03-01", "month"), ordinal("2024-04-01", "month")
    )
    assert selection.previous().label == "Jan 2024 – Feb 2024"
    table = overview(orders, selection).set_index("figure")
    assert table.loc["revenue", "value"] == 80.0
    assert table.loc["revenue", "previous"] == 30.0
    assert table.loc["revenue", "change"] == 50.0
    assert table.loc["retention_rate", "value"] == 50.0  # A stayed, B left
    assert math.isnan(table.loc["retention_rate", "previous"])  # nothing before
    assert math.isnan(table.loc["retention_rate", "change"])


def test_summary_of_a_range_before_the_data_is_empty_not_an_error():
    orders = monthly_orders({"A": ["2024-01"]})
    month = ordinal("2023-01-01", "month")
    summary = range_summary(orders, Selection("month", month, month))
    assert summary.orders.orders == 0
    assert math.isnan(summary.orders.aov)


def test_a_range_the_data_starts_in_has_no_range_before_and_quotes_its_last_month():
    # A: Jan, Feb; B: Jan. Nothing before January, February complete.
    orders = data_until(
        monthly_orders({"A": ["2024-01", "2024-02"], "B": ["2024-01"]}), "2024-02-29"
    )
    selection = Selection(
        "month", ordinal("2024-01-01", "month"), ordinal("2024-02-01", "month")
    )

    headline = overview_figures(orders, selection)
    figures = headline.figures.set_index("figure")

    assert not headline.earlier_data
    assert figures["previous"].isna().all() and figures["change"].isna().all()
    assert figures.loc["customers", "value"] == 2
    # February: S = {A, B}, A came back: 50 % kept, 50 % lost
    assert headline.per_period["label"] == "Feb 2024"
    assert figures.loc["retention_rate", "value"] == 50.0
    assert figures.loc["churn_rate", "value"] == 50.0
    assert figures.loc["retention_rate", "measured_in"] == "Feb 2024"
    assert figures.loc["customers", "measured_in"] == ""


def test_a_range_with_a_range_before_keeps_its_own_figures():
    orders = data_until(
        monthly_orders({"A": ["2024-01", "2024-02"], "B": ["2024-01"]}), "2024-02-29"
    )
    february = ordinal("2024-02-01", "month")
    selection = Selection("month", february, february)

    headline = overview_figures(orders, selection)
    figures = headline.figures.set_index("figure")

    assert headline.earlier_data and headline.per_period is None
    assert (figures["measured_in"] == "").all()
    assert figures.loc["customers", "previous"] == 2
    assert figures.loc["customers", "change"] == -1
    assert figures.loc["retention_rate", "value"] == 50.0
    expected = overview(orders, selection).set_index("figure")
    assert figures["value"].equals(expected["value"])


def shop_from_march() -> pd.DataFrame:
    """The data starts on 1 Mar 2024 and reaches 31 Aug 2024.

    A buys every month from March, B in April and June, C in July.
    """
    months = ["2024-03", "2024-04", "2024-05", "2024-06", "2024-07", "2024-08"]
    purchases = {"A": months, "B": ["2024-04", "2024-06"], "C": ["2024-07"]}
    orders = monthly_orders(purchases)
    start = make_orders([("R-start", None, "2024-03-01", 0.0)])
    return data_until(pd.concat([start, orders], ignore_index=True), "2024-08-31")


def test_a_range_before_that_starts_before_the_data_gives_no_change():
    # regression: Jan and Feb 2024, before the data, counted as months with no
    # sales, so May - Aug (6 orders) showed +4 orders against Mar - Apr (2)
    orders = shop_from_march()
    selection = Selection(
        "month", ordinal("2024-05-01", "month"), ordinal("2024-08-01", "month")
    )
    assert selection.previous().label == "Jan 2024 – Apr 2024"

    headline = overview_figures(orders, selection)
    figures = headline.figures.set_index("figure")

    assert figures["previous"].isna().all() and figures["change"].isna().all()
    assert headline.earlier_data and not headline.compared
    assert not headline.before.whole
    assert headline.before.covered == 2
    assert headline.before.covered_range.label == "Mar 2024 – Apr 2024"
    assert figures.loc["orders", "value"] == 6  # A 4, B 1, C 1
    assert figures.loc["customers", "value"] == 3
    # S = {A, B} bought in Mar - Apr; E = {A, B, C}; C is new, nobody lost
    flow = headline.flow
    assert (flow.customers_at_start, flow.customers_at_end) == (2, 3)
    assert (flow.new_customers, flow.lost) == (1, 0)
    # the range's own rate would rest on half a range before: August's stands
    # in (S = {A, C} of July, A came back)
    assert headline.per_period["label"] == "Aug 2024"
    assert figures.loc["retention_rate", "value"] == 50.0
    assert figures.loc["churn_rate", "value"] == 50.0
    assert figures.loc["retention_rate", "measured_in"] == "Aug 2024"
    assert figures.loc["customers", "measured_in"] == ""


def test_the_note_on_a_range_before_the_data_says_what_it_holds():
    orders = shop_from_march()
    selection = Selection(
        "month", ordinal("2024-05-01", "month"), ordinal("2024-08-01", "month")
    )
    note = overview_figures(orders, selection).before.note()
    assert note == (
        "The 4 periods before this range, Jan 2024 – Apr 2024, start before the "
        "data, which starts on 1 Mar 2024: it holds only 2 of them, Mar 2024 – "
        "Apr 2024, so no change is shown (it would set 4 periods of sales against "
        "2). To see changes, choose a range of at most 2 periods from May 2024, "
        "or one that starts later."
    )


def test_a_range_before_wholly_in_the_data_is_compared():
    orders = shop_from_march()
    selection = Selection(
        "month", ordinal("2024-05-01", "month"), ordinal("2024-06-01", "month")
    )
    headline = overview_figures(orders, selection)
    figures = headline.figures.set_index("figure")
    assert headline.compared and headline.before.whole
    assert headline.per_period is None
    assert figures.loc["orders", "previous"] == 3  # A 2, B 1
    assert figures.loc["orders", "change"] == 0


def test_a_range_before_the_data_starts_inside_is_compared_whole():
    # the data starts on Wednesday 3 Jan 2024, inside the week of 1 Jan: that
    # week counts as covered (its note says it holds 5 of its 7 days)
    orders = make_orders(
        [
            ("1", "A", "2024-01-03", 10.0),
            ("2", "A", "2024-01-09", 10.0),
            ("3", "B", "2024-01-10", 10.0),
        ]
    )
    week = ordinal("2024-01-08", "week")
    headline = overview_figures(orders, Selection("week", week, week))
    figures = headline.figures.set_index("figure")
    assert headline.compared and headline.before.covered == 1
    assert figures.loc["orders", "change"] == 1


def test_a_steady_shop_from_mid_week_shows_no_growth_against_weeks_before_it():
    # regression: one order a day from Tuesday 2 Jan 2024; 16 weeks from 5 Feb
    # against 16 weeks from 16 Oct 2023 showed +78 orders
    days = pd.date_range("2024-01-02", "2024-07-19", freq="D")
    orders = make_orders(
        [(str(n), f"C{n % 40}", f"{day:%Y-%m-%d}", 16.5) for n, day in enumerate(days)]
    )
    selection = Selection(
        "week", ordinal("2024-02-05", "week"), ordinal("2024-05-26", "week"), 2
    )
    headline = overview_figures(orders, selection)
    assert not headline.compared
    assert headline.before.covered == 5  # weeks of 1, 8, 15, 22 and 29 Jan
    assert headline.figures["change"].isna().all()


def test_the_overview_shows_no_change_against_months_before_the_sample():
    # regression: Customers 379 +137, Orders 1,241 +632 against Sep 2010 -
    # Apr 2011, whose first three months come before the data
    app = open_app({"period": "month", "start": "2011-05-01", "end": "2011-12-31"})
    assert not app.exception, [e.value for e in app.exception]
    metrics = {metric.label: metric for metric in app.metric}
    assert metrics["Customers"].value == "379"
    assert metrics["Orders"].value == "1,241"
    for label in ("Customers", "Orders", "Revenue", "Repeat purchase rate"):
        assert not metrics[label].delta, label
    assert metrics["Retention rate (CRR)"].value == "43.75 %"
    assert metrics["Retention rate (CRR)"].delta == "in Nov 2011"
    captions = " ".join(caption.value for caption in app.caption)
    assert (
        "May 2011 – Dec 2011. The 8 periods before this range, Sep 2010 – Apr "
        "2011, start before the data, which starts on 1 Dec 2010: it holds only "
        "5 of them, Dec 2010 – Apr 2011, so no change is shown"
    ) in captions
    assert "compared with the 8 periods before it" not in captions
    assert not app.warning, [w.value for w in app.warning]
    text = " ".join(m.value for m in app.markdown)
    assert "Of the **242** customers who bought in Dec 2010 – Apr 2011" in text
