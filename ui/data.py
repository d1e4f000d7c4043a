"""Loading at the edge: the sales log and survey behind the current view, cached
by file content plus the settings that change the result, so moving a slider
never reads a file again. Nothing here computes a figure itself."""

from __future__ import annotations

import hashlib
import json
import time
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import astuple, dataclass, replace
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from retention.annual import rolling_annual_retention
from retention.cleaning import today_in
from retention.cohorts import cohort_cells
from retention.columns import ROLES, ColumnMapping, detect_columns
from retention.layouts import LayoutMemory, data_dir, layout_key
from retention.leaks import customers_at_start
from retention.reading import Progress, RawTable, sheet_names
from retention.retention_rates import retention_by_period
from retention.sales_log import (
    SalesLog,
    build_orders,
    files_name,
    read_raw,
    sales_sheet,
)
from retention.segments import customer_segments, customers_at_risk, vip_customers
from retention.selection import Selection
from retention.survey import (
    Responses,
    SurveyColumns,
    SurveyFile,
    detect_survey_columns,
    read_survey,
    survey_responses,
)
from ui import access
from ui.store import dataset_store

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data"
SAMPLE_SALES_LOG = SAMPLE_DIR / "Online_Retail_subset_cust_mod10.xlsx"
UPLOAD_KEY = "sales_upload"
MAPPING_KEY = "mapping_overrides"
DATE_ORDER_KEY = "date_order"
TIMEZONE_KEY = "timezone"
SHEETS_KEY = "sheets"
ENCODING_KEY = "text_encoding"
# The areas of the IANA zones offered as shop time zones ("Europe/Budapest");
# the others are old aliases (US/Pacific, Etc/GMT+8) that only confuse a list.
ZONE_AREAS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
# Sizes above which reading or cleaning takes about a second here
# (scripts/bench_reading.py): a bar is shown from the start.
SLOW_READ_BYTES = 3_000_000
SLOW_CLEAN_ROWS = 200_000


@dataclass(frozen=True)
class Source:
    """Where the current sales log comes from: one file or several."""

    name: str
    content: bytes
    is_sample: bool
    files: tuple[tuple[str, bytes], ...] = ()
    # a digest of each file's content, in the order of ``files``: the caches
    # below are keyed by these, so no rerun hashes the bytes again
    digests: tuple[str, ...] = ()

    def file(self, name: str) -> tuple[str, str, bytes]:
        """The name, digest and content of the file called ``name``."""
        for (file_name, content), digest in zip(self.files, self.digests, strict=True):
            if file_name == name:
                return file_name, digest, content
        raise KeyError(name)


def _uploads() -> list:
    """The uploaded files (the uploader takes several), in upload order."""
    uploads = st.session_state.get(UPLOAD_KEY)
    if uploads is None:
        return []
    return list(uploads) if isinstance(uploads, (list, tuple)) else [uploads]


def current_source() -> Source:
    if (shared := access.current_access().dataset) is not None:
        return Source(shared.name, b"", is_sample=False)
    uploads = _uploads()
    files = tuple((upload.name, upload.getvalue()) for upload in uploads)
    if files:
        name = files_name([file_name for file_name, _ in files])
        digests = tuple(
            _upload_digest(upload.file_id, content)
            for upload, (_, content) in zip(uploads, files, strict=True)
        )
        return Source(name, files[0][1], is_sample=False, files=files, digests=digests)
    content = _sample_bytes()
    return Source(
        SAMPLE_SALES_LOG.name,
        content,
        is_sample=True,
        files=((SAMPLE_SALES_LOG.name, content),),
        digests=(_digest(content),),
    )


@st.cache_resource(show_spinner=False)
def _sample_bytes() -> bytes:
    return SAMPLE_SALES_LOG.read_bytes()


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=64)
def _upload_digest(file_id: str, _content: bytes) -> str:
    """The digest of an uploaded file, made once per upload: Streamlit gives
    every upload an id of its own, even of the same file again."""
    return _digest(_content)


def upload_limit_mb() -> float:
    """The upload limit set in ``.streamlit/config.toml`` (server.maxUploadSize)."""
    return float(st.get_option("server.maxUploadSize"))


def workbook_sheets(source: Source) -> list[str]:
    """The sheets of the one uploaded workbook; ``[]`` for text or several files."""
    if len(source.files) != 1:
        return []
    return _sheet_names(*source.file(source.files[0][0]))


@st.cache_resource(show_spinner=False, max_entries=8)
def _sheet_names(name: str, digest: str, _content: bytes) -> list[str]:
    try:
        return sheet_names(_content, name=name)
    except ValueError:
        return []  # the read itself says what is wrong with the file


def default_sheets(source: Source) -> list[str]:
    """The sheet read when the owner chose none: the first with sales columns,
    as the reading of the workbook with no sheet chosen found it (so a sheet
    of a million rows is read once, not again to name it here)."""
    names = workbook_sheets(source)
    if not names:
        return []
    try:
        raw = _raw_of(source, None)
    except ValueError:
        return [names[0]]  # the reading says what is wrong with the file
    return raw.sheets_read()[:1] or names[:1]


def stack_alike_sheets(raw: RawTable) -> None:
    """Choose the sheet read and the sheets with the same columns, in the
    workbook's order, under Sheets to read (a button's callback)."""
    chosen = {*raw.sheets_read(), *raw.alike_sheets}
    st.session_state[SHEETS_KEY] = [s for s in raw.sheet_names if s in chosen]


def workbooks_with_sheets(source: Source) -> list[tuple[str, list[str]]]:
    """With several files uploaded, each workbook of more than one sheet and
    its sheets, in upload order; ``[]`` for a single file."""
    if len(source.files) < 2:
        return []
    found = []
    for name, _ in source.files:
        names = _sheet_names(*source.file(name))
        if len(names) > 1:
            found.append((name, names))
    return found


def sheets_key(name: str) -> str:
    """The session key of the sheets chosen for one of several workbooks."""
    return f"{SHEETS_KEY}:{name}"


def default_sheets_of(source: Source, name: str) -> list[str]:
    """The sheet read from one of several workbooks when the owner chose none."""
    names = _sheet_names(*source.file(name))
    if not names:
        return []
    try:
        # as the reading of all the files with no sheet chosen found it
        return _raw_of(source, None).sheets_read(name)[:1] or names[:1]
    except ValueError:
        return [_sales_sheet(*source.file(name)) or names[0]]


@st.cache_resource(show_spinner=False, max_entries=8)
def _sales_sheet(name: str, digest: str, _content: bytes) -> str | None:
    try:
        return sales_sheet(_content, name=name)
    except ValueError:
        return None


def chosen_sheets(source: Source) -> tuple | None:
    """The sheets the owner chose, when they are sheets of this workbook; with
    several workbooks, ``(file name, sheets)`` for each one whose choice is not
    its default."""
    if len(source.files) > 1:
        return _chosen_sheets_per_file(source)
    chosen = tuple(st.session_state.get(SHEETS_KEY) or ())
    names = workbook_sheets(source)
    if not chosen or not set(chosen) <= set(names):
        return None
    if list(chosen) == default_sheets(source):
        return None
    return chosen


def _chosen_sheets_per_file(source: Source) -> tuple | None:
    chosen = []
    for name, names in workbooks_with_sheets(source):
        picked = tuple(st.session_state.get(sheets_key(name)) or ())
        if not picked or not set(picked) <= set(names):
            continue
        if list(picked) != default_sheets_of(source, name):
            chosen.append((name, picked))
    return tuple(chosen) or None


@st.cache_resource(show_spinner=False, max_entries=8)
def _read(
    names: tuple[str, ...],
    digests: tuple[str, ...],
    sheets: tuple | None,
    limit_mb: float,
    encoding: str | None,
    _files: tuple[tuple[str, bytes], ...],
) -> RawTable:
    """The raw table of ``_files``, cached by their names and digests."""
    size = sum(len(content) for _, content in _files)
    if sheets and len(_files) > 1:
        sheets = {name: list(picked) for name, picked in sheets}
    with progress_bar(slow=size >= SLOW_READ_BYTES) as progress:
        return read_raw(
            list(_files),
            sheet=sheets,
            limit_mb=limit_mb,
            progress=progress,
            encoding=encoding,
        )


@contextmanager
def progress_bar(*, slow: bool) -> Iterator[Progress]:
    """A progress bar with a status line, cleared when the work is done.

    Shown from the first step when the work is expected to take over a second
    (``slow``), else only from a step reached after a second.
    """
    started = time.perf_counter()
    slot = st.empty()

    def show(done: float, message: str) -> None:
        if slow or time.perf_counter() - started >= 1.0:
            slot.progress(min(max(done, 0.0), 1.0), text=message)

    try:
        yield show
    finally:
        slot.empty()


@st.cache_resource(show_spinner=False, max_entries=16)
def _build(
    content_hash: str,
    overrides: tuple[tuple[str, str | None], ...],
    date_order: str,
    timezone: str | None,
    read_on: date,
    _raw: RawTable,
) -> SalesLog:
    mapping = replace(detect_columns(_raw.cells), **dict(overrides))
    with progress_bar(slow=len(_raw) >= SLOW_CLEAN_ROWS) as progress:
        log = build_orders(
            _raw,
            mapping,
            timezone=timezone,
            date_order=date_order,
            read_on=read_on,
            progress=progress,
        )
    zone = log.report.timezone  # None unless a stamp was converted to it
    # the day read matters only when it left a row out
    day = read_on.isoformat() if log.report.count("future_date") else None
    if not overrides and date_order == "auto" and zone is None and day is None:
        return log
    # Figures are cached by the log's hash: a corrected reading of a file gets
    # a hash of its own, so two readings of one file never share results.
    parts = [content_hash, overrides, date_order, zone]
    reading = json.dumps(parts if day is None else [*parts, day])
    return replace(log, content_hash=hashlib.sha256(reading.encode()).hexdigest())


@st.cache_resource(show_spinner=False)
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def browser_timezone() -> str | None:
    """The time zone the browser says it is in; None when it says none (as in
    a test or a headless browser) or one this machine does not know."""
    zone = st.context.timezone
    return zone if zone in _known_zones() else None


def shop_timezone(raw: RawTable) -> str | None:
    """The shop's time zone for the stamps of ``raw`` written with an offset:
    the owner's choice on the Data page, else the zone the file was saved with
    (so a file uploaded again from another zone reads as before), else the
    browser's. None (the owner's "keep the clock time", or no zone known)
    keeps the clock time written."""
    chosen = st.session_state.get(TIMEZONE_KEY)
    if chosen is None:
        return _saved_timezone(raw.content_hash) or browser_timezone()
    return chosen if chosen in _known_zones() else None


def _saved_timezone(content_hash: str) -> str | None:
    zone = _saved_setting(content_hash, "timezone")
    return zone if zone in _known_zones() else None


def _saved_setting(content_hash: str, name: str):
    """A reading setting the uploaded file was saved with (None for the sample
    or a file not saved)."""
    if current_source().is_sample:
        return None
    dataset = dataset_store().find(content_hash)
    return None if dataset is None else dataset.settings.get(name)


def read_on(raw: RawTable) -> date:
    """The day the file is taken as read, after which a sale cannot be dated:
    the day it was first saved (so it reads the same on any later day, for
    the owner and for a share link alike), else today in the shop's time
    zone, or the latest date anywhere when no zone is known."""
    saved = _saved_setting(raw.content_hash, "read_on")
    if isinstance(saved, str):
        with suppress(ValueError):
            return date.fromisoformat(saved)
    return today_in(shop_timezone(raw) or browser_timezone())


def time_zone_choices(raw: RawTable) -> list[str]:
    """The shop time zones to choose from: ``""`` (keep the clock time written)
    first, then every zone of ``ZONE_AREAS`` and UTC, sorted, with the
    browser's and the shop's zone when they go by another name."""
    zones = {zone for zone in _known_zones() if zone.split("/")[0] in ZONE_AREAS}
    zones |= {"UTC"} | {z for z in (browser_timezone(), shop_timezone(raw)) if z}
    return ["", *sorted(zones)]


def current_mapping(raw: RawTable) -> ColumnMapping:
    """The detected columns with the owner's corrections applied."""
    return replace(detect_columns(raw.cells), **mapping_overrides(raw))


def mapping_overrides(raw: RawTable | None = None) -> dict[str, str | None]:
    """The owner's corrections to the detected columns (a choice, not data):
    those made for this file, else those remembered for its layout."""
    if MAPPING_KEY in st.session_state or raw is None:
        return dict(st.session_state.get(MAPPING_KEY, {}))
    return layout_memory().recall(layout_key(raw.columns), raw.columns)


def choose_column(raw: RawTable, role: str, column: str | None) -> None:
    """Record the owner's column for a role, and remember it for this layout."""
    chosen = mapping_overrides(raw)
    chosen[role] = column
    st.session_state[MAPPING_KEY] = chosen
    layout_memory().remember(layout_key(raw.columns), chosen)


# The Data page's choice of no column for a role (a box holding None would
# show as empty, not as "(none)"); no column is named so.
NO_COLUMN = ""


def role_key(role: str) -> str:
    """The session key of the Data page's box for one role's column."""
    return f"role_{role}"


def show_mapping_in_form(mapping: ColumnMapping, options: list) -> None:
    """Put the columns in use into the Data page's boxes before they are drawn.

    A box keeps the value it last held, so after another file, sheet or
    choice of sheets it would show a column of the earlier reading (or none)
    while the figures use another; the owner's own choice is in ``mapping``
    already (:func:`choose_column` runs before the page)."""
    for role in ROLES:
        current = getattr(mapping, role)
        shown = current if current in options else NO_COLUMN
        if role_key(role) not in st.session_state or (
            st.session_state[role_key(role)] != shown
        ):
            st.session_state[role_key(role)] = shown


def layout_memory() -> LayoutMemory:
    """The column choices per layout, ``layouts.sqlite`` in the data folder."""
    return LayoutMemory(data_dir() / "layouts.sqlite")


def current_raw() -> RawTable:
    """The raw table of the current file(s), read once per content and sheets."""
    source = current_source()
    return _raw_of(source, chosen_sheets(source))


def _raw_of(source: Source, sheets: tuple | None) -> RawTable:
    encoding = st.session_state.get(ENCODING_KEY)
    encoding = None if encoding in (None, "auto") else encoding
    return _read(
        tuple(name for name, _ in source.files),
        source.digests,
        sheets,
        upload_limit_mb(),
        encoding,
        source.files,
    )


def current_sales_log() -> SalesLog:
    """The sales log of the current view; raises ``SalesLogError`` (a
    ``ValueError`` with a message for the owner) for a file it cannot use."""
    if (shared := access.shared_sales_log()) is not None:
        return shared
    raw = current_raw()
    return _build(
        raw.content_hash,
        tuple(sorted(mapping_overrides(raw).items())),
        st.session_state.get(DATE_ORDER_KEY, "auto"),
        shop_timezone(raw),
        read_on(raw),
        raw,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def retention_table(
    content_hash: str, period: str, window: int, _orders: pd.DataFrame
) -> pd.DataFrame:
    """``retention_by_period`` cached by the data's hash and the settings."""
    return retention_by_period(_orders, period, window)


@st.cache_data(show_spinner=False, max_entries=16)
def rolling_annual(content_hash: str, _orders: pd.DataFrame) -> pd.DataFrame:
    """``rolling_annual_retention`` cached by the data's hash."""
    return rolling_annual_retention(_orders)


@st.cache_data(show_spinner=False, max_entries=32)
def cohort_table(content_hash: str, period: str, _orders: pd.DataFrame) -> pd.DataFrame:
    """``cohort_cells`` cached by the data's hash and the period."""
    return cohort_cells(_orders, period)


# The customer tables below have a row per customer (or per customer and
# period): they are kept as shared objects rather than copied on every rerun
# as cache_data would, which took longer than drawing the page. Nothing
# changes them: pages and figures derive new frames from them (and pandas'
# copy-on-write keeps a derived frame from writing into its source).


@st.cache_resource(show_spinner=False, max_entries=16)
def at_start_customers(
    content_hash: str, selection: Selection, _orders: pd.DataFrame
) -> pd.DataFrame:
    """``customers_at_start`` cached by the data's hash and the selection."""
    return customers_at_start(_orders, selection)


@st.cache_resource(show_spinner=False, max_entries=16)
def segments_table(
    content_hash: str, as_of: pd.Timestamp, _orders: pd.DataFrame
) -> pd.DataFrame:
    """``customer_segments`` cached by the data's hash and the day."""
    return customer_segments(_orders, as_of)


@st.cache_resource(show_spinner=False, max_entries=16)
def vip_table(
    content_hash: str, as_of: pd.Timestamp, _orders: pd.DataFrame
) -> pd.DataFrame:
    """``vip_customers`` on the day's segments, cached by the data's hash and
    the day."""
    segments = segments_table(content_hash, as_of, _orders)
    return vip_customers(_orders, segments, as_of)


@st.cache_resource(show_spinner=False, max_entries=16)
def risk_table(
    content_hash: str, as_of: pd.Timestamp, overdue_factor: float, _orders
) -> pd.DataFrame:
    """``customers_at_risk`` on the day's segments, cached by the data's hash,
    the day and the overdue factor."""
    segments = segments_table(content_hash, as_of, _orders)
    return customers_at_risk(segments, overdue_factor)


SAMPLE_SURVEY = SAMPLE_DIR / "carpentries_instructor_training_nps_2016-2018.csv"
SURVEY_KEY = "survey_upload"
SURVEY_COLUMNS_KEY = "survey_columns"


SURVEY_FILE_KEY = "survey_file"


def keep_survey_upload() -> None:
    """Keep the uploaded survey for the rest of the session (the uploader's
    ``on_change``): Streamlit empties an uploader when its page is left, and the
    owner expects their answers to be there when they come back to the page."""
    upload = st.session_state.get(SURVEY_KEY)
    if upload is None:
        st.session_state.pop(SURVEY_FILE_KEY, None)
    else:
        st.session_state[SURVEY_FILE_KEY] = Source(
            upload.name, upload.getvalue(), is_sample=False
        )


def forget_survey_upload() -> None:
    """Go back to the bundled sample survey."""
    st.session_state.pop(SURVEY_FILE_KEY, None)


def current_survey_source() -> Source:
    kept = st.session_state.get(SURVEY_FILE_KEY)
    if kept is not None:
        return kept
    return Source(SAMPLE_SURVEY.name, _sample_survey_bytes(), is_sample=True)


@st.cache_resource(show_spinner=False)
def _sample_survey_bytes() -> bytes:
    return SAMPLE_SURVEY.read_bytes()


@st.cache_resource(show_spinner=False, max_entries=8)
def load_survey(name: str, content: bytes) -> SurveyFile:
    """The survey file, read once per content with the sales log's reader."""
    return read_survey((name, content))


@st.cache_resource(show_spinner=False, max_entries=8)
def detected_survey_columns(content_hash: str, _survey: SurveyFile) -> SurveyColumns:
    return detect_survey_columns(_survey.table)


def survey_columns(survey: SurveyFile) -> SurveyColumns:
    """The detected survey columns with the owner's choices applied."""
    detected = detected_survey_columns(survey.content_hash, survey)
    chosen = st.session_state.get(SURVEY_COLUMNS_KEY, {})
    if chosen.get("content_hash") != survey.content_hash:
        return detected
    return replace(detected, **chosen["columns"])


def choose_survey_columns(survey: SurveyFile, columns: dict[str, str | None]) -> None:
    """Remember the owner's choice of columns for this survey file."""
    st.session_state[SURVEY_COLUMNS_KEY] = {
        "content_hash": survey.content_hash,
        "columns": columns,
    }


@st.cache_resource(show_spinner=False, max_entries=16)
def _responses(
    content_hash: str,
    columns: tuple[str | None, ...],
    date_order: str,
    _survey: SurveyFile,
) -> Responses:
    return survey_responses(_survey, SurveyColumns(*columns), date_order=date_order)


def responses(survey: SurveyFile, columns: SurveyColumns) -> Responses:
    """The responses table for these columns, built once per file and choice."""
    date_order = st.session_state.get(DATE_ORDER_KEY, "auto")
    return _responses(survey.content_hash, astuple(columns), date_order, survey)
