"""How figures are written on screen: one place for number formats (every
one through :func:`retention.numbers.fixed`: thousands separators, a half
rounded up, "-" for a minus), the number formats of tables, the "no data"
wording for undefined rates, and the translated names of figures."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import pandas as pd
import streamlit as st

from retention.cleaning import zone_label
from retention.i18n import t, t_count
from retention.numbers import fixed
from ui import access

CURRENCY_KEY = "regulars:currency"
DATA_PAGE = "pages/data.py"


def is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def percent(value: float | None) -> str:
    """``66.67 %``; undefined rates read "no data", never 0 or 100."""
    return t("no data") if is_missing(value) else f"{fixed(value)} %"


def show_currency(code: str | None) -> None:
    """Write amounts with ``code`` (the ISO code of the currency the sales log's
    amounts were written in, None when the file showed none) in this session."""
    st.session_state[CURRENCY_KEY] = code


def money(value: float | None) -> str:
    """``3,307.49 USD`` when the file showed its currency, else ``3,307.49``."""
    if is_missing(value):
        return t("no data")
    code = st.session_state.get(CURRENCY_KEY)
    return f"{fixed(value)} {code}" if code else fixed(value)


def number(value: float | None, decimals: int = 0) -> str:
    """``1,250``, or with ``decimals`` ``1.33``; undefined reads "no data"."""
    return t("no data") if is_missing(value) else fixed(value, decimals)


def signed(value: float, decimals: int = 2) -> str:
    """A change with its sign: ``+1,250.00``, ``-35.00``, ``+0.00``."""
    return fixed(value, decimals, sign=True)


def customers(count: float) -> str:
    """``**1** customer``, ``**1,250** customers``: a count in bold with its
    noun, for sentences (a catalogue translates each form on its own)."""
    return t_count(int(count), "**{count}** customer", "**{count}** customers")


def figure_names() -> dict[str, str]:
    return {
        "customers": t("Customers"),
        "orders": t("Orders"),
        "revenue": t("Revenue"),
        "aov": t("Average order value"),
        "purchase_frequency": t("Orders per customer"),
        "repeat_purchase_rate": t("Repeat purchase rate"),
        "retention_rate": t("Retention rate (CRR)"),
        "churn_rate": t("Churn rate"),
    }


FORMATS = {
    "customers": number,
    "orders": number,
    "revenue": money,
    "aov": money,
    "purchase_frequency": lambda v: number(v, 2),
    "repeat_purchase_rate": percent,
    "retention_rate": percent,
    "churn_rate": percent,
}


def formatted(figure: str, value: float | None) -> str:
    return FORMATS[figure](value)


def change(figure: str, value: float | None) -> str | None:
    """The change against the previous range, in the figure's unit (points for
    rates); None when it cannot be computed."""
    if is_missing(value):
        return None
    if FORMATS[figure] is percent:
        return t("{value} points", value=signed(value))
    if FORMATS[figure] is number:
        return signed(value, 0)
    return signed(value)


def difference(after: float | None, before: float | None, decimals: int = 0):
    """``after - before`` with its sign (``+1,250``); None when either is
    undefined (an average of no orders), so no "+nan" is shown."""
    if is_missing(after) or is_missing(before):
        return None
    return signed(after - before, decimals)


def as_text(values, decimals: int = 2, suffix: str = ""):
    """Values written with ``decimals`` decimals and thousands separators, then
    ``suffix`` (``" %"``); a missing value is an empty cell, so a table shows a
    blank rather than "None" or "nan"."""
    return values.map(lambda v: "" if is_missing(v) else fixed(v, decimals) + suffix)


def number_formats(
    frame: pd.DataFrame,
    decimals: Mapping[str, int] | None = None,
    plain: Iterable[str] = (),
    meanings: Mapping[str, str] | None = None,
) -> dict:
    """The ``column_config`` that writes every number column of ``frame`` as the
    rest of the app does: whole numbers as ``1,250``, others as ``9,703.97``
    (or with the column's ``decimals``). Columns in ``plain`` (a year, a row
    number, a score as written) are left as they are. ``meanings`` gives a
    column the text shown when its header is hovered."""
    decimals, meanings, skipped = dict(decimals or {}), dict(meanings or {}), set(plain)
    formats = {}
    for name, dtype in frame.dtypes.items():
        meaning = meanings.get(name)
        number_column = not pd.api.types.is_bool_dtype(dtype) and name not in skipped
        if number_column and pd.api.types.is_integer_dtype(dtype):
            formats[name] = st.column_config.NumberColumn(help=meaning, format="%,d")
        elif number_column and pd.api.types.is_float_dtype(dtype):
            places = decimals.get(name, 2)
            formats[name] = st.column_config.NumberColumn(
                help=meaning, format=f"%,.{places}f"
            )
        elif meaning is not None:
            formats[name] = st.column_config.Column(help=meaning)
    return formats


# a st.dataframe row (the header's too) in pixels, and the most rows a table
# shows before it scrolls inside itself
ROW_HEIGHT = 35
MOST_ROWS_IN_VIEW = 25


def table_height(rows: int, most: int = MOST_ROWS_IN_VIEW) -> int:
    """The height of a ``st.dataframe`` that shows its header and all its
    ``rows`` (up to ``most``, beyond which it scrolls), border included."""
    return (min(rows, most) + 1) * ROW_HEIGHT + 3


def table(
    frame: pd.DataFrame,
    *,
    decimals: Mapping[str, int] | None = None,
    plain: Iterable[str] = (),
    meanings: Mapping[str, str] | None = None,
    column_config: Mapping | None = None,
    all_rows: bool = False,
    **options,
) -> None:
    """``frame`` as a table without its index, its numbers written by
    :func:`number_formats`; ``column_config`` adds to or replaces those. With
    ``all_rows`` it is tall enough to show every row (up to
    ``MOST_ROWS_IN_VIEW``) without scrolling inside itself."""
    formats = number_formats(frame, decimals, plain, meanings)
    formats |= dict(column_config or {})
    if all_rows:
        options.setdefault("height", table_height(len(frame)))
    st.dataframe(frame, hide_index=True, column_config=formats, **options)


def nobody_at_start(label: str, window: int) -> str:
    """Why a period with nobody at its start (S = 0) has no retention or churn."""
    return t_count(
        window,
        "{label} is a period with nobody at its start: no customer had bought in "
        "the period before, so there was nobody to keep, and its retention and "
        "churn read “no data”.",
        "{label} is a period with nobody at its start: no customer had bought in "
        "the {count} periods before, so there was nobody to keep, and its "
        "retention and churn read “no data”.",
        label=label,
    )


def data_notes(report, *, money_shown: bool = True) -> None:
    """Under a figure page's title, what the figures rest on (``report`` is
    the sales log's quality report): the time zone times were converted to,
    how many rows were left out and whether every date could be read two
    ways (each a link to the Data page, for the owner), and, on a page with
    money figures, that the amounts mix currencies."""
    time_zone_caption(report)
    left_out_note(report)
    date_order_note(report)
    if money_shown:
        currency_note(report)


def left_out_note(report) -> None:
    """ "3 of 6 rows were left out of the figures: see Data", linking to the
    Data page; a partner, who has no Data page, gets the count alone."""
    left_out = report.rows_left_out
    if not left_out:
        return
    values = {"rows": f"{report.rows_read:,}"}
    if access.current_access().is_partner:
        st.caption(
            t_count(
                left_out,
                "{count} of {rows} rows of the file was left out of the figures "
                "(a duplicate, a total row, or a row that could not be read).",
                "{count} of {rows} rows of the file were left out of the figures "
                "(duplicates, total rows, rows that could not be read).",
                **values,
            )
        )
        return
    st.page_link(
        DATA_PAGE,
        label=t_count(
            left_out,
            "{count} of {rows} rows was left out of the figures: see Data",
            "{count} of {rows} rows were left out of the figures: see Data",
            **values,
        ),
        icon=":material/rule:",
    )


def date_order_note(report) -> None:
    """When no date tells whether the day or the month comes first, "Dates
    like 03/04/2024 could be read two ways", linking to the Data page where
    the order is chosen; a partner, who has no Data page, gets the line alone."""
    if not report.date_order_ambiguous:
        return
    if access.current_access().is_partner:
        st.caption(
            t(
                "Dates like 03/04/2024 could be read two ways; they were read "
                "day first (3 April)."
            )
        )
        return
    st.page_link(
        DATA_PAGE,
        label=t(
            "Dates like 03/04/2024 could be read two ways; they were read day "
            "first (3 April): check on Data"
        ),
        icon=":material/event:",
    )


def currency_note(report) -> None:
    """Beside money figures, a warning that the amounts are written in several
    currencies and added as they are (no code is written with such sums)."""
    if report.mixed_currencies:
        st.warning(
            t(
                "The amounts are in several currencies ({currencies}), added as "
                "they are without conversion: money figures mix them, so no "
                "currency is written with them.",
                currencies=", ".join(report.currencies),
            ),
            icon=":material/currency_exchange:",
        )


def time_zone_caption(report) -> None:
    """On a figure page, the time zone the file's stamps were converted to
    (``report`` is the sales log's quality report); nothing when none was."""
    if report.timezone:
        st.caption(
            t(
                "Times converted to the shop's time zone, {zone}.",
                zone=zone_label(report.timezone),
            )
        )
