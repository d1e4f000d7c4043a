"""Saving, sharing and the partner's view, in Streamlit's AppTest: the owner
uploads and creates a link; a fresh session opens it and sees the same figures
and view, read-only; expired, revoked and mistyped links show one message."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest

from retention.sales_log import load_sales_log
from tests.test_pages import (  # noqa: F401
    navigation_pages,
    open_app,
    shown_metrics,
    upload,
)
from ui.access import app_address
from ui.saved import CURRENT_KEY

F20_VIEW = {"granularity": "Q", "start": "2024-01-01", "end": "2024-03-31"}


def sidebar_text(app) -> str:
    return " ".join(
        element.value
        for kind in ("markdown", "caption", "warning", "error")
        for element in getattr(app.sidebar, kind)
    )


def saved_dataset(app_store, path):
    return app_store.find(load_sales_log(path).content_hash)


def create_link(app) -> str:
    """Create a link on the Share page to the dataset of the file in the
    uploader; return its address."""
    app.switch_page("pages/share.py").run()
    assert not app.exception, [e.value for e in app.exception]
    dataset_id = app.session_state[CURRENT_KEY]
    app.button(key=f"link_{dataset_id}_create").click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app.code[0].value


def token_of(address: str) -> str:
    return parse_qs(urlparse(address).query)["share"][0]


def owner_with_f20(cases_dir):
    app = open_app(F20_VIEW)
    upload(app, cases_dir / "F20_orders_for_share_link.csv")
    assert not app.exception
    return app


def test_an_upload_is_saved_and_recognised_when_uploaded_again(cases_dir, app_store):
    path = cases_dir / "F20_orders_for_share_link.csv"
    first = owner_with_f20(cases_dir)
    dataset = saved_dataset(app_store, path)
    assert dataset is not None and dataset.order_count == 6
    assert "Saved as" in sidebar_text(first) or "uploaded this file before" in (
        sidebar_text(first)
    )

    again = owner_with_f20(cases_dir)  # a second session, the same file
    assert "You uploaded this file before" in sidebar_text(again)
    assert saved_dataset(app_store, path).id == dataset.id


def test_the_sample_is_not_saved(app_store):
    before = len(app_store.list_datasets())
    open_app()
    assert len(app_store.list_datasets()) == before


def test_a_partner_opens_the_link_on_the_same_view_and_figures(cases_dir):
    owner = owner_with_f20(cases_dir)
    owner_figures = shown_metrics(owner)
    address = create_link(owner)
    query = parse_qs(urlparse(address).query)
    assert query["period"] == ["quarter"]
    assert query["start"] == ["2024-01-01"] and query["end"] == ["2024-03-31"]
    assert len(token_of(address)) >= 43

    partner = open_app({key: values[0] for key, values in query.items()})
    assert not partner.exception, [e.value for e in partner.exception]
    assert shown_metrics(partner) == owner_figures
    assert shown_metrics(partner)["Revenue"] == "115.00"
    assert partner.selectbox(key="period").value == "quarter"
    assert partner.query_params["share"] == token_of(address)
    assert "shared with you (read-only)" in sidebar_text(partner)
    assert not partner.sidebar.file_uploader


def test_a_partner_sees_no_change_against_weeks_before_the_data(tmp_path):
    # regression: one order a day from Tuesday 2 Jan 2024; 16 weeks from 5 Feb
    # showed Orders 112 +78 against 16 weeks, 11 of them before the first sale
    days = pd.date_range("2024-01-02", "2024-07-19", freq="D")
    path = tmp_path / "steady_shop.csv"
    path.write_text(
        "Order,Customer,Date,Amount\n"
        + "".join(
            f"{1001 + n},C{n % 40:03d},{day:%Y-%m-%d},16.50\n"
            for n, day in enumerate(days)
        )
    )
    view = {"period": "week", "window": "2", "start": "2024-02-05"}
    owner = upload(open_app(view | {"end": "2024-05-26"}), path)
    address = create_link(owner)
    query = {
        key: values[0] for key, values in parse_qs(urlparse(address).query).items()
    }
    assert (query["start"], query["end"], query["window"]) == (
        "2024-02-05",
        "2024-05-26",
        "2",
    )

    partner = open_app(query)
    assert not partner.exception, [e.value for e in partner.exception]
    metrics = {metric.label: metric for metric in partner.metric}
    assert metrics["Orders"].value == "112"
    assert not metrics["Orders"].delta and not metrics["Revenue"].delta
    captions = " ".join(caption.value for caption in partner.caption)
    assert "it holds only 5 of them, week of 1 Jan 2024 – week of 29 Jan 2024" in (
        captions
    )


def test_a_link_to_a_dataset_not_loaded_opens_on_that_datasets_own_dates(
    cases_dir, app_store
):
    # regression: the link carried the sidebar's range, that of the sample
    path = cases_dir / "F20_orders_for_share_link.csv"
    owner_with_f20(cases_dir)
    dataset = saved_dataset(app_store, path)
    owner = open_app({"period": "quarter", "window": "2"})  # the sample is loaded
    owner.switch_page("pages/share.py").run()
    owner.button(key=f"link_{dataset.id}_create").click().run()
    assert not owner.exception, [e.value for e in owner.exception]
    query = parse_qs(urlparse(owner.code[0].value).query)

    assert query["start"] == ["2023-12-05"] and query["end"] == ["2024-04-09"]
    assert query["period"] == ["quarter"] and query["window"] == ["2"]
    partner = open_app({key: values[0] for key, values in query.items()})
    assert not partner.exception, [e.value for e in partner.exception]
    assert not partner.sidebar.warning, [w.value for w in partner.sidebar.warning]
    assert shown_metrics(partner)["Orders"] == "6"


def test_the_share_page_writes_days_as_people_write_them(cases_dir):
    # regression: "Saved 2026-12-04 08:36 UTC" and "2023-12-05 – 2024-04-09"
    owner = owner_with_f20(cases_dir)
    owner.switch_page("pages/share.py").run()
    assert not owner.exception, [e.value for e in owner.exception]

    (expander,) = [e for e in owner.expander if "F20" in e.label]
    assert expander.label.endswith("· 6 orders · 5 Dec 2023 – 9 Apr 2024")
    saved = [c.value for c in owner.caption if c.value.startswith("Saved ")]
    assert saved and re.fullmatch(
        r"Saved \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC", saved[0]
    )


def test_a_partner_moving_a_control_keeps_the_link_in_the_address(cases_dir):
    address = create_link(owner_with_f20(cases_dir))
    partner = open_app({"share": token_of(address)})
    partner.selectbox(key="period").set_value("year").run()
    assert not partner.exception
    assert partner.query_params["period"] == "year"
    assert partner.query_params["share"] == token_of(address)


def test_a_partner_cannot_reach_the_owners_pages(cases_dir):
    address = create_link(owner_with_f20(cases_dir))
    partner = open_app({"share": token_of(address)})
    for page in ("pages/share.py", "pages/data.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            partner.switch_page(page)
    for page in (
        "pages/retention.py",
        "pages/cohorts.py",
        "pages/overview.py",
        "pages/nps.py",
    ):
        partner.switch_page(page).run()
        assert not partner.exception, page
        assert not partner.file_uploader and not partner.button, page


@pytest.mark.parametrize("wrong", ["nonsense", "", "x" * 43])
def test_a_mistyped_link_shows_one_message_and_nothing_else(wrong):
    app = open_app({"share": wrong} if wrong else {"share": "a"})
    assert not app.exception
    assert [e.value for e in app.error] == [
        "This share link is not valid: check that the whole address was copied. "
        "Ask the person who sent it for a new link."
    ]
    assert not app.metric and not app.sidebar.selectbox and not app.title


def test_a_tampered_token_is_refused(cases_dir):
    token = token_of(create_link(owner_with_f20(cases_dir)))
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    app = open_app({"share": tampered})
    assert "not valid" in app.error[0].value
    assert not app.metric


def test_an_expired_link_says_when_it_expired(cases_dir, app_store):
    owner_with_f20(cases_dir)
    dataset = saved_dataset(app_store, cases_dir / "F20_orders_for_share_link.csv")
    token, _ = app_store.create_link(dataset.id, expires_at=datetime(2020, 3, 2))
    app = open_app({"share": token})
    assert app.error[0].value.startswith(
        "This share link expired at the end of 1 Mar 2020."
    )
    assert not app.metric and not app.sidebar.selectbox


def test_a_revoked_link_stops_working_at_the_partners_next_click(cases_dir, app_store):
    owner_with_f20(cases_dir)
    dataset = saved_dataset(app_store, cases_dir / "F20_orders_for_share_link.csv")
    token, link = app_store.create_link(
        dataset.id, expires_at=datetime.now() + timedelta(days=3)
    )
    partner = open_app({"share": token})
    assert partner.metric
    app_store.revoke_link(link.id)
    partner.selectbox(key="period").set_value("year").run()
    assert partner.error[0].value.startswith(
        "This share link was withdrawn by its owner."
    )
    assert not partner.metric


def test_the_owner_revokes_a_link_on_the_share_page(cases_dir, app_store):
    owner = owner_with_f20(cases_dir)
    token = token_of(create_link(owner))
    owner.run()
    owner.button(key=f"revoke_{app_store.open_link(token).id}").click().run()
    app = open_app({"share": token})
    assert app.error and "withdrawn" in app.error[0].value


def test_deleting_a_dataset_removes_it_and_its_links(cases_dir, app_store, tmp_path):
    path = tmp_path / "to_delete.csv"
    path.write_text(
        "order,customer,date,amount\n1,C1,2024-01-02,5\n2,C1,2024-02-02,6\n"
    )
    owner = open_app()
    upload(owner, path)
    dataset = saved_dataset(app_store, path)
    token, _ = app_store.create_link(dataset.id)
    owner.switch_page("pages/share.py").run()
    owner.checkbox(key=f"sure_{dataset.id}").check().run()
    owner.button(key=f"delete_{dataset.id}").click().run()
    assert not owner.exception
    assert app_store.get(dataset.id) is None
    assert sum(app_store.count_rows(dataset.id).values()) == 0
    assert "not valid" in open_app({"share": token}).error[0].value
    owner.switch_page("pages/overview.py").run()
    assert "Not saved: you deleted this dataset" in sidebar_text(owner)
    assert saved_dataset(app_store, path) is None


def test_the_owner_renames_a_dataset(cases_dir, app_store, tmp_path):
    path = tmp_path / "to_rename.csv"
    path.write_text("order,customer,date,amount\n1,C1,2024-01-02,7\n")
    owner = open_app()
    upload(owner, path)
    dataset = saved_dataset(app_store, path)
    owner.switch_page("pages/share.py").run()
    owner.text_input(key=f"name_{dataset.id}").input("Corner café 2024").run()
    owner.button(key=f"rename_{dataset.id}").click().run()
    assert app_store.get(dataset.id).name == "Corner café 2024"


def test_a_configured_password_shows_nothing_until_it_is_typed(monkeypatch):
    monkeypatch.setenv("REGULARS_PASSWORD", "open sesame")
    app = open_app()
    assert not app.metric and not app.sidebar.selectbox
    app.text_input[0].input("wrong")
    app.button[0].click().run()
    assert app.error[0].value == "That password is not right."
    assert not app.metric
    app.text_input[0].input("open sesame")
    app.button[0].click().run()
    assert not app.exception
    assert app.metric and app.sidebar.selectbox


def test_a_share_link_needs_no_password_unless_configured(cases_dir, monkeypatch):
    token = token_of(create_link(owner_with_f20(cases_dir)))
    monkeypatch.setenv("REGULARS_PASSWORD", "open sesame")
    assert open_app({"share": token}).metric
    monkeypatch.setenv("REGULARS_PASSWORD_FOR_LINKS", "true")
    app = open_app({"share": token})
    assert not app.metric and app.text_input


def test_the_share_page_warns_when_no_password_is_set(cases_dir):
    owner = owner_with_f20(cases_dir)
    owner.switch_page("pages/share.py").run()
    assert any("No password is set" in w.value for w in owner.warning)


def test_a_masked_share_hides_emails_and_keeps_every_figure(app_store, tmp_path):
    from ui.access import _saved_log

    path = tmp_path / "emails.csv"
    path.write_text(
        "order,customer,date,amount\n"
        "1,anna@example.com,2024-01-02,5\n"
        "2,andy@example.com,2024-01-03,6\n"
        "3,anna@example.com,2024-02-02,7\n"
    )
    log = load_sales_log(path)
    dataset, _ = app_store.save("emails", log)
    masked = _saved_log(dataset.id, dataset.content_hash, dataset.saved_at, True)
    shown = _saved_log(dataset.id, dataset.content_hash, dataset.saved_at, False)

    assert not masked.orders["customer_id"].str.contains("anna|andy").any()
    assert masked.orders["customer_id"].nunique() == 2
    assert list(shown.orders["customer_id"]) == list(log.orders["customer_id"])
    assert masked.content_hash != shown.content_hash  # caches never mix the two
    assert "anna" not in masked.report.raw_table.to_pandas().to_string()


@pytest.mark.parametrize(
    ("page_url", "app_url"),
    [
        ("http://127.0.0.1:8501/share", "http://127.0.0.1:8501"),
        ("http://127.0.0.1:8501/share/", "http://127.0.0.1:8501"),
        ("https://shop.example/regulars/share?x=1", "https://shop.example/regulars"),
        ("http://127.0.0.1:8501/", "http://127.0.0.1:8501"),
    ],
)
def test_the_app_address_is_the_share_pages_without_its_path(page_url, app_url):
    assert app_address(page_url, "share") == app_url
