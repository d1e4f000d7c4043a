"""The sales-log pipeline: sources, several files, hashes, report export, round trips."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import replace
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_reading import workbook_bytes

from retention.columns import ColumnMapping, detect_columns
from retention.order_metrics import order_figures
from retention.quality import reason_label
from retention.reading import SalesLogError
from retention.sales_log import (
    NoPurchasesError,
    build_orders,
    files_name,
    load_sales_log,
    read_raw,
    sales_sheet,
)

LOG = b"order,customer,date,amount\n1,C1,2024-01-02,5.50\n2,,2024-01-03,4\n"


class FakeUpload:
    name = "log.csv"

    def getvalue(self) -> bytes:
        return LOG


def test_path_name_and_bytes_and_upload_objects_give_the_same_log(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(LOG)
    logs = [
        load_sales_log(path),
        load_sales_log(("log.csv", LOG)),
        load_sales_log(LOG, name="log.csv"),
        load_sales_log(FakeUpload()),
    ]
    for log in logs[1:]:
        pd.testing.assert_frame_equal(log.orders, logs[0].orders)
        assert log.content_hash == logs[0].content_hash


def test_content_hash_ignores_the_order_of_several_files():
    other = b"order,customer,date,amount\n3,C2,2024-02-02,1\n"
    first = read_raw([("a.csv", LOG), ("b.csv", other)])
    second = read_raw([("b.csv", other), ("a.csv", LOG)])
    assert first.content_hash == second.content_hash
    assert first.origin["source"].tolist() == ["a.csv", "a.csv", "b.csv"]


def test_read_once_then_rebuild_with_a_corrected_mapping():
    raw = read_raw(("log.csv", b"who,when,paid,other\nC1,2024-01-02,5,x\n"))
    log = build_orders(
        raw, ColumnMapping(customer="who", timestamp="when", amount="paid")
    )
    assert log.orders["revenue"].tolist() == [5.0]
    assert log.columns == ("who", "when", "paid", "other")


def test_no_usable_date_column_is_a_clear_error():
    try:
        load_sales_log(("log.csv", b"customer,amount\nC1,5\n"))
    except SalesLogError as error:
        assert "date" in str(error)
    else:
        raise AssertionError("expected a SalesLogError")


def test_report_exports_to_csv_and_xlsx_with_row_numbers():
    report = load_sales_log(("log.csv", LOG)).report
    table = pd.read_csv(io.BytesIO(report.to_csv_bytes()), encoding="utf-8-sig")
    assert table["row_number"].tolist() == [2, 3]
    assert table["reason"].tolist() == ["ok", "guest"]
    workbook = openpyxl.load_workbook(io.BytesIO(report.to_excel_bytes()))
    assert workbook.sheetnames == ["Summary", "Reasons", "Rows"]


def test_counts_are_tidy_with_translated_labels():
    counts = load_sales_log(("log.csv", LOG)).report.counts()
    assert list(counts.columns) == [
        "reason",
        "repair",
        "outcome",
        "label",
        "rows",
        "example",
    ]
    assert counts.set_index("reason")["rows"].to_dict() == {"ok": 1, "guest": 1}
    assert counts.set_index("reason")["example"].to_dict() == {"ok": 2, "guest": 3}


# --- round trips ----------------------------------------------------------

customers = st.sampled_from(["C01", "00421", "1001", "Łukasz", "Zoë", None])
sales = st.lists(
    st.tuples(
        customers,
        st.datetimes(
            min_value=dt.datetime(2023, 1, 1), max_value=dt.datetime(2025, 12, 31)
        ),
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2),
    ),
    min_size=1,
    max_size=15,
)


def expected_orders(rows) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_id": [str(1000 + i) for i in range(len(rows))],
            "customer_id": pd.array([r[0] for r in rows], dtype="string"),
            "timestamp": pd.to_datetime(
                [r[1].replace(second=0, microsecond=0) for r in rows]
            ).astype("datetime64[ns]"),
            "revenue": [float(r[2]) for r in rows],
        }
    )


def compare(log, rows) -> None:
    got = log.orders.sort_values("order_id").reset_index(drop=True)
    want = expected_orders(rows)
    pd.testing.assert_frame_equal(got[list(want.columns)], want, check_dtype=False)


def money(value: Decimal, decimal: str, thousands: str, currency: str) -> str:
    """``value`` written as a shop in that locale writes it: 1 250,50 Ft."""
    text = f"{value:,.2f}".replace(",", "\x00").replace(".", decimal)
    text = text.replace("\x00", thousands)
    return f"{currency}{text}" if currency in ("€", "$", "£") else f"{text}{currency}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=sales,
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    marks=st.sampled_from(
        [
            (".", ""),
            (".", ","),
            (".", "'"),
            (".", " "),
            (",", ""),
            (",", "."),
            (",", " "),
            (",", "'"),
        ]
    ),  # fmt: skip
    currency=st.sampled_from(["", "€", "$", "£", " Ft", " HUF", " EUR"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1250", "cp1252", "latin-1"]),
    date_format=st.sampled_from(
        [
            "%Y-%m-%d %H:%M",
            "%d.%m.%Y %H:%M",
            "%d/%m/%Y %H:%M",
            "%Y. %m. %d. %H:%M",
            "%m/%d/%Y %H:%M",
        ]
    ),
    # a note longer than the csv module's default field limit of 131,072
    long_note=st.sampled_from([None, 0, 3]),
)
def test_generated_csv_reads_back_to_the_same_orders(
    rows, delimiter, marks, currency, encoding, date_format, long_note
):
    decimal, thousands = marks
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["Order ID", "Customer ID", "Order Date", "Total", "Note"])
    for i, (customer, stamp, amount) in enumerate(rows):
        writer.writerow(
            [
                1000 + i,
                customer or "",
                stamp.strftime(date_format),
                money(amount, decimal, thousands, currency),
                "x" * 200_000 if i == long_note else "",
            ]
        )
    assume(any(customer for customer, _, _ in rows))
    try:
        data = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        assume(False)  # a name this code page cannot write
    order = "month_first" if date_format.startswith("%m") else "auto"
    compare(load_sales_log(("sales.csv", data), date_order=order), rows)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=sales)
def test_generated_xlsx_reads_back_to_the_same_orders(rows):
    assume(any(customer for customer, _, _ in rows))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Order ID", "Customer ID", "Order Date", "Total"])
    for i, (customer, stamp, amount) in enumerate(rows):
        number_id = (
            customer is not None and customer.isdigit() and not customer.startswith("0")
        )
        sheet.append(
            [
                1000 + i,
                int(customer) if number_id else customer,
                stamp.replace(second=0, microsecond=0),
                float(amount),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    compare(load_sales_log(("sales.xlsx", buffer.getvalue())), rows)


# --- several files, progress and missing columns -------------------------------


def test_progress_goes_through_each_file_and_the_cleaning():
    steps = []
    files = [("jan.csv", LOG), ("feb.csv", LOG.replace(b"2024", b"2025"))]
    raw = read_raw(files, progress=lambda done, text: steps.append((done, text)))
    assert steps == [
        (0.0, "Reading jan.csv…"),
        (0.025, "Detecting the text encoding of jan.csv…"),
        (0.1, "Splitting jan.csv into columns…"),
        (0.4, "Finding the header row of jan.csv…"),
        (0.5, "Reading feb.csv…"),
        (0.525, "Detecting the text encoding of feb.csv…"),
        (0.6, "Splitting feb.csv into columns…"),
        (0.9, "Finding the header row of feb.csv…"),
    ]
    steps.clear()
    build_orders(raw, progress=lambda done, text: steps.append((done, text)))
    assert [text for _, text in steps] == [
        "Finding the columns and cleaning 4 rows…",
        "Reading the customer ids of 4 rows…",
        "Reading the dates…",
        "Reading the amounts…",
        "Finding refunds and cancellations…",
        "Finding total rows and rows repeated in the file…",
        "Grouping the lines into orders and matching refunds…",
        "Writing down what happened to every row…",
    ]
    shares = [done for done, _ in steps]
    assert shares == sorted(shares)
    assert shares[0] == 0.0 and 0.8 < shares[-1] < 1.0


def test_files_with_different_columns_are_stacked_and_the_gap_is_said():
    other = b"customer,date,amount,store\nC9,2024-03-01,7,Pest\n"
    raw = read_raw(
        [("a.csv", b"customer,date,amount\nC1,2024-01-01,5\n"), ("b.csv", other)]
    )
    assert raw.frame["store"].tolist() == ["", "Pest"]
    assert (
        "a.csv has no column store; those cells are empty for its rows." in raw.notices
    )


def test_no_customer_column_says_what_to_choose():
    with pytest.raises(SalesLogError, match="Choose the column with the customer id"):
        load_sales_log(("log.csv", b"date,amount\n2024-01-01,5\n2024-01-02,6\n"))


def test_a_date_column_of_words_is_named_with_its_first_value():
    # regression: it said "No date column was found" until the column was
    # picked by hand
    data = b"customer,order_date,amount\nC1,soon,5\nC2,later,6\n"
    with pytest.raises(SalesLogError) as error:
        load_sales_log(("log.csv", data))
    assert str(error.value) == (
        "The column order_date holds no dates that can be read (first value: "
        "'soon'). Choose the column with the order date."
    )


def test_an_amount_column_of_words_is_named_with_its_first_value():
    data = b"customer,date,total\nC1,2024-01-02,free\nC2,2024-01-03,gift\n"
    with pytest.raises(SalesLogError, match="The column total holds no amounts"):
        load_sales_log(("log.csv", data))


def test_without_a_column_named_for_dates_none_is_said_to_be_found():
    data = b"customer,note,amount\nC1,soon,5\nC2,later,6\n"
    with pytest.raises(SalesLogError, match="No date column was found"):
        load_sales_log(("log.csv", data))


def test_notes_every_file_shares_are_said_once():
    month = "customer,date,amount\nC1,2024-0{m}-01,5\n"
    files = [(f"month0{m}.csv", month.format(m=m).encode()) for m in range(1, 4)]
    files.append(("other.csv", b"customer;date;amount\nC2;2024-05-01;7\n"))

    notes = read_raw(files[:3]).notices
    mixed = read_raw(files).notices

    assert notes == ("Text encoding: UTF-8.", "Columns separated by comma.")
    assert mixed[0] == "Text encoding: UTF-8."
    assert "month02.csv: Columns separated by comma." in mixed
    assert "other.csv: Columns separated by semicolon." in mixed


@pytest.mark.parametrize(
    ("names", "name"),
    [
        (["jan.csv"], "jan.csv"),
        (["jan.csv", "feb.csv"], "jan.csv and feb.csv"),
        ([f"month{m:02}.csv" for m in range(1, 11)], "month01.csv and 9 more files"),
        (["a.csv", "b.csv", "c.csv"], "a.csv and 2 more files"),
    ],
)
def test_several_files_are_named_by_the_first_and_how_many_more(names, name):
    assert files_name(names) == name


def test_cafe_sales_with_date_and_datetime_columns_keep_one_order_per_sale(shared_dir):
    log = load_sales_log(shared_dir / "data" / "coffee_vending_sales" / "index_1.csv")
    figures = order_figures(log.orders)
    assert figures.orders == 3636
    assert figures.revenue == pytest.approx(115_431.58)
    assert figures.repeat_customers == 545
    assert figures.repeat_customers / figures.customers == pytest.approx(
        0.414, abs=5e-4
    )
    assert "lines_combined" not in [notice.code for notice in log.report.notices]


def notes_first_workbook() -> bytes:
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "ReadMe"
    notes.append(["Sales export of the shop"])
    notes.append(["Orders are on the next sheet."])
    orders = workbook.create_sheet("Orders")
    orders.append(["order_id", "customer_id", "order_date", "amount"])
    for i in range(100):
        orders.append([i, f"C{i % 30}", dt.date(2024, 1, 1 + i % 28), 10 + i % 7])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_first_sheet_of_notes_is_passed_over_for_the_sheet_with_sales_columns():
    raw = read_raw(("notes_first.xlsx", notes_first_workbook()))
    assert set(raw.rows.to_pandas()["sheet"]) == {"Orders"}
    assert any("ReadMe has no sales columns" in notice for notice in raw.notices)
    assert sales_sheet(notes_first_workbook(), name="notes_first.xlsx") == "Orders"
    assert len(build_orders(raw, detect_columns(raw.frame)).orders) == 100


def sheets_read_by(monkeypatch, file_name: str) -> list[str]:
    """The sheets of ``file_name`` read from now on, in order, one entry for
    each reading."""
    from retention import reading

    read = []
    read_sheet = reading._read_sheet

    def counting(workbook, data, name, sheet, *arguments):
        if name == file_name:
            read.append(sheet)
        return read_sheet(workbook, data, name, sheet, *arguments)

    monkeypatch.setattr(reading, "_read_sheet", counting)
    return read


def test_each_sheet_is_read_once_to_find_the_one_with_sales(monkeypatch):
    """A sheet of a million rows takes seconds: the sales sheet found after a
    sheet of notes is the table returned, not read again."""
    read = sheets_read_by(monkeypatch, "notes_first.xlsx")
    raw = read_raw(("notes_first.xlsx", notes_first_workbook()))
    assert raw.sheets_read() == ["Orders"]
    assert read == ["ReadMe", "Orders"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=sales,
    marks=st.sampled_from([(".", ","), (",", "."), (",", " "), (".", "'")]),
    currency=st.sampled_from(["", "€", " Ft", "$"]),
    date_format=st.sampled_from(
        ["%d.%m.%Y %H:%M", "%Y. %m. %d. %H:%M", "%m/%d/%Y %H:%M", "%Y-%m-%d %H:%M"]
    ),
)
def test_generated_xlsx_of_text_cells_in_a_locale_reads_back_to_the_same_orders(
    rows, marks, currency, date_format
):
    """Dates and amounts typed as text, as a till's "export to Excel" writes them."""
    assume(any(customer for customer, _, _ in rows))
    decimal, thousands = marks
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Order ID", "Customer ID", "Order Date", "Total"])
    for i, (customer, stamp, amount) in enumerate(rows):
        sheet.append(
            [
                str(1000 + i),
                customer,
                stamp.strftime(date_format),
                money(amount, decimal, thousands, currency),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    order = "month_first" if date_format.startswith("%m") else "auto"
    compare(load_sales_log(("sales.xlsx", buffer.getvalue()), date_order=order), rows)


def test_several_workbooks_each_open_on_their_sales_sheet_or_the_chosen_ones():
    header = ["Order", "Customer", "Date", "Amount"]

    def workbook(sheets):
        book = openpyxl.Workbook()
        book.remove(book.active)
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    shop = workbook(
        {
            "2023": [header, [1, "C1", "2023-05-02", 10]],
            "2024": [header, [3, "C1", "2024-05-02", 30]],
        }
    )
    web = workbook(
        {
            "ReadMe": [["Web shop export"], ["Orders are on the next sheet."]],
            "Orders": [header, [11, "C3", "2024-07-01", 5]],
        }
    )
    files = [("shop.xlsx", shop), ("web.xlsx", web)]
    raw = read_raw(files)
    assert raw.origin[["source", "sheet"]].values.tolist() == [
        ["shop.xlsx", "2023"],
        ["web.xlsx", "Orders"],
    ]
    raw = read_raw(files, sheet={"shop.xlsx": ["2023", "2024"]})
    assert raw.origin["sheet"].tolist() == ["2023", "2024", "Orders"]
    assert build_orders(raw).orders["revenue"].sum() == 45


SALES_2023 = [
    ["Order", "Customer", "Date", "Amount"],
    [1, "C1", "2023-05-02", 10],
    [2, "C2", "2023-06-02", 20],
]
TOTALS_2024 = [["Order", "Customer", "Date", "Total"], [3, "C1", "2024-05-02", 30]]


def test_sheets_with_other_column_names_are_refused_naming_the_workbook_and_sheet():
    """Finding: stacked by name, the amounts of the sheet 2023 were in a
    column the mapping did not use, and its sales left the figures silently."""
    data = workbook_bytes({"2023": SALES_2023, "2024": TOTALS_2024})
    with pytest.raises(SalesLogError) as refused:
        load_sales_log(("years.xlsx", data), sheet=["2023", "2024"])
    assert str(refused.value) == (
        "The sheet “2024” of years.xlsx has other columns (Order, Customer, Date, "
        "Total) than the sheet “2023”, which has Amount: choose one of them under "
        "Sheets to read, or give its columns the names they have in the sheet "
        "“2023”."
    )


def test_a_first_sheet_without_the_order_column_of_the_next_is_refused_too():
    jan = [["Customer", "Date", "Amount"], ["C1", "2024-01-05", 10]]
    feb = [["Invoice", "Customer", "Date", "Amount"], ["F1", "C1", "2024-02-05", 10]]
    data = workbook_bytes({"Jan": jan, "Feb": feb})
    with pytest.raises(SalesLogError, match="“Jan” of shop.xlsx .* has Invoice:"):
        read_raw(("shop.xlsx", data), sheet=["Jan", "Feb"])


def test_the_chosen_sheets_of_one_of_several_workbooks_are_checked_too():
    shop = workbook_bytes({"2023": SALES_2023, "2024": TOTALS_2024})
    web = b"Order,Customer,Date,Amount\n11,C3,2024-07-01,5\n"
    files = [("shop.xlsx", shop), ("web.csv", web)]
    with pytest.raises(SalesLogError, match="^The sheet “2024” of shop.xlsx has"):
        read_raw(files, sheet={"shop.xlsx": ["2023", "2024"]})
    assert len(read_raw(files, sheet={"shop.xlsx": ["2023"]})) == 3


def test_sheets_of_the_same_columns_in_another_order_are_stacked():
    """Columns are matched by name, as for files: their order does not
    matter, nor a column no sale is read from (a note, an empty column)."""
    noted = [
        [*row, note] for row, note in zip(SALES_2023, ["Note", "gift", ""], strict=True)
    ]
    shuffled = [["Amount", "Date", "Customer", "Order", "Spare"]]
    shuffled += [[30, "2024-05-02", "C1", 3, None]]
    data = workbook_bytes({"2023": noted, "2024": shuffled})
    log = load_sales_log(("years.xlsx", data), sheet=["2023", "2024"])
    assert log.orders["revenue"].tolist() == [10.0, 20.0, 30.0]
    assert set(log.report.notice_texts()) >= {
        "The sheet 2024 has no column Note; those cells are empty for its rows.",
        "The sheet 2023 has no column Spare; those cells are empty for its rows.",
    }


def test_workbook_whose_first_sheet_is_empty_is_read_from_its_sales_sheet():
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    orders = workbook.create_sheet("Orders")
    orders.append(["order_id", "customer", "date", "amount"])
    for n in range(10):
        orders.append([n + 1, f"C{n % 3}", dt.date(2024, 1, n + 1), 5.0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    raw = read_raw(buffer.getvalue(), name="notes_first.xlsx")
    assert len(raw) == 10
    assert any("the sheet Orders has them and was read" in n for n in raw.notices)
    assert build_orders(raw).report.customers_found == 3


def test_the_report_workbook_writes_file_text_that_looks_like_a_formula_as_text():
    from tests.test_export import assert_no_formula

    log = (
        b"order,customer,date,amount,store\n"
        b'1,"=HYPERLINK(""http://evil.example"",""click"")",2024-01-02,5.50,=1+2\n'
        b"2,@SUM(A1:A2),2024-01-03,4,+cmd\n"
    )
    report = load_sales_log(("=inject.csv", log)).report
    book = openpyxl.load_workbook(io.BytesIO(report.to_excel_bytes()))
    texts = ['=HYPERLINK("http://evil.example","click")', "=1+2", "=inject.csv"]
    assert_no_formula(book, [*texts, "@SUM(A1:A2)", "+cmd"])


def test_the_same_sales_as_xlsx_and_csv_count_once_said_as_repeated_in_the_other_file(
    shared_dir,
):
    folder = shared_dir / "data" / "uci_online_retail"
    workbook = folder / "online_retail_sample_232rows_IIstyle.xlsx"
    text = folder / "online_retail_sample_232rows_IIstyle_dmy.csv"
    alone = load_sales_log(workbook)
    both = load_sales_log([workbook, text])
    assert len(both.orders) == len(alone.orders) == 25
    assert both.orders["revenue"].sum() == pytest.approx(10_536.00)
    report = both.report
    assert report.count("duplicate_other_file") == 232
    repeated = report.rows_for("duplicate_other_file")
    assert set(repeated["source"]) == {text.name}
    assert "another file" in reason_label("duplicate_other_file")
    [note] = [n for n in report.notice_texts() if "repeat" in n and text.name in n]
    assert "232 rows" in note and workbook.name in note


def test_rows_repeated_inside_one_file_keep_their_own_reason_beside_another_file():
    first = "order,customer,date,amount\n1,C1,2024-01-05,10\n1,C1,2024-01-05,10\n"
    second = "order,customer,date,amount\n1,C1,05/01/2024,10.00\n2,C2,06/01/2024,4\n"
    log = load_sales_log([("a.csv", first.encode()), ("b.csv", second.encode())])
    assert log.report.count("duplicate", exact=True) == 1
    assert log.report.count("duplicate_other_file") == 1
    assert log.report.count("duplicate") == 2
    assert log.orders["revenue"].sum() == 14.0


ALL_ZERO = (
    b"order_id,customer_id,order_date,amount\n1,C1,2024-01-05,0\n2,C2,2024-01-06,0\n"
)
ONLY_REFUNDS = (
    b"order_id,customer_id,order_date,amount\n1,C1,2024-01-05,-10\n2,C2,2024-01-06,-5\n"
)


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (ALL_ZERO, "both rows are orders worth nothing (amount 0) (rows 2–3)"),
        (ONLY_REFUNDS, "both rows are refunds or cancellations"),
    ],
)
def test_a_file_without_a_purchase_is_refused_naming_its_rows(content, why):
    with pytest.raises(NoPurchasesError) as refused:
        load_sales_log(("sales.csv", content))
    assert str(refused.value).startswith("No purchases found: ")
    assert why in str(refused.value)
    assert refused.value.report.rows_read == 2


def test_the_rows_of_a_file_without_a_purchase_are_told_per_reason():
    content = ALL_ZERO + b"3,C3,soon,5\n"
    with pytest.raises(NoPurchasesError) as refused:
        load_sales_log(("sales.csv", content))
    message = str(refused.value)
    assert "2 rows are orders worth nothing (amount 0) (rows 2–3)" in message
    assert "1 row is without a date that can be read (row 4)" in message


def test_files_with_other_column_names_are_refused_naming_the_file_and_its_columns():
    """Finding: stacked by name, the columns of two tills' exports were mixed
    into one mapping and every row of one file was lost as "no date"."""
    jan = b"order_id,customer_id,order_date,amount\n1,C1,2024-01-05,10\n"
    feb = b"Invoice,Customer ID,Date,Total\n4,C1,2024-02-05,10\n"
    with pytest.raises(SalesLogError) as refused:
        read_raw([("jan.csv", jan), ("feb.csv", feb)])
    assert str(refused.value).startswith(
        "feb.csv has other columns (Invoice, Customer ID, Date, Total) than jan.csv"
    )
    assert "than jan.csv, which has order_id, customer_id, order_date, amount:" in (
        str(refused.value)
    )
    assert "upload it on its own" in str(refused.value)


def test_a_till_export_uploaded_with_another_layout_is_refused_not_dropped(cases_dir):
    files = [
        cases_dir / "F01_orders_q1_q2.csv",
        cases_dir / "F11_pos_export_cp1250.csv",
    ]
    with pytest.raises(SalesLogError, match="F11_pos_export_cp1250.csv has other"):
        read_raw(files)


def test_a_column_only_one_month_has_is_still_stacked():
    jan = b"order_id,customer_id,order_date,amount\n1,C1,2024-01-05,10\n"
    feb = b"order_id,customer_id,order_date,amount,note\n2,C1,2024-02-05,10,x\n"
    log = load_sales_log([("jan.csv", jan), ("feb.csv", feb)])
    assert log.orders["revenue"].tolist() == [10.0, 10.0]


def test_a_first_file_without_the_order_column_of_the_next_is_refused_too():
    jan = b"customer,date,amount\nC1,2024-01-05,10\n"
    feb = b"invoice,customer,date,amount\nF1,C1,2024-02-05,10\n"
    with pytest.raises(SalesLogError, match="jan.csv has other columns .* invoice"):
        read_raw([("jan.csv", jan), ("feb.csv", feb)])


DOUBLE_AMOUNT = (
    b"order_id,customer_id,date,amount,amount\n"
    b"1,C1,2024-01-05,10,99\n2,C2,2024-01-06,20,98\n3,C1,2024-02-05,30,97\n"
)


def test_two_columns_of_one_name_are_noted_with_the_one_used():
    """Finding: the second "amount" column was passed over without a word."""
    log = load_sales_log(("sales.csv", DOUBLE_AMOUNT))
    assert log.orders["revenue"].sum() == 60
    assert (
        "Two columns are named amount; the first is used as Amount. The other is "
        "shown as “amount (2)”: if it is the right one, choose it on the Data page."
    ) in log.report.notice_texts()


def test_the_second_of_two_columns_of_one_name_is_named_when_chosen():
    raw = read_raw(("sales.csv", DOUBLE_AMOUNT))
    mapping = replace(detect_columns(raw.cells), amount="amount (2)")
    log = build_orders(raw, mapping)
    assert log.orders["revenue"].sum() == 99 + 98 + 97
    assert (
        "Two columns are named amount; the one shown as “amount (2)” is used as "
        "Amount." in log.report.notice_texts()
    )


@pytest.mark.parametrize(
    ("sheets", "note"),
    [
        (
            ["Online Retail"],
            "Read the sheet “Online Retail”, the only sheet of the workbook.",
        ),
        (
            ["Sales", "Notes"],
            "Read the sheet “Sales”, one of the 2 sheets of the workbook.",
        ),
    ],
)
def test_the_sheet_read_is_named_in_quotes(sheets, note):
    # regression: "Read sheet Online Retail of 1."
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title in sheets:
        workbook.create_sheet(title).append(["customer", "date", "amount"])
        workbook[title].append(["C1", dt.date(2024, 1, 2), 5])
    buffer = io.BytesIO()
    workbook.save(buffer)

    raw = read_raw(("sales.xlsx", buffer.getvalue()))

    assert raw.notices[0] == note
