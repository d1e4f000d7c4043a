"""The one road from uploaded files to orders, used by the app and the command line.

Two steps, so the app can cache the slow one by the file's content:

1. :func:`read_raw` reads one or several files into a raw table of cells
   (cache key: the files' bytes and the sheet);
2. :func:`build_orders` maps the columns (detected, or the user's corrected
   mapping), cleans, and returns a :class:`SalesLog` (cache key: the raw
   table's ``content_hash`` plus the mapping, time zone and date order).

:func:`load_sales_log` runs both. Several files are stacked *before* any id is
read, so ``421.0`` in one month and ``421`` in the next are the same customer,
and a row repeated across files is counted once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Protocol, TypeAlias

import pandas as pd
import polars as pl

from retention.cleaning import CleaningOptions, clean_orders
from retention.columns import (
    ColumnMapping,
    detect_columns,
    detected_preset,
    role_label,
)
from retention.i18n import t, t_count
from retention.quality import Notice, QualityReport, reason_label
from retention.reading import (
    Progress,
    RawTable,
    SalesLogError,
    combine_tables,
    part_of,
    read_table,
    sheet_names,
)

__all__ = [
    "NoPurchasesError",
    "alike_sheets_note",
    "SalesLog",
    "Source",
    "build_orders",
    "files_name",
    "load_sales_log",
    "read_raw",
    "sales_sheet",
]


class Upload(Protocol):
    """A file-like upload with a name (Streamlit's ``UploadedFile`` is one)."""

    name: str

    def getvalue(self) -> bytes: ...


# a path, (file name, bytes), an upload object, or a list of these
Source: TypeAlias = "str | Path | tuple[str, bytes] | Upload | Sequence[Source]"


@dataclass(frozen=True)
class SalesLog:
    """A sales log read, mapped and cleaned.

    Attributes
    ----------
    orders : DataFrame
        The canonical orders table (:mod:`retention.orders`).
    mapping : ColumnMapping
        The column mapping used.
    report : QualityReport
        What happened to every input row.
    columns : tuple of str
        The raw column names, for the mapping form.
    content_hash : str
        SHA-256 of the input bytes (order of several files does not matter).
    """

    orders: pd.DataFrame
    mapping: ColumnMapping
    report: QualityReport
    columns: tuple[str, ...]
    content_hash: str


class NoPurchasesError(SalesLogError):
    """A file read and mapped in which no row is a purchase (every amount 0,
    only refunds, no readable date); ``report`` says what became of each row,
    so the rows can still be looked at and downloaded."""

    def __init__(self, message: str, report: QualityReport) -> None:
        super().__init__(message)
        self.report = report


def read_raw(
    source: Source,
    *,
    name: str | None = None,
    sheet: str | Sequence[str] | Mapping[str, str | Sequence[str]] | None = None,
    limit_mb: float | None = None,
    progress: Progress | None = None,
    encoding: str | None = None,
) -> RawTable:
    """Read one file or several into one raw table of cells.

    Parameters
    ----------
    source : path, (name, bytes), upload object, or a list of these
        Several files (say, monthly exports) are stacked, columns matched by
        name; a row repeated in two files is later counted once.
    name : str, optional
        The file name when ``source`` is bare bytes.
    sheet : str, list of str, or a mapping of file name to these, optional
        The workbook sheet to read; by default the first, or, when it has no
        date, amount and customer columns (a cover, notes or totals sheet), the
        first sheet that has them (:func:`sales_sheet`). Several sheets of the same layout are
        stacked. With several workbooks, a mapping chooses per file; a file
        it does not name gets its default.
    limit_mb : float, optional
        The largest file accepted, in megabytes.
    progress : callable, optional
        Told the share done (0-1) and a status line at each step of each file
        (decoding, splitting into columns, reading a sheet, finding the header).
    encoding : str, optional
        The text encoding of text files, when the owner chose it.
    """
    files = _files(source, name)
    if not files:
        raise SalesLogError(t("No file was given."))
    tables = []
    for position, (file_name, data) in enumerate(files):
        step = None
        if progress is not None:
            step = part_of(progress, position / len(files), 1 / len(files))
        chosen = _sheet_of(sheet, file_name)
        try:
            table = read_table(
                data,
                name=file_name,
                sheet=chosen,
                limit_mb=limit_mb,
                progress=step,
                encoding=encoding,
                check_sheets=_check_same_sheets,
            )
        except SalesLogError:
            # an empty cover sheet before the sales sheet
            found = None
            if chosen is None:
                found = _first_sales_sheet(file_name, data, limit_mb, skip=1)
            if found is None:
                raise
            table = _other_sheet(found)
        else:
            if chosen is None:
                table = _default_sheet_table(
                    file_name, data, table, limit_mb, alone=len(files) == 1
                )
        tables.append(table)
    if len(tables) == 1:
        return tables[0]
    parts = [(_file_name(table), table) for table in tables]
    _check_same_columns(parts, OTHER_FILE_COLUMNS)
    return _notes_said_once(tables, combine_tables(tables))


def _notes_said_once(tables: list[RawTable], combined: RawTable) -> RawTable:
    """``combined`` with the notes every file has alike ("Text encoding:
    UTF-8.") said once, before the others, each of which names its file."""
    # combine_tables writes each file's notes, named, then what it found itself
    # (columns that differ between the files)
    found = combined.notices[sum(len(table.notices) for table in tables) :]
    alike = set.intersection(*(set(table.notices) for table in tables))
    notes = [note for note in tables[0].notices if note in alike]
    notes += [
        f"{table.sources[0]}: {note}" if table.sources else note
        for table in tables
        for note in table.notices
        if note not in alike
    ]
    return replace(combined, notices=(*notes, *found))


def files_name(names: Sequence[str]) -> str:
    """The name of one file or several read as one sales log: ``jan.csv``,
    ``jan.csv and feb.csv``, ``month01.csv and 9 more files``."""
    if len(names) <= 1:
        return names[0] if names else ""
    if len(names) == 2:
        return t("{first} and {second}", first=names[0], second=names[1])
    return t_count(
        len(names) - 1,
        "{first} and {count} more file",
        "{first} and {count} more files",
        first=names[0],
    )


# The refusals of files, and of sheets of one workbook, of other layouts:
# filled with the part's name and columns, the other part's name, and the
# columns that part's sales are read from and the first part lacks.
OTHER_FILE_COLUMNS = (
    "{name} has other columns ({columns}) than {first}, which has {missing}: "
    "upload it on its own, or give its columns the names they have in {first}."
)
OTHER_SHEET_COLUMNS = (
    "The sheet {name} of {workbook} has other columns ({columns}) than the sheet "
    "{first}, which has {missing}: choose one of them under Sheets to read, or "
    "give its columns the names they have in the sheet {first}."
)


def _check_same_columns(
    parts: Sequence[tuple[str, RawTable]], refusal: str, **values: str
) -> None:
    """Refuse several files, or several sheets of a workbook, when one lacks a
    column another one's sales are read from (another till's export, with
    other column names): stacked by name, its rows would silently end up
    without a date or an amount.

    ``parts`` are the files or sheets with their names; ``refusal`` is the
    message, filled with ``values`` too. Columns are matched by name, in any
    order; a column no sale is read from (a note, an empty column) may be
    missing, and its cells are empty for the rows of the part without it.
    """
    if len({tuple(table.columns) for _, table in parts}) == 1:
        return
    for first_name, first in parts:
        needed = _sale_columns(detect_columns(first.cells))
        for name, table in parts:
            # in the order of the first part's own header
            missing = [
                c for c in first.columns if c in needed and c not in table.columns
            ]
            if missing:
                raise SalesLogError(
                    t(
                        refusal,
                        name=name,
                        columns=", ".join(table.columns),
                        first=first_name,
                        missing=", ".join(missing),
                        **values,
                    )
                )


def _check_same_sheets(workbook: str, sheets: Sequence[RawTable]) -> None:
    """Refuse several sheets of ``workbook`` chosen to be read as one sales log
    when their layouts differ, as several files are refused."""
    parts = [(f"“{sheet.sheet_names[0]}”", sheet) for sheet in sheets]
    _check_same_columns(parts, OTHER_SHEET_COLUMNS, workbook=workbook)


def _sale_columns(mapping: ColumnMapping) -> list[str]:
    """The columns a sale is read from: without one of them a row loses its
    customer, date, order or amount."""
    roles = ["customer", "timestamp", "time", "order_id"]
    roles += ["amount"] if mapping.amount is not None else ["quantity", "unit_price"]
    return [column for role in roles if (column := getattr(mapping, role))]


def _file_name(table: RawTable) -> str:
    return table.sources[0] if table.sources else t("a file")


def _sheet_of(
    sheet: str | Sequence[str] | Mapping[str, str | Sequence[str]] | None,
    name: str | None,
) -> str | Sequence[str] | None:
    """The sheets chosen for the file ``name``."""
    if isinstance(sheet, Mapping):
        return sheet.get(name or "")
    return sheet


# what a sheet's detected columns give: no sales, the date and amount of a
# sheet of totals (month and revenue), or a sales log's, with its customers
_NO_SALES, _TOTALS, _SALES = 0, 1, 2


def _sales_columns(raw: RawTable) -> int:
    """``_SALES`` when the detected columns give a date, an amount (or unit
    price) and a customer, ``_TOTALS`` for a date and an amount only, else
    ``_NO_SALES``."""
    mapping = detect_columns(raw.cells)
    priced = mapping.amount is not None or mapping.unit_price is not None
    if mapping.timestamp is None or not priced:
        return _NO_SALES
    return _SALES if mapping.customer is not None else _TOTALS


def sales_sheet(data: bytes | Path, *, name: str | None = None) -> str | None:
    """The first sheet of a workbook with a date, an amount and a customer
    column, else the first with a date and an amount; ``None`` for a text file
    or when no sheet has them."""
    name = name or (Path(data).name if isinstance(data, Path) else None)
    found = _first_sales_sheet(name, data, None)
    return found.sheets_read()[0] if found is not None else None


def _first_sales_sheet(
    name: str | None,
    data: bytes | Path,
    limit_mb: float | None,
    *,
    skip: int = 0,
    least: int = _TOTALS,
) -> RawTable | None:
    """The table of the first sheet with a date, an amount and a customer
    column after the first ``skip`` sheets (already read), else, when
    ``least`` allows, of the first with a date and an amount (a sheet without
    customers cannot be read as a sales log, so a sheet of monthly totals
    before the sales is passed over), or ``None``. Each sheet is read once:
    a sheet of a million rows takes seconds."""
    fallback = None
    for sheet in sheet_names(data, name=name)[skip:]:
        try:
            table = read_table(data, name=name, sheet=sheet, limit_mb=limit_mb)
        except SalesLogError:
            continue
        found = _sales_columns(table)
        if found == _SALES:
            return table
        if found >= least and fallback is None:
            fallback = table
    return fallback


def _default_sheet_table(
    name: str | None,
    data: bytes | Path,
    first: RawTable,
    limit_mb: float | None,
    *,
    alone: bool,
) -> RawTable:
    """The table of the sheet read when none was chosen (see
    :func:`_sales_sheet_table`), naming, for a workbook uploaded ``alone``,
    the later sheets with the same columns (see :func:`_with_alike_sheets`)."""
    table = _sales_sheet_table(name, data, first, limit_mb)
    return _with_alike_sheets(name, data, table, limit_mb) if alone else table


def _sales_sheet_table(
    name: str | None,
    data: bytes | Path,
    first: RawTable,
    limit_mb: float | None,
) -> RawTable:
    """The first sheet's table, or, when it has no sales columns (a cover or
    notes sheet), that of the first sheet that has them, with a note saying so."""
    if len(first.sheet_names) < 2:
        return first
    found = _sales_columns(first)
    if found == _SALES:
        return first
    other = _first_sales_sheet(name, data, limit_mb, skip=1, least=found + 1)
    if other is None:
        return first
    return _other_sheet(other, totals=found == _TOTALS)


# The largest workbook whose other sheets are read to see whether they have
# the sheet's columns: about 100,000 rows, which take well under a second.
ALIKE_SHEETS_BYTES = 5_000_000


def _with_alike_sheets(
    name: str | None, data: bytes | Path, table: RawTable, limit_mb: float | None
) -> RawTable:
    """``table``, of the one sheet read by default, with the other sheets that
    have the same columns (one sheet per year) named in ``alike_sheets`` and
    in a note saying they can be stacked with it. Only a workbook of at most
    ``ALIKE_SHEETS_BYTES`` is looked through: each other sheet is read whole.

    Only the sheets after the one read are: those before it were read already
    and found to lack its sales columns (a cover, notes or totals sheet)."""
    read = table.sheets_read()
    if len(read) != 1 or read[0] not in table.sheet_names:
        return table
    others = table.sheet_names[table.sheet_names.index(read[0]) + 1 :]
    size = len(data) if isinstance(data, bytes) else Path(data).stat().st_size
    if not others or size > ALIKE_SHEETS_BYTES or _sales_columns(table) != _SALES:
        return table
    alike = []
    for sheet in others:
        try:
            other = read_table(data, name=name, sheet=sheet, limit_mb=limit_mb)
            _check_same_columns([(read[0], table), (sheet, other)], "")
        except SalesLogError:
            continue
        if _sales_columns(other) == _SALES:
            alike.append(sheet)
    if not alike:
        return table
    table = replace(table, alike_sheets=tuple(alike))
    return replace(table, notices=(*table.notices, alike_sheets_note(table)))


def alike_sheets_note(table: RawTable) -> str | None:
    """The note that the sheets in ``table.alike_sheets`` have the columns of
    the sheet read and can be stacked with it; ``None`` when there are none."""
    if not table.alike_sheets:
        return None
    return t_count(
        len(table.alike_sheets),
        "The sheet {sheets} has the same columns as the sheet “{read}”: choose it "
        "too under Sheets to read to stack them and see the whole history.",
        "The sheets {sheets} have the same columns as the sheet “{read}”: choose "
        "them too under Sheets to read to stack them all and see the whole history.",
        sheets=", ".join(f"“{sheet}”" for sheet in table.alike_sheets),
        read=table.sheets_read()[0],
    )


def _other_sheet(table: RawTable, *, totals: bool = False) -> RawTable:
    """The table of the sales sheet read when the first sheet has no sales
    columns, only a date and an amount (``totals``: monthly totals), or could
    not be read (an empty cover sheet), with a note saying so."""
    if totals:
        note = t(
            "The sheet {first} has dates and amounts but no customer column (totals, "
            "perhaps); the sheet {chosen} has the customers and was read. Choose "
            "another under Sheets to read.",
            first=table.sheet_names[0],
            chosen=table.sheets_read()[0],
        )
    else:
        note = t(
            "The sheet {first} has no sales columns; the sheet {chosen} has them "
            "and was read. Choose another under Sheets to read.",
            first=table.sheet_names[0],
            chosen=table.sheets_read()[0],
        )
    return replace(table, notices=(note, *table.notices))


def _files(source: Source, name: str | None) -> list[tuple[str | None, bytes | Path]]:
    """The (name, bytes or path) of each file in ``source``."""
    if isinstance(source, bytes):
        return [(name, source)]
    if _is_named_bytes(source):
        return [(source[0], bytes(source[1]))]
    if isinstance(source, (list, tuple)):
        return [file for item in source for file in _files(item, None)]
    if hasattr(source, "getvalue"):
        return [(source.name, source.getvalue())]
    return [(name or Path(source).name, Path(source))]


def build_orders(
    raw: RawTable,
    mapping: ColumnMapping | None = None,
    *,
    timezone: str | None = None,
    date_order: str = "auto",
    read_on: date | None = None,
    progress: Progress | None = None,
) -> SalesLog:
    """Map and clean a raw table into a :class:`SalesLog`.

    ``mapping`` defaults to :func:`retention.columns.detect_columns`; an unusable
    mapping raises ``SalesLogError`` naming what to choose. ``read_on`` is the
    day the file was read: rows dated after it are left out (see
    :class:`retention.cleaning.CleaningOptions`). ``progress`` is
    told the share done and a status line at each step of the cleaning (ids,
    dates, amounts, refunds, left-out rows, orders, the report).
    """
    if progress is not None:
        progress(
            0.0,
            t_count(
                len(raw),
                "Finding the columns and cleaning {count} row…",
                "Finding the columns and cleaning {count} rows…",
            ),
        )
    if mapping is None:
        mapping = detect_columns(raw.cells)
        if preset := detected_preset(raw.cells):
            note = t("Recognised the layout of an export: {preset}.", preset=t(preset))
            raw = replace(raw, notices=(*raw.notices, note))
    options = CleaningOptions(timezone=timezone, date_order=date_order, read_on=read_on)
    steps = part_of(progress, 0.05, 0.95) if progress is not None else None
    orders, report = clean_orders(raw, mapping, options, progress=steps)
    report.notices += _repeated_column_notices(raw.columns, mapping)
    if not orders["is_purchase"].any():
        raise NoPurchasesError(no_purchases_message(report), report)
    return SalesLog(
        orders=orders,
        mapping=mapping,
        report=report,
        columns=tuple(raw.columns),
        content_hash=raw.content_hash,
    )


# How the reading names the second of two columns with the same header:
# "amount" and "amount (2)".
_REPEATED_NAME = re.compile(r"^(.*) \((\d+)\)$")


def _repeated_column_notices(
    columns: Sequence[str], mapping: ColumnMapping
) -> list[Notice]:
    """A note for each header written on several columns, saying which of them
    is used for what: "Two columns are named amount; the first is used as
    Amount. …"."""
    repeats: dict[str, list[str]] = {}
    for column in columns:
        found = _REPEATED_NAME.match(column)
        if found and found[1] in columns:
            repeats.setdefault(found[1], [found[1]]).append(column)
    roles = {column: role for role, column in mapping.as_dict().items() if column}
    notices = []
    for name, same in repeats.items():
        number = t("Two") if len(same) == 2 else f"{len(same):,}"
        used = [column for column in same if column in roles]
        if same[0] in roles:
            others = ", ".join(f"“{column}”" for column in same[1:])
            message = t_count(
                len(same) - 1,
                "{number} columns are named {name}; the first is used as {role}. "
                "The other is shown as {others}: if it is the right one, choose "
                "it on the Data page.",
                "{number} columns are named {name}; the first is used as {role}. "
                "The others are shown as {others}: if one of them is the right "
                "one, choose it on the Data page.",
                number=number,
                name=name,
                role=role_label(roles[same[0]]),
                others=others,
            )
        elif used:
            message = t(
                "{number} columns are named {name}; the one shown as “{column}” "
                "is used as {role}.",
                number=number,
                name=name,
                column=used[0],
                role=role_label(roles[used[0]]),
            )
        else:
            message = t(
                "{number} columns are named {name}; none is used. On the Data "
                "page the second is shown as “{column}”.",
                number=number,
                name=name,
                column=same[1],
            )
        notices.append(Notice("repeated_column", message))
    return notices


# The reasons a row is no purchase, as the end of "2 rows are …"; others are
# told by their label in the quality report.
_NOT_PURCHASES = {
    "refund_unmatched": "refunds or cancellations (a negative amount)",
    "order_cancelled": "cancelled or fully refunded orders",
    "zero_order": "orders worth nothing (amount 0)",
    "stock_adjustment": "stock adjustments (amount 0)",
    "no_date": "without a date that can be read",
    "future_date": "dated after the day the file was read",
    "far_date": "dated over a year after every other date",
    "no_amount": "without an amount that is a number",
    "payment_failed": "failed or declined payments",
    "total_row": "total or subtotal rows",
    "duplicate": "duplicates of an earlier row",
}


def no_purchases_message(report: QualityReport) -> str:
    """Why a file has no purchase, naming the rows of each reason: "No purchases
    found: both rows are refunds or cancellations (a negative amount) (rows 2–3).
    …"."""
    rows = report.row_table
    groups = []
    for reason in dict.fromkeys(report.counts()["reason"]):
        chosen = rows.filter(rows["reason"] == reason)
        what = _NOT_PURCHASES.get(reason)
        what = t(what) if what else f"“{reason_label(reason)}”"
        values = {"what": what, "rows": _row_numbers(chosen)}
        if chosen.height < rows.height:
            one, other = (
                "{count} row is {what} ({rows})",
                "{count} rows are {what} ({rows})",
            )
        else:
            one, other = (
                "the only row is {what} ({rows})",
                "all {count} rows are {what} ({rows})",
            )
        if chosen.height == rows.height == 2:
            other = "both rows are {what} ({rows})"
        groups.append(t_count(chosen.height, one, other, **values))
    return t(
        "No purchases found: {groups}. Check on the Data page that the right "
        "columns are used; the rows can be downloaded there.",
        groups="; ".join(groups),
    )


def _row_numbers(rows: pl.DataFrame) -> str:
    """The rows' numbers as runs ("rows 2–3, 7"), per file when there are
    several, the first ten runs only."""
    parts = []
    for (source,), chosen in rows.group_by("source", maintain_order=True):
        numbers = sorted(chosen["row_number"].to_list())
        runs: list[list[int]] = []
        for number in numbers:
            if runs and number == runs[-1][1] + 1:
                runs[-1][1] = number
            else:
                runs.append([number, number])
        shown = ", ".join(
            f"{first}" if first == last else f"{first}–{last}"
            for first, last in runs[:10]
        )
        if len(runs) > 10:
            shown = t("{lines} and more", lines=shown)
        word = t("row") if len(numbers) == 1 else t("rows")
        several = rows["source"].n_unique() > 1
        parts.append(f"{source} {word} {shown}" if several else f"{word} {shown}")
    return "; ".join(parts)


def load_sales_log(
    source: Source,
    *,
    name: str | None = None,
    mapping: ColumnMapping | None = None,
    timezone: str | None = None,
    date_order: str = "auto",
    sheet: str | Sequence[str] | None = None,
    read_on: date | None = None,
) -> SalesLog:
    """Read, map and clean one or several sales files.

    Parameters
    ----------
    source : path, (name, bytes), upload object, or a list of these
    name : str, optional
        File name for bare bytes.
    mapping : ColumnMapping, optional
        The user's mapping; detected when omitted.
    timezone : str, optional
        The shop's IANA time zone, for time stamps written with an offset.
    date_order : {"auto", "day_first", "month_first"}
    sheet : str or list of str, optional
        Workbook sheet; the first by default; several are stacked.
    read_on : datetime.date, optional
        The day the file is read: rows dated after it are left out. None
        leaves no row out for its date.

    Raises
    ------
    SalesLogError
        The file cannot be read or no usable date, amount or customer column
        was found; the message says what to do.
    """
    raw = read_raw(source, name=name, sheet=sheet)
    return build_orders(
        raw, mapping, timezone=timezone, date_order=date_order, read_on=read_on
    )


def _is_named_bytes(source: object) -> bool:
    return (
        isinstance(source, tuple)
        and len(source) == 2
        and isinstance(source[0], str)
        and isinstance(source[1], (bytes, bytearray))
    )
