"""The canonical table of orders that every metric reads.

After reading, mapping and cleaning, any sales log becomes one DataFrame with one
row per purchase occasion (an order) or per refund that could not be matched to
its order. Columns:

=============  ===============  ==================================================
column         dtype            meaning
=============  ===============  ==================================================
order_id       string           the order or invoice number from the file, or one
                                derived from customer and timestamp when absent
customer_id    string, NA       trimmed; ``12345.0`` becomes ``12345``; leading
                                zeros kept; NA for a guest (no customer id)
timestamp      datetime64[ns]   naive, in the shop's local time
revenue        float64          net of the refunds that belong to the order
items          Int64            line items or quantity, NA when unknown
is_purchase    bool             False for a refund or cancellation that matched
                                no purchase: it counts in revenue, never as an
                                order or a customer
=============  ===============  ==================================================

Optional string columns, present only when the file has them: ``store``,
``channel``, ``category`` (category of the order's first item).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

ORDER_COLUMNS = [
    "order_id",
    "customer_id",
    "timestamp",
    "revenue",
    "items",
    "is_purchase",
]
OPTIONAL_COLUMNS = ["store", "channel", "category"]


def empty_orders() -> pd.DataFrame:
    """An orders table with no rows and the canonical dtypes."""
    return pd.DataFrame(
        {
            "order_id": pd.Series(dtype="string"),
            "customer_id": pd.Series(dtype="string"),
            "timestamp": pd.Series(dtype="datetime64[ns]"),
            "revenue": pd.Series(dtype="float64"),
            "items": pd.Series(dtype="Int64"),
            "is_purchase": pd.Series(dtype="bool"),
        }
    )


def check_orders(orders: pd.DataFrame) -> None:
    """Raise ``ValueError`` when ``orders`` is not in the canonical form above."""
    missing = [column for column in ORDER_COLUMNS if column not in orders.columns]
    if missing:
        raise ValueError(f"orders lack the columns {missing}")
    if not pd.api.types.is_datetime64_any_dtype(orders["timestamp"]):
        raise ValueError("orders.timestamp must be a datetime column")
    if getattr(orders["timestamp"].dt, "tz", None) is not None:
        raise ValueError("orders.timestamp must be naive local time")
    if orders["timestamp"].isna().any():
        raise ValueError("orders.timestamp has missing values")
    if not pd.api.types.is_float_dtype(orders["revenue"]):
        raise ValueError("orders.revenue must be float")
    if not pd.api.types.is_bool_dtype(orders["is_purchase"]):
        raise ValueError("orders.is_purchase must be bool")


def purchases(orders: pd.DataFrame) -> pd.DataFrame:
    """The rows that are real purchases (orders), without unmatched refunds."""
    return orders[orders["is_purchase"]]


def customer_purchases(orders: pd.DataFrame) -> pd.DataFrame:
    """Purchases by identified customers: the rows every customer figure uses."""
    bought = orders["is_purchase"] & orders["customer_id"].notna()
    return orders[bought]


@dataclass(frozen=True)
class CustomerCodes:
    """Every identified customer as an integer, computed once per orders table.

    ``codes`` has one entry per row of the orders: the customer's number (0, 1,
    ...) on purchases by identified customers, -1 on guest orders and on refunds
    that matched no purchase. ``ids`` holds the customer ids as read, so
    ``ids[code]`` is that customer's id.
    """

    codes: np.ndarray
    ids: pd.Index

    @property
    def bought(self) -> np.ndarray:
        """A flag per row: a purchase by an identified customer."""
        return self.codes >= 0


# (id(orders), kind) -> (a weak reference to the table, what was found); an
# entry goes when its table is garbage collected
_PER_TABLE: dict[tuple[int, str], tuple[weakref.ref, object, int]] = {}


def per_table(orders: pd.DataFrame, kind: str, build):
    """``build(orders)``, made once and kept for as long as the table lives.

    For what every figure of one dataset needs (customer codes, purchase
    histories): orders tables are never changed in place, so it stays true. A
    table of another length under a reused id is built anew."""
    key = (id(orders), kind)
    known = _PER_TABLE.get(key)
    if known is not None and known[0]() is orders and known[2] == len(orders):
        return known[1]
    found = build(orders)
    _PER_TABLE[key] = (weakref.ref(orders), found, len(orders))
    weakref.finalize(orders, _PER_TABLE.pop, key, None)
    return found


def _customer_codes(orders: pd.DataFrame) -> CustomerCodes:
    bought = (orders["is_purchase"] & orders["customer_id"].notna()).to_numpy()
    codes = np.full(len(orders), -1, dtype=np.int64)
    numbers, ids = pd.factorize(orders["customer_id"][bought])
    codes[bought] = numbers
    return CustomerCodes(codes, pd.Index(ids))


def customer_codes(orders: pd.DataFrame) -> CustomerCodes:
    """The ``CustomerCodes`` of ``orders``, kept for as long as the table lives
    so that every figure of one dataset factorizes the id strings only once."""
    return per_table(orders, "customer_codes", _customer_codes)
