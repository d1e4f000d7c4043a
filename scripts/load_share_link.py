"""Load test: many partners open one share link at the same time.

Starts the app on 127.0.0.1 (a free port, a throw-away data folder), saves the
bundled sample sales log and survey as a dataset with one share link, then
opens that link from ``--sessions`` headless Chromium sessions at once
(Debian's ``/usr/bin/chromium`` through Playwright). Each session visits every
page a partner sees, in order, and records how long each page took from the
click to a finished, still page. Prints the errors seen (a Streamlit exception
box or an error message: there must be none), the median, 95th percentile and
slowest page time, and the CPU seconds the app's server process used, which
tells the server's share of the time from the browsers' (they run on the same
machine).

With ``--warm``, one session visits every page first, unmeasured, so the
figures are those of a server that has already computed the dataset's
figures; without it, the sessions meet a server nobody has used yet.

Traffic goes to the loopback address only; the run stops itself after
``--timeout`` seconds at the latest.

    python scripts/load_share_link.py --sessions 10
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from retention.sales_log import load_sales_log  # noqa: E402
from retention.store import DatasetStore, database_url  # noqa: E402
from retention.survey import read_survey, survey_responses  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]
SAMPLE = REPO / "sample_data" / "Online_Retail_subset_cust_mod10.xlsx"
SAMPLE_SURVEY = (
    REPO / "sample_data" / "carpentries_instructor_training_nps_2016-2018.csv"
)
# The pages a partner sees, by their title in the sidebar.
PARTNER_PAGES = [
    "Overview",
    "Retention",
    "What changed",
    "Cohorts",
    "Customers",
    "Customer value",
    "NPS",
]
POLL_S = 0.1
STILL_POLLS = 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(port: int, data_dir: str) -> subprocess.Popen:
    env = dict(os.environ, REGULARS_DATA_DIR=data_dir)
    env.pop("REGULARS_DATABASE_URL", None)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless=true",
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--browser.gatherUsageStats=false",
    ]
    return subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )


def wait_healthy(base: str, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"the app did not start on {base}")


def share_link(data_dir: str, base: str) -> str:
    """Save the sample and its survey as a dataset and return the address of
    a new link."""
    store = DatasetStore(database_url(None, Path(data_dir)))
    dataset, _ = store.save("Sample shop", load_sales_log(SAMPLE))
    survey = read_survey(SAMPLE_SURVEY)
    store.save_survey(dataset.id, survey, survey_responses(survey))
    token, _ = store.create_link(dataset.id, label="load test")
    store.engine.dispose()
    return f"{base}/?period=month&window=1&share={token}"


async def settled(page, timeout_s: float = 180) -> None:
    """Wait until the script has finished and the page stays still."""
    deadline = time.monotonic() + timeout_s
    still = 0
    while time.monotonic() < deadline:
        running = await page.locator('[data-testid="stStatusWidget"]').count()
        titled = await page.locator("h1").count()
        still = still + 1 if not running and titled else 0
        if still >= STILL_POLLS:
            return
        await asyncio.sleep(POLL_S)
    raise TimeoutError("the page did not finish")


async def page_errors(page) -> list[str]:
    exceptions = page.locator('[data-testid="stException"]')
    alerts = page.locator('[data-testid="stAlertContentError"]')
    return [
        await exceptions.nth(i).inner_text() for i in range(await exceptions.count())
    ] + [await alerts.nth(i).inner_text() for i in range(await alerts.count())]


async def one_partner(
    browser, link: str, number: int, times: list, errors: list
) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(120_000)
    page = await context.new_page()
    try:
        started = time.monotonic()
        await page.goto(link, wait_until="domcontentloaded")
        await settled(page)
        times.append(("open link", time.monotonic() - started))
        for title in PARTNER_PAGES:
            started = time.monotonic()
            await (
                page.locator('[data-testid="stSidebarNav"] a')
                .filter(has_text=title)
                .first.click()
            )
            await settled(page)
            times.append((title, time.monotonic() - started - STILL_POLLS * POLL_S))
            errors.extend(
                f"session {number}, {title}: {e}" for e in await page_errors(page)
            )
    except Exception as error:  # noqa: BLE001 - every failure is reported
        errors.append(f"session {number}: {type(error).__name__}: {error}")
    finally:
        await context.close()


async def run_partners(link: str, sessions: int, timeout_s: float) -> tuple[list, list]:
    from playwright.async_api import async_playwright

    times: list = []
    errors: list = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS
        )
        try:
            partners = [
                one_partner(browser, link, n, times, errors)
                for n in range(1, sessions + 1)
            ]
            await asyncio.wait_for(asyncio.gather(*partners), timeout=timeout_s)
        except TimeoutError:
            errors.append(f"the run did not finish within {timeout_s:.0f} s")
        finally:
            await browser.close()
    return times, errors


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU seconds of a process so far (Linux), else None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument(
        "--warm", action="store_true", help="visit every page once before measuring"
    )
    arguments = parser.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data_dir:
        app = start_app(port, data_dir)
        try:
            wait_healthy(base)
            link = share_link(data_dir, base)
            if arguments.warm:
                _, warm_errors = asyncio.run(run_partners(link, 1, arguments.timeout))
                if warm_errors:
                    say(f"warm-up errors: {warm_errors}")
            cpu_before = cpu_seconds(app.pid)
            started = time.monotonic()
            times, errors = asyncio.run(
                run_partners(link, arguments.sessions, arguments.timeout)
            )
            elapsed = time.monotonic() - started
            cpu_after = cpu_seconds(app.pid)
        finally:
            app.terminate()
            app.wait(timeout=20)

    seconds = [duration for _, duration in times]
    say(f"sessions: {arguments.sessions}, pages per session: {len(PARTNER_PAGES) + 1}")
    say(f"server: {'warm' if arguments.warm else 'cold (nobody had used it)'}")
    say(f"page loads measured: {len(seconds)} in {elapsed:.1f} s")
    if cpu_before is not None and cpu_after is not None:
        say(f"app server CPU: {cpu_after - cpu_before:.1f} s")
    if seconds:
        say(
            f"page time: median {statistics.median(seconds):.2f} s, "
            f"95th percentile {percentile(seconds, 0.95):.2f} s, "
            f"slowest {max(seconds):.2f} s"
        )
        for title in ["open link", *PARTNER_PAGES]:
            of_page = [d for name, d in times if name == title]
            if of_page:
                say(f"  {title:<15} median {statistics.median(of_page):.2f} s")
    say(f"errors: {len(errors)}")
    for error in errors:
        say(f"  {error}")
    return (
        1
        if errors or len(seconds) < arguments.sessions * (len(PARTNER_PAGES) + 1)
        else 0
    )


if __name__ == "__main__":
    sys.exit(main())
