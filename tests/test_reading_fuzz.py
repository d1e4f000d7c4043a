"""Mutated workbooks and text files fed to the reader, for a bounded time.

Each input must end in one of two ways: a ``SalesLogError`` (the clear
messages the app shows), or a sales log whose report accounts for every row
read, each in exactly one bucket. Any other exception is a crash; an input
that takes more than a few seconds is a hang. The mutations are seeded, so a
failure names the seed and the step that reproduce it.

The rows a report must account for are not taken from the reader, which
could lose a row before the report sees it (a header-less file's first row
taken for the column names): they are known from how a seed was made, or
counted from the input's bytes without the reader (the lines of a CSV file
below its header, the rows holding a value in a workbook's sheet XML)
wherever that count is sure; mutants it is not sure for (a quote mark that
may join lines, a damaged header) are checked as before.

``REGULARS_FUZZ_SECONDS`` sets the time per test (default 12).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import re
import time
import zipfile
import zlib
from xml.etree import ElementTree

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


# --- the rows of an input, counted without the reader ---------------------------

# The header line of a text seed, with each delimiter it is written with.
HEADER_LINES = {delimiter.join(HEADER).encode() for delimiter in ",;\t|"}
# Bytes after which the lines of a text file are not surely its rows: a quote
# mark (a quoted cell may hold a line break), a carriage return alone, and
# bytes that some reading takes for a blank (NUL, other control characters,
# the no-break space and next-line of the Windows and latin-1 code pages).
UNSURE_TEXT = re.compile(rb'["\x00-\x08\x0b\x0c\x0e-\x1f\x85\xa0]|\r(?!\n)')
BLANK_LINE = re.compile(rb"[\s,;|]*")


def text_data_rows(data: bytes) -> int | None:
    """The non-blank lines of a text file below its header line, when the
    header line is the seed's and nothing makes the count unsure."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or UNSURE_TEXT.search(data):
        return None
    lines = data.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    filled = [line.rstrip(b"\r") for line in lines if not BLANK_LINE.fullmatch(line)]
    if not filled or filled[0] not in HEADER_LINES:
        return None
    return len(filled) - 1


SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
CELL_REF = re.compile(r"[A-Z]{1,3}([1-9]\d*)")
# The valued cells of a workbook seed's first two rows: the title and the header.
XLSX_TOP = [["Corner shop - sales"], HEADER]


def xlsx_data_rows(data: bytes) -> int | None:
    """The rows below a workbook's header holding a value in its first sheet's
    XML, when the archive and its XML are whole, its title and header rows
    are the seed's, and every valued cell names its row."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
            names = set(archive.namelist())
            shared = "xl/sharedStrings.xml" in names and ElementTree.fromstring(
                archive.read("xl/sharedStrings.xml")
            )
    except (
        zipfile.BadZipFile,
        KeyError,
        ElementTree.ParseError,
        zlib.error,
        EOFError,
        ValueError,
        OSError,
        NotImplementedError,
        RuntimeError,  # a member flagged as encrypted
    ):
        return None
    strings = [] if shared is False else [_text_of(item) for item in shared]
    rows: dict[int, list[str]] = {}
    for cell in sheet.iter(f"{SHEET_NS}c"):
        value = _cell_value(cell, strings)
        if value is None:
            return None
        found = CELL_REF.fullmatch(cell.get("r", ""))
        if found is None:
            return None
        if value.strip():
            rows.setdefault(int(found[1]), []).append(value.strip())
    if [rows.get(1), rows.get(2)] != XLSX_TOP:
        return None
    return sum(1 for number in rows if number > 2)


def _cell_value(cell: ElementTree.Element, strings: list[str]) -> str | None:
    """A cell's text, "" when empty, None when its kind is not sure."""
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        written = cell.find(f"{SHEET_NS}is")
        return "" if written is None else _text_of(written)
    value = cell.find(f"{SHEET_NS}v")
    text = "" if value is None or value.text is None else value.text
    if kind == "s" and text:
        return (
            strings[int(text)] if text.isdigit() and int(text) < len(strings) else None
        )
    return text if kind in ("n", "str", "s") else None


def _text_of(element: ElementTree.Element) -> str:
    return "".join(part.text or "" for part in element.iter(f"{SHEET_NS}t"))


def counted_rows(name: str, data: bytes) -> int | None:
    """The data rows of an input counted from its bytes, when that is sure."""
    if name.endswith((".csv", ".txt")):
        return text_data_rows(data)
    if name.endswith(".xlsx"):
        return xlsx_data_rows(data)
    return None


# --- the check -----------------------------------------------------------------


def check_one(name: str, data: bytes, expected: int | None = None) -> str:
    """Read and clean one input; return how it ended. ``expected`` is the
    number of data rows it holds, counted from its bytes when not given."""
    expected = counted_rows(name, data) if expected is None else expected
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
    if expected is None:
        return "read"
    where = rows.select("source", "sheet", "row_number")
    assert where.n_unique() == rows.height, "each row in one bucket only"
    assert rows.height == expected, (
        f"{expected} data rows in the file, {rows.height} in the report"
    )
    return "read, rows counted"


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


def test_unmutated_seeds_read_to_a_sales_log_of_every_row_they_hold():
    # the rows of ROWS, and the text seeds' line of Łukasz
    seeds = [("s.xlsx", seed_xlsx(), 5), ("s.ods", seed_ods(), 5)]
    seeds += [("s.csv", seed_csv("cp1250", ";"), 6)]
    seeds += [("s.txt", seed_csv("utf-8", "\t"), 6)]
    endings = [check_one(name, data, rows) for name, data, rows in seeds]
    assert endings == ["read, rows counted"] * 4
    assert [counted_rows(name, data) for name, data, _ in seeds] == [5, None, 6, 6]


@pytest.mark.parametrize("name", ["s.csv", "s.xlsx"])
def test_a_header_less_seed_loses_none_of_its_rows(name):
    rows = [
        ["1001", "00421", "2024-01-05", "12.50", "paid"],
        ["1002", "C02", "2024-02-06", "20.00", "paid"],
        ["1003", "00421", "2024-03-01", "7.25", "paid"],
    ]
    if name.endswith(".csv"):
        data = "".join(",".join(row) + "\r\n" for row in rows).encode()
    else:
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
    # every row is read as a sale; with no header to say which column is the
    # customer, the mapping asks for it instead of guessing
    assert len(read_raw((name, data))) == 3
    assert check_one(name, data, expected=3) in (
        "read, rows counted",
        "mapping refused",
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_mutated_workbooks_end_in_a_clear_error_or_a_full_report(seed):
    seeds = [("shop.xlsx", seed_xlsx()), ("shop.ods", seed_ods())]
    mutations = [mutate_member, mutate_member, flip_bytes, truncate, repeat_chunk]
    endings = run_for_a_while(seeds, mutations, seed)
    assert sum(endings.values()) >= 10
    assert endings.get("read, rows counted", 0) > 0


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
    assert endings.get("read, rows counted", 0) > 0
