"""Masking customers' emails and phone numbers in a shared view.

A partner who opens a share link sees the same figures as the owner, so the
masking must not merge two customers into one: every masked id carries a
number unique within the table (``a•••@e•••.com #3``). Ids that are neither an
email nor a phone number (customer numbers, loyalty cards) are left as they
are. Derived order ids, which can contain the customer id, are masked the same
way.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["is_contact", "mask_contacts", "masked_email", "masked_phone"]

EMAIL = re.compile(r"[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[A-Za-z]{2,}")
PHONE = re.compile(r"^\+?[\d\s().\-/]+$")
MIN_PHONE_DIGITS = 7
HIDDEN = "•••"


def masked_email(email: str) -> str:
    """``anna.smith@example.com`` → ``a•••@e•••.com``."""
    local, _, domain = email.strip().partition("@")
    host, _, top = domain.rpartition(".")
    return f"{local[:1]}{HIDDEN}@{host[:1]}{HIDDEN}.{top}"


def masked_phone(phone: str) -> str:
    """``+36 30 123 4567`` → ``•••67``: only the last two digits stay."""
    digits = re.sub(r"\D", "", phone)
    return f"{HIDDEN}{digits[-2:]}"


def is_contact(value: str) -> bool:
    """True for an email address or a phone number (see :func:`mask_contacts`)."""
    text = value.strip()
    if EMAIL.fullmatch(text):
        return True
    digits = sum(ch.isdigit() for ch in text)
    if not PHONE.match(text) or digits < MIN_PHONE_DIGITS:
        return False
    written_as_phone = any(ch in text for ch in " +-()./")
    return written_as_phone or (digits >= 9 and text.startswith("0"))


def _mask(value: str) -> str:
    return masked_email(value) if "@" in value else masked_phone(value)


def mask_contacts(orders: pd.DataFrame) -> pd.DataFrame:
    """A copy of the orders table with emails and phone numbers masked.

    ``customer_id`` values that are an email or a phone number become a mask
    plus a number unique in this table, so customer counts and every figure are
    unchanged. Order ids derived from the customer id (``<customer>-<time>``)
    get the same mask. A phone number is made of digits with spaces, ``+``,
    ``-``, ``(``, ``)``, ``.`` or ``/`` and has at least seven digits; plain
    numbers are kept (they are usually customer numbers), except those of nine
    or more digits that start with ``0``.
    """
    contacts = [
        value for value in orders["customer_id"].dropna().unique() if is_contact(value)
    ]
    masks = {value: f"{_mask(value)} #{n}" for n, value in enumerate(contacts, 1)}
    masked = orders.copy()
    if not masks:
        return masked
    customers = orders["customer_id"]
    masked["customer_id"] = customers.map(lambda v: masks.get(v, v)).astype("string")
    rows = customers.isin(list(masks)).fillna(False).to_numpy()
    masked.loc[rows, "order_id"] = pd.array(
        [
            masks[customer] + order[len(customer) :]
            if order.startswith(f"{customer}-")
            else order
            for customer, order in zip(
                customers[rows], orders["order_id"][rows], strict=True
            )
        ],
        dtype="string",
    )
    return masked
