"""Measure reading and cleaning speed and memory; not a test.

Usage: ``PYTHONPATH=. python scripts/bench_reading.py [--shared ../shared]
[--rows 100000 1000000] [--cache DIR]``

For each file it prints the rows, seconds and rows per second to read (for a
workbook this includes unpacking its parts once to count their real size, the
guard against a workbook that unpacks to an absurd size), to map and clean, and
end to end, and the peak resident memory of a fresh process
that did only that (the interpreter and libraries included, about 150 MB),
and the CPU seconds that process used: on a busy machine wall-clock seconds
grow with the other work, CPU seconds much less.
The files are: generated line-item logs of 100,000 and 1,000,000 rows x 8
columns (Online Retail's columns and cell types) as .xlsx and .csv, and the
real Online Retail data (541,909 rows, from ``online_retail.parquet``) written
as .xlsx and .csv. For each workbook it also prints the time merely to unzip
the sheet's XML and scan it for rows, the floor for any reader, and the ratio
of the end-to-end time to it, and the time the workbook library alone takes
to open the workbook and load the sheet into Arrow as the reader asks it to
(every row looked at to choose the column types): the part of the time no
change to Regulars' own code can take away.

``--runs N`` measures each file N times in turn and prints every run, then the
best and the median end-to-end rows per second.

Generated files are kept in ``--cache`` (default: the system's temporary
folder) so a second run measures without writing them again.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
RETAIL = Path("data/uci_online_retail/online_retail.parquet")
COLUMNS = [
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
]


def report(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


# --- the files -------------------------------------------------------------


def generated_log(rows: int) -> pd.DataFrame:
    """A seeded line-item log: 20,000 customers, invoices of 1-5 lines, 8 columns
    typed as in Online Retail (numbers, dates, text; a fifth are guests)."""
    rng = np.random.default_rng(7)
    invoice = np.cumsum(rng.random(rows) < 0.35) + 100_000
    stamps = pd.Timestamp("2024-01-01") + pd.to_timedelta(invoice - 100_000, unit="min")
    customer = ((invoice * 7919) % 20_000 + 10_000).astype("float64")
    customer[(invoice % 5) == 0] = np.nan
    products = np.array([f"PRODUCT {n:04d}" for n in range(3_000)])
    stock = rng.integers(0, 3_000, rows)
    return pd.DataFrame(
        {
            "InvoiceNo": invoice,
            "StockCode": stock + 20_000,
            "Description": products[stock],
            "Quantity": rng.integers(1, 12, rows),
            "InvoiceDate": stamps,
            "UnitPrice": rng.integers(10, 5000, rows) / 100,
            "CustomerID": customer,
            "Country": "United Kingdom",
        }
    )


def online_retail(shared: Path) -> pd.DataFrame | None:
    path = shared / RETAIL
    if not path.exists():
        return None
    frame = pd.read_parquet(path)
    frame["InvoiceDate"] = pd.to_datetime(frame["InvoiceDate"])
    return frame[COLUMNS]


def write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """Write with xlsxwriter's streaming mode (openpyxl needs minutes for 8M cells)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Sales")
    stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(0, 0, list(frame.columns))
    kinds = [frame[c].dtype.kind for c in frame.columns]
    columns = [frame[c].to_numpy() for c in frame.columns]
    for row in range(len(frame)):
        for col, (kind, values) in enumerate(zip(kinds, columns, strict=True)):
            value = values[row]
            if kind == "M":
                sheet.write_datetime(row + 1, col, pd.Timestamp(value), stamp)
            elif kind == "f" and np.isnan(value):
                continue
            elif kind in "if":
                sheet.write_number(row + 1, col, value)
            else:
                sheet.write_string(row + 1, col, str(value))
    workbook.close()


def prepared_files(args: argparse.Namespace) -> list[Path]:
    folder = args.cache
    folder.mkdir(parents=True, exist_ok=True)
    frames = {
        f"generated_{rows}": (lambda r=rows: generated_log(r)) for rows in args.rows
    }
    frames["online_retail_541909"] = lambda: online_retail(args.shared)
    files = []
    for stem, make in frames.items():
        xlsx, csv = folder / f"{stem}.xlsx", folder / f"{stem}.csv"
        if not (xlsx.exists() and csv.exists()):
            frame = make()
            if frame is None:
                continue
            report(f"writing {xlsx.name} and {csv.name} ...")
            frame.to_csv(csv, index=False, date_format="%Y-%m-%d %H:%M:%S")
            write_xlsx(frame, xlsx)
        files += [xlsx, csv]
    return files


# --- one measurement, in a process of its own -------------------------------


def measure(path: Path) -> dict[str, float]:
    """Read, then map and clean, one file; seconds of each and peak memory."""
    from retention.sales_log import build_orders, read_raw

    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    raw = read_raw(path)
    read_s = time.perf_counter() - start
    log = build_orders(raw)
    clean_s = time.perf_counter() - start - read_s
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "rows": len(raw),
        "read_s": read_s,
        "clean_s": clean_s,
        "cpu_s": usage.ru_utime + usage.ru_stime - cpu_before,
        "peak_mb": _peak_memory_mb(),
        "orders": log.report.orders_found,
    }


def _peak_memory_mb() -> float:
    """This process's peak resident memory. Linux keeps ``ru_maxrss`` across
    the exec that starts a measuring process, so it would report the larger
    peak of the process that started it; the kernel's high-water mark
    (``VmHWM``) starts afresh with the new program."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def unzip_and_scan(path: Path) -> float:
    """Seconds to decompress the first sheet's XML and count its rows."""
    start = time.perf_counter()
    rows = 0
    with (
        zipfile.ZipFile(path) as archive,
        archive.open("xl/worksheets/sheet1.xml") as stream,
    ):
        while chunk := stream.read(1 << 22):
            rows += chunk.count(b"<row ")
    return time.perf_counter() - start


def workbook_library_alone(path: Path) -> float:
    """Seconds for fastexcel to open the workbook and load its first sheet into
    Arrow with every row looked at to choose the column types, as the reader
    loads it."""
    import fastexcel

    data = path.read_bytes()
    start = time.perf_counter()
    sheet = fastexcel.read_excel(data).load_sheet(0, schema_sample_rows=None)
    sheet.to_arrow_with_errors()
    return time.perf_counter() - start


def measured_in_subprocess(path: Path, code: Path) -> dict[str, float]:
    """Run :func:`measure` in a fresh interpreter so peak memory is this file's,
    with the ``retention`` package of the checkout ``code``."""
    done = subprocess.run(
        [sys.executable, __file__, "--measure", str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=code,
        env={**_environment(), "PYTHONPATH": str(code)},
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _environment() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def print_figures(path: Path, figures: dict[str, float]) -> None:
    rows, read_s, clean_s = figures["rows"], figures["read_s"], figures["clean_s"]
    total = read_s + clean_s
    report(
        f"{path.name}: {rows:,} rows, {path.stat().st_size / 1e6:,.1f} MB; "
        f"read {read_s:.2f} s ({rows / read_s:,.0f} rows/s); "
        f"map+clean {clean_s:.2f} s ({rows / clean_s:,.0f} rows/s); "
        f"end to end {total:.2f} s = {rows / total:,.0f} rows/s "
        f"(process CPU {figures['cpu_s']:.2f} s); "
        f"peak memory {figures['peak_mb']:,.0f} MB; {figures['orders']:,} orders"
    )
    if path.suffix == ".xlsx":
        floor = min(unzip_and_scan(path) for _ in range(2))
        report(
            f"  unzip + scan sheet XML {floor:.2f} s ({rows / floor:,.0f} rows/s); "
            f"end to end takes {total / floor:.1f}x that"
        )
        library = min(workbook_library_alone(path) for _ in range(2))
        report(
            f"  the workbook library alone {library:.2f} s "
            f"({rows / library:,.0f} rows/s); end to end takes {total / library:.2f}x that"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "regulars-bench"
    )
    parser.add_argument(
        "--code",
        type=Path,
        default=REPO,
        help="checkout whose retention package is measured (to compare versions)",
    )
    parser.add_argument("--only", help="measure only the files whose name has this")
    parser.add_argument("--runs", type=int, default=1, help="measurements of each file")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        report(json.dumps(measure(args.measure)))
        return
    paths = [
        p for p in prepared_files(args) if args.only is None or args.only in p.name
    ]
    speeds: dict[Path, list[float]] = {path: [] for path in paths}
    for _ in range(args.runs):
        for path in paths:
            figures = measured_in_subprocess(path, args.code.resolve())
            print_figures(path, figures)
            total = figures["read_s"] + figures["clean_s"]
            speeds[path].append(figures["rows"] / total)
    if args.runs > 1:
        for path, runs in speeds.items():
            report(
                f"{path.name}: best {max(runs):,.0f} rows/s, "
                f"median {float(np.median(runs)):,.0f} rows/s of {len(runs)} runs"
            )


if __name__ == "__main__":
    main()
