"""Which column of a sales file holds what: the column mapping.

The mapping is detected from the header names (English, plus common Hungarian
and a few Polish and German words) and checked against the content: a date
column must hold dates, an amount column numbers, and an id column must not be
all dates or prices. A date, amount or customer column that no header names
is then looked for by content: the column of dates, of money amounts, of
email addresses. The user confirms or corrects it; :func:`check_mapping`
then says, in words, what is still missing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import pandas as pd
import polars as pl

from retention.i18n import t
from retention.presets import find_preset, ignored_columns
from retention.reading import SalesLogError, text_column

__all__ = [
    "REQUIRED_ROLES",
    "ROLES",
    "ColumnMapping",
    "check_mapping",
    "detect_columns",
    "detected_preset",
    "mapping_problems",
    "role_label",
]

ROLES = (
    "customer",
    "timestamp",
    "time",
    "order_id",
    "amount",
    "quantity",
    "unit_price",
    "status",
    "cancelled",
    "refunded",
    "adjusted_total",
    "refund_of",
    "store",
    "channel",
    "category",
)
# amount may instead come from quantity x unit price
REQUIRED_ROLES = ("customer", "timestamp", "amount")

# Header words per role, compared without accents, case, spaces or punctuation.
# An exact match beats a match on a whole word inside a longer header.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer": (
        "customer id",
        "customer",
        "customer number",
        "customer no",
        "customer code",
        "client id",
        "client",
        "klient",
        "kunde",
        "kundennummer",
        "buyer user id",
        "buyer id",
        "buyer",
        "member id",
        "member",
        "loyalty card",
        "card number",
        "email",
        "e mail",
        "customer email",
        "user id",
        "account id",
        "customer ref",
        "vevo",
        "vevo azonosito",
        "vevokod",
        "ugyfel",
        "ugyfel azonosito",
        "ugyfelkod",
        "ugyfelszam",
        "partner",
        "partnerkod",
        "torzsvasarlo",
        "vasarlo",
        "vasarlo kod",
        "vasarlokod",
        "vasarlo azonosito",
        "card",
        "card id",
        "loyalty id",
        "loyalty number",
    ),
    "timestamp": (
        "invoice date",
        "order date",
        "date",
        "created at",
        "created",
        "datetime",
        "timestamp",
        "date time",
        "sale date",
        "sales date",
        "purchase date",
        "transaction date",
        "paid at",
        "order time",
        "day",
        "datum",
        "data",
        "kelt",
        "szamla kelte",
        "teljesites",
        "teljesites datuma",
        "idopont",
        "vasarlas datuma",
        "rendeles datuma",
        "data sprzedazy",
    ),
    "order_id": (
        "invoice no",
        "invoice",
        "invoice number",
        "invoice id",
        "order id",
        "order number",
        "order no",
        "order",
        "transaction id",
        "transaction",
        "receipt",
        "receipt number",
        "receipt no",
        "ticket",
        "ticket number",
        "document number",
        "document",
        "nr dokumentu",
        "numer",
        "bon",
        "szamla",
        "szamlaszam",
        "szamla szam",
        "bizonylat",
        "bizonylatszam",
        "rendeles",
        "rendelesszam",
        "nyugta",
        "nyugtaszam",
        "number",
        "belegnummer",
    ),
    "amount": (
        "total",
        "amount",
        "order total",
        "total amount",
        "revenue",
        "sales",
        "net sales",
        "gross sales",
        "value",
        "order value",
        "sum",
        "line total",
        "total price",
        "grand total",
        "wartosc brutto",
        "wartosc",
        "brutto",
        "kwota",
        "osszeg",
        "vegosszeg",
        "brutto osszeg",
        "ertek",
        "fizetendo",
        "betrag",
        "umsatz",
        "subtotal",
        "money",
    ),
    "quantity": (
        "quantity",
        "qty",
        "number of items",
        "items",
        "units",
        "pcs",
        "count",
        "mennyiseg",
        "db",
        "darab",
        "ilosc",
        "menge",
        "lineitem quantity",
    ),
    "unit_price": (
        "unit price",
        "price",
        "unitprice",
        "price each",
        "item price",
        "lineitem price",
        "egysegar",
        "ar",
        "cena",
        "preis",
        "einzelpreis",
    ),
    "time": ("time", "time of day", "ido", "idopont ora", "uhrzeit", "godzina"),
    "cancelled": (
        "cancelled at",
        "canceled at",
        "cancelled",
        "canceled",
        "cancelled date",
        "cancellation date",
        "voided at",
        "sztornozva",
        "storno",
        "torolve",
    ),
    "refunded": (
        "refunded amount",
        "amount refunded",
        "refund amount",
        "refunded",
        "refunded total",
        "order refund amount",
        "visszateritett osszeg",
        "visszaterites",
    ),
    "adjusted_total": (
        "adjusted order total",
        "adjusted total",
        "total after refunds",
        "net total after refunds",
    ),
    "refund_of": (
        "original order",
        "original order id",
        "original invoice",
        "original transaction id",
        "refund of",
        "refund for",
        "parent order",
        "parent order id",
        "related order",
        "eredeti szamla",
        "eredeti bizonylat",
        "hivatkozott szamla",
    ),
    "status": (
        "status",
        "financial status",
        "order status",
        "payment status",
        "event type",
        "transaction type",
        "type",
        "allapot",
        "statusz",
        "tipus",
    ),
    "store": (
        "store",
        "shop",
        "location",
        "branch",
        "outlet",
        "store name",
        "sklep",
        "bolt",
        "uzlet",
        "telephely",
        "filiale",
    ),
    "channel": ("channel", "sales channel", "source", "order type", "csatorna"),
    "category": (
        "category",
        "product category",
        "department",
        "product type",
        "kategoria",
        "termekkategoria",
    ),
}

_NUMBER = re.compile(
    r"^[-+(−]?\s*[^\d\s]{0,3}\s*[-−]?\d[\d\s.,'’ʼ ]*\)?\s*[^\d\s]{0,3}$"
)
_SERIAL = re.compile(r"^[2-7]\d{4}(\.\d+)?$")  # Excel day numbers 1954-2173
_DATE = re.compile(
    r"^\d{4}[-/.]\s?\d{1,2}[-/.]\s?\d{1,2}|^\d{1,2}[-/.]\s?\d{1,2}[-/.]\s?\d{2,4}"
    r"|^[A-Za-z]{3,9}\.? \d{1,2},? \d{4}|^\d{1,2}\.? [A-Za-z]{3,9}\.? \d{4}"
    # 05-Jan-2024, 5-JAN-24
    r"|^\d{1,2}\.?[-\s./]\s?(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[A-Za-z]*\.?[-\s./]\s?\d{2}"
)
# 20240105 (year, month, day), as text or a number cell
_COMPACT_DATE = re.compile(
    r"^(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:\.0+)?$"
)
_MONEY = re.compile(r"[.,]\d{1,2}$")
_WHOLE_FLOAT = re.compile(r"\d+\.0+")
_CLOCK_TIME = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?$")
_CLOCK = re.compile(r"\d:\d\d")
_EMAIL = re.compile(r"^\s*[^@\s]+@[^@\s]+\.\w+\s*$")
SAMPLE_ROWS = 500
# share of a column's filled cells that must look alike to choose it by content
CONTENT_SHARE = 0.9


@dataclass(frozen=True)
class ColumnMapping:
    """The raw column name holding each role, or ``None`` when there is none.

    ``amount`` is the line or order total; when it is missing the amount is
    ``quantity`` x ``unit_price``. ``order_id`` groups lines into orders; when it
    is missing an order is one customer's lines at one time stamp. ``time`` is a
    time of day kept apart from the date (Square). ``cancelled`` is filled for
    cancelled orders (Shopify's "Cancelled at"); ``refunded`` is the amount
    refunded on the order and ``adjusted_total`` the order total after refunds
    (Etsy); with either, the order's status describes the order itself.
    ``refund_of`` names the original order of a refund line.
    """

    customer: str | None = None
    timestamp: str | None = None
    time: str | None = None
    order_id: str | None = None
    amount: str | None = None
    quantity: str | None = None
    unit_price: str | None = None
    status: str | None = None
    cancelled: str | None = None
    refunded: str | None = None
    adjusted_total: str | None = None
    refund_of: str | None = None
    store: str | None = None
    channel: str | None = None
    category: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)

    def used_columns(self) -> list[str]:
        return [name for name in self.as_dict().values() if name is not None]


def role_label(role: str) -> str:
    """The translated name of a mapping role, for the mapping form."""
    labels = {
        "customer": t("Customer id"),
        "timestamp": t("Date and time"),
        "order_id": t("Order or invoice number"),
        "amount": t("Amount"),
        "quantity": t("Quantity"),
        "unit_price": t("Unit price"),
        "status": t("Status (cancelled, refunded)"),
        "time": t("Time of day (when apart from the date)"),
        "cancelled": t("Cancelled (filled for cancelled orders)"),
        "refunded": t("Amount refunded on the order"),
        "adjusted_total": t("Order total after refunds"),
        "refund_of": t("Original order of a refund"),
        "store": t("Store"),
        "channel": t("Sales channel"),
        "category": t("Product category"),
    }
    return labels[role]


def detect_columns(raw: pd.DataFrame | pl.DataFrame) -> ColumnMapping:
    """Guess the column mapping from a known export layout, header names and
    cell contents.

    Parameters
    ----------
    raw : DataFrame
        The raw table (``RawTable.cells``, typed or text, or ``RawTable.frame``).

    Returns
    -------
    ColumnMapping
        A recognised export (:mod:`retention.presets`) fixes its roles first
        and keeps the columns it knows hold no role out of the rest; the
        other roles are matched by header. Each column is used for at most
        one role; a role whose candidates all fail the content check stays
        ``None``. ``amount`` is left ``None`` when the file has quantity and unit
        price but no total.
    """
    sample = _sample(raw)
    found = find_preset(sample.columns)
    chosen: dict[str, str] = dict(found[1]) if found else {}
    # a column the export fills with no role is never matched to one
    used: set[str] = set(chosen.values()) | ignored_columns(sample.columns)
    profiles = {column: _profile(sample[column]) for column in sample.columns}
    candidates = []
    for column in sample.columns:
        header = _normalise(column)
        for role in ROLES:
            score = _header_score(header, role)
            if role == "timestamp" and profiles[column]["clocks"] >= 0.6:
                # of "date" and "datetime", the one carrying the time of day
                score += 100
            if score and _content_fits(role, profiles[column]):
                candidates.append((score, role, column))

    # best matches first; each role and each column taken once
    for _score, role, column in sorted(candidates, key=lambda c: -c[0]):
        if role not in chosen and column not in used:
            chosen[role] = column
            used.add(column)
    _detect_by_content(chosen, used, profiles)
    return ColumnMapping(**chosen)


def _detect_by_content(
    chosen: dict[str, str], used: set[str], profiles: dict[str, dict[str, float]]
) -> None:
    """Fill the date, amount and customer roles that no header named from the
    columns' content: the column most full of dates, of money, of emails."""
    tests = {
        # eight digits (20240105) only when every one is such a date: an
        # order number of eight digits is not, sooner or later
        "timestamp": lambda p: max(p["dates"], p["serials"], float(p["compact"] == 1)),
        # numbers with cents in some rows (12.00 alone could be an id)
        "amount": lambda p: p["numbers"] if p["money"] >= 0.3 else 0.0,
        "customer": lambda p: p["emails"],
    }
    for role, share in tests.items():
        if role in chosen or (role == "amount" and "unit_price" in chosen):
            continue
        free = [column for column in profiles if column not in used]
        best = max(free, key=lambda column: share(profiles[column]), default=None)
        if best is not None and share(profiles[best]) >= CONTENT_SHARE:
            chosen[role] = best
            used.add(best)


def detected_preset(raw: pd.DataFrame | pl.DataFrame) -> str | None:
    """The name of the export layout the file's headers match, if any."""
    found = find_preset(list(raw.columns))
    return found[0].name if found else None


def _sample(raw: pd.DataFrame | pl.DataFrame) -> pd.DataFrame:
    """Each column's first ``SAMPLE_ROWS`` filled cells as text, enough to judge
    its content: a column empty at the top (guest sales before a loyalty
    card began) is judged by the cells it has, wherever they start. Shorter
    columns are padded with empty cells."""
    if isinstance(raw, pl.DataFrame):
        cells = {name: _first_filled(raw[name]) for name in raw.columns}
    else:
        cells = {
            name: raw[name].head(SAMPLE_ROWS).tolist()
            if (raw[name].head(SAMPLE_ROWS).str.strip() != "").all()
            else raw[name][raw[name].str.strip() != ""].head(SAMPLE_ROWS).tolist()
            for name in raw.columns
        }
    rows = max((len(values) for values in cells.values()), default=0)
    return pd.DataFrame(
        {name: values + [""] * (rows - len(values)) for name, values in cells.items()},
        columns=list(raw.columns),
        dtype="str",
    )


def _first_filled(values: pl.Series) -> list[str]:
    """The first ``SAMPLE_ROWS`` filled cells of a column, as text."""
    head = text_column(values.head(SAMPLE_ROWS))
    if (head.str.strip_chars() != "").all():
        return head.to_list()
    # the first rows hold them unless the column is mostly empty
    for rows in (100 * SAMPLE_ROWS, len(values)):
        top = values.head(rows)
        if top.dtype == pl.String:
            filled = top.filter(top.str.strip_chars() != "")
        else:
            filled = top.drop_nulls()
        if len(filled) >= SAMPLE_ROWS or rows >= len(values):
            break
    return text_column(filled.head(SAMPLE_ROWS)).to_list()


def mapping_problems(
    mapping: ColumnMapping, raw: pd.DataFrame | pl.DataFrame
) -> list[str]:
    """What keeps a mapping from being usable, as translated sentences.

    An empty list means the mapping can be cleaned. Checks that every named
    column exists, that no column is used twice, that the required roles are
    filled (customer, date, and an amount or quantity and unit price), and that
    the date and amount columns hold readable values.
    """
    problems = []
    for role, column in mapping.as_dict().items():
        if column is not None and column not in raw.columns:
            problems.append(
                t(
                    "The column {column} chosen for {role} is not in the file.",
                    column=column,
                    role=role_label(role),
                )
            )
    repeated = {
        c for c in mapping.used_columns() if mapping.used_columns().count(c) > 1
    }
    for column in sorted(repeated):
        problems.append(
            t("The column {column} is chosen for two roles.", column=column)
        )
    if problems:
        return problems
    sample = _checked_sample(mapping, raw)
    problems += _missing_roles(mapping, sample)
    problems += _unreadable_columns(mapping, sample)
    return problems


def _checked_sample(
    mapping: ColumnMapping, raw: pd.DataFrame | pl.DataFrame
) -> pd.DataFrame:
    """The sample the mapping checks read: every column's when a date or an
    amount is missing (a column whose header names it is looked for), else
    only the date, amount, quantity and price columns'."""
    priced = mapping.quantity is not None and mapping.unit_price is not None
    if mapping.timestamp is None or (mapping.amount is None and not priced):
        return _sample(raw)
    checked = [
        getattr(mapping, role)
        for role in ("timestamp", "amount", "quantity", "unit_price")
        if getattr(mapping, role) is not None
    ]
    chosen = raw.select(checked) if isinstance(raw, pl.DataFrame) else raw[checked]
    return _sample(chosen)


def check_mapping(
    mapping: ColumnMapping, raw: pd.DataFrame | pl.DataFrame
) -> ColumnMapping:
    """Return ``mapping`` when it is usable, else raise ``SalesLogError``."""
    problems = mapping_problems(mapping, raw)
    if problems:
        raise SalesLogError(" ".join(problems))
    return mapping


def _missing_roles(mapping: ColumnMapping, sample: pd.DataFrame) -> list[str]:
    """The required roles left empty; a date or amount column passed over
    because its values do not read (a column order_date of words) is named."""
    problems = []
    if mapping.customer is None:
        problems.append(
            t(
                "Choose the column with the customer id (customer number, email or "
                "loyalty card); without it customers cannot be told apart."
            )
        )
    named = _named_for("timestamp", mapping, sample)
    if mapping.timestamp is None and named is not None:
        problems.append(_unreadable_text("timestamp", named, sample))
    elif mapping.timestamp is None:
        problems.append(
            t("No date column was found. Choose the column with the order date.")
        )
    priced = mapping.quantity is not None and mapping.unit_price is not None
    named = _named_for("amount", mapping, sample)
    if mapping.amount is None and not priced and named is not None:
        problems.append(_unreadable_text("amount", named, sample))
    elif mapping.amount is None and not priced:
        problems.append(
            t(
                "No amount column was found. Choose the column with the order or "
                "line total, or both the quantity and the unit price columns."
            )
        )
    return problems


def _named_for(role: str, mapping: ColumnMapping, sample: pd.DataFrame) -> str | None:
    """The column whose header names ``role`` (at least a whole word of it, as
    detection scores headers) and no role it names better was given it: a
    column order_date of words, taken for the order number, is still named."""
    given = {column: other for other, column in mapping.as_dict().items() if column}
    scored = []
    for column in sample.columns:
        header = _normalise(column)
        score = _header_score(header, role)
        if column not in given or _header_score(header, given[column]) < score:
            scored.append((score, column))
    score, column = max(scored, default=(0, None), key=lambda found: found[0])
    return column if score >= 50 else None


def _unreadable_text(role: str, column: str, sample: pd.DataFrame) -> str:
    """The sentence of :func:`_unreadable_columns` for ``column`` as ``role``."""
    messages = {role: message for role, _, message in _readability_checks()}
    first = next((value for value in sample[column] if value), "")
    return messages[role].format(column=column, value=repr(first))


def _unreadable_columns(mapping: ColumnMapping, raw: pd.DataFrame) -> list[str]:
    problems = []
    for role, kind, _message in _readability_checks():
        column = getattr(mapping, role)
        if column is None:
            continue
        profile = _profile(raw[column])
        dated = max(profile["serials"], profile["compact"]) if kind == "dates" else 0
        share = max(profile[kind], dated)
        if profile["filled"] == 0 or share < 0.5:
            problems.append(_unreadable_text(role, column, raw))
    return problems


def _readability_checks() -> list[tuple[str, str, str]]:
    """(role, kind of value, the sentence when a column holds none) per role
    whose values must read."""
    return [
        (
            "timestamp",
            "dates",
            t(
                "The column {column} holds no dates that can be read (first value: {value}). Choose the column with the order date."
            ),
        ),
        (
            "amount",
            "numbers",
            t(
                "The column {column} holds no amounts that can be read (first value: {value}). Choose the column with the order total."
            ),
        ),
        (
            "quantity",
            "numbers",
            t(
                "The column {column} holds no quantities that can be read (first value: {value})."
            ),
        ),
        (
            "unit_price",
            "numbers",
            t(
                "The column {column} holds no prices that can be read (first value: {value})."
            ),
        ),
    ]


def _normalise(header: str) -> str:
    """``"InvoiceNo"`` -> ``"invoice no"``; ``"Vevő_név"`` -> ``"vevo nev"``."""
    header = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(header))
    header = re.sub(r"(?<=[a-z])(?=ID\b)", " ", header)
    header = unicodedata.normalize("NFKD", header.replace("ł", "l").replace("Ł", "L"))
    header = "".join(c for c in header if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", header).split())


def _header_score(header: str, role: str) -> int:
    """100 and up for an exact header, 50 and up for a whole-word match inside it."""
    squeezed = header.replace(" ", "")
    words = f" {header} "
    best = 0
    for rank, synonym in enumerate(SYNONYMS[role]):
        if squeezed == synonym.replace(" ", ""):
            best = max(best, 200 - rank)
        elif f" {synonym} " in words:
            best = max(best, 50 + 2 * len(synonym) - rank // 10)
    return best


def _profile(values: pd.Series) -> dict[str, float]:
    """Shares of a column's filled cells that look like dates, numbers, money.

    The sample is a few hundred cells, so each pattern is matched cell by cell
    with Python's ``re``: a vectorised match costs more to set up than that."""
    sample = [
        cell
        for cell in values.head(SAMPLE_ROWS).tolist()
        if isinstance(cell, str) and cell.strip()
    ]
    filled = len(sample)
    if filled == 0:
        return {
            "filled": 0,
            "dates": 0.0,
            "serials": 0.0,
            "numbers": 0.0,
            "money": 0.0,
            "times": 0.0,
            "clocks": 0.0,
            "emails": 0.0,
            "compact": 0.0,
        }

    def share(matches: Iterable[object]) -> float:
        return sum(1 for found in matches if found) / filled

    is_date = [_DATE.match(cell) is not None for cell in sample]
    is_number = [
        not dated and _NUMBER.match(cell) is not None
        for cell, dated in zip(sample, is_date, strict=True)
    ]
    return {
        "filled": filled,
        "times": share(_CLOCK_TIME.match(cell) for cell in sample),
        "dates": share(is_date),
        "clocks": share(
            dated and _CLOCK.search(cell)
            for cell, dated in zip(sample, is_date, strict=True)
        ),
        "emails": share(_EMAIL.match(cell) for cell in sample),
        "serials": share(_SERIAL.match(cell) for cell in sample),
        "compact": share(_COMPACT_DATE.match(cell) for cell in sample),
        "numbers": share(is_number),
        # 421.0 is an id written as a float, not money
        "money": share(
            number and _MONEY.search(cell) and not _WHOLE_FLOAT.fullmatch(cell)
            for cell, number in zip(sample, is_number, strict=True)
        ),
    }


def _content_fits(role: str, profile: dict[str, float]) -> bool:
    if profile["filled"] == 0:
        return False
    if role == "time":
        return profile["times"] >= 0.6
    if role == "cancelled":
        return True
    if role in ("refunded", "adjusted_total"):
        return profile["numbers"] >= 0.6
    if role == "timestamp":
        return max(profile["dates"], profile["serials"], profile["compact"]) >= 0.6
    if role in ("amount", "quantity", "unit_price"):
        return profile["numbers"] >= 0.6
    if role in ("customer", "order_id", "refund_of"):
        return profile["dates"] < 0.5 and profile["money"] < 0.5
    return profile["dates"] < 0.5 and profile["numbers"] < 0.8
