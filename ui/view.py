"""The view the owner is looking at, kept in the URL's query parameters.

Each choice (period, date range, activity window, industry, own retention
target, language) lives in a
widget whose state is seeded from the URL on the first run of a session and
written back to the URL on every run, so a copied address reproduces the view.
A value in the URL that cannot be used (or a page that does not exist) gives
way to the nearest valid view, with a notice that names the part of the link
and what is shown instead; the URL then holds the view shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from retention.benchmarks import industry_names
from retention.i18n import LANGUAGES, t, t_count
from retention.periods import PERIODS
from retention.settings import MAX_WINDOW, default
from ui import data

# Short forms people write in links (``granularity=Q``) for each period.
PERIOD_ALIASES = {"w": "week", "m": "month", "q": "quarter", "y": "year"}
VIEW_KEYS = ("period", "start", "end", "window", "industry", "target", "lang")
SEEDED = "_view_seeded"
NOTICES = "_view_notices"
# The link's dates that are no dates, by name (start, end): the sidebar says
# so once it knows the range it shows instead.
BAD_DATES = "_view_bad_dates"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


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
    bad_dates: tuple[tuple[str, str], ...] = ()


def _period(raw: str | None, notices: list[str]) -> str:
    if raw is None:
        return str(default("period"))
    value = PERIOD_ALIASES.get(raw.lower(), raw.lower())
    if value in PERIODS:
        return value
    fallback = str(default("period"))
    shown = {
        "week": t("weeks"),
        "month": t("months"),
        "quarter": t("quarters"),
        "year": t("years"),
    }
    notices.append(
        t(
            "The link's period “{value}” is not week, month, quarter or year; "
            "showing {shown}.",
            value=raw,
            shown=shown[fallback],
        )
    )
    return fallback


def _window(raw: str | None, notices: list[str]) -> int:
    if raw is None:
        return int(default("window"))
    if raw.isdigit() and 1 <= int(raw) <= MAX_WINDOW:
        return int(raw)
    fallback = int(default("window"))
    notices.append(
        t_count(
            fallback,
            "The link's activity window “{value}” is not a whole number from 1 to "
            "{most}; showing customers as lost after {count} period without a "
            "purchase.",
            "The link's activity window “{value}” is not a whole number from 1 to "
            "{most}; showing customers as lost after {count} periods without a "
            "purchase.",
            value=raw,
            most=MAX_WINDOW,
        )
    )
    return fallback


def _choice(
    raw: str | None,
    names: dict[str, str],
    fallback: str,
    what: str,
    notices: list[str],
) -> str:
    """``raw`` when it is one of ``names`` (value -> name shown), else
    ``fallback`` with a notice naming what is shown instead."""
    if raw is None or raw in names:
        return raw or fallback
    notices.append(
        t(
            "The link's {what} “{value}” is unknown; showing {shown}.",
            what=what,
            value=raw,
            shown=names[fallback],
        )
    )
    return fallback


def _date(raw: str | None, name: str, bad: list[tuple[str, str]]):
    """A day written as the app writes it (2011-03-01); None, with ``(name,
    raw)`` added to ``bad``, for anything else."""
    if raw is None:
        return None
    if _ISO_DAY.fullmatch(raw.strip()):
        try:
            return pd.Timestamp(raw.strip())
        except ValueError:  # 2099-13-45
            pass
    bad.append((name, raw))
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
        t(
            "The link's target “{value}” is not a percentage from 1 to 100; "
            "comparing with the industry's figure instead.",
            value=raw,
        )
    )
    return None


def read_url(params: dict[str, str]) -> UrlView:
    """Check every view parameter of a URL; unknown values become defaults."""
    notices: list[str] = []
    bad_dates: list[tuple[str, str]] = []
    period = _period(params.get("period", params.get("granularity")), notices)
    return UrlView(
        period=period,
        window=_window(params.get("window"), notices),
        industry=_choice(
            params.get("industry"),
            industry_names(),
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
        start=_date(params.get("start"), "start", bad_dates),
        end=_date(params.get("end"), "end", bad_dates),
        target=_target(params.get("target"), notices),
        notices=tuple(notices),
        bad_dates=tuple(bad_dates),
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
    st.session_state[BAD_DATES] = dict(view.bad_dates)
    st.session_state[NOTICES] = [
        *st.session_state.get(NOTICES, ()),
        *view.notices,
    ]
    return view


def check_page(pages: list, *, shared: bool = False) -> None:
    """When the address names a page that is not one of ``pages`` (a typo, an
    old bookmark, or for a partner a page that is only the owner's), open the
    default page instead of Streamlit's "page not found", and say so."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    manager = ctx.pages_manager
    # A page picked inside the app comes by its hash; only an address comes by name.
    name = manager.intended_page_name
    if manager.intended_page_script_hash or not name:
        return
    if name.strip("/") in {page.url_path for page in pages}:
        return
    # NOTE: pages_manager is Streamlit's own; with no intent, st.navigation
    # opens the default page without its "page not found" dialog.
    manager.set_script_intent("", "")
    default = next((page for page in pages if not page.url_path), pages[0])
    message = (
        "The link's page “{value}” is not open to shared links; showing {shown}."
        if shared
        else "The link's page “{value}” does not exist; showing {shown}."
    )
    notice = t(message, value=name.strip("/"), shown=default.title)
    st.session_state[NOTICES] = [*st.session_state.get(NOTICES, ()), notice]


def link_view(first_order, last_order, *, loaded: bool) -> dict[str, str]:
    """The view a new share link carries: the sidebar's (as the address holds
    it) for the dataset that is loaded; for another saved dataset, the same
    period, activity window, industry, target and language, but that dataset's
    own dates from its first order to its last (the sidebar's range is that of
    the data loaded, which may not overlap it)."""
    view = {
        name: st.query_params[name] for name in VIEW_KEYS if name in st.query_params
    }
    if loaded or first_order is None or last_order is None:
        return view
    return {
        **view,
        "start": pd.Timestamp(first_order).date().isoformat(),
        "end": pd.Timestamp(last_order).date().isoformat(),
    }


def write_url(values: dict[str, str]) -> None:
    """Put the view into the address bar, leaving other parameters alone."""
    # the short form of the period is written out in full as "period"
    for alias in ("granularity",):
        if alias in st.query_params:
            del st.query_params[alias]
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
