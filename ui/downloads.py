"""Download buttons for customer lists: the same rows as ``.csv`` and ``.xlsx``,
made only when the owner clicks (a long list is not written on every rerun)."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from retention.export import list_as_csv, list_as_xlsx
from retention.i18n import t_count

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
