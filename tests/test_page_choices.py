"""Choices made on one page hold on every other page: the shop's time zone and
the date order set on the Data page, and the survey uploaded on the NPS page.
Streamlit forgets a widget's value in a run that does not draw it, so without
care each of these is lost as soon as the owner opens another page."""

from __future__ import annotations

from test_nps_page import CAFE_SURVEY, metrics, open_nps, upload_survey
from test_pages import (
    navigation_pages,  # noqa: F401  (AppTest runs app.py each time)
    open_app,
    upload,
)


def retention_row(app, label: str) -> dict:
    table = app.dataframe[0].value
    return table.set_index("Period").loc[label].to_dict()


def test_the_shop_time_zone_still_holds_after_visiting_another_page(cases_dir):
    """F03: evening orders in UTC belong to the shop's own day and month."""
    app = open_app()
    upload(app, cases_dir / "F03_orders_utc_timestamps.csv")
    app.switch_page("pages/data.py").run()
    app.selectbox(key="timezone").set_value("America/Los_Angeles").run()
    assert not app.exception

    app.switch_page("pages/overview.py").run()
    app.switch_page("pages/retention.py").run()

    assert not app.exception
    assert app.session_state["timezone"] == "America/Los_Angeles"
    february = retention_row(app, "Feb 2024")
    assert (february["At start (S)"], february["At end (E)"]) == (3, 2)
    assert (february["Gained (N)"], february["Lost (L)"]) == (1, 2)
    assert february["CRR"] == "33.33 %"
    march = retention_row(app, "Mar 2024")
    assert (march["CRR"], march["Churn"]) == ("50.00 %", "50.00 %")

    app.switch_page("pages/data.py").run()
    assert app.selectbox(key="timezone").value == "America/Los_Angeles"


def test_the_date_order_still_holds_after_visiting_another_page(cases_dir):
    app = open_app()
    upload(app, cases_dir / "F08_dayfirst_dates.csv")
    app.switch_page("pages/data.py").run()
    app.radio(key="date_order").set_value("month_first").run()

    app.switch_page("pages/overview.py").run()
    app.switch_page("pages/data.py").run()

    assert not app.exception
    assert app.radio(key="date_order").value == "month_first"


def test_an_uploaded_survey_is_still_shown_after_visiting_another_page():
    app = open_nps()
    upload_survey(app, "cafe_survey.csv", CAFE_SURVEY.encode())
    assert metrics(app)["Net Promoter Score"][0] == "25"

    app.switch_page("pages/overview.py").run()
    app.switch_page("pages/nps.py").run()

    assert not app.exception
    assert metrics(app)["Net Promoter Score"][0] == "25"
    assert any("cafe_survey.csv" in caption.value for caption in app.caption)


def test_the_owner_can_go_back_to_the_sample_survey():
    app = open_nps()
    upload_survey(app, "cafe_survey.csv", CAFE_SURVEY.encode())
    app.switch_page("pages/overview.py").run()
    app.switch_page("pages/nps.py").run()

    next(b for b in app.button if b.label == "Back to the sample").click().run()

    assert metrics(app)["Net Promoter Score"][0] == "48"
