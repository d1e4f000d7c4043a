"""The sidebar every page shares: the data, the period, the date range, the
activity window and the industry; and the view that pages read from them."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from retention.benchmarks import industry_names
from retention.i18n import LANGUAGES, t
from retention.periods import period_label, period_names, period_ordinals
from retention.sales_log import NoPurchasesError, SalesLog
from retention.selection import Selection
from retention.settings import MAX_WINDOW, setting_help
from ui import access, data, report, saved, show
from ui.view import BAD_DATES, NOTICES, write_url


@dataclass(frozen=True)
class View:
    sales_log: SalesLog
    selection: Selection
    industry: str
    is_sample: bool
    source_name: str
    target: float | None = None


def available_periods(orders: pd.DataFrame, period: str) -> list[int]:
    """Every period from the first order's to the last order's."""
    stamps = orders["timestamp"]
    first, last = period_ordinals(pd.Series([stamps.min(), stamps.max()]), period)
    return list(range(int(first), int(last) + 1))


def _range_key(period: str) -> str:
    return f"range_{period}"


URL_RANGE_CHECKED = "_url_range_checked"


def _url_dates() -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The link's start and end days, in order: a start after the end is read
    as the same range written the other way round."""
    start, end = st.session_state.get("url_range", (None, None))
    if start is not None and end is not None and start > end:
        return end, start
    return start, end


def _asked_range(options: list[int], period: str) -> tuple[int, int]:
    """The periods the URL asks for, as written (every period when it names none)."""
    start, end = _url_dates()
    first, last = options[0], options[-1]
    if start is not None:
        first = int(period_ordinals(pd.Series([start]), period)[0])
    if end is not None:
        last = int(period_ordinals(pd.Series([end]), period)[0])
    return first, last


def _initial_range(options: list[int], period: str) -> tuple[int, int]:
    """The range asked for by the URL on first load, else every period; a range
    outside the data or ending before it starts is brought inside the data."""
    first, last = _asked_range(options, period)
    first = min(max(first, options[0]), options[-1])
    last = min(max(last, first), options[-1])
    return first, last


def _url_range_notice(options: list[int], period: str) -> None:
    """Say so, once, when the link's dates could not be shown as asked: a day
    that is no date, a start after the end, or dates outside the data."""
    if st.session_state.get(URL_RANGE_CHECKED):
        return
    st.session_state[URL_RANGE_CHECKED] = True
    asked, shown = _asked_range(options, period), _initial_range(options, period)
    view = Selection(period, shown[0], shown[1], 1)
    first_day = view.start.date().isoformat()
    last_day = (view.end - pd.Timedelta(days=1)).date().isoformat()
    bad = st.session_state.get(BAD_DATES, {})
    if "start" in bad:
        st.warning(
            t(
                "The link's start date “{value}” is not a date (year-month-day); "
                "showing from {day}.",
                value=bad["start"],
                day=first_day,
            )
        )
    if "end" in bad:
        st.warning(
            t(
                "The link's end date “{value}” is not a date (year-month-day); "
                "showing up to {day}.",
                value=bad["end"],
                day=last_day,
            )
        )
    start, end = st.session_state.get("url_range", (None, None))
    if start is not None and end is not None and start > end:
        st.warning(
            t(
                "The link's start date {start} is after its end date {end}; "
                "showing {first} to {last}.",
                start=start.date().isoformat(),
                end=end.date().isoformat(),
                first=first_day,
                last=last_day,
            )
        )
    if asked == shown:
        return
    start, end = _url_dates()
    st.warning(
        t(
            "The link asks for {start} to {end}, but the data runs from {first} to "
            "{last}: showing {shown_first} to {shown_last}.",
            start=start.date().isoformat() if start is not None else "…",
            end=end.date().isoformat() if end is not None else "…",
            first=period_label(options[0], period),
            last=period_label(options[-1], period),
            shown_first=period_label(shown[0], period),
            shown_last=period_label(shown[1], period),
        )
    )


def selected_range(orders: pd.DataFrame, period: str) -> tuple[int, int]:
    options = available_periods(orders, period)
    value = st.session_state.get(_range_key(period))
    if value is None or value[0] not in options or value[1] not in options:
        return _initial_range(options, period)
    return int(value[0]), int(value[1])


def current_view() -> View:
    """The view the widgets describe (pages call this; nothing is re-read)."""
    source = data.current_source()
    log = data.current_sales_log()
    show.show_currency(log.report.currency)
    period = st.session_state.get("period", "month")
    first, last = selected_range(log.orders, period)
    selection = Selection(period, first, last, int(st.session_state.get("window", 1)))
    return View(
        log,
        selection,
        st.session_state.get("industry", "retail"),
        source.is_sample,
        source.name,
        target=st.session_state.get("target"),
    )


def require_view() -> View:
    """The current view for a page, or a pointer to the sidebar's message when the
    file cannot be read (the page stops there)."""
    access.require_app_frame()
    try:
        return current_view()
    except NoPurchasesError:
        st.info(t("There is nothing to show: see the message in the sidebar."))
        st.stop()
    except ValueError:
        st.info(t("The file could not be read: see the message in the sidebar."))
        st.stop()


def _data_controls() -> None:
    st.file_uploader(
        t("Your sales log (.xlsx, .xls, .ods or .csv; several files at once)"),
        # .numbers is taken so that the reading says how to export it
        type=["xlsx", "xlsm", "xls", "ods", "csv", "txt", "tsv", "numbers"],
        accept_multiple_files=True,
        key=data.UPLOAD_KEY,
        help=t(
            "One row per order or per line item, with a customer, a date and an "
            "amount. Monthly exports can be uploaded together; a row found in two "
            "files counts once. Up to {limit} MB per file. Nothing leaves this app.",
            limit=f"{data.upload_limit_mb():,.0f}",
        ),
        on_change=_forget_file_choices,
    )
    source = data.current_source()
    if source.is_sample:
        st.caption(
            t(
                "Showing the sample: a year of a UK gift shop's sales "
                "(Online Retail, 1 in 10 customers)."
            )
        )
    sheets = data.workbook_sheets(source)
    if len(sheets) > 1:
        st.multiselect(
            t("Sheets to read"),
            sheets,
            default=data.default_sheets(source),
            key=data.SHEETS_KEY,
            help=t(
                "Pick one sheet, or several of the same layout (say, one per "
                "year) to read them as one sales log."
            ),
        )
    for name, names in data.workbooks_with_sheets(source):
        st.multiselect(
            t("Sheets to read from {name}", name=name),
            names,
            default=data.default_sheets_of(source, name),
            key=data.sheets_key(name),
            help=t(
                "Pick one sheet, or several of the same layout; the sheets of "
                "all files are read as one sales log."
            ),
        )


def _forget_file_choices() -> None:
    """A new upload starts from its own columns and sheets."""
    for key in (data.MAPPING_KEY, data.SHEETS_KEY, data.ENCODING_KEY):
        st.session_state.pop(key, None)
    for key in [k for k in st.session_state if str(k).startswith(data.sheets_key(""))]:
        st.session_state.pop(key, None)


def _period_controls(orders: pd.DataFrame) -> None:
    names = period_names()
    period = st.selectbox(t("Period"), list(names), format_func=names.get, key="period")
    options = available_periods(orders, period)
    key = _range_key(period)
    stored = st.session_state.get(key)
    if stored is not None and not set(stored) <= set(options):
        del st.session_state[key]
    _url_range_notice(options, period)
    if len(options) > 1:
        st.select_slider(
            t("Date range"),
            options=options,
            value=_initial_range(options, period),
            format_func=lambda o: period_label(o, period),
            key=key,
        )
    st.number_input(
        t("A customer is lost after this many periods without a purchase"),
        min_value=1,
        max_value=MAX_WINDOW,
        step=1,
        key="window",
        help=setting_help("window"),
    )


def _other_controls() -> None:
    industries = industry_names()
    st.selectbox(
        t("Your industry"),
        list(industries),
        format_func=industries.get,
        key="industry",
        help=setting_help("industry"),
    )
    st.number_input(
        t("Your own target: customers kept per year (%)"),
        min_value=1.0,
        max_value=100.0,
        step=1.0,
        key="target",
        help=setting_help("target"),
        placeholder=t("the industry's figure"),
    )
    if len(LANGUAGES) > 1:
        st.selectbox(
            t("Language"), list(LANGUAGES), format_func=LANGUAGES.get, key="lang"
        )


def _file_was_read() -> bool:
    """Whether the file itself could be read, so that choosing other columns on
    the Data page can help (it cannot for an empty or broken file)."""
    try:
        data.current_raw()
    except ValueError:
        return False
    return True


def render_sidebar() -> View | None:
    """Draw the sidebar, put the view in the URL, and return it (None when the
    file cannot be read: the message is shown instead)."""
    partner = access.current_access().is_partner
    with st.sidebar:
        if partner:
            access.shared_caption()
        else:
            _data_controls()
        for notice in st.session_state.pop(NOTICES, ()):
            st.warning(notice)
        try:
            log = data.current_sales_log()
        except ValueError as error:
            st.error(str(error))
            if not partner and _file_was_read():
                st.caption(t("The Data page lets you choose the columns yourself."))
            return None
        if not partner:
            saved.remember_upload()
        _period_controls(log.orders)
        _other_controls()
    view = current_view()
    write_url(
        {
            "period": view.selection.period,
            "start": view.selection.start.date().isoformat(),
            "end": (view.selection.end - pd.Timedelta(days=1)).date().isoformat(),
            "window": str(view.selection.window),
            "industry": view.industry,
            "target": None if view.target is None else f"{view.target:g}",
            "lang": st.session_state.get("lang", "en"),
        }
    )
    with st.sidebar:
        report.report_download(view)
    return view
