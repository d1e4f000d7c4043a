import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from retention.history import purchase_history, stable_order
from retention.orders import customer_codes
from tests.order_tables import make_orders


@given(st.lists(st.integers(0, 300_000), max_size=50))
def test_stable_order_sorts_like_numpys_stable_sort(keys):
    keys = np.array(keys, dtype=np.int64)
    assert (stable_order(keys) == np.argsort(keys, kind="stable")).all()


def test_history_sorts_purchases_by_customer_then_time_whatever_the_row_order():
    orders = make_orders(
        [
            ("1", "B", "2024-03-01", 5.0),
            ("2", "A", "2024-02-01", 1.0),
            ("3", None, "2024-01-01", 7.0),  # a guest
            ("R4", "A", "2024-01-15", -2.0),  # a refund that matched nothing
            ("5", "A", "2024-01-10", 3.0),
            ("6", "B", "2024-01-05", 4.0),
        ]
    )
    history = purchase_history(orders)
    ids = customer_codes(orders).ids
    assert list(ids[history.codes]) == ["B", "B", "A", "A"]
    assert list(history.rows) == [5, 0, 4, 1]
    assert list(history.revenue) == [4.0, 5.0, 3.0, 1.0]
    assert list(history.starts) == [0, 2, 4]
    assert list(pd.DatetimeIndex(history.first_stamp).strftime("%m-%d")) == [
        "01-05",
        "01-10",
    ]
    assert list(pd.DatetimeIndex(history.last_stamp).strftime("%m-%d")) == [
        "03-01",
        "02-01",
    ]
    months = history.ordinals("month")
    assert list(months - months.min()) == [0, 2, 0, 1]
    assert history.ordinals("month") is months  # made once


def test_history_is_made_once_per_table():
    orders = make_orders([("1", "A", "2024-01-01", 1.0)])
    assert purchase_history(orders) is purchase_history(orders)
    assert purchase_history(orders.copy()) is not purchase_history(orders)


def test_a_table_without_customers_has_an_empty_history():
    history = purchase_history(make_orders([("1", None, "2024-01-01", 1.0)]))
    assert history.customers == 0 and len(history.codes) == 0
