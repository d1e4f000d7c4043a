"""The Retention page's table of the counts behind each rate, in AppTest."""

from __future__ import annotations

import pytest
import streamlit as st

from tests.test_pages import navigation_pages, open_app  # noqa: F401
from ui.show import table_height


@pytest.fixture
def table_heights(monkeypatch):
    """The ``height`` each ``st.dataframe`` of a run is drawn with, by its
    first column's name."""
    heights = {}
    real = st.dataframe

    def recording(data, *args, **kwargs):
        heights[str(data.columns[0])] = kwargs.get("height", "auto")
        return real(data, *args, **kwargs)

    monkeypatch.setattr(st, "dataframe", recording)
    return heights


def test_the_counts_table_shows_every_month_of_the_sample(table_heights):
    # regression: the 13 months were cut at Sep 2011 behind an inner scroll,
    # hiding the Oct - Dec 2011 rows the headline quotes
    app = open_app()
    app.switch_page("pages/retention.py").run()
    assert not app.exception, [e.value for e in app.exception]
    counts = next(frame for frame in app.dataframe if "At start (S)" in frame.value)
    assert len(counts.value) == 13
    assert table_heights["Period"] == table_height(13) == 14 * 35 + 3


def test_a_table_of_many_periods_shows_25_rows_and_scrolls_the_rest():
    assert table_height(1) == 2 * 35 + 3
    assert table_height(25) == table_height(54) == 26 * 35 + 3
