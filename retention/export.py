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
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd
from openpyxl.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "FORMULA_STARTS",
    "frames_as_xlsx",
    "list_as_csv",
    "list_as_xlsx",
    "safe_text",
]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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


def frames_as_xlsx(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An ``.xlsx`` workbook of one sheet per frame (named by its key, cut to
    Excel's 31 characters), without the index, text written by
    :func:`safe_text`."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
        for sheet in writer.book.worksheets:
            _text_stays_text(sheet)
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
