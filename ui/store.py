"""The app's database and secrets: one store per database URL, opened once per
server process and shared by every session (a session reaches a dataset only
through its own upload or its share link, see :mod:`ui.access`)."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from retention.store import DatasetStore, database_url

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


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
    SQLite file ``data/regulars.sqlite``."""
    return _store(database_url(secret("database_url"), DATA_DIR))
