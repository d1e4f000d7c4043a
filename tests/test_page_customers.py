"""The Customers page in Streamlit's AppTest: segments, VIPs and the at-risk
list, filtered, with ids exactly as in the uploaded file."""

from __future__ import annotations

from pathlib import Path

from tests.test_pages import navigation_pages, open_app, upload  # noqa: F401

# The data ends on 15 February 2024.
ROWS = [
    ("1", "00421", "2024-01-01", 40.0),  # every 9 days, last seen 27 days ago
    ("2", "00421", "2024-01-10", 40.0),
    ("3", "00421", "2024-01-19", 40.0),
    ("4", "B7", "2023-12-15", 15.0),  # every 31 days, last seen 31 days ago
    ("5", "B7", "2024-01-15", 15.0),
    ("6", "C3", "2023-06-01", 99.0),  # bought once, long ago
    ("7", "D9", "2024-01-10", 5.0),  # every 5 days, last seen 26 days ago
    ("8", "D9", "2024-01-15", 5.0),
    ("9", "D9", "2024-01-20", 5.0),
    ("10", "E1", "2024-02-15", 12.0),  # brand new
]


def write_csv(folder: Path) -> Path:
    path = folder / "shop.csv"
    lines = ["order_id,customer_id,order_date,amount"]
    lines += [",".join(map(str, row)) for row in ROWS]
    path.write_text("\n".join(lines) + "\n")
    return path


def open_customers(tmp_path):
    app = open_app()
    upload(app, write_csv(tmp_path))
    app.switch_page("pages/customers.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def dataframe_with(app, column: str):
    return next(frame.value for frame in app.dataframe if column in frame.value)


def test_at_risk_list_gives_each_customer_and_the_reason(tmp_path):
    app = open_customers(tmp_path)
    risk = dataframe_with(app, "Why")
    assert list(risk["Customer"]) == ["00421", "D9"]  # by revenue: 120 > 15
    assert list(risk["Why"]) == [
        "usually every 9 days, last seen 27 days ago",
        "usually every 5 days, last seen 26 days ago",
    ]
    app.slider(key="risk_factor").set_value(3.5).run()
    risk = dataframe_with(app, "Why")
    assert list(risk["Customer"]) == ["D9"]  # 27 / 9 = 3 is below 3.5; 26 / 5 is not
    assert "**1 customer at risk**" in [m.value for m in app.markdown]


def test_segments_list_filters_by_segment_and_keeps_ids(tmp_path):
    app = open_customers(tmp_path)
    summary = dataframe_with(app, "% of revenue").set_index("Segment")
    assert summary.loc["New", "Customers"] == 1  # E1, bought today
    assert summary["Customers"].sum() == 5
    app.multiselect(key="segment_filter").set_value(["new"]).run()
    listed = dataframe_with(app, "RFM")
    assert list(listed["Customer"]) == ["E1"]
    moves = dataframe_with(app, "From")
    assert "Not a customer yet" in set(moves["From"])  # E1 arrived in February


def test_vip_list_has_a_monthly_history(tmp_path):
    app = open_customers(tmp_path)
    vips = dataframe_with(app, "Orders per month, last 12")
    assert list(vips["Customer"]) == ["00421"]
    assert list(vips["Orders per month, last 12"].iloc[0])[-2:] == [3, 0]
