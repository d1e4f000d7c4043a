"""Rolling annual retention against the benchmark or the owner's own target, on
the Retention page (AppTest), with the target kept in the URL."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from tests.test_pages import navigation_pages, open_app, upload  # noqa: F401

ROWS = [
    ("1", "A", "2022-01-10", 10.0),
    ("2", "B", "2022-03-10", 10.0),
    ("3", "A", "2023-01-10", 10.0),
    ("4", "C", "2023-01-20", 10.0),
    ("5", "E", "2024-01-31", 10.0),
]


def write_csv(folder: Path) -> Path:
    path = folder / "two_years.csv"
    lines = ["order_id,customer_id,order_date,amount"]
    lines += [",".join(map(str, row)) for row in ROWS]
    path.write_text("\n".join(lines) + "\n")
    return path


def charts(app) -> list[str]:
    """Each chart's spec with the text of its data sets, which Streamlit sends
    apart from the spec as Arrow tables."""
    texts = []
    for chart in app.get("vega_lite_chart"):
        frames = [
            pa.ipc.open_stream(dataset.data.data).read_pandas().to_csv()
            for dataset in chart.proto.datasets
        ]
        texts.append(chart.proto.spec + "".join(frames))
    return texts


def test_own_target_from_the_url_replaces_the_benchmark_line(tmp_path):
    app = open_app({"target": "70"})
    assert app.number_input(key="target").value == 70.0
    assert app.query_params["target"] == "70"
    upload(app, write_csv(tmp_path))
    app.switch_page("pages/retention.py").run()
    assert not app.exception, [e.value for e in app.exception]
    specs = charts(app)
    assert len(specs) == 2  # per period, and annual month by month
    assert "Your target: 70 %" in specs[1]  # a yearly target, on the yearly chart
    assert "Your target: 70 %" not in specs[0]
    assert "Retail and e-commerce: 63 % kept per year" not in specs[1]
    text = " ".join(m.value for m in app.markdown)
    assert "Your target: **70.00 %**" in text


def test_rolling_annual_retention_is_charted_against_the_industry(tmp_path):
    app = open_app()
    upload(app, write_csv(tmp_path))
    app.switch_page("pages/retention.py").run()
    annual = charts(app)[1]
    assert "Retail and e-commerce: 63 % kept per year" in annual
    assert '"Dec 2023"' in annual and '"Jan 2024"' in annual
    sources = " ".join(c.value for c in app.caption)
    assert "rough secondary figures" in sources
    benchmarks = next(
        frame.value
        for frame in app.dataframe
        if "Customers kept per year" in frame.value
    )
    assert list(benchmarks["Customers kept per year"]) == [
        "63.00 %",
        "55.00 %",
        "84.00 %",
    ]
    assert set(benchmarks["Year"]) == {2018}


def test_a_target_outside_1_to_100_falls_back_with_a_notice():
    app = open_app({"target": "250"})
    assert app.number_input(key="target").value is None
    assert "“250”" in " ".join(w.value for w in app.sidebar.warning)
    assert "target" not in app.query_params


@pytest.mark.parametrize("period", ["month", "week"])
def test_the_annual_benchmark_is_not_drawn_across_per_period_rates(cases_dir, period):
    app = open_app({"period": period})
    upload(app, cases_dir / "F02_orders_export_mid_june.csv")
    app.switch_page("pages/retention.py").run()
    assert not app.exception, [e.value for e in app.exception]
    per_period = charts(app)[0]
    assert "kept per year" not in per_period
    assert '"rule"' not in per_period
    why = " ".join(c.value for c in app.caption)
    assert "No benchmark line here: Retail and e-commerce: 63 % kept per year" in why
    assert f"kept from one {period} to the next" in why
    assert "rough secondary figures" in why


# C01 buys in January, C02 in August: the three months before the last three
# (20 Feb to 20 May) hold no customer, so annual retention has nobody to follow.
NOBODY_AT_START = [("1", "C01", "2024-01-05", 40.0), ("2", "C02", "2024-08-20", 30.0)]


def page_text(app) -> str:
    return " ".join(e.value for e in (*app.markdown, *app.caption, *app.info))


def test_annual_retention_with_nobody_to_follow_reads_as_a_sentence(tmp_path):
    path = tmp_path / "gap.csv"
    lines = ["order_id,customer_id,order_date,amount"]
    path.write_text("\n".join(lines + [",".join(map(str, r)) for r in NOBODY_AT_START]))
    app = open_app({"target": "70"})
    upload(app, path)
    app.switch_page("pages/retention.py").run()
    assert not app.exception
    text = page_text(app)
    assert "Annual retention: no data" not in text
    assert "no data points" not in text
    assert "retention (no data)" not in text
    assert (
        "**Annual retention cannot be measured yet:** nobody bought between "
        "20 Feb 2024 and 20 May 2024, so there are no customers to follow into the "
        "3 months after." in text
    )
    assert "(survey, 2018), 2018" not in text


def test_a_range_ending_before_two_years_of_sales_says_why_no_month_by_month(
    tmp_path,
):
    app = open_app({"start": "2022-01-01", "end": "2023-06-30"})
    upload(app, write_csv(tmp_path))
    app.switch_page("pages/retention.py").run()
    assert not app.exception
    text = page_text(app)
    assert "needs two full years of sales" not in text
    assert "The selected range ends before Dec 2023, the first month end" in text


def test_customer_value_without_a_lifespan_reads_without_a_double_full_stop(
    tmp_path,
):
    path = tmp_path / "gap.csv"
    lines = ["order_id,customer_id,order_date,amount"]
    path.write_text("\n".join(lines + [",".join(map(str, r)) for r in NOBODY_AT_START]))
    app = open_app()
    upload(app, path)
    app.switch_page("pages/value.py").run()
    assert not app.exception
    text = page_text(app)
    assert ".." not in text
    assert "lifespan: not measurable yet, with too little history" in text
