"""Tiny canonical orders tables written inline in tests."""

from __future__ import annotations

import pandas as pd


def make_orders(rows: list[tuple]) -> pd.DataFrame:
    """Orders from ``(order_id, customer_id or None, "YYYY-MM-DD[ HH:MM]", revenue)``
    tuples; a negative revenue with order id starting ``R`` is an unmatched refund."""
    frame = pd.DataFrame(rows, columns=["order_id", "customer_id", "when", "revenue"])
    return pd.DataFrame(
        {
            "order_id": frame["order_id"].astype("string"),
            "customer_id": frame["customer_id"].astype("string"),
            "timestamp": pd.to_datetime(frame["when"]).astype("datetime64[ns]"),
            "revenue": frame["revenue"].astype("float64"),
            "items": pd.array([1] * len(frame), dtype="Int64"),
            "is_purchase": ~frame["order_id"].str.startswith("R"),
        }
    )


def monthly_orders(purchases: dict[str, list[str]]) -> pd.DataFrame:
    """One 10.00 order on the 10th of each listed month (``"2024-03"``) per
    customer: ``{"C1": ["2024-01", "2024-03"]}``."""
    rows = [
        (f"{customer}-{month}", customer, f"{month}-10", 10.0)
        for customer, months in purchases.items()
        for month in months
    ]
    return make_orders(rows)


def data_until(orders: pd.DataFrame, day: str) -> pd.DataFrame:
    """``orders`` with the data reaching ``day`` (a refund of 0.00 on it, which
    changes no figure), so a period ending that day is not partial."""
    end = make_orders([("R-end", None, day, 0.0)])
    return pd.concat([orders, end], ignore_index=True)
