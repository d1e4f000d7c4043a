"""The quality report's notes on the rows of each reason."""

from retention.sales_log import load_sales_log


def _log(*files: tuple[str, str]):
    return load_sales_log([(name, text.encode()) for name, text in files])


HEADER = "order_id,customer_id,order_date,amount\n"


def test_a_note_per_reason_names_the_file_of_each_row_when_there_are_several():
    log = _log(
        ("jan.csv", HEADER + "1,C1,2024-01-05,10\n2,C2,2024-01-31,20\n3,,x,1\n"),
        (
            "feb.csv",
            HEADER + "4,C1,2024-02-05,abc\n5,C2,2024-02-07,\n6,C3,2024-02-08,5\n",
        ),
    )

    assert log.report.reason_notes() == [
        "Amount missing or not a number (2 rows): feb.csv rows 2 and 3.",
        "Date missing or unreadable (1 row): jan.csv row 4.",
    ]


def test_past_ten_rows_a_note_counts_the_rest():
    rows = "".join(f"{n},,2024-01-{n:02},5\n" for n in range(1, 13))
    log = _log(("sales.csv", HEADER + "99,C1,2024-01-05,10\n" + rows))

    (note,) = log.report.reason_notes()

    assert note == (
        "Guest purchase (no customer id): counts in orders and revenue, not in "
        "customer figures (12 rows): "
        "rows 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 and 2 more."
    )
    (found,) = log.report.reason_rows()
    assert found["where"][0]["row_numbers"] == list(range(3, 15))


def test_purchase_lines_used_as_they_are_get_no_note():
    log = _log(("sales.csv", HEADER + "1,C1,2024-01-05,10\n"))

    assert log.report.reason_notes() == []
