"""Whether the day or the month comes first (``retention.date_order``): a date
that reads one way only is read that way, the order of the rest is decided per
file, and, when no date tells, by the dates' shape or the export layout."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from retention.cleaning import parse_timestamps
from retention.sales_log import load_sales_log

FILES = Path(__file__).resolve().parent / "files"


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def order_dates(log) -> dict[str, pd.Timestamp]:
    orders = log.orders.set_index("order_id")["timestamp"]
    return {str(key): value for key, value in orders.items()}


def notice(log, code: str) -> str:
    found = log.report.notice_text(code)
    assert found is not None, [n.code for n in log.report.notices]
    return found


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


# --- a file that mixes the two orders ----------------------------------------


def test_two_tills_pasted_together_keep_every_date_in_its_own_month():
    """Tester file: rows 2-11 are 14/01/2024 … 23/01/2024 (day first only),
    rows 12-21 are 02/11/2024 … 02/20/2024. Rows 14-21 can only be month
    first (13 to 20 February); rows 12-13 (02/11, 02/12) read either way and
    sit between 23 January above and 13 February below: 11 and 12 February
    are nearer than 2 November and 2 December."""
    log = load_sales_log(FILES / "two_tills_day_and_month_first.csv")

    dates = order_dates(log)
    for number in range(1, 11):
        assert dates[str(number)] == day(f"2024-01-{13 + number}")
    for number in range(11, 21):
        assert dates[str(number)] == day(f"2024-02-{number}")
    assert log.report.count("no_date") == 0
    assert log.report.count("date_other_order") == 8
    assert log.report.count("date_order_unsure") == 2
    rows = log.report.rows_for("date_order_unsure")
    assert rows["order_date"].tolist() == ["02/11/2024", "02/12/2024"]
    assert rows["row_number"].tolist() == [12, 13]
    mixed = notice(log, "date_order_mixed")
    assert "“order_date” mixes day-first and month-first dates" in mixed
    assert "10 rows can only be day first (such as 14/01/2024 in row 2)" in mixed
    assert "8 rows only month first (such as 02/13/2024 in row 14)" in mixed
    assert "2 rows could be read either way (such as 02/11/2024 in row 12)" in mixed


def test_a_chosen_order_still_reads_a_date_that_reads_only_the_other_way():
    """Month first chosen: 14/01/2024 cannot be month first, so it is 14
    January and listed, not left out as unreadable; 02/11/2024 follows the
    choice (11 February)."""
    data = csv(
        "order_id,customer,date,amount", "1,A,14/01/2024,10", "2,B,02/11/2024,10"
    )
    log = load_sales_log(("till.csv", data), date_order="month_first")

    dates = order_dates(log)
    assert dates == {"1": day("2024-01-14"), "2": day("2024-02-11")}
    assert log.report.count("date_other_order") == 1
    assert "14/01/2024 in row 2" in notice(log, "date_other_order")


def test_one_way_dates_of_the_other_order_are_read_in_a_library_call():
    parsed = parse_timestamps(
        pd.Series(["13/01/2024", "14/01/2024", "05/05/2024", "01/31/2024"])
    )
    assert parsed.values.tolist() == [
        day("2024-01-13"),
        day("2024-01-14"),
        day("2024-05-05"),
        day("2024-01-31"),
    ]
    assert parsed.date_order == "day_first"
    assert parsed.repairs.tolist() == ["", "", "", "date_other_order"]


def test_a_date_that_reads_the_same_both_ways_tells_nothing():
    """05/05/2024 is 5 May either way: no evidence, no mix."""
    parsed = parse_timestamps(pd.Series(["05/05/2024", "13/05/2024"]))
    assert parsed.values.tolist() == [day("2024-05-05"), day("2024-05-13")]
    assert [n.code for n in parsed.notices] == ["date_order_detected"]


# --- files of several tills ----------------------------------------------------


def test_each_file_keeps_its_own_order():
    """jan.csv is day first (13/01), feb.csv month first (02/13): 02/01/2024
    is 2 January in the first and 1 February in the second, and neither
    file is said to mix the orders."""
    jan = csv("order_id,customer,date,amount", "1,A,13/01/2024,10", "2,B,02/01/2024,10")
    feb = csv("order_id,customer,date,amount", "3,A,02/13/2024,10", "4,B,02/01/2024,10")
    log = load_sales_log([("jan.csv", jan), ("feb.csv", feb)])

    assert order_dates(log) == {
        "1": day("2024-01-13"),
        "2": day("2024-01-02"),
        "3": day("2024-02-13"),
        "4": day("2024-02-01"),
    }
    message = notice(log, "date_order_detected")
    assert "each was read its own way" in message
    assert "jan.csv day first (dd/mm/yyyy) (such as 13/01/2024)" in message
    assert "feb.csv month first (mm/dd/yyyy) (such as 02/13/2024)" in message
    assert log.report.count("date_other_order") == 0


def test_a_file_without_telling_dates_follows_the_file_that_has_them():
    first = csv("order_id,customer,date,amount", "1,A,01/13/2024,10")
    second = csv("order_id,customer,date,amount", "2,B,02/03/2024,10")
    log = load_sales_log([("a.csv", first), ("b.csv", second)])
    assert order_dates(log)["2"] == day("2024-02-03")
    assert log.report.date_order == "month_first"


# --- when no date tells ----------------------------------------------------------


def test_an_etsy_week_is_read_month_first_as_etsy_writes_dates():
    """Tester file: the real Etsy excerpt cut to 1-7 Dec 2023 (12/1/2023 …
    12/7/2023); read day first they would be the 12th of five months."""
    log = load_sales_log(FILES / "etsy_first_days.csv")

    assert sorted(order_dates(log).values()) == [
        day("2023-12-01"),
        day("2023-12-02"),
        day("2023-12-06"),
        day("2023-12-06"),
        day("2023-12-07"),
    ]
    assert not log.report.date_order_ambiguous
    why = notice(log, "date_order_shape")
    assert (
        "read month first (mm/dd/yyyy), as Etsy sold orders exports write them" in why
    )


def test_the_etsy_layout_decides_when_the_dates_shape_cannot():
    """Two dates only (12/1 and 12/2): too few to tell by their shape."""
    data = csv(
        "Sale Date,Order ID,Buyer User ID,Order Total",
        "12/1/2023,1,anna,10",
        "12/2/2023,2,ben,20",
    )
    log = load_sales_log(("EtsySoldOrders.csv", data))

    assert order_dates(log) == {"1": day("2023-12-01"), "2": day("2023-12-02")}
    assert log.report.date_order == "month_first"
    assert not log.report.date_order_ambiguous
    why = notice(log, "date_order_layout")
    assert (
        "read month first (mm/dd/yyyy), as Etsy sold orders exports write them" in why
    )


def online_retail(*stamps: str) -> bytes:
    lines = [
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID"
    ]
    lines += [
        f"5363{n:02d},85123A,HEART,1,{stamp},2.55,178{n:02d}"
        for n, stamp in enumerate(stamps)
    ]
    return csv(*lines)


def test_days_of_one_month_written_month_first_are_read_so_by_their_shape():
    """Online Retail 1-6 Dec 2010 written 12/1/2010 9:41 …: read day first
    each would be the 12th of January to June, a shop selling once a month
    on the same day. The Online Retail layout has no order of its own (its
    workbook holds date cells; copies as text exist in both orders)."""
    stamps = [f"12/{d}/2010 9:41" for d in range(1, 7)]
    log = load_sales_log(("online_retail.csv", online_retail(*stamps)))

    assert sorted(order_dates(log).values()) == [
        day(f"2010-12-0{d} 09:41") for d in range(1, 7)
    ]
    why = notice(log, "date_order_shape")
    assert "each of the 6 different dates (such as 12/1/2010 9:41)" in why


def test_days_of_one_month_written_day_first_are_read_so_by_their_shape():
    stamps = [f"0{d}/12/2010 9:41" for d in range(1, 4)]
    log = load_sales_log(("online_retail.csv", online_retail(*stamps)))
    assert sorted(order_dates(log).values()) == [
        day(f"2010-12-0{d} 09:41") for d in range(1, 4)
    ]
    assert log.report.date_order == "day_first"
    assert not log.report.date_order_ambiguous


def test_dates_of_no_telling_shape_are_read_day_first_and_flagged():
    """03/04 and 05/06 differ in both numbers: nothing tells."""
    parsed = parse_timestamps(pd.Series(["03/04/2024", "05/06/2024", "07/08/2024"]))
    assert parsed.values[0] == day("2024-04-03")
    assert parsed.ambiguous
    assert parsed.notices[0].code == "date_order_ambiguous"


# --- the property ------------------------------------------------------------------

one_way_days = st.dates(dt.date(2020, 1, 1), dt.date(2026, 12, 31)).filter(
    lambda d: d.day > 12
)
any_days = st.dates(dt.date(2020, 1, 1), dt.date(2026, 12, 31))


@settings(max_examples=60, deadline=None)
@given(
    log=st.lists(any_days, min_size=1, max_size=30),
    others=st.lists(
        st.tuples(st.integers(0, 30), one_way_days), min_size=0, max_size=10
    ),
    day_first=st.booleans(),
)
def test_every_date_that_reads_one_way_only_reads_back_to_itself(
    log, others, day_first
):
    """A log written in one order, with dates of the other order mixed in
    wherever they fall: every date that can be read one way only reads back
    to the date written, and no date is lost."""
    own, other = ("%d/%m/%Y", "%m/%d/%Y") if day_first else ("%m/%d/%Y", "%d/%m/%Y")
    rows = [(d, d.strftime(own)) for d in log]
    for position, d in others:
        rows.insert(min(position, len(rows)), (d, d.strftime(other)))

    parsed = parse_timestamps(pd.Series([text for _, text in rows]))

    assert parsed.values.notna().all()
    for (written, text), read in zip(rows, parsed.values, strict=True):
        first, second = (int(part) for part in text.split("/")[:2])
        if (first > 12) != (second > 12):
            assert read == pd.Timestamp(written), text
    if not others and any(d.day > 12 for d in log):
        assert parsed.values.tolist() == [pd.Timestamp(d) for d, _ in rows]
