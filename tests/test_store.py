"""Saved datasets and share links, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import polars as pl
import pytest
from sqlalchemy import create_engine, inspect, select

from retention.columns import ColumnMapping
from retention.order_metrics import order_figures
from retention.sales_log import load_sales_log
from retention.store import DatasetStore, LinkRefused, database_url, links, token_hash

SHOP = (
    b"order,customer,date,amount,store\n"
    b"1,anna@example.com,2024-01-02,5.50,Main St\n"
    b"2,,2024-01-03,4,Main St\n"
    b"3,00421,2024-02-03 17:45,12.25,\n"
    b"3,00421,2024-02-03 17:45,12.25,\n"
    b"4,anna@example.com,2024-03-01,-2\n"
)
OTHER = b"order,customer,date,amount\n9,C9,2025-05-05,99\n"


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
    assert {"datasets", "orders", "quality_reports", "share_links"} <= names
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
