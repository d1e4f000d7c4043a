"""Saving the owner's upload: every file that reads into a sales log is saved
(once per content and settings), so it can be shared; the sidebar says so, and
says when the same file was uploaded before."""

from __future__ import annotations

import streamlit as st

from retention.i18n import t
from retention.periods import day_text
from ui import data
from ui.store import dataset_store

SEEN_KEY = "_saved_seen"
CURRENT_KEY = "_saved_current"
DELETED_KEY = "_saved_deleted"


def forget(content_hash: str) -> None:
    """Do not save this content again in this session (its dataset was deleted
    while the file is still in the uploader)."""
    st.session_state[DELETED_KEY] = {
        *st.session_state.get(DELETED_KEY, ()),
        content_hash,
    }


def current_dataset_id() -> int | None:
    """The saved dataset of the file in the uploader, if any."""
    source = data.current_source()
    return None if source.is_sample else st.session_state.get(CURRENT_KEY)


def remember_upload() -> None:
    """Save the current upload and show what happened; the sample is not saved."""
    source = data.current_source()
    if source.is_sample:
        return
    log = data.current_sales_log()
    content_hash = data.current_raw().content_hash  # of the bytes, as uploaded
    if content_hash in st.session_state.get(DELETED_KEY, ()):
        st.caption(t("Not saved: you deleted this dataset on the Share page."))
        return
    reading = {
        "date_order": st.session_state.get(data.DATE_ORDER_KEY, "auto"),
        # the zone stamps were converted to: a link shows the figures it made
        "timezone": log.report.timezone,
        # the day after which a sale is a typing mistake, fixed at the first save
        "read_on": data.read_on(data.current_raw()).isoformat(),
    }
    with st.spinner(t("Saving…")):
        dataset, is_new = dataset_store().save(
            source.name, log, reading, content_hash=content_hash
        )

    # the first time this session sees the dataset decides what to say
    seen = dict(st.session_state.get(SEEN_KEY, {}))
    known_before = seen.setdefault(dataset.id, not is_new)
    st.session_state[SEEN_KEY] = seen
    st.session_state[CURRENT_KEY] = dataset.id
    if known_before:
        st.caption(
            t(
                "You uploaded this file before: it is saved as “{name}” (since "
                "{day}), and its share links still work.",
                name=dataset.name,
                day=day_text(dataset.created_at),
            )
        )
    else:
        st.caption(
            t(
                "Saved as “{name}”. Share it, rename it or delete it on the Share "
                "page.",
                name=dataset.name,
            )
        )
