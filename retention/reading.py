"""Read an uploaded sales file into a raw table of cells.

Every reader returns the same thing, a :class:`RawTable`: one column per
column of the file, named by the file's header (``Column 1``, ``Column 2``...
when it has none), one row per non-blank data row,
and beside it the row number the user sees in Excel or a text editor, so a
report can say "row 12". Nothing is interpreted here: dates, amounts and ids
are read by :mod:`retention.cleaning`.

Workbooks (.xlsx, .xlsm, .xls, .ods) are read with fastexcel (calamine in Rust,
straight to Arrow) with the cells' own types: a column holding only numbers
comes as Float64, one holding only dates as Datetime, any other as text. A
column mixing kinds anywhere (fastexcel looks at every row to choose the
type) is text, its numbers written exactly (``17850``,
``0.3333333333333333``), so a word at row 50,000 of a number column is kept,
never blanked, and a text ``01000`` keeps its zero, as does a number
shown with zeros by its format (``00000``: 421 shown ``00421``). A column of
times of day is text (``10:30:00``). :func:`text_cells` writes any column as
text, as the download of the input rows and the column detection see it.
Measured (``scripts/bench_reading.py``) on 1,000,000 rows x 8 columns: every
cell read as text 4.2 s, read with its type 3.0 s, and the typed cells need no
reading of text afterwards.

Text files are decoded (UTF-8 with or without a byte-order mark, otherwise
charset-normalizer among the Windows and Latin code pages) and split by the
delimiter that splits the first lines most evenly; polars parses them, every
cell as text, so ids keep their leading zeros.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import html
import io
import logging
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Protocol

import charset_normalizer
import fastexcel
import numpy as np
import olefile
import pandas as pd
import polars as pl
import pyarrow as pa
import python_calamine
from isal import isal_zlib

from retention.archive import ZIP_MAGIC, inflated_pieces, packed_part
from retention.i18n import t, t_count
from retention.sheet_parts import (
    LoadedCells,
    PartedSheet,
    PartsDisagree,
    column_labels,
    cut_in_parts,
    library_header_row,
    read_in_parts,
)
from retention.side_by_side import SideBySide, each_side_by_side

__all__ = [
    "CSV_EXTENSIONS",
    "EXCEL_EXTENSIONS",
    "MAX_EXPANDED_BYTES",
    "MAX_SHEET_CELLS",
    "NON_ASCII",
    "READ_REPAIR",
    "Progress",
    "RawTable",
    "SalesLogError",
    "SheetsCheck",
    "TEXT_ENCODINGS",
    "combine_tables",
    "decode_text",
    "detect_delimiter",
    "holds_letters",
    "marks_in",
    "part_of",
    "quiet_workbook_libraries",
    "read_table",
    "sheet_names",
    "stripped",
    "text_cells",
    "text_column",
    "used_area",
]

EXCEL_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
CSV_EXTENSIONS = (".csv", ".txt", ".tsv")
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
# Code pages tried when a text file is not UTF-8, in charset-normalizer's names.
CODE_PAGES = ["cp1250", "cp1252", "latin_1"]
# The encodings an owner can choose for a text file on the Data page.
TEXT_ENCODINGS = ("utf-8", "cp1250", "cp1252", "latin_1")
HEADER_SEARCH_ROWS = 50
# The csv module refuses a cell over 131,072 characters by default; a note or a
# product description pasted into one cell can be longer. 2**31 - 1 fits the C
# long the limit is stored in on every platform.
CSV_FIELD_LIMIT = 2**31 - 1
# A workbook whose parts unpack to more than this is refused before reading:
# 1,000,000 rows x 8 columns of real sales data unpack to about 300 MB, and a
# "zip bomb" of a few kilobytes can unpack to many gigabytes.
MAX_EXPANDED_BYTES = 2_000_000_000
# The largest sheet area (rows x columns, from A1 to the last used cell) read.
# The workbook reader builds a grid over the whole area, about 70 bytes a
# cell, so one stray cell at XFD1048576 would ask for hundreds of gigabytes;
# 20,000,000 cells (1,000,000 rows x 20 columns) take about 1.4 GB.
MAX_SHEET_CELLS = 20_000_000
# The most rows a sheet can have in Excel, LibreOffice or any program that
# saves for them: a sheet with more (6,000,000 repeated rows of 3 cells unpack
# from 2 MB to 700 MB) is no export, and is refused before it is read.
MAX_SHEET_ROWS = 1_048_576
# How many times a stretch of sheet XML must pack before its rows are counted
# against MAX_SHEET_ROWS: real sales logs pack 6 to 9 times.
_BOMB_RATIO = 16
# Deflate expands data at most about 1,032 times, so an archive smaller than
# MAX_EXPANDED_BYTES / 1,032 (about 1.9 MB) cannot unpack to more than that.
_DEFLATE_MAX_RATIO = 1032
_INFLATE_STEP = 1 << 22
# The workbooks whose large sheets are read in parts (see sheet_parts).
_PARTED_EXTENSIONS = (".xlsx", ".xlsm")
# The end of each sheet's XML kept while it is unpacked, to read its merged
# cells from: the pieces unpacked from its last _END_PACKED bytes, as many as
# make up _END_BYTES (a sheet's <mergeCells> element takes about 30 bytes a
# merged cell, 130,000 of them in 4 MB, and what follows it a few kilobytes).
_END_PACKED = 512 << 10
_END_BYTES = 4 << 20
# The largest .xls file whose merged cells python-calamine is asked for (it
# reads the whole sheet again to list them).
_CALAMINE_MERGES_BYTES = 20_000_000

# What the workbook libraries raise for a file damaged inside.
_DAMAGED = (
    fastexcel.FastExcelError,
    python_calamine.CalamineError,
    zipfile.BadZipFile,
    zlib.error,
    isal_zlib.error,
    EOFError,
    KeyError,
    ValueError,
    OSError,
    NotImplementedError,
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_OTHER_MAGIC = {
    b"%PDF": "PDF document",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
}
_ISO_T = r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})$"
_NUMBER_LIKE = re.compile(r"^[-+(]?[$€£]?\s?\d[\d\s.,']*\)?$")
_DATE_LIKE = re.compile(r"^\d{1,4}[./-]\s?\d{1,2}[./-]\s?\d{1,4}")
# UTF-8 text that was decoded as cp1252 once too often: "RenÃ©e" for "Renée"
_MOJIBAKE_LEADS = "ÃÂÄÅÆÐÑ"
_MOJIBAKE = r"[ÃÂÄÅÆÐÑ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"


# The column of ``RawTable.rows`` naming a repair made while reading a row (a
# reason code of retention.quality), "" for none; present only when one was.
READ_REPAIR = "read_repair"
# The read repair of a row whose empty cell took the value of a cell merged
# over it and the rows above (see _read_merged_cells).
MERGED_CELL = "merged_cell"

# What marks_in() reports for characters beyond ASCII.
NON_ASCII = "\x80"
# The characters at the start of a text file that tell its delimiter.
_HEAD_CHARACTERS = 200_000
# Bytes of a text looked through at a time (line breaks, marks): a few
# megabytes, so no copy of a whole file is made to search it.
_SCAN_STEP = 1 << 22
# A byte less this is, as an unsigned byte, white space (a byte up to the
# space) or part of a character beyond ASCII (a NO-BREAK SPACE or another of
# Unicode's spaces may be one): see stripped().
_EDGE_FROM = 128 - 33

# Called with the share done (0-1) and a translated status line.
Progress = Callable[[float, str], None]


class SalesLogError(ValueError):
    """A sales file that cannot be read; the message is translated and says why."""


@dataclass(frozen=True)
class RawTable:
    """The cells of one or more files, before any interpretation.

    Attributes
    ----------
    cells : polars.DataFrame
        One column per file column (header names), one row per non-blank data
        row: text (an empty cell is ``""``), or, for a workbook column holding
        only numbers or only dates, Float64 or Datetime (an empty cell is
        null). ``frame`` is the same as pandas text (:func:`text_cells`).
    rows : polars.DataFrame
        Aligned with ``cells``: ``source`` (file name), ``sheet`` (sheet name or
        ``""``) and ``row_number`` (1-based row as the user sees it).
        ``origin`` is the same as pandas. A ``read_repair`` column
        (:data:`READ_REPAIR`) names a repair made while reading a row (a
        line of a UTF-8 file written in a Windows code page), when one was.
    notices : tuple of str
        Translated notes on how the file was read (encoding, delimiter, header).
    sheet_names : tuple of str
        The workbook's sheets; empty for a text file.
    content_hash : str
        SHA-256 of the input bytes (of the sorted per-file hashes for several).
    encoding, delimiter : str or None
        What was detected for a text file.
    header_row : int
        Row number of the (last) header row.
    alike_sheets : tuple of str
        When one sheet of a workbook was read by default, the other sheets with
        the same columns (one per year, say), which could be stacked with it
        (see :func:`retention.sales_log.read_raw`).
    """

    cells: pl.DataFrame
    rows: pl.DataFrame
    notices: tuple[str, ...] = ()
    sheet_names: tuple[str, ...] = ()
    content_hash: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int = 1
    sources: tuple[str, ...] = field(default=())
    alike_sheets: tuple[str, ...] = ()

    @property
    def columns(self) -> list[str]:
        return list(self.cells.columns)

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The cells as a pandas frame of ``str`` columns."""
        cells = text_cells(self.cells)
        return pd.DataFrame(
            {name: cells[name].to_pandas().astype("str") for name in self.columns}
        )

    @cached_property
    def origin(self) -> pd.DataFrame:
        return self.rows.to_pandas()

    def sheets_read(self, source: str | None = None) -> list[str]:
        """The sheets the rows were read from (of the file ``source`` only,
        when given), in the order read; empty for text files."""
        rows = (
            self.rows
            if source is None
            else self.rows.filter(pl.col("source") == source)
        )
        return [sheet for sheet in rows["sheet"].unique(maintain_order=True) if sheet]

    def __len__(self) -> int:
        return self.cells.height


# Called with a workbook's name and the tables of the sheets chosen from it
# before several are stacked; raises SalesLogError to refuse them.
SheetsCheck = Callable[[str, Sequence[RawTable]], None]


def read_table(
    data: bytes | str | Path,
    *,
    name: str | None = None,
    sheet: str | Sequence[str] | None = None,
    limit_mb: float | None = None,
    progress: Progress | None = None,
    encoding: str | None = None,
    check_sheets: SheetsCheck | None = None,
) -> RawTable:
    """Read one sales file into a :class:`RawTable`.

    Parameters
    ----------
    data : bytes, str or Path
        The file's bytes, or a path to it.
    name : str, optional
        The file name (its extension picks the reader); taken from the path
        when ``data`` is a path.
    sheet : str or list of str, optional
        Workbook sheet to read, the first by default; several sheets of the
        same layout are stacked. Ignored for a text file.
    limit_mb : float, optional
        The largest file accepted, in megabytes (the app passes Streamlit's
        ``server.maxUploadSize``).
    progress : callable, optional
        Told the share done and a status line before each step.
    encoding : str, optional
        The text encoding of a text file (one of ``TEXT_ENCODINGS``), when the
        owner chose it; detected otherwise.
    check_sheets : callable, optional
        Told the file name and each chosen sheet's table before several sheets
        are stacked, to refuse sheets of other layouts (``read_raw`` refuses
        them as it refuses files of other layouts).

    Raises
    ------
    SalesLogError
        Empty file, a file over the size limit, unsupported extension, a file
        that is not what its name says, a corrupt, password-protected or
        absurdly large workbook, an unknown sheet.
    """
    if isinstance(data, (str, Path)):
        name = name or Path(data).name
        data = Path(data).read_bytes()
    name = name or "upload"
    extension = Path(name).suffix.lower()
    if not data or data.isspace():
        raise SalesLogError(t("The file {name} is empty.", name=name))
    if limit_mb is not None and len(data) > limit_mb * 1e6:
        raise SalesLogError(_too_large_message(name, len(data), limit_mb))
    tell = progress or _silent
    tell(0.0, t("Reading {name}…", name=name))
    with ThreadPoolExecutor(max_workers=1) as beside:
        # hashing lets go of the interpreter, so it runs beside the reading
        hashing = beside.submit(hashlib.sha256, data)
        if extension in EXCEL_EXTENSIONS:
            table = _read_workbook(data, name, sheet, tell, check_sheets)
        elif extension in CSV_EXTENSIONS:
            table = _read_text(data, name, encoding, tell)
        else:
            raise SalesLogError(_unsupported_message(name))
    digest = hashing.result()
    if sheet is not None and extension in EXCEL_EXTENSIONS:
        # another sheet of the same file is another dataset
        digest.update("\x00".join(_as_list(sheet)).encode())
    return replace(table, content_hash=digest.hexdigest(), sources=(name,))


def _silent(done: float, message: str) -> None:
    """A progress callback that tells no one."""


def part_of(progress: Progress, start: float, width: float) -> Progress:
    """A progress callback for one part of the work, mapped into
    ``[start, start + width]`` of the whole."""
    return lambda done, message: progress(start + done * width, message)


def sheet_names(data: bytes | str | Path, *, name: str | None = None) -> list[str]:
    """The sheet names of a workbook, in order; ``[]`` for a text file."""
    if isinstance(data, (str, Path)):
        name = name or Path(data).name
        data = Path(data).read_bytes()
    if Path(name or "").suffix.lower() not in EXCEL_EXTENSIONS:
        return []
    return list(_open_workbook(data, name or "upload").reader.sheet_names)


def combine_tables(tables: Sequence[RawTable]) -> RawTable:
    """Stack several raw tables (say, monthly exports) into one.

    Columns are matched by name; a column missing from a file is empty there.
    The content hash combines the files' hashes regardless of their order.
    """
    if len(tables) == 1:
        return tables[0]
    cells = pl.concat(_alike_cells(tables), how="diagonal")
    texts = [c for c in cells.columns if cells[c].dtype == pl.String]
    cells = cells.with_columns(pl.col(texts).fill_null(""))
    rows = pl.concat([table.rows for table in tables], how="diagonal")
    if READ_REPAIR in rows.columns:
        rows = rows.with_columns(pl.col(READ_REPAIR).fill_null(""))
    hashes = sorted(table.content_hash for table in tables)
    notices = tuple(
        f"{table.sources[0]}: {notice}" if table.sources else notice
        for table in tables
        for notice in table.notices
    )
    notices += _layout_differences(tables, cells.columns)
    return RawTable(
        cells=cells,
        rows=rows,
        notices=notices,
        sheet_names=tables[0].sheet_names,
        content_hash=hashlib.sha256("".join(hashes).encode()).hexdigest(),
        encoding=tables[0].encoding,
        delimiter=tables[0].delimiter,
        header_row=tables[0].header_row,
        sources=tuple(source for table in tables for source in table.sources),
    )


def _alike_cells(tables: Sequence[RawTable]) -> list[pl.DataFrame]:
    """The tables' cells, a column written as text in all of them unless every
    table that has it holds the same type (numbers, dates) there."""
    kinds: dict[str, set[pl.DataType]] = {}
    for table in tables:
        for column, dtype in table.cells.schema.items():
            kinds.setdefault(column, set()).add(dtype)
    mixed = {c for c, found in kinds.items() if len(found) > 1}
    return [
        table.cells.with_columns(
            [text_column(table.cells[c]) for c in table.cells.columns if c in mixed]
        )
        for table in tables
    ]


def _layout_differences(
    tables: Sequence[RawTable], columns: Sequence[str]
) -> tuple[str, ...]:
    """A note for each file or sheet that lacks some of the stacked columns."""
    notes = []
    for position, table in enumerate(tables, start=1):
        missing = [column for column in columns if column not in table.cells.columns]
        if missing:
            notes.append(
                t_count(
                    len(missing),
                    "{part} has no column {columns}; those cells are empty for its rows.",
                    "{part} has no columns {columns}; those cells are empty for its rows.",
                    part=_part_name(table, position),
                    columns=", ".join(missing),
                )
            )
    return tuple(notes)


def _part_name(table: RawTable, position: int) -> str:
    if table.sources:
        return table.sources[0]
    sheet = table.rows["sheet"][0] if table.rows.height else ""
    return t("The sheet {sheet}", sheet=sheet) if sheet else t("Part {n}", n=position)


# --- workbooks -------------------------------------------------------------


# The workbook libraries log what they meet ("'chartsheet' not a valid
# worksheet", "Could not determine dtype for column 5"); the app and the command
# line say what matters of it in their own words.
_WORKBOOK_LOGGERS = ("calamine", "fastexcel")
_QUIET = logging.NullHandler()


def quiet_workbook_libraries() -> None:
    """Keep the workbook libraries' log lines from the user's screen and the
    server's log; called where the app and the command line start."""
    for name in _WORKBOOK_LOGGERS:
        logger = logging.getLogger(name)
        logger.addHandler(_QUIET)
        logger.propagate = False


@dataclass(frozen=True)
class _Workbook:
    """An opened workbook and what unpacking its parts told of its sheets."""

    reader: fastexcel.ExcelReader
    dense_rows: dict[str, int]  # see _Unpacked
    note: str | None = None  # how the workbook was read, when not as named
    merged: dict[str, Merges | None] = field(default_factory=dict)  # see _Unpacked
    unchecked: _Unchecked = field(default_factory=lambda: _Unchecked(set(), 0))


def _open_workbook(data: bytes, name: str) -> _Workbook:
    """Open a workbook, turning every way it can fail into a clear message."""
    extension = Path(name).suffix.lower()
    if not data:
        raise SalesLogError(t("The file {name} is empty.", name=name))
    note = None
    if data.startswith(_OLE_MAGIC):
        kind = _ole_kind(data)
        if kind == "encrypted":
            raise SalesLogError(_protected_message(name))
        if kind == "xls" and extension != ".xls":
            note = t(
                "{name} is an older Excel workbook (.xls) named {extension}; it "
                "was read as .xls.",
                name=name,
                extension=extension,
            )
            extension = ".xls"
        elif kind == "other":
            raise SalesLogError(_not_a_workbook_message(data, name))
    if not data.startswith((ZIP_MAGIC, _OLE_MAGIC)):
        raise SalesLogError(_not_a_workbook_message(data, name))
    unpacked = _Unpacked(size=0, dense_rows={}, merged={})
    if data.startswith(ZIP_MAGIC):
        parted = extension in _PARTED_EXTENSIONS
        unpacked = _check_expanded_size(data, name, parted=parted)
        _check_repeated_cells(data, name)
    try:
        reader = fastexcel.read_excel(data)
        return _Workbook(
            reader, unpacked.dense_rows, note, unpacked.merged, unpacked.unchecked
        )
    except (fastexcel.FastExcelError, ValueError, OSError) as error:
        if extension == ".xls" and "password" in str(error).lower():
            raise SalesLogError(_protected_message(name)) from error
        raise SalesLogError(
            t(
                "{name} could not be opened as a workbook; it may be damaged or "
                "password-protected. Open it in your spreadsheet program and save "
                "it again as .xlsx without a password.",
                name=name,
            )
        ) from error


def _ole_kind(data: bytes) -> str:
    """What an OLE container holds: ``"encrypted"`` (the EncryptionInfo and
    EncryptedPackage streams of a password-protected .xlsx), ``"xls"`` (the
    Workbook stream of Excel 97-2003, or Book of Excel 5), ``"other"`` (a Word
    document), or ``""`` when it cannot be opened."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as container:
            if container.exists("EncryptedPackage") or container.exists(
                "EncryptionInfo"
            ):
                return "encrypted"
            if container.exists("Workbook") or container.exists("Book"):
                return "xls"
            return "other"
    except (OSError, ValueError, IndexError):
        # a damaged container: the workbook library says so
        return ""


def _check_expanded_size(data: bytes, name: str, *, parted: bool = False) -> _Unpacked:
    """Refuse a workbook whose parts unpack to an absurd size (a zip bomb), and
    give what unpacking its sheets told: the rows of each sheet part that lie
    in stretches packed so well they may be a bomb too, and its merged cells
    (see :class:`_Unpacked`).

    The sizes the archive declares for its parts are checked first. The
    workbook library unpacks a part to its real end whatever size is
    declared, so unless the archive is too small to unpack to an absurd size
    at all, its parts are also unpacked here, a few megabytes at a time and
    kept nowhere, counting the bytes and stopping once they pass the limit.
    The sheets are unpacked in any case, and only once, for their rows:
    when ``parted`` (the workbook is read as .xlsx), a sheet large enough to
    be read in parts is unpacked and checked as it is cut (see
    :class:`_SheetCheck`), and every sheet still unchecked is checked before
    a library reads any sheet whole; a large sheet never read is never
    checked, nor counted against the limit.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
        expanded = sum(info.file_size for info in parts)
        possible = sum(info.compress_size for info in parts) * _DEFLATE_MAX_RATIO
        sized = expanded <= MAX_EXPANDED_BYTES < possible
        cut = cut_in_parts if parted else None
        unpacked = _unpack(data, parts, MAX_EXPANDED_BYTES, sized=sized, cut=cut)
    except _DAMAGED as error:
        raise SalesLogError(_damaged_workbook_message(name)) from error
    if unpacked.size > MAX_EXPANDED_BYTES:
        raise SalesLogError(_unpacks_further_message(name))
    if expanded > MAX_EXPANDED_BYTES:
        raise SalesLogError(
            t(
                "{name} would unpack to {size} MB, far more than any sales log; it "
                "was not read. Export the sales log again, or split it by year.",
                name=name,
                size=f"{expanded / 1e6:,.0f}",
            )
        )
    return unpacked


def _damaged_workbook_message(name: str) -> str:
    return t(
        "{name} could not be opened as a workbook; it may be damaged. "
        "Open it in your spreadsheet program and save it again as .xlsx.",
        name=name,
    )


def _unpacks_further_message(name: str) -> str:
    return t(
        "{name} unpacks to more than {size} MB although it says less, far "
        "more than any sales log; it was not read. Export the sales log "
        "again.",
        name=name,
        size=f"{MAX_EXPANDED_BYTES / 1e6:,.0f}",
    )


@dataclass(frozen=True)
class _Unpacked:
    """What unpacking an archive's parts once told.

    ``size`` is the bytes they really unpack to, counted up to just past the
    limit (0 when they were not counted); ``dense_rows`` gives, for each sheet
    part (by its path in the archive), its rows (``<row`` elements) that lie in
    stretches of XML packed more than ``_BOMB_RATIO`` times, counted up to
    just past ``MAX_SHEET_ROWS``.

    A real sales log packs 6 to 9 times (no two sales alike), so its rows are
    not counted (which would cost 0.2 s for a million rows): their number is
    bounded by the upload's size like a CSV file's. Rows that pack hundreds of
    times (one sale repeated) are what turns a small file into gigabytes.

    ``merged`` gives, for each sheet part, its cells merged over several rows
    (see :data:`Merges`), read from the last few megabytes of its XML, where
    ``<mergeCells>`` stands (after ``<sheetData>``); ``None`` when those
    megabytes do not hold the whole element (see :func:`_merged_cells`).
    """

    size: int
    dense_rows: dict[str, int]
    merged: dict[str, Merges | None]
    unchecked: _Unchecked = field(default_factory=lambda: _Unchecked(set(), 0))


@dataclass
class _Unchecked:
    """The sheet parts left to be checked while they are cut into parts (see
    :func:`_unpack`), by their paths, and the bytes they may unpack to
    together: what the limit leaves after the other parts."""

    paths: set[str]
    spare: int


def _unpack(
    data: bytes,
    parts: list[zipfile.ZipInfo],
    limit: int,
    *,
    sized: bool,
    cut: Callable[[zipfile.ZipInfo], bool] | None = None,
) -> _Unpacked:
    """Unpack the archive's sheet parts, and all its parts when ``sized``,
    each once, a few megabytes at a time, keeping only the last few of each
    sheet; see :class:`_Unpacked`.

    A sheet that ``cut`` says is read in parts is left for the cut, which
    unpacks it anyway, to check (see :class:`_SheetCheck`): unpacking it here
    too would cost 0.2 s for 1,000,000 rows before anything else can start.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = set(_sheet_paths(archive))
    total = 0
    dense_rows, merged = {}, {}
    unchecked = set()
    for part in parts:
        sheet = part.filename in sheets
        if not (sized or sheet):
            continue
        if sheet and cut is not None and cut(part):
            unchecked.add(part.filename)
            continue
        if part.compress_type != zipfile.ZIP_DEFLATED:
            total += max(part.file_size, part.compress_size)
            if sheet:
                xml = bytes(packed_part(data, part))
                dense_rows[part.filename] = xml.count(b"<row")
                merged[part.filename] = _merged_cells(xml, whole=True)
            continue
        unpacked = _inflate(packed_part(data, part), limit - total, count=sheet)
        total += unpacked.size
        if sheet:
            dense_rows[part.filename] = unpacked.rows
            merged[part.filename] = _merged_cells(unpacked.end, whole=unpacked.whole)
        if sized and total > limit:
            break
    return _Unpacked(
        size=total if sized else 0,
        dense_rows=dense_rows,
        merged=merged,
        unchecked=_Unchecked(unchecked, limit - total),
    )


@dataclass(frozen=True)
class _Inflated:
    """What :func:`_inflate` told of one part: its size, its dense rows, its
    last few megabytes (``end``) and whether they are the whole part."""

    size: int
    rows: int = 0
    end: bytes = b""
    whole: bool = False


def _inflate(packed: memoryview, limit: int, *, count: bool) -> _Inflated:
    """The bytes a raw deflate stream unpacks to, counted up to just past
    ``limit``, and, when ``count``, its rows in stretches packed more than
    ``_BOMB_RATIO`` times, counted up to just past ``MAX_SHEET_ROWS``, and its
    last ``_END_BYTES`` or more (see :class:`_Unpacking`).

    The part is unpacked a few megabytes at a time (:func:`inflated_pieces`,
    0.12 s for the 340 MB of a 1,000,000-row sheet), each piece let go before
    the next is unpacked.
    """
    unpacking = _Unpacking(len(packed), limit, count=count)
    for piece, took in inflated_pieces(packed, _INFLATE_STEP):
        over = unpacking.add(piece, took)
        del piece
        if over:
            break
    return unpacking.result()


class _Unpacking:
    """What a part being unpacked piece by piece tells (see :func:`_inflate`):
    its size so far, and, when ``count``, its dense rows and its end.

    Of the pieces only those of the input's last megabyte or two (the
    megabytes holding its last ``_END_PACKED`` bytes) are kept, and of them
    only as many as make up ``_END_BYTES``.
    """

    def __init__(self, packed: int, limit: int, *, count: bool) -> None:
        self.packed, self.limit, self.count = packed, limit, count
        self.total = self.rows = self.taken = 0
        self.tail = self.tag = b""
        self.end = _PartEnd()

    @property
    def over(self) -> bool:
        """Whether the part unpacks past ``limit`` or holds too many rows."""
        return self.total > self.limit or self.rows > MAX_SHEET_ROWS

    def add(self, piece: bytes, took: int) -> bool:
        """Count the next piece, unpacked from ``took`` packed bytes; whether
        the part is now :attr:`over` (unpack no further)."""
        keep = self.count and self.taken + (1 << 20) + _END_PACKED > self.packed
        self.taken += took
        self.total += len(piece)
        if self.count:
            if not self.tag:
                # "<row", or "<x:row" in a sheet written with a prefix
                found = _SHEET_DATA.search(piece)
                self.tag = b"<" + ((found[1] if found else None) or b"") + b"row"
            if len(piece) > _BOMB_RATIO * took:
                # a tag cut between two pieces is found where they join
                joint = self.tail + piece[: len(self.tag) - 1]
                self.rows += piece.count(self.tag) + joint.count(self.tag)
            self.tail = piece[1 - len(self.tag) :]
        if keep:
            self.end.add(piece, self.total)
        return self.over

    def result(self) -> _Inflated:
        if self.over:
            return _Inflated(self.total, self.rows)
        pieces = self.end.pieces
        tail = pieces[0] if len(pieces) == 1 else b"".join(pieces)
        return _Inflated(self.total, self.rows, tail, whole=self.end.start == 0)


class _PartEnd:
    """The last pieces of a part being unpacked, as many as make up
    ``_END_BYTES``, and where the first of them starts in the part."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []
        self.start: int | None = None

    def add(self, piece: bytes, unpacked: int) -> None:
        """Keep ``piece``, which ends ``unpacked`` bytes into the part."""
        self.pieces.append(piece)
        if self.start is None:
            self.start = unpacked - len(piece)
        while sum(map(len, self.pieces[1:])) >= _END_BYTES:
            self.start += len(self.pieces.pop(0))


# A sheet's cells merged over several rows: (top row, bottom row, column), the
# rows numbered from 1 as the user sees them, the column from 0 (A is 0).
Merges = tuple[tuple[int, int, int], ...]

_MERGE_CELLS = re.compile(rb"<(?:\w+:)?mergeCells\b")
_MERGE_CELL = re.compile(
    rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)"'
)
_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData>|<(?:\w+:)?sheetData\b[^>]*/>")


def _merged_cells(end: bytes, *, whole: bool) -> Merges | None:
    """The cells merged over several rows listed in the end of a sheet's XML
    (``<mergeCells><mergeCell ref="A2:A6"/>…``, after ``<sheetData>``), or
    ``None`` when that end may have cut the list off: it holds neither the
    list's start nor the end of ``<sheetData>``, and is not the whole sheet."""
    # the list follows the rows: only what follows them is searched
    rows_end = _sheet_data_end(end)
    at = end.find(b"mergeCells", max(rows_end, 0))
    found = None if at < 0 else _MERGE_CELLS.search(end, max(0, at - 40))
    if found is None:
        return () if whole or rows_end >= 0 else None
    return _vertical_merges(_MERGE_CELL.findall(end, found.start()))


def _sheet_data_end(end: bytes) -> int:
    """Where ``<sheetData>`` ends in the end of a sheet's XML, -1 if not there."""
    last = end.rfind(b"sheetData")
    found = _SHEET_DATA_END.search(end, max(0, last - 20)) if last >= 0 else None
    return found.start() if found else -1


def _vertical_merges(refs: Iterable[tuple[bytes, bytes, bytes, bytes]]) -> Merges:
    """The merged ranges (``A2:A6`` as its four parts) that span several rows,
    each by its first column (a range over several columns leaves the others
    empty, as the spreadsheet shows it)."""
    merges = {
        (int(top), int(bottom), _column_number(left) - 1)
        for left, top, _, bottom in refs
        if int(bottom) > int(top)
    }
    return tuple(sorted(merges))


def _merged_cells_again(data: bytes, path: str) -> Merges:
    """The merged cells of a sheet part whose end, kept when the workbook was
    opened, did not hold their whole list: its XML unpacked again and
    searched, a few megabytes at a time, for ``<mergeCell`` elements."""
    refs = set()
    overlap = b""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path) as stream:
        while piece := stream.read(_INFLATE_STEP):
            joined = overlap + piece
            if b"mergeCell" in joined:
                refs.update(_MERGE_CELL.findall(joined))
            overlap = piece[-200:]
    return _vertical_merges(refs)


def _sheet_merges(workbook: _Workbook, data: bytes, name: str, position: int) -> Merges:
    """The cells of the sheet at ``position`` merged over several rows: for
    .xlsx as read when the workbook was opened (see :class:`_Unpacked`), for
    an .xls file of up to ``_CALAMINE_MERGES_BYTES`` from python-calamine.
    An .ods workbook's are not read (see the README's known limits)."""
    if data.startswith(_OLE_MAGIC):
        if len(data) > _CALAMINE_MERGES_BYTES:
            return ()
        book = python_calamine.CalamineWorkbook.from_object(io.BytesIO(data))
        ranges = book.get_sheet_by_index(position).merged_cell_ranges or []
        return tuple(
            sorted(
                {
                    (top + 1, bottom + 1, left)
                    for (top, left), (bottom, _) in ranges
                    if bottom > top
                }
            )
        )
    if all(merges == () for merges in workbook.merged.values()):
        return ()  # no sheet of the workbook has any
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        path = _sheet_path(archive, position)
    if path is None:
        return ()
    merges = workbook.merged.get(path, ())
    return _merged_cells_again(data, path) if merges is None else merges


def _read_merged_cells(
    body: pl.DataFrame,
    keep: list[str],
    rows: pl.DataFrame,
    first_column: int,
    merges: Merges,
) -> tuple[pl.DataFrame, pl.DataFrame, tuple[str, ...]]:
    """The columns ``keep`` of a sheet's data rows (``rows``, by their sheet
    rows), each empty cell under a cell merged over several rows given the
    merged cell's value, those rows marked as repaired (``merged_cell``), and
    a note saying how many merged cells were read so.

    A merged cell holds its value in its top row only; the rows below it
    show that value in the spreadsheet but hold nothing in the file, so a
    customer written once over five sales would leave four of them guests.
    Only data rows are filled: a merged cell in the header is the header's,
    and a row holding nothing but the covered cell is not a row read.
    """
    if not merges:
        return body.select(keep), rows, ()
    numbers = rows["row_number"].to_numpy()
    marked = np.zeros(body.height, dtype=bool)
    sources: dict[str, np.ndarray] = {}
    filled: dict[str, np.ndarray] = {}
    spread = 0
    for top, bottom, column in merges:
        position = column - first_column
        if not 0 <= position < body.width or body.columns[position] not in keep:
            continue
        start = int(np.searchsorted(numbers, top))
        if start == len(numbers) or numbers[start] != top:
            continue  # the merged cell's own row is not a data row
        label = body.columns[position]
        if label not in filled:
            filled[label] = body.select(_filled(body, label)).to_series().to_numpy()
            sources[label] = np.arange(body.height)
        stop = int(np.searchsorted(numbers, bottom, side="right"))
        under = np.arange(start + 1, stop)
        under = under[~filled[label][under]]
        if not filled[label][start] or under.size == 0:
            continue
        sources[label][under] = start
        marked[under] = True
        spread += 1
    body = body.select(keep)
    if not spread:
        return body, rows, ()
    body = body.with_columns(
        [body[label].gather(source) for label, source in sources.items()]
    )
    repaired = _with_read_repair(rows, pl.Series(marked), MERGED_CELL)
    return body, repaired, (_merged_cells_notice(spread, numbers[marked]),)


def _merged_cells_notice(spread: int, numbers: np.ndarray) -> str:
    shown = ", ".join(str(number) for number in numbers[:10])
    if len(numbers) > 10:
        shown = t("{lines} and {n} more", lines=shown, n=f"{len(numbers) - 10:,}")
    return t_count(
        spread,
        "{count} cell merged over several rows was read on each of its rows: "
        "rows {rows} took its value (listed under Details as repaired).",
        "{count} cells merged over several rows were read on each of their rows: "
        "rows {rows} took the value of the merged cell above them (listed under "
        "Details as repaired).",
        rows=shown,
    )


def _read_workbook(
    data: bytes,
    name: str,
    sheet: str | Sequence[str] | None,
    progress: Progress = _silent,
    check_sheets: SheetsCheck | None = None,
) -> RawTable:
    workbook = _open_workbook(data, name)
    names = list(workbook.reader.sheet_names)
    if not names:
        raise SalesLogError(t("The workbook {name} has no sheets.", name=name))
    wanted = [names[0]] if sheet is None else _as_list(sheet)
    for chosen in wanted:
        if chosen not in names:
            raise SalesLogError(
                t(
                    "The workbook {name} has no sheet called {sheet}; its sheets "
                    "are: {sheets}.",
                    name=name,
                    sheet=chosen,
                    sheets=", ".join(names),
                )
            )
    tables = []
    for position, chosen in enumerate(wanted):
        tell = part_of(progress, position / len(wanted), 1 / len(wanted))
        tell(0.0, t("Reading sheet {sheet} of {name}…", sheet=chosen, name=name))
        tables.append(_read_sheet(workbook, data, name, chosen, tell))
    if check_sheets is not None and len(tables) > 1:
        check_sheets(name, tables)
    table = combine_tables(tables)
    if len(wanted) == 1:
        note = t_count(
            len(names),
            "Read the sheet “{sheet}”, the only sheet of the workbook.",
            "Read the sheet “{sheet}”, one of the {count} sheets of the workbook.",
            sheet=wanted[0],
        )
    else:
        note = t("Read and stacked the sheets {chosen}.", chosen=", ".join(wanted))
    # with the note of each sheet lacking a column another one has
    notices = (note, *table.notices)
    if workbook.note:
        notices = (workbook.note, *notices)
    return replace(table, sheet_names=tuple(names), notices=notices)


def _as_list(sheet: str | Sequence[str]) -> list[str]:
    return [sheet] if isinstance(sheet, str) else list(sheet)


def _read_sheet(
    workbook: _Workbook,
    data: bytes,
    name: str,
    sheet: str,
    progress: Progress = _silent,
) -> RawTable:
    position = list(workbook.reader.sheet_names).index(sheet)
    _check_used_area(data, name, sheet, position, workbook.dense_rows)
    try:
        table = _typed_sheet(workbook, data, name, sheet, progress)
    except SalesLogError:
        raise
    except _DAMAGED as error:
        raise SalesLogError(
            t(
                "The sheet {sheet} of {name} could not be read; the file may be "
                "damaged. Open it in your spreadsheet program and save it again.",
                sheet=sheet,
                name=name,
            )
        ) from error
    return replace(table, sheet_names=(sheet,))


def _typed_sheet(
    workbook: _Workbook,
    data: bytes,
    name: str,
    sheet: str,
    progress: Progress = _silent,
) -> RawTable:
    """Read a sheet with its cells' own types, and find its header.

    The sheet is read once taking its first row as the header; when the
    header lies lower (title rows above it, a two-line header), it is read
    again from there, so values and labels never share a column. A cell
    merged over several data rows is read on each of them.
    """
    top_row = _first_row(
        data,
        workbook.reader,
        name,
        sheet,
        before_whole=lambda: _check_the_rest(workbook, data, name, sheet),
    )
    source = _sheet_source(workbook, data, name, sheet, top_row, progress)
    body, labels, first_column = _typed_cells(source, 0)
    if body.width == 0 or (body.height == 0 and not any(labels)):
        raise SalesLogError(
            t("The sheet {sheet} of {name} is empty.", sheet=sheet, name=name)
        )
    progress(0.8, t("Finding the header row of the sheet {sheet}…", sheet=sheet))
    top = _top_rows(labels, body)
    header = _locate_header(top)
    if header == _Header(0) and _lost_dates(labels, body) and _kinds_agree(top, 0):
        # a date cell as the first row's "label" comes as no label at all:
        # read the first row as data to see whether it is one
        whole, _, whole_first = _typed_cells(source, None)
        if _first_data_row(_top_rows(None, whole)) == 0:
            body, header = whole, _Header(-1, labelled=False)
            first_column = whole_first
    elif header.index != 0:
        message = t("Reading the sheet {sheet} from its header row…", sheet=sheet)
        progress(0.85, message)
        from_row = header.index if header.index >= 0 else None
        read_from_top = first_column
        body, _, first_column = _typed_cells(source, from_row)
        # read from the header down, the grid may hold fewer columns (a title
        # beside the table, further right or left, is no longer in it)
        top = _top_columns(top, first_column - read_from_top, body.width)
    header_row = top_row + header.index
    if header_row + body.height > MAX_SHEET_ROWS:
        # too many rows that pack too loosely to be counted before reading
        raise SalesLogError(_too_many_rows_message(name, sheet))
    body.columns = _names_of(body, top, header)
    filled = body.select(pl.any_horizontal([_filled(body, c) for c in body.columns]))
    filled = filled.to_series()
    body = body.filter(filled)
    if body.height == 0:
        raise SalesLogError(_no_rows_message(name, sheet))
    numbers = np.flatnonzero(filled.to_numpy()) + header_row + 1
    position = list(workbook.reader.sheet_names).index(sheet)
    body = _shown_with_zeros(
        data,
        name,
        position,
        body,
        numbers,
        before_unpacking=lambda part: _check_part(workbook, data, name, sheet, part),
    )
    keep = [column for column in body.columns if not column.startswith("\x00")]
    notices = _header_notices(header, header_row)
    rows = _row_origins(numbers, name, sheet)
    # known once the sheet has been unpacked (see _SheetCheck)
    merges = _sheet_merges(workbook, data, name, position)
    body, rows, merged = _read_merged_cells(body, keep, rows, first_column, merges)
    return RawTable(
        cells=body, rows=rows, notices=notices + merged, header_row=header_row
    )


def _top_columns(top: pd.DataFrame, offset: int, width: int) -> pd.DataFrame:
    """The first rows' text of the ``width`` columns starting ``offset``
    columns into them, named as a read of those columns names its own."""
    columns = top.iloc[:, offset : offset + width].copy()
    columns.columns = [str(position) for position in range(columns.shape[1])]
    return columns


def _typed_cells(
    source: SheetCells, header_row: int | None
) -> tuple[pl.DataFrame, list[str], int]:
    """The cells below ``header_row`` with their types, the header's labels
    (all rows, and no labels, when ``header_row`` is ``None``), and the sheet
    column (from 0) of the first cells' column.

    A column of numbers comes as Float64 and one of dates as Datetime; a
    column mixing kinds anywhere comes as text: fastexcel is told to look at
    every row to choose a column's type, not only its first 1,000, for it
    would turn a text cell ``01000`` further down a number column into the
    number 1000 without a word (about 0.3 s more for 1,000,000 rows). A cell
    it still cannot fit to its column's type is reported by fastexcel rather
    than dropped, and its column is read again as text, so no cell is lost.
    Other kinds (true/false, durations) are read as text too.
    """
    loaded = source.load(header_row)
    body = loaded.cells
    labels = _undo_deduplication(list(loaded.labels))
    as_text = [
        position
        for position, column in enumerate(body.columns)
        if position in loaded.failed or not _kept_type(body[column].dtype)
    ]
    if as_text:
        body = _reread_as_text(source, header_row, body, as_text)
    return _tidy_cells(source, header_row, body), labels, loaded.first_column


class SheetCells(Protocol):
    """A sheet whose cells can be read with the workbook library's options."""

    def load(
        self,
        header_row: int | None,
        *,
        use_columns: list[int] | None = None,
        dtypes: str | None = None,
    ) -> LoadedCells: ...


class _WholeSheet:
    """A sheet read in one piece by the workbook library; its grid's first row
    is sheet row ``top_row`` (from 1)."""

    def __init__(
        self,
        workbook: fastexcel.ExcelReader,
        sheet: str,
        top_row: int,
        before: Callable[[], None] | None = None,
    ) -> None:
        self.workbook, self.sheet, self.top_row = workbook, sheet, top_row
        self.first_column: int | None = None  # of the grid, once read
        self.before = before  # called before the library reads the sheet

    def load(
        self,
        header_row: int | None,
        *,
        use_columns: list[int] | None = None,
        dtypes: str | None = None,
    ) -> LoadedCells:
        """The cells below ``header_row`` (counted from the grid's first row),
        of the grid columns ``use_columns``, read with ``dtypes`` or with their
        own types (every row looked at)."""
        if self.before is not None:
            self.before()
        options: dict = {
            "header_row": library_header_row(header_row, self.top_row),
            "schema_sample_rows": None,
        }
        if use_columns is not None:
            # the library takes a number as a sheet column (A is 0), not as a
            # column of its grid, which starts further right in some sheets
            if self.first_column is None:
                self.load(header_row)
            options["use_columns"] = [self.first_column + p for p in use_columns]
        if dtypes is not None:
            options["dtypes"] = dtypes
        loaded = self.workbook.load_sheet(self.sheet, **options)
        batch, errors = loaded.to_arrow_with_errors()
        cells = pl.from_arrow(batch)
        if not isinstance(cells, pl.DataFrame):
            cells = cells.to_frame()
        cells.columns = [str(position) for position in range(cells.width)]
        columns = loaded.selected_columns
        labels = column_labels(columns)
        # the library counts an error's column in its grid, all columns selected
        in_grid = {error.position[1] for error in (errors.errors if errors else [])}
        read = range(cells.width) if use_columns is None else use_columns
        failed = frozenset(i for i, position in enumerate(read) if position in in_grid)
        first_column = columns[0].absolute_index if columns else 0
        if use_columns is None:
            self.first_column = first_column
        return LoadedCells(cells, labels, first_column, failed)


def _sheet_source(
    workbook: _Workbook,
    data: bytes,
    name: str,
    sheet: str,
    top_row: int,
    progress: Progress = _silent,
) -> SheetCells:
    """The sheet read in parts on every core when it is a large .xlsx sheet
    (see :mod:`retention.sheet_parts`), else read whole; ``progress`` is told
    as each part is read."""

    def tell(done: int, parts: int) -> None:
        message = t(
            "Reading sheet {sheet}: {done} of {parts} parts read…",
            sheet=sheet,
            done=done,
            parts=parts,
        )
        progress(0.8 * done / parts, message)

    whole = _WholeSheet(
        workbook.reader,
        sheet,
        top_row,
        before=lambda: _check_the_rest(workbook, data, name, sheet),
    )
    if not data.startswith(ZIP_MAGIC) or Path(name).suffix.lower() not in (
        _PARTED_EXTENSIONS
    ):
        return whole
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            path = _sheet_path(archive, list(workbook.reader.sheet_names).index(sheet))
            part = archive.getinfo(path) if path else None
    except _DAMAGED:
        return whole  # the whole read says what is wrong
    if part is None or not cut_in_parts(part):
        return whole
    check = None
    if part.filename in workbook.unchecked.paths:
        check = _SheetCheck(workbook, data, name, sheet, part)
    try:
        parted = read_in_parts(
            data,
            part,
            sheet,
            top_row,
            header_row=0,
            on_part=tell,
            watch=check.watch if check is not None else None,
            # the library could take another of them for this sheet
            leave_out=workbook.unchecked.paths - {part.filename},
        )
    except SalesLogError:
        raise  # the sheet's check refused it
    except (*_DAMAGED, KeyError, PartsDisagree):
        parted = None  # the whole read says what is wrong, or reads it as before
    if check is not None:
        # the cut saw every piece of a sheet it read in parts; else the check
        # unpacks the sheet itself before the workbook library reads it whole
        check.done(seen_whole=parted is not None)
    return _PartedOrWhole(parted, whole) if parted else whole


def _check_part(
    workbook: _Workbook, data: bytes, name: str, sheet: str, part: zipfile.ZipInfo
) -> None:
    """Check the sheet part ``part`` if it is left unchecked (see
    :class:`_SheetCheck`), before it is unpacked in full."""
    if part.filename in workbook.unchecked.paths:
        _SheetCheck(workbook, data, name, sheet, part).done(seen_whole=False)


def _check_the_rest(workbook: _Workbook, data: bytes, name: str, sheet: str) -> None:
    """Check every sheet part left unchecked (see :class:`_SheetCheck`) before
    a library reads a sheet whole: which part it reads for ``sheet`` is not
    known for sure (its order of the sheets may differ from the one read off
    the workbook's XML here, which a crafted file can make happen).

    As when the workbook is opened, any part over the size limit or damaged
    refuses the file, but only the part of ``sheet`` is refused for its rows:
    the rows of a sheet not read are only recorded."""
    if not workbook.unchecked.paths:
        return  # most workbooks: every sheet read or checked at opening
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        own = _sheet_path(archive, list(workbook.reader.sheet_names).index(sheet))
        for path in sorted(workbook.unchecked.paths):
            check = _SheetCheck(workbook, data, name, sheet, archive.getinfo(path))
            check.done(seen_whole=False, read=path == own)


class _SheetCheck:
    """The check against zip bombs (:func:`_check_expanded_size`) of a sheet
    read in parts, made on the unpacking that cuts it: the bytes it unpacks
    to (within what the limit leaves after the workbook's other parts, and
    after other sheets checked so), its rows where it packs suspiciously
    well, and its merged cells, recorded in ``workbook`` as the workbook's
    check records them. A sheet over a limit stops the cut with the same
    message as the workbook's check."""

    def __init__(
        self,
        workbook: _Workbook,
        data: bytes,
        name: str,
        sheet: str,
        part: zipfile.ZipInfo,
    ) -> None:
        self.workbook, self.data, self.name, self.sheet = workbook, data, name, sheet
        self.part = part
        self.unpacking = self._unpacking()

    def _unpacking(self) -> _Unpacking:
        spare = self.workbook.unchecked.spare
        return _Unpacking(self.part.compress_size, spare, count=True)

    def watch(self, piece: bytes, took: int) -> None:
        """Count one unpacked piece (see :func:`read_in_parts`)."""
        if self.unpacking.add(piece, took):
            raise self.refusal()

    def refusal(self) -> SalesLogError:
        if self.unpacking.total > self.unpacking.limit:
            return SalesLogError(_unpacks_further_message(self.name))
        return SalesLogError(_too_many_rows_message(self.name, self.sheet))

    def done(self, *, seen_whole: bool, read: bool = True) -> None:
        """Record what the sheet's unpacking told, unpacking it here unless
        the cut saw all of it. A part that is not the one ``read`` for the
        sheet is refused for its size alone: its rows are recorded, for
        :func:`_check_sheet_rows` to refuse should that sheet be chosen, and
        its damage is told as the workbook's, not as the sheet's."""
        if not seen_whole:
            try:
                self._unpack()
            except _DAMAGED as error:
                if read:
                    raise
                raise SalesLogError(_damaged_workbook_message(self.name)) from error
        if self.unpacking.over and (
            read or self.unpacking.total > self.unpacking.limit
        ):
            raise self.refusal()
        unpacked = self.unpacking.result()
        path = self.part.filename
        self.workbook.dense_rows[path] = unpacked.rows
        self.workbook.merged[path] = _merged_cells(unpacked.end, whole=unpacked.whole)
        self.workbook.unchecked.paths.discard(path)
        self.workbook.unchecked.spare -= unpacked.size

    def _unpack(self) -> None:
        """Count the whole part afresh, up to the first limit it passes."""
        self.unpacking = self._unpacking()
        for piece, took in inflated_pieces(
            packed_part(self.data, self.part), _INFLATE_STEP
        ):
            over = self.unpacking.add(piece, took)
            del piece
            if over:
                break


class _PartedOrWhole:
    """A sheet read in parts, read whole from the first read whose parts do
    not fit together (a header further down than the first part reaches)."""

    def __init__(self, parted: PartedSheet, whole: _WholeSheet) -> None:
        self.parted: PartedSheet | None = parted
        self.whole = whole

    def load(
        self,
        header_row: int | None,
        *,
        use_columns: list[int] | None = None,
        dtypes: str | None = None,
    ) -> LoadedCells:
        """As :meth:`_WholeSheet.load`."""
        if self.parted is not None:
            try:
                return self.parted.load(
                    header_row, use_columns=use_columns, dtypes=dtypes
                )
            except PartsDisagree:
                self.parted = None
        return self.whole.load(header_row, use_columns=use_columns, dtypes=dtypes)


# A number format that pads a whole number with zeros (``00000``: 421 is
# shown ``00421``), as a loyalty number or a receipt number typed with its
# zeros is often kept in a workbook.
_ZERO_PADDING = re.compile(r"^0{2,}$")
_NUMBER_FORMAT = re.compile(rb"<(?:\w+:)?numFmt\b[^>]*?>")
_CELL_FORMATS = re.compile(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", re.S)
_CELL_FORMAT = re.compile(rb"<(?:\w+:)?xf\b[^>]*?>")
_CELL_START = re.compile(rb"<(?:\w+:)?c ")


def _shown_with_zeros(
    data: bytes,
    name: str,
    position: int,
    body: pl.DataFrame,
    numbers: np.ndarray,
    before_unpacking: Callable[[zipfile.ZipInfo], None] | None = None,
) -> pl.DataFrame:
    """The columns of whole numbers (where ids are) whose cells carry a
    zero-padding number format (``00000``) written as text as Excel shows
    them (``00421``), so they match the same ids exported as text.

    Only an .xlsx workbook whose styles hold such a format is looked into
    (most hold none: reading its styles is all it costs); its sheet's XML is
    then searched for the cells of those columns that carry it, and a column
    is written so only when every such cell holds the number read there.
    ``before_unpacking`` is given the sheet's part before it is unpacked.
    """
    if Path(name).suffix.lower() not in (".xlsx", ".xlsm"):
        return body
    whole = [
        column
        for column in body.columns
        if body[column].dtype.is_float()
        and body.select((pl.col(column) == pl.col(column).round(0)).all()).item()
    ]
    if not whole or not data.startswith(ZIP_MAGIC):
        return body
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            widths = _zero_padding_styles(archive)
            path = _sheet_path(archive, position) if widths else None
            if path is None:
                return body
            first = _first_xlsx_column(archive, path)
            letters = {_column_letters(first + body.columns.index(c)): c for c in whole}
            part = archive.getinfo(path)
            if before_unpacking is not None:
                before_unpacking(part)
            padded = _padded_cells(data, part, letters, widths)
    except SalesLogError:
        raise  # the part's check refused it
    except _DAMAGED:
        return body  # the reader has read it; its formats are not needed
    return body.with_columns(
        [
            _zero_padded(body[letters[letter]], numbers, cells)
            for letter, cells in padded.items()
        ]
    )


def _zero_padding_styles(archive: zipfile.ZipFile) -> dict[int, int]:
    """The cell styles (their ``s`` in the sheet) whose number format pads
    with zeros, and the digits each shows."""
    try:
        styles = archive.read("xl/styles.xml")
    except KeyError:
        return {}
    formats = {}
    for tag in _NUMBER_FORMAT.findall(styles):
        number = re.search(rb'numFmtId="(\d+)"', tag)
        code = re.search(rb'formatCode="([^"]*)"', tag)
        shown = html.unescape(code[1].decode("utf-8", "replace")) if code else ""
        if number and _ZERO_PADDING.match(shown.replace('"', "")):
            formats[int(number[1])] = len(shown.replace('"', ""))
    if not formats:
        return {}
    cell_formats = _CELL_FORMATS.search(styles)
    xfs = _CELL_FORMAT.findall(cell_formats[0]) if cell_formats else []
    widths = {}
    for style, tag in enumerate(xfs):
        number = re.search(rb'numFmtId="(\d+)"', tag)
        if number and int(number[1]) in formats:
            widths[style] = formats[int(number[1])]
    return widths


def _first_xlsx_column(archive: zipfile.ZipFile, path: str) -> int:
    """The first column holding a value in the sheet's first rows, where the
    workbook library's grid starts (1 for column A)."""
    with archive.open(path) as stream:
        head = stream.read(1 << 20)
    valued = re.findall(
        rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)\d+"[^>]*?(?<!/)>\s*(?:<(?:\w+:)?f\b.*?</(?:\w+:)?f>\s*)?<(?:\w+:)?(?:v|is)\b',
        head,
        re.S,
    )
    return min((_column_number(letters) for letters in valued), default=1)


def _padded_cells(
    data: bytes, part: zipfile.ZipInfo, letters: dict[str, str], widths: dict[int, int]
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """For each column (by its letters) the rows, numbers and widths of its
    number cells that carry a zero-padding style, read from the sheet's XML
    a few megabytes at a time."""
    styles = b"|".join(str(style).encode() for style in widths)
    columns = b"|".join(re.escape(letter.encode()) for letter in letters)
    found: list[tuple[bytes, bytes, bytes, bytes]] = []
    cell = None
    for piece in _cell_pieces(data, part):
        if cell is None:
            # "<c", or "<x:c" in a sheet written with a prefix: a pattern
            # opening with its own text is searched many times faster
            named = _SHEET_DATA.search(piece)
            prefix = re.escape((named[1] if named else None) or b"")
            cell = re.compile(
                b"<" + prefix + b'c r="(' + columns + rb')(\d+)"[^>]*? s="('
                + styles + rb')"[^>]*?>(?:<' + prefix + rb"f\b[^>]*?(?:/>|>[^<]*</"
                + prefix + rb"f>))?<" + prefix + rb"v>(-?[\d.]+(?:[Ee][-+]?\d+)?)</"
            )  # fmt: skip
        found += cell.findall(piece)
    if not found:
        return {}
    column, rows, style, value = np.array(found).T
    shown = np.zeros(max(widths) + 1, dtype=np.int64)
    shown[list(widths)] = list(widths.values())
    width = shown[style.astype(np.int64)]
    rows, value = rows.astype(np.int64), value.astype(float)
    return {
        letter.decode(): (rows[at], value[at], width[at])
        for letter in np.unique(column)
        for at in [column == letter]
    }


def _cell_pieces(data: bytes, part: zipfile.ZipInfo) -> Iterator[bytes]:
    """A sheet's XML a few megabytes at a time, each piece cut before a cell
    so that no cell is split between two, unpacked with ISA-L."""
    packed = packed_part(data, part)
    if part.compress_type == zipfile.ZIP_STORED:
        yield bytes(packed)
        return
    if part.compress_type != zipfile.ZIP_DEFLATED:
        raise NotImplementedError(part.compress_type)
    carry = b""
    for unpacked, _ in inflated_pieces(packed, _INFLATE_STEP):
        piece = carry + unpacked
        starts = list(_CELL_START.finditer(piece, max(0, len(piece) - 65536)))
        cut = starts[-1].start() if starts else len(piece)
        yield piece[:cut]
        carry = piece[cut:]
    yield carry


def _zero_padded(
    values: pl.Series,
    numbers: np.ndarray,
    cells: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> pl.Series:
    """A column of whole numbers as text, its padded cells as Excel shows
    them; unchanged when a padded cell does not hold the number read on its
    row (the column was placed wrongly)."""
    rows, shown, width = cells
    at = np.searchsorted(numbers, rows)
    inside = at < len(numbers)
    inside[inside] = numbers[at[inside]] == rows[inside]
    at, shown, width = at[inside], shown[inside], width[inside]
    read = values.to_numpy()
    if not len(at) or not np.array_equal(read[at], shown):
        return values
    widths = np.zeros(len(values), dtype=np.int64)
    widths[at] = width
    digits = values.abs().cast(pl.Int64).cast(pl.String)
    frame = pl.DataFrame({"v": values, "d": digits, "w": widths})
    written = pl.when(pl.col("v") < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    written = written + pl.col("d").str.zfill(pl.col("w"))
    return frame.select(written.fill_null("").alias(values.name)).to_series()


def _kept_type(dtype: pl.DataType) -> bool:
    return (
        dtype in (pl.String, pl.Null, pl.Date)
        or dtype.is_float()
        or (isinstance(dtype, pl.Datetime))
    )


def _undo_deduplication(labels: list[str]) -> list[str]:
    """fastexcel names a second "Amount" column "Amount_1"; give it back its
    label (the header logic tells repeated labels apart itself)."""
    seen: list[str] = []
    for position, label in enumerate(labels):
        found = re.fullmatch(r"(.*)_\d+", label)
        if found and found.group(1) in seen:
            labels[position] = found.group(1)
        seen.append(labels[position])
    return labels


def _reread_as_text(
    source: SheetCells,
    header_row: int | None,
    body: pl.DataFrame,
    positions: list[int],
) -> pl.DataFrame:
    """Columns read again as text; their cells that did fit the type keep their
    exact text (``0.3333333333333333``, not fastexcel's nine decimals)."""
    text = source.load(header_row, use_columns=positions, dtypes="string").cells
    replaced = []
    for index, position in enumerate(positions):
        column = body.columns[position]
        typed = body[column]
        written = text.to_series(index)
        if typed.dtype in (pl.String, pl.Null) or not _kept_type(typed.dtype):
            replaced.append(written.alias(column))
            continue
        exact = text_column(typed)
        replaced.append(pl.Series(column, exact).zip_with(typed.is_not_null(), written))
    return body.with_columns(replaced)


def _tidy_cells(
    source: SheetCells, header_row: int | None, body: pl.DataFrame
) -> pl.DataFrame:
    """Text trimmed and empty text ``""``; dates as Datetime, and a column of
    times of day (Excel puts them on its day zero, 1899-12-30) as text."""
    columns = []
    for column in body.columns:
        values = body[column]
        if values.dtype == pl.Null:
            values = pl.Series(column, [""] * len(values), dtype=pl.String)
        elif values.dtype == pl.Date:
            values = values.cast(pl.Datetime("ms"))
        if isinstance(values.dtype, pl.Datetime) and _holds_times(values):
            values = text_column(values)
        columns.append(values.alias(column))
    body = pl.DataFrame(columns) if columns else body
    texts = [c for c in body.columns if body[c].dtype == pl.String]
    body = body.with_columns(pl.col(texts).fill_null(""))
    body = body.with_columns(each_side_by_side(stripped, body.select(texts)))
    # which marks each column writes at all: most need none of the steps below
    marks = {column: marks_in(body[column], ".-:") for column in texts}
    decimals = [c for c in texts if "." in marks[c]]
    body = _exact_numbers(source, header_row, body, decimals)
    # OpenDocument dates come as 2024-01-05T10:30:00; written like Excel's here
    clocks = [c for c in texts if {"-", ":"} <= marks[c]]
    stamped = [c for c in clocks if body[c].str.contains(_ISO_T).any()]
    body = body.with_columns(pl.col(stamped).str.replace(_ISO_T, "$1 $2"))
    # a time of day alone comes out on Excel's day zero; a date alone at 00:00
    dashed = [c for c in texts if "-" in marks[c]]
    times = [c for c in dashed if body[c].str.starts_with("1899-12-3").any()]
    days = [c for c in clocks if body[c].str.ends_with(" 00:00:00").any()]
    return body.with_columns(
        pl.col(days).str.replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", "$1")
    ).with_columns(pl.col(times).str.replace(r"^1899-12-3[01] ", ""))


def _holds_times(values: pl.Series) -> bool:
    earliest = values.min()
    return earliest is not None and earliest < dt.datetime(1900, 1, 1)


def _top_rows(labels: list[str] | None, body: pl.DataFrame) -> pd.DataFrame:
    """The first rows as text, the header's labels first (when there are
    any), to find the header in."""
    head = body.head(HEADER_SEARCH_ROWS - (labels is not None))
    text = head.select([text_column(head[c]).str.strip_chars() for c in head.columns])
    top = text.to_pandas().astype("str")
    if labels is not None:
        above = pd.DataFrame([labels], columns=text.columns, dtype="str")
        top = pd.concat([above, top], ignore_index=True)
    return top.map(str.strip)


def _lost_dates(labels: list[str], body: pl.DataFrame) -> bool:
    """Whether a column of dates has no label: the workbook library gives a
    date cell in the header row no label, so the row may be a first sale."""
    return any(
        not label and isinstance(body.to_series(position).dtype, pl.Datetime)
        for position, label in enumerate(labels)
    )


def _filled(cells: pl.DataFrame, column: str) -> pl.Expr:
    """Whether a cell holds something: not null, and not empty text."""
    values = pl.col(column)
    if cells[column].dtype == pl.String:
        return values.is_not_null() & (values != "")
    return values.is_not_null()


def _row_origins(numbers: np.ndarray, name: str, sheet: str) -> pl.DataFrame:
    return pl.DataFrame({"row_number": numbers.astype("int64")}).select(
        pl.lit(name, dtype=pl.String).alias("source"),
        pl.lit(sheet, dtype=pl.String).alias("sheet"),
        pl.col("row_number"),
    )


def text_column(values: pl.Series, empty: str | None = "") -> pl.Series:
    """A column as text, written as the cells read as text would be.

    Whole numbers without a decimal point (``17850``), others in their
    shortest exact form (``0.3333333333333333``), dates and times as ISO text
    (``2010-12-01 08:26:00``; a date alone without ``00:00:00``, a time of day
    alone without Excel's day zero); an empty cell is ``empty`` (``""``, or
    null when ``None``).
    """
    dtype = values.dtype
    frame = values.to_frame("v")
    cell = pl.col("v")
    if dtype == pl.String:
        return values if empty is None else values.fill_null(empty)
    if dtype.is_float():
        whole = (cell == cell.round(0)) & (cell.abs() < 9e18)
        as_whole = cell.cast(pl.Int64, strict=False).cast(pl.String)
        # writing a float's shortest form is the slow part: only when needed
        if frame.select(whole.all()).item():
            text = as_whole
        else:
            text = pl.when(whole).then(as_whole).otherwise(cell.cast(pl.String))
    elif isinstance(dtype, pl.Datetime) or dtype == pl.Date:
        cell = cell.cast(pl.Datetime("ms"))
        text = (
            pl.when(cell.dt.date() <= pl.lit(dt.date(1899, 12, 31)))
            .then(cell.dt.strftime("%H:%M:%S"))
            .when(cell.dt.time() == pl.lit(dt.time(0, 0)))
            .then(cell.dt.strftime("%Y-%m-%d"))
            .otherwise(cell.dt.strftime("%Y-%m-%d %H:%M:%S"))
        )
    else:
        text = cell.cast(pl.String)
    if empty is not None:
        text = text.fill_null(empty)
    return frame.select(text).to_series().alias(values.name)


def text_cells(cells: pl.DataFrame) -> pl.DataFrame:
    """Every column of a raw table as text (see :func:`text_column`)."""
    return cells.select([text_column(cells[c]) for c in cells.columns])


def marks_in(values: pl.Series, marks: str) -> set[str]:
    """Which of ``marks`` some cell of a text column holds: ASCII characters,
    and ``NON_ASCII`` for any character beyond ASCII. The cells' bytes are
    searched a few megabytes at a time, many times faster than each cell."""
    written = _text_bytes(values)
    found: set[str] = set()
    for start in range(0, len(written), _SCAN_STEP):
        if found == set(marks):
            break
        piece = written[start : start + _SCAN_STEP]
        for mark in set(marks) - found:
            code = ord(mark)
            if (piece >= code).any() if code >= 128 else (piece == code).any():
                found.add(mark)
    return found


def holds_letters(values: pl.Series) -> bool:
    """Whether some cell of a text column holds a letter (A to Z in either
    case, or any character beyond ASCII), from its bytes a few megabytes at
    a time."""
    written = _text_bytes(values)
    for start in range(0, len(written), _SCAN_STEP):
        piece = written[start : start + _SCAN_STEP]
        lower = piece | 0x20  # ASCII letters in lower case
        if ((lower >= ord("a")) & (lower <= ord("z"))).any() or (piece >= 128).any():
            return True
    return False


def stripped(values: pl.Series) -> pl.Series:
    """A text column with white space taken off both ends of its cells, as
    ``str.strip_chars()`` does. Most columns have none, which the first and
    last byte of each cell tell twice as fast as stripping: such a column is
    returned as it is. Any byte up to the space or beyond ASCII (the Unicode
    spaces among them) counts as white space, so a column is never passed
    over that stripping would change."""
    offsets, data = _cell_bytes(values)
    if len(data) == 0:
        return values
    # an empty cell reads its neighbour's byte: at worst a needless strip
    first = data.take(offsets[:-1], mode="clip")
    last = data.take(offsets[1:] - 1, mode="clip")
    # ``byte - 33`` wraps round below the space: 95 and up is space or beyond
    if len(first) and max((first - 33).max(), (last - 33).max()) >= _EDGE_FROM:
        return values.str.strip_chars()
    return values


def _text_bytes(values: pl.Series) -> np.ndarray:
    """The UTF-8 bytes of a text column's cells, one after the other."""
    offsets, data = _cell_bytes(values)
    return data[offsets[0] : offsets[-1]]


def _cell_bytes(values: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """A text column's UTF-8 bytes and where each cell's start in them: cell
    ``i`` is ``data[offsets[i]:offsets[i + 1]]``."""
    cells = values.to_arrow()
    if isinstance(cells, pa.ChunkedArray):
        cells = cells.combine_chunks()
    if cells.type != pa.large_string():
        cells = cells.cast(pa.large_string())
    _, offsets, data = cells.buffers()
    if offsets is None or data is None:
        return np.zeros(len(cells) + 1, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    first = cells.offset
    ends = np.frombuffer(offsets, dtype=np.int64)[first : first + len(cells) + 1]
    return ends, np.frombuffer(data, dtype=np.uint8)


def _exact_numbers(
    source: SheetCells,
    header_row: int | None,
    body: pl.DataFrame,
    texts: list[str],
) -> pl.DataFrame:
    """In text columns, give numbers cut to nine decimals their shortest exact
    text (fastexcel writes ``1/3`` as text as ``0.333333333``)."""
    cut = [
        column for column in texts if body[column].str.contains(r"^-?\d+\.\d{9}$").any()
    ]
    if not cut:
        return body
    positions = [body.columns.index(column) for column in cut]
    numbers = source.load(header_row, use_columns=positions, dtypes="float").cells
    for position, column in enumerate(cut):
        values = numbers.to_series(position)
        exact = pl.Series(
            [None if value is None else repr(value) for value in values.to_list()],
            dtype=pl.String,
        )
        mask = body[column].str.contains(r"^-?\d+\.\d{9}$") & exact.is_not_null()
        body = body.with_columns(
            pl.when(mask).then(exact).otherwise(pl.col(column)).alias(column)
        )
    return body


def _first_row(
    data: bytes,
    workbook: fastexcel.ExcelReader,
    name: str,
    sheet: str,
    before_whole: Callable[[], None] | None = None,
) -> int:
    """The sheet row of the grid's first row (the reader skips empty rows above).

    For .xlsx the first rows of the sheet's XML are enough; other formats ask
    python-calamine, which is slower but these files are small. It reads the
    whole sheet, so ``before_whole`` is called first.
    """
    if data.startswith(ZIP_MAGIC) and Path(name).suffix.lower() in (".xlsx", ".xlsm"):
        first = _first_xlsx_row(data, list(workbook.sheet_names).index(sheet))
        if first is not None:
            return first
    if before_whole is not None:
        before_whole()
    book = python_calamine.CalamineWorkbook.from_object(io.BytesIO(data))
    start = book.get_sheet_by_name(sheet).start  # None when the sheet is empty
    return int(start[0]) + 1 if start else 1


def _first_xlsx_row(data: bytes, position: int) -> int | None:
    """The first row holding a value, read from the start of the sheet's XML
    (an empty ``<v></v>`` is no value: the workbook library skips it)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        path = _sheet_path(archive, position)
        if path is None:
            return None
        with archive.open(path) as stream:
            head = stream.read(1 << 20).decode("utf-8", errors="replace")
    valued = re.search(
        r'<(?:\w+:)?c\b[^>]*?\br="[A-Z]+(\d+)"[^>]*?(?<!/)>\s*(?:<(?:\w+:)?f\b.*?</(?:\w+:)?f>\s*)?(?:<(?:\w+:)?v>[^<]|<(?:\w+:)?is\b)',
        head,
        re.S,
    )
    return int(valued.group(1)) if valued else None


def _check_used_area(
    data: bytes, name: str, sheet: str, position: int, dense_rows: dict[str, int]
) -> None:
    """Refuse a sheet whose used area (A1 to its last used cell) holds more
    than ``MAX_SHEET_CELLS`` cells, or which has more rows than
    ``MAX_SHEET_ROWS`` where it packs suspiciously well (``dense_rows``, from
    :func:`_check_expanded_size`), before the reader builds a grid over it."""
    if not data.startswith(ZIP_MAGIC) or Path(name).suffix.lower() == ".ods":
        return
    try:
        rows, columns = used_area(data, position)
    except _DAMAGED:
        return  # the reader says what is wrong with the file
    if rows * columns <= MAX_SHEET_CELLS:
        _check_sheet_rows(data, name, sheet, position, dense_rows)
        return
    raise SalesLogError(
        t(
            "The sheet {sheet} of {name} was not read: its used area runs to row "
            "{rows} and column {column}, {cells} million cells, far more than a "
            "sales log fills (at most {limit} million). A cell far below or to the "
            "right of the sales holds something, perhaps a space or a format. "
            "Delete the rows and columns after the sales and save again, or copy "
            "the sales into a new sheet.",
            sheet=sheet,
            name=name,
            rows=f"{rows:,}",
            column=_column_letters(columns),
            cells=f"{rows * columns / 1e6:,.0f}",
            limit=f"{MAX_SHEET_CELLS / 1e6:,.0f}",
        )
    )


def _check_sheet_rows(
    data: bytes, name: str, sheet: str, position: int, dense_rows: dict[str, int]
) -> None:
    """Refuse an .xlsx sheet of more rows than ``MAX_SHEET_ROWS``, whatever
    its dimension says, counted in its XML where it packs suspiciously well
    (see :class:`_Unpacked`) when the workbook was opened."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        path = _sheet_path(archive, position)
    if dense_rows.get(path or "", 0) > MAX_SHEET_ROWS:
        raise SalesLogError(_too_many_rows_message(name, sheet))


def _too_many_rows_message(name: str, sheet: str) -> str:
    return t(
        "The sheet {sheet} of {name} was not read: it has more than {limit} "
        "rows, more than any spreadsheet program saves in one sheet, so it is "
        "not a sales log as a till or a spreadsheet exports it. Export the "
        "sales log again, or split it by year.",
        sheet=sheet,
        name=name,
        limit=f"{MAX_SHEET_ROWS:,}",
    )


_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData\b")


def _check_repeated_cells(data: bytes, name: str) -> None:
    """Refuse an OpenDocument workbook whose sheets, once their repeated rows
    and cells holding values are written out, hold more than
    ``MAX_SHEET_CELLS`` cells together, before the workbook library builds
    them all (it does so when it opens the file): a few kilobytes can repeat
    one row of values millions of times."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "content.xml" not in archive.namelist():
                return
            with archive.open("content.xml") as stream:
                sheet, cells = _ods_cells(stream, MAX_SHEET_CELLS)
    except _DAMAGED:
        return  # the reader says what is wrong with the file
    if cells <= MAX_SHEET_CELLS:
        return
    raise SalesLogError(
        t(
            "{name} was not read: the sheet {sheet} repeats rows or cells holding "
            "values so often that it expands to more than {cells} million cells, an "
            "absurd size, far more than any sales log (at most {limit} million). "
            "Export the sales log again, or open the file in your spreadsheet "
            "program, delete the repeated rows and save it again.",
            name=name,
            sheet=sheet,
            cells=f"{cells / 1e6:,.0f}",
            limit=f"{MAX_SHEET_CELLS / 1e6:,.0f}",
        )
    )


_ODS_ROW = b"<table:table-row"
_ODS_ROW_END = b"</table:table-row>"
_ODS_SHEET_END = b"</table:table>"
_ODS_REPEATED = b"-repeated="
_ODS_SHEET_NAME = re.compile(rb'<table:table\s[^>]*?table:name="([^"]*)"')
_ODS_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="(\d+)"')
_ODS_COLUMNS_REPEATED = re.compile(rb'table:number-columns-repeated="(\d+)"')
# The fewest bytes a cell takes in the XML (<table:table-cell/>).
_ODS_CELL_BYTES = 19


def _ods_cells(stream: io.BufferedIOBase, limit: int) -> tuple[str, int]:
    """The cells an OpenDocument spreadsheet's sheets expand to, and the sheet
    reaching the most, counted up to just past ``limit``.

    Each sheet counts its used area: the rows up to its last row holding a
    value, times the columns up to its widest row's last cell holding a
    value, with their repeats (``table:number-rows-repeated``,
    ``table:number-columns-repeated``). Repeated rows and cells holding
    nothing do not count: spreadsheet programs end every sheet with a million
    repeated empty rows and pad rows with empty columns. The XML is read a
    few megabytes at a time and cut at its rows, never built into a tree;
    rows written out without repeats are counted by their bytes alone.
    """
    sheets = _OdsSheets(limit)
    carry = b""
    while chunk := stream.read(1 << 22):
        earlier = carry
        pieces = (earlier + chunk).split(_ODS_ROW)
        sheets.between(pieces[0])
        carry = _ODS_ROW + pieces[-1] if len(pieces) > 1 else pieces[0]
        rows = pieces[1:-1]
        marks = (_ODS_REPEATED, _ODS_SHEET_END)
        if rows and not any(mark in xml for mark in marks for xml in (earlier, chunk)):
            sheets.written_out(rows)
        else:
            sheets.rows(rows)
        if sheets.over():
            return sheets.largest()
    if carry.startswith(_ODS_ROW):
        sheets.rows([carry[len(_ODS_ROW) :]])
    return sheets.largest()


@dataclass
class _OdsSheets:
    """The used area of each sheet of an OpenDocument spreadsheet so far."""

    limit: int
    done: list[tuple[str, int]] = field(default_factory=list)
    name: str = ""
    row: int = 0
    last: int = 0
    widest: int = 0

    def over(self) -> bool:
        return self.total() > self.limit

    def total(self) -> int:
        return sum(cells for _, cells in self.done) + self.last * self.widest

    def largest(self) -> tuple[str, int]:
        areas = [*self.done, (self.name, self.last * self.widest)]
        return max(areas, key=lambda area: area[1])[0], self.total()

    def between(self, xml: bytes) -> None:
        """What lies between rows: the end of a sheet, the start of the next."""
        if _ODS_SHEET_END not in xml and b"<table:table " not in xml:
            return
        for _ in range(xml.count(_ODS_SHEET_END)):
            self.done.append((self.name, self.last * self.widest))
            self.row = self.last = self.widest = 0
        if names := _ODS_SHEET_NAME.findall(xml):
            self.name = html.unescape(names[-1].decode("utf-8", "replace"))

    def written_out(self, rows: list[bytes]) -> None:
        """Rows without repeats, each taken to hold values; their width is
        bounded by their bytes, and counted cell by cell only when the bound
        passes the limit."""
        self.row += len(rows)
        self.last = self.row
        width = max(map(len, rows)) // _ODS_CELL_BYTES
        if self.last * max(width, self.widest) > self.limit:
            width = max(map(_ods_cell_count, rows))
        self.widest = max(self.widest, width)

    def rows(self, rows: list[bytes]) -> None:
        """Rows, each what follows ``<table:table-row`` up to the next one."""
        for piece in rows:
            if piece[:1] not in b" >/\n\t\r":
                self.between(piece)  # <table:table-rows>, <table:table-row-group>
                continue
            close = piece.find(b">")
            found = _ODS_ROWS_REPEATED.search(piece, 0, close)
            repeat = int(found[1]) if found else 1
            rest, width = piece[close + 1 :], 0
            if piece[close - 1 : close] != b"/":
                end = piece.find(_ODS_ROW_END, close)
                width = _ods_valued_width(piece[close + 1 : end])
                rest = piece[end + len(_ODS_ROW_END) :]
            if width:
                self.last = self.row + repeat
                self.widest = max(self.widest, width)
                if self.over():
                    return
            self.row += repeat
            if len(rest) > 1:
                self.between(rest)


def _ods_cell_count(xml: bytes) -> int:
    return xml.count(b"<table:table-cell") + xml.count(b"<table:covered-table-cell")


def _ods_valued_width(row: bytes) -> int:
    """The column of a row's last cell that may hold a value (one with a value
    type or any content; a closed cell without a value type is empty), with
    the repeats of the cells up to it."""
    typed = row.rfind(b"office:value-type")
    end = max(
        row.rfind(b"</table:table-cell>"),
        row.rfind(b"</table:covered-table-cell>"),
        row.find(b">", typed) if typed >= 0 else -1,
    )
    if end < 0:
        return 0
    head = row[:end]
    cells = _ods_cell_count(head)
    if _ODS_REPEATED in head:
        cells += sum(int(n) - 1 for n in _ODS_COLUMNS_REPEATED.findall(head))
    return cells


_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\b[^>]*?\bref="(?:[A-Z]+\d+:)?([A-Z]+)(\d+)"'
)
# A cell beyond column T or on row 1,000,000 or further: with no such cell
# the area is at most 999,999 rows x 20 columns, within MAX_SHEET_CELLS.
_FAR_CELL = re.compile(rb' r="(?:[A-Z]{2}|[U-Z]\d|[A-Z]\d{7})')
_CELL_REF = re.compile(rb' r="([A-Z]{1,3})(\d+)"')
# About 25,000 rows of 8 columns; searching them takes a few hundredths of a
# second.
_SCANNED_SHEET_BYTES = 8_000_000


def used_area(data: bytes, position: int) -> tuple[int, int]:
    """The last row and column (1-based) of an .xlsx sheet's used area.

    The larger of what the sheet's ``<dimension>`` states and what its cells
    say, for the dimension may be missing or untrue. A sheet whose XML
    unpacks to at most ``_SCANNED_SHEET_BYTES`` is searched to its end, a
    piece at a time kept nowhere: each piece's last cells give the rows
    (sheets list their rows in order), and a piece holding a cell beyond
    column T or row 999,999 is searched cell by cell. A larger sheet is
    judged by its dimension and its first piece, which costs no time: the
    spreadsheet programs state the dimension truthfully.
    """
    rows = columns = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        path = _sheet_path(archive, position)
        if path is None:
            return 0, 0
        whole = archive.getinfo(path).file_size <= _SCANNED_SHEET_BYTES
        with archive.open(path) as stream:
            carry = b""
            while piece := stream.read(1 << 22):
                if not rows and not columns and (found := _DIMENSION.search(piece)):
                    rows, columns = int(found[2]), _column_number(found[1])
                piece = carry + piece
                cut = piece.rfind(b"<")
                piece, carry = piece[:cut], piece[cut:]
                far = _FAR_CELL.search(piece)
                for letters, row in _CELL_REF.findall(piece if far else piece[-4096:]):
                    rows = max(rows, int(row))
                    columns = max(columns, _column_number(letters))
                if not whole:
                    break
    return rows, columns


def _column_number(letters: bytes) -> int:
    """``A`` -> 1, ``Z`` -> 26, ``AA`` -> 27, ``XFD`` -> 16,384."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_path(archive: zipfile.ZipFile, position: int) -> str | None:
    """The archive path of the workbook's sheet at ``position`` (workbook order)."""
    paths = _sheet_paths(archive)
    return paths[position] if position < len(paths) else None


def _sheet_paths(archive: zipfile.ZipFile) -> list[str | None]:
    """The archive paths of the workbook's sheets, in workbook order (``None``
    for a sheet whose part is not named)."""
    try:
        workbook = archive.read("xl/workbook.xml").decode("utf-8", errors="replace")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode(
            "utf-8", errors="replace"
        )
    except KeyError:
        return []
    paths: list[str | None] = []
    for sheet_id in re.findall(r"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"", workbook):
        target = re.search(
            rf'<Relationship\b[^>]*?Id="{re.escape(sheet_id)}"[^>]*?Target="([^"]+)"',
            rels,
        ) or re.search(
            rf'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="{re.escape(sheet_id)}"',
            rels,
        )
        path = target.group(1).lstrip("/") if target else None
        paths.append(path if path is None or path.startswith("xl/") else f"xl/{path}")
    return paths


def _too_large_message(name: str, size: int, limit_mb: float) -> str:
    return t(
        "{name} is {size} MB; the limit is {limit} MB per file. Export a shorter "
        "period (for example one year per file) and upload the files together, or "
        "raise maxUploadSize under [server] in .streamlit/config.toml.",
        name=name,
        size=f"{size / 1e6:,.1f}",
        limit=f"{limit_mb:,.0f}",
    )


def _protected_message(name: str) -> str:
    return t(
        "{name} is password-protected or encrypted, so it cannot be read. Open it "
        "in your spreadsheet program, remove the password and save it again.",
        name=name,
    )


def _not_a_workbook_message(data: bytes, name: str) -> str:
    extension = Path(name).suffix.lower()
    for magic, kind in _OTHER_MAGIC.items():
        if data.startswith(magic):
            return t(
                "{name} is a {kind}, not a spreadsheet. Export the data again "
                "from your system as .xlsx or .csv.",
                name=name,
                kind=t(kind),
            )
    return t(
        "{name} is not a workbook although its name ends in {extension}. If it "
        "is a CSV file, rename it to .csv; otherwise save it again as .xlsx.",
        name=name,
        extension=extension,
    )


def _unsupported_message(name: str) -> str:
    if Path(name).suffix.lower() == ".numbers":
        return t(
            "{name}: Apple Numbers files cannot be read. In Numbers choose File → "
            "Export To → Excel (or CSV) and upload the exported file.",
            name=name,
        )
    return t(
        "{name}: this file type is not supported. Upload a workbook (.xlsx, .xlsm, "
        ".xls, .ods) or a CSV file (.csv, .txt, .tsv).",
        name=name,
    )


# --- text files ------------------------------------------------------------


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text file; return the text and the encoding's name.

    UTF-8 (with or without the byte-order mark Excel writes) is taken whenever
    the bytes decode cleanly: in a file of sales rows, bytes that decode as
    UTF-8 by chance are not met in practice. Otherwise charset-normalizer ranks
    cp1250, cp1252 and latin-1, and its first is taken when its text is far
    less chaotic than the others'. A short file often decodes "cleanly" in
    several of them and charset-normalizer then ranks by character statistics
    that need more text than a sales log's names hold (a four-row Polish export
    comes out cp1252, ``£ódŸ`` for ``Łódź``), so the one whose accented letters
    sit inside words wins (:func:`_plausibility`), then the one whose letters
    fit its languages (:func:`_language_evidence`: ``Peña`` rather than
    ``Peńa``, ``Dvořák`` rather than ``Dvoøák``).
    """
    decoded = _decode(data)
    return decoded.text, decoded.encoding


@dataclass(frozen=True)
class _Decoded:
    """A text file decoded: its text and encoding, the candidates the encoding
    could not be told from, and, in a UTF-8 file with some lines in a Windows
    code page, that code page and those lines (1-based). The text of a file
    in ASCII is ``None``: it is the file's bytes as they are."""

    text: str | None
    encoding: str
    undecided: tuple[str, ...] = ()
    fallback: str | None = None
    fallback_lines: tuple[int, ...] = ()


def _decode(data: bytes) -> _Decoded:
    """The text, the encoding, and what could not be told for sure."""
    utf8_name = "UTF-8"
    if data.startswith(codecs.BOM_UTF8):
        data, utf8_name = data[len(codecs.BOM_UTF8) :], "UTF-8 (BOM)"
    if (utf16 := _utf16_text(data)) is not None:
        return _Decoded(*utf16)
    try:
        return _Decoded(data.decode("utf-8"), utf8_name)
    except UnicodeDecodeError:
        pass
    if (mixed := _mostly_utf8(data, utf8_name)) is not None:
        return mixed
    text, encoding, undecided = _single_byte(data)
    return _Decoded(text, encoding, undecided)


def _single_byte(data: bytes) -> tuple[str, str, tuple[str, ...]]:
    """The text in the Windows or Latin code page that fits it best, the code
    page, and the ones it could not be told from."""
    matches = list(charset_normalizer.from_bytes(data, cp_isolation=CODE_PAGES))
    candidates = [match.encoding for match in matches] or ["cp1252"]
    # chaos of 0.1 apart is met between right and wrong on short files (F11)
    confident = len(matches) > 1 and matches[0].chaos + 0.3 <= matches[1].chaos
    if len(candidates) == 1 or confident:
        return data.decode(candidates[0], errors="replace"), candidates[0], ()
    decoded = {
        encoding: data.decode(encoding, errors="replace") for encoding in candidates
    }
    western, central = _language_evidence(
        decoded.get("cp1252") or decoded[candidates[0]]
    )

    def score(encoding: str) -> int:
        evidence = central if encoding == "cp1250" else western
        return _plausibility(decoded[encoding]) + 2 * evidence

    ranked = sorted(candidates, key=lambda enc: (-score(enc), candidates.index(enc)))
    best = ranked[0]
    tied = tuple(
        enc
        for enc in ranked
        if score(enc) == score(best) and decoded[enc] != decoded[best]
    )
    return decoded[best], best, (best, *tied) if tied else ()


# Bytes of a UTF-8 file that are not UTF-8, as Python's "surrogateescape" keeps
# them (one lone surrogate per byte).
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]+")


def _mostly_utf8(data: bytes, name: str) -> _Decoded | None:
    """A UTF-8 file with some lines in a Windows code page (one customer's
    name typed in another program), decoded line by line; ``None`` when the
    file is not UTF-8 at all.

    Each byte that is not part of a UTF-8 letter is read in the code page that
    fits those lines (cp1252 when the code pages agree, as they do on
    ``Renée``), so ``Zoë`` and ``Łukasz`` elsewhere stay whole. It is taken
    for UTF-8 when some line holds UTF-8 letters and they read more plausibly
    as UTF-8 than in that code page (``Zoë`` rather than ``ZoÃ«``).
    """
    text = data.decode("utf-8", errors="surrogateescape")
    lines = text.split("\n")
    broken = [n for n, line in enumerate(lines) if _ESCAPED_BYTES.search(line)]
    broken_set = set(broken)
    letters = [
        line
        for n, line in enumerate(lines)
        if n not in broken_set and not line.isascii()
    ]
    if not letters:
        return None
    sample = "\n".join(lines[n] for n in broken).encode("utf-8", "surrogateescape")
    fallback = _fallback_code_page(sample)
    utf8 = "\n".join(letters)
    other = utf8.encode("utf-8").decode(fallback, errors="replace")
    if _plausibility(utf8) < _plausibility(other):
        return None

    def single_byte(found: re.Match) -> str:
        raw = found.group().encode("utf-8", "surrogateescape")
        return raw.decode(fallback, errors="replace")

    return _Decoded(
        _ESCAPED_BYTES.sub(single_byte, text),
        name,
        fallback=fallback,
        fallback_lines=tuple(n + 1 for n in broken),
    )


def _fallback_code_page(sample: bytes) -> str:
    """The code page of the lines of a UTF-8 file that are not UTF-8: cp1252
    when the code pages read them alike, else the one that fits them best."""
    readings = {sample.decode(page, errors="replace") for page in CODE_PAGES}
    if len(readings) == 1:
        return "cp1252"
    return _single_byte(sample)[1]


# Characters that are no text: a file decoding to any of them is not a text file.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _utf16_text(data: bytes) -> tuple[str, str] | None:
    """The text and encoding of a UTF-16 file (Excel's "Unicode Text"), else None.

    A file is taken as UTF-16 when it opens with a UTF-16 byte-order mark, or
    without one when the zero bytes of its ASCII characters all sit on the same
    side of each pair: on at least half of the odd bytes and almost none of the
    even ones (little-endian), or the other way round (big-endian). Either way
    it must decode cleanly and hold no control characters, and a file with a
    mark must hold zero bytes too (its digits and delimiters are ASCII), so a
    binary file, or a UTF-8 file that happens to open with the mark's bytes, is
    not taken for one.
    """
    sample = data[:4096]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if b"\x00" not in sample:
            return None
        codec = "utf-16"
        endian = "LE" if data.startswith(codecs.BOM_UTF16_LE) else "BE"
        name = f"UTF-16 {endian} (BOM)"
    else:
        pairs = len(sample) // 2
        if pairs < 4:
            return None
        even, odd = (
            sample[0 : pairs * 2 : 2].count(0),
            sample[1 : pairs * 2 : 2].count(0),
        )
        if odd >= pairs / 2 and even <= pairs / 50:
            codec, name = "utf-16-le", "UTF-16 LE"
        elif even >= pairs / 2 and odd <= pairs / 50:
            codec, name = "utf-16-be", "UTF-16 BE"
        else:
            return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return None if _CONTROLS.search(text) else (text, name)


# Bytes that are one letter in cp1252 and another in cp1250, told apart by what
# surrounds them (matched in the cp1252 reading, lower case). Spanish ñ comes
# before a vowel, Polish ń never does; French è comes before a consonant and an
# e (Lefèvre), Czech č also elsewhere; Czech ř before a vowel (Dvořák), Nordic ø
# elsewhere (Søren); ő, ű (Hungarian), ů, ě (Czech) against õ, û, ù, ì. A word
# opening with èv is French Ève (Czech words hardly open with čv), and ß is
# German (the same byte in both, but the language is a Western one).
_WESTERN_LETTERS = re.compile(
    r"ñ(?=[aeiouáéíóú])|(?<=[a-z])è(?=[^\W\d_aeiouéáíóú]{1,2}e|s\b)"
    r"|[àåïß]|ã(?=o)|ø(?![aeiouáéíóúý])|ì\b|(?<![a-z])è(?=v)"
)
_CENTRAL_LETTERS = re.compile(
    r"ñ(?![aeiouáéíóú])|è(?![^\W\d_aeiouéáíóú]{1,2}e|s\b|v)|(?<![a-z])è(?!v)"
    r"|ø(?=[aeiouáéíóúý])|[õûù]|ì(?=[^\W\d_])"
)


def _language_evidence(text: str) -> tuple[int, int]:
    """Letters of the cp1252 reading that fit Western languages, and those whose
    cp1250 letter fits a Central European one."""
    lowered = text.lower()
    western = len(_WESTERN_LETTERS.findall(lowered))
    return western, len(_CENTRAL_LETTERS.findall(lowered))


def _plausibility(text: str) -> int:
    """Accented letters inside words count for; symbols glued to letters against.

    ``Łódź`` (cp1250) scores above ``£ódŸ`` (the same bytes as cp1252), and
    ``£12.50`` (cp1252) above ``Ł12.50`` (cp1250): a letter before a digit is
    where a currency sign should be.
    """
    letters = len(re.findall(r"(?<=[A-Za-z])[^\x00-\x7f](?=[A-Za-z\s;,])", text))
    glued = re.findall(r"[^\W\d_][^\x00-\x7f\w]|[^\x00-\x7f\w][^\W\d_]", text)
    before_digit = re.findall(r"[^\x00-\x7f\W\d_]\d", text)
    controls = re.findall(r"[\x80-\x9f]", text)
    return letters - 3 * (len(glued) + len(before_digit) + len(controls))


def detect_delimiter(text: str) -> str:
    """The delimiter (comma, semicolon, tab or pipe) splitting lines most evenly.

    Each candidate splits the first lines with the csv rules (quotes respected);
    the winner gives the most lines with the same number of fields, more than
    one, and on a tie the larger number of fields.
    """
    lines = [line for line in text[:200_000].splitlines()[:60] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        widths = [len(row) for row in _csv_reader(lines, delimiter)]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = (widths.count(common), common) if common > 1 else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_reader(lines: Iterable[str], delimiter: str) -> Iterator[list[str]]:
    """csv's reader with a field limit no cell of an uploaded file can reach."""
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
    return csv.reader(lines, delimiter=delimiter)


def _text_of(data: bytes, name: str, encoding: str | None) -> _Decoded:
    """The file decoded (in ``encoding`` when the owner chose one), or a clear
    refusal of a workbook, a known binary format or any other binary file."""
    if data.startswith((ZIP_MAGIC, _OLE_MAGIC)):
        raise SalesLogError(
            t(
                "{name} is an Excel workbook although its name ends in {extension}. "
                "Rename it to .xlsx and upload it again.",
                name=name,
                extension=Path(name).suffix,
            )
        )
    for magic, kind in _OTHER_MAGIC.items():
        if data.startswith(magic):
            raise SalesLogError(
                t("{name} is a {kind}, not a CSV file.", name=name, kind=t(kind))
            )
    if (utf16 := _utf16_text(data)) is not None:
        return _Decoded(*utf16)  # no other encoding reads UTF-16's zero bytes
    if b"\x00" in data[:4096]:
        raise SalesLogError(
            t("{name} is not a text file; export the data again as CSV.", name=name)
        )
    if encoding is None and data.isascii():
        # ASCII is UTF-8 as it is, with no letter decoded twice: the text is
        # decoded only where it is needed
        return _Decoded(None, "UTF-8")
    if encoding is None:
        return _decode(data)
    return _Decoded(data.decode(encoding, errors="replace"), encoding)


def _read_text(
    data: bytes,
    name: str,
    encoding: str | None = None,
    progress: Progress = _silent,
) -> RawTable:
    progress(0.05, t("Detecting the text encoding of {name}…", name=name))
    decoded = _text_of(data, name, encoding)
    text, encoding, undecided = decoded.text, decoded.encoding, decoded.undecided
    head = data[:_HEAD_CHARACTERS].decode("ascii") if text is None else text
    delimiter = detect_delimiter(head)
    progress(0.2, t("Splitting {name} into columns…", name=name))
    own_bytes = None if decoded.fallback else _utf8(data, encoding)
    grid, line_numbers = _parse_delimited(text, delimiter, own_bytes)
    repaired = 0
    if text is not None and any(lead in text for lead in _MOJIBAKE_LEADS):
        grid, repaired = _repair_mojibake(grid)
    progress(0.8, t("Finding the header row of {name}…", name=name))
    table = _table_from_grid(grid, line_numbers, name, "")
    if decoded.fallback:
        table = _lines_in_code_page(table, decoded)
    # a mark the file never writes (most files) delimits none of its lines
    others = [
        mark for mark in DELIMITERS if mark != delimiter and mark.encode() in data
    ]
    table = _lines_of_other_delimiters(table, delimiter, others)
    notices = (
        t("Text encoding: {encoding}.", encoding=encoding),
        t("Columns separated by {delimiter}.", delimiter=t(DELIMITER_NAMES[delimiter])),
    )
    if undecided:
        notices += (
            t(
                "The text encoding could not be told for sure: it could be {options}. "
                "It was read as {encoding}; if names or places look wrong, choose "
                "the encoding on the Data page.",
                options=", ".join(undecided),
                encoding=encoding,
            ),
        )
    if repaired:
        notices += (
            t_count(
                repaired,
                "{count} cell had been saved with the wrong text encoding (RenÃ©e "
                "for Renée) and was repaired.",
                "{count} cells had been saved with the wrong text encoding (RenÃ©e "
                "for Renée) and were repaired.",
            ),
        )
    return replace(
        table, notices=notices + table.notices, encoding=encoding, delimiter=delimiter
    )


# The code pages as the report names them.
_CODE_PAGE_NAMES = {
    "cp1252": "Windows-1252 (Western European)",
    "cp1250": "Windows-1250 (Central European)",
    "latin_1": "latin-1 (ISO 8859-1)",
}


def _lines_in_code_page(table: RawTable, decoded: _Decoded) -> RawTable:
    """Mark the rows of the lines that were not UTF-8 (a record's line breaks
    inside quotes included) as read in the fallback code page, with a note."""
    code = f"not_utf8_{decoded.fallback}"
    starts = table.rows["row_number"].to_numpy()
    lines = np.asarray(decoded.fallback_lines)
    record = np.searchsorted(starts, lines, side="right") - 1
    marked = np.zeros(len(starts), dtype=bool)
    marked[record[record >= 0]] = True
    page = t(_CODE_PAGE_NAMES.get(decoded.fallback, decoded.fallback))
    shown = ", ".join(str(line) for line in lines[:10])
    if len(lines) > 10:
        shown = t("{lines} and {n} more", lines=shown, n=f"{len(lines) - 10:,}")
    note = t_count(
        len(lines),
        "{count} line was not valid UTF-8 like the rest of the file (line {lines}); "
        "it was read as {page}. Check its letters under Details.",
        "{count} lines were not valid UTF-8 like the rest of the file (lines "
        "{lines}); they were read as {page}. Check their letters under Details.",
        lines=shown,
        page=page,
    )
    return replace(
        table,
        rows=_with_read_repair(table.rows, pl.Series(marked), code),
        notices=(note, *table.notices),
    )


# A mark for the reason of a line split by another delimiter than its file's:
# ``other_delimiter_comma`` is a line of a comma-separated file.
OTHER_DELIMITER = "other_delimiter"
_MARK_NAMES = {",": "a comma", ";": "a ;", "\t": "a tab", "|": "a |"}


def _lines_of_other_delimiters(
    table: RawTable, delimiter: str, others: Sequence[str] | None = None
) -> RawTable:
    """Mark the rows written with another delimiter than the file's (a line
    of ``;`` or tabs pasted into a comma file), with a note naming them;
    ``others`` are the other delimiters to look for (all by default).

    Such a line reads as one or two long cells and nothing after them: a row
    that fills fewer cells than the header has columns, and whose cells hold
    another delimiter often enough to split into (nearly) every column.
    """
    cells = table.cells
    width = cells.width
    looked_for = DELIMITERS if others is None else others
    others = [mark for mark in DELIMITERS if mark != delimiter and mark in looked_for]
    if width < 2 or cells.height == 0 or not others:
        return table
    filled = cells.select(
        pl.sum_horizontal(pl.all().cast(pl.String).fill_null("").str.len_bytes() > 0)
    ).to_series()
    short = filled < width
    if not short.any():
        return table
    joined = (
        cells.filter(short)
        .select(
            pl.concat_str(pl.all().cast(pl.String).fill_null(""), separator=delimiter)
        )
        .to_series()
    )
    fewest = max(2, width - 1)
    marked = pl.repeat(False, joined.len(), eager=True)
    used = []
    for other in others:
        fields = joined.str.count_matches(other, literal=True) + 1
        split = (fields >= fewest) & (fields > filled.filter(short))
        if split.any():
            used.append(other)
            marked = marked | split
    if not marked.any():
        return table
    rows = short.to_numpy().copy()
    rows[rows] = marked.to_numpy()
    marked = pl.Series(rows)
    code = f"{OTHER_DELIMITER}_{DELIMITER_NAMES[delimiter]}"
    numbers = table.rows.filter(marked)["row_number"].to_list()
    shown = ", ".join(str(number) for number in numbers[:10])
    if len(numbers) > 10:
        shown = t("{lines} and {n} more", lines=shown, n=f"{len(numbers) - 10:,}")
    elif len(numbers) > 1:
        shown = t(
            "{some} and {last}",
            some=", ".join(str(number) for number in numbers[:-1]),
            last=numbers[-1],
        )
    marks = [t(_MARK_NAMES[mark]) for mark in used]
    note = t_count(
        len(numbers),
        "{count} row uses {marks} between its values, not the file's {mark} "
        "(row {rows}): its values cannot be told apart, so it was left out of "
        "the figures. Write it with {mark}s like the other rows and upload the "
        "file again.",
        "{count} rows use {marks} between their values, not the file's {mark} "
        "(rows {rows}): their values cannot be told apart, so they were left "
        "out of the figures. Write them with {mark}s like the other rows and "
        "upload the file again.",
        marks=t(" or ").join(marks),
        mark=t(DELIMITER_NAMES[delimiter]),
        rows=shown,
    )
    return replace(
        table,
        rows=_with_read_repair(table.rows, marked, code),
        notices=(*table.notices, note),
    )


def _utf8(data: bytes, encoding: str) -> bytes | None:
    """The file's bytes as UTF-8 text without a byte-order mark, when they are."""
    if encoding == "UTF-8":
        return data
    if encoding == "UTF-8 (BOM)":
        return data[len(codecs.BOM_UTF8) :]
    return None


def _parse_delimited(
    text: str | None, delimiter: str, utf8: bytes | None = None
) -> tuple[pl.DataFrame, np.ndarray]:
    """All records as text and the line each starts on.

    polars parses files whose every line is one record (no blank lines, no line
    breaks inside quotes, no line longer than the first 200); anything else goes
    through pandas' parser, which keeps blank lines so records can be placed.
    ``utf8`` is the file's own bytes when they are UTF-8 (no byte-order mark),
    handed to polars as they are; ``text`` is then ``None`` when it has not
    been decoded yet.
    """
    if text is None:
        head = utf8[:_HEAD_CHARACTERS].decode("utf-8", errors="ignore")
    else:
        head = text[:_HEAD_CHARACTERS]
    sample = head.splitlines()[:200]
    width = max((len(row) for row in _csv_reader(sample, delimiter)), default=1)
    encoded = utf8 if utf8 is not None else text.encode("utf-8")
    # the lines are counted while polars parses (most files have no blank one)
    with SideBySide(cores=1) as beside:
        counted = beside.start(_line_count, encoded)
        try:
            grid = pl.read_csv(
                encoded,
                has_header=False,
                separator=delimiter,
                schema={str(i): pl.String for i in range(width)},
                missing_columns="insert",
                quote_char='"',
                raise_if_empty=False,
            )
        except pl.exceptions.PolarsError:
            grid = None
        lines, blank = counted.result()
    if not blank and grid is not None and grid.height == lines:
        return grid, np.arange(1, lines + 1)
    if text is None:
        text = utf8.decode("utf-8")
    return _parse_with_pandas(text, delimiter, width)


def _line_count(encoded: bytes) -> tuple[int, bool]:
    """The lines of a text, and whether one is blank (two line breaks in a
    row, with or without a carriage return between, or one first), read off
    the positions of its line breaks, a few megabytes at a time."""
    view = np.frombuffer(encoded, dtype=np.uint8)
    lines = 0 if encoded.endswith(b"\n") else 1
    blank = encoded.startswith(b"\n")
    before = np.zeros(0, dtype=np.int64)  # the last line break so far
    for start in range(0, len(view), _SCAN_STEP):
        breaks = np.flatnonzero(view[start : start + _SCAN_STEP] == 10) + start
        lines += len(breaks)
        breaks = np.concatenate([before, breaks])
        gaps = np.diff(breaks)
        blank = (
            blank
            or bool((gaps == 1).any())
            or bool(((gaps == 2) & (view[breaks[1:] - 1] == 13)).any())
        )
        before = breaks[-1:]
    return lines, blank


def _parse_with_pandas(
    text: str, delimiter: str, width: int
) -> tuple[pl.DataFrame, np.ndarray]:
    """Blank lines kept, ragged lines padded with ``""``, quoted line breaks placed."""
    try:
        frame = _read_csv_text(text, delimiter, width)
    except pd.errors.ParserError as error:
        _refuse_open_quote(error, text)
        # a line further down has more fields than the first lines
        rows = _csv_reader(io.StringIO(text, newline=""), delimiter)
        try:
            frame = _read_csv_text(text, delimiter, max(len(row) for row in rows))
        except pd.errors.ParserError as again:
            _refuse_open_quote(again, text)
            raise SalesLogError(
                t("The file could not be split into columns. Export it again as CSV.")
            ) from again
    frame = frame.fillna("")
    grid = pl.DataFrame({str(i): frame[c].tolist() for i, c in enumerate(frame)})
    grid = grid.cast(pl.String) if grid.width else grid
    records = np.arange(1, len(frame) + 1)
    if text.count("\n") > len(frame):
        breaks = sum(frame[column].str.count("\n") for column in frame.columns)
        records = records + np.concatenate([[0], np.cumsum(breaks.to_numpy())[:-1]])
    return grid, records


def _refuse_open_quote(error: pd.errors.ParserError, text: str) -> None:
    """A quote mark never closed would swallow the rest of the file into one
    cell: say where it is instead of reading on."""
    if "EOF inside string" not in str(error):
        return
    line = _open_quote_line(text)
    raise SalesLogError(
        t(
            'Line {line} opens a quote mark (") that is never closed, so the rest of the file would be read as one cell. Open the file in a text editor, close or remove that quote mark, and upload it again.',
            line=line,
        )
    ) from error


def _open_quote_line(text: str) -> int:
    """The line of the last quote mark that opens a field and is never closed."""
    inside, opened, line = False, 1, 1
    for character in text:
        if character == '"':
            inside = not inside
            if inside:
                opened = line
        elif character == "\n":
            line += 1
    return opened


def _read_csv_text(text: str, delimiter: str, width: int) -> pd.DataFrame:
    return pd.read_csv(
        io.StringIO(text),
        sep=delimiter,
        header=None,
        names=list(range(width)),
        dtype="str",
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        index_col=False,
        engine="c",
    )


def _repair_mojibake(grid: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Undo UTF-8 text decoded as cp1252 and saved again (``RenÃ©e`` -> ``Renée``)."""
    repaired = 0
    for column in grid.columns:
        broken = grid[column].str.contains(_MOJIBAKE)
        if not broken.any():
            continue
        fixed = grid[column].to_list()
        for index in np.flatnonzero(broken.to_numpy()):
            fixed[index], changed = _undo_double_encoding(fixed[index])
            repaired += changed
        grid = grid.with_columns(pl.Series(column, fixed, dtype=pl.String))
    return grid, repaired


def _undo_double_encoding(text: str) -> tuple[str, bool]:
    try:
        return text.encode("cp1252").decode("utf-8"), True
    except UnicodeError:
        return text, False


# --- header and data rows --------------------------------------------------


def _table_from_grid(
    grid: pl.DataFrame, line_numbers: np.ndarray, name: str, sheet: str
) -> RawTable:
    """Find the header in a grid of text cells and keep the data rows below it."""
    grid = grid.with_columns(pl.all().cast(pl.String).fill_null(""))
    grid = grid.with_columns(each_side_by_side(stripped, grid.get_columns()))
    top = grid.head(HEADER_SEARCH_ROWS).to_pandas().astype("str")
    header = _locate_header(top)
    body = grid.slice(header.index + 1)
    body.columns = _names_of(body, top, header)
    numbers = line_numbers[header.index + 1 :]
    # a cell's length is at hand, where comparing it with "" reads its text
    filled = body.select(pl.any_horizontal(pl.all().str.len_bytes() > 0)).to_series()
    if not filled.all():
        body = body.filter(filled)
    if body.height == 0:
        raise SalesLogError(_no_rows_message(name, sheet))
    keep = [column for column in body.columns if not column.startswith("\x00")]
    rows = _row_origins(numbers[filled.to_numpy()], name, sheet)
    header_row = (
        int(numbers[0]) - 1 if header.index < 0 else int(line_numbers[header.index])
    )
    notices = _header_notices(header, header_row)
    labels = top.iloc[header.index] if header.labelled else pd.Series([], dtype="str")
    extra = _extra_fields(body, labels, keep)
    if extra:
        keep = [column for column in keep if column not in extra]
        ragged = body.select(pl.any_horizontal(pl.col(extra) != "")).to_series()
        rows = _with_read_repair(rows, ragged, "extra_fields")
        notices += (_extra_fields_notice(body.filter(ragged), rows, ragged, extra),)
    return RawTable(
        cells=body.select(keep), rows=rows, notices=notices, header_row=header_row
    )


def _extra_fields(body: pl.DataFrame, header: pd.Series, names: list[str]) -> list[str]:
    """The columns right of the header's last label that only some rows fill:
    lines with more fields than the header (a comma inside a name without
    quotes, a note typed after the last field), not a column of the file.
    An unnamed column that every row fills is one."""
    labelled = [position for position, cell in enumerate(header) if cell.strip()]
    if not labelled:
        return []
    beyond = [c for c in body.columns[labelled[-1] + 1 :] if c in names]
    if not beyond:
        return []
    every = body.select(pl.all_horizontal(pl.col(beyond) != "").all()).item()
    return [] if every else beyond


def _extra_fields_notice(
    ragged: pl.DataFrame, rows: pl.DataFrame, marked: pl.Series, extra: list[str]
) -> str:
    numbers = rows.filter(marked)["row_number"].to_list()
    shown = ", ".join(str(number) for number in numbers[:10])
    if len(numbers) > 10:
        shown = t("{lines} and {n} more", lines=shown, n=f"{len(numbers) - 10:,}")
    first = [cell for cell in ragged.select(extra).row(0) if cell]
    return t_count(
        len(numbers),
        "{count} row has more fields than the header (row {rows}, with "
        '"{example}" beyond the last column); the extra fields were not read as '
        "a column of their own. A comma inside a name or an amount without quote "
        "marks shifts the fields after it: check that row under Details.",
        "{count} rows have more fields than the header (rows {rows}; the first "
        'with "{example}" beyond the last column); the extra fields were not read '
        "as a column of their own. A comma inside a name or an amount without "
        "quote marks shifts the fields after it: check those rows under Details.",
        rows=shown,
        example=", ".join(first),
    )


def _with_read_repair(rows: pl.DataFrame, marked: pl.Series, code: str) -> pl.DataFrame:
    """The rows with ``code`` added to the read repairs of the ``marked`` ones."""
    if READ_REPAIR not in rows.columns:
        rows = rows.with_columns(pl.lit("", dtype=pl.String).alias(READ_REPAIR))
    repaired = (
        pl.when(~pl.lit(marked))
        .then(pl.col(READ_REPAIR))
        .when(pl.col(READ_REPAIR) == "")
        .then(pl.lit(code))
        .otherwise(pl.col(READ_REPAIR) + "," + code)
    )
    return rows.with_columns(repaired.alias(READ_REPAIR))


def _no_rows_message(name: str, sheet: str) -> str:
    if sheet:
        return t(
            "The sheet {sheet} of {name} has column names but no rows: export "
            "again with the sales included.",
            sheet=sheet,
            name=name,
        )
    return t(
        "{name} has column names but no rows: export again with the sales included.",
        name=name,
    )


@dataclass(frozen=True)
class _Header:
    """Where the header of a grid's first rows is: ``index`` is its (last)
    row. A file without a header row is not ``labelled``: its data starts on
    the row after ``index`` (-1 when on the first row)."""

    index: int
    labelled: bool = True
    report_line: str = ""


def _locate_header(top: pd.DataFrame) -> _Header:
    """The header row below any title rows and a report's filter lines, or
    none when the first row that spans most columns already holds a sale (see
    :func:`_first_data_row`). ``report_line`` is the first filter line passed
    over ("Date range: 01/01/2024 - 31/03/2024"), to name in the notice."""
    start = _first_data_row(top)
    if start is not None:
        return _Header(start - 1, labelled=False)
    index = _find_header(top)
    above = top.iloc[:index][_report_lines(top)[:index]]
    if above.empty:
        return _Header(index)
    line = " ".join(cell for cell in above.iloc[0] if cell)
    return _Header(index, report_line=line)


def _first_data_row(top: pd.DataFrame) -> int | None:
    """The first row spanning most columns when it reads like data, ``None``
    when it may be a header.

    It is data when each of its cells is of the kind (a date, a number, an
    email address, other text) of most cells below it in its column, and one
    of them is a date or an email address, which no header label is: a header
    of years (``2023``, ``2024``) over numbers, or of words over words, stays
    a header.
    """
    wide = _wide_rows(top)
    if not wide.any():
        return None
    position = int(np.flatnonzero(wide)[0])
    row = top.iloc[position]
    kinds = {_cell_kind(cell) for cell in row[row != ""]}
    if {"date", "email"} & kinds and _kinds_agree(top, position):
        return position
    return None


def _kinds_agree(top: pd.DataFrame, position: int) -> bool:
    """Whether each filled cell of a row is of the kind of at least half of
    the filled cells below it in its column, with some cell below; email
    addresses and other text are alike (customers named either way)."""
    below = top.iloc[position + 1 :]
    for column in top.columns:
        cell = top.iloc[position][column]
        if not cell:
            continue
        kinds = [_cell_kind(value) for value in below[column] if value]
        kind = _cell_kind(cell)
        alike = {"text", "email"} if kind in ("text", "email") else {kind}
        if 2 * sum(other in alike for other in kinds) < max(len(kinds), 1):
            return False
    return True


_EMAIL_LIKE = re.compile(r"^[^@\s]+@[^@\s]+\.[^\W\d_]{2,}$")


def _cell_kind(cell: str) -> str:
    """``date``, ``number``, ``email`` or ``text``, as a cell is written."""
    if _DATE_LIKE.match(cell):
        return "date"
    if _NUMBER_LIKE.match(cell):
        return "number"
    return "email" if _EMAIL_LIKE.match(cell) else "text"


def _wide_rows(top: pd.DataFrame) -> np.ndarray:
    """Which rows fill at least half as many cells as the fullest (and two),
    other than a report's filter lines (see :func:`_report_lines`)."""
    counts = (top != "").sum(axis=1)
    if len(counts) == 0 or counts.max() == 0:
        return np.zeros(len(counts), dtype=bool)
    wide = (counts >= max(2, int(np.ceil(counts.max() / 2)))).to_numpy()
    return wide & ~_report_lines(top)


# "Date range: 01/01/2024 - 31/03/2024" or "Location:" in a cell of its own
_REPORT_LABEL = re.compile(r"^[^\W\d_][^:]{0,40}:(?:\s.*)?$")


def _report_lines(top: pd.DataFrame) -> np.ndarray:
    """Which rows are a report's filter lines ("Location:", "All locations").

    A report export writes a label and its value above the table: the row's
    first filled cell is a label ending in a colon (its value beside it or in
    the same cell). Such a row fills fewer cells than the table, or, in a
    table of two columns, ends in a value; a header of labels that all end
    in a colon (``Customer:``, ``Amount:``) is a header.
    """
    filled = top != ""
    counts = filled.sum(axis=1).to_numpy()
    lines = np.zeros(len(top), dtype=bool)
    for position in np.flatnonzero((counts > 0) & (counts <= max(2, counts.max() - 1))):
        cells = [cell for cell in top.iloc[position] if cell]
        if not _REPORT_LABEL.match(cells[0]):
            continue
        narrow = counts[position] < counts.max()
        lines[position] = narrow or not all(cell.endswith(":") for cell in cells)
    return lines


def _names_of(body: pl.DataFrame, top: pd.DataFrame, header: _Header) -> list[str]:
    """The column names: the header's labels, or "Column N" without a header."""
    if header.labelled:
        return _column_names(body, top, header.index)
    return [_unnamed(body, position, []) for position in range(body.width)]


def _header_notices(header: _Header, header_row: int) -> tuple[str, ...]:
    """What to say of where the header was found, or that there is none."""
    if not header.labelled:
        return (
            t(
                "No header row was found: row {row} already holds a sale (a date "
                "or an email address where the rows below have them), so it was "
                "read as a sale, and the columns, named Column 1, Column 2 and so "
                "on, were found by what they hold. Check them on the Data page.",
                row=header_row + 1,
            ),
        )
    if header.report_line:
        return (
            t(
                "The column headers were found on row {row}. The report's title "
                "and filter lines above them (“{line}”) were passed over.",
                row=header_row,
                line=header.report_line,
            ),
        )
    if header.index > 0:
        return (t("The column headers were found on row {row}.", row=header_row),)
    return ()


def _find_header(top: pd.DataFrame) -> int:
    """The first row that reads like column labels and spans most columns.

    Title lines fill one cell and a merged group header ("Customer" over two
    columns) only some, so neither is taken; nor is a row holding numbers or
    dates.
    """
    counts = (top != "").sum(axis=1)
    if len(counts) == 0 or counts.max() == 0:
        raise SalesLogError(t("The file has no data rows."))
    wide = _wide_rows(top)
    for position in np.flatnonzero(wide):
        if _reads_like_labels(top, position):
            if _second_header_line(top, position, wide):
                return int(position) + 1
            return int(position)
    return int(np.flatnonzero(counts.to_numpy())[0])


def _reads_like_labels(top: pd.DataFrame, position: int) -> bool:
    cells = top.iloc[position]
    return not any(_looks_like_value(cell) for cell in cells[cells != ""])


def _second_header_line(top: pd.DataFrame, position: int, wide: np.ndarray) -> bool:
    """Whether the row below a header row is the header's second line.

    It is when it is wide and reads like labels, the next row holds values,
    and none of its cells comes again in its column below (a label is written
    once; a customer or a product name of a first data row comes back).
    """
    below, values = position + 1, position + 2
    if values >= len(top) or not wide[below] or not _reads_like_labels(top, below):
        return False
    if _reads_like_labels(top, values):
        return False
    rest = top.iloc[values:]
    for column in top.columns:
        cell = top.iloc[below][column]
        if cell and (rest[column] == cell).any():
            return False
    return True


def _looks_like_value(cell: str) -> bool:
    return bool(_NUMBER_LIKE.match(cell) or _DATE_LIKE.match(cell))


def _column_names(
    below: pl.DataFrame, top: pd.DataFrame, header_index: int
) -> list[str]:
    """Header labels, prefixed by a merged group header or the first line of a
    two-line header on the row above.

    Unnamed columns that are empty all the way down are marked for removal
    with a leading NUL; other unnamed columns get a "Column N" name.
    """
    labels = [_clean_label(cell) for cell in top.iloc[header_index]]
    groups = _group_labels(top, header_index, labels)
    names: list[str] = []
    for position, label in enumerate(labels):
        if groups[position] and label:
            label = f"{groups[position]} {label}"
        if not label:
            label = _unnamed(below, position, names)
        names.append(_unique(label, names))
    return names


def _unnamed(below: pl.DataFrame, position: int, taken: list[str]) -> str:
    """The name of a column without a label: "Column N", or, when it is empty
    all the way down, a leading NUL that marks it for removal."""
    column = below.columns[position]
    if below.select(_filled(below, column).any()).item():
        return _unique(t("Column {n}", n=position + 1), taken)
    return f"\x00{position}"


def _group_labels(top: pd.DataFrame, header_index: int, labels: list[str]) -> list[str]:
    """Forward-filled labels of a merged group header row just above the header."""
    empty = [""] * len(labels)
    if header_index == 0 or _report_lines(top.iloc[: header_index + 1])[-2]:
        # a report's filter line ("Location:", "All locations") is no group
        return empty
    above = [_clean_label(cell) for cell in top.iloc[header_index - 1]]
    filled = [cell for cell in above if cell]
    if len(filled) < 2:
        return empty
    if any(_looks_like_value(cell) for cell in filled):
        return empty
    groups, current = [], ""
    for cell in above:
        current = cell or current
        groups.append(current)
    return groups


def _clean_label(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").split())


def _unique(label: str, taken: list[str]) -> str:
    candidate, n = label, 2
    while candidate in taken:
        candidate, n = f"{label} ({n})", n + 1
    return candidate
