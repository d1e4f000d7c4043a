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

A range before that starts before the data does (``RangeBefore``) is not
compared either: its periods before the first sale are not months without
sales but months the data does not show, so a change would set, say, eight
months of sales against five. Its previous and change are NaN, and retention
and churn are those of the range's last complete period, since S would hold
only the customers of the part the data covers. A range before whose first
period the data starts inside (the data's first day is not that period's
first day) counts as covered and is compared: the page notes how many of its
days the data holds, as it does wherever a period is compared.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd

from retention.history import purchase_history
from retention.i18n import t_count
from retention.order_metrics import OrderFigures, order_figures
from retention.orders import customer_codes
from retention.periods import day_text, period_label, period_ordinals
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
class RangeBefore:
    """The range before a selection and how many of its periods the data covers.

    ``range`` is ``Selection.previous()``; ``covered`` counts its periods from
    the one the data starts in to its end (0 when the data starts after it, its
    length when the data starts in or before its first period); ``first_day``
    is the data's first day (NaT without data).
    """

    range: Selection
    covered: int
    first_day: pd.Timestamp

    @property
    def whole(self) -> bool:
        """The data covers every period of the range before."""
        return self.covered == self.range.length

    @property
    def covered_range(self) -> Selection | None:
        """The periods of the range before that the data covers (None for none)."""
        if self.covered == 0:
            return None
        return replace(self.range, first=self.range.last - self.covered + 1)

    def note(self) -> str:
        """Why a range before the data does not cover whole is not compared."""
        return t_count(
            self.covered,
            "The {length} periods before this range, {before}, start before the "
            "data, which starts on {day}: it holds only {count} of them, "
            "{covered}, so no change is shown (it would set {length} periods of "
            "sales against {count}). To see changes, choose a range of 1 period "
            "from {first}, or one that starts later.",
            "The {length} periods before this range, {before}, start before the "
            "data, which starts on {day}: it holds only {count} of them, "
            "{covered}, so no change is shown (it would set {length} periods of "
            "sales against {count}). To see changes, choose a range of at most "
            "{count} periods from {first}, or one that starts later.",
            length=self.range.length,
            before=self.range.label,
            day=day_text(self.first_day),
            covered=self.covered_range.label if self.covered_range else "",
            first=period_label(self.range.last + 1, self.range.period),
        )


def range_before(orders: pd.DataFrame, selection: Selection) -> RangeBefore:
    """How much of the range before ``selection`` the data covers."""
    previous = selection.previous()
    if orders.empty:
        return RangeBefore(previous, 0, pd.NaT)
    first_day = orders["timestamp"].min().normalize()
    start = int(period_ordinals(pd.Series([first_day]), selection.period)[0])
    covered = min(max(previous.last - start + 1, 0), previous.length)
    return RangeBefore(previous, covered, first_day)


@dataclass(frozen=True)
class OverviewFigures:
    """The headline figures of a range as the Overview shows them.

    ``figures`` has one row per ``HEADLINE_FIGURES``: ``figure``, ``value``,
    ``previous`` and ``change`` (both NaN unless ``compared``: no order falls
    in the range before, or the data does not cover all of it), and
    ``measured_in``: empty when the value is the range's own, else the label of
    the period it is of. ``flow`` holds S, E, N and L of the range against the
    range before (the part of it the data covers); ``earlier_data`` whether any
    order falls in the range before; ``before`` how much of it the data
    covers; ``latest`` the range's last complete period (its row of
    ``retention_by_period``, None when it has none); ``per_period`` that row
    when its retention and churn stand in for the range's (nobody bought in the
    range before, or the data does not cover all of it), else None.
    """

    figures: pd.DataFrame
    flow: RangeRetention
    earlier_data: bool
    before: RangeBefore
    latest: pd.Series | None
    per_period: pd.Series | None

    @property
    def compared(self) -> bool:
        """The range is compared with the range before (changes are shown)."""
        return self.earlier_data and self.before.whole


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
    before = range_before(orders, selection)
    if not (earlier_data and before.whole):
        figures[["previous", "change"]] = float("nan")
    flow = range_retention(orders, selection)
    inside = (table["period"] >= selection.first) & (table["period"] <= selection.last)
    latest = latest_complete_period(table[inside])

    # with nobody at the start of the range, or only part of the range before
    # in the data, its own rates are undefined or biased: the last complete
    # period's stand in for them
    stand_in = flow.customers_at_start == 0 or not before.whole
    per_period = latest if stand_in else None
    if stand_in:
        rates = figures["figure"].isin(["retention_rate", "churn_rate"])
        figures.loc[rates, ["previous", "change"]] = float("nan")
        figures.loc[rates, "value"] = [
            float("nan") if per_period is None else float(per_period[name])
            for name in figures.loc[rates, "figure"]
        ]
        if per_period is not None:
            figures.loc[rates, "measured_in"] = per_period["label"]
    return OverviewFigures(figures, flow, earlier_data, before, latest, per_period)
