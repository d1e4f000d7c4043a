"""Fixtures shared by the whole test suite.

- ``shared_dir`` and ``cases_dir``: the read-only material beside the repository
  (``../shared``): real datasets and the field cases with their worked answers.
- ``app_server``, ``browser_page`` and ``wait_for_app``: the app running in a
  subprocess and a headless Chromium page to look at it, for the tests marked
  ``browser``. Chromium is Debian's ``/usr/bin/chromium``: Playwright's own browser
  download is not used. Without Chromium the browser tests are skipped, unless
  ``REGULARS_REQUIRE_BROWSER=1`` (set by ``.ci/run``), where they fail instead.
- ``store_url``: a fresh, empty database for each test, once SQLite and once the
  PostgreSQL server named by ``REGULARS_TEST_POSTGRES_URL`` (``.ci/run`` starts
  one). Without that URL the PostgreSQL runs are skipped, except under CI, where
  they fail. The app under test (AppTest or the server) keeps its datasets in
  the temporary data folder of ``private_data_dir``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_FIXTURES = {"app_server", "chromium_browser", "browser_page"}
HEALTH_TIMEOUT_S = 90

# No per-example time limit: a deadline measures how busy the machine is, not the
# code, and a shared or slow machine would fail tests that are right. Speed is
# measured by the scripts in scripts/. CI also prints the blob of a failure.
settings.register_profile("local", deadline=None)
settings.register_profile("ci", parent=settings.get_profile("local"), print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "local")


@pytest.fixture(autouse=True, scope="session")
def private_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """What the app remembers (column choices per file layout) goes to a fresh
    folder, not to the user's home."""
    folder = tmp_path_factory.mktemp("regulars-data")
    previous = os.environ.get("REGULARS_DATA_DIR")
    os.environ["REGULARS_DATA_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("REGULARS_DATA_DIR", None)
    else:
        os.environ["REGULARS_DATA_DIR"] = previous


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the app server or the browser as ``browser``,
    so ``pytest -m "not browser"`` runs the fast suite alone."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


def _skip_or_fail(reason: str) -> None:
    """Skip a test whose tools are missing, or fail it where CI requires them."""
    if os.environ.get("REGULARS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (REGULARS_REQUIRE_BROWSER=1, so this is an error)")
    pytest.skip(reason)


# Databases


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, once SQLite and once PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    url = os.environ.get("REGULARS_TEST_POSTGRES_URL")
    if not url:
        reason = "no PostgreSQL server: set REGULARS_TEST_POSTGRES_URL"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI must test PostgreSQL)")
        pytest.skip(reason)
    from sqlalchemy import create_engine

    from retention.store import metadata

    engine = create_engine(url)
    metadata.drop_all(engine)
    engine.dispose()
    yield url
    engine = create_engine(url)
    metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def app_store(private_data_dir: Path) -> Iterator[object]:
    """The database the app under test saves in (in ``private_data_dir``)."""
    from retention.layouts import data_dir
    from retention.store import DatasetStore, database_url

    store = DatasetStore(database_url(None, data_dir()))
    yield store
    store.engine.dispose()


# Data beside the repository


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` next to the repository: datasets (``data/``) and cases."""
    if not SHARED_DIR.is_dir():
        reason = f"the shared material is not at {SHARED_DIR}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return SHARED_DIR


@pytest.fixture(scope="session")
def cases_dir(shared_dir: Path) -> Path:
    """The folder of field-case input files (``../shared/cases/inputs``), such as
    ``F16_nps_invalid_scores.csv``; the worked answers are in ``../README.md``."""
    return shared_dir / "cases" / "inputs"


# The app in a subprocess


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _is_healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as reply:
            return reply.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Run ``streamlit run app.py`` from the repository root on a free port and
    yield its base URL (``http://127.0.0.1:PORT``); stop it after the session."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("app_server") / "streamlit.log"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
    ]
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")

    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait_until_healthy(process, base_url, log_path)
            yield base_url
        finally:
            _stop(process)


def _wait_until_healthy(
    process: subprocess.Popen, base_url: str, log_path: Path
) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        if _is_healthy(base_url):
            return
        if process.poll() is not None:
            break
        time.sleep(0.5)
    log_tail = log_path.read_text(errors="replace")[-3000:]
    pytest.fail(
        f"The app did not answer {base_url}/_stcore/health within "
        f"{HEALTH_TIMEOUT_S} s (exit code {process.poll()}). Server log:\n{log_tail}"
    )


# Headless Chromium


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[object]:
    """One headless Chromium for the session (Debian's, launched by Playwright)."""
    if not Path(CHROMIUM).exists():
        _skip_or_fail(
            f"Chromium is not installed at {CHROMIUM}; "
            "install it with `apt-get install chromium` to run the browser tests"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("the playwright package is not installed")

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def browser_page(chromium_browser) -> Iterator[object]:
    """A fresh page (own cookies and storage) at 1400 x 1000, closed after the test."""
    context = chromium_browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        yield context.new_page()
    finally:
        context.close()


def wait_for_app(page, timeout_s: float = 60) -> str:
    """Wait until Streamlit has finished running the script and return the page text.

    Finished means: no running-status widget and the same body text on two looks
    0.7 s apart. Raises ``TimeoutError`` when that does not happen in ``timeout_s``.
    Import it in a test with ``from conftest import wait_for_app``.
    """
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_s * 1000)
    deadline = time.monotonic() + timeout_s
    last_text = None
    while time.monotonic() < deadline:
        page.wait_for_timeout(700)
        running = page.locator('[data-testid="stStatusWidget"]').count()
        text = page.inner_text("body")
        if not running and text == last_text:
            return text
        last_text = text
    raise TimeoutError(f"the app was still running or changing after {timeout_s} s")
