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
   are separate sales), repeats of a sale of an earlier file or sheet
   uploaded with it (compared by the columns the sale is read from), rows
   without a readable date or amount, failed payments, stock adjustments
   (negative quantity at zero amount, not a cancellation), and the lines of an order worth nothing (every priced line 0: a free
   sample, a replacement), which is no sale; a line priced 0 inside a paying
   order stays.
5. Lines with the same order id form one order (revenue summed, items = sum
   of quantity or number of lines). An order total repeated on every line of
   its order (some web-shop exports) counts once, when the amount is headed
   like a total or the lines' quantities differ. Without an order id, an
   order is one customer's lines at one time stamp.
6. Cancellations and refunds (negative amount, a status such as "refunded",
   or an Online Retail style invoice number ``C536379``) are never purchases;
   each refund is counted once. A refund is netted into the order it names
   (a "refund of" column) or else the same customer's latest purchase or
   cancelled order at or before it; one that matches no purchase stays as a
   row with ``is_purchase`` False, so it counts in revenue only. A refund
   written as a row of its own under its sale's order number (a negative
   line in an order that also sold: WooCommerce, Square) is netted into that
   order: what is left is a purchase, partly refunded, and an order with
   nothing left is no purchase; it refunds no other order. So is an order
   that the refunds naming it leave worth nothing. A sale (a positive
   amount) whose status says cancelled or refunded, or flagged in a
   "cancelled" column (Shopify's "Cancelled at"), is that sale cancelled,
   not a refund of another: no purchase and no revenue, and a refund row
   matched to it (a storno invoice, SumUp's refund transaction) adds nothing
   more; only a negative line so marked is a refund. When the export states
   the refunded amount per order (Shopify, Stripe, Square's Partial Refunds)
   or the total after refunds (Etsy), a partly refunded order is a purchase
   worth its total less the refund, a cancelled or fully refunded one is no
   purchase; without one, a partly refunded order is kept whole.

The work is done with polars column operations (no Python loop per row), so a
million rows clean in about half a second.
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

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
from retention.quality import (
    REASONS,
    Notice,
    QualityReport,
    with_repaired_outcomes,
)
from retention.reading import (
    NON_ASCII,
    OTHER_DELIMITER,
    READ_REPAIR,
    Progress,
    RawTable,
    SalesLogError,
    holds_letters,
    marks_in,
    stripped,
    text_column,
)
from retention.side_by_side import SideBySide

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
    "today_in",
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
    r"|töröl|zwrot|anul|erstatt|rückbuch"
)
PARTIAL_WORDS = r"partial|részleg|teilweise|częściow"
# a status that names a refund or cancellation only to say there was none:
# "Refund declined", "Return rejected", "Refund requested", "Non-refundable",
# "Not refunded", "Visszatérítés elutasítva", "Erstattung abgelehnt"
NO_CANCEL_WORDS = (
    r"\b(?:not?|non)\b[\s-]*(?:\w+[\s-]+)?(?:" + CANCEL_WORDS + r")"
    r"|(?:" + CANCEL_WORDS + r")\w*[\s:,-]+(?:declin|reject|denied|refused"
    r"|request|elutasít|abgelehnt|odrzuc)"
)
# what a "cancelled" column writes for an order that was not cancelled: the
# blank markers of ids, "no" words and a dash of any kind; "not cancelled",
# "nem törölt" too (NOT_CANCELLED_WORDS)
NOT_CANCELLED = frozenset(
    [*BLANK_IDS, "false", "f", "no", "n", "0", "0.0", "nem", "nincs", "nein", "kein",
     "nie", "non", "—", "–", "−", "---"]
)  # fmt: skip
NOT_CANCELLED_WORDS = r"^(?:not|nem|nicht|nie|non|no)\b"
# a payment never taken: failed, declined, aborted, or only authorised
# (Stripe's "Uncaptured")
FAILED_WORDS = (
    r"fail|declin|uncaptur|sikertelen|elutasít|abgelehnt|fehlgeschlagen|abgebrochen"
    r"|odrzuc"
)
_MONTH_NAMES = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
# "Total", "Total:", "Total 2024", "Total (3 orders)", "Total for January",
# "Grand total", "January total", "Összesen"; not "Total Fitness Ltd" (see
# TOTAL_NAMED)
TOTAL_ROW = (
    r"(?i)^\s*(?:grand\s+|sub\s*-?)?totals?\s*(?:$|[^\w\s]|\d|(?:for|of|in|sales"
    r"|revenue|amount|orders?|days?|weeks?|months?|quarters?|years?|period|all|"
    + _MONTH_NAMES
    + r")(?:\W|$))"
    r"|^\s*(?:összesen|mindösszesen|razem"
    r"|suma|summe|gesamt|gesamtsumme|zwischensumme|sum|végösszeg|részösszeg)\s*:?\s*$"
    r"|\b(?:sub\s*-?)?totals?\s*:?\s*$|\bösszesen\s*:?\s*$"
)
# "Total" followed by a name's words: a customer "Total Fitness Ltd", an item
# "Total Results Shampoo", or a report's subtotal of a customer ("Total Anna
# Kovács"), told apart by the date: a subtotal row has none.
TOTAL_NAMED = r"(?i)^\s*(?:grand\s+|sub\s*-?)?totals?\s+[^\W\d_]"
_TOTAL_PARTS = ["tot", "ssz", "raz", "sum", "gesamt"]
# A total word alone in a cell of another column (the item's): "Total",
# "Daily total", "Grand total", "Subtotal:", "Napi összesen", "Részösszeg",
# with at most one word before it, so "Total Body Lotion" is no total.
LONE_TOTAL = (
    r"(?i)^\s*(?:[^\W\d_]+\s+)?(?:grand\s+|sub\s*-?\s*)?totals?\s*:?\s*$"
    r"|^\s*(?:[^\W\d_]+\s+)?(?:összesen|mindösszesen|végösszeg|részösszeg"
    r"|zwischensumme|gesamtsumme)\s*:?\s*$|^\s*(?:razem|suma|summe|sum|gesamt)\s*:?\s*$"
)
# Currency signs and codes, lower case, and the code each stands for. A sign
# may stand before or after a code (``$12.50 AUD``, ``€12.50 EUR``); "kr"
# and "Rs" are written by several countries and are shown as they are.
CURRENCY_CODES = {
    "us$": "USD", "$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR",
    "£": "GBP", "gbp": "GBP", "ft": "HUF", "huf": "HUF", "zł": "PLN", "pln": "PLN",
    "kč": "CZK", "czk": "CZK", "¥": "JPY", "jpy": "JPY", "₹": "INR", "inr": "INR",
    "chf": "CHF", "ron": "RON", "lei": "RON", "sek": "SEK", "nok": "NOK",
    "dkk": "DKK", "isk": "ISK", "kr": "kr", "rs": "Rs",
    "a$": "AUD", "au$": "AUD", "aud": "AUD", "c$": "CAD", "ca$": "CAD", "cad": "CAD",
    "nz$": "NZD", "nzd": "NZD", "hk$": "HKD", "hkd": "HKD", "s$": "SGD", "sgd": "SGD",
    "r$": "BRL", "brl": "BRL", "mx$": "MXN", "mxn": "MXN", "₺": "TRY", "try": "TRY",
    "₽": "RUB", "rub": "RUB", "₴": "UAH", "uah": "UAH", "₩": "KRW", "krw": "KRW",
    "₪": "ILS", "ils": "ILS", "฿": "THB", "thb": "THB", "rsd": "RSD", "bgn": "BGN",
    "bam": "BAM", "mkd": "MKD", "all": "ALL", "mdl": "MDL", "gel": "GEL",
    "zar": "ZAR", "cny": "CNY", "rmb": "CNY", "twd": "TWD", "php": "PHP",
    "idr": "IDR", "myr": "MYR", "vnd": "VND", "aed": "AED", "sar": "SAR",
    "egp": "EGP", "mad": "MAD", "ngn": "NGN", "kes": "KES", "ars": "ARS",
    "clp": "CLP", "cop": "COP", "pen": "PEN",
}  # fmt: skip
# every character a currency sign or code is written with
_CURRENCY_MARKS = "a-z$€£¥₹łč₺₽₴₩₪฿"
_SYMBOLS = rf"[{_CURRENCY_MARKS}]"
_SIGNS = "|".join(re.escape(key) for key in CURRENCY_CODES if not key.isalpha())
_CODES = "|".join(key for key in CURRENCY_CODES if key.isalpha() and len(key) == 3)
# a sign and a code together, in either order: ``$aud`` ($12.50 AUD), ``€eur``
_SIGN_AND_CODE = rf"^(?:{_SIGNS})({_CODES})$|^({_CODES})(?:{_SIGNS})$"
# thousands separators: spaces (plain, no-break, narrow) and apostrophes,
# typed (1'234.50) or typographic as Swiss software writes them (1’234.50)
_SPACES = r"[\s\u00a0\u202f\u2009'\u2019\u02bc]"
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
# 20240105, as some tills and databases write dates (also an .xlsx number
# cell), with or without a time: the year first, then month and day
_COMPACT_DATE = (
    r"^(?P<year>(?:19|20)\d{2})(?P<first>0[1-9]|1[0-2])(?P<second>0[1-9]|[12]\d|3[01])"
    r"(?:\.0+)?" + _TIME
)
_DAY_MONTH_NAME_YEAR = (
    r"(?i)^(?P<first>\d{1,2})\.?[-\s./]\s?(?P<month>" + _MONTH_NAMES + r")\.?"
    r"[-\s./]\s?(?P<year>\d{4}|\d{2})" + _TIME
)
_ISO_NAIVE = r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?$"
_ISO_AWARE = (
    r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*"
    r"(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)$"
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
    read_on : datetime.date or None
        The day the file was read (today, in the shop's time zone): a row
        dated after it is left out as a typing mistake. Fixed when the file is
        first read and kept with the dataset, so the same file gives the same
        figures on any later day; None leaves no row out for its date.
    """

    timezone: str | None = None
    date_order: str = "auto"
    read_on: date | None = None

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


# The time zone furthest ahead (Kiribati's Line Islands): its date is the
# latest anywhere, so a sale made today cannot be dated after it.
LATEST_ZONE = "Pacific/Kiritimati"


def today_in(zone: str | None) -> date:
    """Today's date in the shop's time zone ``zone``; without one, the latest
    date anywhere on Earth, so no sale of today is taken for a typing mistake."""
    import zoneinfo

    if zone is not None:
        _check_timezone(zone)
    return datetime.now(zoneinfo.ZoneInfo(zone or LATEST_ZONE)).date()


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
    currencies: tuple[str, ...] = ()


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
    currencies: tuple[str, ...] = ()

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
    ``0``; see :data:`PLACEHOLDER_CUSTOMERS`) become NA; phone numbers lose the
    spaces, dashes, dots, slashes and brackets between their digits.
    """
    ids, repaired = _ids(_text(values))
    ids = _same_phone_numbers(ids.set(_placeholder_customers(ids), None))
    return (
        pd.Series(ids.to_list(), index=values.index, dtype="string"),
        pd.Series(repaired.to_numpy(), index=values.index),
    )


def _ids(text: pl.Series) -> tuple[pl.Series, pl.Series]:
    if text.dtype.is_numeric():
        # numbers read from a workbook: written without a decimal point when whole
        ids = text_column(text, empty=None)
        return ids, pl.repeat(False, len(text), eager=True)
    return _each_value(_text(text), _distinct_ids)


def _each_value(
    text: pl.Series, read: Callable[[pl.Series], tuple[pl.Series, ...]]
) -> tuple[pl.Series, ...]:
    """``read(text)``, each of whose results holds one value per cell, worked
    out once per distinct value when the column repeats its values (customer
    ids: customers come back, which a large sample shows where a small one
    does not), else on every row (order numbers)."""
    sample = text.head(100_000)
    if sample.n_unique() > len(sample) // 5:
        return read(text)
    distinct = _Distinct.of(text)
    return tuple(distinct.spread(result) for result in read(distinct.values))


def _distinct_ids(text: pl.Series) -> tuple[pl.Series, pl.Series]:
    # which characters occur at all tells which steps can be left out
    written = marks_in(text, f".@{NON_ASCII}")
    ascii_only = NON_ASCII not in written
    if not ascii_only and text.str.contains("[\u00a0\ufeff]").any():
        text = text.str.replace_all("[\u00a0\ufeff]", " ")
    text = stripped(text)
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


def _same_phone_numbers(ids: pl.Series) -> pl.Series:
    """Customer ids with each phone number written without the spaces, dashes,
    dots, slashes and brackets between its digits (at least seven), so
    ``+36 30 123 4567`` and ``+36301234567`` are one customer. Order numbers
    keep their marks; most columns hold none of them, found from their bytes."""
    if ids.dtype != pl.String or not marks_in(ids.fill_null(""), " -/()."):
        return ids
    distinct = _Distinct.of(ids)
    values = distinct.values
    digits = values.str.replace_all(r"[\s().\-/]", "")
    phone = values.str.contains(_PHONE_NUMBER) & (digits.str.count_matches(r"\d") >= 7)
    if not phone.any():
        return ids
    return distinct.spread(digits.zip_with(phone.fill_null(False), values))


# a phone number: digits with spaces, dashes, dots, slashes or brackets
_PHONE_NUMBER = r"^\+?\(?\d[\d()]*(?:[\s.\-/]+\(?\d[\d()]*)+$"


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
    text = stripped(_text(text))
    if (plain := _plain_iso(text)) is not None:
        return _typed_timestamps(plain, timezone=timezone, utc=utc)
    distinct = _Distinct.of(text)
    frame = pl.DataFrame(
        {"text": distinct.values, "weight": distinct.weights}
    ).with_columns(value=pl.lit(None, dtype=pl.Datetime("ns")), repair=pl.lit(""))
    parsed = _Stamps(frame["value"], frame["repair"])
    frame = _parse_iso(frame, parsed, timezone, utc)
    frame = _parse_month_names(frame)
    frame = _parse_serials(frame)
    frame = _parse_compact_dates(frame, parsed)
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
    # only the T between date and time: the T of a trailing "UTC" stays
    spaced = pl.col("text").str.replace(r"^(\d{4}-\d{2}-\d{2})T", "$1 ")
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
        .str.replace(r"\s*([+-]\d{2}):?(\d{2})$", "$1$2")
        # +00, as PostgreSQL writes whole hours
        .str.replace(r"\s*([+-]\d{2})$", "${1}00")
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
        converted = aware & moment.is_not_null()
        frame = frame.with_columns(
            value=pl.when(converted).then(local).otherwise(pl.col("value")),
            repair=pl.when(converted)
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


def _parse_month_names(frame: pl.DataFrame) -> pl.DataFrame:
    """Day, month name, year: 05-Jan-2024, 5-JAN-24, 5 Jan 2024 14:05.

    A two-digit year is in 2000-2099 unless that is after the current year,
    then in 1900-1999 (``5-Jan-24`` is 2024, ``5-Jan-98`` 1998)."""
    todo = frame.select(_todo(frame)).to_series()
    if not todo.any():
        return frame
    rest = frame.with_row_index("position").filter(todo)
    parts = rest["text"].str.extract_groups(_DAY_MONTH_NAME_YEAR).struct.unnest()
    found = parts["year"].is_not_null()
    if not found.any():
        return frame
    month = parts["month"].str.to_lowercase().str.slice(0, 3)
    number = month.replace_strict(
        [name[:3] for name in _MONTH_NAMES.split("|")],
        range(1, 13),
        default=None,
        return_dtype=pl.Int64,
    )
    written = parts["year"].cast(pl.Int64)
    year = written.zip_with(written >= 100, 2000 + written)
    year = year.zip_with((written >= 100) | (year <= date.today().year), year - 100)
    parts = parts.with_columns(year=year, second=number).drop("month")
    values = _assemble(parts, day_first=True)
    update = pl.DataFrame({"position": rest["position"], "found": values})
    return (
        frame.with_row_index("position")
        .join(update, on="position", how="left")
        .with_columns(value=pl.coalesce("value", "found"))
        .drop("position", "found")
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


def _parse_compact_dates(frame: pl.DataFrame, parsed: _Stamps) -> pl.DataFrame:
    """Dates of eight digits, year, month and day: 20240105 is 5 Jan 2024.

    Only in the column read as the date column, so an order number of eight
    digits elsewhere is never taken for a date; a month over 12 or a day over
    31 (20241350) is no such date and stays unread."""
    todo = _todo(frame) & pl.col("text").str.contains(r"^(?:19|20)\d{6}\b")
    if not frame.select(todo.any()).item():
        return frame
    rest = frame.with_row_index("position").filter(todo)
    parts = rest["text"].str.extract_groups(_COMPACT_DATE).struct.unnest()
    values = _assemble(parts, day_first=False)
    if values.is_null().all():
        return frame
    count = int(rest["weight"].filter(values.is_not_null()).sum())
    message = t_count(
        count,
        "{count} date was written as eight digits (20240105) and read as year, month and day: 5 Jan 2024.",
        "{count} dates were written as eight digits (20240105) and read as year, month and day: 5 Jan 2024.",
    )
    parsed.notices.append(Notice("compact_dates", message))
    update = pl.DataFrame({"position": rest["position"], "found": values})
    return (
        frame.with_row_index("position")
        .join(update, on="position", how="left")
        .with_columns(value=pl.coalesce("value", "found"))
        .drop("position", "found")
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
    # a year written first is followed by the month (2024-02-01 06h45), never
    # by the day, whatever order the dates with the year last are in
    year_first = text.str.match(r"\d{4}\b").to_numpy()
    values = _loose_dates(text, day_first=day_first)
    if year_first.any():
        values[year_first] = _loose_dates(text[year_first], day_first=False)
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


def _loose_dates(text: pd.Series, *, day_first: bool) -> pd.Series:
    """Dates in any form the date parser knows, naive; NaT where none."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return pd.to_datetime(
            text, format="mixed", dayfirst=day_first, errors="coerce", utc=True
        ).dt.tz_localize(None)


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
        the currency most often written, ``other_mark`` and ``ambiguous``,
        and ``currencies``: every currency written, the most rows first.
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
        parsed.currencies,
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
    # "Rs. 500": the point ends the sign, it is no decimal point
    squeezed = text.str.replace_all(_SPACES, "").str.replace(
        r"^(?i:rs)\.|(?i:rs)\.$", "rs"
    )
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
    letters = lowered.str.replace_all(rf"[^{_CURRENCY_MARKS}]", "")
    known = letters.is_in(["", *CURRENCY_CODES]) | _sign_and_code(letters)
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


def _sign_and_code(letters: pl.Series) -> pl.Series:
    """Which values' currency marks are a sign and a code together."""
    return letters.str.contains(_SIGN_AND_CODE)


def _note_currency(symbols: pl.Series, weights: pl.Series, result: _Amounts) -> None:
    if symbols.is_empty():
        return
    # the code of a sign written with one: $12.50 AUD is in AUD
    paired = symbols.str.extract_groups(_SIGN_AND_CODE).struct
    symbols = paired.field("1").fill_null(paired.field("2")).fill_null(symbols)
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
    result.currencies = tuple(ranked["code"].to_list())
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
    part_numbers = _parts(raw.rows)
    lines, notices, parsed = _read_lines(
        raw.cells, mapping, options, tell, places=_date_places(raw, part_numbers)
    )
    if READ_REPAIR in raw.rows.columns:
        lines = lines.with_columns(raw.rows[READ_REPAIR])
    tell(0.5, t("Finding total rows and rows repeated in the file…"))
    every_part = part_numbers if _several_parts(raw) else None
    parts = None
    if mapping.order_id is None:
        # one part: identical rows of one file are separate sales
        parts = part_numbers
    lines, date_notices = _mark_dates(lines, raw.rows, options.read_on)
    notices += date_notices
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
    with SideBySide() as steps:
        canonical = steps.start(_canonical, orders, mapping)
        reasons = _row_reasons(lines, keys, orders)
        report = _report(raw, reasons, orders, notices, parsed)
        return canonical.result(), report


def _layout_date_order(headers: list[str]) -> tuple[str, str] | None:
    """The recognised export layout's name and the order it writes dates in,
    when it is known (Etsy: month first)."""
    found = find_preset(headers)
    if found is None or found[0].date_order is None:
        return None
    return found[0].name, found[0].date_order


def _date_places(raw: RawTable, parts: pl.Series) -> DatePlaces:
    """Each row's file (or sheet) and row number, for the date order;
    ``parts`` numbers each row's file and sheet (see :func:`_parts`)."""
    places = raw.rows.select("source", "sheet")
    if not parts.is_empty() and parts.max() == 0:
        places = places.head(1)
    sheets = not _alike(raw.rows["sheet"])
    names = [
        t("{file}, sheet “{sheet}”", file=source, sheet=sheet)
        if sheet and sheets
        else source or t("the file")
        for source, sheet in places.unique(maintain_order=True).iter_rows()
    ]
    return DatePlaces(parts, raw.rows["row_number"], names)


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
    # the ids, the dates and the amounts need nothing of each other
    with SideBySide() as steps:
        customers = steps.start(_customer_ids, column("customer"))
        dates = steps.start(
            _timestamps,
            _joined_time(column("timestamp"), text("time")),
            date_order=options.date_order,
            timezone=options.timezone,
            utc=bool(mapping.timestamp and _UTC_HEADER.search(mapping.timestamp)),
            layout=_layout_date_order(cells.columns),
            places=places,
            column=mapping.timestamp,
        )
        orders = steps.start(_ids, column("order_id"))
        quantities = steps.start(_amounts, column("quantity"))
        # the amount, or, without one, quantity x unit price
        priced = mapping.amount is None
        amounts = steps.start(_amounts, column("unit_price" if priced else "amount"))
        refunds = None
        if mapping.refund_of is not None:
            refunds = steps.start(_ids, column("refund_of"))
        customer, customer_fixed, placeholder, placeholder_notice = customers.result()
        order_id, order_fixed = orders.result()
        if refunds is not None:
            refund_of = refunds.result()[0]
        else:
            refund_of = pl.repeat(None, cells.height, dtype=pl.String, eager=True)
        tell(0.15, t("Reading the dates…"))
        stamps = dates.result()
        tell(0.3, t("Reading the amounts…"))
        quantity, amount = quantities.result(), amounts.result()
        if priced:
            amount.values = quantity.values * amount.values
    if placeholder_notice is not None:
        notices.append(placeholder_notice)
    tell(0.4, t("Finding refunds and cancellations…"))
    cancel, failed, partial = _status_flags(text("status"), mapping)
    c_invoice = _c_invoices(order_id)
    flagged = pl.repeat(False, cells.height, eager=True)
    if mapping.cancelled is not None:
        flagged = _cancel_marks(text("cancelled"))
    lines = pl.DataFrame(
        {
            "customer_id": customer,
            "order_id": order_id,
            "refund_of": refund_of,
            "timestamp": stamps.values,
            "amount": amount.values,
            "quantity": quantity.values,
            "cancel": cancel | c_invoice,
            "c_invoice": c_invoice,
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
        # a sum of several currencies is in none of them
        "currency": amount.currency if len(amount.currencies) < 2 else None,
        "currencies": amount.currencies,
        "date_order": stamps.date_order,
        "ambiguous": stamps.ambiguous,
        "timezone": options.timezone if converted else None,
    }
    return lines, notices, parsed


def _customer_ids(
    values: pl.Series,
) -> tuple[pl.Series, pl.Series, pl.Series, Notice | None]:
    """The customer ids as :func:`normalise_ids` reads them, which were
    repaired, which named a till's placeholder (now no customer), and the
    note saying so, if any did."""
    if values.dtype.is_numeric() and _whole_numbers(values):
        # ids of digits alone: of the placeholders only 0, and no phone
        # number written with spaces or dashes
        customer, repaired = _ids(values)
        placeholder = (values == 0).fill_null(False)
    else:
        text = values if values.dtype.is_numeric() else _text(values)
        customer, repaired, placeholder = _each_value(text, _read_customers)
    notice = None
    if placeholder.any():
        notice = _placeholder_notice(customer.filter(placeholder))
        customer = customer.set(placeholder, None)
    return customer, repaired, placeholder, notice


def _read_customers(text: pl.Series) -> tuple[pl.Series, pl.Series, pl.Series]:
    """Customer ids read (see :func:`_distinct_ids`) with each phone number
    written one way, which were repaired, and which are placeholders (their
    words are no phone number: they are left as they are)."""
    ids, repaired = _ids(text)
    return _same_phone_numbers(ids), repaired, _placeholder_customers(ids)


def _whole_numbers(values: pl.Series) -> bool:
    """Whether a column of numbers holds whole numbers alone, written as
    digits (with a minus) by :func:`text_column`."""
    if values.dtype.is_integer():
        return True
    whole = (values == values.round(0)) & (values.abs() < 9e18)
    return bool(whole.all())


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
    # "Refund declined" is a sale kept, not a refund nor a failed payment
    denied = words.str.contains(NO_CANCEL_WORDS)
    cancel = words.str.contains(CANCEL_WORDS) & ~partial & ~denied
    failed = words.str.contains(FAILED_WORDS) & ~denied
    return distinct.spread(cancel), distinct.spread(failed), distinct.spread(partial)


def _cancel_marks(cancelled: pl.Series) -> pl.Series:
    """Which rows a "cancelled" column marks: a date, yes, true, 1, x or a
    reason; blank, NULL, n/a, NaN, "-", none, false, 0, no and "not
    cancelled" are no mark."""
    flag = cancelled.str.strip_chars().str.to_lowercase()
    unmarked = flag.is_in(list(NOT_CANCELLED)) | flag.str.contains(NOT_CANCELLED_WORDS)
    return ~unmarked.fill_null(True)


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

    A sale whose order also holds a line negative in the file (WooCommerce and
    Square write a refund as a row of its own under the order's number) keeps
    its amount whatever its status says: the refund rows reverse it, and the
    order is netted in :func:`_collapse_orders`.

    Without a refunded amount or adjusted total, a negative line with a
    refund status or flagged in a "cancelled" column is a refund row, and so
    is a line with a C-invoice number (its amount turns negative); a sale (a
    positive amount) whose status says cancelled or refunded, or flagged in a
    "cancelled" column, is that sale cancelled: no purchase, worth nothing
    (``void``). A refund row matched to it later is taken by it, not netted
    into another purchase (:func:`_absorb_refunds_of_void_orders`). With a
    refunded amount or adjusted total, a cancelled or fully refunded
    order keeps what was not refunded (usually nothing) and is no purchase; a
    partly refunded order is worth its total less the refund; a negative line
    with a refund status is a refund row, kept as it is.
    """
    negative = (pl.col("amount") < 0).fill_null(False)
    refunded_by_rows = pl.lit(False)
    if (lines["amount"] < 0).any() and lines["order_id"].null_count() < lines.height:
        refunded_by_rows = (
            pl.col("order_id").is_not_null()
            & (pl.col("amount") > 0).fill_null(False)
            & negative.any().over("order_id")
        )
    lines = lines.with_columns(refunded_by_rows=refunded_by_rows)
    sale = pl.col("refunded_by_rows")
    if mapping.refunded is None and mapping.adjusted_total is None:
        # a sale flagged cancelled or refunded did not happen; a negative line
        # reverses another
        stated = pl.col("flagged") | (pl.col("cancel") & ~pl.col("c_invoice"))
        void = (stated & ~negative & ~sale).fill_null(False)
        return lines.with_columns(
            amount=pl.when(sale)
            .then(pl.col("amount"))
            .when(void & pl.col("amount").is_not_null())
            .then(0.0)
            .when(pl.col("cancel") | pl.col("flagged"))
            .then(-pl.col("amount").abs())
            .otherwise(pl.col("amount")),
            void=void,
            cancel=(pl.col("cancel") | pl.col("flagged")) & ~void & ~sale,
        ).drop("flagged", "refunded_by_rows", "c_invoice")
    lines = lines.with_columns(
        cancel=(pl.col("cancel") | pl.col("flagged")) & ~sale
    ).drop("flagged", "refunded_by_rows", "c_invoice")
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
    refund_row = pl.col("cancel") & negative
    return (
        lines.with_columns(refunded=refunded, adjusted=adjusted)
        .with_columns(
            amount=pl.when(pl.col("amount").is_null())
            .then(None)
            .when(refund_row)
            .then(pl.col("amount"))
            .when(pl.col("cancel") & refund)
            .then(pl.max_horizontal(kept, 0.0))
            .when(pl.col("cancel"))
            .then(0.0)
            .otherwise(kept),
            void=pl.col("cancel") & ~refund_row,
            partial=~pl.col("cancel") & refund,
            cancel=refund_row,
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
    dates = cells[mapping.timestamp] if mapping.timestamp else None
    labels = [first]
    for role, read in (("customer", "customer_id"), ("order_id", "order_id")):
        written = getattr(mapping, role)
        if written is None or not cells[written].dtype.is_numeric():
            # ids read from numbers are digits: no total among them
            labels.append(lines[read].fill_null(""))
    # each kind of row left out is found apart from the others
    with SideBySide() as steps:
        totals = [
            steps.start(_total_labels, column, named=True, dates=dates)
            for column in labels
        ]
        lone_totals = steps.start(_lone_total_rows, cells, lines, mapping)
        duplicates = steps.start(_exact_duplicates, cells, parts)
        headers = steps.start(_repeated_headers, cells)
        too_long = steps.start(_too_long_cells, cells, mapping)
        other_files = None
        if every_part is not None:
            other_files = steps.start(
                _repeated_from_other_parts, cells, lines, mapping, every_part
            )
        total = lone_totals.result()
        for found in totals:
            total = total | found.result()
        other_file = pl.repeat(False, cells.height, eager=True)
        if other_files is not None:
            other_file, earlier = other_files.result()
            lines = lines.with_columns(earlier_part=earlier)
        lines = lines.with_columns(
            total=total,
            duplicate=duplicates.result(),
            other_file=other_file,
            header=headers.result(),
        )
        long_cells = too_long.result()

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
        ("far_date", pl.col("far_date")),
        ("future_date", pl.col("future_date")),
        *_other_delimiter_rules(lines),
        ("duplicate", pl.col("duplicate")),
        ("duplicate_other_file", pl.col("other_file")),
        ("header_repeated", pl.col("header")),
        ("total_row", pl.col("total")),
        ("cell_too_long", pl.lit(long_cells)),
    ]
    number = pl.lit(0, dtype=pl.UInt8)
    for index, (_, rows) in enumerate(rules, start=1):
        number = pl.when(rows).then(pl.lit(index, dtype=pl.UInt8)).otherwise(number)
    reason = _written_out(number, ["", *(code for code, _ in rules)])
    return lines.with_columns(excluded=reason).drop(
        "total",
        "duplicate",
        "other_file",
        "header",
        "failed",
        "future_date",
        "far_date",
    )


def _other_delimiter_rules(lines: pl.DataFrame) -> list[tuple[str, pl.Expr]]:
    """The rows the reading found written with another delimiter than their
    file's (see :mod:`retention.reading`), one rule per code found."""
    if READ_REPAIR not in lines.columns:
        return []
    codes = lines[READ_REPAIR].str.split(",").explode().unique().drop_nulls()
    return [
        (code, pl.col(READ_REPAIR).str.split(",").list.contains(code))
        for code in sorted(codes)
        if code.startswith(OTHER_DELIMITER)
    ]


# A date over a year after every other date of a file, and longer after them
# than they span, is taken for a typing mistake when it is this rare (the year
# 2025 typed in a file of 2015) and the other dates are enough to tell.
FAR_DATE_GAP = pd.Timedelta(days=365)
FAR_DATE_SHARE = 0.01
FAR_DATE_OTHERS = 20


def _mark_dates(
    lines: pl.DataFrame, rows: pl.DataFrame, read_on: date | None
) -> tuple[pl.DataFrame, list[Notice]]:
    """Flag the rows whose date cannot be right: ``future_date``, dated after
    the day the file was read; ``far_date``, among the rest, the newest rows,
    at most ``FAR_DATE_SHARE`` of the dated rows (one at least), that come
    over ``FAR_DATE_GAP`` after every other date and longer after them than
    those span, when at least ``FAR_DATE_OTHERS`` rows are dated before them.
    Returns the notes naming them."""
    days = lines["timestamp"].dt.date()
    future = (days > read_on).fill_null(False) if read_on else days.is_null() & False
    far = _far_dates(days.set(future, None))
    lines = lines.with_columns(future_date=future, far_date=far)
    notices = []
    if future.any():
        notices.append(Notice("future_date", _future_note(days, rows, future, read_on)))
    if far.any():
        notices.append(Notice("far_date", _far_note(days, rows, far)))
    return lines, notices


def _far_dates(days: pl.Series) -> pl.Series:
    """Which rows are the rare newest dates far after all the others."""
    counted = (
        pl.DataFrame({"day": days})
        .drop_nulls()
        .group_by("day")
        .agg(rows=pl.len())
        .sort("day", descending=True)
    )
    none = pl.repeat(False, len(days), eager=True)
    if counted.height < 2:
        return none
    dated = int(counted["rows"].sum())
    limit = max(1, int(dated * FAR_DATE_SHARE))
    before = pl.col("day").shift(-1)
    tail = counted.with_columns(
        newer=pl.col("rows").cum_sum(),
        gap=pl.col("day") - before,
        span=before - pl.col("day").min(),
    ).filter(
        (pl.col("newer") <= limit)
        & (dated - pl.col("newer") >= FAR_DATE_OTHERS)
        & (pl.col("gap") > FAR_DATE_GAP)
        & (pl.col("gap") > pl.col("span"))
    )
    if tail.is_empty():
        return none
    return (days >= tail["day"].min()).fill_null(False)


def _day_text(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _rows_and_days(days: pl.Series, rows: pl.DataFrame, chosen: pl.Series) -> str:
    """``row 302: 1 Mar 2025``, the first few of the ``chosen`` rows."""
    numbers = rows["row_number"].filter(chosen).to_list()
    dated = [
        f"{number}: {_day_text(day)}"
        for number, day in zip(numbers, days.filter(chosen).to_list(), strict=True)
    ]
    shown = "; ".join(dated[:ROWS_NAMED])
    if len(dated) > ROWS_NAMED:
        shown = t("{rows} and {count} more", rows=shown, count=len(dated) - ROWS_NAMED)
    return t_count(len(dated), "row {rows}", "rows {rows}", rows=shown)


ROWS_NAMED = 5


def _future_note(
    days: pl.Series, rows: pl.DataFrame, future: pl.Series, read_on: date
) -> str:
    return t_count(
        int(future.sum()),
        "{count} row is dated after {day}, the day the file was read ({rows}): "
        "a typing mistake? It is left out of the figures; correct the date in "
        "the file and upload it again.",
        "{count} rows are dated after {day}, the day the file was read ({rows}): "
        "typing mistakes? They are left out of the figures; correct the dates "
        "in the file and upload it again.",
        day=_day_text(read_on),
        rows=_rows_and_days(days, rows, future),
    )


def _far_note(days: pl.Series, rows: pl.DataFrame, far: pl.Series) -> str:
    before = days.filter(~far).max()
    return t_count(
        int(far.sum()),
        "{count} row is dated over a year after every other date, which end on "
        "{day} ({rows}): a typing mistake? It is left out of the figures; "
        "correct the date in the file and upload it again (if it is right, "
        "upload the sales from that day on as a file of their own).",
        "{count} rows are dated over a year after every other date, which end "
        "on {day} ({rows}): typing mistakes? They are left out of the figures; "
        "correct the dates in the file and upload it again (if they are right, "
        "upload the sales from those days on as a file of their own).",
        day=_day_text(before),
        rows=_rows_and_days(days, rows, far),
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
        if name is None or cells[name].dtype != pl.String:
            continue
        # a character takes a byte or more: most columns are told by bytes
        if (cells[name].str.len_bytes().max() or 0) <= MAX_CELL_CHARS:
            continue
        long = long | (cells[name].str.len_chars() > MAX_CELL_CHARS).fill_null(False)
    return long


def _several_parts(raw: RawTable) -> bool:
    """Whether the rows come from more than one file or sheet."""
    return len(raw.sources) > 1 or not _alike(raw.rows["sheet"])


def _alike(values: pl.Series) -> bool:
    """Whether every value is the first (as most files' one name and sheet
    are): one comparison, many times faster than counting distinct values."""
    return values.is_empty() or bool(values.eq_missing(values[0]).all())


# Besides ids, time stamp, amount and quantity (compared as read), the roles
# whose cells tell one sale from another when two files are compared; a
# column no figure is read from (a fulfilment state, a row number restarting
# in each file, the date of the export) is not compared.
_SALE_ROLES = ("unit_price", "refund_of", *OPTIONAL_COLUMNS)


def _sale_content(
    cells: pl.DataFrame, lines: pl.DataFrame, mapping: ColumnMapping
) -> pl.DataFrame:
    """Each row's sale as read from the columns its figures come from: ids,
    time stamp, amount and quantity as parsed, the unit price as a number,
    the original order of a refund, store, channel and category as trimmed
    text. The same sale exported as .xlsx (typed cells) and as .csv
    (``1/12/2010 8:26``, ``2.550``) reads the same, and so does a sale whose
    other columns changed between two exports (unfulfilled, then fulfilled)."""
    columns = [
        lines[name].alias(f"\x00{name}")
        for name in ("customer_id", "order_id", "timestamp", "amount", "quantity")
    ]
    for role in _SALE_ROLES:
        name = getattr(mapping, role)
        if name is None:
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

    The k-th copy of a sale in a part is a repeat when an earlier part holds
    it k times or more (see :func:`_exact_duplicates`), with an order number
    or without: two lines of one order that read the same where the sales
    are read from (two products at one price) stay two lines.
    """
    content = _sale_content(cells, lines, mapping)
    key = content.select(pl.struct(pl.all()).alias("key")).with_columns(part=parts)
    earliest = key.select(pl.col("part").min().over("key")).to_series()
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
    if _alike(rows["source"]) and _alike(rows["sheet"]):
        return pl.repeat(0, rows.height, dtype=pl.UInt32, eager=True)
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


def _undated(dates: pl.Series | None, height: int) -> pl.Series:
    """Which of ``dates`` (cells of the date column) are empty; all ``height``
    rows without a date column."""
    if dates is None:
        return pl.repeat(True, height, eager=True)
    if dates.dtype == pl.String:
        return dates.is_null() | (dates.str.strip_chars() == "")
    return dates.is_null()


def _total_labels(
    labels: pl.Series,
    pattern: str = TOTAL_ROW,
    *,
    named: bool = False,
    dates: pl.Series | None = None,
) -> pl.Series:
    """Cells reading "Total", "Subtotal", "Összesen"... (checked on short cells,
    against ``pattern``); a column of numbers or dates holds none. When
    ``named``, "Total" followed by words (:data:`TOTAL_NAMED`) is one too on
    a row whose cell in ``dates`` (the date column's, ``None`` without one)
    is empty: with a date, it is a name.

    Every word of ``TOTAL_ROW`` holds one of ``_TOTAL_PARTS`` (in any case,
    its s perhaps written as the long s that case-blind matching takes for
    one), so only the few cells holding one are matched against it.
    """
    if labels.dtype != pl.String or not holds_letters(labels):
        # every total word has letters: ids and amounts hold none
        return pl.repeat(False, len(labels), eager=True)
    maybe = labels.str.contains_any(_TOTAL_PARTS, ascii_case_insensitive=True)
    if marks_in(labels, NON_ASCII):
        maybe = maybe | labels.str.contains("\u017f", literal=True)
    maybe = maybe & (labels.str.len_chars() < 25)
    if not maybe.any():
        return maybe
    where = maybe.arg_true()
    few = labels.gather(where)
    found = few.str.contains(pattern)
    if named:
        few_dates = None if dates is None else dates.gather(where)
        undated = _undated(few_dates, len(few))
        found = found | (few.str.contains(TOTAL_NAMED) & undated)
    return maybe.scatter(where, found)


# The roles whose cells are values (dates, amounts), never a word of a row.
_VALUE_CELLS = (
    "timestamp", "time", "amount", "quantity", "unit_price", "refunded", "adjusted_total"
)  # fmt: skip


def _lone_total_rows(
    cells: pl.DataFrame, lines: pl.DataFrame, mapping: ColumnMapping
) -> pl.Series:
    """Rows whose only words are a total word in a column other than the first,
    the customer's or the order's (``,,Daily total,8.00`` under the item
    column): with an amount, no customer and no order number, and nothing
    but dates and amounts in their other cells. A sale of "Total Body Lotion",
    or any row with a customer or a receipt, is no total."""
    anonymous = lines.select(
        pl.col("customer_id").is_null()
        & pl.col("order_id").is_null()
        & pl.col("amount").is_not_null()
    ).to_series()
    checked = {cells.columns[0] if cells.width else None}
    checked |= {mapping.customer, mapping.order_id}
    texts = [
        c for c in cells.columns if cells[c].dtype == pl.String and c not in checked
    ]
    if not texts or not anonymous.any():
        return anonymous & False
    labelled = pl.repeat(False, cells.height, eager=True)
    for column in texts:
        labelled = labelled | _total_labels(cells[column], LONE_TOTAL)
    found = anonymous & labelled
    if not found.any():
        return found
    values = {getattr(mapping, role) for role in _VALUE_CELLS}
    others = cells.filter(found).select([c for c in texts if c not in values])
    alone = [_total_alone(others.row(n)) for n in range(others.height)]
    return found.scatter(np.flatnonzero(found.to_numpy())[~np.array(alone)], False)


_LONE_TOTAL = re.compile(LONE_TOTAL)
_CURRENCY_WORDS = re.compile(
    rf"(?i)(?<![^\W\d_])(?:{'|'.join(c for c in CURRENCY_CODES if c.isalpha())})"
    r"(?![^\W\d_])"
)


def _total_alone(cells: tuple[str, ...]) -> bool:
    """Whether a row's cells hold no word but a total word: each is empty, a
    total word, or a date or an amount (with its currency code perhaps)."""
    return all(
        not cell
        or _LONE_TOTAL.search(cell)
        or not re.search(r"[^\W\d_]", _CURRENCY_WORDS.sub("", cell))
        for cell in cells
    )


def _repeated_order_totals(
    lines: pl.DataFrame, mapping: ColumnMapping
) -> tuple[pl.DataFrame, str | None]:
    """Count an order total once when every line of each order repeats it.

    Taken as repeated when at least two orders have several priced lines,
    every such order shows one and the same amount on all its lines, and
    something says that amount is the order's, not each line's
    (:func:`_says_order_total`): lines that cost the same (a café's drinks
    at one price) are line items, added up.
    """
    if mapping.order_id is None or mapping.amount is None:
        return lines, None
    later = (
        (pl.col("excluded") == "")
        & pl.col("amount").is_not_null()
        & pl.col("order_id").is_not_null()
        & ~pl.col("cancel")
    )
    priced = lines.filter(later)
    per_order = priced.group_by("order_id").agg(
        lines=pl.len(),
        amounts=pl.col("amount").n_unique(),
        quantities=pl.col("quantity").n_unique(),
    )
    several = per_order.filter(pl.col("lines") > 1)
    if several.height < 2 or (several["amounts"] > 1).any():
        return lines, None
    if not _says_order_total(mapping, several):
        return lines, None
    rank = pl.int_range(pl.len()).over(pl.col("order_id"), later)
    lines = lines.with_columns(
        amount=pl.when(later & (rank > 0)).then(None).otherwise(pl.col("amount"))
    )
    message = t(
        "Each order's total is repeated on every line of the order; it was counted once per order."
    )
    return lines, message


# an amount header naming the order's total, not a line's
_ORDER_TOTAL_HEADER = re.compile(
    r"(?i)(?<!sub)(?<!sub )(?<!sub-)total|összesen|végösszeg|gesamt|summe|razem"
)
_LINE_HEADER = re.compile(r"(?i)line|item|tétel|sor\b|position|pozycj|zeile")


def _says_order_total(mapping: ColumnMapping, several: pl.DataFrame) -> bool:
    """Whether an amount equal on every line of each multi-line order is the
    order's total: its header names a total ("Total", "Order total",
    "Összesen", not "Line total" or "Subtotal"), or the lines of an order
    differ in quantity while the amount stays the same."""
    header = mapping.amount or ""
    if _ORDER_TOTAL_HEADER.search(header) and not _LINE_HEADER.search(header):
        return True
    return mapping.quantity is not None and bool((several["quantities"] > 1).any())


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
    # a sale and its refund rows under one order number: the order is netted
    # and refunds no other; it is no purchase when nothing of it is left
    netted = pl.col("sold") & pl.col("returned")
    void = pl.col("void") | (netted & (pl.col("revenue") <= 0))
    orders = orders.with_columns(
        quantity=pl.when(pl.col("quantities")).then(pl.col("quantity")),
        refund=(pl.col("cancel") | (pl.col("revenue") < 0)) & ~void & ~netted,
        partial=pl.col("partial") | (netted & pl.col("cancel") & ~void),
        void=void,
    ).drop("sold", "returned")
    # every priced line worth 0: a free sample, a replacement, no sale
    orders = orders.with_columns(
        zero=pl.col("priced") & ~pl.col("paid") & ~pl.col("refund") & ~pl.col("void")
    ).drop("priced", "paid")
    orders = orders.with_columns(matched=_match_refunds(orders))
    orders = _refunded_in_full(_absorb_refunds_of_void_orders(orders))
    return orders, lines.select("row", "key", "position")


def _absorb_refunds_of_void_orders(orders: pl.DataFrame) -> pl.DataFrame:
    """A refund matched to an order that is no purchase already (its status
    or a "cancelled" column says cancelled or refunded) is worth nothing: the
    order's status and the refund row say the same refund, counted once."""
    void = orders.filter(pl.col("void"))["key"].implode()
    taken = pl.col("refund") & pl.col("matched").is_in(void).fill_null(False)
    return orders.with_columns(
        revenue=pl.when(taken).then(0.0).otherwise(pl.col("revenue"))
    )


def _refunded_in_full(orders: pl.DataFrame) -> pl.DataFrame:
    """A purchase that the refunds naming it ("refund of") leave worth nothing
    is no purchase, as a cancelled or fully refunded order is. A refund matched
    by customer and date only nets the purchase but does not decide that it
    did not happen."""
    named = pl.col("refund") & (pl.col("matched") == pl.col("refund_of"))
    refunds = orders.filter(named.fill_null(False))
    if refunds.is_empty():
        return orders
    refunded = refunds.group_by("matched").agg(refunded=pl.col("revenue").sum())
    left = orders.join(
        refunded, left_on="key", right_on="matched", how="left", maintain_order="left"
    )["refunded"]
    # less than half a cent left: nothing
    nothing_left = (pl.col("revenue") > 0) & (
        pl.col("revenue") + pl.lit(left) < 0.005
    ).fill_null(False)
    return orders.with_columns(void=pl.col("void") | (~pl.col("refund") & nothing_left))


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
        (amount > 0).any().alias("sold"),
        (amount < 0).any().alias("returned"),
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
        "paid", "sold", "returned", "lines", "quantity", "quantities", *flags,
        "refund_of",
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
    else the customer's latest purchase or cancelled order at or before it;
    null when none."""
    if not orders["refund"].any():
        return pl.repeat(None, orders.height, dtype=pl.String, eager=True).alias(
            "matched"
        )
    # an order cancelled already takes the refund of it (see
    # _absorb_refunds_of_void_orders) rather than another purchase
    purchases = orders.filter(~pl.col("refund") & ~pl.col("zero"))
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
        read = [code for code in codes if code and REASONS[code] != "excluded"]
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
        order_partial="partial",
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
        ("partly_refunded", pl.col("partial") | pl.col("order_partial")),
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
        reason=_written_out(pl.col("number"), names),
        outcome=_written_out(pl.col("number"), [REASONS[name] for name in names]),
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
    # a guest purchase or a refund kept after a repair is kept after a repair
    return with_repaired_outcomes(reasons)


def _written_out(number: pl.Expr, texts: list[str]) -> pl.Expr:
    """``texts[n]`` for each small number ``n``: a look-up by position, several
    times as fast as ``replace_strict`` with a dictionary for a million rows."""
    return pl.lit(pl.Series(texts, dtype=pl.String)).gather(number)


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
        currencies=parsed["currencies"],
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
    )
    if not _strictly_increasing(table["timestamp"]):
        table = table.sort(["timestamp", "order_id"], maintain_order=True)
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


def _strictly_increasing(stamps: pl.Series) -> bool:
    """Whether every time stamp is later than the one before (orders of an
    export written in time order, each at its own minute): already sorted."""
    later = stamps.slice(1) > stamps.slice(0, max(len(stamps) - 1, 0))
    return stamps.null_count() == 0 and bool(later.all())


def _pandas_text(values: pl.Series) -> pd.arrays.StringArray:
    """A polars text column as a pandas ``string`` array (null is NA)."""
    return values.cast(pl.String).to_pandas().astype("string").array


def _derived_ids() -> pl.Expr:
    """Order ids built from customer and time stamp, for files without one."""
    stamp = pl.col("timestamp").dt.strftime("%Y%m%d-%H%M%S")
    ids = pl.format("{}-{}", pl.col("customer_id").fill_null(t("guest")), stamp)
    suffix = pl.int_range(pl.len()).over(ids)
    return pl.when(suffix == 0).then(ids).otherwise(pl.format("{}-{}", ids, suffix + 1))
