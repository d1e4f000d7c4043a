"""Regulars: do your customers come back? Run with ``streamlit run app.py``."""

import streamlit as st

from retention.i18n import set_language, t
from retention.reading import quiet_workbook_libraries
from ui.access import allowed_pages, check_access, overview_address
from ui.sidebar import render_sidebar
from ui.view import check_page, keep_page_choices, seed_from_url

st.set_page_config(page_title="Regulars", page_icon="☕", layout="wide")
quiet_workbook_libraries()
seed_from_url()
keep_page_choices()
set_language(st.session_state.get("lang", "en"))

# The Overview is served at the root; its own path is only a name for Streamlit,
# and /overview opens it through overview_address.
pages = [
    st.Page("pages/overview.py", title=t("Overview"), url_path="home", default=True),
    st.Page("pages/retention.py", title=t("Retention"), url_path="retention"),
    st.Page("pages/changes.py", title=t("What changed"), url_path="changes"),
    st.Page("pages/cohorts.py", title=t("Cohorts"), url_path="cohorts"),
    st.Page("pages/customers.py", title=t("Customers"), url_path="customers"),
    st.Page("pages/value.py", title=t("Customer value"), url_path="value"),
    st.Page("pages/nps.py", title=t("NPS"), url_path="nps"),
    st.Page("pages/data.py", title=t("Data"), url_path="data"),
    st.Page("pages/share.py", title=t("Share"), url_path="share"),
]
pages.append(overview_address(pages[0]))
check_page(pages)
access = check_access(pages)
shown = allowed_pages(pages)
check_page(shown, shared=access.is_partner)
navigation = st.navigation(shown)
render_sidebar()
navigation.run()
