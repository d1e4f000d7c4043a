from streamlit.testing.v1 import AppTest


def long_list_page():
    import pandas as pd
    import streamlit as st

    from ui.downloads import SHOWN_ROWS, list_preview

    st.dataframe(list_preview(pd.DataFrame({"customer": range(SHOWN_ROWS + 5)})))
    st.dataframe(list_preview(pd.DataFrame({"customer": range(3)})))


def test_a_long_list_shows_its_first_rows_and_says_the_downloads_hold_all():
    app = AppTest.from_function(long_list_page).run()
    assert not app.exception
    assert len(app.dataframe[0].value) == 1_000
    assert len(app.dataframe[1].value) == 3
    assert len(app.caption) == 1
    assert "first 1,000 of 1,005 rows" in app.caption[0].value
