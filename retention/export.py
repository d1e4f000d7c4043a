"""Customer lists as files for a mail-merge or a loyalty app: ``.csv`` (UTF-8
with a byte-order mark, so Excel opens accents correctly) and ``.xlsx``.

Customer ids are written as text exactly as they were read (``00421`` keeps its
zeros, ``10001`` never becomes ``10001.0``); in the workbook every id cell is a
text cell.
"""

from __future__ import annotations

import io

import pandas as pd

__all__ = ["list_as_csv", "list_as_xlsx"]


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
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _plain_columns(frame).to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()
