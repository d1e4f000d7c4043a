"""On a fresh server, the first visitor of a page's own address still goes
through app.py: the password, the link check and the owner-only pages hold.
(Streamlit runs a pages/ file on its own until the process first calls
st.navigation; see ui.access.require_app_frame.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import REPO_ROOT, _free_port, _stop, _wait_until_healthy, wait_for_app

from retention.sales_log import load_sales_log
from retention.store import DatasetStore, database_url

PAGES = sorted(path.name for path in (REPO_ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_goes_through_the_app_frame(page):
    text = (REPO_ROOT / "pages" / page).read_text()
    assert "require_app_frame()" in text or "require_view()" in text


@pytest.fixture
def fresh_server(tmp_path, cases_dir):
    """A server nobody has opened yet, with a password and a saved dataset."""
    data_dir = tmp_path / "data"
    store = DatasetStore(database_url(None, data_dir))
    store.save(
        "Secret bakery", load_sales_log(cases_dir / "F20_orders_for_share_link.csv")
    )
    store.engine.dispose()
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        REGULARS_DATA_DIR=str(data_dir),
        REGULARS_PASSWORD="open sesame",
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
    )
    env.pop("REGULARS_DATABASE_URL", None)
    log_path = tmp_path / "streamlit.log"
    command = [sys.executable, "-m", "streamlit", "run", "app.py"]
    command += ["--server.headless", "true", "--server.port", str(port)]
    with Path(log_path).open("w") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait_until_healthy(process, base_url, log_path)
            yield base_url
        finally:
            _stop(process)


def test_the_first_visit_of_the_share_page_asks_for_the_password(
    fresh_server, browser_page
):
    page = browser_page
    page.goto(f"{fresh_server}/share", wait_until="domcontentloaded")
    text = wait_for_app(page)
    assert "Secret bakery" not in text
    assert "Share with a business partner" not in text
    assert page.locator('input[type="password"]').count() == 1
    nav = page.locator('[data-testid="stSidebarNav"]')
    assert not nav.count() or "share" not in nav.inner_text().lower()

    page.locator('input[type="password"]').fill("open sesame")
    page.get_by_role("button", name="Open").click()
    wait_for_app(page)
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Share").click()
    text = wait_for_app(page)
    assert "Secret bakery" in text  # the owner, past the password, sees it


def shows_no_page_not_found(page) -> bool:
    return not page.get_by_text("Page not found").count()


def test_every_page_file_is_named_as_its_address():
    """Until its first run a server names the pages by the files of pages/
    (Streamlit's older multipage mode, see ui.access.require_app_frame): a
    file named otherwise than its address would greet the first visitor of
    that address with "Page not found"."""
    app = (REPO_ROOT / "app.py").read_text()
    pages = re.findall(r'st\.Page\("pages/(\w+)\.py"[^\n]*url_path="(\w+)"(.*)', app)
    assert len(pages) == len(PAGES)
    for stem, address, rest in pages:
        if "default=True" not in rest:  # the default page is served at the root
            assert stem == address


@pytest.mark.parametrize("address", ["value", "retention"])
def test_the_first_visitor_of_a_page_address_sees_no_page_not_found(
    fresh_server, browser_page, address
):
    page = browser_page
    page.goto(f"{fresh_server}/{address}", wait_until="domcontentloaded")
    page.locator('input[type="password"]').wait_for(timeout=60_000)
    text = wait_for_app(page)
    assert shows_no_page_not_found(page), text
    assert not page.locator('[role="dialog"]').count()
    page.locator('input[type="password"]').fill("open sesame", timeout=10_000)
    page.get_by_role("button", name="Open").click()
    text = wait_for_app(page)
    assert shows_no_page_not_found(page), text
    assert urlparse(page.url).path == f"/{address}", page.url


def test_a_revoked_link_to_the_retention_page_shows_only_the_refusal(
    fresh_server, browser_page, tmp_path
):
    store = DatasetStore(database_url(None, tmp_path / "data"))
    dataset = store.list_datasets()[0]
    token, link = store.create_link(dataset.id)
    store.revoke_link(link.id)
    store.engine.dispose()

    page = browser_page
    page.goto(f"{fresh_server}/retention?share={token}", wait_until="domcontentloaded")
    page.get_by_text("This share link was withdrawn").wait_for(timeout=60_000)
    text = wait_for_app(page)
    assert "This share link was withdrawn by its owner" in text
    assert shows_no_page_not_found(page), text
    assert not page.locator('[role="dialog"]').count()
    assert "Secret bakery" not in text and "Retention and churn" not in text
    assert not page.locator('[data-testid="stSidebar"]').count()


def test_a_bookmarked_page_asks_for_the_password_then_opens_that_page(
    fresh_server, browser_page
):
    page = browser_page
    view = "?period=quarter&start=2024-01-01&end=2024-03-31"
    page.goto(f"{fresh_server}/cohorts{view}", wait_until="domcontentloaded")
    page.locator('input[type="password"]').wait_for(timeout=60_000)
    text = wait_for_app(page)
    assert shows_no_page_not_found(page), text
    assert not page.locator('[role="dialog"]').count()
    assert "Cohorts" not in text

    page.locator('input[type="password"]').fill("open sesame", timeout=10_000)
    page.get_by_role("button", name="Open").click()
    page.get_by_text("Cohorts: since when do customers come back?").wait_for(
        timeout=60_000
    )
    text = wait_for_app(page)
    assert shows_no_page_not_found(page), text
    assert urlparse(page.url).path == "/cohorts", page.url
    assert "period=quarter" in page.url

    # the Overview is at the root, and its name opens it too (a new session)
    page.goto(f"{fresh_server}/overview{view}", wait_until="domcontentloaded")
    page.locator('input[type="password"]').wait_for(timeout=60_000)
    text = wait_for_app(page)
    assert shows_no_page_not_found(page), text
    page.locator('input[type="password"]').fill("open sesame", timeout=10_000)
    page.get_by_role("button", name="Open").click()
    page.get_by_text("Do your customers come back?").wait_for(timeout=60_000)
    text = wait_for_app(page)
    assert shows_no_page_not_found(page), text
    assert "period=quarter" in page.url


def test_a_share_link_to_an_owner_page_opens_the_overview_and_says_so(
    fresh_server, browser_page, tmp_path
):
    store = DatasetStore(database_url(None, tmp_path / "data"))
    token, _ = store.create_link(store.list_datasets()[0].id)
    store.engine.dispose()

    page = browser_page
    page.goto(f"{fresh_server}/data?share={token}", wait_until="domcontentloaded")
    page.get_by_text("is not open to shared links").wait_for(timeout=60_000)
    text = wait_for_app(page)
    assert "The link's page “data” is not open to shared links; showing Overview." in (
        text
    )
    assert "Do your customers come back?" in text
    assert shows_no_page_not_found(page), text
    assert urlparse(page.url).path == "/", page.url
    assert f"share={token}" in page.url
