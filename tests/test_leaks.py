import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retention.leaks import (
    churn_leaks,
    counted_selection,
    customers_at_start,
    customers_in,
    leak_dimensions,
    lost_customers,
    lost_in_groups,
    uncounted_note,
)
from retention.periods import period_ordinals
from retention.retention_rates import retention_by_period
from retention.sales_log import load_sales_log
from retention.selection import Selection
from tests.order_tables import data_until, make_orders, monthly_orders


def months(first: str, last: str, window: int = 1) -> Selection:
    ordinals = period_ordinals(pd.Series(pd.to_datetime([first, last])), "month")
    return Selection("month", int(ordinals[0]), int(ordinals[1]), window)


def test_lost_customers_are_named_with_their_cohort_and_past_orders():
    orders = monthly_orders(
        {
            "A": ["2024-01", "2024-02", "2024-03"],  # stays
            "B": ["2024-01", "2024-02"],  # lost in March after 2 orders
            "C": ["2024-02"],  # lost in March after 1 order
            "D": ["2024-01", "2024-03"],  # lost in February, won back in March
        }
    )
    orders = data_until(orders, "2024-03-31")
    lost = lost_customers(orders, months("2024-02-01", "2024-03-01"))
    rows = {(r.customer_id, r.label): r for r in lost.itertuples()}
    assert set(rows) == {("D", "Feb 2024"), ("B", "Mar 2024"), ("C", "Mar 2024")}
    assert rows[("B", "Mar 2024")].past_orders == 2
    assert rows[("B", "Mar 2024")].cohort == "Jan 2024"
    assert rows[("C", "Mar 2024")].cohort == "Feb 2024"
    assert rows[("D", "Feb 2024")].past_orders == 1


# A: Jan, Feb, Mar; B: Jan, Feb; C: Feb. The data stops on 10 March.
STOPS_IN_MARCH = {
    "A": ["2024-01", "2024-02", "2024-03"],
    "B": ["2024-01", "2024-02"],
    "C": ["2024-02"],
}


def test_nobody_is_lost_in_a_last_period_the_data_stops_inside():
    # regression: B and C were counted lost in March, ten days into it
    orders = monthly_orders(STOPS_IN_MARCH)
    selection = months("2024-02-01", "2024-03-01")

    members = customers_at_start(orders, selection)

    # only February counts: S = {A, B} (bought in January), both bought again
    assert counted_selection(orders, selection) == months("2024-02-01", "2024-02-01")
    assert sorted(members["customer_id"]) == ["A", "B"]
    assert set(members["label"]) == {"Feb 2024"}
    assert not members["lost"].any()
    assert lost_customers(orders, selection).empty
    cohorts = churn_leaks(members, "cohort")
    assert list(cohorts["group"]) == ["Jan 2024"]
    assert (cohorts["customers_at_start"].sum(), cohorts["lost"].sum()) == (2, 0)


def test_once_the_last_period_has_ended_its_losses_count():
    orders = data_until(monthly_orders(STOPS_IN_MARCH), "2024-03-31")
    selection = months("2024-02-01", "2024-03-01")

    lost = lost_customers(orders, selection)

    assert counted_selection(orders, selection) == selection
    assert uncounted_note(orders, selection) is None
    assert sorted(zip(lost["customer_id"], lost["label"], strict=True)) == [
        ("B", "Mar 2024"),
        ("C", "Mar 2024"),
    ]


def test_the_note_names_the_period_left_out_and_where_the_data_stops():
    orders = monthly_orders(STOPS_IN_MARCH)
    note = uncounted_note(orders, months("2024-02-01", "2024-03-01"))
    assert note.startswith("Mar 2024 is not counted here")
    assert note.endswith(
        "Mar 2024: the data stops on 10 Mar 2024, after 10 of its 31 days."
    )


def test_a_selection_of_only_the_partial_period_counts_nobody():
    orders = monthly_orders(STOPS_IN_MARCH)
    selection = months("2024-03-01", "2024-03-01")
    assert counted_selection(orders, selection) is None
    members = customers_at_start(orders, selection)
    assert members.empty
    assert churn_leaks(members, "cohort").empty
    assert lost_in_groups(members, "cohort").empty
    assert uncounted_note(orders, selection).startswith("Mar 2024 is not counted")


def test_the_sample_counts_the_losses_of_its_complete_months_only():
    from tests.test_pages import SAMPLE

    orders = load_sales_log(SAMPLE).orders
    table = retention_by_period(orders, "month")
    selection = Selection(
        "month", int(table["period"].min()), int(table["period"].max())
    )

    members = customers_at_start(orders, selection)

    # Dec 2011 is partial (the data stops on 9 Dec): its 130 are not lost yet
    complete = table[~table["partial"]]
    assert members["lost"].sum() == complete["lost"].sum() == 660
    assert len(members) == complete["customers_at_start"].sum()
    assert "Dec 2011" not in set(members["label"])
    assert uncounted_note(orders, selection).startswith("Dec 2011 is not counted")


def test_with_a_two_month_window_a_customer_is_lost_after_two_quiet_months():
    orders = monthly_orders({"A": ["2024-01", "2024-02"], "B": ["2024-01", "2024-05"]})
    orders = data_until(orders, "2024-05-31")
    lost = lost_customers(orders, months("2024-02-01", "2024-05-01", window=2))
    assert list(zip(lost["customer_id"], lost["label"], strict=True)) == [
        ("A", "Apr 2024"),
        ("B", "Mar 2024"),
    ]


def test_leaks_by_past_orders_give_churn_per_group():
    orders = monthly_orders(
        {
            "A": ["2024-01", "2024-02"],
            "B": ["2024-01"],
            "C": ["2024-01"],
            "D": ["2023-11", "2023-12", "2024-01", "2024-02"],
        }
    )
    orders = data_until(orders, "2024-02-29")
    members = customers_at_start(orders, months("2024-02-01", "2024-02-01"))
    table = churn_leaks(members, "past_orders").set_index("group")
    assert table.loc["1", "customers_at_start"] == 3  # A, B, C bought once
    assert table.loc["1", "lost"] == 2
    assert table.loc["1", "churn_rate"] == pytest.approx(200 / 3)
    assert table.loc["1", "share_of_lost"] == 100.0
    assert table.loc["3", "lost"] == 0  # D had 3 orders before February
    assert list(table.index) == ["1", "3"]  # from the fewest orders up


def test_cohorts_are_in_date_order_and_a_customer_lost_twice_is_one_customer():
    # regression: the cohort bars were sorted by count, months out of order
    orders = monthly_orders(
        {
            "A": ["2024-01", "2024-03", "2024-05"],  # lost in Feb and Apr
            "B": ["2024-02"],
            "C": ["2024-02"],
            "D": ["2024-02"],
        }
    )
    members = customers_at_start(orders, months("2024-01-01", "2024-05-01"))

    table = churn_leaks(members, "cohort")

    assert list(table["group"]) == ["Jan 2024", "Feb 2024"]
    jan, feb = table.itertuples()
    assert (jan.lost, jan.customers_lost, jan.customers_at_start) == (2, 1, 2)
    assert (feb.lost, feb.customers_lost) == (3, 3)
    lost = lost_in_groups(members, "cohort")
    assert (len(lost), customers_in(lost)) == (5, 4)


def test_leaks_by_store_use_the_first_purchase_and_name_missing_ones():
    orders = make_orders(
        [
            ("1", "A", "2024-01-05", 10.0),
            ("2", "B", "2024-01-06", 10.0),
            ("3", "C", "2024-01-07", 10.0),
            ("4", "A", "2024-02-05", 10.0),
        ]
    )
    orders = data_until(orders, "2024-02-29")
    orders["store"] = pd.array(["North", "South", None, "South", None], dtype="string")
    assert "store" in leak_dimensions(orders)
    assert "channel" not in leak_dimensions(orders)
    members = customers_at_start(orders, months("2024-02-01", "2024-02-01"))
    table = churn_leaks(members, "store").set_index("group")
    assert table.loc["North", "lost"] == 0  # A's first purchase was in North
    assert table.loc["South", "lost"] == 1
    assert table.loc["unknown", "lost"] == 1


def test_a_dimension_the_data_lacks_is_an_error():
    orders = monthly_orders({"A": ["2024-01"]})
    members = customers_at_start(orders, months("2024-02-01", "2024-02-01"))
    with pytest.raises(ValueError, match="channel"):
        churn_leaks(members, "channel")


purchase_months = st.dictionaries(
    st.sampled_from([f"C{i}" for i in range(8)]),
    st.lists(st.sampled_from([f"2024-{m:02d}" for m in range(1, 10)]), min_size=1),
    min_size=1,
)


@settings(max_examples=60, deadline=None)
@given(purchase_months, st.integers(1, 3))
def test_at_start_and_lost_add_up_to_the_retention_table(purchases, window):
    orders = data_until(monthly_orders(purchases), "2024-09-30")
    table = retention_by_period(orders, "month", window)
    selection = Selection(
        "month", int(table["period"].iloc[0]), int(table["period"].iloc[-1]), window
    )
    members = customers_at_start(orders, selection)
    counted = members.groupby("period")["lost"].agg(["size", "sum"])
    counted = counted.reindex(table["period"], fill_value=0)
    assert list(counted["size"]) == list(table["customers_at_start"])
    assert list(counted["sum"]) == list(table["lost"])


def test_lost_customers_can_be_picked_by_group():
    orders = monthly_orders(
        {"A": ["2024-01"], "B": ["2023-12", "2024-01"], "C": ["2024-01", "2024-02"]}
    )
    orders = data_until(orders, "2024-02-29")
    members = customers_at_start(orders, months("2024-02-01", "2024-02-01"))
    assert sorted(lost_in_groups(members, "past_orders")["customer_id"]) == ["A", "B"]
    once = lost_in_groups(members, "past_orders", ["1"])
    assert list(once["customer_id"]) == ["A"]
    assert "lost" not in once.columns


def reference_members(purchases: dict[str, list[str]], selection: Selection):
    """customers_at_start as the module docstring reads, from sets of months:
    (customer, period) -> (last purchase, lost, past orders, cohort label)."""
    bought = {
        customer: [int(m) for m in period_ordinals(pd.to_datetime(months), "month")]
        for customer, months in purchases.items()
    }
    window = selection.window
    expected = {}
    for period in range(selection.first, selection.last + 1):
        for customer, periods in bought.items():
            recent = [q for q in periods if period - window <= q < period]
            if not recent:
                continue
            last = max(recent)
            cohort = pd.Period(ordinal=min(periods), freq="M").strftime("%b %Y")
            expected[(customer, period)] = (
                last,
                last == period - window and period not in periods,
                sum(q < period for q in periods),
                cohort,
            )
    return expected


@settings(max_examples=60, deadline=None)
@given(purchase_months, st.integers(1, 3), st.integers(0, 8), st.integers(0, 8))
def test_customers_at_start_match_a_reference_from_sets(purchases, window, a, b):
    orders = data_until(monthly_orders(purchases), "2024-09-30")
    first = int(period_ordinals(pd.Series(pd.to_datetime(["2024-01-01"])), "month")[0])
    selection = Selection("month", first + min(a, b), first + max(a, b), window)
    members = customers_at_start(orders, selection)
    got = {
        (row.customer_id, row.period): (
            row.last_purchase,
            row.lost,
            row.past_orders,
            row.cohort,
        )
        for row in members.itertuples()
    }
    assert got == reference_members(purchases, selection)
    # sorted by customer (their order in the file), then period
    customer = members["customer_id"].cat.codes.to_numpy()
    order = np.lexsort((members["period"].to_numpy(), customer))
    assert (order == np.arange(len(members))).all()
