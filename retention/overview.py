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

``overview_figures`` gives the figures as the Overview page shows them, and
the workbook's Summary writes the same: with no order in the range before,
there is nothing to compare with (previous and change are NaN, not 0), and
with nobody who bought in the range before (S = 0), retention and churn are
those of the range's last complete period.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from retention.history import purchase_history
from retention.order_metrics import OrderFigures, order_figures
from retention.orders import customer_codes
from retention.retention_rates import (
    churn_rate,
    latest_complete_period,
    retention_by_period,
    retention_rate,
)
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


@dataclass(frozen=True)
class OverviewFigures:
    """The headline figures of a range as the Overview shows them.

    ``figures`` has one row per ``HEADLINE_FIGURES``: ``figure``, ``value``,
    ``previous`` and ``change`` (both NaN when no order falls in the range
    before: there is nothing to compare with), and ``measured_in``: empty when
    the value is the range's own, else the label of the period it is of.
    ``flow`` holds S, E, N and L of the range against the range before;
    ``earlier_data`` whether any order falls in the range before; ``latest``
    the range's last complete period (its row of ``retention_by_period``, None
    when it has none); ``per_period`` that row when its retention and churn
    stand in for the range's (nobody bought in the range before), else None.
    """

    figures: pd.DataFrame
    flow: RangeRetention
    earlier_data: bool
    latest: pd.Series | None
    per_period: pd.Series | None


def overview_figures(
    orders: pd.DataFrame, selection: Selection, table: pd.DataFrame | None = None
) -> OverviewFigures:
    """The Overview's figures for ``selection`` (see ``OverviewFigures``).

    ``table`` is ``retention_by_period`` for the selection's period and
    window, when the caller has it already.
    """
    if table is None:
        table = retention_by_period(orders, selection.period, selection.window)
    figures = overview(orders, selection)
    figures["measured_in"] = ""
    orders_before = figures.loc[figures["figure"] == "orders", "previous"]
    earlier_data = bool(orders_before.iloc[0] > 0)
    if not earlier_data:
        figures[["previous", "change"]] = float("nan")
    flow = range_retention(orders, selection)
    inside = (table["period"] >= selection.first) & (table["period"] <= selection.last)
    latest = latest_complete_period(table[inside])
    # with nobody at the start of the range its own rates are undefined: the
    # last complete period's stand in for them
    per_period = latest if flow.customers_at_start == 0 else None
    if per_period is not None:
        rates = figures["figure"].isin(["retention_rate", "churn_rate"])
        figures.loc[rates, "value"] = [
            float(per_period[name]) for name in figures.loc[rates, "figure"]
        ]
        figures.loc[rates, ["previous", "change"]] = float("nan")
        figures.loc[rates, "measured_in"] = per_period["label"]
    return OverviewFigures(figures, flow, earlier_data, latest, per_period)
