import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retention.segments import (
    NOT_YET,
    customer_segments,
    customer_summary,
    customers_at_risk,
    rfm_scores,
    segment_moves,
    segment_summary,
    vip_customers,
)
from tests.order_tables import make_orders


def orders_on(days: dict[str, list[str]], amount: float = 10.0) -> pd.DataFrame:
    rows = [
        (f"{customer}-{i}", customer, day, amount)
        for customer, dates in days.items()
        for i, day in enumerate(dates)
    ]
    return make_orders(rows)


def test_customer_summary_counts_days_gaps_and_revenue():
    orders = orders_on(
        {
            "A": ["2024-01-01", "2024-01-10", "2024-01-19", "2024-01-19"],
            "B": ["2024-01-15"],
        }
    )
    summary = customer_summary(orders, pd.Timestamp("2024-02-15")).set_index(
        "customer_id"
    )
    assert summary.loc["A", "orders"] == 4
    assert summary.loc["A", "purchase_days"] == 3
    assert summary.loc["A", "usual_gap_days"] == 9.0
    assert summary.loc["A", "recency_days"] == 27
    assert summary.loc["A", "revenue"] == 40.0
    assert np.isnan(summary.loc["B", "usual_gap_days"])
    assert summary.loc["B", "age_days"] == 31


def test_purchases_after_the_as_of_day_are_ignored():
    orders = orders_on({"A": ["2024-01-01", "2024-03-01"], "B": ["2024-03-02"]})
    summary = customer_summary(orders, pd.Timestamp("2024-01-31"))
    assert list(summary["customer_id"]) == ["A"]
    assert summary["orders"].tolist() == [1]


def test_rfm_scores_give_ties_the_same_score_whatever_the_row_order():
    summary = pd.DataFrame(
        {
            "customer_id": list("ABCDEFGHIJ"),
            "recency_days": [1, 1, 1, 5, 5, 9, 9, 9, 9, 20],
            "orders": [1, 1, 1, 1, 1, 1, 2, 2, 3, 8],
            "revenue": [10.0] * 10,
        }
    )
    scored = rfm_scores(summary).set_index("customer_id")
    # R: 7 of 10 are worse than A, B, C -> 1 + floor(5 x 0.7) = 4
    assert list(scored["r"]) == [4, 4, 4, 3, 3, 1, 1, 1, 1, 1]
    # F: six one-timers score 1; two-order customers beat 6 of 10 -> 4
    assert list(scored["f"]) == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    assert (scored["m"] == 1).all()  # everybody tied on revenue
    shuffled = rfm_scores(summary.sample(frac=1, random_state=3)).set_index(
        "customer_id"
    )
    assert shuffled.loc[scored.index, ["r", "f", "m"]].equals(scored[["r", "f", "m"]])


def test_a_brand_new_customer_is_new_not_lost():
    orders = orders_on(
        {
            "OLD": ["2023-01-05", "2023-02-05", "2023-03-05"],  # often, long ago
            "ONCE": ["2023-01-10"],  # once, long ago
            "FRESH": ["2024-03-25"],  # first purchase 6 days ago
            "FAN": ["2024-01-01", "2024-02-01", "2024-03-01", "2024-03-30"],
        }
    )
    segments = customer_segments(orders, pd.Timestamp("2024-03-31")).set_index(
        "customer_id"
    )
    assert segments.loc["FRESH", "segment"] == "new"
    assert segments.loc["FAN", "segment"] == "champions"
    assert segments.loc["ONCE", "segment"] == "lost"
    assert segments.loc["OLD", "segment"] == "slipping"


def test_segment_summary_gives_sizes_and_revenue_shares():
    orders = orders_on(
        {"A": ["2024-03-25"], "B": ["2024-03-26"], "C": ["2023-01-01"]}, amount=25.0
    )
    segments = customer_segments(orders, pd.Timestamp("2024-03-31"))
    summary = segment_summary(segments).set_index("segment")
    assert summary.loc["new", "customers"] == 2
    assert summary.loc["new", "customer_share"] == pytest.approx(200 / 3)
    assert summary.loc["new", "revenue_share"] == pytest.approx(200 / 3)
    assert summary.loc["champions", "customers"] == 0
    assert summary["customers"].sum() == 3


def test_moves_between_segments_from_one_month_to_the_next():
    orders = orders_on(
        {"A": ["2024-01-05", "2024-02-20"], "B": ["2024-01-06"], "C": ["2024-02-25"]}
    )
    before = customer_segments(orders, pd.Timestamp("2024-01-31"))
    after = customer_segments(orders, pd.Timestamp("2024-02-29"))
    moves = segment_moves(before, after)
    rows = {(m.from_segment, m.to_segment): m.customers for m in moves.itertuples()}
    now = after.set_index("customer_id")["segment"]
    assert rows[(NOT_YET, "new")] == 1  # C had not bought by 31 January
    assert now["A"] != "new"  # first bought 55 days before 29 February
    assert rows[("new", now["A"])] + rows[("new", now["B"])] == 2
    assert sum(rows.values()) == 3


def test_moves_from_a_day_before_anyone_bought_are_all_from_not_yet():
    orders = orders_on({"A": ["2024-02-20"]})
    before = customer_segments(orders, pd.Timestamp("2024-01-31"))
    after = customer_segments(orders, pd.Timestamp("2024-02-29"))

    moves = segment_moves(before, after)

    assert moves[["from_segment", "to_segment", "customers"]].values.tolist() == [
        [NOT_YET, "new", 1]
    ]


def test_at_risk_is_overdue_against_the_customers_own_gap_with_the_reason():
    orders = orders_on(
        {
            # every 9 days, last seen 27 days before 2024-02-15: 3 x the gap
            "A": ["2024-01-01", "2024-01-10", "2024-01-19"],
            # every 30 days, last seen 31 days ago: not overdue
            "B": ["2023-12-15", "2024-01-15"],
            # one purchase only: no usual gap, never "at risk" on this rule
            "C": ["2023-06-01"],
            # every 2 days, last seen 5 days ago: overdue but under the 7-day floor
            "D": ["2024-02-06", "2024-02-08", "2024-02-10"],
        }
    )
    segments = customer_segments(orders, pd.Timestamp("2024-02-15"))
    risk = customers_at_risk(segments)
    assert list(risk["customer_id"]) == ["A"]
    assert risk.loc[0, "reason"] == "usually every 9 days, last seen 27 days ago"
    assert risk.loc[0, "overdue"] == 3.0


def test_at_risk_is_ranked_by_what_the_customer_is_worth():
    orders = make_orders(
        [
            ("1", "small", "2024-01-01", 5.0),
            ("2", "small", "2024-01-05", 5.0),
            ("3", "big", "2024-01-01", 500.0),
            ("4", "big", "2024-01-03", 500.0),
        ]
    )
    risk = customers_at_risk(customer_segments(orders, pd.Timestamp("2024-03-01")))
    assert list(risk["customer_id"]) == ["big", "small"]


def test_vips_have_top_value_and_frequency_with_their_monthly_history():
    rows = [("x1", "00421", "2024-01-05", 300.0), ("x2", "00421", "2024-03-05", 300.0)]
    rows += [(f"s{i}", f"S{i}", "2024-02-01", 10.0) for i in range(8)]
    rows += [("b1", "BIG1", "2024-02-01", 900.0)]  # one big order: not frequent
    orders = make_orders(rows)
    segments = customer_segments(orders, pd.Timestamp("2024-03-31"))
    vips = vip_customers(orders, segments, pd.Timestamp("2024-03-31"))
    assert list(vips["customer_id"]) == ["00421"]  # leading zeros kept
    assert vips.loc[0, "aov"] == 300.0
    history = vips.loc[0, "monthly_orders"]
    assert len(history) == 12 and history[-3:] == [1, 0, 1]


purchases = st.lists(
    st.tuples(st.sampled_from("ABCDEFG"), st.integers(0, 120), st.floats(1, 100)),
    min_size=1,
    max_size=40,
)


@settings(deadline=None)
@given(purchases)
def test_every_customer_gets_exactly_one_segment_and_scores_1_to_5(rows):
    base = pd.Timestamp("2024-01-01")
    orders = make_orders(
        [
            (str(i), c, str((base + pd.Timedelta(days=d)).date()), v)
            for i, (c, d, v) in enumerate(rows)
        ]
    )
    segments = customer_segments(orders)
    assert segments["segment"].notna().all()
    assert segments["customer_id"].is_unique
    assert segments[["r", "f", "m"]].isin([1, 2, 3, 4, 5]).all().all()
    assert segment_summary(segments)["customers"].sum() == len(segments)


def test_a_daily_customer_reads_usually_every_day():
    orders = orders_on({"A": ["2024-01-01", "2024-01-02", "2024-01-03"]})
    risk = customers_at_risk(customer_segments(orders, pd.Timestamp("2024-01-20")))
    assert risk.loc[0, "reason"] == "usually every day, last seen 17 days ago"


def reference_summary(orders: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """customer_summary's columns as the module docstring defines them, with
    plain pandas groupbys on the id strings."""
    bought = orders[
        orders["is_purchase"]
        & orders["customer_id"].notna()
        & (orders["timestamp"] < as_of + pd.Timedelta(days=1))
    ]
    days = bought["timestamp"].dt.normalize()
    if bought.empty:
        return pd.DataFrame()
    by_customer = bought.assign(day=days).groupby("customer_id", sort=False)

    def usual_gap(group: pd.DataFrame) -> float:
        distinct = np.sort(group["day"].unique())
        gaps = np.diff(distinct) / np.timedelta64(1, "D")
        return float(np.median(gaps)) if len(gaps) else np.nan

    table = pd.DataFrame(
        {
            "first_purchase": by_customer["day"].min(),
            "last_purchase": by_customer["day"].max(),
            "orders": by_customer.size(),
            "revenue": by_customer["revenue"].sum(),
            "purchase_days": by_customer["day"].nunique(),
            "usual_gap_days": by_customer[["day"]].apply(usual_gap),
        }
    )
    table["recency_days"] = (as_of - table["last_purchase"]).dt.days
    table["age_days"] = (as_of - table["first_purchase"]).dt.days
    return table


shuffled_purchases = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "00C", "D", None]),
        st.integers(0, 90),
        st.integers(0, 23),
        st.integers(-50, 200),
        st.booleans(),
    ),
    min_size=1,
    max_size=40,
)


@settings(deadline=None, max_examples=50)
@given(shuffled_purchases, st.integers(0, 100), st.booleans())
def test_customer_summary_matches_a_plain_pandas_reference(rows, as_of_day, by_time):
    base = pd.Timestamp("2024-01-01")
    orders = make_orders(
        [
            (
                f"{'R' if refund else ''}{i}",
                customer,
                str(base + pd.Timedelta(days=day, hours=hour)),
                float(value),
            )
            for i, (customer, day, hour, value, refund) in enumerate(rows)
        ]
    )
    if by_time:  # in time order, as read and cleaned files are
        orders = orders.sort_values("timestamp", kind="stable", ignore_index=True)
    as_of = base + pd.Timedelta(days=as_of_day)
    got = customer_summary(orders, as_of).set_index("customer_id")
    expected = reference_summary(orders, as_of)
    assert sorted(got.index) == sorted(expected.index)
    if expected.empty:
        return
    for column in ["first_purchase", "last_purchase"]:
        assert list(got.loc[expected.index, column]) == list(expected[column])
    for column in expected.columns.drop(["first_purchase", "last_purchase"]):
        assert np.allclose(
            got.loc[expected.index, column].astype("float64"),
            expected[column].astype("float64"),
            equal_nan=True,
        ), column
    # the rows come in order of the customers' first appearance in the file
    assert list(got["code"]) == sorted(got["code"])


@settings(deadline=None)
@given(st.lists(st.integers(-3, 3), min_size=1, max_size=30), st.booleans())
def test_rfm_scores_count_the_customers_strictly_worse(values, as_float):
    summary = pd.DataFrame(
        {
            "recency_days": np.array(values) + 3,
            "orders": np.array(values) + 4,
            "revenue": np.array(values, dtype="float64") * (0.1 if as_float else 1),
        }
    )
    scored = rfm_scores(summary)
    size = len(values)
    for i, value in enumerate(values):
        smaller = sum(other < value for other in values)
        larger = sum(other > value for other in values)
        assert scored.loc[i, "f"] == 1 + 5 * smaller // size
        assert scored.loc[i, "m"] == 1 + 5 * smaller // size
        assert scored.loc[i, "r"] == 1 + 5 * larger // size
