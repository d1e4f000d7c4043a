"""How figures are written on screen: one place for number formats, the
"no data" wording for undefined rates, and the translated names of figures."""

from __future__ import annotations

import math

import streamlit as st

from retention.i18n import t, t_count

CURRENCY_KEY = "regulars:currency"


def is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def percent(value: float | None) -> str:
    """``66.67 %``; undefined rates read "no data", never 0 or 100."""
    return t("no data") if is_missing(value) else f"{value:,.2f} %"


def show_currency(code: str | None) -> None:
    """Write amounts with ``code`` (the ISO code of the currency the sales log's
    amounts were written in, None when the file showed none) in this session."""
    st.session_state[CURRENCY_KEY] = code


def money(value: float | None) -> str:
    """``3,307.49 USD`` when the file showed its currency, else ``3,307.49``."""
    if is_missing(value):
        return t("no data")
    code = st.session_state.get(CURRENCY_KEY)
    return f"{value:,.2f} {code}" if code else f"{value:,.2f}"


def number(value: float | None, decimals: int = 0) -> str:
    return t("no data") if is_missing(value) else f"{value:,.{decimals}f}"


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
        return t("{value} points", value=f"{value:+,.2f}")
    if FORMATS[figure] is number:
        return f"{value:+,.0f}"
    return f"{value:+,.2f}"


def difference(after: float | None, before: float | None, decimals: int = 0):
    """``after - before`` with its sign (``+1,250``); None when either is
    undefined (an average of no orders), so no "+nan" is shown."""
    if is_missing(after) or is_missing(before):
        return None
    return f"{after - before:+,.{decimals}f}"


def as_text(values, fmt: str):
    """Values written with ``fmt``; a missing value is an empty cell, so a table
    shows a blank rather than "None" or "nan"."""
    return values.map(lambda v: "" if is_missing(v) else fmt.format(v))


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


def zone_label(zone: str) -> str:
    """A time zone as people read it: ``America/Los Angeles``."""
    return zone.replace("_", " ")


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
