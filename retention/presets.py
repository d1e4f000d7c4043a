"""Column mappings for the exports of common till and web-shop systems.

A preset is recognised by a few header names that only that export has, and
maps the roles of :class:`retention.columns.ColumnMapping` to its columns. A
role whose column is missing from a particular file (older or newer layouts)
is left out, so the header matching of :mod:`retention.columns` can fill it.

Checked against real excerpts (``tests/test_presets.py``): Shopify orders,
Square item sales, Etsy sold orders, UCI Online Retail (I and II). Written
from the published export layouts, without a real excerpt to test against:
WooCommerce orders (Analytics > Orders), SumUp transactions, Stripe payments.

A preset's ``date_order`` is the order its export writes dates such as
12/1/2023 in, used when no date of the file tells (:mod:`retention.date_order`):
Etsy writes month first (``12/31/2023`` in the real excerpt). Shopify and
Square write the year first, so need none; Online Retail's workbook holds
date cells, and its copies as text are written both ways, so it has none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["PRESETS", "Preset", "find_preset"]


@dataclass(frozen=True)
class Preset:
    """An export layout: the headers that identify it, its column mapping and,
    when known, the order it writes dates in (``"month_first"``)."""

    name: str
    signature: frozenset[str]
    roles: dict[str, str]
    date_order: str | None = None

    def matches(self, headers: Iterable[str]) -> bool:
        return self.signature <= {header.strip().lower() for header in headers}


def _preset(
    name: str, signature: Iterable[str], *, date_order: str | None = None, **roles: str
) -> Preset:
    return Preset(name, frozenset(h.lower() for h in signature), roles, date_order)


PRESETS = (
    _preset(
        "Shopify orders",
        ["Name", "Email", "Financial Status", "Lineitem name", "Created at"],
        order_id="Name",
        customer="Email",
        timestamp="Created at",
        amount="Total",
        quantity="Lineitem quantity",
        status="Financial Status",
        cancelled="Cancelled at",
        refunded="Refunded Amount",
        channel="Source",
        store="Location",
    ),
    _preset(
        "Square item sales",
        ["Transaction ID", "Event Type", "Net Sales", "Gross Sales"],
        timestamp="Date",
        time="Time",
        order_id="Transaction ID",
        customer="Customer ID",
        amount="Net Sales",
        quantity="Qty",
        status="Event Type",
        store="Location",
        channel="Channel",
        category="Category",
    ),
    _preset(
        "Etsy sold orders",
        ["Sale Date", "Order ID", "Buyer User ID", "Order Total"],
        date_order="month_first",
        timestamp="Sale Date",
        order_id="Order ID",
        customer="Buyer User ID",
        amount="Order Total",
        adjusted_total="Adjusted Order Total",
        quantity="Number of Items",
        status="Status",
        channel="Order Type",
    ),
    _preset(
        "WooCommerce orders",
        ["Order #", "Status", "Customer type", "Net Sales"],
        timestamp="Date",
        order_id="Order #",
        customer="Customer",
        amount="Net Sales",
        quantity="Items sold",
        status="Status",
        channel="Attribution",
    ),
    _preset(
        "SumUp transactions",
        ["Transaction ID", "Transaction Type", "Total Amount", "Payment Method"],
        timestamp="Date",
        order_id="Transaction ID",
        customer="Customer",
        amount="Total Amount",
        status="Status",
    ),
    _preset(
        "Stripe payments",
        ["id", "Created (UTC)", "Amount", "Amount Refunded", "Captured"],
        order_id="id",
        timestamp="Created (UTC)",
        customer="Customer ID",
        amount="Amount",
        refunded="Amount Refunded",
        status="Status",
    ),
    _preset(
        "Online Retail",
        ["InvoiceNo", "StockCode", "InvoiceDate", "UnitPrice", "CustomerID"],
        order_id="InvoiceNo",
        timestamp="InvoiceDate",
        customer="CustomerID",
        quantity="Quantity",
        unit_price="UnitPrice",
    ),
    _preset(
        "Online Retail II",
        ["Invoice", "StockCode", "InvoiceDate", "Price", "Customer ID"],
        order_id="Invoice",
        timestamp="InvoiceDate",
        customer="Customer ID",
        quantity="Quantity",
        unit_price="Price",
    ),
)


def find_preset(headers: Iterable[str]) -> tuple[Preset, dict[str, str]] | None:
    """The preset whose signature the headers hold, with its roles mapped to the
    file's own spelling of each header (case and spaces as in the file)."""
    spelled = {header.strip().lower(): header for header in headers}
    for preset in PRESETS:
        if preset.matches(spelled):
            roles = {
                role: spelled[column.lower()]
                for role, column in preset.roles.items()
                if column.lower() in spelled
            }
            return preset, roles
    return None
