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
