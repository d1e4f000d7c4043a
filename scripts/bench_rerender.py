"""Measure how long a page takes to draw again when the owner moves a slider on
data that is already loaded; not a test.

Usage: ``PYTHONPATH=. python scripts/bench_rerender.py [--orders 0 1000000]
[--pages overview changes ...] [--moves 3]``

Each page is run through Streamlit's AppTest (the whole app: sidebar, page and
every element it sends), first on the bundled sample (``--orders 0``) and then
on a generated sales log of the given number of orders (the seeded table of
``bench_pages.py``, 500,000 customers over three years, uploaded as a CSV
file). The first run of a page reads the file and fills the caches; it is
timed but not counted. Then the date-range slider is moved ``--moves`` times
(its start one period later each time), the period is switched to weeks and
back, and, on the pages that have one, the page's own slider or choice is
moved; the seconds of each of those runs are printed (wall clock and CPU). The
target on the reference machine (2 cores) is under 0.3 s for a slider move on
cached data.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from bench_pages import generated_orders  # noqa: E402
from streamlit.runtime.pages_manager import PagesManager  # noqa: E402
from streamlit.testing.v1 import AppTest, app_test  # noqa: E402

PAGES = {
    "overview": "pages/overview.py",
    "retention": "pages/retention.py",
    "changes": "pages/changes.py",
    "cohorts": "pages/cohorts.py",
    "customers": "pages/customers.py",
    "value": "pages/value.py",
}


class NavigationPagesManager(PagesManager):
    """AppTest resets ``uses_pages_directory`` on every run, so with a
    ``pages/`` folder beside ``app.py`` a rerun would run the page alone,
    without the sidebar; the real server sets the flag once per process."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


def report(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def generated_csv(orders: int) -> bytes:
    """The generated orders as a sales log an owner would upload."""
    table = generated_orders(orders, 500_000)
    table = table[table["is_purchase"]]
    log = table[["order_id", "customer_id", "timestamp", "revenue"]].rename(
        columns={
            "order_id": "Invoice",
            "customer_id": "Customer ID",
            "timestamp": "Date",
            "revenue": "Amount",
        }
    )
    buffer = io.StringIO()
    log.to_csv(buffer, index=False, date_format="%Y-%m-%d %H:%M:%S")
    return buffer.getvalue().encode()


def timed_run(app: AppTest) -> tuple[float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    app.run()
    if app.exception:
        raise RuntimeError([error.value for error in app.exception])
    return time.perf_counter() - started, time.process_time() - cpu


def page_moves(app: AppTest, page: str) -> list[tuple[str, object]]:
    """The page's own widgets worth moving: (what, how to move it)."""
    if page == "customers":
        return [("overdue slider", lambda: app.slider(key="risk_factor").set_value(3))]
    if page == "value":
        return [("margin slider", lambda: app.slider[0].set_value(60))]
    if page == "cohorts":
        return [
            (
                "measure choice",
                lambda: app.radio(key="cohort_measure").set_value("share_or_later"),
            )
        ]
    if page == "changes":
        box = app.selectbox(key="changes_period")
        return [("period choice", lambda: box.select_index(len(box.options) - 3))]
    return []


def measure_page(app: AppTest, page: str, moves: int) -> None:
    app.switch_page(PAGES[page])
    first, _ = timed_run(app)
    key = "range_month"
    first_period, last_period = app.select_slider(key=key).value
    runs = []
    for move in range(1, moves + 1):
        start = min(first_period + move, last_period - 1)
        app.select_slider(key=key).set_value((start, last_period))
        runs.append(("date range", *timed_run(app)))
    app.selectbox(key="period").set_value("week")
    runs.append(("period: week", *timed_run(app)))
    app.selectbox(key="period").set_value("month")
    runs.append(("period: month", *timed_run(app)))
    for what, move in page_moves(app, page):
        move()
        runs.append((what, *timed_run(app)))
    slider = [wall for what, wall, _ in runs if what == "date range"]
    report(
        f"  {page:<10} first {first:6.2f} s; date-range moves "
        f"{statistics.median(slider):5.2f} s median, {max(slider):5.2f} s worst"
    )
    for what, wall, cpu in runs:
        report(f"      {what:<16} {wall:6.2f} s  (cpu {cpu:5.2f} s)")


def measure(orders: int, pages: list[str], moves: int) -> None:
    app_test.PagesManager = NavigationPagesManager
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=600)
    if orders:
        started = time.perf_counter()
        content = generated_csv(orders)
        report(
            f"{orders:,} generated orders: a {len(content) / 1e6:,.0f} MB CSV made "
            f"in {time.perf_counter() - started:.1f} s"
        )
        app.run()
        app.sidebar.file_uploader[0].set_value([("orders.csv", content, "text/csv")])
    else:
        report("the bundled sample")
    started = time.perf_counter()
    timed_run(app)
    report(f"  loaded and drew the first page in {time.perf_counter() - started:.1f} s")
    for page in pages:
        measure_page(app, page, moves)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, nargs="+", default=[0, 1_000_000])
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), default=list(PAGES))
    parser.add_argument("--moves", type=int, default=3)
    args = parser.parse_args()
    for orders in args.orders:
        measure(orders, args.pages, args.moves)


if __name__ == "__main__":
    main()
