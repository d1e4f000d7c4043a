"""Read an uploaded sales file into a raw table of text cells.

Every reader returns the same thing, a :class:`RawTable`: one column of text per
column of the file, named by the file's header, one row per non-blank data row,
and beside it the row number the user sees in Excel or a text editor, so a
report can say "row 12". Nothing is interpreted here: dates, amounts and ids
stay text until :mod:`retention.cleaning` reads them.

Workbooks are read with python-calamine, which returns every cell with its
exact value. Measured on the 47,808-row Online Retail workbook (best of 3):
calamine's cells 0.28 s (0.5 s with the conversion to text below), pandas with
calamine 0.42 s, openpyxl (read-only) 3.1 s. fastexcel is faster (0.17 s) but
writes numbers in mixed columns as text with nine decimals (``1/3`` becomes
``0.333333333``) and silently empties text cells in date columns, so it is not
used. ``scripts/bench_reading.py`` repeats the measurement. Numbers become
their shortest exact text (``2.55``, ``17850``), Excel dates ISO text
(``2010-12-01 08:26:00``).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import charset_normalizer
import numpy as np
import pandas as pd
import python_calamine

from retention.i18n import t

__all__ = [
    "CSV_EXTENSIONS",
    "EXCEL_EXTENSIONS",
    "RawTable",
    "SalesLogError",
    "combine_tables",
    "decode_text",
    "detect_delimiter",
    "read_table",
    "sheet_names",
]

EXCEL_EXTENSIONS = (".xlsx", ".xlsm")
CSV_EXTENSIONS = (".csv", ".txt")
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
# Code pages tried when a text file is not UTF-8, in charset-normalizer's names.
CODE_PAGES = ["cp1250", "cp1252", "latin_1"]
HEADER_SEARCH_ROWS = 50

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_OTHER_MAGIC = {
    b"%PDF": "PDF document",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
}
_NUMBER_LIKE = re.compile(r"^[-+(]?[$€£]?\s?\d[\d\s.,']*\)?$")
_DATE_LIKE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")


class SalesLogError(ValueError):
    """A sales file that cannot be read; the message is translated and says why."""


@dataclass(frozen=True)
class RawTable:
    """The text cells of one or more files, before any interpretation.

    Attributes
    ----------
    frame : DataFrame
        One ``str`` column per file column (header names), one row per
        non-blank data row; an empty cell is ``""``.
    origin : DataFrame
        Aligned with ``frame``: ``source`` (file name), ``sheet`` (sheet name or
        ``""``) and ``row_number`` (1-based row as the user sees it).
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
    """

    frame: pd.DataFrame
    origin: pd.DataFrame
    notices: tuple[str, ...] = ()
    sheet_names: tuple[str, ...] = ()
    content_hash: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int = 1
    sources: tuple[str, ...] = field(default=())

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)

    def __len__(self) -> int:
        return len(self.frame)


def read_table(
    data: bytes | str | Path, *, name: str | None = None, sheet: str | None = None
) -> RawTable:
    """Read one sales file into a :class:`RawTable`.

    Parameters
    ----------
    data : bytes, str or Path
        The file's bytes, or a path to it.
    name : str, optional
        The file name (its extension picks the reader); taken from the path
        when ``data`` is a path.
    sheet : str, optional
        Workbook sheet to read; the first sheet by default.

    Raises
    ------
    SalesLogError
        Empty file, unsupported extension, a file that is not what its name
        says, a corrupt or password-protected workbook, an unknown sheet.
    """
    if isinstance(data, (str, Path)):
        name = name or Path(data).name
        data = Path(data).read_bytes()
    name = name or "upload"
    extension = Path(name).suffix.lower()
    if not data.strip():
        raise SalesLogError(t("The file {name} is empty.", name=name))
    if extension in EXCEL_EXTENSIONS:
        table = _read_workbook(data, name, sheet)
    elif extension in CSV_EXTENSIONS:
        table = _read_text(data, name)
    else:
        raise SalesLogError(_unsupported_message(name))
    return replace(
        table, content_hash=hashlib.sha256(data).hexdigest(), sources=(name,)
    )


def sheet_names(data: bytes | str | Path, *, name: str | None = None) -> list[str]:
    """The sheet names of a workbook, in order; ``[]`` for a text file."""
    if isinstance(data, (str, Path)):
        name = name or Path(data).name
        data = Path(data).read_bytes()
    if Path(name or "").suffix.lower() not in EXCEL_EXTENSIONS:
        return []
    return list(_open_workbook(data, name or "upload").sheet_names)


def combine_tables(tables: Sequence[RawTable]) -> RawTable:
    """Stack several raw tables (say, monthly exports) into one.

    Columns are matched by name; a column missing from a file is empty there.
    The content hash combines the files' hashes regardless of their order.
    """
    if len(tables) == 1:
        return tables[0]
    frame = pd.concat([table.frame for table in tables], ignore_index=True)
    frame = frame.fillna("").astype("str")
    origin = pd.concat([table.origin for table in tables], ignore_index=True)
    hashes = sorted(table.content_hash for table in tables)
    notices = tuple(
        f"{table.sources[0] if table.sources else ''}: {notice}"
        for table in tables
        for notice in table.notices
    )
    return RawTable(
        frame=frame,
        origin=origin,
        notices=notices,
        content_hash=hashlib.sha256("".join(hashes).encode()).hexdigest(),
        encoding=tables[0].encoding,
        delimiter=tables[0].delimiter,
        header_row=tables[0].header_row,
        sources=tuple(source for table in tables for source in table.sources),
    )


# --- workbooks -------------------------------------------------------------


def _open_workbook(data: bytes, name: str) -> python_calamine.CalamineWorkbook:
    """Open a workbook, turning every way it can fail into a clear message."""
    if data.startswith(_OLE_MAGIC):
        raise SalesLogError(
            t(
                "{name} is password-protected or saved in the old Excel format. "
                "Open it in Excel, remove the password and save it as .xlsx.",
                name=name,
            )
        )
    if not data.startswith(_ZIP_MAGIC):
        raise SalesLogError(_not_a_workbook_message(data, name))
    try:
        return python_calamine.CalamineWorkbook.from_object(io.BytesIO(data))
    except (python_calamine.CalamineError, ValueError, OSError) as error:
        raise SalesLogError(
            t(
                "{name} could not be opened as an Excel workbook; it may be "
                "damaged. Open it in Excel and save it again as .xlsx.",
                name=name,
            )
        ) from error


def _read_workbook(data: bytes, name: str, sheet: str | None) -> RawTable:
    workbook = _open_workbook(data, name)
    names = list(workbook.sheet_names)
    if not names:
        raise SalesLogError(t("The workbook {name} has no sheets.", name=name))
    sheet = sheet if sheet is not None else names[0]
    if sheet not in names:
        raise SalesLogError(
            t(
                "The workbook {name} has no sheet called {sheet}; its sheets "
                "are: {sheets}.",
                name=name,
                sheet=sheet,
                sheets=", ".join(names),
            )
        )
    try:
        cells = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except (python_calamine.CalamineError, ValueError) as error:
        raise SalesLogError(
            t("The sheet {sheet} of {name} could not be read.", sheet=sheet, name=name)
        ) from error
    if not cells:
        raise SalesLogError(
            t("The sheet {sheet} of {name} is empty.", sheet=sheet, name=name)
        )

    # the grid starts at cell A1, so grid row i is sheet row i + 1
    grid = pd.DataFrame(
        {i: _cells_as_text(col) for i, col in enumerate(zip(*cells, strict=True))}
    )
    line_numbers = np.arange(1, len(grid) + 1)
    table = _table_from_grid(grid, line_numbers, name, sheet)
    notices = (t("Read sheet {sheet} of {sheets}.", sheet=sheet, sheets=len(names)),)
    return replace(table, sheet_names=tuple(names), notices=notices + table.notices)


def _cells_as_text(column: tuple) -> pd.Series:
    """Cell values as exact text: ``17850.0`` -> ``17850``, dates as ISO text."""
    kinds = list(map(type, column))
    if all(kind is str for kind in kinds):
        return pd.Series(column, dtype="str")
    values = _object_array(column, len(column))
    text = np.empty(len(values), dtype=object)

    # numbers: whole ones without ".0", others as their shortest exact text
    numbers = np.array([kind is float for kind in kinds], dtype=bool)
    if numbers.any():
        floats = values[numbers].astype("float64")
        whole = (floats == np.floor(floats)) & (np.abs(floats) < 1e15)
        text[numbers] = [
            str(int(value)) if is_whole else repr(value)
            for value, is_whole in zip(floats.tolist(), whole.tolist(), strict=True)
        ]

    stamps = np.array([kind is dt.datetime for kind in kinds], dtype=bool)
    if stamps.any():
        text[stamps] = pd.DatetimeIndex(values[stamps]).astype("str").to_numpy()

    rest = ~(numbers | stamps)
    text[rest] = [_cell_text(value) for value in values[rest]]
    return pd.Series(text, dtype="str")


def _object_array(values, size: int) -> np.ndarray:
    """A 1-d object array (``np.array`` would try to infer a shape and a dtype)."""
    return np.fromiter(values, dtype=object, count=size)


def _cell_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return "" if value is None else str(value)


def _not_a_workbook_message(data: bytes, name: str) -> str:
    for magic, kind in _OTHER_MAGIC.items():
        if data.startswith(magic):
            return t(
                "{name} is a {kind}, not an Excel workbook. Export the sales "
                "log from your system as .xlsx or .csv.",
                name=name,
                kind=t(kind),
            )
    return t(
        "{name} is not an Excel workbook although its name ends in .xlsx. If it "
        "is a CSV file, rename it to .csv; otherwise save it from Excel as .xlsx.",
        name=name,
    )


def _unsupported_message(name: str) -> str:
    return t(
        "{name}: this file type is not supported. Upload an Excel workbook "
        "(.xlsx, .xlsm) or a CSV file (.csv, .txt).",
        name=name,
    )


# --- text files ------------------------------------------------------------


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text file; return the text and the encoding's name.

    UTF-8 (with or without the byte-order mark Excel writes) is taken whenever
    the bytes decode cleanly. Otherwise charset-normalizer ranks the Windows
    and Latin code pages; because a short file often decodes "cleanly" in
    several of them, the candidate whose accented characters sit inside words
    (``Łódź``) wins over one that puts symbols there (``£ódŸ``).
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8 (BOM)"
        except UnicodeDecodeError:
            data = data[len(codecs.BOM_UTF8) :]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    matches = charset_normalizer.from_bytes(data, cp_isolation=CODE_PAGES)
    candidates = [match.encoding for match in matches] or ["cp1252"]
    decoded = {
        encoding: data.decode(encoding, errors="replace") for encoding in candidates
    }
    best = max(
        candidates,
        key=lambda enc: (_plausibility(decoded[enc]), -candidates.index(enc)),
    )
    return decoded[best], best


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
    lines = [line for line in text.splitlines()[:60] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = (widths.count(common), common) if common > 1 else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_text(data: bytes, name: str) -> RawTable:
    if data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC):
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
    if b"\x00" in data[:4096]:
        raise SalesLogError(
            t("{name} is not a text file; export the sales log as CSV.", name=name)
        )
    text, encoding = decode_text(data)
    delimiter = detect_delimiter(text)
    grid = _parse_delimited(text, delimiter)
    table = _table_from_grid(grid, _line_numbers(grid, text), name, "")
    notices = (
        t("Text encoding: {encoding}.", encoding=encoding),
        t("Columns separated by {delimiter}.", delimiter=t(DELIMITER_NAMES[delimiter])),
    )
    return replace(
        table, notices=notices + table.notices, encoding=encoding, delimiter=delimiter
    )


def _parse_delimited(text: str, delimiter: str) -> pd.DataFrame:
    """All records as text, blank lines kept, ragged lines padded with ``""``."""
    sample = text.splitlines()[:200]
    width = max(
        (len(row) for row in csv.reader(sample, delimiter=delimiter)), default=1
    )
    try:
        grid = _read_csv_text(text, delimiter, width)
    except pd.errors.ParserError:
        # a line further down has more fields than the first lines
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        grid = _read_csv_text(text, delimiter, max(len(row) for row in rows))
    return grid.fillna("")


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


def _line_numbers(grid: pd.DataFrame, text: str) -> np.ndarray:
    """The text line where each record starts (quoted fields may span lines)."""
    records = np.arange(1, len(grid) + 1)
    if text.count("\n") <= len(grid):
        return records
    breaks = sum(grid[column].str.count("\n") for column in grid.columns)
    return records + np.concatenate([[0], np.cumsum(breaks.to_numpy())[:-1]])


# --- header and data rows --------------------------------------------------


def _table_from_grid(
    grid: pd.DataFrame, line_numbers: np.ndarray, name: str, sheet: str
) -> RawTable:
    """Find the header in a grid of text cells and keep the data rows below it."""
    grid = grid.apply(lambda column: column.str.strip())
    header_index = _find_header(grid.head(HEADER_SEARCH_ROWS))
    names = _column_names(grid, header_index)

    body = grid.iloc[header_index + 1 :]
    body.columns = names
    numbers = line_numbers[header_index + 1 :]
    filled = (body != "").any(axis=1).to_numpy()
    body = body[filled].reset_index(drop=True)
    keep = [column for column in body.columns if not column.startswith("\x00")]
    origin = pd.DataFrame(
        {"source": name, "sheet": sheet, "row_number": numbers[filled]}
    )
    header_row = int(line_numbers[header_index])
    notices = ()
    if header_index > 0:
        notices = (t("The column headers were found on row {row}.", row=header_row),)
    return RawTable(
        frame=body[keep].astype("str"),
        origin=origin,
        notices=notices,
        header_row=header_row,
    )


def _find_header(top: pd.DataFrame) -> int:
    """The first row that reads like column labels and spans most columns.

    Title lines fill one cell and a merged group header ("Customer" over two
    columns) only some, so neither is taken; nor is a row holding numbers or
    dates.
    """
    filled = top != ""
    counts = filled.sum(axis=1)
    if counts.max() == 0:
        raise SalesLogError(t("The file has no data rows."))
    wide = counts >= max(2, int(np.ceil(counts.max() / 2)))
    for position in np.flatnonzero(wide.to_numpy()):
        cells = top.iloc[position][filled.iloc[position]]
        if not any(_looks_like_value(cell) for cell in cells):
            return int(position)
    return int(np.flatnonzero(counts.to_numpy())[0])


def _looks_like_value(cell: str) -> bool:
    return bool(_NUMBER_LIKE.match(cell) or _DATE_LIKE.match(cell))


def _column_names(grid: pd.DataFrame, header_index: int) -> list[str]:
    """Header labels, prefixed by a merged group header on the row above.

    Unnamed columns that are empty all the way down are marked for removal
    with a leading NUL; other unnamed columns get a "Column N" name.
    """
    labels = [_clean_label(cell) for cell in grid.iloc[header_index]]
    groups = _group_labels(grid, header_index, labels)
    names: list[str] = []
    for position, label in enumerate(labels):
        if groups[position] and label:
            label = f"{groups[position]} {label}"
        if not label:
            has_data = (grid.iloc[header_index + 1 :, position] != "").any()
            label = t("Column {n}", n=position + 1) if has_data else f"\x00{position}"
        names.append(_unique(label, names))
    return names


def _group_labels(
    grid: pd.DataFrame, header_index: int, labels: list[str]
) -> list[str]:
    """Forward-filled labels of a merged group header row just above the header."""
    empty = [""] * len(labels)
    if header_index == 0:
        return empty
    above = [_clean_label(cell) for cell in grid.iloc[header_index - 1]]
    filled = [cell for cell in above if cell]
    if len(filled) < 2 or len(filled) >= sum(1 for label in labels if label):
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
