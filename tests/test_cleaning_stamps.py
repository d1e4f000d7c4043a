"""Time stamps written with a zone name, a short offset, a month name or as
eight digits."""

from __future__ import annotations

import pandas as pd
import pytest
from test_reading import workbook_bytes

from retention.cleaning import CleaningOptions, clean_orders, parse_timestamps
from retention.columns import detect_columns
from retention.reading import read_table
from retention.sales_log import load_sales_log


def clean(csv_text: str, **options) -> pd.DataFrame:
    raw = read_table(csv_text.encode(), name="log.csv")
    orders, _ = clean_orders(raw, detect_columns(raw.frame), CleaningOptions(**options))
    return orders


def test_stamps_ending_in_utc_or_gmt_are_utc_instants_never_day_and_month_swapped():
    # 06:45 UTC on 1 February is 22:45 on 31 January in Los Angeles (UTC-8);
    # 06:45 GMT on 1 July is 08:45 in Budapest (summer time, UTC+2)
    parsed = parse_timestamps(
        pd.Series(["2024-02-01 06:45:00 UTC", "2024-02-01T06:45:00 UTC"]),
        timezone="America/Los_Angeles",
    )
    assert parsed.values.tolist() == [pd.Timestamp("2024-01-31 22:45")] * 2
    assert parsed.repairs.tolist() == ["time_zone_converted"] * 2
    summer = parse_timestamps(
        pd.Series(["2024-07-01 06:45:00 GMT"]), timezone="Europe/Budapest"
    )
    assert summer.values[0] == pd.Timestamp("2024-07-01 08:45")


def test_stamps_ending_in_utc_keep_their_clock_time_and_month_without_a_time_zone():
    parsed = parse_timestamps(pd.Series(["2024-02-01 06:45:00 UTC"]))
    assert parsed.values[0] == pd.Timestamp("2024-02-01 06:45")
    assert parsed.repairs.tolist() == [""]
    assert [notice.code for notice in parsed.notices] == ["time_zone_not_converted"]


def test_postgresql_offsets_of_whole_hours_are_read_and_converted():
    # +00 is UTC: 23:30 on 13 January is 00:30 on the 14th in Budapest (UTC+1);
    # -05 is five hours behind UTC: 06:45 there is 11:45 UTC, 12:45 in Budapest
    parsed = parse_timestamps(
        pd.Series(["2024-01-13 23:30:00+00", "2024-02-01 06:45:00-05"]),
        timezone="Europe/Budapest",
    )
    assert parsed.values.tolist() == [
        pd.Timestamp("2024-01-14 00:30"),
        pd.Timestamp("2024-02-01 12:45"),
    ]
    assert parsed.repairs.tolist() == ["time_zone_converted"] * 2


def test_a_year_first_date_with_words_is_never_read_day_first():
    # the day-first dates of the column do not turn 2024-02-01 into 2 January
    parsed = parse_timestamps(pd.Series(["2024-02-01 06h45", "13/02/2024"]))
    assert parsed.values.tolist() == [
        pd.Timestamp("2024-02-01 06:45"),
        pd.Timestamp("2024-02-13"),
    ]


def test_a_postgresql_export_with_plus00_stamps_reads_every_order():
    orders = clean(
        "order_id,customer,created_at,total\n"
        "1000,C0,2024-01-01 09:00:00+00,10.00\n"
        "1001,C1,2024-03-02 22:30:00+00,11.00\n",
        timezone="Europe/Budapest",
    )
    assert sorted(orders["timestamp"]) == [
        pd.Timestamp("2024-01-01 10:00"),
        pd.Timestamp("2024-03-02 23:30"),
    ]


def test_dates_with_a_month_name_between_day_and_year_are_read():
    parsed = parse_timestamps(
        pd.Series(
            [
                "05-Jan-2024",
                "5-Jan-24",
                "05-JAN-2024",
                "5 Jan 2024",
                "13-Feb-2024 14:05",
            ]
        )
    )
    assert parsed.values.tolist() == [pd.Timestamp("2024-01-05")] * 4 + [
        pd.Timestamp("2024-02-13 14:05")
    ]


def test_a_two_digit_year_after_the_current_year_is_of_the_last_century():
    # written in December 2026: 24 and 26 are this century, 98 and 99 the last;
    # a year written whole is kept
    parsed = parse_timestamps(
        pd.Series(["5-Jan-24", "1-Dec-26", "5-Jan-98", "5-Jan-99", "5-Jan-2099"])
    )
    assert parsed.values.dt.year.tolist() == [2024, 2026, 1998, 1999, 2099]


def test_a_month_name_that_makes_no_date_is_unreadable():
    parsed = parse_timestamps(pd.Series(["31-Feb-2024", "5-Foo-2024"]))
    assert parsed.values.isna().all()


def test_a_file_of_day_month_name_year_dates_is_read():
    orders = clean("customer,date,amount\nA,05-Jan-2024,10\nB,13-Feb-24,20\n")
    assert sorted(orders["timestamp"]) == [
        pd.Timestamp("2024-01-05"),
        pd.Timestamp("2024-02-13"),
    ]


# --- dates of eight digits: 20240105 ------------------------------------------


def test_a_date_of_eight_digits_is_year_month_and_day():
    parsed = parse_timestamps(
        pd.Series(["20240105", "20241231", "20240105 14:30", "20241350", ""])
    )

    assert parsed.values.tolist()[:3] == [
        pd.Timestamp("2024-01-05"),
        pd.Timestamp("2024-12-31"),
        pd.Timestamp("2024-01-05 14:30"),
    ]
    assert parsed.values[3:].isna().all()
    assert [notice.message for notice in parsed.notices] == [
        "3 dates were written as eight digits (20240105) and read as year, month "
        "and day: 5 Jan 2024."
    ]


# A till's export with dates of eight digits beside receipt numbers of eight
# digits (which could be dates too) and amounts: 12.50 + 7.00 + 3.50.
EIGHT_DIGIT_SALES = [
    [20240105, 20240101, "Anna", 12.5],
    [20240106, 20240102, "Bela", 7.0],
    [20240205, 20240103, "Anna", 3.5],
]


def eight_digit_export(header: str, kind: str) -> tuple[str, bytes]:
    """The export as a .csv, or an .xlsx of number or of text cells."""
    columns = [header, "Receipt", "Customer", "Amount"]
    if kind == "csv":
        lines = [columns, *EIGHT_DIGIT_SALES]
        text = "".join(",".join(f"{cell}" for cell in row) + "\n" for row in lines)
        return "till.csv", text.encode()
    rows = [list(row) for row in EIGHT_DIGIT_SALES]
    if kind == "xlsx text":
        rows = [[str(row[0]), *row[1:]] for row in rows]
    return "till.xlsx", workbook_bytes({"Sales": [columns, *rows]})


@pytest.mark.parametrize("kind", ["csv", "xlsx numbers", "xlsx text"])
@pytest.mark.parametrize("header", ["Date", "Sale date", "When"])
def test_dates_of_eight_digits_are_read_as_the_date_column(header, kind):
    # "When" names no date: every value is a date of eight digits
    log = load_sales_log(eight_digit_export(header, kind))

    assert log.mapping.timestamp == header
    assert log.mapping.order_id == "Receipt"
    orders = log.orders.set_index("order_id").sort_index()
    assert orders["timestamp"].tolist() == [
        pd.Timestamp("2024-01-05"),
        pd.Timestamp("2024-01-06"),
        pd.Timestamp("2024-02-05"),
    ]
    assert orders["revenue"].tolist() == [12.5, 7.0, 3.5]
    assert log.report.rows_left_out == 0


def test_a_column_of_eight_digits_that_are_not_all_dates_is_not_found_by_content():
    raw = pd.DataFrame(
        {
            "who": ["anna@example.com", "bela@example.com"],
            "ref": ["20240105", "20241399"],
            "paid": ["5.50", "12.00"],
        }
    )

    assert detect_columns(raw).timestamp is None


def test_a_date_column_of_iso_dates_wins_over_eight_digit_numbers_beside_it():
    raw = pd.DataFrame(
        {
            "Customer": ["C1", "C2"],
            "Ref": ["20240105", "20240106"],
            "Date": ["2024-02-01", "2024-02-02"],
            "Amount": ["5.50", "12.00"],
        }
    )

    assert detect_columns(raw).timestamp == "Date"
