"""The app's database and secrets: one store per database URL, opened once per
server process and shared by every session (a session reaches a dataset only
through its own upload or its share link, see :mod:`ui.access`)."""

from __future__ import annotations

import os

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from retention.layouts import data_dir
from retention.store import DatasetStore, database_url


def secret(name: str) -> str | None:
    """A setting from the environment (``REGULARS_<NAME>``) or, failing that,
    from ``.streamlit/secrets.toml`` (``name = "..."``); None when unset."""
    value = os.environ.get(f"REGULARS_{name.upper()}")
    if value:
        return value
    try:
        value = st.secrets.get(name)
    except StreamlitSecretNotFoundError:
        return None
    return str(value) if value else None


@st.cache_resource(show_spinner=False)
def _store(url: str) -> DatasetStore:
    return DatasetStore(url)


def dataset_store() -> DatasetStore:
    """The store of the configured database (``database_url``), by default the
    SQLite file ``regulars.sqlite`` in the app's data folder
    (``$REGULARS_DATA_DIR``, else ``~/.regulars``)."""
    return _store(database_url(secret("database_url"), data_dir()))
