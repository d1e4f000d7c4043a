"""End to end in headless Chromium set to Los Angeles time: a web shop's export
written in UTC (field case F03) is uploaded, the Data page has the browser's
zone chosen as the shop's, and the Retention page counts the evening orders of
31 January and 29 February in their own month."""

from __future__ import annotations

from conftest import wait_for_app
from test_browser_share import metric_value


def test_a_browser_in_los_angeles_converts_utc_stamps_to_its_zone(
    app_server, chromium_browser, cases_dir
):
    context = chromium_browser.new_context(
        viewport={"width": 1400, "height": 1000}, timezone_id="America/Los_Angeles"
    )
    try:
        page = context.new_page()
        page.goto(app_server, wait_until="domcontentloaded")
        wait_for_app(page)
        page.locator('[data-testid="stSidebar"] input[type="file"]').set_input_files(
            str(cases_dir / "F03_orders_utc_timestamps.csv")
        )
        wait_for_app(page)
        nav = page.locator('[data-testid="stSidebarNav"] a')

        nav.filter(has_text="Data").click()
        text = wait_for_app(page)
        zone = page.get_by_role("combobox", name="Shop time zone")
        assert zone.input_value() == "America/Los Angeles"
        assert "7 time stamps carried a time zone and were converted to " in text

        nav.filter(has_text="Retention").click()
        text = wait_for_app(page)
        assert "Times converted to the shop's time zone, America/Los Angeles." in text
        assert "Last complete period: Feb 2024" in text
        assert metric_value(page, "Retention rate (CRR)") == "33.33 %"
        assert metric_value(page, "Churn rate") == "66.67 %"
        assert metric_value(page, "At start (S)") == "3"
        assert metric_value(page, "Gained (N)") == "1"
        assert not page.locator('[data-testid="stException"]').count()
    finally:
        context.close()
