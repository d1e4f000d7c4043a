"""The view as a workbook: opened back with openpyxl, every cell is the
package's figure (and the page's) as a number cell with its number format (rates
as fractions), each sheet has a native chart, a frozen header and readable
columns, and text from the customer's files is never run as a formula."""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile

import openpyxl
import pandas as pd
import pytest

from retention.clv import clv_by_cohort, clv_factors
from retention.cohorts import cohort_cells, cohort_matrix, partial_cells
from retention.export import FORMULA_STARTS
from retention.nps import net_promoter_score
from retention.overview import overview_figures
from retention.periods import period_ordinals
from retention.report import (
    SUMMARY_FORMATS,
    ReportView,
    cohort_rows,
    retention_rows,
    view_report,
)
from retention.retention_rates import retention_by_period
from retention.sales_log import load_sales_log
from retention.segments import (
    as_of_days,
    customer_segments,
    segment_names,
    segment_summary,
)
from retention.selection import Selection
from tests.order_tables import data_until, monthly_orders
from tests.test_pages import (  # noqa: F401
    navigation_pages,
    open_app,
    shown_metrics,
    upload,
)
from ui.show import change, formatted

HEADER_ROW = 7  # the table header below the title and the four note rows


@pytest.fixture(scope="module")
def f20(cases_dir):
    return load_sales_log(cases_dir / "F20_orders_for_share_link.csv").orders


def quarter(day: str) -> int:
    return int(period_ordinals(pd.Series([pd.Timestamp(day)]), "quarter")[0])


@pytest.fixture(scope="module")
def q1_2024(f20):
    selection = Selection("quarter", quarter("2024-01-01"), quarter("2024-01-01"))
    nps = net_promoter_score([10, 10, 9, 9, 9, 8, 7, 6, 3, 0])
    view = ReportView("F20 shop", f20, selection, "retail", nps)
    return view, openpyxl.load_workbook(io.BytesIO(view_report(view)))


def table(sheet, top: int = HEADER_ROW) -> list[tuple]:
    """The rows under the header at ``top`` down to the first empty row."""
    rows = []
    for values in sheet.iter_rows(min_row=top + 1, values_only=True):
        if values[0] is None:
            break
        rows.append(values)
    return rows


def same(cell, expected) -> bool:
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return cell is None
    if isinstance(expected, pd.Timestamp):
        return cell == expected.to_pydatetime()
    if isinstance(expected, (bool, str)):
        return cell == expected
    return cell == pytest.approx(float(expected))


def test_the_workbook_has_its_sheets_each_with_a_chart(q1_2024):
    _, book = q1_2024
    assert book.sheetnames == [
        "Summary",
        "Retention",
        "Cohorts",
        "Segments",
        "Customer value",
        "NPS",
    ]
    for name in book.sheetnames[1:]:
        assert len(book[name]._charts) == 1, name


def test_every_sheet_notes_the_date_range_and_settings(q1_2024):
    _, book = q1_2024
    for sheet in book:
        assert sheet["B2"].value == "F20 shop"
        assert sheet["B3"].value == "2023-12-05 to 2024-04-09"
        assert sheet["B4"].value.startswith("quarters, 2024 Q1; a customer is lost")
        assert "after 1 period(s)" in sheet["B4"].value
        assert "Retail" in sheet["B4"].value


def test_the_note_names_the_time_zone_the_stamps_were_converted_to(cases_dir):
    zone = "America/Los_Angeles"
    log = load_sales_log(cases_dir / "F03_orders_utc_timestamps.csv", timezone=zone)
    january = int(period_ordinals(pd.Series([pd.Timestamp("2024-01-01")]), "month")[0])
    selection = Selection("month", january, january + 2)
    plain = ReportView("F03", log.orders, selection, "retail")
    zoned = ReportView("F03", log.orders, selection, "retail", timezone=zone)
    plain_book = openpyxl.load_workbook(io.BytesIO(view_report(plain)))
    zoned_book = openpyxl.load_workbook(io.BytesIO(view_report(zoned)))
    for sheet in zoned_book:
        assert sheet["B3"].value == (
            plain_book[sheet.title]["B3"].value
            + "; times converted to America/Los Angeles"
        )
        assert table(sheet) == table(plain_book[sheet.title])


RATES = {"repeat_purchase_rate", "retention_rate", "churn_rate"}


def as_shown(figure: str, cell):
    """A Summary cell as the Overview's unit: rates back from fractions."""
    if cell is None:
        return math.nan
    return cell * 100 if figure in RATES else cell


def test_the_summary_holds_the_overview_figures(q1_2024):
    view, book = q1_2024
    rows = table(book["Summary"])
    expected = overview_figures(view.orders, view.selection).figures
    assert len(rows) == len(expected) == 8
    for row, (_, figure) in zip(rows, expected.iterrows(), strict=True):
        for cell, column in zip(row[1:4], ("value", "previous", "change"), strict=True):
            got = as_shown(figure["figure"], cell)
            assert same(None if math.isnan(got) else got, figure[column]), (
                figure["figure"],
                column,
            )
    values = {row[0]: row[1] for row in rows}
    assert values["Orders"] == 4 and values["Revenue"] == 115  # F20, worked by hand
    assert values["Average order value"] == pytest.approx(28.75)
    assert values["Repeat purchase rate"] == pytest.approx(1 / 3)
    assert all(row[4] for row in rows), "each figure has its definition"


def test_summary_figures_are_number_cells_with_number_formats(q1_2024):
    _, book = q1_2024
    sheet = book["Summary"]
    formats = list(SUMMARY_FORMATS.values())
    for offset, number_format in enumerate(formats, HEADER_ROW + 1):
        for cell in sheet[offset][1:4]:
            if cell.value is None:
                continue
            assert cell.data_type == "n", (cell.coordinate, cell.value)
            assert cell.number_format == number_format, cell.coordinate
    assert SUMMARY_FORMATS["retention_rate"] == "0.00%"
    assert SUMMARY_FORMATS["customers"] == "#,##0"
    nps = sheet.cell(row=HEADER_ROW + 8 + 4, column=2)
    assert (nps.value, nps.data_type, nps.number_format) == (20, "n", "0")


@pytest.fixture(scope="module")
def sample_orders():
    from tests.test_pages import SAMPLE

    return load_sales_log(SAMPLE).orders


def test_summary_of_the_whole_sample_has_no_range_before_and_quotes_november(
    sample_orders,
):
    # regression: "Range before" read 0 and retention was empty, where the
    # Overview has nothing to compare with and quotes the last complete month
    view = ReportView("Sample", sample_orders, Selection("month", 491, 503), "retail")
    sheet = openpyxl.load_workbook(io.BytesIO(view_report(view)))["Summary"]
    rows = {row[0]: row for row in table(sheet)}
    assert all(row[2] is None and row[3] is None for row in rows.values())
    assert rows["Customers"][1] == 442
    # Nov 2011: S = 144, L = 81, so 63 kept
    assert rows["Retention rate (CRR)"][1] == pytest.approx(63 / 144)
    assert rows["Churn rate"][1] == pytest.approx(81 / 144)
    assert rows["Retention rate (CRR)"][5].startswith("Of Nov 2011")
    assert rows["Orders"][5] is None
    assert sheet.cell(row=HEADER_ROW - 1, column=1).value.startswith(
        "The data starts inside this range"
    )
    clv = sheet.cell(row=HEADER_ROW + 8 + 3, column=2)
    assert (clv.data_type, clv.number_format) == ("n", "#,##0.00")
    assert clv.value > 0


def test_the_summary_holds_clv_and_nps(q1_2024):
    view, book = q1_2024
    sheet = book["Summary"]
    extra = {row[0]: row[1] for row in table(sheet, HEADER_ROW + 8 + 2)}
    as_of = min(view.selection.end, view.orders["timestamp"].max())
    assert same(extra["Customer lifetime value"], clv_factors(view.orders, as_of).clv)
    assert extra["Net Promoter Score"] == pytest.approx(20.0)


def test_the_retention_sheet_is_the_retention_table(f20):
    selection = Selection("month", 647, 651, window=2)  # Dec 2023 - Apr 2024
    view = ReportView("F20", f20, selection, "retail")
    sheet = openpyxl.load_workbook(io.BytesIO(view_report(view)))["Retention"]
    rows = table(sheet)
    full = retention_by_period(f20, "month", 2)
    expected = full[(full["period"] >= 647) & (full["period"] <= 651)]
    assert len(rows) == len(expected) == 5
    assert [row[0] for row in rows] == list(expected["label"])
    rates = {"retention_rate", "churn_rate"}
    for row, (_, period) in zip(rows, expected.iterrows(), strict=True):
        for cell, column in zip(row, retention_rows(view).columns, strict=True):
            value = period[column] / 100 if column in rates else period[column]
            assert same(cell, value), (period["label"], column)


def test_the_cohort_sheet_is_the_cohort_table(f20):
    selection = Selection("month", 647, 651)
    view = ReportView("F20", f20, selection, "retail")
    sheet = openpyxl.load_workbook(io.BytesIO(view_report(view)))["Cohorts"]
    matrix = cohort_matrix(
        cohort_cells(f20, "month"), "share", "Average (weighted by size)"
    )
    assert list(matrix.columns) == list(cohort_rows(view).columns)
    rows = table(sheet)
    assert len(rows) == len(matrix)
    for row, (_, cohort) in zip(rows, matrix.iterrows(), strict=True):
        for cell, (column, value) in zip(row, cohort.items(), strict=True):
            share = isinstance(column, int)  # the ages' columns, in percent
            assert same(cell, value / 100 if share else value), cohort["label"]
    assert rows[-1][0] == "Average (weighted by size)"


def test_the_segments_sheet_is_the_segment_summary():
    from tests.test_pages import SAMPLE

    orders = load_sales_log(SAMPLE).orders
    view = ReportView("Sample", orders, Selection("month", 491, 503), "retail")
    sheet = openpyxl.load_workbook(io.BytesIO(view_report(view)))["Segments"]
    as_of, _ = as_of_days(orders, view.selection)
    expected = segment_summary(customer_segments(orders, as_of))
    rows = table(sheet)
    assert [row[0] for row in rows] == [segment_names()[s] for s in expected["segment"]]
    assert sum(row[1] for row in rows) == expected["customers"].sum() > 0
    shares = {"customer_share", "revenue_share"}
    for row, (_, segment) in zip(rows, expected.iterrows(), strict=True):
        for cell, column in zip(row[1:], expected.columns[1:], strict=True):
            value = segment[column] / 100 if column in shares else segment[column]
            assert same(cell, value), (segment["segment"], column)
    assert sheet["A6"].value == "Measured on"
    assert sheet["B6"].value == as_of.normalize().to_pydatetime()
    assert (sheet["B6"].is_date, sheet["B6"].number_format) == (True, "yyyy-mm-dd")


def test_the_customer_value_sheet_is_the_clv_by_cohort():
    from tests.test_pages import SAMPLE

    orders = load_sales_log(SAMPLE).orders
    view = ReportView("Sample", orders, Selection("month", 491, 503), "retail")
    sheet = openpyxl.load_workbook(io.BytesIO(view_report(view)))["Customer value"]
    as_of = min(view.selection.end, orders["timestamp"].max())
    factors = clv_factors(orders, as_of)
    assert not math.isnan(factors.clv)
    assert [row[1] for row in table(sheet)] == pytest.approx(
        [factors.aov, factors.annual_frequency, factors.lifespan_years, factors.clv]
    )
    cohorts = clv_by_cohort(orders, factors, "quarter")
    rows = table(sheet, HEADER_ROW + 4 + 2)
    assert [row[0] for row in rows] == list(cohorts["label"])
    for row, (_, cohort) in zip(rows, cohorts.iterrows(), strict=True):
        assert same(row[5], cohort["clv"]) and same(row[1], cohort["customers"])


def test_the_nps_sheet_counts_the_answers(q1_2024):
    _, book = q1_2024
    sheet = book["NPS"]
    figures = {row[0]: row[1:] for row in table(sheet)}
    assert figures["Net Promoter Score"][0] == pytest.approx(20.0)
    assert figures["Promoters (9-10)"] == (5, pytest.approx(0.5))
    assert figures["Detractors (0-6)"] == (3, pytest.approx(0.3))
    scores = table(sheet, HEADER_ROW + 6 + 2)
    assert [row[1] for row in scores] == [1, 0, 0, 1, 0, 0, 1, 1, 1, 3, 2]


@pytest.fixture(scope="module")
def f20_months(f20):
    """F20 by month, Dec 2023 - Apr 2024, with the ten-answer survey."""
    nps = net_promoter_score([10, 10, 9, 9, 9, 8, 7, 6, 3, 0])
    view = ReportView("F20", f20, Selection("month", 647, 651), "retail", nps)
    return openpyxl.load_workbook(io.BytesIO(view_report(view)))


def cells_of(sheet, label: str, top: int = HEADER_ROW) -> list:
    """The cells of the row under ``top`` whose first cell is ``label``."""
    for row in sheet.iter_rows(min_row=top + 1):
        if row[0].value == label:
            return list(row)
    raise AssertionError(f"no row {label!r} in {sheet.title}")


def assert_cells(cells, expected) -> None:
    """Each cell is the expected (value, number format); a number is a
    number cell."""
    for cell, (value, number_format) in zip(cells, expected, strict=False):
        assert cell.value == pytest.approx(value), cell.coordinate
        assert cell.data_type == "n", cell.coordinate
        assert cell.number_format == number_format, cell.coordinate


def test_the_retention_sheet_writes_rates_as_fractions_and_days_as_dates(f20_months):
    # F20 by month: C01 bought in Dec and Jan, C02 in Jan, C03 in Feb, so
    # February starts with C01 and C02 (S = 2) and keeps neither (L = 2)
    sheet = f20_months["Retention"]
    assert [c.value for c in sheet[HEADER_ROW]][9:11] == ["CRR", "Churn"]
    february = cells_of(sheet, "Feb 2024")
    assert february[1].value == dt.datetime(2024, 2, 1)
    assert (february[1].is_date, february[1].number_format) == (True, "yyyy-mm-dd")
    counts = [(2, "#,##0"), (1, "#,##0"), (1, "#,##0"), (1, "#,##0"), (0, "#,##0")]
    assert_cells(february[2:7], counts)
    assert_cells(
        february[7:11], [(0, "#,##0"), (2, "#,##0"), (0, "0.00%"), (1, "0.00%")]
    )
    january = cells_of(sheet, "Jan 2024")  # S = 1 (C01), who came back
    assert_cells(january[9:11], [(1, "0.00%"), (0, "0.00%")])
    assert cells_of(sheet, "Dec 2023")[9].value is None  # S = 0: no rate


def test_the_cohort_sheet_writes_shares_as_fractions(f20_months):
    sheet = f20_months["Cohorts"]
    # of the three one-customer cohorts, only December's bought a month later
    average = cells_of(sheet, "Average (weighted by size)")
    assert_cells(average[1:4], [(3, "#,##0"), (1, "0.00%"), (1 / 3, "0.00%")])
    assert average[4].value == pytest.approx(0.5)  # Dec no, Jan yes, Feb not yet
    assert "%" not in sheet["A1"].value


def test_the_segments_sheet_writes_shares_as_fractions_and_revenue_as_money(
    f20_months,
):
    sheet = f20_months["Segments"]
    assert [c.value for c in sheet[HEADER_ROW]] == [
        "Segment",
        "Customers",
        "Share of customers",
        "Revenue",
        "Share of revenue",
    ]
    # C01 (75.00 of the 165.00) is a champion on 9 April, the day of his sale
    expected = [(1, "#,##0"), (1 / 3, "0.00%"), (75, "#,##0.00"), (75 / 165, "0.00%")]
    assert_cells(cells_of(sheet, "Champions")[1:], expected)
    assert sheet["B6"].value == dt.datetime(2024, 4, 9)


def test_the_customer_value_sheet_formats_money_and_ratios(f20_months):
    sheet = f20_months["Customer value"]
    aov, frequency = (
        cells_of(sheet, "Average order value"),
        cells_of(sheet, "Orders per customer per year"),
    )
    assert_cells(aov[1:2], [(165 / 6, "#,##0.00")])  # six orders, 165.00
    assert (frequency[1].data_type, frequency[1].number_format) == ("n", "0.00")
    quarter_rows = table(sheet, HEADER_ROW + 4 + 2)
    assert [row[:3] for row in quarter_rows] == [("2023 Q4", 1, 1), ("2024 Q1", 2, 2)]
    first = cells_of(sheet, "2023 Q4", HEADER_ROW + 4 + 2)
    formats = [c.number_format for c in first[1:5]]
    assert formats == ["#,##0", "#,##0", "#,##0.00", "0.00"]
    assert first[3].value == pytest.approx(25)  # C01: (20 + 25 + 30) / 3
    assert first[5].value is None  # no CLV without a lifespan
    assert_cells([first[6]], [(75, "#,##0.00")])


def test_the_nps_sheet_writes_counts_shares_and_the_score_as_the_summary(f20_months):
    sheet = f20_months["NPS"]
    assert [c.value for c in sheet[HEADER_ROW]][:3] == ["Figure", "Value", "Share"]
    assert_cells(cells_of(sheet, "Net Promoter Score")[1:2], [(20, "0")])
    margin = cells_of(sheet, "Margin of error (95 %), points")[1]
    assert (margin.data_type, margin.number_format) == ("n", "0.0")
    assert_cells(cells_of(sheet, "Answers (valid 0-10 scores)")[1:2], [(10, "#,##0")])
    assert_cells(
        cells_of(sheet, "Promoters (9-10)")[1:3], [(5, "#,##0"), (0.5, "0.00%")]
    )
    assert_cells(cells_of(sheet, "Passives (7-8)")[1:3], [(2, "#,##0"), (0.2, "0.00%")])
    zero = cells_of(sheet, 0, HEADER_ROW + 6 + 2)  # one of the ten answered 0
    assert_cells(zero, [(0, "0"), (1, "#,##0"), (0.1, "0.00%")])


def test_no_heading_says_percent_where_the_format_does(f20_months):
    for sheet in f20_months:
        for row in sheet.iter_rows(min_row=HEADER_ROW):
            for cell in row:
                if isinstance(cell.value, str):
                    assert "(%)" not in cell.value, (sheet.title, cell.coordinate)
        assert "(%)" not in sheet["A1"].value
        for chart in sheet._charts:
            title = "".join(run.t for p in chart.title.tx.rich.p for run in (p.r or []))
            assert "%" not in title, sheet.title


def test_every_sheet_keeps_its_header_in_view_and_its_columns_readable(f20_months):
    for sheet in f20_months:
        assert sheet.freeze_panes == f"A{HEADER_ROW + 1}", sheet.title
        for cell in sheet[HEADER_ROW]:
            if cell.value is None:
                continue
            width = sheet.column_dimensions[cell.column_letter].width
            assert width >= len(str(cell.value)), (sheet.title, cell.value)
    summary = f20_months["Summary"]
    assert summary.column_dimensions["A"].width >= len("Average order value")
    assert 30 <= summary.column_dimensions["E"].width <= 60  # the definitions


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_customer_text_that_looks_like_a_formula_stays_text(f20, start):
    name = f'{start}HYPERLINK("http://evil.example","click")'
    selection = Selection("month", 647, 651)
    content = view_report(ReportView(name, f20, selection, "retail"))

    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book:
        cell = sheet["B2"]
        assert cell.value == name.replace("\r", "\n")  # XML reads CR back as LF
        assert cell.data_type == "s"
        assert cell.quotePrefix
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/")]
        for part in sheets:
            assert "<f>" not in package.read(part).decode(), part


def test_plain_text_keeps_no_quote_prefix(q1_2024):
    _, book = q1_2024
    assert not book["Summary"]["B2"].quotePrefix


OVERVIEW_LABELS = {
    "customers": "Customers",
    "orders": "Orders",
    "revenue": "Revenue",
    "aov": "Average order value",
    "purchase_frequency": "Orders per customer",
    "repeat_purchase_rate": "Repeat purchase rate",
    "retention_rate": "Retention rate (CRR)",
    "churn_rate": "Churn rate",
}


def summary_as_shown(orders, selection) -> dict[str, tuple[str, str | None]]:
    """The workbook's Summary, each figure written as the Overview writes its
    metric: (value, delta)."""
    view = ReportView("Shop", orders, selection, "retail")
    sheet = openpyxl.load_workbook(io.BytesIO(view_report(view)))["Summary"]
    shown = {}
    for row, figure in zip(table(sheet), OVERVIEW_LABELS, strict=True):
        value = formatted(figure, as_shown(figure, row[1]))
        if row[5]:  # of the last complete period, named in the note
            delta = "in " + row[5].removeprefix("Of ").split(",")[0]
        else:
            delta = change(figure, as_shown(figure, row[3]))
        shown[OVERVIEW_LABELS[figure]] = (value, delta)
    return shown


def page_metrics(app) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta or None) for m in app.metric}


def test_the_report_says_what_the_overview_page_shows(cases_dir):
    """F20 in the app: the page's metrics and the workbook's summary agree."""
    app = open_app({"granularity": "Q", "start": "2024-01-01", "end": "2024-03-31"})
    upload(app, cases_dir / "F20_orders_for_share_link.csv")
    assert app.sidebar.get("download_button"), "the sidebar offers the workbook"

    orders = load_sales_log(cases_dir / "F20_orders_for_share_link.csv").orders
    selection = Selection("quarter", quarter("2024-01-01"), quarter("2024-01-01"))
    assert page_metrics(app) == summary_as_shown(orders, selection)


@pytest.mark.parametrize(
    ("query", "selection"),
    [
        ({}, Selection("month", 491, 503)),  # the whole sample: nothing before
        ({"window": "2"}, Selection("month", 491, 503, window=2)),
        ({"start": "2011-09-01", "end": "2011-11-30"}, Selection("month", 500, 502)),
        (
            {"granularity": "Q", "start": "2011-04-01", "end": "2011-09-30"},
            Selection("quarter", 165, 166),
        ),
        # the range before, Sep 2010 - Apr 2011, starts before the data
        ({"start": "2011-05-01", "end": "2011-12-31"}, Selection("month", 496, 503)),
    ],
)
def test_the_summary_of_the_sample_is_the_overview(sample_orders, query, selection):
    app = open_app(query)
    assert not app.exception, [e.value for e in app.exception]
    assert page_metrics(app) == summary_as_shown(sample_orders, selection)


def test_a_summary_whose_range_before_starts_before_the_data_has_no_change(
    sample_orders,
):
    # regression: May - Dec 2011 showed +632 orders against Sep 2010 - Apr 2011,
    # three months of which come before the data (1 Dec 2010)
    selection = Selection("month", 496, 503)
    view = ReportView("Sample", sample_orders, selection, "retail")
    sheet = openpyxl.load_workbook(io.BytesIO(view_report(view)))["Summary"]
    rows = {row[0]: row for row in table(sheet)}
    assert all(row[2] is None and row[3] is None for row in rows.values())
    assert rows["Orders"][1] == 1241
    assert rows["Retention rate (CRR)"][1] == pytest.approx(63 / 144)  # Nov 2011
    assert rows["Retention rate (CRR)"][5].startswith(
        "Of Nov 2011, the range's last complete period: the data holds only part"
    )
    note = sheet.cell(row=HEADER_ROW - 1, column=1).value
    assert note.startswith(
        "The 8 periods before this range, Sep 2010 – Apr 2011, start before the "
        "data, which starts on 1 Dec 2010: it holds only 5 of them, Dec 2010 – "
        "Apr 2011, so no change is shown"
    )


def test_the_cohort_sheet_marks_the_cells_of_the_period_the_data_stops_inside(
    sample_orders,
):
    # regression: Apr 2011 +8 read 0 % like any cell, where the page fades it:
    # the data stops on 9 Dec 2011, so December's cells are partial
    view = ReportView("Sample", sample_orders, Selection("month", 491, 503), "retail")
    sheet = openpyxl.load_workbook(io.BytesIO(view_report(view)))["Cohorts"]
    header = [cell.value for cell in sheet[HEADER_ROW]]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=HEADER_ROW + 1)}

    def cell(cohort: str, age: int):
        return rows[cohort][header.index(f"+{age}")]

    for cohort, age, share in [
        ("Apr 2011", 8, 0.0),
        ("Nov 2011", 1, 0.1622),
        ("Dec 2010", 12, 0.2043),
    ]:
        marked = cell(cohort, age)
        assert marked.value == pytest.approx(share, abs=5e-5), (cohort, age)
        assert marked.data_type == "n" and marked.number_format == "0.00%"
        assert marked.font.italic and marked.font.color.rgb == "FF808080"
    for cohort, age in [("Dec 2010", 11), ("Apr 2011", 7), ("Nov 2011", 0)]:
        assert not cell(cohort, age).font.italic, (cohort, age)
    average = rows["Average (weighted by size)"]
    assert not any(c.font.italic for c in average[2:] if c.value is not None)

    cells = cohort_cells(sample_orders, "month")
    flags = partial_cells(cells)
    marked = [[c.font.italic for c in row[2:]] for row in list(rows.values())[:-1]]
    assert marked == [
        [bool(flags.loc[i, a]) for a in flags.columns] for i in flags.index
    ]

    note = sheet.cell(row=HEADER_ROW - 1, column=1).value
    assert note == (
        "Grey italic cells fall in Dec 2011, which the data stops inside (on 9 Dec "
        "2011): their share can still grow. The average row leaves them out: in "
        "each column it uses only the cohorts with a complete cell there."
    )


def test_a_cohort_sheet_without_a_partial_period_has_no_note():
    orders = data_until(
        monthly_orders({"A": ["2024-01", "2024-02"], "B": ["2024-02"]}), "2024-02-29"
    )
    january = int(period_ordinals(pd.Series([pd.Timestamp("2024-01-01")]), "month")[0])
    view = ReportView(
        "Shop", orders, Selection("month", january, january + 1), "retail"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(view_report(view)))["Cohorts"]
    assert sheet.cell(row=HEADER_ROW - 1, column=1).value is None
    assert sheet.cell(row=HEADER_ROW + 1, column=4).value == 1.0  # A in Feb
    assert not any(c.font.italic for row in sheet.iter_rows() for c in row)
