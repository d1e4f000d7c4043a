"""Download buttons for customer lists: the same rows as ``.csv`` and ``.xlsx``,
made only when the owner clicks (a long list is not written on every rerun)."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from retention.export import list_as_csv, list_as_xlsx
from retention.i18n import t, t_count

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The most rows a list shows on screen: the whole table is sent to the browser
# again on every rerun, so a list of hundreds of thousands of customers would
# make every slider move slow; the downloads always hold every row.
SHOWN_ROWS = 1_000


def list_preview(frame: pd.DataFrame) -> pd.DataFrame:
    """The first ``SHOWN_ROWS`` rows of a list, to show on screen, with a note
    saying so when the list is longer."""
    if len(frame) <= SHOWN_ROWS:
        return frame
    st.caption(
        t(
            "Showing the first {shown} of {count} rows; the downloads below hold "
            "them all.",
            shown=f"{SHOWN_ROWS:,}",
            count=f"{len(frame):,}",
        )
    )
    return frame.head(SHOWN_ROWS)


def list_downloads(frame: pd.DataFrame, file_stem: str, key: str) -> None:
    """Two buttons side by side that download ``frame`` as it is shown."""
    left, right = st.columns(2)
    left.download_button(
        t_count(
            len(frame), "Download {count} row (.csv)", "Download {count} rows (.csv)"
        ),
        partial(list_as_csv, frame),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        disabled=frame.empty,
    )
    right.download_button(
        t_count(
            len(frame), "Download {count} row (.xlsx)", "Download {count} rows (.xlsx)"
        ),
        partial(list_as_xlsx, frame, file_stem),
        file_name=f"{file_stem}.xlsx",
        mime=XLSX_MIME,
        key=f"{key}_xlsx",
        on_click="ignore",
        disabled=frame.empty,
    )
