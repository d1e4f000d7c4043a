"""Order-level figures over a stretch of orders: customers, orders, revenue, AOV,
purchase frequency and repeat purchase rate.

Definitions (``../design.md``):

- ``orders``: purchases, guest orders included; refunds that matched no purchase
  are not orders.
- ``revenue``: net revenue of every row, unmatched refunds included.
- ``aov`` (average order value) = revenue / orders.
- ``customers``: distinct identified customers with at least one purchase; guests
  are left out of every customer figure.
- ``purchase_frequency`` = orders by identified customers / customers.
- ``repeat_purchase_rate`` = customers with 2 or more orders / customers x 100,
  counting only the orders passed in (say which range it covers when showing it).

Every ratio is NaN when its denominator is 0.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class OrderFigures:
    customers: int
    orders: int
    customer_orders: int
    guest_orders: int
    revenue: float
    repeat_customers: int

    @property
    def aov(self) -> float:
        return average_order_value(self.revenue, self.orders)

    @property
    def purchase_frequency(self) -> float:
        return purchase_frequency(self.customer_orders, self.customers)

    @property
    def repeat_purchase_rate(self) -> float:
        return repeat_purchase_rate(self.repeat_customers, self.customers)

    def as_dict(self) -> dict[str, float]:
        figures = asdict(self)
        figures.update(
            aov=self.aov,
            purchase_frequency=self.purchase_frequency,
            repeat_purchase_rate=self.repeat_purchase_rate,
        )
        return figures


def order_figures(
    orders: pd.DataFrame, customer_numbers: np.ndarray | None = None
) -> OrderFigures:
    """The order-level figures of ``orders`` (already cut to the range wanted).

    ``customer_numbers``, when given, are the rows' customer codes from
    ``retention.orders.customer_codes`` (-1 for guests and unmatched refunds),
    so the id strings need not be counted again."""
    purchase = orders["is_purchase"].to_numpy()
    if customer_numbers is None:
        identified = purchase & orders["customer_id"].notna().to_numpy()
        per_customer = orders.loc[identified, "customer_id"].value_counts().to_numpy()
    else:
        identified = customer_numbers >= 0
        per_customer = np.bincount(customer_numbers[identified])
        per_customer = per_customer[per_customer > 0]
    return OrderFigures(
        customers=int(per_customer.size),
        orders=int(purchase.sum()),
        customer_orders=int(identified.sum()),
        guest_orders=int(purchase.sum() - identified.sum()),
        revenue=float(orders["revenue"].sum()),
        repeat_customers=int((per_customer >= 2).sum()),
    )


def _ratio(part: float, whole: float, scale: float = 1.0) -> float:
    return part / whole * scale if whole else float("nan")


def average_order_value(revenue: float, orders: int) -> float:
    """AOV = net revenue / orders."""
    return _ratio(revenue, orders)


def purchase_frequency(customer_orders: int, customers: int) -> float:
    """Orders per customer = orders by identified customers / customers."""
    return _ratio(customer_orders, customers)


def repeat_purchase_rate(repeat_customers: int, customers: int) -> float:
    """Customers with 2+ orders / customers with 1+ order x 100."""
    return _ratio(repeat_customers, customers, 100.0)
