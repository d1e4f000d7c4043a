"""End to end in headless Chromium: the owner uploads a workbook and a survey,
makes a read-only link that opens on the Retention page, and a partner in a
fresh browser (no cookies, no upload) opens it, reads the same retention rate
and the same NPS, and downloads a report with the NPS sheet; a mistyped link
shows one message and nothing else."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import urlparse

import openpyxl
import pytest
from conftest import wait_for_app
from test_browser_app import choose, write_workbook
from test_browser_nps import SURVEY


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

        nav.filter(has_text="NPS").click()
        wait_for_app(owner)
        survey = tmp_path / "answers.csv"
        survey.write_text(SURVEY, encoding="utf-8")
        owner.locator('[data-testid="stMain"] input[type="file"]').set_input_files(
            str(survey)
        )
        owner.get_by_text("Saved with “link_shop.xlsx”").wait_for(timeout=60_000)
        wait_for_app(owner)
        owner_nps = metric_value(owner, "Net Promoter Score")
        assert owner_nps == "33"  # 10, 6 and 9 are answers; 9.5 is not

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

        partner.locator('[data-testid="stSidebarNav"] a').filter(has_text="NPS").click()
        partner.get_by_text("The survey saved with this dataset").wait_for(
            timeout=60_000
        )
        wait_for_app(partner)
        assert metric_value(partner, "Net Promoter Score") == owner_nps
        assert "nps" in urlparse(partner.url).path and "share=" in partner.url
        assert not partner.locator('input[type="file"]').count()
        assert not partner.locator('[data-testid="stException"]').count()

        with partner.expect_download(timeout=60_000) as download:
            partner.get_by_role("button", name="Download this view (.xlsx)").click()
        content = Path(download.value.path()).read_bytes()
        book = openpyxl.load_workbook(io.BytesIO(content))
        figures = {
            row[0]: row[1] for row in book["NPS"].iter_rows(values_only=True) if row
        }
        assert figures["Net Promoter Score"] == pytest.approx(100 / 3)
        assert figures["Answers (valid 0-10 scores)"] == 3
    finally:
        owner_context.close()
        partner_context.close()


F20_VIEW = "/?granularity=Q&start=2024-01-01&end=2024-03-31"


def crr(page) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(
        has_text="Retention rate (CRR)"
    )
    return metric.inner_text()


def test_a_partner_opens_the_owners_link_and_sees_the_same_crr(
    app_server, browser_page, chromium_browser, cases_dir
):
    owner = browser_page
    owner.goto(app_server + F20_VIEW, wait_until="domcontentloaded")
    wait_for_app(owner)
    owner.locator('[data-testid="stSidebar"] input[type="file"]').set_input_files(
        str(cases_dir / "F20_orders_for_share_link.csv")
    )
    saved = re.compile("Saved as|uploaded this file before")
    owner.get_by_text(saved).first.wait_for(timeout=60_000)
    text = wait_for_app(owner)
    assert "Saved as" in text or "uploaded this file before" in text
    owners_crr = crr(owner)
    assert "100.00 %" in owners_crr  # Q1 2024: S = {C01}, C01 came back

    owner.locator('[data-testid="stSidebarNav"] a').filter(has_text="Share").click()
    wait_for_app(owner)
    owner.get_by_role("button", name="Create link").first.click()
    wait_for_app(owner)
    link = owner.locator('[data-testid="stCode"] code').first.inner_text().strip()
    assert link.startswith(app_server + "/?") and "share=" in link  # the Overview

    partner_context = chromium_browser.new_context(
        viewport={"width": 1400, "height": 1000}
    )
    try:
        partner = partner_context.new_page()
        partner.goto(link, wait_until="domcontentloaded")
        partner.get_by_text("shared with you (read-only)").wait_for(timeout=60_000)
        text = wait_for_app(partner)
        assert "shared with you (read-only)" in text
        assert crr(partner) == owners_crr
        assert "period=quarter" in partner.url and "share=" in partner.url
        assert not partner.locator('input[type="file"]').count()
        nav = partner.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Share" not in nav and "Data" not in nav
        assert not partner.locator('[data-testid="stException"]').count()

        partner.goto(link.replace("share=", "share=x"), wait_until="domcontentloaded")
        partner.get_by_text("This share link is not valid").wait_for(timeout=60_000)
        text = wait_for_app(partner)
        assert "This share link is not valid" in text
        assert not partner.locator('[data-testid="stMetric"]').count()
        assert not partner.locator('[data-testid="stSidebar"]').count()
    finally:
        partner_context.close()
