"""Saved datasets and share links, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime, timedelta

import pandas as pd
import polars as pl
import pytest
from sqlalchemy import create_engine, inspect, select

from retention.columns import ColumnMapping
from retention.order_metrics import order_figures
from retention.sales_log import load_sales_log
from retention.store import (
    PASSWORD_ATTEMPTS,
    PASSWORD_WINDOW,
    DatasetStore,
    LinkRefused,
    database_url,
    links,
    locked_until,
    password_failures,
    reports,
    token_hash,
    utc_now,
)
from retention.survey import SurveyColumns, read_survey, survey_responses

SHOP = (
    b"order,customer,date,amount,store\n"
    b"1,anna@example.com,2024-01-02,5.50,Main St\n"
    b"2,,2024-01-03,4,Main St\n"
    b"3,00421,2024-02-03 17:45,12.25,\n"
    b"3,00421,2024-02-03 17:45,12.25,\n"
    b"4,anna@example.com,2024-03-01,-2\n"
)
OTHER = b"order,customer,date,amount\n9,C9,2025-05-05,99\n"
SURVEY = (
    "Submitted at,Email,Shop,How likely are you to recommend us?,Anything else?\n"
    "2024-02-01 09:10,Anna@Example.com,Main St,10,Lovely rolls; ring me on 06 30 123 4567\n"
    "2024-02-02 10:00,,Main St,6,The queue was far too long today\n"
    "not a date,00421,Station,eleven,\n"
    "2024-03-03 08:05,zoé@example.com ,Station,,Good coffee but the music is loud\n"
).encode()
SURVEY_COLUMNS = SurveyColumns(
    score="How likely are you to recommend us?",
    date="Submitted at",
    customer="Email",
    location="Shop",
    comment="Anything else?",
)


@pytest.fixture
def store(store_url):
    store = DatasetStore(store_url)
    yield store
    store.engine.dispose()


@pytest.fixture
def shop_log():
    return load_sales_log(("shop.csv", SHOP))


def test_a_saved_dataset_loads_back_identical(store, shop_log):
    dataset, is_new = store.save("Shop", shop_log, {"date_order": "auto"})
    assert is_new
    loaded = store.load(dataset.id)

    pd.testing.assert_frame_equal(loaded.orders, shop_log.orders)
    assert loaded.mapping == shop_log.mapping
    assert loaded.columns == shop_log.columns
    assert loaded.content_hash == shop_log.content_hash
    assert loaded.report.row_table.equals(shop_log.report.row_table)
    assert loaded.report.raw_table.equals(shop_log.report.raw_table)
    assert loaded.report.notices == shop_log.report.notices
    assert loaded.report.counts().equals(shop_log.report.counts())
    assert loaded.report.revenue == shop_log.report.revenue
    assert dataset.order_count == 3  # the refund of order 4 is not an order
    assert dataset.settings["date_order"] == "auto"
    assert dataset.settings["mapping"]["customer"] == "customer"


ZONED = b"order,customer,date,amount\n1,C1,2024-02-01T01:30:00Z,25.00\n"


def test_the_zone_stamps_were_converted_to_is_saved_with_the_dataset(store):
    log = load_sales_log(("web.csv", ZONED), timezone="America/Los_Angeles")
    dataset, _ = store.save("Web", log, {"timezone": log.report.timezone})
    loaded = store.load(dataset.id)
    assert dataset.settings["timezone"] == "America/Los_Angeles"
    assert loaded.report.timezone == "America/Los_Angeles"
    assert loaded.orders["timestamp"].iloc[0] == pd.Timestamp("2024-01-31 17:30")


def test_a_report_saved_before_it_kept_its_zone_takes_the_datasets(store):
    log = load_sales_log(("web.csv", ZONED), timezone="America/Los_Angeles")
    dataset, _ = store.save("Web", log, {"timezone": "America/Los_Angeles"})
    with store.engine.begin() as connection:
        row = connection.execute(select(reports.c.figures)).scalar_one()
        old = {key: value for key, value in row.items() if key != "timezone"}
        connection.execute(reports.update().values(figures=old))
    assert store.load(dataset.id).report.timezone == "America/Los_Angeles"


MIXED_CURRENCIES = (
    'order,customer,date,amount\n1,C1,2024-01-05,"€12,50"\n'
    '2,C2,2024-01-09,"£1,200.00"\n3,C1,2024-02-02,$ 45.10\n'
).encode()


def test_the_currencies_of_a_mixed_sum_are_saved_with_the_dataset(store):
    log = load_sales_log(("mixed.csv", MIXED_CURRENCIES))
    dataset, _ = store.save("Mixed", log)
    report = store.load(dataset.id).report
    assert (report.currency, report.currencies) == (None, ("EUR", "GBP", "USD"))


def test_a_report_saved_before_it_kept_its_currencies_reads_them_from_its_note(
    store,
):
    """A dataset saved when a mixed sum was labelled with its first currency
    is shown without one after the update, as a fresh upload is."""
    log = load_sales_log(("mixed.csv", MIXED_CURRENCIES))
    dataset, _ = store.save("Mixed", log)
    with store.engine.begin() as connection:
        row = connection.execute(select(reports.c.figures)).scalar_one()
        old = {key: value for key, value in row.items() if key != "currencies"}
        connection.execute(reports.update().values(figures=old | {"currency": "EUR"}))
    report = store.load(dataset.id).report
    assert (report.currency, report.currencies) == (None, ("EUR", "GBP", "USD"))


def test_rows_left_out_for_their_date_stay_left_out_in_the_saved_dataset(store):
    text = b"order,customer,date,amount\n1,C1,2024-01-05,10\n2,C2,2042-03-01,20\n"
    log = load_sales_log(("typo.csv", text), read_on=date(2026, 12, 4))
    dataset, _ = store.save("Typo", log, {"read_on": "2026-12-04"})
    loaded = store.load(dataset.id)
    assert dataset.settings["read_on"] == "2026-12-04"
    assert loaded.orders["order_id"].tolist() == ["1"]
    assert loaded.report.count("future_date") == 1


def test_leading_zeros_guests_and_optional_columns_survive(store, shop_log):
    dataset, _ = store.save("Shop", shop_log)
    orders = store.load(dataset.id).orders
    assert "00421" in set(orders["customer_id"].dropna())
    assert (
        orders["customer_id"].isna().sum()
        == shop_log.orders["customer_id"].isna().sum()
    )
    assert list(orders["store"]) == list(shop_log.orders["store"])
    assert orders["timestamp"].dtype == "datetime64[ns]"


def test_the_same_content_uploaded_again_is_recognised(store, shop_log):
    first, _ = store.save("Shop", shop_log)
    again, is_new = store.save("shop (1).csv", load_sales_log(("copy.csv", SHOP)))
    assert not is_new
    assert again.id == first.id
    assert again.name == "Shop"
    assert len(store.list_datasets()) == 1


def test_other_settings_replace_the_orders_and_keep_the_links(store, shop_log):
    dataset, _ = store.save("Shop", shop_log)
    token, _ = store.create_link(dataset.id)
    no_store = ColumnMapping(**{**shop_log.mapping.as_dict(), "store": None})
    remapped = load_sales_log(("shop.csv", SHOP), mapping=no_store)
    again, is_new = store.save("Shop", remapped)

    assert not is_new and again.id == dataset.id
    loaded = store.load(dataset.id)
    assert "store" not in loaded.orders.columns
    assert loaded.mapping.store is None
    assert len(store.list_datasets()) == 1
    assert store.open_link(token).dataset_id == dataset.id


def test_list_rename_and_delete(store, shop_log):
    shop, _ = store.save("Shop", shop_log)
    other, _ = store.save("Other", load_sales_log(("other.csv", OTHER)))
    assert [d.name for d in store.list_datasets()] == ["Other", "Shop"]

    store.rename(shop.id, "  Bakery 2024 ")
    assert store.get(shop.id).name == "Bakery 2024"
    with pytest.raises(ValueError):
        store.rename(shop.id, "   ")

    token, _ = store.create_link(shop.id)
    store.delete(shop.id)
    assert store.get(shop.id) is None
    assert store.find(shop_log.content_hash) is None
    assert store.count_rows(shop.id) == {
        "orders": 0,
        "quality_reports": 0,
        "surveys": 0,
        "share_links": 0,
    }
    with pytest.raises(LinkRefused) as refused:
        store.open_link(token)
    assert refused.value.reason == "unknown"
    assert [d.name for d in store.list_datasets()] == ["Other"]
    assert len(store.load(other.id).orders) == 1


def test_a_link_opens_its_dataset_and_only_its_hash_is_stored(store, shop_log):
    dataset, _ = store.save("Shop", shop_log)
    token, link = store.create_link(dataset.id, label="Anna, accountant")

    assert len(token) >= 43  # 32 random bytes in URL-safe base64
    opened = store.open_link(token)
    assert opened == link
    assert opened.dataset_id == dataset.id
    assert opened.mask_contacts
    with store.engine.connect() as connection:
        stored = connection.execute(select(links)).one()
    assert stored.token_hash == token_hash(token)
    assert token not in repr(tuple(stored))


def test_every_link_has_its_own_token(store, shop_log):
    dataset, _ = store.save("Shop", shop_log)
    tokens = {store.create_link(dataset.id)[0] for _ in range(20)}
    assert len(tokens) == 20


def test_a_tampered_or_mistyped_token_opens_nothing(store, shop_log):
    dataset, _ = store.save("Shop", shop_log)
    token, _ = store.create_link(dataset.id)
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    for wrong in (flipped, token[:-1], token + "x", "", token_hash(token)):
        with pytest.raises(LinkRefused) as refused:
            store.open_link(wrong)
        assert refused.value.reason == "unknown"


def test_a_link_expires_at_its_time(store, shop_log):
    dataset, _ = store.save("Shop", shop_log)
    expiry = datetime(2030, 6, 1)
    token, link = store.create_link(dataset.id, expires_at=expiry)
    assert store.open_link(token, now=expiry - timedelta(seconds=1)).id == link.id
    with pytest.raises(LinkRefused) as refused:
        store.open_link(token, now=expiry)
    assert refused.value.reason == "expired"
    assert refused.value.link.expires_at == expiry


def test_a_revoked_link_stops_working_and_others_go_on(store, shop_log):
    dataset, _ = store.save("Shop", shop_log)
    kept_token, _ = store.create_link(dataset.id)
    token, link = store.create_link(dataset.id, mask_contacts=False)
    store.revoke_link(link.id)
    with pytest.raises(LinkRefused) as refused:
        store.open_link(token)
    assert refused.value.reason == "revoked"
    assert store.open_link(kept_token).dataset_id == dataset.id
    statuses = {
        item.id: item.status(datetime(2000, 1, 1))
        for item in store.links_for(dataset.id)
    }
    assert statuses[link.id] == "revoked"
    assert list(statuses.values()).count("active") == 1


def test_a_link_to_a_missing_dataset_cannot_be_made(store):
    with pytest.raises(KeyError):
        store.create_link(12345)


def test_the_data_survives_a_new_connection(store_url, shop_log):
    first = DatasetStore(store_url)
    dataset, _ = first.save("Shop", shop_log)
    first.engine.dispose()
    second = DatasetStore(store_url)
    assert second.find(shop_log.content_hash).id == dataset.id
    assert len(second.load(dataset.id).orders) == len(shop_log.orders)
    second.engine.dispose()


def test_the_tables_are_created_in_an_empty_database(store_url):
    store = DatasetStore(store_url)
    names = set(inspect(store.engine).get_table_names())
    tables = {"datasets", "orders", "quality_reports", "surveys", "share_links"}
    assert tables <= names
    store.engine.dispose()


def test_a_large_report_round_trips(store):
    """A few thousand rows: chunked inserts and Parquet reports."""
    lines = ["order,customer,date,amount"] + [
        f"{i},C{i % 700:04d},2024-01-{1 + i % 28:02d},{i % 50}.25"
        for i in range(1, 25_001)
    ]
    log = load_sales_log(("big.csv", "\n".join(lines).encode()))
    dataset, _ = store.save("Big", log)
    loaded = store.load(dataset.id)
    pd.testing.assert_frame_equal(loaded.orders, log.orders)
    assert loaded.report.row_table.height == 25_000
    assert isinstance(loaded.report.raw_table, pl.DataFrame)


def test_the_default_database_is_a_sqlite_file_in_the_data_folder(tmp_path):
    assert database_url(None, tmp_path) == f"sqlite:///{tmp_path / 'regulars.sqlite'}"
    assert database_url("", tmp_path).startswith("sqlite:///")


def test_postgresql_urls_get_the_psycopg_driver(tmp_path):
    for given in ("postgresql://u:p@db/shop", "postgres://u:p@db/shop"):
        assert database_url(given, tmp_path) == "postgresql+psycopg://u:p@db/shop"
    url = "postgresql+psycopg://u@/shop?host=/run"
    assert database_url(url, tmp_path) == url
    assert create_engine(database_url("postgres://u@h/d", tmp_path)).dialect.driver == (
        "psycopg"
    )


def test_the_saved_order_count_is_the_overviews(store, cases_dir):
    """A refund whose sale is not in the file counts in revenue, not in orders,
    on the Share page as on the Overview (F13 has 3 orders)."""
    log = load_sales_log(cases_dir / "F13_online_retail_cancellations.csv")
    dataset, _ = store.save("F13", log)
    assert dataset.order_count == order_figures(log.orders).orders == 3


@pytest.fixture
def survey():
    return read_survey(("answers.csv", SURVEY))


def mapped(survey, **changes):
    return survey_responses(survey, replace(SURVEY_COLUMNS, **changes))


def test_a_saved_survey_loads_back_as_read_and_mapped(store, shop_log, survey):
    dataset, _ = store.save("Shop", shop_log)
    responses = mapped(survey)
    assert store.load_survey(dataset.id) is None
    assert store.save_survey(dataset.id, survey, responses, date_order="day_first")

    saved = store.load_survey(dataset.id)
    assert saved.name == "answers.csv"
    assert saved.content_hash == survey.content_hash
    pd.testing.assert_frame_equal(saved.survey.table, survey.table)
    assert saved.survey.notices == survey.notices
    pd.testing.assert_frame_equal(saved.responses.table, responses.table)
    assert saved.responses.columns == SURVEY_COLUMNS
    # the quality report: the unreadable date, the invalid and the blank score
    assert saved.responses.notices == responses.notices
    assert any("could not be read" in notice for notice in saved.responses.notices)
    statuses = ["answer", "answer", "invalid", "blank"]
    assert list(saved.responses.table["status"]) == statuses
    customers = saved.responses.table["customer_id"]
    assert customers[0] == "anna@example.com" and customers[2] == "00421"
    assert pd.isna(customers[1])
    result, expected = saved.responses.result(), responses.result()
    assert (result.nps, result.answered, result.blank) == (0, 2, 1)
    assert (result.nps, result.margin_of_error) == (
        expected.nps,
        expected.margin_of_error,
    )
    assert result.invalid.equals(expected.invalid)
    assert saved.answer_count == 2
    assert saved.date_order == "day_first" and not saved.confirmed_scale
    assert store.survey_saved_at(dataset.id) == (survey.content_hash, saved.saved_at)


def test_the_same_survey_is_not_written_twice_and_a_new_one_replaces_it(
    store, shop_log, survey
):
    dataset, _ = store.save("Shop", shop_log)
    assert store.save_survey(dataset.id, survey, mapped(survey))
    first = store.load_survey(dataset.id).saved_at
    again = read_survey(("renamed.csv", SURVEY))
    assert not store.save_survey(dataset.id, again, mapped(again))
    assert store.load_survey(dataset.id).saved_at == first

    no_comment = mapped(survey, comment=None)
    assert store.save_survey(dataset.id, survey, no_comment)
    assert store.load_survey(dataset.id).responses.columns.comment is None
    assert store.save_survey(dataset.id, survey, no_comment, confirmed_scale=True)
    assert store.load_survey(dataset.id).confirmed_scale

    other = read_survey(("other.csv", b"score\n9\n10\n3\n"))
    responses = survey_responses(other, SurveyColumns(score="score"))
    assert store.save_survey(dataset.id, other, responses)
    saved = store.load_survey(dataset.id)
    assert saved.content_hash == other.content_hash
    assert saved.responses.result().nps == pytest.approx(100 / 3)
    assert store.count_rows(dataset.id)["surveys"] == 1


def test_a_survey_is_deleted_with_its_dataset_and_kept_when_orders_change(
    store, shop_log, survey
):
    dataset, _ = store.save("Shop", shop_log)
    store.save_survey(dataset.id, survey, mapped(survey))
    no_store = ColumnMapping(**{**shop_log.mapping.as_dict(), "store": None})
    store.save("Shop", load_sales_log(("shop.csv", SHOP), mapping=no_store))
    assert store.load_survey(dataset.id) is not None

    other, _ = store.save("Other", load_sales_log(("other.csv", OTHER)))
    store.save_survey(other.id, survey, mapped(survey))
    store.delete(dataset.id)
    assert store.load_survey(dataset.id) is None
    assert store.count_rows(dataset.id)["surveys"] == 0
    assert store.load_survey(other.id) is not None
    store.delete_survey(other.id)
    assert store.load_survey(other.id) is None
    with pytest.raises(KeyError):
        store.save_survey(dataset.id, survey, mapped(survey))


def test_five_wrong_passwords_in_fifteen_minutes_close_the_box_until_the_first_is_old():
    at = datetime(2026, 3, 1, 10, 0)
    failures = [at + timedelta(minutes=m) for m in range(5)]  # 10:00 ... 10:04
    assert locked_until(failures[:4], at + timedelta(minutes=4)) is None
    assert locked_until(failures, at + timedelta(minutes=4)) == datetime(
        2026, 3, 1, 10, 15
    )
    # open again at 10:15: 10:00 no longer counts
    assert locked_until(failures, at + timedelta(minutes=15)) is None
    # a sixth guess at 10:15 closes it until 10:01 + 15 minutes
    sixth = [*failures, at + timedelta(minutes=15)]
    assert locked_until(sixth, at + timedelta(minutes=15)) == datetime(
        2026, 3, 1, 10, 16
    )
    spread = [at + timedelta(minutes=4 * m) for m in range(5)]  # 10:00 ... 10:16
    assert locked_until(spread, at + timedelta(minutes=16)) is None


def test_wrong_passwords_sent_at_once_get_five_guesses_not_more(store_url):
    """Twenty tabs send a wrong password at the same moment: five are checked
    and counted, the other fifteen find the box closed."""
    tabs = 20
    at = utc_now()
    stores = [DatasetStore(store_url) for _ in range(4)]  # four server processes
    start = threading.Barrier(tabs)

    def guess(tab: int) -> datetime | None:
        start.wait()
        return stores[tab % len(stores)].password_attempt(right=False, now=at)

    with ThreadPoolExecutor(tabs) as pool:
        answers = list(pool.map(guess, range(tabs)))
    assert answers.count(None) == PASSWORD_ATTEMPTS
    assert set(answers) == {None, at + PASSWORD_WINDOW}
    assert stores[0].password_attempt(right=True, now=at) == at + PASSWORD_WINDOW
    with stores[0].engine.connect() as connection:
        counted = connection.execute(select(password_failures.c.id)).scalars()
        assert len(list(counted)) == PASSWORD_ATTEMPTS
    for store in stores:
        store.engine.dispose()


def test_a_right_password_is_not_counted_and_a_closed_box_refuses_it(store):
    at = datetime(2026, 3, 1, 10, 0)
    assert store.password_attempt(right=True, now=at) is None
    for minute in range(4):
        wrong_at = at + timedelta(minutes=minute)
        assert store.password_attempt(right=False, now=wrong_at) is None
    later = at + timedelta(minutes=4)
    assert store.password_lock(later) is None
    assert store.password_attempt(right=False, now=later) is None
    assert store.password_attempt(right=True, now=later) == at + PASSWORD_WINDOW


def test_wrong_passwords_are_counted_in_the_database(store_url):
    at = datetime(2026, 3, 1, 10, 0)
    first = DatasetStore(store_url)
    for minute in range(4):
        first.password_attempt(right=False, now=at + timedelta(minutes=minute))
    first.engine.dispose()
    # another process (another store on the same database) sees the count
    second = DatasetStore(store_url)
    assert second.password_lock(at + timedelta(minutes=4)) is None
    assert second.password_attempt(False, at + timedelta(minutes=4)) is None
    assert second.password_lock(at + timedelta(minutes=4)) == at + timedelta(minutes=15)
    assert second.password_lock(at + timedelta(minutes=15)) is None
    # a failure an hour later deletes the ones too old to count
    second.password_attempt(right=False, now=at + timedelta(hours=1))
    with second.engine.connect() as connection:
        kept = connection.execute(select(password_failures.c.failed_at)).scalars()
        assert list(kept) == [at + timedelta(hours=1)]
    second.engine.dispose()


def test_the_same_file_saved_between_a_look_up_and_its_insert_joins_the_first(
    store_url, shop_log
):
    """Two tabs upload the same file: the second has looked for it before the
    first saved it, so it is told the dataset exists instead of failing."""
    first_tab, second_tab = DatasetStore(store_url), DatasetStore(store_url)
    looked_up_before = second_tab.find(shop_log.content_hash)
    first, first_is_new = first_tab.save("shop.csv", shop_log)
    answers = [looked_up_before]
    real_find = second_tab.find
    second_tab.find = lambda content_hash: (
        answers.pop() if answers else real_find(content_hash)
    )
    second, second_is_new = second_tab.save("shop (1).csv", shop_log)
    assert (first_is_new, second_is_new) == (True, False)
    assert second.id == first.id
    assert second.name == "shop.csv"
    assert len(first_tab.list_datasets()) == 1
    for tab in (first_tab, second_tab):
        tab.engine.dispose()


def test_the_same_file_saved_from_four_tabs_at_once_is_one_dataset(store_url, shop_log):
    tabs = [DatasetStore(store_url) for _ in range(4)]
    start = threading.Barrier(len(tabs))

    def save(tab):
        start.wait()
        return tab.save("shop.csv", shop_log)

    with ThreadPoolExecutor(len(tabs)) as pool:
        saved = list(pool.map(save, tabs))
    assert len({dataset.id for dataset, _ in saved}) == 1
    assert sum(is_new for _, is_new in saved) == 1
    assert len(tabs[0].list_datasets()) == 1
    for tab in tabs:
        tab.engine.dispose()
