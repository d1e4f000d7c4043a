"""Measure reading and cleaning speed and memory; not a test.

Usage: ``PYTHONPATH=. python scripts/bench_reading.py [path/to/shared]``

Prints, for the Online Retail subset workbook (47,808 rows) and for a generated
100,000-row sales log as .xlsx and .csv: seconds to read, seconds to clean,
rows per second and peak Python memory (tracemalloc). Then the workbook reader
comparison behind the choice of python-calamine in ``retention/reading.py``.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from retention.sales_log import build_orders, read_raw

SHARED = Path(__file__).resolve().parents[2] / "shared"
RETAIL = Path("data/uci_online_retail/Online_Retail_subset_cust_mod10.xlsx")


def report(line: str) -> None:
    sys.stdout.write(line + "\n")


def timed(action: Callable[[], object]) -> tuple[object, float]:
    """Result and seconds (no memory tracing, which slows Python down)."""
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def peak_memory(action: Callable[[], object]) -> float:
    """Peak memory in MB allocated through Python while running ``action``."""
    tracemalloc.start()
    action()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return peak


def bench_file(path: Path) -> None:
    raw, read_s = timed(lambda: read_raw(path))
    log, clean_s = timed(lambda: build_orders(raw))
    read_mb = peak_memory(lambda: read_raw(path))
    clean_mb = peak_memory(lambda: build_orders(raw))
    rows = len(raw)
    report(
        f"{path.name}: {rows:,} rows; read {read_s:.2f} s ({rows / read_s:,.0f} rows/s, "
        f"peak {read_mb:.0f} MB); clean {clean_s:.2f} s ({rows / clean_s:,.0f} rows/s, "
        f"peak {clean_mb:.0f} MB); {log.report.orders_found:,} orders"
    )


def generated_log(rows: int) -> pd.DataFrame:
    """A seeded line-item log: 20,000 customers, invoices of 1-5 lines."""
    rng = np.random.default_rng(7)
    invoice = np.cumsum(rng.random(rows) < 0.35) + 100_000
    stamps = pd.Timestamp("2024-01-01") + pd.to_timedelta(invoice - 100_000, unit="min")
    return pd.DataFrame(
        {
            "InvoiceNo": invoice,
            "Quantity": rng.integers(1, 12, rows),
            "InvoiceDate": stamps,
            "UnitPrice": rng.integers(10, 5000, rows) / 100,
            "CustomerID": (invoice * 7919) % 20_000 + 10_000,
            "Country": "United Kingdom",
        }
    )


def compare_readers(path: Path) -> None:
    """Seconds to load the workbook into a frame with each candidate reader."""
    import fastexcel
    import openpyxl
    import python_calamine

    data = path.read_bytes()

    def with_openpyxl() -> object:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True
        )
        return list(workbook.worksheets[0].iter_rows(values_only=True))

    readers = {
        "fastexcel (typed; lossy text in mixed columns)": lambda: (
            fastexcel.read_excel(data)
            .load_sheet(0, schema_sample_rows=None)
            .to_pandas()
        ),
        "python-calamine to_python (chosen)": lambda: (
            python_calamine.CalamineWorkbook.from_object(io.BytesIO(data))
            .get_sheet_by_index(0)
            .to_python(skip_empty_area=False)
        ),
        "retention.reading (calamine + exact text)": lambda: read_raw(path),
        "pandas read_excel engine=calamine": lambda: pd.read_excel(
            io.BytesIO(data), engine="calamine", header=None
        ),
        "openpyxl read_only": with_openpyxl,
    }
    for label, reader in readers.items():
        best = min(timed(reader)[1] for _ in range(3))
        report(f"  {label}: {best:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", nargs="?", type=Path, default=SHARED)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    retail = args.shared / RETAIL
    if retail.exists():
        bench_file(retail)
    with tempfile.TemporaryDirectory() as folder:
        log = generated_log(args.rows)
        xlsx, csv = Path(folder) / "generated.xlsx", Path(folder) / "generated.csv"
        log.to_excel(xlsx, index=False)
        log.to_csv(csv, index=False)
        bench_file(xlsx)
        bench_file(csv)
    if retail.exists():
        report(f"Workbook readers on {retail.name} (best of 3):")
        compare_readers(retail)


if __name__ == "__main__":
    main()
