"""Measure how long each page's figures take to compute from loaded orders; not
a test.

Usage: ``PYTHONPATH=. python scripts/bench_pages.py [--orders 1000000 10000000]
[--customers 500000] [--pages overview retention ...]``

For each size it generates a seeded canonical orders table (the output of
reading and cleaning: string ids, time stamps, revenue) over three years
(2022-2024) with the given number of customers, about 8 % guest orders and 1 %
refunds that matched no purchase, and then, for each page, runs the same
``retention`` calls the page makes for the whole range by month with an empty
cache, and prints the seconds it took (wall clock and CPU: the machine may be
shared, and CPU seconds are what the code itself costs) and the process's peak
resident memory so far. The customer codes and the purchase history
(``retention.history``), made once per loaded file and read by every page, are
timed on their own lines first. Each size runs in a fresh process, so the
memory figures of one size do not carry into the next. Targets on the reference machine (2 cores): every
page under 1 s at 1,000,000 orders and under 5 s at 10,000,000.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from retention.annual import annual_retention, rolling_annual_retention  # noqa: E402
from retention.changes import customer_flow, period_summary, revenue_change  # noqa: E402
from retention.clv import clv_by_cohort, clv_factors  # noqa: E402
from retention.cohorts import (  # noqa: E402
    cohort_cells,
    cohort_matrix,
    first_period_retention,
)
from retention.history import purchase_history  # noqa: E402
from retention.leaks import churn_leaks, customers_at_start, lost_in_groups  # noqa: E402
from retention.orders import customer_codes  # noqa: E402
from retention.overview import overview, range_retention  # noqa: E402
from retention.periods import period_ordinals  # noqa: E402
from retention.retention_rates import (  # noqa: E402
    latest_complete_period,
    retention_by_period,
)
from retention.segments import (  # noqa: E402
    as_of_days,
    customer_segments,
    customers_at_risk,
    segment_moves,
    segment_summary,
    vip_customers,
)
from retention.selection import Selection  # noqa: E402

FIRST_DAY = pd.Timestamp("2022-01-01")
DAYS = 3 * 365 + 1


def report(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def string_column(values: pa.Array) -> pd.Series:
    return pd.Series(pd.arrays.ArrowStringArray(values))


def generated_orders(orders: int, customers: int, seed: int = 7) -> pd.DataFrame:
    """A canonical orders table: customers of very different habits (how often
    a customer buys follows a log-normal spread), each buying only after their
    own first day, evening-heavy time stamps over three years."""
    rng = np.random.default_rng(seed)
    weight = rng.lognormal(0.0, 1.2, customers)
    customer = rng.choice(customers, size=orders, p=weight / weight.sum())
    first_day = rng.integers(0, DAYS, customers)
    day = first_day[customer] + (
        rng.random(orders) * (DAYS - first_day[customer])
    ).astype("int64")
    seconds = rng.integers(8 * 3600, 21 * 3600, orders)
    stamps = (
        FIRST_DAY.to_datetime64()
        + day.astype("timedelta64[D]")
        + seconds.astype("timedelta64[s]")
    ).astype("datetime64[ns]")
    order = np.argsort(stamps, kind="stable")
    customer, stamps = customer[order], stamps[order]

    ids = pc.binary_join_element_wise(
        "C",
        pc.utf8_lpad(pc.cast(pa.array(np.arange(customers)), pa.string()), 6, "0"),
        "",
    )
    guest = rng.random(orders) < 0.08
    customer_ids = ids.take(pa.array(customer, mask=guest))
    order_ids = pc.binary_join_element_wise(
        "O", pc.cast(pa.array(np.arange(orders)), pa.string()), ""
    )
    refund = rng.random(orders) < 0.01
    revenue = np.round(rng.lognormal(3.0, 0.7, orders), 2)
    revenue[refund] = -revenue[refund]
    return pd.DataFrame(
        {
            "order_id": string_column(order_ids),
            "customer_id": string_column(customer_ids),
            "timestamp": stamps,
            "revenue": revenue,
            "items": pd.array(rng.integers(1, 6, orders), dtype="Int64"),
            "is_purchase": ~refund,
        }
    )


def whole_range(orders: pd.DataFrame) -> Selection:
    months = period_ordinals(orders["timestamp"], "month")
    return Selection("month", int(months.min()), int(months.max()))


def overview_page(orders, selection):
    overview(orders, selection)
    range_retention(orders, selection)
    latest_complete_period(retention_by_period(orders, "month"))


def retention_page(orders, selection):
    latest_complete_period(retention_by_period(orders, "month"))
    annual_retention(orders, orders["timestamp"].max())
    rolling_annual_retention(orders)


def changes_page(orders, selection):
    table = retention_by_period(orders, "month")
    row = latest_complete_period(table)
    one = replace(selection, first=int(row["period"]), last=int(row["period"]))
    period_summary(orders, row, one)
    customer_flow(row)
    revenue_change(orders, one.previous(), one)
    members = customers_at_start(orders, selection)
    churn_leaks(members, "cohort")
    lost_in_groups(members, "cohort")


def cohorts_page(orders, selection):
    cells = cohort_cells(orders, "month")
    cohort_matrix(cells, "share", average_label="Average")
    first_period_retention(cells)


def customers_page(orders, selection):
    as_of, before = as_of_days(orders, selection)
    segments = customer_segments(orders, as_of)
    segment_summary(segments)
    segment_moves(customer_segments(orders, before), segments)
    vip_customers(orders, segments, as_of)
    customers_at_risk(segments)


def value_page(orders, selection):
    factors = clv_factors(orders)
    clv_by_cohort(orders, factors, "quarter")


PAGES = {
    "overview": overview_page,
    "retention": retention_page,
    "changes": changes_page,
    "cohorts": cohorts_page,
    "customers": customers_page,
    "value": value_page,
}


def measure(orders: int, customers: int, pages: list[str]) -> None:
    started = time.perf_counter()
    table = generated_orders(orders, customers)
    report(
        f"{orders:>11,} orders, {customers:,} customers: generated in "
        f"{time.perf_counter() - started:.1f} s, peak {peak_mb():,.0f} MB"
    )
    selection = whole_range(table)
    # the customer codes and the purchase history are made once per loaded
    # table, as the app does; every page's figures then read them
    for name, build in (("codes", customer_codes), ("history", purchase_history)):
        started, cpu = time.perf_counter(), time.process_time()
        build(table)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        report(f"  {name:<10} {seconds:7.2f} s  (cpu {cpu:6.2f} s)  once per file")
    for name in pages:
        started, cpu = time.perf_counter(), time.process_time()
        PAGES[name](table, selection)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        report(
            f"  {name:<10} {seconds:7.2f} s  (cpu {cpu:6.2f} s)  "
            f"peak so far {peak_mb():8,.0f} MB  load {os.getloadavg()[0]:.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--orders", type=int, nargs="+", default=[1_000_000, 10_000_000]
    )
    parser.add_argument("--customers", type=int, default=500_000)
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), default=list(PAGES))
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        measure(args.one, args.customers, args.pages)
        return
    for orders in args.orders:
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                str(orders),
                "--customers",
                str(args.customers),
                "--pages",
                *args.pages,
            ],
            check=True,
        )
    report(json.dumps({"sizes": args.orders, "pages": args.pages}))


if __name__ == "__main__":
    main()
