"""The Cohorts page in Streamlit's AppTest: the table shown is the package's,
blank where a cohort has not lived long enough, with the weighted average row."""

from __future__ import annotations

from retention.cohorts import cohort_cells, cohort_matrix
from retention.sales_log import load_sales_log
from tests.test_pages import SAMPLE, navigation_pages, open_app, upload  # noqa: F401


def open_cohorts(query=None):
    app = open_app(query)
    app.switch_page("pages/cohorts.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_cohort_page_shows_the_packages_table_for_the_sample():
    app = open_cohorts()
    shown = app.dataframe[0].value
    orders = load_sales_log(SAMPLE).orders
    expected = cohort_matrix(cohort_cells(orders, "month"), "share")
    assert list(shown["Cohort"][:-1]) == list(expected["label"])
    assert list(shown["Customers"][:-1]) == list(expected["customers"])
    assert shown["+1"].iloc[0] == f"{expected[1].iloc[0]:.2f} %"
    assert shown["Cohort"].iloc[-1] == "Average (weighted by size)"
    assert shown["+1"].iloc[-2] == ""  # the youngest cohort: blank, not 0
    heatmap, trend = app.get("vega_lite_chart")
    assert '"rect"' in heatmap.proto.spec and '"line"' in trend.proto.spec


def test_cohort_page_toggles_to_bought_then_or_later(cases_dir):
    app = open_cohorts()
    upload(app, cases_dir / "F02_orders_export_mid_june.csv")
    table = app.dataframe[0].value.set_index("Cohort")
    # the data stops in mid-June: June's cells are marked partial, as the
    # chart fades them
    assert list(table.loc["Apr 2024", ["+0", "+1", "+2"]]) == [
        "100.00 %",
        "75.00 %",
        "25.00 % *",
    ]
    assert table.loc["May 2024", "+2"] == ""
    app.radio(key="cohort_measure").set_value("share_or_later").run()
    table = app.dataframe[0].value.set_index("Cohort")
    # C01 bought in April, May and June; C02, C03 in April and May; C04 never again
    assert list(table.loc["Apr 2024", ["+1", "+2"]]) == ["75.00 %", "25.00 % *"]
    assert table.loc["May 2024", "+1"] == "50.00 % *"  # C05 came back in June
    app.radio(key="cohort_measure").set_value("revenue_per_customer").run()
    table = app.dataframe[0].value.set_index("Cohort")
    assert table.loc["Apr 2024", "+0"] == "27.75"  # (30 + 22 + 41 + 18) / 4
    assert table.loc["Apr 2024", "+1"] == "46.25"  # (111 + 27 + 35 + 12) / 4
    assert "not over yet (partial)" in " ".join(c.value for c in app.caption)
    assert "three cohorts" in " ".join(c.value for c in app.caption)


def test_a_flat_trend_stays_the_same_rather_than_falling_by_0_points(tmp_path):
    # one customer a month, each back the month after: 100 % in every period 1
    path = tmp_path / "flat.csv"
    rows = [
        ("1", "A", "2024-01-10"),
        ("2", "A", "2024-02-10"),
        ("3", "B", "2024-02-11"),
        ("4", "B", "2024-03-11"),
        ("5", "C", "2024-03-12"),
        ("6", "C", "2024-04-12"),
        ("7", "D", "2024-04-30"),
    ]
    lines = ["order_id,customer_id,order_date,amount"]
    path.write_text("\n".join(lines + [f"{o},{c},{d},10" for o, c, d in rows]) + "\n")
    app = upload(open_app(), path)
    app.switch_page("pages/cohorts.py").run()
    assert not app.exception
    text = " ".join(m.value for m in app.markdown)
    assert "0.0 points" not in text
    assert "period stays about the same" in text
