"""The view the owner is looking at, kept in the URL's query parameters.

Each choice (period, date range, activity window, industry, own retention
target, language) lives in a
widget whose state is seeded from the URL on the first run of a session and
written back to the URL on every run, so a copied address reproduces the view.
A value in the URL that is not allowed falls back to its default with a notice.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from retention.benchmarks import BENCHMARKS
from retention.i18n import LANGUAGES, t
from retention.periods import PERIODS
from retention.settings import MAX_WINDOW, default
from ui import data

# Short forms people write in links (``granularity=Q``) for each period.
PERIOD_ALIASES = {"w": "week", "m": "month", "q": "quarter", "y": "year"}
VIEW_KEYS = ("period", "start", "end", "window", "industry", "target", "lang")
SEEDED = "_view_seeded"
NOTICES = "_view_notices"


@dataclass(frozen=True)
class UrlView:
    """The view as read from the URL, each value checked, and what was wrong."""

    period: str
    window: int
    industry: str
    language: str
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    notices: tuple[str, ...]
    target: float | None = None


def _period(raw: str | None, notices: list[str]) -> str:
    if raw is None:
        return str(default("period"))
    value = PERIOD_ALIASES.get(raw.lower(), raw.lower())
    if value in PERIODS:
        return value
    notices.append(
        t("The link's period “{value}” is unknown; showing months.", value=raw)
    )
    return str(default("period"))


def _window(raw: str | None, notices: list[str]) -> int:
    if raw is None:
        return int(default("window"))
    if raw.isdigit() and 1 <= int(raw) <= MAX_WINDOW:
        return int(raw)
    notices.append(
        t(
            "The link's activity window “{value}” is not 1 to {most}; using 1.",
            value=raw,
            most=MAX_WINDOW,
        )
    )
    return int(default("window"))


def _choice(
    raw: str | None, allowed, fallback: str, what: str, notices: list[str]
) -> str:
    if raw is None or raw in allowed:
        return raw or fallback
    notices.append(t("The link's {what} “{value}” is unknown.", what=what, value=raw))
    return fallback


def _date(raw: str | None, notices: list[str]) -> pd.Timestamp | None:
    if raw is None:
        return None
    try:
        return pd.Timestamp(raw).normalize()
    except ValueError:
        notices.append(t("The link's date “{value}” is not a date.", value=raw))
        return None


def _target(raw: str | None, notices: list[str]) -> float | None:
    """The owner's own annual retention target in percent, 1 to 100."""
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if 1 <= value <= 100:
        return value
    notices.append(
        t("The link's target “{value}” is not a percentage from 1 to 100.", value=raw)
    )
    return None


def read_url(params: dict[str, str]) -> UrlView:
    """Check every view parameter of a URL; unknown values become defaults."""
    notices: list[str] = []
    period = _period(params.get("period", params.get("granularity")), notices)
    return UrlView(
        period=period,
        window=_window(params.get("window"), notices),
        industry=_choice(
            params.get("industry"),
            BENCHMARKS,
            str(default("industry")),
            t("industry"),
            notices,
        ),
        language=_choice(
            params.get("lang"),
            LANGUAGES,
            str(default("language")),
            t("language"),
            notices,
        ),
        start=_date(params.get("start"), notices),
        end=_date(params.get("end"), notices),
        target=_target(params.get("target"), notices),
        notices=tuple(notices),
    )


def seed_from_url() -> UrlView | None:
    """On a session's first run, read the URL into the widgets' state."""
    if st.session_state.get(SEEDED):
        return None
    view = read_url(st.query_params.to_dict())
    st.session_state[SEEDED] = True
    st.session_state["period"] = view.period
    st.session_state["window"] = view.window
    st.session_state["industry"] = view.industry
    st.session_state["target"] = view.target
    st.session_state["lang"] = view.language
    st.session_state["url_range"] = (view.start, view.end)
    st.session_state[NOTICES] = view.notices
    return view


def write_url(values: dict[str, str]) -> None:
    """Put the view into the address bar, leaving other parameters alone."""
    for key in VIEW_KEYS:
        value = values.get(key)
        if value is None:
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != value:
            st.query_params[key] = value


# Choices made on one page that must still hold on the others: Streamlit forgets
# the value of a widget in any run that does not draw it, so each run hands the
# value back to the session before the page is drawn.
PAGE_CHOICES = (
    data.DATE_ORDER_KEY,
    data.TIMEZONE_KEY,
    data.ENCODING_KEY,
    "nps_target",
    "nps_scale_confirmed",
)


def keep_page_choices() -> None:
    """Carry the page-bound choices of ``PAGE_CHOICES`` over to this run."""
    for key in PAGE_CHOICES:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
