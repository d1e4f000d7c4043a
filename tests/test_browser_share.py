"""End to end in headless Chromium: the owner uploads a workbook, makes a
read-only link that opens on the Retention page, and a partner in a fresh
browser (no cookies, no upload) opens it and reads the same retention rate."""

from __future__ import annotations

from urllib.parse import urlparse

from conftest import wait_for_app
from test_browser_app import choose, write_workbook


def metric_value(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def test_a_partner_opens_the_link_on_the_retention_page_with_the_same_crr(
    app_server, chromium_browser, tmp_path
):
    owner_context = chromium_browser.new_context(
        viewport={"width": 1400, "height": 1000}
    )
    partner_context = chromium_browser.new_context(
        viewport={"width": 1400, "height": 1000}
    )
    try:
        owner = owner_context.new_page()
        owner.goto(app_server, wait_until="domcontentloaded")
        wait_for_app(owner)
        workbook = write_workbook(tmp_path / "link_shop.xlsx")
        owner.locator('[data-testid="stSidebar"] input[type="file"]').set_input_files(
            str(workbook)
        )
        wait_for_app(owner)
        choose(owner, "Period", "Quarter")
        wait_for_app(owner)
        nav = owner.locator('[data-testid="stSidebarNav"] a')
        nav.filter(has_text="Retention").click()
        wait_for_app(owner)
        owner_crr = metric_value(owner, "Retention rate (CRR)")
        assert owner_crr == "66.67 %"

        nav.filter(has_text="Share").click()
        wait_for_app(owner)
        dataset = owner.locator('[data-testid="stExpander"]').filter(
            has_text="link_shop.xlsx"
        )
        summary = dataset.locator("summary")
        summary.wait_for()
        if dataset.locator("details").get_attribute("open") is None:
            summary.click()
        dataset.get_by_role("button", name="Create link").wait_for()
        dataset.get_by_role("combobox", name="Opens on the page").click()
        owner.get_by_role("option", name="Retention", exact=True).click()
        wait_for_app(owner)
        dataset.get_by_role("button", name="Create link").click()
        wait_for_app(owner)
        code = dataset.locator('[data-testid="stCode"]')
        code.wait_for()
        address = code.inner_text().strip()
        assert urlparse(address).path.endswith("/retention"), address
        assert "/share/" not in urlparse(address).path

        partner = partner_context.new_page()
        partner.goto(address, wait_until="domcontentloaded")
        text = wait_for_app(partner)
        assert "shared with you (read-only)" in text
        assert "Retention and churn per period" in text
        assert metric_value(partner, "Retention rate (CRR)") == owner_crr
        assert not partner.locator(
            '[data-testid="stSidebar"] input[type="file"]'
        ).count()
        assert not partner.locator('[data-testid="stException"]').count()
    finally:
        owner_context.close()
        partner_context.close()
