"""Column mappings for the exports of common till and web-shop systems.

A preset is recognised by a few header names that only that export has, and
maps the roles of :class:`retention.columns.ColumnMapping` to its columns. A
role whose column is missing from a particular file (older or newer layouts)
is left out, so the header matching of :mod:`retention.columns` can fill it.

Checked against real excerpts (``tests/test_presets.py``): Shopify orders,
Square item sales, Etsy sold orders, UCI Online Retail (I and II). Checked
against files made by hand in the published column layout, not real exports
(``tests/test_presets_published.py``): Square transactions (the 55-column
Transactions CSV), WooCommerce orders (Analytics > Orders, emailed or
downloaded), Stripe payments (``Created (UTC)`` and ``Created date (UTC)``),
SumUp's transactions report in German. SumUp's English report is recognised
by headers that no file here checks.

A preset's ``date_order`` is the order its export writes dates such as
12/1/2023 in, used when no date of the file tells (:mod:`retention.date_order`):
Etsy writes month first (``12/31/2023`` in the real excerpt). Shopify, Square
and Stripe write the year first, so need none; Online Retail's workbook holds
date cells, and its copies as text are written both ways, so it has none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["PRESETS", "Preset", "find_preset", "ignored_columns"]


@dataclass(frozen=True)
class Preset:
    """An export layout: the headers that identify it and its column mapping.

    ``signature`` holds groups of header names (lower case): the file must
    have one header of every group. A role names one column, or several that
    the same export has written under different names over time; the first
    one the file has is used. ``ignored`` are columns the export fills with
    something that looks like a role but is not (SumUp's ``E-Mail`` is the
    merchant's own account, not the customer's), kept out of the header
    matching. ``date_order`` is, when known, the order the export writes
    dates in (``"month_first"``).
    """

    name: str
    signature: frozenset[frozenset[str]]
    roles: dict[str, tuple[str, ...]]
    ignored: frozenset[str] = frozenset()
    date_order: str | None = None

    def matches(self, headers: Iterable[str]) -> bool:
        held = {header.strip().lower() for header in headers}
        return all(group & held for group in self.signature)


def _preset(
    name: str,
    signature: Iterable[str | tuple[str, ...]],
    ignored: Iterable[str] = (),
    *,
    date_order: str | None = None,
    **roles: str | tuple[str, ...],
) -> Preset:
    def names(value: str | tuple[str, ...]) -> tuple[str, ...]:
        return (value,) if isinstance(value, str) else value

    groups = frozenset(frozenset(h.lower() for h in names(s)) for s in signature)
    return Preset(
        name,
        groups,
        {role: names(columns) for role, columns in roles.items()},
        frozenset(h.lower() for h in ignored),
        date_order,
    )


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
    # before the item sales, whose signature the transactions also hold
    _preset(
        "Square transactions",
        ["Transaction ID", "Event Type", "Total Collected", "Partial Refunds"],
        timestamp="Date",
        time="Time",
        order_id="Transaction ID",
        customer="Customer ID",
        amount="Net Sales",
        refunded="Partial Refunds",
        status="Event Type",
        store="Location",
        channel="Channel",
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
        # the emailed export says Attribution, the download from the page Origin
        channel=("Attribution", "Origin"),
    ),
    # SumUp's transactions report holds no customer: its E-Mail is the SumUp
    # account that took the payment. Payout rows repeat a sale's Transaktions-ID
    # and amount incl. VAT but leave Netto empty, so Netto is the amount.
    _preset(
        "SumUp transactions",
        ["Transaktions-ID", "Zahlungsart", "Betrag inkl. MwSt.", "Auszahlungs-ID"],
        ignored=["E-Mail"],
        timestamp="Datum",
        order_id="Transaktions-ID",
        amount="Netto",
        status="Status",
    ),
    _preset(
        "SumUp transactions",
        ["Transaction ID", "Transaction Type", "Total Amount", "Payment Method"],
        ignored=["Email", "E-Mail"],
        timestamp="Date",
        order_id="Transaction ID",
        customer="Customer",
        amount="Total Amount",
        status="Status",
    ),
    _preset(
        "Stripe payments",
        [
            "id",
            ("Created (UTC)", "Created date (UTC)"),
            "Amount",
            "Amount Refunded",
            "Captured",
        ],
        order_id="id",
        timestamp=("Created (UTC)", "Created date (UTC)"),
        customer=("Customer ID", "Customer Email"),
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
            roles = {}
            for role, columns in preset.roles.items():
                held = [spelled[c.lower()] for c in columns if c.lower() in spelled]
                if held:
                    roles[role] = held[0]
            return preset, roles
    return None


def ignored_columns(headers: Iterable[str]) -> set[str]:
    """The file's columns that its export layout fills with no role."""
    headers = list(headers)
    found = find_preset(headers)
    if found is None:
        return set()
    return {h for h in headers if h.strip().lower() in found[0].ignored}
