"""What changed in a period: the customer flow from S to E, the revenue change
split into its three factors, and a plain-language summary of both.

**Customer flow** of period P (a row of ``retention_by_period``):
S - lost + new + won back = E, which holds for every period by construction.

**Revenue change** from period A (before) to period B (after). Revenue of
identified customers is R = C x F x V with C = customers, F = orders per
customer and V = average value of their orders (their revenue / their orders);
guest orders and refunds that matched no purchase are a fourth, additive part
G, so total revenue = C x F x V + G. The change R_B - R_A is split among C, F
and V by the Shapley rule (each factor's effect averaged over the six orders
in which the factors can be changed one at a time), which is symmetric and
sums exactly to the change; for a product of three factors it reads

    effect of C = dC x [(F_A V_A + F_B V_B) / 3 + (F_A V_B + F_B V_A) / 6]

and likewise for F and V. When either period has no identified customer, F and
V are undefined there and the whole change of R is put on customers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retention.i18n import t, t_count
from retention.leaks import churn_leaks, customers_at_start
from retention.numbers import fixed
from retention.orders import customer_codes
from retention.selection import Selection

__all__ = [
    "FLOW_STEPS",
    "PeriodRevenue",
    "RevenueChange",
    "customer_flow",
    "period_revenue",
    "period_summary",
    "revenue_change",
]

FLOW_STEPS = ["customers_at_start", "lost", "new_customers", "won_back"]


def customer_flow(row: pd.Series) -> pd.DataFrame:
    """The steps of a waterfall from S to E for one row of
    ``retention_by_period``.

    Columns: ``step`` (``customers_at_start``, ``lost``, ``new_customers``,
    ``won_back``, ``customers_at_end``), ``change`` (signed: lost is negative),
    ``before`` and ``after`` (the count before and after the step; a total's
    bar runs from 0) and ``kind``
    (``total``, ``decrease`` or ``increase``).
    """
    start = int(row["customers_at_start"])
    changes = [-int(row["lost"]), int(row["new_customers"]), int(row["won_back"])]
    tops = [start]
    for change in changes:
        tops.append(tops[-1] + change)
    end = tops[-1]
    if end != int(row["customers_at_end"]):
        raise ValueError("the flow does not add up: S - L + N differs from E")
    return pd.DataFrame(
        {
            "step": [*FLOW_STEPS, "customers_at_end"],
            "change": [start, *changes, end],
            "before": [0, *tops[:-1], 0],
            "after": [start, *tops[1:], end],
            "kind": ["total", "decrease", "increase", "increase", "total"],
        }
    )


@dataclass(frozen=True)
class PeriodRevenue:
    """The revenue of one range and its factors (see the module docstring)."""

    customers: int
    customer_orders: int
    customer_revenue: float
    other_revenue: float

    @property
    def revenue(self) -> float:
        return self.customer_revenue + self.other_revenue

    @property
    def orders_per_customer(self) -> float:
        if self.customers == 0:
            return float("nan")
        return self.customer_orders / self.customers

    @property
    def order_value(self) -> float:
        if self.customer_orders == 0:
            return float("nan")
        return self.customer_revenue / self.customer_orders


def period_revenue(orders: pd.DataFrame, selection: Selection) -> PeriodRevenue:
    """Customers, their orders and revenue, and the rest of the revenue inside
    ``selection``."""
    stamps = orders["timestamp"].to_numpy()
    inside = (stamps >= selection.start.to_datetime64()) & (
        stamps < selection.end.to_datetime64()
    )
    numbers = customer_codes(orders).codes[inside]
    identified = numbers >= 0
    revenue = orders["revenue"].to_numpy()[inside]
    customer_revenue = float(revenue[identified].sum())
    return PeriodRevenue(
        customers=int(np.count_nonzero(np.bincount(numbers[identified]))),
        customer_orders=int(identified.sum()),
        customer_revenue=customer_revenue,
        other_revenue=float(revenue.sum()) - customer_revenue,
    )


@dataclass(frozen=True)
class RevenueChange:
    """Revenue before and after, and the change split into ``customers``,
    ``orders_per_customer``, ``order_value`` and ``other`` (guests and
    unmatched refunds); the four effects add up to ``change``."""

    before: PeriodRevenue
    after: PeriodRevenue
    customers: float
    orders_per_customer: float
    order_value: float
    other: float

    @property
    def change(self) -> float:
        return self.after.revenue - self.before.revenue

    def effect_table(self) -> pd.DataFrame:
        """The effects as rows: ``part`` (name of the effect) and ``effect``."""
        effects = self.effects()
        return pd.DataFrame({"part": list(effects), "effect": list(effects.values())})

    def effects(self) -> dict[str, float]:
        return {
            "customers": self.customers,
            "orders_per_customer": self.orders_per_customer,
            "order_value": self.order_value,
            "other": self.other,
        }


def _shapley(x: tuple[float, float], y: tuple[float, float], z: tuple[float, float]):
    """The effect of x on x * y * z going from index 0 to index 1."""
    (x0, x1), (y0, y1), (z0, z1) = x, y, z
    weight = (y0 * z0 + y1 * z1) / 3 + (y0 * z1 + y1 * z0) / 6
    return (x1 - x0) * weight


def revenue_change(
    orders: pd.DataFrame, before: Selection, after: Selection
) -> RevenueChange:
    """The revenue change from ``before`` to ``after`` split into customers x
    orders per customer x order value (Shapley rule, see the module docstring)
    plus the change of guest and unmatched-refund revenue."""
    a, b = period_revenue(orders, before), period_revenue(orders, after)
    other = b.other_revenue - a.other_revenue
    if a.customers == 0 or b.customers == 0:
        whole = b.customer_revenue - a.customer_revenue
        return RevenueChange(a, b, whole, 0.0, 0.0, other)
    c = (float(a.customers), float(b.customers))
    f = (a.orders_per_customer, b.orders_per_customer)
    v = (a.order_value, b.order_value)
    return RevenueChange(
        a,
        b,
        customers=_shapley(c, f, v),
        orders_per_customer=_shapley(f, c, v),
        order_value=_shapley(v, c, f),
        other=other,
    )


def _leak_phrase(members: pd.DataFrame) -> str:
    """Who most of the lost customers were, from ``customers_at_start``."""
    lost = members[members["lost"]]
    if lost.empty:
        return ""
    once = int((lost["past_orders"] == 1).sum())
    # the cohort with the most losses (of several, the earliest)
    leaks = churn_leaks(members, "cohort")
    cohort = leaks.loc[leaks["lost"].idxmax()]
    if len(lost) == 1:
        bought = t("had bought only once") if once else t("had bought more than once")
        return t(
            " That customer {bought} and first bought in {cohort}.",
            bought=bought,
            cohort=cohort["group"],
        )
    if once * 2 > len(lost):
        return t(
            " Most of them ({once}) had bought only once; the largest group "
            "({count}) first bought in {cohort}.",
            once=once,
            count=int(cohort["lost"]),
            cohort=cohort["group"],
        )
    return t(
        " The largest group ({count}) first bought in {cohort}.",
        count=int(cohort["lost"]),
        cohort=cohort["group"],
    )


def _revenue_phrase(change: RevenueChange, money) -> str:
    if change.before.revenue == 0 and change.after.revenue == 0:
        return ""
    names = {
        "customers": t("the number of customers"),
        "orders_per_customer": t("orders per customer"),
        "order_value": t("the value of an order"),
        "other": t("guest orders and refunds"),
    }
    effects = change.effects()
    biggest = max(effects, key=lambda name: abs(effects[name]))
    return t(
        " Revenue went from {before} to {after} ({change}); the biggest part of "
        "the change came from {factor} ({effect}).",
        before=money(change.before.revenue),
        after=money(change.after.revenue),
        change=fixed(change.change, sign=True),
        factor=names[biggest],
        effect=fixed(effects[biggest], sign=True),
    )


def period_summary(
    orders: pd.DataFrame, flow_row: pd.Series, selection: Selection, money=None
) -> str:
    """A short plain-language account of one period (``selection`` of length
    one, ``flow_row`` its row of ``retention_by_period``): how many customers
    were kept, gained and lost, who the lost ones mostly were, and what moved
    revenue against the period before."""
    money = money or fixed
    start, lost = int(flow_row["customers_at_start"]), int(flow_row["lost"])
    newcomers = t(
        "{new} new, {back} back after a break",
        new=int(flow_row["new_customers"]),
        back=int(flow_row["won_back"]),
    )
    # "week of 28 Nov 2011" reads "In the week of 28 Nov 2011"
    label = flow_row["label"]
    if selection.period == "week":
        label = t("the {week}", week=label)
    if start == 0:
        text = t_count(
            selection.window,
            "In {label} there was nobody to keep, since no customer had bought in "
            "the period before; {newcomers}.",
            "In {label} there was nobody to keep, since no customer had bought in "
            "the {count} periods before; {newcomers}.",
            label=label,
            newcomers=newcomers,
        )
    else:
        text = t(
            "In {label} you kept {kept} of {customers}; {newcomers}; {lost} left.",
            label=label,
            kept=start - lost,
            customers=t_count(start, "{count} customer", "{count} customers"),
            newcomers=newcomers,
            lost=lost,
        )
    if lost:
        text += _leak_phrase(customers_at_start(orders, selection))
    change = revenue_change(orders, selection.previous(), selection)
    return text + _revenue_phrase(change, money)
