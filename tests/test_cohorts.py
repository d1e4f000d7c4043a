import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retention.charts import cohort_heatmap
from retention.cohorts import (
    cohort_average,
    cohort_cells,
    cohort_matrix,
    cohort_sizes,
    first_period_retention,
    first_period_trend,
    partial_cells,
)
from retention.periods import period_ordinals
from retention.sales_log import load_sales_log
from tests.order_tables import make_orders, monthly_orders


def cell(cells: pd.DataFrame, cohort: str, age: int) -> pd.Series:
    found = cells[(cells["label"] == cohort) & (cells["age"] == age)]
    assert len(found) == 1, f"no cell {cohort} + {age}"
    return found.iloc[0]


def toy_orders() -> pd.DataFrame:
    """Four users, two monthly cohorts; the data ends on the last day of April."""
    return make_orders(
        [
            ("1", "u1", "2024-01-05", 10.0),
            ("2", "u2", "2024-01-06", 20.0),
            ("3", "u1", "2024-02-05", 10.0),  # Jan cohort, month 1: 1 of 2
            ("4", "u1", "2024-03-05", 10.0),
            ("5", "u2", "2024-03-06", 20.0),  # Jan cohort, month 2: 2 of 2
            ("6", "u3", "2024-02-07", 30.0),
            ("7", "u4", "2024-02-08", 40.0),
            ("8", "u3", "2024-03-07", 30.0),
            ("9", "u4", "2024-03-08", 40.0),  # Feb cohort, month 1: 2 of 2
            ("10", "u3", "2024-04-30", 30.0),  # Feb cohort, month 2: 1 of 2
        ]
    )


def test_toy_example_two_monthly_cohorts_50_100_then_100_50():
    matrix = cohort_matrix(cohort_cells(toy_orders(), "month")).set_index("label")
    assert list(matrix["customers"]) == [2, 2]
    assert list(matrix.loc["Jan 2024", [0, 1, 2, 3]]) == [100.0, 50.0, 100.0, 0.0]
    feb = matrix.loc["Feb 2024"]
    assert list(feb[[0, 1, 2]]) == [100.0, 100.0, 50.0]
    assert math.isnan(feb[3])  # not lived to reach April + 1: blank, not 0 %


def test_a_month_nobody_from_the_cohort_bought_in_is_a_real_zero():
    cells = cohort_cells(toy_orders(), "month")
    april = cell(cells, "Jan 2024", 3)
    assert april["buyers"] == 0 and april["share"] == 0.0
    assert april["still_buying"] == 0 and not april["partial"]


def test_won_back_customer_counts_in_later_periods_but_not_the_one_skipped():
    orders = monthly_orders({"A": ["2024-01", "2024-03"], "B": ["2024-01"]})
    cells = cohort_cells(orders, "month")
    february = cell(cells, "Jan 2024", 1)
    assert february["share"] == 0.0  # nobody bought in February
    assert february["share_or_later"] == 50.0  # A bought again later
    march = cell(cells, "Jan 2024", 2)
    assert march["share"] == 50.0 and march["share_or_later"] == 50.0


def test_an_empty_period_and_cohorts_with_gaps():
    orders = monthly_orders(
        {"A": ["2024-01", "2024-03", "2024-04"], "B": ["2024-03"], "C": ["2024-04"]}
    )
    cells = cohort_cells(orders, "month")
    sizes = cohort_sizes(cells)
    # nobody bought in February, so there is no February cohort
    assert list(sizes["label"]) == ["Jan 2024", "Mar 2024", "Apr 2024"]
    assert list(sizes["customers"]) == [1, 1, 1]
    assert list(sizes["ages"]) == [4, 2, 1]
    assert cell(cells, "Jan 2024", 1)["share"] == 0.0  # the empty February
    assert cell(cells, "Jan 2024", 2)["share"] == 100.0
    assert cell(cells, "Mar 2024", 1)["share"] == 0.0  # B did not buy in April
    assert len(cells) == 4 + 2 + 1


def test_partial_last_period_is_flagged_on_its_cells():
    orders = monthly_orders({"A": ["2024-01", "2024-02"], "B": ["2024-02"]})
    cells = cohort_cells(orders, "month")  # the data stops on 10 February
    assert bool(cell(cells, "Jan 2024", 1)["partial"])
    assert bool(cell(cells, "Feb 2024", 0)["partial"])
    assert not bool(cell(cells, "Jan 2024", 0)["partial"])


def test_f02_cohort_table_from_the_field_case(cases_dir):
    orders = load_sales_log(cases_dir / "F02_orders_export_mid_june.csv").orders
    cells = cohort_cells(orders, "month")
    matrix = cohort_matrix(cells).set_index("label")
    assert list(matrix["customers"]) == [4, 2, 1]
    assert list(matrix.loc["Apr 2024", [0, 1, 2]]) == [100.0, 75.0, 25.0]
    assert list(matrix.loc["May 2024", [0, 1]]) == [100.0, 50.0]
    assert math.isnan(matrix.loc["May 2024", 2])
    assert matrix.loc["Jun 2024", 0] == 100.0
    assert matrix.loc["Jun 2024", [1, 2]].isna().all()
    partial = cells[cells["partial"]]
    assert set(zip(partial["label"], partial["age"], strict=True)) == {
        ("Apr 2024", 2),
        ("May 2024", 1),
        ("Jun 2024", 0),
    }
    # the same cells, laid out as the matrix's rows (Apr, May, Jun) and ages
    assert partial_cells(cells).values.tolist() == [
        [False, False, True],
        [False, True, False],
        [True, False, False],
    ]


def test_average_row_weights_by_size_and_uses_only_cohorts_old_enough():
    orders = monthly_orders(
        {
            # January cohort of 3: two come back in February
            "A": ["2024-01", "2024-02"],
            "B": ["2024-01", "2024-02"],
            "C": ["2024-01"],
            # February cohort of 1: comes back in March
            "D": ["2024-02", "2024-03"],
            # March cohort: too young for month 1
            "E": ["2024-03"],
            # April closes March; the data stops inside April
            "F": ["2024-04"],
        }
    )
    average = cohort_average(cohort_cells(orders, "month")).set_index("age")
    # month 1: Jan (2 of 3) and Feb (1 of 1); March's April cell is partial
    assert average.loc[1, "cohorts"] == 2
    assert average.loc[1, "customers"] == 4
    assert average.loc[1, "value"] == pytest.approx(75.0)  # 3 of 4, not (66.7+100)/2
    # month 3 only Jan could reach, and its April cell is partial
    assert average.loc[3, "cohorts"] == 0 and math.isnan(average.loc[3, "value"])


def test_revenue_per_customer_is_cumulative():
    cells = cohort_cells(toy_orders(), "month")
    jan = cells[cells["label"] == "Jan 2024"].set_index("age")
    # Jan: 30 in January, +10 in February, +30 in March, nothing in April
    assert list(jan["revenue_per_customer"]) == [15.0, 20.0, 35.0, 35.0]
    average = cohort_average(cells, "revenue_per_customer").set_index("age")
    assert average.loc[0, "value"] == pytest.approx((30 + 70) / 4)


def test_guests_and_unmatched_refunds_do_not_make_cohorts():
    orders = make_orders(
        [
            ("1", "A", "2024-01-05", 10.0),
            ("2", None, "2024-02-05", 50.0),
            ("R3", "B", "2024-02-06", -5.0),
        ]
    )
    sizes = cohort_sizes(cohort_cells(orders, "month"))
    assert list(sizes["customers"]) == [1]


def test_first_period_retention_trend_per_cohort():
    trend = first_period_retention(cohort_cells(toy_orders(), "month"))
    assert list(trend["label"]) == ["Jan 2024", "Feb 2024"]
    assert list(trend["share"]) == [50.0, 100.0]


def test_no_customers_gives_an_empty_table():
    orders = make_orders([("1", None, "2024-01-05", 10.0)])
    assert cohort_cells(orders, "month").empty


purchase_months = st.dictionaries(
    st.sampled_from([f"C{i}" for i in range(8)]),
    st.lists(st.sampled_from([f"2024-{m:02d}" for m in range(1, 9)]), min_size=1),
    min_size=1,
)


@settings(deadline=None)
@given(purchase_months)
def test_cohort_properties_on_any_purchases(purchases):
    orders = monthly_orders(purchases)
    cells = cohort_cells(orders, "month")
    assert cohort_sizes(cells)["customers"].sum() == len(purchases)
    assert (cells.loc[cells["age"] == 0, "share"] == 100.0).all()
    assert (cells["share_or_later"] >= cells["share"]).all()
    for _, rows in cells.groupby("cohort"):
        assert rows["share_or_later"].is_monotonic_decreasing
        assert rows["revenue"].is_monotonic_increasing
    # every cohort is followed up to the last month of the data, and no further
    last = period_ordinals(orders["timestamp"], "month").max()
    assert (cells.groupby("cohort")["period"].max() == last).all()


def test_period_one_trend_line_through_complete_cohorts():
    orders = monthly_orders(
        {
            "A1": ["2024-01"],
            "A2": ["2024-01"],  # Jan: 0 of 2 back in Feb
            "B1": ["2024-02", "2024-03"],
            "B2": ["2024-02"],  # Feb: 1 of 2 back in Mar
            "C1": ["2024-03", "2024-04"],
            "C2": ["2024-03", "2024-04"],  # Mar: 2 of 2 back in Apr (partial)
            "D1": ["2024-04"],
        }
    )
    trend = first_period_retention(cohort_cells(orders, "month"))
    assert list(trend["share"]) == [0.0, 50.0, 100.0]
    assert list(trend["partial"]) == [False, False, True]
    assert trend["trend"].isna().all()  # two complete cohorts are too few
    orders = pd.concat([orders, monthly_orders({"C1": ["2024-05"], "E1": ["2024-05"]})])
    trend = first_period_retention(cohort_cells(orders, "month"))
    # Jan 0 %, Feb 50 %, Mar 100 % complete now; Apr 0 % (partial) is left out
    assert list(trend["trend"].round(6)) == [0.0, 50.0, 100.0, 150.0]
    assert first_period_trend(trend) == pytest.approx(50.0)


def test_matrix_can_end_with_the_weighted_average_row():
    cells = cohort_cells(toy_orders(), "month")
    matrix = cohort_matrix(cells, "share_or_later", average_label="Average")
    last = matrix.iloc[-1]
    assert last["label"] == "Average" and last["customers"] == 4
    # month 2: Jan 2 of 2 later, Feb 1 of 2 later; month 3: only Jan (0 of 2)
    assert list(last[[0, 1, 2, 3]]) == [100.0, 100.0, 75.0, 0.0]


def test_heatmap_draws_one_square_per_cell_reached_and_none_for_the_rest():
    cells = cohort_cells(toy_orders(), "month")
    spec = cohort_heatmap(cells, "share").to_dict()
    data = next(iter(spec["datasets"].values()))
    assert len(data) == len(cells) == 4 + 3
    rows = {(row["label"], row["age"]) for row in data}
    assert ("Feb 2024", 3) not in rows


def marks(spec: dict) -> list[str]:
    return [layer["mark"]["type"] for layer in spec["layer"]]


def test_weekly_heatmap_over_a_year_leaves_the_figures_to_the_tooltips():
    weeks = pd.date_range("2024-01-01", periods=40, freq="7D")
    orders = make_orders(
        [(str(i), "A", str(day.date()), 10.0) for i, day in enumerate(weeks)]
        + [("b", "B", "2024-01-02", 10.0)]
    )
    weekly = cohort_heatmap(cohort_cells(orders, "week")).to_dict()
    assert marks(weekly) == ["rect"]  # 40 columns: no room for a figure in each
    monthly = cohort_heatmap(cohort_cells(orders, "month")).to_dict()
    assert marks(monthly) == ["rect", "text"]


@settings(deadline=None, max_examples=40)
@given(purchase_months)
def test_cohort_cells_match_counts_from_sets(purchases):
    orders = monthly_orders(purchases)
    cells = cohort_cells(orders, "month").set_index(["cohort", "age"])
    bought = {
        customer: set(period_ordinals(pd.to_datetime(months), "month").tolist())
        for customer, months in purchases.items()
    }
    orders_in = {
        customer: period_ordinals(pd.to_datetime(months), "month").tolist()
        for customer, months in purchases.items()
    }
    last = max(max(periods) for periods in bought.values())
    expected = {}
    for cohort in {min(periods) for periods in bought.values()}:
        members = [c for c, periods in bought.items() if min(periods) == cohort]
        for age in range(last - cohort + 1):
            period = cohort + age
            expected[(cohort, age)] = (
                len(members),
                sum(period in bought[c] for c in members),
                sum(max(bought[c]) >= period for c in members),
                10.0 * sum(q <= period for c in members for q in orders_in[c]),
            )
    got = {
        key: (row.customers, row.buyers, row.still_buying, row.revenue)
        for key, row in zip(cells.index, cells.itertuples(), strict=True)
    }
    assert got == expected
