"""Share: the saved datasets (rename, delete) and read-only links to each for a
business partner (create with an optional expiry, revoke)."""

from datetime import date, datetime, time, timedelta

import streamlit as st

from retention.i18n import t, t_count
from retention.periods import day_text
from retention.store import Dataset, utc_now
from ui import saved
from ui.access import (
    current_access,
    last_day,
    partner_pages,
    require_app_frame,
    share_url,
)
from ui.store import dataset_store, secret
from ui.view import link_view

require_app_frame()
if current_access().is_partner:
    st.stop()

store = dataset_store()
st.title(t("Share with a business partner"))
st.caption(
    t(
        "Every sales log you upload is saved on this server, so a partner can open "
        "it with a link: read-only, on the view you choose, without the file. "
        "The link opens with the period, date range, activity window, industry "
        "and language you have in the sidebar now; a link to another saved "
        "dataset than the one loaded opens on all of its own dates instead."
    )
)
if not secret("password"):
    st.warning(
        t(
            "No password is set: anyone who can open this app can see, share and "
            "delete these datasets. Set one before you put the app online (see "
            "“A password” in the README)."
        )
    )


def _link_rows(dataset: Dataset) -> None:
    """The dataset's links, each with its state and a revoke button."""
    now = utc_now()
    states = {
        "active": t("active"),
        "expired": t("expired"),
        "revoked": t("revoked"),
    }
    for link in store.links_for(dataset.id):
        status = link.status(now)
        left, right = st.columns([5, 1])
        left.markdown(
            t(
                "**{label}**: {status}; made {made}; {until}; {masked}",
                label=link.label or t("(no name)"),
                status=states[status],
                made=day_text(link.created_at),
                until=t("until {day}", day=last_day(link))
                if link.expires_at
                else t("no end date"),
                masked=t("emails and phones masked")
                if link.mask_contacts
                else t("emails and phones shown"),
            )
        )
        if status == "active" and right.button(t("Revoke"), key=f"revoke_{link.id}"):
            store.revoke_link(link.id)
            st.rerun()


def _new_link(dataset: Dataset) -> None:
    """The form for a new link; the address is shown once, right after."""
    key = f"link_{dataset.id}"
    label = st.text_input(t("Who is it for? (a name for the link)"), key=f"{key}_label")
    first, second = st.columns(2)
    until = first.date_input(
        t("Works until (leave empty for no end date)"),
        value=None,
        min_value=date.today(),
        key=f"{key}_until",
    )
    pages = partner_pages()
    page = second.selectbox(
        t("Opens on the page"), list(pages), format_func=pages.get, key=f"{key}_page"
    )
    masked = st.checkbox(
        t("Mask customer emails and phone numbers"), value=True, key=f"{key}_mask"
    )
    if not st.button(t("Create link"), key=f"{key}_create", type="primary"):
        return
    expires_at = (
        None if until is None else datetime.combine(until + timedelta(days=1), time())
    )
    token, _ = store.create_link(
        dataset.id, label=label, expires_at=expires_at, mask_contacts=masked
    )
    loaded = dataset.id == saved.current_dataset_id()
    view = link_view(dataset.first_order, dataset.last_order, loaded=loaded)
    st.success(
        t(
            "Link created. Copy it now: only a fingerprint of it is kept, so it "
            "cannot be shown again."
        )
    )
    st.code(share_url(token, page, view), language=None)


def _rename_and_delete(dataset: Dataset) -> None:
    name_field, rename = st.columns([4, 1])
    name = name_field.text_input(
        t("Name"), value=dataset.name, key=f"name_{dataset.id}"
    )
    if rename.button(t("Rename"), key=f"rename_{dataset.id}") and name.strip():
        store.rename(dataset.id, name)
        st.rerun()
    sure = st.checkbox(
        t(
            "Delete “{name}”: its orders, its report and every link to it",
            name=dataset.name,
        ),
        key=f"sure_{dataset.id}",
    )
    if st.button(t("Delete"), key=f"delete_{dataset.id}", disabled=not sure):
        store.delete(dataset.id)
        saved.forget(dataset.content_hash)
        st.rerun()


datasets = store.list_datasets()
current = saved.current_dataset_id()  # the file in the uploader: open first
if not datasets:
    st.info(t("Nothing is saved yet: upload a sales log in the sidebar."))
for dataset in datasets:
    span = (
        f"{day_text(dataset.first_order)} – {day_text(dataset.last_order)}"
        if dataset.first_order
        else ""
    )
    with st.expander(
        t_count(
            dataset.order_count,
            "{name} · {count} order · {span}",
            "{name} · {count} orders · {span}",
            name=dataset.name,
            span=span,
        ),
        expanded=len(datasets) == 1 or dataset.id == current,
    ):
        saved_at = f"{day_text(dataset.saved_at)}, {dataset.saved_at:%H:%M} UTC"
        st.caption(t("Saved {day}", day=saved_at))
        st.subheader(t("Links"))
        _link_rows(dataset)
        _new_link(dataset)
        st.subheader(t("Name and deletion"))
        _rename_and_delete(dataset)
