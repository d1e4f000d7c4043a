"""From raw text cells and a column mapping to the canonical orders table.

The rules, in the order they apply:

1. Ids are text: ``421.0`` becomes ``421``, leading zeros stay (``00421``),
   emails are compared without case and spaces, and blank, ``nan``, ``N/A`` or
   ``-`` mean a guest (no customer id). So does a till's placeholder for an
   anonymous sale in the customer column (``Walk-in Customer``, ``Guest``,
   ``Cash customer``, ``Alkalmi vásárló``, an id of zeros), reported as such.
2. Dates: ISO text, day-first (``03.12.2026``, ``3/12/2026``), Hungarian
   (``2026. 12. 03.``) or month-first dates with or without a time, a time of
   day in a column of its own, and Excel day numbers. A date that reads one
   way only (``14/01/2024``, ``02/13/2024``) is read that way; the day/month
   order of the others is read from the data per file, by the layout when no
   date tells, or set by the caller, and reported, with a column that mixes
   the two orders said and its doubtful rows listed (:mod:`retention.date_order`).
   Stamps with an offset or ``Z``, and stamps in a
   column whose header says UTC, are converted to the shop's time zone when
   one is given, then made naive; stamps without an offset are local already.
3. Amounts: decimal comma or point (read from the value where its marks
   allow one reading, else chosen per column), thousands separators
   (space, dot, comma, apostrophe), currency signs and codes, accounting
   negatives ``($45.00)``, text numbers with stray spaces. Without an amount
   column, amount = quantity x unit price.
4. Rows left out (and reported): total rows, exact duplicates (with an order
   id, any repeat of an earlier row; without one, identical rows of one file
   are separate sales and only repeats of an earlier file or sheet uploaded
   with it are duplicates), rows without a readable date or amount, failed payments,
   stock adjustments (negative quantity at zero amount, not a cancellation),
   and the lines of an order worth nothing (every priced line 0: a free
   sample, a replacement), which is no sale; a line priced 0 inside a paying
   order stays.
5. Lines with the same order id form one order (revenue summed, items = sum
   of quantity or number of lines). An order total repeated on every line of
   its order (some web-shop exports) counts once. Without an order id, an
   order is one customer's lines at one time stamp.
6. Cancellations and refunds (negative amount, a status such as "refunded",
   or an Online Retail style invoice number ``C536379``) are never purchases. A
   refund is netted into the order it names (a "refund of" column) or else the
   same customer's latest purchase at or before it; one that matches no
   purchase stays as a row with ``is_purchase`` False, so it counts in revenue
   only. A sale flagged in a "cancelled" column (Shopify's "Cancelled at")
   with its own amount is that sale cancelled, not a refund of another: no
   purchase and no revenue; only a negative one flagged there is a refund. When the export states the refunded amount per order (Shopify,
   Stripe) or the total after refunds (Etsy), the status describes the order
   itself: a partly refunded order is a purchase worth its total less the
   refund, a cancelled or fully refunded one is no purchase.

The work is done with polars column operations (no Python loop per row), so a
million rows clean in about half a second.
"""

from __future__ import annotations

import itertools
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import polars as pl

from retention.columns import ColumnMapping, check_mapping
from retention.date_order import (
    DAY_ONLY,
    MONTH_ONLY,
    SettledDates,
    date_kinds,
    settle_date_order,
)
from retention.i18n import t, t_count
from retention.orders import OPTIONAL_COLUMNS, ORDER_COLUMNS
from retention.presets import find_preset
from retention.quality import REASONS, Notice, QualityReport
from retention.reading import (
    NON_ASCII,
    READ_REPAIR,
    Progress,
    RawTable,
    SalesLogError,
    holds_letters,
    marks_in,
    text_column,
)

__all__ = [
    "DATE_ORDERS",
    "PLACEHOLDER_CUSTOMERS",
    "CleaningOptions",
    "ParsedAmounts",
    "ParsedTimestamps",
    "clean_orders",
    "normalise_ids",
    "parse_amounts",
    "parse_timestamps",
    "zone_label",
]

DATE_ORDERS = ("auto", "day_first", "month_first")
BLANK_IDS = ["", "nan", "none", "null", "n/a", "na", "-", "--", "#n/a", "(blank)"]  # fmt: skip
# BLANK_IDS in every mix of upper and lower case, for ids written in ASCII
_BLANK_ID_CASES = sorted(
    {
        "".join(letters)
        for blank in BLANK_IDS
        for letters in itertools.product(*({c, c.upper()} for c in blank))
    }
)
# What tills write in the customer column of an anonymous sale, compared in
# lower case with dashes, dots and brackets as spaces; an id of zeros only
# ("0", "000") is one too. Real names are never in this list.
PLACEHOLDER_CUSTOMERS = frozenset(
    {
        "walk in", "walk in customer", "walkin", "walkin customer", "walk in sale",
        "guest", "guest customer", "guest checkout", "cash", "cash customer",
        "cash sale", "anonymous", "anonymous customer", "no customer",
        "unknown customer", "default customer", "counter sale", "retail customer",
        "alkalmi vásárló", "alkalmi vevő", "vendég", "vendég vásárló",
        "eseti vásárló", "eseti vevő", "készpénzes vásárló", "készpénzes vevő",
        "ismeretlen vásárló", "ismeretlen vevő", "nincs vevő", "vevő nélkül",
        "laufkunde", "barverkauf", "gast", "klient detaliczny", "gość",
    }
)  # fmt: skip
CANCEL_WORDS = (
    r"cancel|refund|return|void|reversal|chargeback|storno|sztorn|visszat|visszár"
    r"|töröl|zwrot|anul"
)
PARTIAL_WORDS = r"partial|részleg|teilweise|częściow"
FAILED_WORDS = r"fail|declin|sikertelen|elutasít|abgelehnt|odrzuc"
TOTAL_ROW = (
    r"(?i)^\s*(?:grand\s+|sub\s*-?)?totals?(?:\W|$)|^\s*(?:összesen|mindösszesen|razem"
    r"|suma|summe|gesamt|gesamtsumme|zwischensumme|sum|végösszeg|részösszeg)\s*:?\s*$"
    r"|\b(?:sub\s*-?)?totals?\s*:?\s*$|\bösszesen\s*:?\s*$"
)
_TOTAL_PARTS = ["tot", "ssz", "raz", "sum", "gesamt"]
CURRENCY_CODES = {
    "us$": "USD", "$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR",
    "£": "GBP", "gbp": "GBP", "ft": "HUF", "huf": "HUF", "zł": "PLN", "pln": "PLN",
    "kč": "CZK", "czk": "CZK", "¥": "JPY", "jpy": "JPY", "₹": "INR", "chf": "CHF",
    "ron": "RON", "lei": "RON", "sek": "SEK", "nok": "NOK", "dkk": "DKK",
}  # fmt: skip
_SYMBOLS = r"[a-z$€£¥₹łč]"
_SPACES = r"[\s\u00a0\u202f\u2009']"
_DASHES = r"[-−–]"
_TIME = (
    r"(?:[T\s]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<sec>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?\s*$"
)
_YEAR_MONTH_DAY = (
    r"^(?P<year>\d{4})[./-]\s?(?P<first>\d{1,2})[./-]\s?(?P<second>\d{1,2})\.?" + _TIME
)
_DAY_MONTH_YEAR = (
    r"^(?P<first>\d{1,2})[./-]\s?(?P<second>\d{1,2})[./-]\s?(?P<year>\d{4}|\d{2})\.?"
    + _TIME
)
_ISO_NAIVE = r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?$"
_ISO_AWARE = (
    r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*"
    r"(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})$"
)
_ISO_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S%.f",
)
_UTC_HEADER = re.compile(r"\(utc\)|\butc\b|\bgmt\b", re.IGNORECASE)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


@dataclass(frozen=True)
class CleaningOptions:
    """Choices the user can make about how a sales log is read.

    Attributes
    ----------
    timezone : str or None
        The shop's IANA time zone (``"Europe/Budapest"``). Stamps with an offset
        are converted to it; without it they keep the clock time written.
    date_order : {"auto", "day_first", "month_first"}
        How to read dates like 03/04/2024; ``"auto"`` decides from the data.
    """

    timezone: str | None = None
    date_order: str = "auto"

    def __post_init__(self) -> None:
        if self.date_order not in DATE_ORDERS:
            raise SalesLogError(
                t(
                    "Unknown date order {order}; use auto, day_first or month_first.",
                    order=self.date_order,
                )
            )
        if self.timezone is not None:
            _check_timezone(self.timezone)


def _check_timezone(zone: str) -> None:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise SalesLogError(
            t(
                "Unknown time zone {zone}; choose one such as Europe/Budapest.",
                zone=zone,
            )
        ) from error


def zone_label(zone: str) -> str:
    """A time zone as people read it: ``America/Los Angeles``."""
    return zone.replace("_", " ")


@dataclass
class ParsedTimestamps:
    """Parsed dates: naive local ``values`` (NaT when unreadable) and how."""

    values: pd.Series
    repairs: pd.Series
    date_order: str | None = None
    ambiguous: bool = False
    notices: list[Notice] = field(default_factory=list)


@dataclass
class ParsedAmounts:
    """Parsed money: ``values`` (NaN when unreadable), which needed cleaning."""

    values: pd.Series
    formatted: pd.Series
    currency: str | None = None
    decimal_mark: str = "."
    notices: list[Notice] = field(default_factory=list)
    other_mark: pd.Series | None = None
    ambiguous: pd.Series | None = None


@dataclass
class _Stamps:
    values: pl.Series
    repairs: pl.Series
    date_order: str | None = None
    ambiguous: bool = False
    notices: list[Notice] = field(default_factory=list)


@dataclass
class _Amounts:
    values: pl.Series
    formatted: pl.Series
    currency: str | None = None
    decimal_mark: str = "."
    notices: list[Notice] = field(default_factory=list)
    other_mark: pl.Series | None = None
    ambiguous: pl.Series | None = None

    def __post_init__(self) -> None:
        unmarked = pl.repeat(False, len(self.values), eager=True)
        if self.other_mark is None:
            self.other_mark = unmarked
        if self.ambiguous is None:
            self.ambiguous = unmarked


# --- distinct values ---------------------------------------------------------


@dataclass(frozen=True)
class _Distinct:
    """A column's distinct values in order of first appearance, how many rows
    hold each (``weights``), and for each row the position of its value
    (``back``): a long column of few values is parsed once per value."""

    values: pl.Series
    weights: pl.Series
    back: pl.Series

    @classmethod
    def of(cls, text: pl.Series) -> _Distinct:
        """Grouped by a hash of each value (numbers group several times as
        fast as text); should two values share a hash, by the values."""
        lines = pl.DataFrame({"hash": text.hash()}).with_row_index("line")
        counted = lines.group_by("hash", maintain_order=True).agg(
            first=pl.col("line").first(), weight=pl.len()
        )
        back = lines.join(
            counted.with_row_index("position").select("hash", "position"),
            on="hash",
            how="left",
            maintain_order="left",
        ).get_column("position")
        values = text.gather(counted["first"])
        if values.gather(back).eq_missing(text).all():
            return cls(values, counted["weight"].cast(pl.Int64), back)
        return cls._by_value(text)

    @classmethod
    def _by_value(cls, text: pl.Series) -> _Distinct:
        counted = (
            text.rename("value").to_frame().group_by("value", maintain_order=True).len()
        )
        back = (
            text.rename("value")
            .to_frame()
            .join(
                counted.with_row_index("position").select("value", "position"),
                on="value",
                how="left",
                nulls_equal=True,
                maintain_order="left",
            )
            .get_column("position")
        )
        return cls(counted["value"], counted["len"].cast(pl.Int64), back)

    def first_rows(self) -> pl.Series:
        """The position of each value's first row."""
        return (
            pl.DataFrame({"back": self.back})
            .with_row_index("line")
            .group_by("back")
            .agg(pl.col("line").min())
            .sort("back")["line"]
            .cast(pl.Int64)
        )

    def spread(self, per_value: pl.Series) -> pl.Series:
        """Per-value results, one per row again."""
        return per_value.gather(self.back)


# --- ids -------------------------------------------------------------------


def normalise_ids(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Ids as trimmed text; return the ids (NA for blank) and which were repaired.

    ``421.0`` -> ``421`` (repaired), ``00421`` stays, ``1001`` and ``"1001"`` are
    the same; emails lose case and spaces; blank, ``nan``, ``N/A``, ``-`` and
    the placeholders of anonymous sales (``Guest``, ``Walk-in Customer``,
    ``0``; see :data:`PLACEHOLDER_CUSTOMERS`) become NA.
    """
    ids, repaired = _ids(_text(values))
    ids = ids.set(_placeholder_customers(ids), None)
    return (
        pd.Series(ids.to_list(), index=values.index, dtype="string"),
        pd.Series(repaired.to_numpy(), index=values.index),
    )


def _ids(text: pl.Series) -> tuple[pl.Series, pl.Series]:
    if text.dtype.is_numeric():
        # numbers read from a workbook: written without a decimal point when whole
        ids = text_column(text, empty=None)
        return ids, pl.repeat(False, len(text), eager=True)
    text = _text(text)
    # customers come back: a large sample shows it where a small one does not
    sample = text.head(100_000)
    if sample.n_unique() > len(sample) // 5:
        # mostly different values (order numbers): read each row directly
        return _distinct_ids(text)
    distinct = _Distinct.of(text)
    ids, repaired = _distinct_ids(distinct.values)
    return distinct.spread(ids), distinct.spread(repaired)


def _distinct_ids(text: pl.Series) -> tuple[pl.Series, pl.Series]:
    # which characters occur at all tells which steps can be left out
    written = marks_in(text, f".@{NON_ASCII}")
    ascii_only = NON_ASCII not in written
    if not ascii_only and text.str.contains("[\u00a0\ufeff]").any():
        text = text.str.replace_all("[\u00a0\ufeff]", " ")
    text = text.str.strip_chars()
    if ascii_only:
        # the same as lower case against BLANK_IDS, without writing it
        blank = text.is_in(_BLANK_ID_CASES)
    else:
        blank = text.str.to_lowercase().is_in(BLANK_IDS)
    ids = text
    decimal = pl.repeat(False, len(text), eager=True)
    if "." in written:
        decimal = text.str.contains(r"^\d+\.0+$") & ~blank
    if decimal.any():
        # 421.0 -> 421: the zeros, then the point
        whole = text.str.strip_chars_end("0").str.strip_suffix(".")
        ids = whole.zip_with(decimal, ids)
    email = None
    if "@" in written:
        email = text.str.contains("@", literal=True)
    if email is not None and email.any():
        squeezed = text.str.to_lowercase().str.replace_all(r"\s", "")
        ids = squeezed.zip_with(email & ~decimal & _email_address(squeezed), ids)
    return ids.set(blank, None), decimal


# something@something.tld: only such ids are compared without case and spaces
_EMAIL_ADDRESS = r"^[^@\s]+@[^@\s]+\.[^\W\d_]{2,}$"


def _email_address(text: pl.Series) -> pl.Series:
    """Which ids look like an email address; another id with an ``@`` in it
    (``@SUM(A1:A9)``, ``shop@counter``) stays exactly as written."""
    return text.str.contains(_EMAIL_ADDRESS).fill_null(False)


def _placeholder_customers(ids: pl.Series) -> pl.Series:
    """Which ids are a till's placeholder for an anonymous sale (``Walk-in
    Customer``, ``Guest``, ``Alkalmi vásárló``, ``0``); each distinct id is
    looked at once."""
    if not holds_letters(ids) and not ids.str.starts_with("0").any():
        # every placeholder has letters, but for the ids of zeros only
        return pl.repeat(False, len(ids), eager=True)
    distinct = ids.drop_nulls().unique()
    words = (
        distinct.str.to_lowercase()
        .str.replace_all(r"[\s\-_.,:;*()\[\]/]+", " ")
        .str.strip_chars()
    )
    found = distinct.filter(
        words.is_in(list(PLACEHOLDER_CUSTOMERS)) | distinct.str.contains(r"^0+$")
    )
    if found.is_empty():
        return pl.repeat(False, len(ids), eager=True)
    return ids.is_in(found.implode()).fill_null(False)


def _placeholder_notice(placeholders: pl.Series) -> Notice:
    """How many rows name a placeholder instead of a customer, the most
    frequent placeholders with their counts."""
    counted = placeholders.value_counts(sort=True, name="rows")
    shown = ", ".join(
        f"{value} ({rows:,})" for value, rows in counted.head(5).iter_rows()
    )
    message = t_count(
        len(placeholders),
        "{count} row names a placeholder instead of a customer ({examples}): an "
        "anonymous sale, counted as a guest purchase, in orders and revenue but "
        "not as a customer. Check it under Details.",
        "{count} rows name a placeholder instead of a customer ({examples}): "
        "anonymous sales, counted as guest purchases, in orders and revenue but "
        "not as a customer. Check them under Details.",
        examples=shown,
    )
    return Notice("placeholder_customer", message)


# --- dates -----------------------------------------------------------------


def parse_timestamps(
    values: pd.Series, *, date_order: str = "auto", timezone: str | None = None
) -> ParsedTimestamps:
    """Read a column of date texts into naive local time stamps.

    Parameters
    ----------
    values : Series of str
        The raw cells.
    date_order : {"auto", "day_first", "month_first"}
        For dates like 03/04/2024; ``"auto"`` follows the dates that read one
        way only (a first number above 12: day first; a second: month first;
        the more numerous when both occur), else the dates' shape, else
        assumes day first (flagged ``ambiguous``). A date that reads one way
        only is read that way whatever the order (see
        :mod:`retention.date_order`).
    timezone : str, optional
        The shop's time zone for stamps written with an offset or ``Z``.

    Returns
    -------
    ParsedTimestamps
        ``values`` as ``datetime64[ns]``, NaT where unreadable; ``repairs`` holds
        ``time_zone_converted``, ``excel_serial_date``, ``date_other_order``
        or ``date_order_unsure`` per row, else ``""``.
    """
    parsed = _timestamps(_text(values), date_order=date_order, timezone=timezone)
    return ParsedTimestamps(
        pd.Series(parsed.values.to_pandas().to_numpy(), index=values.index),
        pd.Series(parsed.repairs.to_list(), index=values.index, dtype="str"),
        parsed.date_order,
        parsed.ambiguous,
        parsed.notices,
    )


def _timestamps(
    text: pl.Series,
    *,
    date_order: str = "auto",
    timezone: str | None = None,
    utc: bool = False,
    layout: tuple[str, str] | None = None,
    places: DatePlaces | None = None,
    column: str | None = None,
) -> _Stamps:
    if isinstance(text.dtype, pl.Datetime):
        return _typed_timestamps(text, timezone=timezone, utc=utc)
    text = _text(text).str.strip_chars()
    if (plain := _plain_iso(text)) is not None:
        return _typed_timestamps(plain, timezone=timezone, utc=utc)
    distinct = _Distinct.of(text)
    frame = pl.DataFrame(
        {"text": distinct.values, "weight": distinct.weights}
    ).with_columns(value=pl.lit(None, dtype=pl.Datetime("ns")), repair=pl.lit(""))
    parsed = _Stamps(frame["value"], frame["repair"])
    frame = _parse_iso(frame, parsed, timezone, utc)
    frame = _parse_serials(frame)
    frame = _parse_numeric_dates(frame)
    settled = None
    if frame["as_day"].is_not_null().any() or frame["as_month"].is_not_null().any():
        frame, settled = _settle_date_order(
            frame, distinct, text, parsed, date_order, layout, places, column
        )
    frame = _parse_other_dates(frame, parsed)
    parsed.values = distinct.spread(frame["value"])
    parsed.repairs = distinct.spread(frame["repair"])
    if settled is not None:  # decided row by row
        parsed.values = parsed.values.fill_null(settled.values)
        parsed.repairs = settled.repairs.zip_with(settled.repairs != "", parsed.repairs)
    return parsed


def _settle_date_order(
    frame: pl.DataFrame,
    distinct: _Distinct,
    text: pl.Series,
    parsed: _Stamps,
    requested: str,
    layout: tuple[str, str] | None,
    places: DatePlaces | None,
    column: str | None,
) -> tuple[pl.DataFrame, SettledDates | None]:
    """The dates written with the year last, read in the order that fits
    (:mod:`retention.date_order`). One order for the whole column is decided
    on the distinct values, weighted by their rows, and written into the
    frame; files of several orders, and a column that mixes them, are
    decided row by row, and those rows are returned instead."""
    kinds = date_kinds(frame["as_day"], frame["as_month"])
    day = int(frame["weight"].filter(kinds == DAY_ONLY).sum())
    month = int(frame["weight"].filter(kinds == MONTH_ONLY).sum())
    several = places is not None and places.part.n_unique() > 1
    by_row = several or (requested == "auto" and day > 0 and month > 0)
    if by_row:
        rows = pl.DataFrame(
            {
                "text": text,
                "as_day": distinct.spread(frame["as_day"]),
                "as_month": distinct.spread(frame["as_month"]),
            }
        ).with_columns((places or DatePlaces.of_one(len(text))).columns())
        names = places.names if places is not None else None
    else:
        # row numbers only name a date read against the order chosen
        if requested == "auto":
            row = pl.repeat(None, len(frame), dtype=pl.Int64, eager=True)
        else:
            first = distinct.first_rows()
            row = places.row.gather(first) if places is not None else first + 1
        rows = frame.select("text", "as_day", "as_month", "weight").with_columns(
            part=pl.lit(0, dtype=pl.UInt32), row=row
        )
        names = None
    settled = settle_date_order(
        rows, requested=requested, layout=layout, part_names=names, column=column
    )
    parsed.date_order, parsed.ambiguous = settled.order, settled.ambiguous
    parsed.notices += settled.notices
    if by_row:
        return frame, settled
    frame = frame.with_columns(
        value=pl.coalesce(pl.col("value"), settled.values),
        repair=pl.when(settled.repairs != "")
        .then(settled.repairs)
        .otherwise(pl.col("repair")),
    )
    return frame, None


@dataclass(frozen=True)
class DatePlaces:
    """Where each row of a date column comes from: its part (file or sheet,
    numbered from 0), its row number as the user sees it, and the parts'
    names, for the date order to be decided per file and named in notes."""

    part: pl.Series
    row: pl.Series
    names: list[str] | None = None

    @classmethod
    def of_one(cls, height: int) -> DatePlaces:
        """One part, rows numbered from 1."""
        return cls(
            pl.repeat(0, height, dtype=pl.UInt32, eager=True),
            pl.int_range(1, height + 1, eager=True),
        )

    def columns(self) -> list[pl.Series]:
        return [self.part.alias("part"), self.row.alias("row")]


def _typed_timestamps(values: pl.Series, *, timezone: str | None, utc: bool) -> _Stamps:
    """Dates read from a workbook as dates need no reading; only a column
    headed UTC is converted to the shop's time zone."""
    frame = pl.DataFrame(
        {
            "value": values.cast(pl.Datetime("ns")),
            "repair": pl.repeat("", len(values), dtype=pl.String, eager=True),
        }
    )
    parsed = _Stamps(frame["value"], frame["repair"])
    if utc:
        frame = _convert_utc(frame, pl.lit(True), parsed, timezone)
    parsed.values, parsed.repairs = frame["value"], frame["repair"]
    return parsed


def _plain_iso(text: pl.Series) -> pl.Series | None:
    """The stamps when every filled cell is ISO text of one form (what most
    exports and the workbooks saved as CSV write), else ``None``: read
    directly, without the search for the form of each distinct value."""
    written = text != ""
    filled = int(written.sum())
    if not filled:
        return None
    first = text[written.arg_max()]
    for form in _ISO_FORMATS:
        probe = pl.Series([first]).str.to_datetime(form, strict=False, time_unit="ns")
        if probe.is_null().any() or not re.match(_ISO_NAIVE, first):
            continue
        values = text.str.to_datetime(form, strict=False, time_unit="ns")
        if values.null_count() == len(text) - filled:
            return values
        return None
    return None


def _todo(frame: pl.DataFrame) -> pl.Expr:
    return pl.col("value").is_null() & (pl.col("text") != "")


def _parse_iso(
    frame: pl.DataFrame, parsed: _Stamps, timezone: str | None, utc: bool
) -> pl.DataFrame:
    """ISO text, naive (local already, or UTC when the header says so) or aware."""
    spaced = pl.col("text").str.replace("T", " ", literal=True)
    naive = pl.col("text").str.contains(_ISO_NAIVE)
    value = pl.lit(None, dtype=pl.Datetime("ns"))
    for form in _ISO_FORMATS:
        value = value.fill_null(
            spaced.str.to_datetime(form, strict=False, time_unit="ns")
        )
    frame = frame.with_columns(value=pl.when(naive).then(value))
    if utc:
        frame = _convert_utc(frame, naive, parsed, timezone)

    aware = pl.col("text").str.contains(_ISO_AWARE)
    if not frame.select(aware.any()).item():
        return frame
    count = int(frame.select(pl.col("weight").filter(aware).sum()).item())
    stamped = (
        spaced.str.replace(r"\s*(?:Z|UTC|GMT)$", "+0000")
        .str.replace(r"\s+([+-]\d{2}:?\d{2})$", "$1")
        .str.replace(r"([+-]\d{2}):(\d{2})$", "$1$2")
    )
    if timezone:
        moment = pl.lit(None, dtype=pl.Datetime("ns", "UTC"))
        for form in (
            "%Y-%m-%d %H:%M:%S%z",
            "%Y-%m-%d %H:%M%z",
            "%Y-%m-%d %H:%M:%S%.f%z",
        ):
            moment = moment.fill_null(
                stamped.str.to_datetime(
                    form, strict=False, time_unit="ns"
                ).dt.convert_time_zone("UTC")
            )
        local = moment.dt.convert_time_zone(timezone).dt.replace_time_zone(None)
        frame = frame.with_columns(
            value=pl.when(aware).then(local).otherwise(pl.col("value")),
            repair=pl.when(aware)
            .then(pl.lit("time_zone_converted"))
            .otherwise(pl.col("repair")),
        )
        message = t_count(
            count,
            "{count} time stamp carried a time zone and was converted to {zone}.",
            "{count} time stamps carried a time zone and were converted to {zone}.",
            zone=timezone,
        )
        parsed.notices.append(Notice("time_zone_converted", message))
        return frame
    clock = stamped.str.replace(r"[+-]\d{4}$", "")
    value = pl.lit(None, dtype=pl.Datetime("ns"))
    for form in _ISO_FORMATS:
        value = value.fill_null(
            clock.str.to_datetime(form, strict=False, time_unit="ns")
        )
    frame = frame.with_columns(
        value=pl.when(aware).then(value).otherwise(pl.col("value"))
    )
    message = t_count(
        count,
        "{count} time stamp carries a time zone offset; it was kept at the clock time written. Choose the shop's time zone to convert it.",
        "{count} time stamps carry a time zone offset; they were kept at the clock time written. Choose the shop's time zone to convert them.",
    )
    parsed.notices.append(Notice("time_zone_not_converted", message))
    return frame


def _convert_utc(
    frame: pl.DataFrame, naive: pl.Expr, parsed: _Stamps, timezone: str | None
) -> pl.DataFrame:
    """Stamps in a column headed "(UTC)": convert them to the shop's time zone."""
    if not timezone:
        message = t(
            "The date column says its times are in UTC; they were kept as written. Choose the shop's time zone to convert them."
        )
        parsed.notices.append(Notice("time_zone_not_converted", message))
        return frame
    local = (
        pl.col("value")
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(timezone)
        .dt.replace_time_zone(None)
    )
    converted = naive & pl.col("value").is_not_null()
    message = t(
        "The date column says its times are in UTC; they were converted to {zone}.",
        zone=timezone,
    )
    parsed.notices.append(Notice("time_zone_converted", message))
    return frame.with_columns(
        value=pl.when(converted).then(local).otherwise(pl.col("value")),
        repair=pl.when(converted)
        .then(pl.lit("time_zone_converted"))
        .otherwise(pl.col("repair")),
    )


def _parse_serials(frame: pl.DataFrame) -> pl.DataFrame:
    """Excel day numbers (days since 1899-12-30) between 1954 and 2173."""
    serial = (
        pl.when(_todo(frame) & pl.col("text").str.contains(r"^\d{5}(?:\.\d+)?$"))
        .then(pl.col("text"))
        .cast(pl.Float64, strict=False)
    )
    serial = pl.when((serial >= 20000) & (serial < 100000)).then(serial)
    if not frame.select(serial.is_not_null().any()).item():
        return frame
    seconds = (serial * 86400).round(0).cast(pl.Int64)
    stamp = pl.lit(_EXCEL_EPOCH).cast(pl.Datetime("ns")) + pl.duration(
        seconds=seconds, time_unit="ns"
    )
    found = serial.is_not_null()
    return frame.with_columns(
        value=pl.when(found).then(stamp).otherwise(pl.col("value")),
        repair=pl.when(found)
        .then(pl.lit("excel_serial_date"))
        .otherwise(pl.col("repair")),
    )


def _parse_numeric_dates(frame: pl.DataFrame) -> pl.DataFrame:
    """Dates written with numbers only: 03.12.2026, 3/12/26 14:05, 2026. 12. 03.

    Year-first dates are read at once; a date with the year last is read both
    ways, into ``as_day`` and ``as_month``, for :mod:`retention.date_order`
    to decide between."""
    unread = pl.lit(None, dtype=pl.Datetime("ns"))
    frame = frame.with_columns(as_day=unread, as_month=unread)
    todo = frame.select(_todo(frame)).to_series()
    if not todo.any():
        return frame
    rest = frame.with_row_index("position").filter(todo)
    year_first = rest["text"].str.extract_groups(_YEAR_MONTH_DAY).struct.unnest()
    year_last = rest["text"].str.extract_groups(_DAY_MONTH_YEAR).struct.unnest()
    is_year_first = year_first["year"].is_not_null()
    is_year_last = year_last["year"].is_not_null() & ~is_year_first
    nothing = pl.Series("value", [None] * rest.height, dtype=pl.Datetime("ns"))
    values, as_day, as_month = nothing, nothing, nothing
    if is_year_first.any():
        values = _assemble(year_first, day_first=False).zip_with(is_year_first, values)
    if is_year_last.any():
        # each reading assembled from the text only where it alone gives a
        # month (12 or under); with both numbers 12 or under, the month-first
        # reading is the day-first one with day and month swapped
        first = year_last["first"].cast(pl.Int64, strict=False)
        second = year_last["second"].cast(pl.Int64, strict=False)
        as_day = _assemble_where(year_last, is_year_last & (second <= 12), True)
        month_only = is_year_last & (first <= 12) & (second > 12)
        as_month = _assemble_where(year_last, month_only, False)
        two_ways = is_year_last & (first <= 12) & (second <= 12)
        as_month = _swapped(as_day, two_ways & as_day.is_not_null(), as_month)
    update = pl.DataFrame(
        {
            "position": rest["position"],
            "found": values,
            "found_day": as_day,
            "found_month": as_month,
        }
    )
    return (
        frame.with_row_index("position")
        .join(update, on="position", how="left")
        .with_columns(
            value=pl.coalesce("value", "found"),
            as_day=pl.col("found_day"),
            as_month=pl.col("found_month"),
        )
        .drop("position", "found", "found_day", "found_month")
    )


def _assemble_where(parts: pl.DataFrame, rows: pl.Series, day_first: bool) -> pl.Series:
    """:func:`_assemble` for the ``rows`` marked, null elsewhere."""
    found = pl.Series("value", [None] * len(rows), dtype=pl.Datetime("ns"))
    if not rows.any():
        return found
    return found.scatter(
        rows.arg_true(), _assemble(parts.filter(rows), day_first=day_first)
    )


def _swapped(stamps: pl.Series, rows: pl.Series, into: pl.Series) -> pl.Series:
    """``into`` with the ``rows`` marked set to ``stamps`` with day and month
    swapped (both 12 or under there, so always a date)."""
    if not rows.any():
        return into
    chosen = stamps.filter(rows).dt
    swapped = pl.select(
        pl.datetime(
            chosen.year(),
            chosen.day(),
            chosen.month(),
            chosen.hour(),
            chosen.minute(),
            chosen.second(),
            time_unit="ns",
        )
    ).to_series()
    return into.scatter(rows.arg_true(), swapped)


def _assemble(parts: pl.DataFrame, *, day_first: bool) -> pl.Series:
    """Time stamps from extracted text parts (year, first, second, time)."""
    number = {
        name: parts[name].cast(pl.Int64, strict=False)
        for name in parts.columns
        if name != "ampm"
    }
    short = number["year"]
    year = (
        pl.when(short >= 100)
        .then(short)
        .when(short < 70)
        .then(short + 2000)
        .otherwise(short + 1900)
    )
    hour = pl.col("hour").fill_null(0)
    meridiem = pl.col("ampm").fill_null("").str.to_lowercase().str.slice(0, 1)
    hour = (
        pl.when((meridiem == "p") & (hour < 12))
        .then(hour + 12)
        .when((meridiem == "a") & (hour == 12))
        .then(0)
        .otherwise(hour)
    )
    month, day = ("second", "first") if day_first else ("first", "second")
    frame = pl.DataFrame({**number, "ampm": parts["ampm"]})
    text = pl.format(
        "{}-{}-{} {}:{}:{}",
        year,
        pl.col(month),
        pl.col(day),
        hour,
        pl.col("minute").fill_null(0),
        pl.col("sec").fill_null(0),
    )
    return frame.select(
        text.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_unit="ns")
    ).to_series()


def _parse_other_dates(frame: pl.DataFrame, parsed: _Stamps) -> pl.DataFrame:
    """Dates with month names (5 Jan 2024, Jan 5, 2024); few in practice."""
    # a date with the year last (3/12/2026 9:05 PM) is read in its order
    written = pl.col("as_day").is_not_null() | pl.col("as_month").is_not_null()
    todo = frame.select(
        _todo(frame) & ~written & pl.col("text").str.contains("[A-Za-z]")
    )
    todo = todo.to_series()
    if not todo.any():
        return frame
    text = frame["text"].filter(todo).to_pandas()
    day_first = parsed.date_order != "month_first"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        values = pd.to_datetime(
            text, format="mixed", dayfirst=day_first, errors="coerce", utc=True
        ).dt.tz_localize(None)
    found = pl.Series(values.to_numpy().astype("datetime64[ns]"))
    update = pl.DataFrame(
        {"position": np.flatnonzero(todo.to_numpy()).astype("uint32"), "found": found}
    )
    return (
        frame.with_row_index("position")
        .join(update, on="position", how="left")
        .with_columns(value=pl.coalesce("value", "found"))
        .drop("position", "found")
    )


# --- amounts ---------------------------------------------------------------


def parse_amounts(values: pd.Series) -> ParsedAmounts:
    """Read a column of money or number texts.

    Each value is read by its own marks where they allow one reading only:
    with both marks the last is the decimal mark (``1.234,50``, ``1,234.50``),
    and a lone mark followed by other than three digits is one (``12,50``,
    ``7.5``), whatever the rest of the column writes (``other_mark`` flags
    those written against the column's mark). A value whose marks could be
    read either way (``1,250``, ``1.250``, ``1.234.567``) is read with the
    column's decimal mark: a comma when more values end in a comma and one or
    two digits (``120,50``, ``1.234,56``) than in a point, or when the only
    marks are dots grouping thousands (``1.250``, ``12.500 Ft``). When the
    column writes decimals with both marks, such a value is flagged
    ``ambiguous``, read the column's way.
    Currency signs and codes, spaces, apostrophes and thousands separators are
    removed; ``(45.00)``, ``-$45``, ``45-`` are negative; a lone ``-``
    (accounting zero) is 0.

    Returns
    -------
    ParsedAmounts
        ``values`` float (NaN where unreadable or blank), ``formatted`` True where
        a currency sign, thousands separator or brackets had to be removed,
        the currency most often written, ``other_mark`` and ``ambiguous``.
    """
    parsed = _amounts(_text(values))
    return ParsedAmounts(
        pd.Series(parsed.values.to_numpy(), index=values.index, dtype="float64").fillna(
            np.nan
        ),
        pd.Series(parsed.formatted.to_numpy(), index=values.index),
        parsed.currency,
        parsed.decimal_mark,
        parsed.notices,
        pd.Series(parsed.other_mark.to_numpy(), index=values.index),
        pd.Series(parsed.ambiguous.to_numpy(), index=values.index),
    )


def _amounts(text: pl.Series) -> _Amounts:
    if text.dtype.is_numeric():
        # numbers read from a workbook need no reading
        values = text.cast(pl.Float64)
        return _Amounts(values, pl.repeat(False, len(text), eager=True))
    text = _text(text)
    if (plain := _plain_numbers(text)) is not None:
        return _Amounts(plain, pl.repeat(False, len(text), eager=True))
    distinct = _Distinct.of(text)
    result = _distinct_amounts(distinct.values, distinct.weights)
    result.values = distinct.spread(result.values)
    result.formatted = distinct.spread(result.formatted)
    result.other_mark = distinct.spread(result.other_mark)
    result.ambiguous = distinct.spread(result.ambiguous)
    if count := int(result.ambiguous.sum()):
        message = t_count(
            count,
            "{count} amount, {example}, could be read with a decimal mark or with "
            "a thousands separator, and the column uses both marks; it was read "
            "as most of the column is written. Check it under Details.",
            "{count} amounts such as {example} could be read with a decimal mark or "
            "with a thousands separator, and the column uses both marks; they were "
            "read as most of the column is written. Check them under Details.",
            example=text.filter(result.ambiguous)[0],
        )
        result.notices.append(Notice("amount_mark_ambiguous", message))
    return result


def _plain_numbers(text: pl.Series) -> pl.Series | None:
    """The numbers when every filled cell is a plain number with a decimal
    point (``12.50``, ``-3``), else ``None``: the column needs no cleaning.

    Not when a comma occurs anywhere, nor when the only points group
    thousands (``1.250``), which :func:`_decimal_mark` reads as a comma column.
    """
    written = marks_in(text, ",.")
    if "," in written:
        return None
    values = text.cast(pl.Float64, strict=False)
    if values.null_count() != int((text == "").sum()):
        return None
    if not values.is_finite().fill_null(True).all():
        return None
    if "." not in written:
        return values  # whole numbers: no cents, no points grouping thousands
    cents = _any_match(text, r"\.\d{1,2}$")
    if not cents and text.str.contains(r"^-?[1-9]\d{0,2}(?:\.\d{3})+$").any():
        return None
    return values


def _any_match(text: pl.Series, pattern: str) -> bool:
    """Whether some cell matches ``pattern``, looking at the first cells first
    (a column of prices shows cents at once)."""
    if text.head(10_000).str.contains(pattern).any():
        return True
    return bool(text.str.contains(pattern).any())


def _distinct_amounts(text: pl.Series, weights: pl.Series) -> _Amounts:
    squeezed = text.str.replace_all(_SPACES, "")
    plain = squeezed.cast(pl.Float64, strict=False)
    plain = plain.set(~plain.is_finite().fill_null(False), None)
    decimal = _decimal_mark(squeezed, weights)
    if decimal == ",":
        plain = pl.Series([None] * len(text), dtype=pl.Float64)
    result = _Amounts(plain, pl.Series([False] * len(text)), decimal_mark=decimal)
    todo = plain.is_null() & (squeezed != "")
    if todo.any():
        _parse_formatted(squeezed, todo, result, weights)
    return result


def _decimal_mark(text: pl.Series, weights: pl.Series) -> str:
    if not text.str.contains(r"[.,]\d").any():
        return "."
    frame = pl.DataFrame(
        {"text": text.str.to_lowercase().str.replace_all(_SYMBOLS, ""), "w": weights}
    )

    def rows(pattern: str) -> pl.Expr:
        return pl.col("w").filter(pl.col("text").str.contains(pattern)).sum()

    counts = frame.select(
        comma=rows(r",\d{1,2}\)?-?$|\.\d{3},\d"),
        point=rows(r"\.\d{1,2}\)?-?$|,\d{3}\.\d"),
        dot_groups=rows(r"^\(?-?[1-9]\d{0,2}(?:\.\d{3})+\)?-?$"),
        comma_groups=rows(r",\d{3}(?:\D|$)"),
    ).row(0, named=True)
    if counts["comma"] > counts["point"]:
        return ","
    if counts["point"] == 0 and counts["dot_groups"] and not counts["comma_groups"]:
        return ","
    return "."


def _parse_formatted(
    text: pl.Series, todo: pl.Series, result: _Amounts, weights: pl.Series
) -> None:
    lowered = text.str.to_lowercase()
    letters = lowered.str.replace_all(r"[^a-z$€£¥₹łč]", "")
    known = letters.is_in(["", *CURRENCY_CODES])
    core = lowered.str.replace_all(_SYMBOLS, "")
    negative = core.str.contains(r"^\(.*\)$") | core.str.contains(
        rf"^[^\d]*{_DASHES}|{_DASHES}$"
    )
    # a dash between digits is a date or a phone number, not an amount
    inner_dash = core.str.contains(rf"\d\s*{_DASHES}\s*\d").fill_null(False)
    core = core.str.replace_all(r"[()+\-−–]", "")
    core = _read_marks(core, result)
    number = core.set(~core.str.contains(r"^\d*\.?\d+$").fill_null(False), None)
    number = number.cast(pl.Float64, strict=False).set(inner_dash, None)
    dash_zero = (core == "") & text.str.contains(_DASHES)
    frame = pl.DataFrame(
        {"n": number, "neg": negative, "zero": dash_zero, "known": known, "todo": todo}
    )
    values = frame.select(
        pl.when(~pl.col("todo") | ~pl.col("known"))
        .then(None)
        .when(pl.col("zero"))
        .then(0.0)
        .when(pl.col("neg"))
        .then(-pl.col("n").abs())
        .otherwise(pl.col("n"))
    ).to_series()
    result.values = result.values.fill_null(values)
    thousands = "." if result.decimal_mark == "," else ","
    result.formatted = (
        todo
        & values.is_not_null()
        & (
            (letters != "")
            | text.str.contains("(", literal=True)
            | text.str.contains(thousands, literal=True)
        )
    )
    written = todo & known & (letters != "")
    _note_currency(letters.filter(written), weights.filter(written), result)


def _read_marks(core: pl.Series, result: _Amounts) -> pl.Series:
    """Digits with ``.`` as the decimal point, each value read by its own marks
    where they allow one reading (see :func:`parse_amounts`), else by the
    column's; sets ``other_mark`` and ``ambiguous`` on ``result``."""
    column = result.decimal_mark
    frame = pl.DataFrame({"core": core}).with_columns(
        last=pl.col("core").str.extract(r"([.,])\d*$", 1),
        after=pl.col("core").str.extract(r"[.,](\d*)$", 1).str.len_chars(),
        marks=pl.col("core").str.count_matches(r"[.,]"),
        both=pl.col("core").str.contains(".", literal=True)
        & pl.col("core").str.contains(",", literal=True),
    )
    own = pl.col("both") | ((pl.col("marks") == 1) & (pl.col("after") != 3))
    either = (pl.col("marks") == 1) & (pl.col("after") == 3)
    frame = frame.with_columns(
        own=own.fill_null(False), either=either.fill_null(False)
    ).with_columns(
        decimal=pl.when(pl.col("own"))
        .then(pl.col("last"))
        .when(pl.col("either") & (pl.col("last") == column))
        .then(pl.col("last"))
    )
    decimals = set(frame.filter(pl.col("own"))["decimal"].unique().to_list())
    result.other_mark = frame.select(
        pl.col("own") & (pl.col("decimal") != column)
    ).to_series()
    result.ambiguous = frame.select(
        pl.col("either") & pl.lit(decimals >= {".", ","})
    ).to_series()
    digits = pl.col("core")
    return frame.select(
        pl.when(pl.col("decimal") == ",")
        .then(digits.str.replace_all(".", "", literal=True).str.replace(",", "."))
        .when(pl.col("decimal") == ".")
        .then(digits.str.replace_all(",", "", literal=True))
        .otherwise(digits.str.replace_all(r"[.,]", ""))
    ).to_series()


def _note_currency(symbols: pl.Series, weights: pl.Series, result: _Amounts) -> None:
    if symbols.is_empty():
        return
    codes = symbols.replace_strict(
        CURRENCY_CODES, default=symbols.str.to_uppercase(), return_dtype=pl.String
    )
    ranked = (
        pl.DataFrame({"code": codes, "rows": weights})
        .group_by("code", maintain_order=True)
        .agg(pl.col("rows").sum())
        .sort("rows", descending=True, maintain_order=True)
    )
    result.currency = str(ranked[0, 0])
    if ranked.height == 1:
        message = t("Amounts are in {currency}.", currency=result.currency)
    else:
        message = t(
            "Amounts are written in several currencies ({currencies}); they are added as they are, without conversion.",
            currencies=", ".join(ranked.to_series(0).to_list()),
        )
    result.notices.append(Notice("currency", message))


def _text(values: pd.Series | pl.Series) -> pl.Series:
    if isinstance(values, pl.Series):
        return text_column(values)
    return pl.Series(values.astype("str").tolist(), dtype=pl.String).fill_null("")


# --- the pipeline ------------------------------------------------------------


def clean_orders(
    raw: RawTable,
    mapping: ColumnMapping,
    options: CleaningOptions | None = None,
    *,
    progress: Progress | None = None,
) -> tuple[pd.DataFrame, QualityReport]:
    """Turn a raw table into the canonical orders table and its quality report.

    Parameters
    ----------
    raw : RawTable
        The text cells as read (one or several files).
    mapping : ColumnMapping
        Which column holds what; checked first (``SalesLogError`` if unusable).
    options : CleaningOptions, optional
        The shop's time zone and the date order.
    progress : callable, optional
        Told the share done (0-1) and a translated status line at each step.

    Returns
    -------
    orders : DataFrame
        The canonical orders table (see :mod:`retention.orders`), sorted by
        time stamp, plus ``store``, ``channel``, ``category`` when mapped.
    report : QualityReport
        Every input row's outcome and reason, the notices and the totals.
    """
    options = options or CleaningOptions()
    tell = progress or _silent
    check_mapping(mapping, raw.cells)
    lines, notices, parsed = _read_lines(
        raw.cells, mapping, options, tell, places=_date_places(raw)
    )
    if READ_REPAIR in raw.rows.columns:
        lines = lines.with_columns(raw.rows[READ_REPAIR])
    tell(0.5, t("Finding total rows and rows repeated in the file…"))
    every_part = _parts(raw.rows) if _several_parts(raw) else None
    parts = None
    if mapping.order_id is None:
        # one part: identical rows of one file are separate sales
        parts = every_part if every_part is not None else _parts(raw.rows)
    lines = _mark_exclusions(raw.cells, lines, mapping, parts, every_part)
    if every_part is not None:
        if repeated_notice := _other_file_notice(lines, raw.rows, every_part):
            notices.append(repeated_notice)
        lines = lines.drop("earlier_part")
    lines, repeated = _repeated_order_totals(lines, mapping)
    if repeated:
        notices.append(Notice("order_total_repeated", repeated))
    tell(0.65, t("Grouping the lines into orders and matching refunds…"))
    kept = lines.filter(pl.col("excluded") == "")
    orders, keys = _collapse_orders(kept, derived=mapping.order_id is None)
    if orders["zero"].any():
        lines, kept, orders, keys, zero = _exclude_zero_orders(
            lines, kept, orders, keys
        )
        notices.append(zero)
    if combined := _combined_lines_notice(kept, keys):
        notices.append(combined)
    tell(0.85, t("Writing down what happened to every row…"))
    reasons = _row_reasons(lines, keys, orders)
    report = _report(raw, reasons, orders, notices, parsed)
    return _canonical(orders, mapping), report


def _layout_date_order(headers: list[str]) -> tuple[str, str] | None:
    """The recognised export layout's name and the order it writes dates in,
    when it is known (Etsy: month first)."""
    found = find_preset(headers)
    if found is None or found[0].date_order is None:
        return None
    return found[0].name, found[0].date_order


def _date_places(raw: RawTable) -> DatePlaces:
    """Each row's file (or sheet) and row number, for the date order."""
    names = [
        t("{file}, sheet “{sheet}”", file=source, sheet=sheet)
        if sheet and raw.rows["sheet"].n_unique() > 1
        else source or t("the file")
        for source, sheet in raw.rows.select("source", "sheet")
        .unique(maintain_order=True)
        .iter_rows()
    ]
    return DatePlaces(_parts(raw.rows), raw.rows["row_number"], names)


def _silent(done: float, message: str) -> None:
    """A progress callback that tells no one."""


def _read_lines(
    cells: pl.DataFrame,
    mapping: ColumnMapping,
    options: CleaningOptions,
    tell: Progress = _silent,
    *,
    places: DatePlaces | None = None,
) -> tuple[pl.DataFrame, list[Notice], dict]:
    """Parse the mapped columns of every row into typed line values."""
    blank = pl.repeat("", cells.height, dtype=pl.String, eager=True)

    def column(role: str) -> pl.Series:
        name = getattr(mapping, role)
        return cells[name] if name is not None else blank

    def text(role: str) -> pl.Series:
        return _text(column(role))

    notices: list[Notice] = []

    tell(
        0.0,
        t_count(
            cells.height,
            "Reading the customer id of {count} row…",
            "Reading the customer ids of {count} rows…",
        ),
    )
    customer, customer_fixed = _ids(column("customer"))
    placeholder = _placeholder_customers(customer)
    if placeholder.any():
        notices.append(_placeholder_notice(customer.filter(placeholder)))
        customer = customer.set(placeholder, None)
    order_id, order_fixed = _ids(column("order_id"))
    refund_of = (
        _ids(column("refund_of"))[0]
        if mapping.refund_of is not None
        else pl.repeat(None, cells.height, dtype=pl.String, eager=True)
    )
    tell(0.15, t("Reading the dates…"))
    stamps = _timestamps(
        _joined_time(column("timestamp"), text("time")),
        date_order=options.date_order,
        timezone=options.timezone,
        utc=bool(mapping.timestamp and _UTC_HEADER.search(mapping.timestamp)),
        layout=_layout_date_order(cells.columns),
        places=places,
        column=mapping.timestamp,
    )
    tell(0.3, t("Reading the amounts…"))
    quantity = _amounts(column("quantity"))
    amount = _line_amounts(column, mapping, quantity)
    tell(0.4, t("Finding refunds and cancellations…"))
    cancel, failed, partial = _status_flags(text("status"), mapping)
    cancel = cancel | _c_invoices(order_id)
    flagged = pl.repeat(False, cells.height, eager=True)
    if mapping.cancelled is not None:
        flag = text("cancelled").str.strip_chars().str.to_lowercase()
        flagged = ~flag.is_in(["", "false", "no", "0", "n", "nem", "nein"])
    lines = pl.DataFrame(
        {
            "customer_id": customer,
            "order_id": order_id,
            "refund_of": refund_of,
            "timestamp": stamps.values,
            "amount": amount.values,
            "quantity": quantity.values,
            "cancel": cancel,
            "flagged": flagged,
            "failed": failed,
            "partial": partial,
            "placeholder": placeholder,
            "id_repaired": customer_fixed | order_fixed,
            "amount_repaired": amount.formatted,
            "amount_other_mark": amount.other_mark,
            "amount_ambiguous": amount.ambiguous,
            "date_repair": stamps.repairs,
        }
    ).with_row_index("row")
    lines = _order_level_refunds(lines, column, mapping)
    for role in OPTIONAL_COLUMNS:
        if getattr(mapping, role) is not None:
            values = text(role).str.strip_chars()
            lines = lines.with_columns(pl.Series(role, values).replace("", None))
    notices += stamps.notices + amount.notices
    converted = any(n.code == "time_zone_converted" for n in stamps.notices)
    parsed = {
        "currency": amount.currency,
        "date_order": stamps.date_order,
        "ambiguous": stamps.ambiguous,
        "timezone": options.timezone if converted else None,
    }
    return lines, notices, parsed


def _status_flags(
    status: pl.Series, mapping: ColumnMapping
) -> tuple[pl.Series, pl.Series, pl.Series]:
    """Which rows' status says cancelled or refunded (not partly), failed, or
    partly refunded; all False without a status column. Each distinct status
    is read once."""
    if mapping.status is None:
        none = pl.repeat(False, len(status), eager=True)
        return none, none, none
    distinct = _Distinct.of(status.str.to_lowercase())
    words = distinct.values
    partial = words.str.contains(PARTIAL_WORDS)
    cancel = words.str.contains(CANCEL_WORDS) & ~partial
    failed = words.str.contains(FAILED_WORDS)
    return distinct.spread(cancel), distinct.spread(failed), distinct.spread(partial)


def _joined_time(dates: pl.Series, times: pl.Series) -> pl.Series:
    """The date with its time of day, when the time sits in a column of its own."""
    if (times == "").all():
        return dates
    dates = _text(dates)
    frame = pl.DataFrame({"d": dates.str.strip_chars(), "t": times.str.strip_chars()})
    return frame.select(
        pl.when(pl.col("t") != "")
        .then(pl.format("{} {}", "d", "t"))
        .otherwise(pl.col("d"))
    ).to_series()


def _line_amounts(column, mapping: ColumnMapping, quantity: _Amounts) -> _Amounts:
    """The amount column, or quantity x unit price when there is none."""
    if mapping.amount is not None:
        return _amounts(column("amount"))
    price = _amounts(column("unit_price"))
    price.values = quantity.values * price.values
    return price


def _c_invoices(order_id: pl.Series) -> pl.Series:
    """Online Retail style cancellations: ``C536379`` (any case) among invoices
    that are mostly plain digits, so a shop numbering orders ``C1001`` is safe."""
    if not marks_in(order_id, "Cc"):
        return pl.repeat(False, len(order_id), eager=True)
    c_invoice = order_id.str.contains(r"^[Cc]\d+$").fill_null(False)
    if not c_invoice.any():
        return c_invoice
    others = order_id.filter(~c_invoice).drop_nulls()
    numeric_share = others.str.contains(r"^\d+$").mean() if len(others) else 0
    return c_invoice if (numeric_share or 0) >= 0.5 else c_invoice & False


def _order_level_refunds(
    lines: pl.DataFrame, column, mapping: ColumnMapping
) -> pl.DataFrame:
    """Amounts net of the refund the export states per order.

    Without a refunded amount or adjusted total, a line with a refund status
    or a C-invoice number is a refund row and its amount turns negative, and
    so is a negative line flagged in a "cancelled" column; a sale flagged
    there with its own amount is that sale cancelled: no purchase, worth
    nothing. With one, a cancelled or fully refunded
    order keeps what was not refunded (usually nothing) and is no purchase; a
    partly refunded order is worth its total less the refund.
    """
    if mapping.refunded is None and mapping.adjusted_total is None:
        # a sale flagged cancelled did not happen; a negative one reverses another
        void = pl.col("flagged") & ~pl.col("cancel") & ~(pl.col("amount") < 0)
        return lines.with_columns(
            amount=pl.when(void)
            .then(0.0)
            .when(pl.col("cancel") | pl.col("flagged"))
            .then(-pl.col("amount").abs())
            .otherwise(pl.col("amount")),
            void=void.fill_null(False),
            cancel=pl.col("cancel") | (pl.col("flagged") & ~void.fill_null(False)),
        ).drop("flagged")
    lines = lines.with_columns(cancel=pl.col("cancel") | pl.col("flagged")).drop(
        "flagged"
    )
    refunded = (
        _amounts(column("refunded")).values.abs()
        if mapping.refunded is not None
        else pl.Series([None] * lines.height, dtype=pl.Float64)
    )
    adjusted = (
        _amounts(column("adjusted_total")).values
        if mapping.adjusted_total is not None
        else pl.Series([None] * lines.height, dtype=pl.Float64)
    )
    kept = (
        pl.when(pl.col("adjusted") > 0)
        .then(pl.col("adjusted"))
        .otherwise(pl.col("amount") - pl.col("refunded").fill_null(0.0))
    )
    refund = (pl.col("refunded").fill_null(0.0) > 0) | (pl.col("adjusted") > 0)
    return (
        lines.with_columns(refunded=refunded, adjusted=adjusted)
        .with_columns(
            amount=pl.when(pl.col("amount").is_null())
            .then(None)
            .when(pl.col("cancel") & refund)
            .then(pl.max_horizontal(kept, 0.0))
            .when(pl.col("cancel"))
            .then(0.0)
            .otherwise(kept),
            void=pl.col("cancel"),
            partial=~pl.col("cancel") & refund,
            cancel=pl.lit(False),
        )
        .drop("refunded", "adjusted")
    )


def _mark_exclusions(
    cells: pl.DataFrame,
    lines: pl.DataFrame,
    mapping: ColumnMapping,
    parts: pl.Series | None = None,
    every_part: pl.Series | None = None,
) -> pl.DataFrame:
    """The reason code of each row left out, ``""`` for the rows used.

    With several files or sheets (``every_part``), a row that repeats a sale
    of an earlier one is marked ``duplicate_other_file`` and its column
    ``earlier_part`` names the first part holding that sale.
    """
    first = cells.to_series(0) if cells.width else pl.Series([""] * cells.height)
    total = _total_labels(first)
    for role, read in (("customer", "customer_id"), ("order_id", "order_id")):
        written = getattr(mapping, role)
        if written is None or not cells[written].dtype.is_numeric():
            # ids read from numbers are digits: no total among them
            total = total | _total_labels(lines[read].fill_null(""))
    duplicate = _exact_duplicates(cells, parts)
    other_file = pl.repeat(False, cells.height, eager=True)
    if every_part is not None:
        other_file, earlier = _repeated_from_other_parts(
            cells, lines, mapping, every_part
        )
        lines = lines.with_columns(earlier_part=earlier)
    lines = lines.with_columns(
        total=total,
        duplicate=duplicate,
        other_file=other_file,
        header=_repeated_headers(cells),
    )

    # an order's total may sit on its first line only (Shopify exports)
    no_amount = pl.col("amount").is_null()
    if mapping.order_id is not None and lines["amount"].null_count():
        priced = pl.col("amount").is_not_null().any().over("order_id")
        no_amount = no_amount & ~(priced & pl.col("order_id").is_not_null())
    stock = (
        (pl.col("quantity") < 0) & (pl.col("amount") == 0) & ~pl.col("cancel")
    ).fill_null(False)
    rules = [  # later rules win
        ("stock_adjustment", stock),
        ("no_amount", no_amount),
        ("payment_failed", pl.col("failed")),
        ("no_date", pl.col("timestamp").is_null()),
        ("duplicate", pl.col("duplicate")),
        ("duplicate_other_file", pl.col("other_file")),
        ("header_repeated", pl.col("header")),
        ("total_row", pl.col("total")),
        ("cell_too_long", pl.lit(_too_long_cells(cells, mapping))),
    ]
    number = pl.lit(0, dtype=pl.UInt8)
    for index, (_, rows) in enumerate(rules, start=1):
        number = pl.when(rows).then(pl.lit(index, dtype=pl.UInt8)).otherwise(number)
    names = dict(enumerate(["", *(code for code, _ in rules)]))
    reason = number.replace_strict(names, return_dtype=pl.String)
    return lines.with_columns(excluded=reason).drop(
        "total", "duplicate", "other_file", "header", "failed"
    )


# The most characters an id, date or amount cell holds: a longer one (a note
# pasted into the wrong column, a broken export) is no value of a sale.
MAX_CELL_CHARS = 1_000
_VALUE_ROLES = ("customer", "order_id", "timestamp", "time", "amount", "quantity", "unit_price")  # fmt: skip


def _too_long_cells(cells: pl.DataFrame, mapping: ColumnMapping) -> pl.Series:
    """Which rows hold a cell over ``MAX_CELL_CHARS`` characters in a column
    read as an id, a date or an amount."""
    long = pl.repeat(False, cells.height, eager=True)
    for role in _VALUE_ROLES:
        name = getattr(mapping, role)
        if name is not None and cells[name].dtype == pl.String:
            long = long | (cells[name].str.len_chars() > MAX_CELL_CHARS).fill_null(
                False
            )
    return long


def _several_parts(raw: RawTable) -> bool:
    """Whether the rows come from more than one file or sheet."""
    return len(raw.sources) > 1 or raw.rows["sheet"].n_unique() > 1


# The roles whose cells are compared as read (ids, time stamps, numbers), not
# as written, when telling whether two files hold the same sale.
_READ_ROLES = ("customer", "order_id", "timestamp", "time", "amount", "quantity")


def _sale_content(
    cells: pl.DataFrame, lines: pl.DataFrame, mapping: ColumnMapping
) -> pl.DataFrame:
    """Each row's sale as read: ids, time stamp, amount and quantity as parsed,
    other numbers as numbers and other cells as trimmed text, so the same
    sale exported as .xlsx (typed cells) and as .csv (``1/12/2010 8:26``,
    ``2.550``) reads the same."""
    mapped = {getattr(mapping, role) for role in (*_READ_ROLES, "unit_price")}
    columns = [
        lines[name].alias(f"\x00{name}")
        for name in ("customer_id", "order_id", "timestamp", "amount", "quantity")
    ]
    for name in cells.columns:
        if name in mapped:
            continue
        text = text_column(cells[name]).str.strip_chars()
        number = text.cast(pl.Float64, strict=False)
        columns.append(number.cast(pl.String).zip_with(number.is_not_null(), text))
    return pl.DataFrame(columns)


def _repeated_from_other_parts(
    cells: pl.DataFrame,
    lines: pl.DataFrame,
    mapping: ColumnMapping,
    parts: pl.Series,
) -> tuple[pl.Series, pl.Series]:
    """Rows repeating a sale of an earlier file or sheet, and for each row the
    first part holding its sale.

    With an order number, any such repeat is one; without, the k-th copy of a
    sale in a part is one when an earlier part holds it k times or more (see
    :func:`_exact_duplicates`).
    """
    content = _sale_content(cells, lines, mapping)
    key = content.select(pl.struct(pl.all()).alias("key")).with_columns(part=parts)
    earliest = key.select(pl.col("part").min().over("key")).to_series()
    if mapping.order_id is not None:
        repeated = earliest < parts
    else:
        repeated = _exact_duplicates(content, parts)
    return repeated, earliest.alias("earlier_part")


def _other_file_notice(
    lines: pl.DataFrame, rows: pl.DataFrame, parts: pl.Series
) -> Notice | None:
    """How many rows of each file repeat sales of an earlier file uploaded with
    it, naming both."""
    repeated = lines.select(
        part=parts,
        earlier="earlier_part",
        other=pl.col("excluded") == "duplicate_other_file",
    ).filter("other")
    if repeated.is_empty():
        return None
    names = _part_names(rows, parts)
    pairs = repeated.group_by("part", "earlier", maintain_order=True).len()
    said = [
        t_count(
            count,
            "{count} row of {part} repeats a sale of {earlier}",
            "{count} rows of {part} repeat sales of {earlier}",
            part=names[part],
            earlier=names[earlier],
        )
        for part, earlier, count in pairs.iter_rows()
    ]
    message = t(
        "{repeats}, uploaded with it (the same sales in another file or sheet); "
        "they were counted once.",
        repeats="; ".join(said),
    )
    return Notice("duplicate_other_file", message)


def _part_names(rows: pl.DataFrame, parts: pl.Series) -> dict[int, str]:
    """Each part's file name, with its sheet when the file has several read."""
    first = rows.with_columns(part=parts).unique("part", keep="first")
    sheets = rows.group_by("source").agg(pl.col("sheet").n_unique().alias("sheets"))
    first = first.join(sheets, on="source", how="left")
    return {
        part: t("{file}, sheet {sheet}", file=source, sheet=sheet)
        if count > 1
        else source
        for part, source, sheet, count in first.select(
            "part", "source", "sheet", "sheets"
        ).iter_rows()
    }


def _exact_duplicates(cells: pl.DataFrame, parts: pl.Series | None) -> pl.Series:
    """True for each row that repeats an earlier row, cell for cell.

    With an order number, any repeat is an export duplicate (the same order
    line written twice). Without one (``parts`` given: the file and sheet of
    each row), two identical rows of one file are two sales (the same drink
    on the same card in the same minute), so a row is a duplicate only as a
    repeat of an earlier file or sheet uploaded with it: the k-th copy of a
    row in a file is one when an earlier file holds the row k times or more.

    Rows are first told apart by a hash of their cells (fast); only rows
    whose hash occurs more than once are compared cell by cell, so a hash
    collision never drops a row.
    """
    duplicate = pl.Series("duplicate", [False] * cells.height, dtype=pl.Boolean)
    if parts is not None and parts.n_unique() < 2:
        return duplicate
    hashes = cells.hash_rows()
    if _none_repeated(hashes):
        return duplicate
    shared = hashes.is_duplicated()
    if not shared.any():
        return duplicate
    candidates = cells.filter(shared)
    if parts is None:
        first = candidates.select(pl.struct(pl.all()).is_first_distinct())
        return duplicate.scatter(shared.arg_true(), ~first.to_series())
    copies = pl.DataFrame(
        {"content": candidates.select(pl.struct(pl.all())).to_series()}
    ).with_columns(part=parts.filter(shared))
    copies = copies.with_columns(
        copy=pl.int_range(pl.len()).over("content", "part"),
        held=pl.len().over("content", "part"),
    )
    # the most copies of the row held by any earlier part
    earlier = (
        copies.unique(["content", "part"], keep="first", maintain_order=True)
        .with_columns(
            before=pl.col("held").cum_max().shift(1).over("content").fill_null(0)
        )
        .select("content", "part", "before")
    )
    repeated = copies.join(
        earlier, on=["content", "part"], how="left", maintain_order="left"
    ).select(pl.col("copy") < pl.col("before"))
    return duplicate.scatter(shared.arg_true(), repeated.to_series())


def _none_repeated(numbers: pl.Series) -> bool:
    """Whether no number occurs twice, from the numbers sorted (a fraction of
    the time of grouping them)."""
    ordered = np.sort(numbers.to_numpy())
    return not bool((ordered[1:] == ordered[:-1]).any())


def _all_distinct(values: pl.Series) -> bool:
    """Whether no value occurs twice: told by their hashes when those all
    differ, else by the values themselves."""
    return _none_repeated(values.hash()) or not values.is_duplicated().any()


def _parts(rows: pl.DataFrame) -> pl.Series:
    """The part (file, and sheet) each row comes from, numbered in upload order."""
    part = rows.select(pl.concat_str(["source", "sheet"], separator="\x00"))
    part = part.to_series()
    order = {name: n for n, name in enumerate(part.unique(maintain_order=True))}
    return part.replace_strict(order, return_dtype=pl.UInt32)


def _repeated_headers(cells: pl.DataFrame) -> pl.Series:
    """True for each row that repeats the column headers (two exports pasted
    one below the other): at least two cells, and every filled one, equal to
    their column's header."""
    texts = [c for c in cells.columns if cells[c].dtype == pl.String]
    if len(texts) < 2:
        return pl.repeat(False, cells.height, eager=True)
    # most files never write a header in its own column: then none repeats
    found = cells.select([(pl.col(c) == c).any() for c in texts]).row(0)
    labelled = [c for c, seen in zip(texts, found, strict=True) if seen]
    if len(labelled) < 2:
        return pl.repeat(False, cells.height, eager=True)
    same = [(pl.col(c) == c).cast(pl.UInt32) for c in labelled]
    filled = [(pl.col(c) != "").cast(pl.UInt32) for c in texts]
    return cells.select(
        (pl.sum_horizontal(same) >= 2)
        & (pl.sum_horizontal(same) == pl.sum_horizontal(filled))
    ).to_series()


def _total_labels(labels: pl.Series) -> pl.Series:
    """Cells reading "Total", "Subtotal", "Összesen"... (checked on short cells);
    a column of numbers or dates holds none.

    Every word of ``TOTAL_ROW`` holds one of ``_TOTAL_PARTS`` (in any case,
    its s perhaps written as the long s that case-blind matching takes for
    one), so only the few cells holding one are matched against it.
    """
    if labels.dtype != pl.String:
        return pl.repeat(False, len(labels), eager=True)
    maybe = labels.str.contains_any(_TOTAL_PARTS, ascii_case_insensitive=True)
    if marks_in(labels, NON_ASCII):
        maybe = maybe | labels.str.contains("\u017f", literal=True)
    maybe = maybe & (labels.str.len_chars() < 25)
    if not maybe.any():
        return maybe
    return maybe & labels.str.contains(TOTAL_ROW)


def _repeated_order_totals(
    lines: pl.DataFrame, mapping: ColumnMapping
) -> tuple[pl.DataFrame, str | None]:
    """Count an order total once when every line of each order repeats it.

    Taken as repeated when at least two orders have several priced lines and
    every such order shows one and the same amount on all its lines.
    """
    if mapping.order_id is None or mapping.amount is None:
        return lines, None
    priced = lines.filter(
        (pl.col("excluded") == "")
        & pl.col("amount").is_not_null()
        & pl.col("order_id").is_not_null()
        & ~pl.col("cancel")
    )
    per_order = priced.group_by("order_id").agg(
        lines=pl.len(), amounts=pl.col("amount").n_unique()
    )
    several = per_order.filter(pl.col("lines") > 1)
    if several.height < 2 or (several["amounts"] > 1).any():
        return lines, None
    later = (
        (pl.col("excluded") == "")
        & pl.col("amount").is_not_null()
        & pl.col("order_id").is_not_null()
        & ~pl.col("cancel")
    )
    rank = pl.int_range(pl.len()).over(pl.col("order_id"), later)
    lines = lines.with_columns(
        amount=pl.when(later & (rank > 0)).then(None).otherwise(pl.col("amount"))
    )
    message = t(
        "Each order's total is repeated on every line of the order; it was counted once per order."
    )
    return lines, message


def _collapse_orders(
    lines: pl.DataFrame, *, derived: bool
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Group lines into orders and net refunds into the purchases they belong to.

    Returns the orders (one row per order ``key``) and each line's ``row``,
    ``key`` and ``position`` (its order's row in the orders).
    """
    numbered = not derived and lines["order_id"].null_count() == 0
    key = pl.col("order_id") if numbered else _order_keys(derived=derived)
    lines = lines.with_columns(key=key)
    positions, together = _order_positions(lines["key"])
    lines = lines.with_columns(position=positions)
    extra = [role for role in OPTIONAL_COLUMNS if role in lines.columns]
    orders = _order_totals(lines, extra, together=together)
    orders = orders.with_columns(
        quantity=pl.when(pl.col("quantities")).then(pl.col("quantity")),
        refund=(pl.col("cancel") | (pl.col("revenue") < 0)) & ~pl.col("void"),
    )
    # every priced line worth 0: a free sample, a replacement, no sale
    orders = orders.with_columns(
        zero=pl.col("priced") & ~pl.col("paid") & ~pl.col("refund") & ~pl.col("void")
    ).drop("priced", "paid")
    orders = orders.with_columns(matched=_match_refunds(orders))
    return orders, lines.select("row", "key", "position")


def _order_totals(
    lines: pl.DataFrame, extra: list[str], *, together: bool
) -> pl.DataFrame:
    """One row per order (``key``, in the order of ``position``): its order
    id, first customer, earliest time stamp, revenue, lines and quantity,
    whether some line is priced (a number, not NaN), one of them not 0
    (``paid``), one has a quantity, one is a cancellation, void or partly
    refunded, and the first filled optional columns and "refund of". A flag
    no line has and a column no line fills are set, not grouped.
    ``together`` says each order's lines lie together.

    The lines are grouped by ``position``, numbers (twice as fast as the text
    keys) that polars is not told are sorted: the sums depend on how it
    groups, and by numbers it knows are sorted it adds up in another order, so
    a revenue could differ in its last digit (2754.4100000000008 for 2754.41).
    """
    flags = ("cancel", "void", "partial")
    texts = (*extra, "refund_of")
    raised = [flag for flag in flags if lines[flag].any()]
    filled = [name for name in texts if lines[name].null_count() < lines.height]
    amount = pl.col("amount")
    earliest = None
    if together:
        earliest = _earliest_of_runs(lines["position"], lines["timestamp"])
    orders = lines.group_by("position", maintain_order=True).agg(
        pl.col("key").first(),
        pl.col("order_id").first(),
        pl.col("customer_id").drop_nulls().first(),
        *([] if earliest is not None else [pl.col("timestamp").min()]),
        amount.fill_null(0.0).sum().alias("revenue"),
        amount.is_not_nan().any().alias("priced"),
        ((amount != 0) & amount.is_not_nan()).any().alias("paid"),
        pl.len().alias("lines"),
        pl.col("quantity").sum(),
        pl.col("quantity").is_not_null().any().alias("quantities"),
        *[pl.col(flag).any() for flag in raised],
        *[pl.col(name).drop_nulls().first() for name in filled],
    )
    if earliest is not None:
        orders = orders.with_columns(earliest)
    unset = [pl.lit(False).alias(flag) for flag in flags if flag not in raised]
    empty = [
        pl.lit(None, dtype=lines[name].dtype).alias(name)
        for name in texts
        if name not in filled
    ]
    return orders.with_columns(*unset, *empty).select(
        "key", *extra, "order_id", "customer_id", "timestamp", "revenue", "priced",
        "paid", "lines", "quantity", "quantities", *flags, "refund_of",
    )  # fmt: skip


def _earliest_of_runs(positions: pl.Series, stamps: pl.Series) -> pl.Series | None:
    """The earliest time stamp of each order whose lines lie together (its
    ``positions`` run), when every line has one: several times as fast as
    grouping. ``None`` when some line has none."""
    if stamps.null_count() or stamps.is_empty():
        return None
    starts = np.flatnonzero(np.diff(positions.to_numpy(), prepend=-1))
    earliest = np.minimum.reduceat(stamps.to_numpy(), starts)
    return pl.Series("timestamp", earliest, dtype=stamps.dtype)


def _order_positions(keys: pl.Series) -> tuple[pl.Series, bool]:
    """Each line's order as a number, the orders numbered as they first
    appear, and whether each order's lines lie together. Exports write the
    lines of an order together, so the runs of equal keys are the orders (a
    comparison with the line before, where grouping the text keys takes
    several times as long); when an order's lines lie apart, the keys are
    grouped."""
    starts = keys.ne_missing(keys.shift(1)).fill_null(True)
    together = _all_distinct(keys.filter(starts))
    if together:
        positions = keys.rle_id()
    else:
        lines = (
            keys.to_frame("key")
            .with_row_index("line")
            .group_by("key", maintain_order=True)
            .agg("line")
        )
        positions = (
            lines.select(
                pl.int_range(pl.len(), dtype=pl.UInt32).alias("position"), "line"
            )
            .explode("line")
            .sort("line")
            .get_column("position")
        )
    # as a new series: polars is not told they are sorted (see _order_totals)
    return pl.Series("position", positions.to_numpy()), together


def _exclude_zero_orders(
    lines: pl.DataFrame, kept: pl.DataFrame, orders: pl.DataFrame, keys: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame, Notice]:
    """Leave out the orders worth nothing (every priced line 0) and their
    lines (no refund was matched to them), and say how many, with an example.

    Returns the lines with those marked, the kept lines, the orders and the
    keys without them, and the notice.
    """
    zero = orders["zero"].gather(keys["position"])
    rows = keys.filter(zero)
    marked = pl.repeat(False, lines.height, eager=True).scatter(rows["row"], True)
    lines = lines.with_columns(
        excluded=pl.when(marked)
        .then(pl.lit("zero_order"))
        .otherwise(pl.col("excluded"))
    )
    # each kept order moves up by the orders left out before it
    before = orders["zero"].cast(pl.UInt32).cum_sum()
    keys = keys.filter(~zero)
    keys = keys.with_columns(
        position=keys["position"] - before.gather(keys["position"])
    )
    example = orders.filter(pl.col("zero"))["key"][0]
    count = int(orders["zero"].sum())
    rows_said = t_count(rows.height, "{count} row", "{count} rows")
    message = t_count(
        count,
        "{count} order worth nothing ({rows}, order {example}, every line priced "
        "0: a free sample, a replacement, a write-off) was left out: an invoice "
        "of zero value is not a sale, so it counts in no order figure. A line "
        "priced 0 inside a paying order is kept.",
        "{count} orders worth nothing ({rows}, such as order {example}, every line "
        "priced 0: free samples, replacements, write-offs) were left out: an "
        "invoice of zero value is not a sale, so it counts in no order figure. A "
        "line priced 0 inside a paying order is kept.",
        rows=rows_said,
        example=example,
    )
    notice = Notice("zero_order", message)
    return lines, kept.filter(~zero), orders.filter(~pl.col("zero")), keys, notice


def _combined_lines_notice(lines: pl.DataFrame, keys: pl.DataFrame) -> Notice | None:
    """A note when rows with no order number were combined into orders because
    they share a customer and a time stamp; ``None`` when none were."""
    unnumbered = keys.filter(lines["order_id"].is_null())
    sizes = unnumbered.group_by("key").len().filter(pl.col("len") > 1)
    if sizes.height == 0:
        return None
    message = t_count(
        sizes.height,
        "{rows} rows without an order number share a customer and a time stamp, "
        "so they were combined into {count} order. If each row is a sale of its "
        "own, choose a date column that carries the time of day, or the order "
        "number column.",
        "{rows} rows without an order number share a customer and a time stamp, "
        "so they were combined into {count} orders. If each row is a sale of its "
        "own, choose a date column that carries the time of day, or the order "
        "number column.",
        rows=f"{int(sizes['len'].sum()):,}",
    )
    return Notice("lines_combined", message)


def _order_keys(*, derived: bool) -> pl.Expr:
    """The order id; without one, customer + time stamp (refund lines apart)."""
    stamp = pl.col("timestamp").dt.strftime("%Y-%m-%d %H:%M:%S").fill_null("")
    refund = (
        pl.when(pl.col("cancel") | (pl.col("amount") < 0))
        .then(pl.lit("|refund"))
        .otherwise(pl.lit(""))
    )
    derived_key = (
        pl.when(pl.col("customer_id").is_null())
        .then(pl.format("row {}", pl.col("row")))
        .otherwise(pl.format("{}|{}{}", pl.col("customer_id"), stamp, refund))
    )
    if derived:
        return derived_key
    return pl.coalesce(pl.col("order_id"), derived_key)


def _match_refunds(orders: pl.DataFrame) -> pl.Series:
    """For each refund: the key of the order it names in a "refund of" column,
    else the customer's latest purchase at or before it; null when none."""
    if not orders["refund"].any():
        return pl.repeat(None, orders.height, dtype=pl.String, eager=True).alias(
            "matched"
        )
    purchases = orders.filter(~pl.col("refund") & ~pl.col("void") & ~pl.col("zero"))
    by_reference = orders.select(
        pl.when(
            pl.col("refund") & pl.col("refund_of").is_in(purchases["key"].implode())
        ).then(pl.col("refund_of"))
    ).to_series()
    refunds = orders.with_row_index("position").filter(
        pl.col("refund") & pl.col("customer_id").is_not_null() & by_reference.is_null()
    )
    known = purchases.filter(pl.col("customer_id").is_not_null())
    if refunds.is_empty() or known.is_empty():
        return by_reference.alias("matched")
    pairs = (
        refunds.select("position", "timestamp", "customer_id")
        .sort("timestamp")
        .join_asof(
            known.select("timestamp", "customer_id", purchase="key").sort("timestamp"),
            on="timestamp",
            by="customer_id",
            strategy="backward",
            check_sortedness=False,
        )
    )
    nearest = pl.repeat(None, orders.height, dtype=pl.String, eager=True)
    nearest = nearest.scatter(pairs["position"], pairs["purchase"])
    return by_reference.fill_null(nearest).alias("matched")


def _row_reasons(
    lines: pl.DataFrame, keys: pl.DataFrame, orders: pl.DataFrame
) -> pl.DataFrame:
    """Each row's outcome, main reason and list of repairs."""
    read = []
    if READ_REPAIR in lines.columns:
        codes = lines[READ_REPAIR].str.split(",").explode().unique().sort()
        read = [code for code in codes if code]
    repairs = {
        **{
            code: pl.col(READ_REPAIR).str.split(",").list.contains(code)
            for code in read
        },
        "date_order_unsure": pl.col("date_repair") == "date_order_unsure",
        "date_other_order": pl.col("date_repair") == "date_other_order",
        "amount_mark_ambiguous": pl.col("amount_ambiguous"),
        "amount_other_mark": pl.col("amount_other_mark"),
        "id_decimal_suffix": pl.col("id_repaired"),
        "amount_formatted": pl.col("amount_repaired"),
        "time_zone_converted": pl.col("date_repair") == "time_zone_converted",
        "excel_serial_date": pl.col("date_repair") == "excel_serial_date",
    }
    # what each order says of its lines, as flags: cheap to hand to each line
    refund = pl.col("refund")
    order = orders.select(
        order_guest=pl.col("customer_id").is_null() & ~refund,
        order_void="void",
        order_netted=refund & pl.col("matched").is_not_null(),
        order_unmatched=refund & pl.col("matched").is_null(),
    )
    position = keys["position"]
    if keys.height != lines.height:  # rows left out belong to no order
        position = pl.repeat(None, lines.height, dtype=pl.UInt32, eager=True)
        position = position.scatter(keys["row"], keys["position"])
    order = order.select(pl.all().gather(position).fill_null(False))
    frame = pl.concat([lines, order], how="horizontal")
    rules = [  # later rules win
        ("partly_refunded", pl.col("partial")),
        (
            "amount_on_other_line",
            pl.col("amount").is_null() & (pl.col("excluded") == ""),
        ),
        ("guest", pl.col("order_guest")),
        ("placeholder_customer", pl.col("placeholder") & pl.col("order_guest")),
        ("order_cancelled", pl.col("order_void")),
        ("refund_netted", pl.col("order_netted")),
        ("refund_unmatched", pl.col("order_unmatched")),
    ]
    # the reasons as small numbers first, written out once at the end
    names = ["ok", *repairs, *(code for code, _ in rules)]
    number = pl.lit(0, dtype=pl.UInt8)
    for index, flag in reversed(list(enumerate(repairs.values(), start=1))):
        number = pl.when(flag).then(pl.lit(index, dtype=pl.UInt8)).otherwise(number)
    for index, (_, rows) in enumerate(rules, start=1 + len(repairs)):
        number = pl.when(rows).then(pl.lit(index, dtype=pl.UInt8)).otherwise(number)
    # and the repairs of each row as the bits of one number
    bits = pl.lit(0, dtype=pl.UInt32)
    for bit, flag in enumerate(repairs.values()):
        bits = bits | pl.when(flag).then(pl.lit(1 << bit, dtype=pl.UInt32)).otherwise(0)
    coded = frame.select(number=number, bits=bits, excluded="excluded")
    reasons = coded.select(
        reason=pl.col("number").replace_strict(
            dict(enumerate(names)), return_dtype=pl.String
        ),
        outcome=pl.col("number").replace_strict(
            {n: REASONS[name] for n, name in enumerate(names)}, return_dtype=pl.String
        ),
        repairs=_repair_lists(coded["bits"], list(repairs)),
    )
    left_out = coded["excluded"] != ""
    if left_out.any():
        # an exclusion is the reason, whatever else the row had
        rows = left_out.arg_true()
        excluded = coded["excluded"].filter(left_out)
        reasons = reasons.with_columns(
            reasons["reason"].scatter(rows, excluded),
            reasons["outcome"].scatter(
                rows, excluded.replace_strict(REASONS, return_dtype=pl.String)
            ),
        )
    return reasons


def _repair_lists(bits: pl.Series, codes: list[str]) -> pl.Expr:
    """Each row's repairs (the bits of ``bits`` naming ``codes``) written out
    comma separated; each combination found is written once."""
    lists = {
        int(found): ",".join(code for bit, code in enumerate(codes) if found >> bit & 1)
        for found in bits.unique()
    }
    return pl.col("bits").replace_strict(lists, return_dtype=pl.String)


def _report(
    raw: RawTable,
    reasons: pl.DataFrame,
    orders: pl.DataFrame,
    notices: list[Notice],
    parsed: dict,
) -> QualityReport:
    rows = pl.concat(
        [
            raw.rows.select("source", "sheet", "row_number"),
            reasons.select("outcome", "reason", "repairs"),
        ],
        how="horizontal",
    )
    bought = orders.filter(~pl.col("refund") & ~pl.col("void"))
    read_notices = [Notice("reading", text) for text in raw.notices]
    report = QualityReport(
        row_table=rows,
        raw_table=raw.cells,
        notices=[],
        orders_found=bought.height,
        customers_found=int(bought["customer_id"].drop_nulls().n_unique()),
        guest_orders=int(bought["customer_id"].is_null().sum()),
        revenue=float(orders["revenue"].sum()),
        currency=parsed["currency"],
        date_order=parsed["date_order"],
        date_order_ambiguous=parsed["ambiguous"],
        timezone=parsed["timezone"],
    )
    report.notices = read_notices + notices + _exclusion_notices(report)
    return report


def _exclusion_notices(report: QualityReport) -> list[Notice]:
    notices = []
    if duplicates := report.count("duplicate", exact=True):
        message = t_count(
            duplicates,
            "{count} duplicate row removed.",
            "{count} duplicate rows removed.",
        )
        notices.append(Notice("duplicate", message))
    if totals := report.count("total_row"):
        message = t_count(
            totals, "{count} total row left out.", "{count} total rows left out."
        )
        notices.append(Notice("total_row", message))
    return notices


def _canonical(orders: pl.DataFrame, mapping: ColumnMapping) -> pd.DataFrame:
    """Netted purchases and unmatched refunds in the canonical column layout."""
    netted = pl.col("refund") & pl.col("matched").is_not_null()
    additions = (
        orders.filter(netted).group_by("matched").agg(added=pl.col("revenue").sum())
    )
    orders = (
        orders.filter(~netted)
        .join(additions, left_on="key", right_on="matched", how="left")
        .with_columns(revenue=pl.col("revenue") + pl.col("added").fill_null(0.0))
    )
    order_id = pl.col("key") if mapping.order_id else _derived_ids()
    items = (
        pl.col("quantity").round(0)
        if mapping.quantity is not None
        else pl.col("lines").cast(pl.Float64)
    )
    extra = [role for role in OPTIONAL_COLUMNS if role in orders.columns]
    table = orders.select(
        *extra,
        order_id=order_id,
        customer_id="customer_id",
        timestamp=pl.col("timestamp").cast(pl.Datetime("ns")),
        revenue=pl.col("revenue").cast(pl.Float64),
        items=items,
        is_purchase=~(pl.col("refund") | pl.col("void")),
    ).sort(["timestamp", "order_id"], maintain_order=True)
    frame = pd.DataFrame(
        {
            "order_id": _pandas_text(table["order_id"]),
            "customer_id": _pandas_text(table["customer_id"]),
            "timestamp": table["timestamp"].to_pandas().to_numpy(),
            "revenue": table["revenue"].to_numpy(),
            "items": pd.array(table["items"].to_pandas(), dtype="Int64"),
            "is_purchase": table["is_purchase"].to_numpy(),
        }
    )
    for role in extra:
        frame[role] = _pandas_text(table[role])
    return frame[ORDER_COLUMNS + extra]


def _pandas_text(values: pl.Series) -> pd.arrays.StringArray:
    """A polars text column as a pandas ``string`` array (null is NA)."""
    return values.cast(pl.String).to_pandas().astype("string").array


def _derived_ids() -> pl.Expr:
    """Order ids built from customer and time stamp, for files without one."""
    stamp = pl.col("timestamp").dt.strftime("%Y%m%d-%H%M%S")
    ids = pl.format("{}-{}", pl.col("customer_id").fill_null(t("guest")), stamp)
    suffix = pl.int_range(pl.len()).over(ids)
    return pl.when(suffix == 0).then(ids).otherwise(pl.format("{}-{}", ids, suffix + 1))
