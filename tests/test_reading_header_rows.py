"""Finding the header row: files without one, and headers that look like data."""

from __future__ import annotations

import datetime as dt

import pytest
from test_reading import workbook_bytes

from retention.reading import read_table
from retention.sales_log import load_sales_log

# The tester's till export of data rows only: 12.50 + 7.00 + 3.50 = 23.00 in
# three orders of two customers, anna twice.
NO_HEADER = (
    "2024-01-05,anna@x.com,12.50,Tea\n"
    "2024-01-06,bela@x.com,7.00,Cake\n"
    "2024-02-05,anna@x.com,3.50,Tea\n"
)
NO_HEADER_ROWS = [
    [dt.datetime(2024, 1, 5), "anna@x.com", 12.5],
    [dt.datetime(2024, 1, 6), "bela@x.com", 7],
    [dt.datetime(2024, 2, 5), "anna@x.com", 3.5],
]


def figures(log) -> tuple[int, float, int]:
    """Orders, revenue and customers of a sales log."""
    orders = log.orders
    return (
        len(orders),
        round(orders["revenue"].sum(), 2),
        orders["customer_id"].nunique(),
    )


def test_a_csv_file_without_a_header_row_keeps_its_first_sale():
    table = read_table(NO_HEADER.encode(), name="till.csv")

    assert table.columns == ["Column 1", "Column 2", "Column 3", "Column 4"]
    assert table.origin["row_number"].tolist() == [1, 2, 3]
    assert table.frame.iloc[0].tolist() == ["2024-01-05", "anna@x.com", "12.50", "Tea"]
    assert any(
        note.startswith("No header row was found: row 1") for note in table.notices
    )


@pytest.mark.parametrize(
    "name, data",
    [
        ("till.csv", NO_HEADER.encode()),
        ("till.xlsx", workbook_bytes({"Sheet": NO_HEADER_ROWS})),
    ],
)
def test_a_file_without_a_header_row_counts_every_sale(name, data):
    log = load_sales_log((name, data))

    assert figures(log) == (3, 23.0, 2)
    assert log.report.rows_read == 3
    assert any("No header row was found" in note for note in log.report.notice_texts())


def test_a_sheet_of_date_cells_without_a_header_row_keeps_its_first_sale():
    # the workbook library gives a date cell in the first row no label at all
    rows = [
        [dt.datetime(2024, 1, 5), "C01", 12.5],
        [dt.datetime(2024, 1, 6), "C02", 7],
        [dt.datetime(2024, 2, 5), "C01", 3.5],
    ]
    table = read_table(workbook_bytes({"Sheet": rows}), name="till.xlsx")

    assert table.columns == ["Column 1", "Column 2", "Column 3"]
    assert table.frame["Column 1"].tolist() == [
        "2024-01-05",
        "2024-01-06",
        "2024-02-05",
    ]
    assert table.frame["Column 2"].tolist() == ["C01", "C02", "C01"]


@pytest.mark.parametrize("name", ["till.csv", "till.xlsx"])
def test_title_rows_above_sales_without_a_header_are_left_out(name):
    rows = [["Till export January"], [], *NO_HEADER_ROWS]
    if name.endswith(".csv"):
        data = ("Till export January\n\n" + NO_HEADER).encode()
    else:
        data = workbook_bytes({"Sheet": rows})

    table = read_table(data, name=name)

    assert table.origin["row_number"].tolist() == [3, 4, 5]
    assert table.columns[:3] == ["Column 1", "Column 2", "Column 3"]
    assert any("row 3 already holds a sale" in note for note in table.notices)


@pytest.mark.parametrize("name", ["years.csv", "years.xlsx"])
def test_a_header_of_years_over_numbers_stays_a_header(name):
    rows = [["Customer", 2023, 2024], ["C1", 10, 20], ["C2", 5, 6]]
    if name.endswith(".csv"):
        data = b"Customer,2023,2024\nC1,10,20\nC2,5,6\n"
    else:
        data = workbook_bytes({"Sheet": rows})

    table = read_table(data, name=name)

    assert table.columns == ["Customer", "2023", "2024"]
    assert len(table) == 2
    assert not any("No header row" in note for note in table.notices)


def test_a_header_with_no_label_over_its_dates_stays_a_header():
    rows = [
        [None, "Customer", "Product"],
        [dt.datetime(2024, 1, 5), "C01", "Tea"],
        [dt.datetime(2024, 1, 6), "C02", "Cake"],
    ]
    table = read_table(workbook_bytes({"Sheet": rows}), name="sales.xlsx")

    assert table.columns == ["Column 1", "Customer", "Product"]
    assert table.origin["row_number"].tolist() == [2, 3]


def test_a_header_of_words_over_email_addresses_stays_a_header():
    text = "name,email\nAnna,anna@x.com\nBela,bela@x.com\n"
    table = read_table(text.encode(), name="people.csv")

    assert table.columns == ["name", "email"]
    assert len(table) == 2


def test_a_title_row_with_dates_above_a_header_is_no_sale():
    text = (
        "Report,2024-01-01,2024-03-31\n"
        "Customer,Date,Amount\n"
        "C1,2024-01-05,12.50\n"
        "C2,2024-01-06,7.00\n"
    )
    table = read_table(text.encode(), name="report.csv")

    assert table.columns == ["Customer", "Date", "Amount"]
    assert table.header_row == 2


def test_a_first_sale_by_email_among_customers_named_otherwise_is_a_sale():
    text = (
        "2024-01-05,anna@x.com,12.50\n2024-01-06,Bela Kiss,7.00\n"
        "2024-01-07,Cecil,3.50\n2024-01-08,Dora,4.00\n"
    )
    table = read_table(text.encode(), name="till.csv")

    assert len(table) == 4


# A till's "Sales by customer" report: its title and filter lines (a label
# and its value, in one cell or two) above the table, then a blank line.
REPORT_LINES = [
    ["Sales by customer"],
    ["Date range:", "01/01/2024 - 31/03/2024"],
    ["Location:", "All locations"],
    ["Filters: none"],
    [],
]
REPORT_HEADER = ["Date", "Receipt", "Customer", "Item", "Qty", "Amount"]
REPORT_SALES = [
    ["05/01/2024", "R1", "Anna", "Tea", "1", "12.50"],
    ["06/01/2024", "R2", "Bela", "Cake", "2", "7.00"],
    ["05/02/2024", "R3", "Anna", "Tea", "1", "3.50"],
]


def report_export(columns: list[int], extension: str) -> tuple[str, bytes]:
    """The report with the table's ``columns`` only, as a .csv or an .xlsx."""
    table = [[row[i] for i in columns] for row in [REPORT_HEADER, *REPORT_SALES]]
    rows = REPORT_LINES + table
    if extension == "csv":
        return "report.csv", "".join(",".join(row) + "\n" for row in rows).encode()
    return "report.xlsx", workbook_bytes({"Sales": rows})


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "columns", [[0, 1, 2, 3, 4, 5], [0, 2, 5], [0, 1, 2, 5]], ids=["6", "3", "4"]
)
def test_a_reports_filter_lines_above_the_table_are_passed_over(columns, extension):
    name, data = report_export(columns, extension)

    table = read_table(data, name=name)
    log = load_sales_log((name, data))

    assert table.header_row == 6
    assert table.columns == [REPORT_HEADER[i] for i in columns]
    assert (
        "The column headers were found on row 6. The report's title and filter "
        "lines above them (“Date range: 01/01/2024 - 31/03/2024”) were passed over."
    ) in table.notices
    assert figures(log) == (3, 23.0, 2)


def test_a_header_of_labels_ending_in_a_colon_stays_a_header():
    data = b"Customer:,Amount:\nAnna,12.50\nBela,7.00\n"

    assert read_table(data, name="colons.csv").columns == ["Customer:", "Amount:"]


def test_a_filter_line_right_above_the_header_is_not_joined_to_its_names():
    data = (
        b"Sales by customer\nLocation:,All locations,Staff:,Everyone\n"
        b"Date,Receipt,Customer,Item,Qty,Amount\n05/01/2024,R1,Anna,Tea,1,12.50\n"
    )

    table = read_table(data, name="report.csv")

    assert table.columns == REPORT_HEADER
    assert table.header_row == 3
