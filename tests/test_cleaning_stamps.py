"""Time stamps written with a zone name, a short offset or a month name."""

from __future__ import annotations

import pandas as pd

from retention.cleaning import CleaningOptions, clean_orders, parse_timestamps
from retention.columns import detect_columns
from retention.reading import read_table


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
