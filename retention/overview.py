"""The headline figures of a selected range, each with its change against the
previous range of the same length.

Retention over a range compares it with the range just before it:

- S = customers who bought in the previous range of the same length
- E = customers who bought in the selected range
- N = customers of E not in S: ``new_customers`` (first purchase ever in the
  range; earlier purchases anywhere in the data count) and ``won_back``
- L = customers of S who did not buy in the range
- CRR = (E - N) / S x 100, churn = L / S x 100, NaN when S = 0.

When the range is one period this is exactly that period's row of
``retention_by_period`` with an activity window of one period.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from retention.history import purchase_history
from retention.order_metrics import OrderFigures, order_figures
from retention.orders import customer_codes
from retention.retention_rates import churn_rate, retention_rate
from retention.selection import Selection


@dataclass(frozen=True)
class RangeRetention:
    customers_at_start: int
    customers_at_end: int
    new_customers: int
    won_back: int
    lost: int

    @property
    def gained(self) -> int:
        return self.new_customers + self.won_back

    @property
    def retained(self) -> int:
        return self.customers_at_end - self.gained

    @property
    def retention_rate(self) -> float:
        return retention_rate(
            self.customers_at_start, self.customers_at_end, self.gained
        )

    @property
    def churn_rate(self) -> float:
        return churn_rate(self.customers_at_start, self.lost)

    def as_dict(self) -> dict[str, float]:
        figures = asdict(self)
        figures.update(
            gained=self.gained,
            retained=self.retained,
            retention_rate=self.retention_rate,
            churn_rate=self.churn_rate,
        )
        return figures


class CustomerHistory:
    """Purchases by identified customers as integer codes (from
    ``retention.history``), so that several ranges can be measured without
    touching the id strings again."""

    def __init__(self, orders: pd.DataFrame) -> None:
        history = purchase_history(orders)
        self.codes = history.codes
        self.customers = history.customers
        self.stamps = history.stamps
        self.first_purchase = history.first_stamp

    def bought_in(self, selection: Selection) -> np.ndarray:
        """A flag per customer: bought inside ``selection``."""
        inside = (self.stamps >= selection.start.to_datetime64()) & (
            self.stamps < selection.end.to_datetime64()
        )
        flags = np.zeros(self.customers, dtype=bool)
        flags[self.codes[inside]] = True
        return flags


def range_retention(
    orders: pd.DataFrame, selection: Selection, history: CustomerHistory | None = None
) -> RangeRetention:
    """S, E, N (new and won back) and L of ``selection`` against the range before."""
    history = CustomerHistory(orders) if history is None else history
    before = history.bought_in(selection.previous())
    during = history.bought_in(selection)
    gained = during & ~before
    new = gained & (history.first_purchase >= selection.start.to_datetime64())
    return RangeRetention(
        customers_at_start=int(before.sum()),
        customers_at_end=int(during.sum()),
        new_customers=int(new.sum()),
        won_back=int(gained.sum() - new.sum()),
        lost=int((before & ~during).sum()),
    )


@dataclass(frozen=True)
class RangeSummary:
    selection: Selection
    orders: OrderFigures
    retention: RangeRetention

    def figures(self) -> dict[str, float]:
        """Every headline figure by name."""
        return {**self.orders.as_dict(), **self.retention.as_dict()}


def range_summary(
    orders: pd.DataFrame, selection: Selection, history: CustomerHistory | None = None
) -> RangeSummary:
    stamps = orders["timestamp"].to_numpy()
    inside = (stamps >= selection.start.to_datetime64()) & (
        stamps < selection.end.to_datetime64()
    )
    # only the columns the order figures read, so no id string is copied
    cut = orders[["is_purchase", "revenue"]][inside]
    return RangeSummary(
        selection=selection,
        orders=order_figures(cut, customer_codes(orders).codes[inside]),
        retention=range_retention(orders, selection, history),
    )


HEADLINE_FIGURES = [
    "customers",
    "orders",
    "revenue",
    "aov",
    "purchase_frequency",
    "repeat_purchase_rate",
    "retention_rate",
    "churn_rate",
]


def overview(orders: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """The headline figures of the range and of the range before it.

    Columns: ``figure`` (name from ``HEADLINE_FIGURES``), ``value``, ``previous``
    and ``change`` (value - previous; NaN when either is undefined). The previous
    range may reach back before the data starts; its figures are then 0 or NaN.
    """
    history = CustomerHistory(orders)
    now = range_summary(orders, selection, history).figures()
    before = range_summary(orders, selection.previous(), history).figures()
    table = pd.DataFrame(
        {
            "figure": HEADLINE_FIGURES,
            "value": [float(now[name]) for name in HEADLINE_FIGURES],
            "previous": [float(before[name]) for name in HEADLINE_FIGURES],
        }
    )
    table["change"] = table["value"] - table["previous"]
    return table
