"""Mutated workbooks and text files fed to the reader, for a bounded time.

Each input must end in one of two ways: a ``SalesLogError`` (the clear
messages the app shows), or a sales log whose report accounts for every row
read, each in exactly one bucket. Any other exception is a crash; an input
that takes more than a few seconds is a hang. The mutations are seeded, so a
failure names the seed and the step that reproduce it.

``REGULARS_FUZZ_SECONDS`` sets the time per test (default 12).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import time
import zipfile
import zlib

import openpyxl
import pandas as pd
import pytest

from retention.reading import SalesLogError
from retention.sales_log import build_orders, read_raw

SECONDS = float(os.environ.get("REGULARS_FUZZ_SECONDS", "12"))
SLOWEST_INPUT_S = 10.0
HEADER = ["Order", "Customer", "Date", "Amount", "Status"]
ROWS = [
    ["1001", "00421", dt.datetime(2024, 1, 5, 10, 30), 12.5, "paid"],
    ["1002", "C02", dt.datetime(2024, 2, 6), 20.0, "paid"],
    ["C1001", "00421", dt.datetime(2024, 2, 7), -12.5, "refunded"],
    ["1003", "", dt.datetime(2024, 3, 1, 9), 7.25, "paid"],
    ["Total", "", None, 27.25, ""],
]


def seed_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Corner shop - sales"])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def seed_ods() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame(ROWS, columns=HEADER).to_excel(buffer, engine="odf", index=False)
    return buffer.getvalue()


def seed_csv(encoding: str, delimiter: str) -> bytes:
    lines = [delimiter.join(HEADER)]
    for row in ROWS:
        cells = ["" if v is None else str(v).replace(".", ",") for v in row]
        lines.append(delimiter.join(cells))
    lines.insert(
        2, delimiter.join(["1004", "Łukasz Zoë", "03.04.2024", "1 250,00", ""])
    )
    return ("\r\n".join(lines) + "\r\n").encode(encoding, errors="replace")


# --- mutations -----------------------------------------------------------------


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def insert_noise(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data))
    noise = rng.choice(
        [b'"', b"\r", b"\n", b"\x00", b";;;", b"\t", b"\xc3", b"\xff\xfe", b"-", b"()"]
    )
    return data[:at] + noise * rng.randint(1, 5) + data[at:]


def repeat_chunk(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data))
    end = min(len(data), start + rng.randint(1, 200))
    return data[:end] + data[start:end] * rng.randint(1, 20) + data[end:]


def mutate_member(data: bytes, rng: random.Random) -> bytes:
    """Re-zip the workbook with one part's XML mutated, so the damage gets past
    the archive's checksums into the spreadsheet parser."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        parts = {name: source.read(name) for name in source.namelist()}
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        ValueError,
        OSError,
        NotImplementedError,
    ):
        return data  # already damaged beyond re-zipping
    victim = rng.choice(list(parts))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, part in parts.items():
            if name == victim:
                mutation = rng.choice(
                    [flip_bytes, truncate, insert_noise, repeat_chunk]
                )
                part = mutation(part, rng) if part else part
            archive.writestr(name, part)
    return out.getvalue()


def mutants(seeds: list[tuple[str, bytes]], mutations, seed: int):
    rng = random.Random(seed)
    step = 0
    while True:
        name, data = rng.choice(seeds)
        for _ in range(rng.randint(1, 3)):
            data = rng.choice(mutations)(data, rng) or data
        step += 1
        yield step, name, data


# --- the check -----------------------------------------------------------------


def check_one(name: str, data: bytes) -> str:
    """Read and clean one input; return how it ended."""
    try:
        raw = read_raw((name, data))
    except SalesLogError:
        return "refused"
    try:
        log = build_orders(raw)
    except SalesLogError:
        return "mapping refused"
    rows = log.report.row_table
    assert rows.height == len(raw), "every row read is in the report"
    assert set(rows["outcome"].unique()) <= {"kept", "repaired", "excluded"}
    assert log.report.counts()["rows"].sum() == len(raw)
    assert log.report.orders_found <= int((rows["outcome"] != "excluded").sum())
    return "read"


def run_for_a_while(seeds, mutations, seed: int) -> dict[str, int]:
    endings: dict[str, int] = {}
    deadline = time.monotonic() + SECONDS
    for step, name, data in mutants(seeds, mutations, seed):
        started = time.monotonic()
        try:
            ending = check_one(name, data)
        except Exception as error:  # any other exception is the bug being hunted
            raise AssertionError(
                f"seed {seed}, step {step}, {name}: {type(error).__name__}: {error}"
            ) from error
        elapsed = time.monotonic() - started
        assert elapsed < SLOWEST_INPUT_S, f"seed {seed}, step {step}: {elapsed:.1f} s"
        endings[ending] = endings.get(ending, 0) + 1
        if time.monotonic() > deadline:
            return endings
    return endings


def test_unmutated_seeds_read_to_a_sales_log():
    seeds = [("s.xlsx", seed_xlsx()), ("s.ods", seed_ods())]
    seeds += [("s.csv", seed_csv("cp1250", ";")), ("s.txt", seed_csv("utf-8", "\t"))]
    assert [check_one(name, data) for name, data in seeds] == ["read"] * 4


@pytest.mark.parametrize("seed", [1, 2])
def test_mutated_workbooks_end_in_a_clear_error_or_a_full_report(seed):
    seeds = [("shop.xlsx", seed_xlsx()), ("shop.ods", seed_ods())]
    mutations = [mutate_member, mutate_member, flip_bytes, truncate, repeat_chunk]
    endings = run_for_a_while(seeds, mutations, seed)
    assert sum(endings.values()) >= 10


@pytest.mark.parametrize("seed", [3, 4])
def test_mutated_text_files_end_in_a_clear_error_or_a_full_report(seed):
    seeds = [
        ("shop.csv", seed_csv("cp1250", ";")),
        ("shop.csv", seed_csv("utf-8-sig", ",")),
        ("shop.txt", seed_csv("cp1252", "\t")),
        ("shop.csv", seed_csv("latin-1", "|")),
        # a cell longer than the csv module's default field limit (131,072)
        ("shop.csv", seed_csv("utf-8", ",").replace(b"paid", b"x" * 200_000, 1)),
    ]
    mutations = [flip_bytes, insert_noise, insert_noise, repeat_chunk, truncate]
    endings = run_for_a_while(seeds, mutations, seed)
    assert endings.get("read", 0) > 0
