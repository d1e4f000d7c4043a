"""Who is looking: the owner, or a business partner through a share link.

:func:`check_access` runs first on every run of a session:

- with ``?share=TOKEN`` in the address (or a token this session opened with),
  the link is checked on every run, so a revoked or expired link stops working
  at the partner's next click. A refused link shows one message and nothing
  else. An accepted link makes a *partner* session: its one dataset comes from
  the database, read-only, with emails and phone numbers masked unless the
  owner chose otherwise; there is no upload, no Data or Share page, and no
  way to name another dataset (its NPS page shows the survey saved with the
  dataset, see :mod:`ui.surveys`);
- otherwise the session is the *owner's*. When a password is configured
  (``password`` in the secrets, or ``REGULARS_PASSWORD``), nothing is shown
  until it is typed. A share link is its own key and needs no password, unless
  ``password_for_links`` is set to ``true``.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit, urlunsplit

import polars as pl
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData

from retention.i18n import t
from retention.periods import day_text
from retention.privacy import contact_masks, mask_contacts
from retention.sales_log import SalesLog
from retention.store import Dataset, LinkRefused, ShareLink, utc_now
from ui.store import dataset_store, secret

SHARE_PARAM = "share"
TOKEN_KEY = "_share_token"
ACCESS_KEY = "_access"
PASSWORD_KEY = "_password_ok"
PAGES_KEY = "_partner_pages"
# Pages a partner does not see: the owner's data and mapping, and the datasets
# and links.
SHARE_PAGE_PATH = "share"
OVERVIEW_PATH = "overview"
OWNER_PAGES = {"data", SHARE_PAGE_PATH}


@dataclass(frozen=True)
class Access:
    """The session's access: ``link`` and ``dataset`` are set for a partner."""

    link: ShareLink | None = None
    dataset: Dataset | None = None

    @property
    def is_partner(self) -> bool:
        return self.link is not None


def require_app_frame() -> None:
    """Run every page through ``app.py``, its password and its link check.

    Until the first ``st.navigation`` call of a server process, Streamlit runs
    a file of a ``pages/`` folder on its own when its address is opened (its
    older multipage mode), skipping ``app.py``: on a fresh server the first
    visitor of ``/share`` would see the Share page without a password. Every
    page calls this first: such a run switches the process to ``app.py``'s
    navigation and starts again through it, by the address's page name as a
    first visit comes (so ``app.py`` can still refuse that page to a partner),
    not by this file. Each file of ``pages/`` is named as its address, so that
    older mode finds the page and shows no "Page not found".
    """
    if not PagesManager.uses_pages_directory:
        return
    PagesManager.uses_pages_directory = False
    ctx = get_script_run_ctx()
    if ctx is None or not ctx.pages_manager.intended_page_name:
        st.rerun()
    # NOTE: RerunData is Streamlit's own; st.rerun() would start again by this
    # file's hash, which app.py takes for a page picked inside the app.
    requested = ctx.script_requests.request_rerun(
        RerunData(
            query_string=ctx.query_string,
            page_name=ctx.pages_manager.intended_page_name,
            cached_message_hashes=ctx.cached_message_hashes,
            context_info=ctx.context_info,
        )
    )
    if requested:
        st.empty()  # the runner starts the requested run at the next element
    st.stop()  # never draw this page outside app.py


def current_access() -> Access:
    """The access :func:`check_access` granted on this run."""
    return st.session_state.get(ACCESS_KEY, Access())


def check_access(pages: list) -> Access:
    """Decide who is looking, or show why not and stop the run. ``pages`` are
    the app's pages: a refusal or the password box is shown at any of their
    addresses, which the page keeps for after the password."""
    token = st.session_state.get(TOKEN_KEY) or st.query_params.get(SHARE_PARAM)
    access = Access()
    if token:
        access = _partner_access(token, pages)
        if secret("password_for_links") in {"true", "1", "yes"}:
            _require_password(pages)
    else:
        _require_password(pages)
    st.session_state[ACCESS_KEY] = access
    return access


def overview_address(overview: st.Page) -> st.Page:
    """A page at ``/overview``, missing from the menu, that opens ``overview``
    (the default page, which Streamlit serves at the app's root) with the
    address's view."""

    def open_overview() -> None:
        st.switch_page(overview, query_params=st.query_params.to_dict())

    return st.Page(
        open_overview,
        title=overview.title,
        url_path=OVERVIEW_PATH,
        visibility="hidden",
    )


def _partner_access(token: str, pages: list) -> Access:
    store = dataset_store()
    try:
        link = store.open_link(token)
    except LinkRefused as refused:
        _stop_with(_refusal(refused), pages)
    dataset = store.get(link.dataset_id)
    if dataset is None:
        _stop_with(_refusal(LinkRefused("unknown")), pages)
    st.session_state[TOKEN_KEY] = token
    if st.query_params.get(SHARE_PARAM) != token:
        st.query_params[SHARE_PARAM] = token
    return Access(link, dataset)


def _refusal(refused: LinkRefused) -> str:
    ask = t("Ask the person who sent it for a new link.")
    if refused.reason == "expired":
        day = last_day(refused.link)
        return t("This share link expired at the end of {day}.", day=day) + " " + ask
    if refused.reason == "revoked":
        return t("This share link was withdrawn by its owner.") + " " + ask
    return (
        t("This share link is not valid: check that the whole address was copied.")
        + " "
        + ask
    )


def _stop_with(message: str, pages: list) -> None:
    """Show ``message`` alone: no sidebar, no pages."""
    st.error(message)
    _no_pages(pages)


def _no_pages(pages: list) -> None:
    """Stop the run with every page's address known and nothing on it: the
    address opened shows only what is already on the screen (no "page not
    found" over it), and is still the page's when the password is typed."""
    blanks = [
        st.Page(
            _nothing,
            title=page.title,
            url_path=page.url_path,
            default=not page.url_path,
        )
        for page in pages
    ]
    st.navigation(blanks, position="hidden")
    st.stop()


def _nothing() -> None:
    """The pages of a refused session, or one waiting for its password: they
    show nothing."""


def _require_password(pages: list) -> None:
    """When a password is configured, show only the password form until it is
    typed (compared in constant time). Wrong passwords are counted in the
    database for the whole app: after too many, the form refuses every
    password, the right one too, until the time it names."""
    expected = secret("password")
    if not expected or st.session_state.get(PASSWORD_KEY):
        return
    st.title("Regulars")
    with st.form("password_form"):
        typed = st.text_input(t("Password"), type="password")
        submitted = st.form_submit_button(t("Open"))
    store = dataset_store()
    if submitted:
        right = hmac.compare_digest(typed.encode(), expected.encode())
        locked = store.password_attempt(right)
        if right and locked is None:
            st.session_state[PASSWORD_KEY] = True
            st.rerun()
        if locked is None:
            st.error(t("That password is not right."))
            locked = store.password_lock()
    else:
        locked = store.password_lock()
    if locked is not None:
        st.warning(_lock_message(locked))
    _no_pages(pages)


def _lock_message(until: datetime) -> str:
    minutes = max(1, math.ceil((until - utc_now()).total_seconds() / 60))
    return t(
        "Too many wrong passwords: the app takes no password for now, not even "
        "the right one. Try again after {time} UTC (in {minutes} min).",
        time=f"{until:%H:%M}",
        minutes=minutes,
    )


def allowed_pages(pages: list) -> list:
    """The pages this session may open: all for the owner, the figures only for
    a partner (remembered for :func:`partner_pages`)."""
    shared = [page for page in pages if page.url_path not in OWNER_PAGES]
    st.session_state[PAGES_KEY] = {
        page.url_path: page.title for page in shared if page.visibility == "visible"
    }
    return shared if current_access().is_partner else pages


def partner_pages() -> dict[str, str]:
    """The pages a share link can open on: URL path -> title."""
    return dict(st.session_state.get(PAGES_KEY, {"": t("Overview")}))


def shared_sales_log() -> SalesLog | None:
    """A partner's sales log (None for the owner), read from the database once
    per dataset content, save and masking."""
    access = current_access()
    if not access.is_partner:
        return None
    dataset = access.dataset
    return _saved_log(
        dataset.id, dataset.content_hash, dataset.saved_at, access.link.mask_contacts
    )


def _saved_log(dataset_id: int, content_hash: str, saved_at, masked: bool) -> SalesLog:
    return _shared_data(dataset_id, content_hash, saved_at, masked)[0]


def contact_masks_of(dataset_id: int, content_hash: str, saved_at) -> dict[str, str]:
    """The masks a masked link gives the dataset's emails and phone numbers
    (original -> mask), for masking its survey answers the same way."""
    return _shared_data(dataset_id, content_hash, saved_at, True)[1]


@st.cache_resource(show_spinner=False, max_entries=8)
def _shared_data(
    dataset_id: int, content_hash: str, saved_at, masked: bool
) -> tuple[SalesLog, dict[str, str]]:
    log = dataset_store().load(dataset_id)
    masks = contact_masks(log.orders["customer_id"]) if masked else {}
    orders = mask_contacts(log.orders, masks) if masked else log.orders
    # The input rows as uploaded are the owner's: a shared view keeps only the
    # outcome of each row, never its cells.
    hidden = pl.DataFrame({"cells": pl.repeat("", log.report.rows_read, eager=True)})
    report = replace(log.report, raw_table=hidden)
    # Figures are cached by the log's hash: each saved version, masked or not,
    # gets one of its own, so an owner's results never reach a partner.
    version = f"{content_hash} {saved_at} {'masked' if masked else 'shown'}"
    content_key = hashlib.sha256(version.encode()).hexdigest()
    shared = replace(log, orders=orders, report=report, content_hash=content_key)
    return shared, masks


def shared_caption() -> None:
    """What a partner reads in place of the upload: whose data, read-only."""
    access = current_access()
    st.markdown(t("**{name}**, shared with you (read-only).", name=access.dataset.name))
    if access.link.mask_contacts:
        st.caption(t("Customer emails and phone numbers are masked."))
    if access.link.expires_at is not None:
        st.caption(
            t(
                "This link works until {day}.",
                day=last_day(access.link),
            )
        )


def last_day(link: ShareLink) -> str:
    """The last day (UTC) a link with an expiry works, as ``4 Dec 2026``."""
    return day_text(link.expires_at - timedelta(microseconds=1))


def share_url(token: str, page: str, view: dict[str, str]) -> str:
    """The address of a share link: the app's address, the page, the view and
    the token. Made on the Share page, whose own path is taken off the address
    the browser shows."""
    base = app_address(st.context.url or "", SHARE_PAGE_PATH)
    query = urlencode({**view, SHARE_PARAM: token})
    return f"{base}/{page}?{query}"


def app_address(page_url: str, page_path: str) -> str:
    """The app's root address from the address of one of its pages:
    ``https://host/base/share`` with page path ``share`` gives
    ``https://host/base``. Any query or fragment is dropped."""
    parts = urlsplit(page_url)
    path = parts.path.rstrip("/")
    if page_path and path.endswith("/" + page_path):
        path = path[: -len(page_path) - 1]
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
