"""From raw text cells and a column mapping to the canonical orders table.

The rules, in the order they apply:

1. Ids are text: ``421.0`` becomes ``421``, leading zeros stay (``00421``), and
   blank, ``nan``, ``N/A`` or ``-`` mean a guest (no customer id).
2. Dates: ISO text, day-first (``03.12.2026``, ``3/12/2026``) or month-first
   dates with or without a time, and Excel day numbers. The day/month order is
   read from the data (a first number above 12 means day first), can be set by
   the caller, and is reported. Stamps with an offset or ``Z`` are converted to
   the shop's time zone when one is given, then made naive; stamps without an
   offset are local already.
3. Amounts: decimal comma or point (chosen per column), thousands separators,
   currency signs and codes, accounting negatives ``($45.00)``, text numbers
   with stray spaces. Without an amount column, amount = quantity x unit price.
4. Rows left out (and reported): total rows, exact duplicates, rows without a
   readable date or amount, stock adjustments (negative quantity at zero amount,
   not a cancellation).
5. Lines with the same order id form one order (revenue summed, items = sum
   of quantity or number of lines). Without an order id, an order is one
   customer's lines at one time stamp.
6. Cancellations and refunds (negative amount, a status such as "refunded",
   or an Online Retail style invoice number ``C536379``) are never purchases. A
   refund is netted into the same customer's latest purchase at or before it;
   one that matches no purchase stays as a row with ``is_purchase`` False, so it
   counts in revenue only.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from retention.columns import ColumnMapping, check_mapping
from retention.i18n import t
from retention.orders import OPTIONAL_COLUMNS, ORDER_COLUMNS
from retention.quality import REASONS, Notice, QualityReport
from retention.reading import RawTable, SalesLogError

__all__ = [
    "DATE_ORDERS",
    "CleaningOptions",
    "ParsedAmounts",
    "ParsedTimestamps",
    "clean_orders",
    "normalise_ids",
    "parse_amounts",
    "parse_timestamps",
]

DATE_ORDERS = ("auto", "day_first", "month_first")
BLANK_IDS = frozenset(
    {"", "nan", "none", "null", "n/a", "na", "-", "--", "#n/a", "(blank)", "guest"}
)
CANCEL_WORDS = (
    r"cancel|refund|return|void|reversal|chargeback|storno|sztorn|visszat|visszár"
    r"|töröl|zwrot|anul"
)
TOTAL_ROW = (
    r"(?i)^\s*(?:grand\s+|sub\s*-?)?totals?(?:\W|$)|^\s*(?:összesen|mindösszesen|razem"
    r"|suma|summe|gesamt|sum)\s*:?\s*$"
)
CURRENCY_CODES = {
    "us$": "USD", "$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR",
    "£": "GBP", "gbp": "GBP", "ft": "HUF", "huf": "HUF", "zł": "PLN", "pln": "PLN",
    "kč": "CZK", "czk": "CZK", "¥": "JPY", "jpy": "JPY", "₹": "INR", "chf": "CHF",
    "ron": "RON", "lei": "RON", "sek": "SEK", "nok": "NOK", "dkk": "DKK",
}  # fmt: skip
_CURRENCY = r"us\$|\$|€|£|¥|₹|zł|kč|(?<![a-z])(?:ft|huf|eur|usd|gbp|pln|czk|chf|ron|jpy|sek|nok|dkk|lei)(?![a-z])"
_SPACES = r"[\s\u00a0\u202f\u2009']"
_TIME = (
    r"(?:[T\s]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<sec>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?\s*$"
)
_DAY_MONTH_YEAR = re.compile(
    r"^(?P<first>\d{1,2})[./-]\s?(?P<second>\d{1,2})[./-]\s?(?P<year>\d{4}|\d{2})\.?"
    + _TIME
)
_YEAR_MONTH_DAY = re.compile(
    r"^(?P<year>\d{4})[./-]\s?(?P<first>\d{1,2})[./-]\s?(?P<second>\d{1,2})\.?" + _TIME
)
_OFFSET = r"(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})$"


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


# --- ids -------------------------------------------------------------------


def normalise_ids(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Ids as trimmed text; return the ids (NA for blank) and which were repaired.

    ``421.0`` -> ``421`` (repaired), ``00421`` stays, ``1001`` and ``"1001"`` are
    the same; blank, ``nan``, ``N/A``, ``-`` and ``guest`` become NA.
    """
    text = values.astype("str").str.strip()
    if text.str.contains("[\u00a0\ufeff]", regex=True).any():
        text = text.str.replace("[\u00a0\ufeff]", " ", regex=True).str.strip()
    blank = text.str.lower().isin(BLANK_IDS)
    decimal = text.str.fullmatch(r"\d+\.0+") & ~blank
    text = text.mask(decimal, text.str.replace(r"\.0+$", "", regex=True))
    ids = text.astype("string").mask(blank)
    return ids, decimal


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
        For dates like 03/04/2024; ``"auto"`` reads day first when a first
        number above 12 occurs, month first when a second number above 12
        occurs, and assumes day first (flagged ``ambiguous``) when neither does.
    timezone : str, optional
        The shop's time zone for stamps written with an offset or ``Z``.

    Returns
    -------
    ParsedTimestamps
        ``values`` as ``datetime64[ns]``, NaT where unreadable; ``repairs`` holds
        ``time_zone_converted`` or ``excel_serial_date`` per row, else ``""``.
    """
    text = values.astype("str").str.strip()
    stamps = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    repairs = pd.Series("", index=text.index, dtype="str")
    parsed = ParsedTimestamps(stamps, repairs)

    iso = text.str.match(r"^\d{4}-\d{2}-\d{2}(?:[T\s]|$)")
    _parse_iso(text[iso], parsed, timezone)
    _parse_serials(text[parsed.values.isna() & (text != "")], parsed)
    _parse_numeric_dates(text[parsed.values.isna() & (text != "")], parsed, date_order)
    _parse_other_dates(
        text[parsed.values.isna() & text.str.contains(r"[A-Za-z]")], parsed
    )
    return parsed


def _parse_iso(text: pd.Series, parsed: ParsedTimestamps, timezone: str | None) -> None:
    if text.empty:
        return
    aware = text.str.contains(r"\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*" + _OFFSET)
    naive = text[~aware]
    parsed.values[naive.index] = _to_datetime(naive, format="ISO8601")
    if not aware.any():
        return
    stamped = text[aware].str.replace(r"\s+(?=[+-]\d{2}:?\d{2}$)", "", regex=True)
    stamped = stamped.str.replace(r"\s*(?:UTC|GMT)$", "Z", regex=True)
    if timezone:
        utc = pd.to_datetime(stamped, format="ISO8601", utc=True, errors="coerce")
        local = utc.dt.tz_convert(timezone).dt.tz_localize(None)
        parsed.values[stamped.index] = local.astype("datetime64[ns]")
        parsed.repairs[stamped.index] = "time_zone_converted"
        message = t(
            "{n} time stamps carried a time zone and were converted to {zone}.",
            n=len(stamped),
            zone=timezone,
        )
        parsed.notices.append(Notice("time_zone_converted", message))
        return
    clock = stamped.str.replace(r"\s*" + _OFFSET, "", regex=True)
    parsed.values[clock.index] = _to_datetime(clock, format="ISO8601")
    message = t(
        "{n} time stamps carry a time zone offset; they were kept at the clock time written. Choose the shop's time zone to convert them.",
        n=len(clock),
    )
    parsed.notices.append(Notice("time_zone_not_converted", message))


def _parse_serials(text: pd.Series, parsed: ParsedTimestamps) -> None:
    """Excel day numbers (days since 1899-12-30) between 1954 and 2173."""
    serial = pd.to_numeric(
        text.where(text.str.fullmatch(r"\d{5}(?:\.\d+)?")), errors="coerce"
    )
    serial = serial[(serial >= 20000) & (serial < 100000)]
    if serial.empty:
        return
    days = pd.to_timedelta(serial, unit="D").dt.round("s")
    parsed.values[serial.index] = pd.Timestamp("1899-12-30") + days
    parsed.repairs[serial.index] = "excel_serial_date"


def _parse_numeric_dates(
    text: pd.Series, parsed: ParsedTimestamps, date_order: str
) -> None:
    """Dates written with numbers only: 03.12.2026, 3/12/26 14:05, 2026.12.03."""
    if text.empty:
        return
    year_first = text.str.extract(_YEAR_MONTH_DAY).dropna(subset=["year"])
    rest = text.drop(year_first.index)
    year_last = rest.str.extract(_DAY_MONTH_YEAR).dropna(subset=["year"])
    if not year_first.empty:
        parsed.values[year_first.index] = _assemble(year_first, day_first=False)
    if year_last.empty:
        return
    day_first = _choose_date_order(year_last, date_order, parsed)
    parsed.values[year_last.index] = _assemble(year_last, day_first=day_first)


def _choose_date_order(
    parts: pd.DataFrame, requested: str, parsed: ParsedTimestamps
) -> bool:
    """Decide day-first or month-first from the numbers, unless the user chose."""
    first = parts["first"].astype("int64")
    second = parts["second"].astype("int64")
    day_evidence, month_evidence = int((first > 12).sum()), int((second > 12).sum())
    if requested != "auto":
        day_first = requested == "day_first"
        code, message = (
            "date_order_chosen",
            t("Dates were read {order}, as chosen.", order=_order_words(day_first)),
        )
    elif day_evidence == month_evidence == 0:
        day_first, parsed.ambiguous = True, True
        code, message = (
            "date_order_ambiguous",
            t(
                "No date shows whether the day or the month comes first (all numbers are 12 or under); they were read day first. Please check and change the date order if needed."
            ),
        )
    else:
        day_first = day_evidence >= month_evidence
        example = parts.index[(first > 12) if day_first else (second > 12)][0]
        code, message = (
            "date_order_detected",
            t(
                "Dates were read {order}, because values such as {example} only make sense that way.",
                order=_order_words(day_first),
                example=_example(parts, example),
            ),
        )
    parsed.date_order = "day_first" if day_first else "month_first"
    parsed.notices.append(Notice(code, message))
    return day_first


def _order_words(day_first: bool) -> str:
    return t("day first (dd.mm.yyyy)") if day_first else t("month first (mm/dd/yyyy)")


def _example(parts: pd.DataFrame, index: object) -> str:
    row = parts.loc[index]
    return f"{row['first']}.{row['second']}.{row['year']}"


def _assemble(parts: pd.DataFrame, *, day_first: bool) -> pd.Series:
    """Time stamps from extracted text parts (year, first, second, time)."""
    numbers = parts.drop(columns="ampm").apply(pd.to_numeric, errors="coerce")
    short = numbers["year"]
    year = short.where(short >= 100, np.where(short < 70, 2000 + short, 1900 + short))
    hour = numbers["hour"].fillna(0)
    meridiem = parts["ampm"].fillna("").str.lower().str[:1]
    hour = hour.mask((meridiem == "p") & (hour < 12), hour + 12)
    hour = hour.mask((meridiem == "a") & (hour == 12), 0)
    frame = pd.DataFrame(
        {
            "year": year,
            "month": numbers["second"] if day_first else numbers["first"],
            "day": numbers["first"] if day_first else numbers["second"],
            "hour": hour,
            "minute": numbers["minute"].fillna(0),
            "second": numbers["sec"].fillna(0),
        }
    )
    return pd.to_datetime(frame, errors="coerce").astype("datetime64[ns]")


def _parse_other_dates(text: pd.Series, parsed: ParsedTimestamps) -> None:
    """Dates with month names (5 Jan 2024, Jan 5, 2024); few in practice."""
    if text.empty:
        return
    day_first = parsed.date_order != "month_first"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        values = pd.to_datetime(
            text, format="mixed", dayfirst=day_first, errors="coerce"
        )
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_localize(None)
    parsed.values[text.index] = values.astype("datetime64[ns]")


def _to_datetime(text: pd.Series, **options: object) -> pd.Series:
    return pd.to_datetime(text, errors="coerce", **options).astype("datetime64[ns]")


# --- amounts ---------------------------------------------------------------


def parse_amounts(values: pd.Series) -> ParsedAmounts:
    """Read a column of money or number texts.

    The decimal mark is chosen per column: a comma when more values end in a
    comma and one or two digits (``120,50``, ``1.234,56``) than in a point.
    Currency signs and codes, spaces and thousands separators are removed;
    ``(45.00)``, ``-$45``, ``45-`` are negative; a lone ``-`` (accounting
    zero) is 0.

    Returns
    -------
    ParsedAmounts
        ``values`` float (NaN where unreadable or blank), ``formatted`` True where
        a currency sign, thousands separator or brackets had to be removed, and
        the currency most often written.
    """
    text = values.astype("str").str.replace(_SPACES, "", regex=True)
    plain = pd.to_numeric(text.where(text != ""), errors="coerce")
    has_comma = text.str.contains(",", regex=False)
    decimal = _decimal_mark(text) if has_comma.any() else "."
    if decimal == ",":
        plain = pd.Series(np.nan, index=text.index)
    formatted = pd.Series(False, index=text.index)
    result = ParsedAmounts(plain, formatted, decimal_mark=decimal)

    todo = text[result.values.isna() & (text != "")]
    if not todo.empty:
        _parse_formatted(todo, result)
    return result


def _decimal_mark(text: pd.Series) -> str:
    comma = text.str.contains(r",\d{1,2}\)?-?$|\.\d{3},\d", regex=True).sum()
    point = text.str.contains(r"\.\d{1,2}\)?-?$|,\d{3}\.\d", regex=True).sum()
    return "," if comma > point else "."


def _parse_formatted(text: pd.Series, result: ParsedAmounts) -> None:
    lowered = text.str.lower()
    currency = lowered.str.extract(f"({_CURRENCY})", expand=False)
    core = lowered.str.replace(_CURRENCY, "", regex=True)
    negative = core.str.match(r"^\(.*\)$") | core.str.contains(r"^[^\d]*[-−–]|[-−–]$")
    core = core.str.replace(r"[()+\-−–]", "", regex=True)
    if result.decimal_mark == ",":
        core = core.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        core = core.str.replace(",", "", regex=False)
    number = pd.to_numeric(
        core.where(core.str.fullmatch(r"\d*\.?\d+")), errors="coerce"
    )
    dash_zero = (core == "") & text.str.contains(r"[-−–]")
    number = number.mask(dash_zero, 0.0).mask(negative & ~dash_zero, -number.abs())

    result.values[text.index] = number
    thousands = "." if result.decimal_mark == "," else ","
    result.formatted[text.index] = number.notna() & (
        currency.notna()
        | text.str.contains(r"\(", regex=True)
        | text.str.contains(thousands, regex=False)
    )
    _note_currency(currency.dropna(), result)


def _note_currency(symbols: pd.Series, result: ParsedAmounts) -> None:
    codes = symbols.map(
        lambda symbol: CURRENCY_CODES.get(symbol.strip(), symbol.upper())
    )
    if codes.empty:
        return
    ranked = codes.value_counts()
    result.currency = str(ranked.index[0])
    if len(ranked) == 1:
        message = t("Amounts are in {currency}.", currency=result.currency)
    else:
        message = t(
            "Amounts are written in several currencies ({currencies}); they are added as they are, without conversion.",
            currencies=", ".join(ranked.index),
        )
    result.notices.append(Notice("currency", message))


# --- the pipeline ------------------------------------------------------------


def clean_orders(
    raw: RawTable, mapping: ColumnMapping, options: CleaningOptions | None = None
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

    Returns
    -------
    orders : DataFrame
        The canonical orders table (see :mod:`retention.orders`), sorted by
        time stamp, plus ``store``, ``channel``, ``category`` when mapped.
    report : QualityReport
        Every input row's outcome and reason, the notices and the totals.
    """
    options = options or CleaningOptions()
    check_mapping(mapping, raw.frame)
    lines, notices, parsed = _read_lines(raw.frame, mapping, options)
    excluded = _exclusions(raw.frame, lines, mapping)
    kept = lines[excluded == ""]
    orders, fate = _collapse_orders(kept, derived=mapping.order_id is None)
    reasons = _row_reasons(lines, excluded, fate, orders)
    report = _report(raw, reasons, lines, orders, notices, parsed)
    return _canonical(orders, mapping), report


def _read_lines(
    frame: pd.DataFrame, mapping: ColumnMapping, options: CleaningOptions
) -> tuple[pd.DataFrame, list[Notice], dict]:
    """Parse the mapped columns of every row into typed line values."""

    def column(role: str) -> pd.Series:
        name = getattr(mapping, role)
        return frame[name] if name is not None else pd.Series("", index=frame.index)

    customer, customer_fixed = normalise_ids(column("customer"))
    order_id, order_fixed = normalise_ids(column("order_id"))
    stamps = parse_timestamps(
        column("timestamp"), date_order=options.date_order, timezone=options.timezone
    )
    quantity = parse_amounts(column("quantity"))
    amount = _line_amounts(column, mapping, quantity)
    cancel = _cancellations(order_id, column("status"))
    amount.values = amount.values.mask(cancel, -amount.values.abs())
    lines = pd.DataFrame(
        {
            "customer_id": customer,
            "order_id": order_id,
            "timestamp": stamps.values,
            "amount": amount.values,
            "quantity": quantity.values,
            "cancel": cancel,
            "id_repaired": customer_fixed | order_fixed,
            "amount_repaired": amount.formatted,
            "date_repair": stamps.repairs,
        }
    )
    for role in OPTIONAL_COLUMNS:
        if getattr(mapping, role) is not None:
            lines[role] = column(role).astype("string").str.strip().replace("", pd.NA)
    notices = stamps.notices + amount.notices
    parsed = {
        "currency": amount.currency,
        "date_order": stamps.date_order,
        "ambiguous": stamps.ambiguous,
    }
    return lines, notices, parsed


def _line_amounts(
    column, mapping: ColumnMapping, quantity: ParsedAmounts
) -> ParsedAmounts:
    """The amount column, or quantity x unit price when there is none."""
    if mapping.amount is not None:
        return parse_amounts(column("amount"))
    price = parse_amounts(column("unit_price"))
    price.values = quantity.values * price.values
    return price


def _cancellations(order_id: pd.Series, status: pd.Series) -> pd.Series:
    """Lines marked as cancelled by their status or an Online Retail ``C`` invoice.

    ``C536379`` counts (upper or lower case) only where most other invoice
    numbers are plain digits, so a shop numbering its orders ``C1001`` is safe.
    """
    by_status = status.str.lower().str.contains(CANCEL_WORDS, regex=True)
    c_invoice = order_id.str.fullmatch(r"[Cc]\d+").fillna(False).astype(bool)
    others = order_id[~c_invoice].dropna()
    numeric_share = (
        others.str.fullmatch(r"\d+").astype(bool).mean() if len(others) else 0
    )
    if c_invoice.any() and numeric_share >= 0.5:
        return (by_status | c_invoice).astype(bool)
    return by_status.astype(bool)


def _exclusions(
    frame: pd.DataFrame, lines: pd.DataFrame, mapping: ColumnMapping
) -> pd.Series:
    """The reason code of each row left out, ``""`` for the rows used."""
    first_column = (
        frame.iloc[:, 0] if len(frame.columns) else pd.Series("", index=frame.index)
    )
    labels = [
        first_column,
        lines["customer_id"].fillna(""),
        lines["order_id"].fillna(""),
    ]
    total = np.logical_or.reduce([_total_labels(label) for label in labels])

    # an order's total may sit on its first line only (Shopify exports)
    no_amount = lines["amount"].isna()
    if mapping.order_id is not None:
        priced = (
            lines["amount"]
            .notna()
            .groupby(lines["order_id"].fillna(""))
            .transform("any")
        )
        no_amount &= ~(priced & lines["order_id"].notna())

    stock = (lines["quantity"] < 0) & (lines["amount"] == 0) & ~lines["cancel"]
    reasons = pd.Series("", index=frame.index, dtype="str")
    rules = [
        ("stock_adjustment", stock),
        ("no_amount", no_amount),
        ("no_date", lines["timestamp"].isna()),
        ("duplicate", frame.duplicated(keep="first")),
        ("total_row", total),
    ]
    for reason, rows in rules:  # later rules win
        reasons = reasons.mask(np.asarray(rows, dtype=bool), reason)
    return reasons


def _total_labels(labels: pd.Series) -> np.ndarray:
    """Cells reading "Total", "Subtotal", "Összesen"... (checked on short cells)."""
    labels = labels.astype("str")
    short = labels.str.len() < 25
    found = np.zeros(len(labels), dtype=bool)
    found[short.to_numpy()] = (
        labels[short].str.contains(TOTAL_ROW, regex=True).to_numpy()
    )
    return found


def _collapse_orders(
    lines: pd.DataFrame, *, derived: bool
) -> tuple[pd.DataFrame, pd.Series]:
    """Group lines into orders and net refunds into the purchases they belong to.

    Returns the orders (index = order key) and each line's order key.
    """
    keys = _order_keys(lines, derived=derived)
    amounts = lines["amount"].fillna(0.0)
    grouped = lines.assign(amount=amounts, key=keys).groupby("key", sort=False)
    orders = grouped.agg(
        order_id=("order_id", "first"),
        customer_id=("customer_id", "first"),
        timestamp=("timestamp", "min"),
        revenue=("amount", "sum"),
        lines=("amount", "size"),
        quantity=("quantity", "sum"),
        quantities=("quantity", "count"),
        cancel=("cancel", "any"),
        **{role: (role, "first") for role in OPTIONAL_COLUMNS if role in lines},
    )
    orders["quantity"] = orders["quantity"].where(orders["quantities"] > 0)
    orders["refund"] = orders["cancel"] | (orders["revenue"] < 0)
    orders["refund_of"] = _match_refunds(orders)
    return orders, keys


def _order_keys(lines: pd.DataFrame, *, derived: bool) -> pd.Series:
    """The order id, or customer + time stamp (refund lines apart) without one."""
    if not derived:
        return lines["order_id"].fillna("").astype("str")
    stamp = lines["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S")
    refund = np.where(lines["cancel"] | (lines["amount"] < 0), "|refund", "")
    keys = lines["customer_id"].fillna("").astype("str") + "|" + stamp + refund
    guest = lines["customer_id"].isna()
    return keys.mask(
        guest, "row " + pd.Series(lines.index.astype("str"), index=lines.index)
    )


def _match_refunds(orders: pd.DataFrame) -> pd.Series:
    """For each refund, the key of the customer's latest purchase at or before it."""
    matched = pd.Series(pd.NA, index=orders.index, dtype="string")
    known = orders["customer_id"].notna()
    refunds = orders[orders["refund"] & known]
    purchases = orders[~orders["refund"] & known]
    if refunds.empty or purchases.empty:
        return matched
    pairs = pd.merge_asof(
        refunds[["timestamp", "customer_id"]].reset_index().sort_values("timestamp"),
        purchases[["timestamp", "customer_id"]]
        .reset_index(names="purchase")
        .sort_values("timestamp"),
        on="timestamp",
        by="customer_id",
        direction="backward",
    )
    matched[pairs["key"].to_numpy()] = pairs["purchase"].to_numpy()
    return matched


def _row_reasons(
    lines: pd.DataFrame, excluded: pd.Series, keys: pd.Series, orders: pd.DataFrame
) -> pd.DataFrame:
    """Each row's outcome, main reason and list of repairs."""
    repairs = pd.DataFrame(
        {
            "id_decimal_suffix": lines["id_repaired"],
            "amount_formatted": lines["amount_repaired"],
            "time_zone_converted": lines["date_repair"] == "time_zone_converted",
            "excel_serial_date": lines["date_repair"] == "excel_serial_date",
        }
    )
    reason = pd.Series("ok", index=lines.index, dtype="str")
    for code in reversed(repairs.columns):
        reason = reason.mask(repairs[code], code)

    order = orders.reindex(keys.reindex(lines.index).to_numpy())
    order.index = lines.index
    guest = keys.reindex(lines.index).notna() & order["customer_id"].isna().to_numpy()
    refund = order["refund"].fillna(False).astype(bool)
    reason = reason.mask(
        lines["amount"].isna() & (excluded == ""), "amount_on_other_line"
    )
    reason = reason.mask(guest & ~refund, "guest")
    reason = reason.mask(refund & order["refund_of"].notna(), "refund_netted")
    reason = reason.mask(refund & order["refund_of"].isna(), "refund_unmatched")
    reason = reason.mask(excluded != "", excluded)

    listed = pd.Series("", index=lines.index, dtype="str")
    for code in repairs.columns:
        listed = listed + np.where(repairs[code], code + ",", "")
    listed = listed.str.rstrip(",")
    return pd.DataFrame(
        {"outcome": reason.map(REASONS), "reason": reason, "repairs": listed}
    )


def _report(
    raw: RawTable,
    reasons: pd.DataFrame,
    lines: pd.DataFrame,
    orders: pd.DataFrame,
    notices: list[Notice],
    parsed: dict,
) -> QualityReport:
    rows = pd.concat(
        [raw.origin.reset_index(drop=True), reasons.reset_index(drop=True)], axis=1
    )
    bought = orders[~orders["refund"]]
    read_notices = [Notice("reading", text) for text in raw.notices]
    return QualityReport(
        rows=rows,
        raw=raw.frame.reset_index(drop=True),
        notices=read_notices + notices + _exclusion_notices(reasons),
        orders_found=len(bought),
        customers_found=int(bought["customer_id"].nunique()),
        guest_orders=int(bought["customer_id"].isna().sum()),
        revenue=float(orders["revenue"].sum()),
        currency=parsed["currency"],
        date_order=parsed["date_order"],
        date_order_ambiguous=parsed["ambiguous"],
    )


def _exclusion_notices(reasons: pd.DataFrame) -> list[Notice]:
    counts = reasons["reason"].value_counts()
    notices = []
    if counts.get("duplicate", 0):
        notices.append(
            Notice(
                "duplicate",
                t("{n} duplicate rows removed.", n=int(counts["duplicate"])),
            )
        )
    if counts.get("total_row", 0):
        notices.append(
            Notice(
                "total_row", t("{n} total rows left out.", n=int(counts["total_row"]))
            )
        )
    return notices


def _canonical(orders: pd.DataFrame, mapping: ColumnMapping) -> pd.DataFrame:
    """Netted purchases and unmatched refunds in the canonical column layout."""
    netted = orders["refund"] & orders["refund_of"].notna()
    additions = orders.loc[netted].groupby("refund_of")["revenue"].sum()
    orders = orders.loc[~netted].copy()
    orders.loc[additions.index, "revenue"] += additions

    orders["order_id"] = (
        orders.index.astype("str") if mapping.order_id else _derived_ids(orders)
    )
    if mapping.quantity is not None:
        items = orders["quantity"].round()
    else:
        items = orders["lines"].astype("float64")
    orders["items"] = pd.array(items, dtype="Int64")
    orders["is_purchase"] = ~orders["refund"].astype(bool)
    orders["customer_id"] = orders["customer_id"].astype("string")
    orders["order_id"] = orders["order_id"].astype("string")
    orders["revenue"] = orders["revenue"].astype("float64")
    extra = [role for role in OPTIONAL_COLUMNS if role in orders]
    orders = orders[ORDER_COLUMNS + extra].sort_values(
        ["timestamp", "order_id"], kind="stable"
    )
    return orders.reset_index(drop=True)


def _derived_ids(orders: pd.DataFrame) -> pd.Series:
    """Order ids built from customer and time stamp, for files without one."""
    stamp = orders["timestamp"].dt.strftime("%Y%m%d-%H%M%S")
    customer = orders["customer_id"].fillna(t("guest")).astype("str")
    ids = customer + "-" + stamp
    suffix = ids.groupby(ids).cumcount()
    return ids.where(suffix == 0, ids + "-" + (suffix + 1).astype("str"))
