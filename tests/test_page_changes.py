"""The What changed page in Streamlit's AppTest, on a small uploaded file whose
figures are worked out by hand."""

from __future__ import annotations

from pathlib import Path

from tests.test_pages import navigation_pages, open_app, upload  # noqa: F401

# A: Jan, Feb, Mar; B, C: Feb only (first-time buyers, lost in March);
# D: Jan, Feb (lost in March); E: new in March. March ends on the 31st.
ROWS = [
    ("1", "A", "2024-01-10", 10.0),
    ("2", "D", "2024-01-11", 10.0),
    ("3", "A", "2024-02-10", 10.0),
    ("4", "B", "2024-02-11", 10.0),
    ("5", "C", "2024-02-12", 10.0),
    ("6", "D", "2024-02-13", 10.0),
    ("7", "A", "2024-03-10", 10.0),
    ("8", "E", "2024-03-31", 30.0),
]


def write_csv(folder: Path) -> Path:
    path = folder / "shop.csv"
    lines = ["order_id,customer_id,order_date,amount"]
    lines += [",".join(map(str, row)) for row in ROWS]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_what_changed_tells_the_story_of_the_last_complete_month(tmp_path):
    app = open_app()
    upload(app, write_csv(tmp_path))
    app.switch_page("pages/changes.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert (
        app.selectbox(key="changes_period").format_func(
            app.selectbox(key="changes_period").value
        )
        == "Mar 2024"
    )
    summary = app.info[0].value
    assert summary.startswith(
        "In Mar 2024 you kept 1 of 4 customers; 1 new, 0 back after a break; 3 left."
    )
    assert "Most of them (2) had bought only once" in summary
    assert "Revenue went from 40.00 to 40.00 (+0.00)" in summary
    metrics = {m.label: (m.value, m.delta) for m in app.metric}
    assert metrics["Customers"] == ("2", "-2")
    assert metrics["Order value"] == ("20.00", "+10.00")
    leaks = app.dataframe[0].value.set_index("First purchase (cohort)")
    # over Jan-Mar: Feb has S = {A, D} and no loss; Mar has S = {A, B, C, D}
    assert list(leaks.index) == ["Jan 2024", "Feb 2024"]  # by date, not by count
    assert leaks.loc["Feb 2024", "Times lost (L)"] == 2
    assert leaks.loc["Jan 2024", "Times lost (L)"] == 1
    # A, D in Feb and Mar: four times at the start, by two customers
    assert leaks.loc["Jan 2024", "Times at the start of a period (S)"] == 4
    assert leaks.loc["Jan 2024", "Customers lost"] == 1
    heading = "**Times a customer was lost** (3, by 3 customers)"
    assert heading in [m.value for m in app.markdown]
    lost = app.dataframe[1].value
    assert sorted(lost["Customer"]) == ["B", "C", "D"]
    assert [b.label for b in app.main.get("download_button")] == [
        "Download 3 rows (.csv)",
        "Download 3 rows (.xlsx)",
    ]


def test_what_changed_breaks_leaks_down_by_past_orders(tmp_path):
    app = open_app()
    upload(app, write_csv(tmp_path))
    app.switch_page("pages/changes.py").run()
    app.selectbox(key="leak_by").set_value("past_orders").run()
    leaks = app.dataframe[0].value.set_index("Orders before they left")
    assert leaks.loc["1", "Times lost (L)"] == 2  # B and C
    assert leaks.loc["2", "Times lost (L)"] == 1  # D
    app.multiselect(key="lost_filter_past_orders").set_value(["1"]).run()
    lost = app.dataframe[1].value
    assert sorted(lost["Customer"]) == ["B", "C"]
    app.selectbox(key="changes_period").select_index(1).run()
    assert not app.exception
    assert app.info[0].value.startswith("In Feb 2024 you kept 2 of 2 customers")


def test_a_period_after_one_without_orders_shows_no_nan_change(tmp_path):
    path = tmp_path / "gap.csv"
    path.write_text(
        "order_id,customer_id,order_date,amount\n1,A,2024-01-05,10\n2,B,2024-03-05,20\n"
    )
    app = open_app({"start": "2024-03-01", "end": "2024-03-31"})
    upload(app, path)
    app.switch_page("pages/changes.py").run()
    assert not app.exception
    deltas = [m.delta for m in app.metric]
    assert not any("nan" in str(delta) for delta in deltas), deltas
    assert "0 of 0" not in app.info[0].value


def test_leaks_leave_out_a_last_month_the_data_stops_inside(tmp_path):
    # regression: B, C and D were counted lost in March, 20 days into it
    path = tmp_path / "stops.csv"
    rows = [*ROWS[:-1], ("8", "E", "2024-03-20", 30.0)]
    lines = ["order_id,customer_id,order_date,amount"]
    path.write_text("\n".join(lines + [",".join(map(str, r)) for r in rows]) + "\n")
    app = open_app()
    upload(app, path)
    app.switch_page("pages/changes.py").run()
    assert not app.exception, [e.value for e in app.exception]

    # Jan-Mar, March partial: only February counts, S = {A, D}, nobody lost
    leaks = app.dataframe[0].value.set_index("First purchase (cohort)")
    assert list(leaks.index) == ["Jan 2024"]
    assert leaks.loc["Jan 2024", "Times at the start of a period (S)"] == 2
    assert leaks.loc["Jan 2024", "Times lost (L)"] == 0
    assert "**Times a customer was lost** (0, by 0 customers)" in [
        m.value for m in app.markdown
    ]
    captions = [c.value for c in app.caption]
    assert any(
        c.startswith("Mar 2024 is not counted here")
        and c.endswith(
            "Mar 2024: the data stops on 20 Mar 2024, after 20 of its 31 days."
        )
        for c in captions
    ), captions
