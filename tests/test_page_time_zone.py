"""The shop's time zone (field case F03): stamps written in UTC are converted
to the zone chosen on the Data page (the browser's by default) before anything
is put into periods, the figure pages say which zone, and a saved dataset and
its share links keep the zone whatever the partner's browser says."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from retention.sales_log import load_sales_log
from tests.test_page_share import create_link, token_of
from tests.test_pages import navigation_pages, shown_metrics, upload  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
F03 = "F03_orders_utc_timestamps.csv"
LOS_ANGELES = "America/Los_Angeles"
CAPTION = "Times converted to the shop's time zone, America/Los Angeles."


@pytest.fixture(autouse=True)
def f03_not_saved(app_store, cases_dir):
    """Each test starts with F03 unsaved: a saved dataset's zone would be used."""
    saved = app_store.find(load_sales_log(cases_dir / F03).content_hash)
    if saved is not None:
        app_store.delete(saved.id)


def open_app(browser_zone: str | None = None, query: dict | None = None) -> AppTest:
    """The app in a browser that says it is in ``browser_zone`` (None: says none)."""
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    app.context["timezone"] = browser_zone
    app.query_params.update(query or {})
    return app.run()


def retention_rows(app: AppTest) -> pd.DataFrame:
    app.switch_page("pages/retention.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app.dataframe[0].value.set_index("Period")


def month_revenue(app: AppTest, month: str) -> str:
    ordinal = pd.Period(month, "M").ordinal
    app.switch_page("pages/overview.py").run()
    app.select_slider(key="range_month").set_value((ordinal, ordinal)).run()
    assert not app.exception, [e.value for e in app.exception]
    return shown_metrics(app)["Revenue"]


def assert_the_cases_figures(app: AppTest) -> None:
    """F03 in Los Angeles: January 120.00, February 85.00 with CRR 33.33 %
    (S 3, E 2, N 1, L 2), March 40.00 with CRR and churn 50 %."""
    rows = retention_rows(app)
    february, march = rows.loc["Feb 2024"], rows.loc["Mar 2024"]
    assert (february["At start (S)"], february["At end (E)"]) == (3, 2)
    assert (february["Gained (N)"], february["Lost (L)"]) == (1, 2)
    assert (february["CRR"], february["Churn"]) == ("33.33 %", "66.67 %")
    assert (march["CRR"], march["Churn"]) == ("50.00 %", "50.00 %")
    assert CAPTION in [caption.value for caption in app.caption]
    assert month_revenue(app, "2024-01") == "120.00"
    assert month_revenue(app, "2024-02") == "85.00"
    assert month_revenue(app, "2024-03") == "40.00"
    assert CAPTION in [caption.value for caption in app.caption]


def test_f03_with_the_shop_zone_chosen_gives_the_cases_figures(cases_dir):
    app = upload(open_app(), cases_dir / F03)
    app.switch_page("pages/data.py").run()
    assert not app.exception
    box = app.selectbox(key="timezone")
    assert box.value == ""  # the browser said no zone: the clock time is kept
    assert LOS_ANGELES in box.options or "America/Los Angeles" in box.options
    assert any("did not say which time zone" in c.value for c in app.caption)

    box.set_value(LOS_ANGELES).run()
    assert not app.exception
    assert any("converted to America/Los_Angeles" in c.value for c in app.caption)
    assert_the_cases_figures(app)


def test_without_a_zone_the_clock_time_is_kept_and_no_zone_is_named(cases_dir):
    app = upload(open_app(), cases_dir / F03)
    rows = retention_rows(app)
    assert rows.loc["Feb 2024", "CRR"] == "100.00 %"  # the case's wrong, UTC answer
    assert not any("Times converted" in c.value for c in app.caption)


def test_the_browsers_zone_is_the_shop_zone_until_another_is_chosen(cases_dir):
    app = upload(open_app(LOS_ANGELES), cases_dir / F03)
    assert_the_cases_figures(app)
    app.switch_page("pages/data.py").run()
    assert app.selectbox(key="timezone").value == LOS_ANGELES

    app.selectbox(key="timezone").set_value("").run()
    assert month_revenue(app, "2024-02") == "95.00"  # bucketed in UTC, as asked
    assert retention_rows(app).loc["Feb 2024", "CRR"] == "100.00 %"


def test_a_file_without_zoned_stamps_shows_no_zone_box(cases_dir):
    app = upload(open_app(LOS_ANGELES), cases_dir / "F01_orders_q1_q2.csv")
    app.switch_page("pages/data.py").run()
    assert not app.exception
    assert not [box for box in app.selectbox if box.key == "timezone"]
    app.switch_page("pages/overview.py").run()
    assert not any("Times converted" in c.value for c in app.caption)


def test_a_saved_dataset_keeps_its_zone_for_a_partner_in_another_zone(
    cases_dir, app_store
):
    owner = upload(open_app(), cases_dir / F03)
    owner.switch_page("pages/data.py").run()
    owner.selectbox(key="timezone").set_value(LOS_ANGELES).run()
    owner.switch_page("pages/overview.py").run()
    dataset = app_store.find(load_sales_log(cases_dir / F03).content_hash)
    assert dataset.settings["timezone"] == LOS_ANGELES
    assert app_store.load(dataset.id).report.timezone == LOS_ANGELES
    address = create_link(owner)

    partner = open_app("Asia/Tokyo", {"share": token_of(address)})
    assert not partner.exception, [e.value for e in partner.exception]
    assert_the_cases_figures(partner)


def test_a_file_uploaded_again_from_another_zone_reads_in_its_saved_zone(
    cases_dir, app_store
):
    owner = upload(open_app(), cases_dir / F03)
    owner.switch_page("pages/data.py").run()
    owner.selectbox(key="timezone").set_value(LOS_ANGELES).run()

    travelling = upload(open_app("Europe/Budapest"), cases_dir / F03)
    assert not travelling.exception
    assert_the_cases_figures(travelling)
    travelling.switch_page("pages/data.py").run()
    assert travelling.selectbox(key="timezone").value == LOS_ANGELES
    dataset = app_store.find(load_sales_log(cases_dir / F03).content_hash)
    assert dataset.settings["timezone"] == LOS_ANGELES
