"""The quality report's notes on the rows of each reason, its counts and
its downloads."""

import io

import openpyxl
import pandas as pd
import polars as pl

from retention.quality import with_repaired_outcomes
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


# row 2 as it is; row 3 an id 421.0; row 4 a guest purchase written £1,250.00;
# row 5 a customer's £1,250.00; row 6 a refund netted into row 5; row 7 no date
REPAIRED = (
    HEADER + "1,A,2024-01-10,10.00\n"
    "2,421.0,2024-01-11,12.00\n"
    '3,,2024-01-12,"£1,250.00"\n'
    '4,B,2024-01-13,"£1,250.00"\n'
    "5,B,2024-01-14,-5.00\n"
    "6,C,,5.00\n"
)
CURRENCY_SIGN = (
    "Amount written with a currency sign, thousands separator or accounting brackets"
)
GUEST = (
    "Guest purchase (no customer id): counts in orders and revenue, not in "
    "customer figures"
)


def test_a_guest_purchase_kept_after_a_repair_is_counted_as_repaired_not_kept():
    # regression: row 4 was counted as plain "kept", its repair nowhere counted
    report = _log(("shop.csv", REPAIRED)).report

    rows = report.rows.set_index("row_number")
    assert rows.loc[4, ["outcome", "reason", "repairs"]].tolist() == [
        "repaired",
        "guest",
        "amount_formatted",
    ]
    counts = report.counts()
    assert counts.groupby("outcome")["rows"].sum().to_dict() == {
        "kept": 2,  # rows 2 and 6
        "repaired": 3,  # rows 3, 4 and 5
        "excluded": 1,  # row 7
    }
    guest = counts[counts["reason"] == "guest"].iloc[0]
    assert (guest["repair"], guest["outcome"], guest["rows"]) == (
        "amount_formatted",
        "repaired",
        1,
    )
    assert guest["label"] == f"{CURRENCY_SIGN}. The row itself: {GUEST}"
    summary = dict(report.summary().itertuples(index=False))
    assert summary["Rows kept"] == 2
    assert summary["Rows kept after a repair"] == 3
    assert summary["Rows left out"] == 1


def test_the_rows_of_a_repaired_guest_purchase_download_on_their_own():
    report = _log(("shop.csv", REPAIRED)).report
    repaired = report.rows_for("guest", exact=True, repair="amount_formatted")
    assert repaired["row_number"].tolist() == [4]
    assert report.rows_for("guest", exact=True, repair="").empty
    assert report.rows_for("amount_formatted", repair="")["row_number"].tolist() == [5]
    (found,) = [f for f in report.reason_rows() if f["reason"] == "guest"]
    assert (found["repair"], found["outcome"]) == ("amount_formatted", "repaired")
    assert found["where"][0]["row_numbers"] == [4]


def test_the_counts_per_reason_download_as_a_csv_of_their_own():
    report = _log(("shop.csv", REPAIRED)).report

    table = pd.read_csv(
        io.BytesIO(report.counts_csv_bytes()),
        encoding="utf-8-sig",
        keep_default_na=False,
    )

    assert list(table.columns) == [
        "outcome",
        "label",
        "rows",
        "example_row",
        "reason",
        "repair",
    ]
    assert table["rows"].sum() == report.rows_read == 6
    assert table.groupby("outcome")["rows"].sum().to_dict() == {
        "kept": 2,
        "kept after a repair": 3,
        "left out": 1,
    }
    by_reason = table.set_index(["reason", "repair"])
    assert by_reason.loc[("guest", "amount_formatted"), "example_row"] == 4
    assert by_reason.loc[("no_date", ""), "label"] == "Date missing or unreadable"
    # the workbook's Reasons sheet holds the same table
    book = openpyxl.load_workbook(io.BytesIO(report.to_excel_bytes()))
    sheet = list(book["Reasons"].values)
    assert list(sheet[0]) == list(table.columns)
    assert [row[2] for row in sheet[1:]] == table["rows"].tolist()
    detail = pd.read_csv(io.BytesIO(report.to_csv_bytes()), encoding="utf-8-sig")
    assert detail.set_index("row_number").loc[4, "outcome"] == "repaired"


def test_a_report_saved_before_counts_a_repaired_guest_purchase_as_repaired():
    saved = pl.DataFrame(
        {
            "outcome": ["kept", "kept", "repaired", "excluded"],
            "reason": ["ok", "guest", "amount_formatted", "no_date"],
            "repairs": ["", "amount_formatted", "amount_formatted", "amount_formatted"],
        }
    )
    outcomes = with_repaired_outcomes(saved)["outcome"].to_list()
    assert outcomes == ["kept", "repaired", "repaired", "excluded"]


def test_the_report_workbook_writes_its_figures_as_numbers_with_formats():
    # REPAIRED: orders 1-4 (the refund in row 6 is netted into order 4, row 7
    # has no date), order 3 a guest's: 1 of 4 orders, and
    # 10.00 + 12.00 + 1,250.00 + 1,250.00 - 5.00 = 2,517.00 of revenue
    report = _log(("shop.csv", REPAIRED)).report
    book = openpyxl.load_workbook(io.BytesIO(report.to_excel_bytes()))

    summary = {row[0].value: row[1] for row in book["Summary"].iter_rows(min_row=2)}
    expected = {
        "Rows read": (6, "#,##0"),
        "Rows left out": (1, "#,##0"),
        "Orders found": (4, "#,##0"),
        "Customers found": (3, "#,##0"),
        "Guest share of orders": (0.25, "0.00%"),
        "Net revenue": (2517.00, "#,##0.00"),
    }
    for figure, (value, number_format) in expected.items():
        cell = summary[figure]
        assert (cell.value, cell.data_type, cell.number_format) == (
            value,
            "n",
            number_format,
        ), figure
    assert (summary["Currency"].value, summary["Currency"].data_type) == ("GBP", "s")

    reasons = book["Reasons"]
    for row in reasons.iter_rows(min_row=2):
        assert (row[2].data_type, row[2].number_format) == ("n", "#,##0")
        assert (row[3].data_type, row[3].number_format) == ("n", "0")
    rows = book["Rows"]
    header = [cell.value for cell in rows[1]]
    assert [cell.value for cell in rows["C"][1:]] == [2, 3, 4, 5, 6, 7]
    # the file's own cells stay the text that was read
    column = header.index("amount") + 1
    (amounts,) = rows.iter_cols(column, column, min_row=2, values_only=True)
    assert amounts[:4] == ("10.00", "12.00", "£1,250.00", "£1,250.00")


def test_the_report_workbook_keeps_its_headers_in_view_and_columns_readable():
    report = _log(("shop.csv", REPAIRED)).report
    book = openpyxl.load_workbook(io.BytesIO(report.to_excel_bytes()))

    for sheet in book:
        assert sheet.freeze_panes == "A2", sheet.title
        for cell in sheet[1]:
            width = sheet.column_dimensions[cell.column_letter].width
            assert width >= len(cell.value), (sheet.title, cell.value)
    summary = book["Summary"]
    assert summary.column_dimensions["A"].width >= len("Rows kept after a repair")
    label = book["Reasons"].column_dimensions["B"].width
    assert 30 <= label <= 60  # the reasons' labels, long ones cut at 60
