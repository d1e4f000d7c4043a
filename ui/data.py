"""Loading at the edge: the sales log and survey behind the current view, cached
by file content plus the settings that change the result, so moving a slider
never reads a file again. Nothing here computes a figure itself."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import streamlit as st

from retention.cohorts import cohort_cells
from retention.columns import ColumnMapping, detect_columns
from retention.i18n import t
from retention.leaks import customers_at_start
from retention.nps import read_survey
from retention.reading import RawTable
from retention.retention_rates import retention_by_period
from retention.sales_log import SalesLog, build_orders, read_raw
from retention.segments import customer_segments
from retention.selection import Selection

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data"
SAMPLE_SALES_LOG = SAMPLE_DIR / "Online_Retail_subset_cust_mod10.xlsx"
UPLOAD_KEY = "sales_upload"
MAPPING_KEY = "mapping_overrides"
DATE_ORDER_KEY = "date_order"
TIMEZONE_KEY = "timezone"


@dataclass(frozen=True)
class Source:
    """Where the current sales log comes from."""

    name: str
    content: bytes
    is_sample: bool


def current_source() -> Source:
    upload = st.session_state.get(UPLOAD_KEY)
    if upload is not None:
        return Source(upload.name, upload.getvalue(), is_sample=False)
    return Source(SAMPLE_SALES_LOG.name, _sample_bytes(), is_sample=True)


@st.cache_resource(show_spinner=False)
def _sample_bytes() -> bytes:
    return SAMPLE_SALES_LOG.read_bytes()


@st.cache_resource(show_spinner=False, max_entries=8)
def _read(name: str, content: bytes) -> RawTable:
    return read_raw((name, content))


@st.cache_resource(show_spinner=False, max_entries=16)
def _build(
    content_hash: str,
    overrides: tuple[tuple[str, str | None], ...],
    date_order: str,
    timezone: str | None,
    _raw: RawTable,
) -> SalesLog:
    mapping = replace(detect_columns(_raw.frame), **dict(overrides))
    return build_orders(_raw, mapping, timezone=timezone, date_order=date_order)


def current_mapping(raw: RawTable) -> ColumnMapping:
    """The detected columns with the owner's corrections applied."""
    return replace(detect_columns(raw.frame), **mapping_overrides())


def mapping_overrides() -> dict[str, str | None]:
    """The owner's corrections to the detected columns (a choice, not data)."""
    return dict(st.session_state.get(MAPPING_KEY, {}))


def current_raw() -> RawTable:
    """The raw table of the current file, read once per file content."""
    source = current_source()
    with st.spinner(t("Reading {name}…", name=source.name)):
        return _read(source.name, source.content)


def current_sales_log() -> SalesLog:
    """The sales log of the current view; raises ``SalesLogError`` (a
    ``ValueError`` with a message for the owner) for a file it cannot use."""
    raw = current_raw()
    return _build(
        raw.content_hash,
        tuple(sorted(mapping_overrides().items())),
        st.session_state.get(DATE_ORDER_KEY, "auto"),
        st.session_state.get(TIMEZONE_KEY) or None,
        raw,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def retention_table(
    content_hash: str, period: str, window: int, _orders: pd.DataFrame
) -> pd.DataFrame:
    """``retention_by_period`` cached by the data's hash and the settings."""
    return retention_by_period(_orders, period, window)


@st.cache_data(show_spinner=False, max_entries=32)
def cohort_table(content_hash: str, period: str, _orders: pd.DataFrame) -> pd.DataFrame:
    """``cohort_cells`` cached by the data's hash and the period."""
    return cohort_cells(_orders, period)


@st.cache_data(show_spinner=False, max_entries=32)
def at_start_customers(
    content_hash: str, selection: Selection, _orders: pd.DataFrame
) -> pd.DataFrame:
    """``customers_at_start`` cached by the data's hash and the selection."""
    return customers_at_start(_orders, selection)


@st.cache_data(show_spinner=False, max_entries=32)
def segments_table(
    content_hash: str, as_of: pd.Timestamp, _orders: pd.DataFrame
) -> pd.DataFrame:
    """``customer_segments`` cached by the data's hash and the day."""
    return customer_segments(_orders, as_of)


SAMPLE_SURVEY = SAMPLE_DIR / "carpentries_instructor_training_nps_2016-2018.csv"
SURVEY_KEY = "survey_upload"


def current_survey_source() -> Source:
    upload = st.session_state.get(SURVEY_KEY)
    if upload is not None:
        return Source(upload.name, upload.getvalue(), is_sample=False)
    return Source(SAMPLE_SURVEY.name, SAMPLE_SURVEY.read_bytes(), is_sample=True)


@st.cache_resource(show_spinner=False, max_entries=16)
def load_survey(name: str, content: bytes) -> pd.DataFrame:
    """The survey table of a file, read once per content."""
    return read_survey((name, content))
