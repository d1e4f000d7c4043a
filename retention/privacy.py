"""Masking customers' emails and phone numbers in a shared view.

A partner who opens a share link sees the same figures as the owner, so the
masking must not merge two customers into one: every masked id carries a
number unique within the table (``a•••@e•••.com #3``). Ids that are neither an
email nor a phone number (customer numbers, loyalty cards) are left as they
are. Derived order ids, which can contain the customer id, are masked the same
way.

Survey answers shown through a link are masked with the same numbers
(:func:`mask_responses`), so an answer still matches its customer's purchases;
emails and phone numbers written inside free text (a comment such as "call me
on 06 30 123 4567") are masked where they stand.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = [
    "contact_masks",
    "is_contact",
    "mask_contacts",
    "mask_responses",
    "mask_text",
    "masked_email",
    "masked_phone",
]

EMAIL = re.compile(r"[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[A-Za-z]{2,}")
PHONE = re.compile(r"^\+?[\d\s().\-/]+$")
MIN_PHONE_DIGITS = 7
HIDDEN = "•••"
# A run of digits and phone separators inside free text, and the dates that
# look like one (2024-02-01, 01/02/2024) and are left as they are.
PHONE_IN_TEXT = re.compile(r"(?<![\w+(])[+(]?\d[\d\s().\-/]*\d(?!\w)")
DATE_IN_TEXT = re.compile(
    r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}"
)
TEXT_COLUMNS = ("value", "location", "comment")


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


def contact_masks(customer_ids: pd.Series) -> dict[str, str]:
    """The mask of every email and phone number among ``customer_ids``: the
    masked form plus a number unique among them, in order of appearance."""
    contacts = [value for value in customer_ids.dropna().unique() if is_contact(value)]
    return {value: f"{_mask(value)} #{n}" for n, value in enumerate(contacts, 1)}


def mask_contacts(
    orders: pd.DataFrame, masks: dict[str, str] | None = None
) -> pd.DataFrame:
    """A copy of the orders table with emails and phone numbers masked.

    ``customer_id`` values that are an email or a phone number become a mask
    plus a number unique in this table, so customer counts and every figure are
    unchanged. Order ids derived from the customer id (``<customer>-<time>``)
    get the same mask. A phone number is made of digits with spaces, ``+``,
    ``-``, ``(``, ``)``, ``.`` or ``/`` and has at least seven digits; plain
    numbers are kept (they are usually customer numbers), except those of nine
    or more digits that start with ``0``. ``masks`` defaults to
    :func:`contact_masks` of the orders' customers.
    """
    if masks is None:
        masks = contact_masks(orders["customer_id"])
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


def mask_text(text: str) -> str:
    """Free text with every email and phone number in it masked:
    ``"write to anna@example.com or ring +36 30 123 4567"`` becomes
    ``"write to a•••@e•••.com or ring •••67"``. A run of digits counts as a
    phone number by the rule of :func:`mask_contacts`; dates written with
    digits (``2024-02-01``, ``01/02/2024``) do not."""
    text = EMAIL.sub(lambda found: masked_email(found.group()), text)

    def phone(found: re.Match) -> str:
        run = found.group()
        if DATE_IN_TEXT.fullmatch(run.strip()) or not is_contact(run):
            return run
        return masked_phone(run)

    return PHONE_IN_TEXT.sub(phone, text)


def mask_responses(responses: pd.DataFrame, masks: dict[str, str]) -> pd.DataFrame:
    """A copy of a survey's responses table (see :mod:`retention.survey`) with
    its customers' emails and phone numbers masked.

    ``customer_id`` values get the mask ``masks`` gives them (those of the
    sales log, from :func:`contact_masks`), so an answer matches the same
    customer as before; a contact that is not a customer of the sales log gets
    a mask numbered after those. Emails and phone numbers written in the
    ``value``, ``location`` and ``comment`` text are masked by
    :func:`mask_text`.
    """
    masked = responses.copy()
    others = [
        value
        for value in responses["customer_id"].dropna().unique()
        if value not in masks and is_contact(value)
    ]
    every = dict(masks)
    every.update(
        {
            value: f"{_mask(value)} #{n}"
            for n, value in enumerate(others, len(masks) + 1)
        }
    )
    masked["customer_id"] = (
        responses["customer_id"].map(lambda v: every.get(v, v)).astype("string")
    )
    for column in TEXT_COLUMNS:
        masked[column] = (
            responses[column].map(mask_text).astype(responses[column].dtype)
        )
    return masked
