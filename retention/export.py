"""Customer lists as files for a mail-merge or a loyalty app: ``.csv`` (UTF-8
with a byte-order mark, so Excel opens accents correctly) and ``.xlsx``; and the
rule every workbook the app writes follows for text from the customer's files.

Customer ids are written as text exactly as they were read (``00421`` keeps its
zeros, ``10001`` never becomes ``10001.0``); in the workbook every id cell is a
text cell.

In every workbook, text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return (a customer who typed ``=HYPERLINK(...)`` as their name) is
stored as a string with Excel's quote prefix, so Excel shows it and never runs
it as a formula. The ``.csv`` keeps such text exactly as it was read: it is
read by other programs, for which an added quote would change the id.

Every sheet the app writes keeps its header row in view (frozen) and has
columns wide enough to read their header and values (:func:`fit_columns`).
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime

import pandas as pd
from openpyxl.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "FORMULA_STARTS",
    "fit_columns",
    "frames_as_xlsx",
    "list_as_csv",
    "list_as_xlsx",
    "safe_text",
]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The number formats of the app's workbooks: a SHARE is written as a fraction
# (0.4375 shows as 43.75%), so a cell can be calculated with.
COUNT = "#,##0"
MONEY = "#,##0.00"
RATIO = "0.00"
SHARE = "0.00%"
SCORE = "0"
POINTS = "0.0"
ROW_NUMBER = "0"
DAY = "yyyy-mm-dd"
# How many rows below the header set a column's width: enough to see the
# values' size without reading a sheet of a million rows twice.
WIDTH_ROWS = 200
WIDTH_MIN, WIDTH_MAX = 8, 60


def safe_text(cell: Cell, value: str) -> None:
    """Write ``value`` into ``cell`` as text that Excel will not run."""
    cell.value = value
    if value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def _text_stays_text(sheet: Worksheet) -> None:
    """Rewrite every text cell of ``sheet`` that looks like a formula with
    :func:`safe_text` (openpyxl stores any string starting with ``=`` as one)."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                safe_text(cell, cell.value)


def _shown_length(cell: Cell) -> int:
    """About how many characters Excel shows for the value of ``cell``."""
    value = cell.value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0
    if isinstance(value, bool):
        return 5
    if isinstance(value, datetime):
        return 16 if (value.hour, value.minute) != (0, 0) else 10
    if isinstance(value, date):
        return 10
    if isinstance(value, (int, float)):
        if cell.number_format.endswith("%"):
            return len(f"{value * 100:,.2f}%")
        return len(f"{value:,.2f}")
    return max(map(len, str(value).splitlines() or [""]))


def fit_columns(sheet: Worksheet, header_row: int = 1) -> None:
    """Freeze the rows down to ``header_row`` and make each column as wide as
    its header and the first ``WIDTH_ROWS`` values below it (rows above the
    header, the notes of a report, overflow to the right as they are)."""
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    widths: dict[str, int] = {}
    last = min(sheet.max_row, header_row + WIDTH_ROWS)
    for row in sheet.iter_rows(min_row=header_row, max_row=last):
        for cell in row:
            length = _shown_length(cell)
            widths[cell.column_letter] = max(widths.get(cell.column_letter, 0), length)
    for letter, length in widths.items():
        width = min(max(length + 2, WIDTH_MIN), WIDTH_MAX)
        sheet.column_dimensions[letter].width = width


NumberFormats = Mapping[str, Mapping[str, str | Sequence[str | None]]]


def _format_columns(
    sheet: Worksheet, frame: pd.DataFrame, formats: Mapping[str, str | Sequence]
) -> None:
    for column, number_format in formats.items():
        index = list(frame.columns).index(column) + 1
        per_row = (
            [number_format] * len(frame)
            if isinstance(number_format, str)
            else number_format
        )
        for row, row_format in enumerate(per_row, 2):
            if row_format:
                sheet.cell(row=row, column=index).number_format = row_format


def frames_as_xlsx(
    sheets: Mapping[str, pd.DataFrame], formats: NumberFormats | None = None
) -> bytes:
    """An ``.xlsx`` workbook of one sheet per frame (named by its key, cut to
    Excel's 31 characters), without the index, text written by
    :func:`safe_text`, the header frozen and the columns fitted
    (:func:`fit_columns`).

    ``formats`` gives, per sheet (by its key) and column, the number format
    of the column's cells, or a sequence of one format (or ``None``) per row
    for a column of figures of several kinds. Dates and times are date cells
    (pandas' formats).
    """
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            _text_stays_text(sheet)
            _format_columns(sheet, frame, (formats or {}).get(name, {}))
            fit_columns(sheet)
    return buffer.getvalue()


def _plain_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Categories as their text and lists (a monthly history) as numbers
    separated by spaces, so both files show the same values."""
    categorical = [
        name
        for name, dtype in frame.dtypes.items()
        if isinstance(dtype, pd.CategoricalDtype)
    ]
    plain = frame.astype({name: "string" for name in categorical})
    for name in plain.columns:
        if plain[name].dtype == object and plain[name].map(type).eq(list).any():
            plain[name] = plain[name].map(
                lambda v: " ".join(map(str, v)) if isinstance(v, list) else v
            )
    return plain


def list_as_csv(frame: pd.DataFrame) -> bytes:
    """The list as CSV bytes."""
    return _plain_columns(frame).to_csv(index=False).encode("utf-8-sig")


def list_as_xlsx(frame: pd.DataFrame, sheet: str = "Customers") -> bytes:
    """The list as an ``.xlsx`` workbook of one sheet, ids as text cells."""
    return frames_as_xlsx({sheet: _plain_columns(frame)})
