"""Masking emails and phone numbers for shared views, without merging customers."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from order_tables import make_orders

from retention.overview import overview
from retention.privacy import (
    contact_masks,
    is_contact,
    mask_contacts,
    mask_responses,
    mask_text,
    masked_email,
    masked_phone,
)
from retention.selection import Selection


def test_an_email_keeps_its_first_letters_and_top_level_domain():
    assert masked_email("anna.smith@example.com") == "a•••@e•••.com"


def test_a_phone_number_keeps_its_last_two_digits():
    assert masked_phone("+36 30 123 4567") == "•••67"


def test_what_counts_as_a_contact():
    for contact in [
        "anna@example.com",
        "+36 30 123 4567",
        "(555) 123-4567",
        "0612345678",
    ]:
        assert is_contact(contact), contact
    for other in ["17850", "00421", "C01", "12345678", "loyalty-991", "a@b"]:
        assert not is_contact(other), other


def test_two_customers_with_the_same_mask_stay_two():
    orders = make_orders(
        [
            ("1", "anna@example.com", "2024-01-02", 10.0),
            ("2", "andy@example.com", "2024-01-03", 20.0),
            ("3", "anna@example.com", "2024-02-02", 30.0),
            ("4", "17850", "2024-02-03", 40.0),
            ("5", None, "2024-02-04", 5.0),
        ]
    )
    masked = mask_contacts(orders)
    ids = list(masked["customer_id"])
    assert ids[0] == ids[2] == "a•••@e•••.com #1"
    assert ids[1] == "a•••@e•••.com #2"
    assert ids[3] == "17850"
    assert pd.isna(ids[4])
    assert not masked["customer_id"].str.contains("anna|andy", na=False).any()
    assert list(orders["customer_id"])[0] == "anna@example.com"  # a copy


def test_order_ids_made_from_the_customer_are_masked_too():
    orders = make_orders(
        [
            ("anna@example.com-20240102-100000", "anna@example.com", "2024-01-02", 1),
            ("+36 30 123 4567-20240103-090000", "+36 30 123 4567", "2024-01-03", 2),
            ("A-77", "anna@example.com", "2024-01-04", 3),
        ]
    )
    masked = mask_contacts(orders)
    assert list(masked["order_id"]) == [
        "a•••@e•••.com #1-20240102-100000",
        "•••67 #2-20240103-090000",
        "A-77",
    ]


customer = st.one_of(
    st.none(),
    st.sampled_from(["C1", "00421", "17850"]),
    st.emails(),
    st.from_regex(r"\+36 30 \d{3} \d{4}", fullmatch=True),
)


@given(st.lists(customer, min_size=1, max_size=40))
def test_masking_changes_no_figure(customers):
    rows = [
        (str(n), who, f"2024-{1 + n % 12:02d}-10", float(n))
        for n, who in enumerate(customers)
    ]
    orders = make_orders(rows)
    masked = mask_contacts(orders)
    assert masked["customer_id"].nunique() == orders["customer_id"].nunique()
    selection = Selection("month", 648, 659)  # 2024
    pd.testing.assert_frame_equal(
        overview(masked, selection), overview(orders, selection)
    )


def test_emails_and_phone_numbers_in_free_text_are_masked_where_they_stand():
    assert mask_text("write to Anna@Example.com or ring +36 30 123 4567.") == (
        "write to A•••@E•••.com or ring •••67."
    )
    assert mask_text("(555) 123-4567, after 6pm") == "•••67, after 6pm"
    assert mask_text("call 0612345678") == "call •••78"
    for kept in [
        "came on 2024-02-01 and on 01/02/2024",
        "order 12345678 was late",
        "paid 12.50 three times",
        "room (12) was cold",
        "",
    ]:
        assert mask_text(kept) == kept


def test_survey_answers_get_the_masks_of_the_sales_log():
    orders = make_orders(
        [
            ("1", "anna@example.com", "2024-01-02", 10.0),
            ("2", "17850", "2024-01-03", 20.0),
            ("3", "andy@example.com", "2024-02-02", 30.0),
        ]
    )
    masks = contact_masks(orders["customer_id"])
    assert masks == {
        "anna@example.com": "a•••@e•••.com #1",
        "andy@example.com": "a•••@e•••.com #2",
    }
    answers = pd.DataFrame(
        {
            "row": [2, 3, 4, 5],
            "value": ["10", "6", "mail a@b.org", "9"],
            "customer_id": pd.array(
                ["andy@example.com", "17850", None, "amy@example.com"],
                dtype="string",
            ),
            "location": ["Main", "Main", "Station", ""],
            "comment": ["ring 06 30 123 4567", "fine", "", "amy@example.com here"],
        }
    )
    masked = mask_responses(answers, masks)
    assert masked["customer_id"].tolist()[:2] == ["a•••@e•••.com #2", "17850"]
    assert pd.isna(masked["customer_id"][2])
    assert masked["customer_id"][3] == "a•••@e•••.com #3"  # not a customer
    assert masked["comment"].tolist() == [
        "ring •••67",
        "fine",
        "",
        "a•••@e•••.com here",
    ]
    assert masked["value"][2] == "mail a•••@b•••.org"
    assert answers["customer_id"][0] == "andy@example.com"  # a copy
    assert mask_contacts(orders, masks).equals(mask_contacts(orders))
