"""The progress bar of a read, with Streamlit's AppTest: the ui layer shows
each step the reader reports, with its status line, and clears it when done."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def read_with_a_bar() -> None:
    import streamlit as st

    from retention.sales_log import read_raw
    from ui.data import progress_bar

    if "bar" in st.session_state:  # the second run finishes the first's read
        st.session_state.pop("bar").__exit__(None, None, None)
        return
    bar = progress_bar(slow=True)
    # kept open across the run, so the bar's last step can be looked at
    st.session_state["bar"] = bar
    show = bar.__enter__()
    sales = b"customer,date,amount\nC1,2024-01-01,5\n"
    read_raw([("jan.csv", sales), ("feb.csv", sales)], progress=show)


def test_the_bar_shows_the_step_reached_and_is_cleared_when_done():
    app = AppTest.from_function(read_with_a_bar).run()
    assert not app.exception
    bars = app.get("progress")
    assert [(bar.proto.value, bar.proto.text) for bar in bars] == [
        (90, "Finding the header row of feb.csv…")
    ]
    app.run()
    assert not app.exception
    assert not app.get("progress")
