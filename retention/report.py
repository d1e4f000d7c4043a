"""The current view as an Excel workbook to send: built with openpyxl.

Sheets, each opening with a note of the data's date range and the settings
used, and each (but the summary) with a native Excel chart:

- **Summary**: the headline figures of the range, the range before and the
  change, each with its definition, exactly as the Overview page shows them
  (``overview_figures``: no range before when nothing was bought in it or
  the data does not cover all of it, and the last complete period's retention
  and churn when nobody was at the start or the range before is not whole);
  the customer lifetime value and, when a survey is given, the NPS.
  Every figure is a number cell with a number format (rates as percentages:
  66.5 % is the cell value 0.665), so it can be calculated with;
- **Retention**: per period its first day, S, E, N (new and won back),
  retained, L, CRR and churn (a line chart of CRR and churn);
- **Cohorts**: the cohorts that started in the range, the share of each that
  bought k periods later, and the size-weighted average row (a line chart of
  the average); the cells of a period the data stops inside are grey and
  italic, named in a line above the table, and left out of the average;
- **Segments**: the RFM segments on the last day of the range, with their
  customers and revenue shares (a bar chart of customers per segment);
- **Customer value**: the CLV factors and CLV by acquisition quarter (a bar
  chart);
- **NPS**: promoters, passives, detractors, the NPS with its margin of error
  and the answers per score (a bar chart), when a survey is given.

Every figure comes from the package's own functions, so the workbook says what
the pages say. On every sheet a figure is a number cell with a number format,
as on the Summary: counts ``#,##0``, amounts ``#,##0.00``, ratios ``0.00``,
rates and shares as fractions shown as percentages (``0.00%``), the NPS ``0``
and its margin of error ``0.0`` (points); a day is a date cell. Each sheet
keeps the header row of its first table in view and fits its columns
(:func:`retention.export.fit_columns`).

Text that came from the customer's files (the dataset's name,
cohort and period labels are ours) is written as text, never as a formula: a
cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is stored as a string with Excel's quote prefix, so Excel shows it and does not
run it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from retention.benchmarks import industry_names
from retention.cleaning import zone_label
from retention.clv import clv_by_cohort, clv_factors
from retention.cohorts import cohort_cells, cohort_matrix, partial_cells
from retention.export import (
    COUNT,
    DAY,
    MONEY,
    POINTS,
    RATIO,
    SCORE,
    SHARE,
    fit_columns,
    safe_text,
)
from retention.i18n import t
from retention.nps import NPSResult, score_distribution
from retention.overview import overview_figures, range_before
from retention.periods import day_text, period_names
from retention.retention_rates import retention_by_period
from retention.segments import (
    as_of_days,
    customer_segments,
    segment_names,
    segment_summary,
)
from retention.selection import Selection

__all__ = ["ReportView", "segment_rows", "summary_rows", "view_report"]

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
# a cell of a period the data stops inside, as the pages fade it
PARTIAL = Font(italic=True, color="FF808080")
# The Summary's number format of each headline figure; a SHARE is written as a
# fraction (0.665 shows as 66.50%).
SUMMARY_FORMATS = {
    "customers": COUNT,
    "orders": COUNT,
    "revenue": MONEY,
    "aov": MONEY,
    "purchase_frequency": RATIO,
    "repeat_purchase_rate": SHARE,
    "retention_rate": SHARE,
    "churn_rate": SHARE,
}


@dataclass(frozen=True)
class ReportView:
    """What the workbook describes: whose data, which range and settings."""

    name: str
    orders: pd.DataFrame
    selection: Selection
    industry: str
    nps: NPSResult | None = None
    timezone: str | None = None


def _put(sheet: Worksheet, row: int, column: int, value, number_format=None) -> Cell:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, str):
        safe_text(cell, value)
    elif value is None or (isinstance(value, float) and math.isnan(value)):
        cell.value = None
    else:
        cell.value = value.item() if hasattr(value, "item") else value
        if number_format:
            cell.number_format = number_format
    return cell


def _table(
    sheet: Worksheet,
    top: int,
    header: Sequence[str],
    rows: Iterable[Sequence],
    formats: dict[int, str] | None = None,
) -> int:
    """A header row and the rows below it from ``top``; returns the last row."""
    for column, name in enumerate(header, 1):
        _put(sheet, top, column, name).font = BOLD
    row = top
    for row, values in enumerate(rows, top + 1):
        for column, value in enumerate(values, 1):
            _put(sheet, row, column, value, (formats or {}).get(column))
    return row


def _cells(frame: pd.DataFrame, shares: Sequence = ()) -> Iterable[tuple]:
    """The rows of ``frame`` as cell values: ``shares`` (percent columns,
    x 100) as fractions, missing values as empty cells."""
    frame = frame.copy()
    for column in shares:
        frame[column] = frame[column] / 100
    return frame.astype(object).where(frame.notna(), None).itertuples(index=False)


def _note(sheet: Worksheet, view: ReportView, title: str) -> int:
    """The sheet's title and the note of data range and settings; returns the
    first free row."""
    stamps = view.orders["timestamp"]
    selection = view.selection
    _put(sheet, 1, 1, title).font = TITLE
    data_range = t(
        "{first} to {last}",
        first=f"{stamps.min():%Y-%m-%d}",
        last=f"{stamps.max():%Y-%m-%d}",
    )
    if view.timezone:
        data_range = t(
            "{range}; times converted to {zone}",
            range=data_range,
            zone=zone_label(view.timezone),
        )
    lines = [
        (t("Dataset"), view.name),
        (t("Data"), data_range),
        (
            t("View"),
            t(
                "{period}s, {range}; a customer is lost after {window} period(s) "
                "without a purchase; industry: {industry}",
                period=period_names()[selection.period].lower(),
                range=selection.label,
                window=selection.window,
                industry=industry_names()[view.industry],
            ),
        ),
        (t("Made"), f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"),
    ]
    for row, (label, text) in enumerate(lines, 2):
        _put(sheet, row, 1, label).font = BOLD
        _put(sheet, row, 2, text)
    return len(lines) + 3


def headline_definitions() -> dict[str, tuple[str, str]]:
    """Each headline figure's name (as the Overview names it) and definition,
    as the summary writes them."""
    return {
        "customers": (t("Customers"), t("Distinct customers with an order")),
        "orders": (t("Orders"), t("Purchases, guest orders included")),
        "revenue": (t("Revenue"), t("Net of refunds and cancellations")),
        "aov": (t("Average order value"), t("Net revenue / orders")),
        "purchase_frequency": (
            t("Orders per customer"),
            t("Orders by known customers / customers"),
        ),
        "repeat_purchase_rate": (
            t("Repeat purchase rate"),
            t("Customers with 2 or more orders / customers × 100"),
        ),
        "retention_rate": (
            t("Retention rate (CRR)"),
            t("(E − N) / S × 100; empty when S = 0"),
        ),
        "churn_rate": (t("Churn rate"), t("L / S × 100; empty when S = 0")),
    }


def _summary_value(figure: str, value: float) -> float:
    """A headline figure as its Summary cell holds it: rates as fractions."""
    return value / 100 if SUMMARY_FORMATS[figure] == SHARE else value


def summary_rows(view: ReportView) -> pd.DataFrame:
    """The Summary's headline rows: ``overview_figures`` of the view, with the
    cell values (``value``, ``previous``, ``change``; rates as fractions),
    ``name``, ``definition`` and ``note`` (what the value is of, when it is
    not the range's own)."""
    headline = overview_figures(view.orders, view.selection)
    figures = headline.figures.copy()
    for column in ("value", "previous", "change"):
        figures[column] = [
            _summary_value(figure, value)
            for figure, value in zip(figures["figure"], figures[column], strict=True)
        ]
    names = headline_definitions()
    figures["name"] = [names[figure][0] for figure in figures["figure"]]
    figures["definition"] = [names[figure][1] for figure in figures["figure"]]
    if headline.earlier_data and not headline.before.whole:
        why = t(
            "the data holds only part of the range before, so the range's own "
            "rate would leave out the customers of the rest"
        )
    else:
        why = t(
            "nobody bought in the range before, so the range's own rate is "
            "undefined (S = 0)"
        )
    figures["note"] = [
        t("Of {label}, the range's last complete period: {why}", label=label, why=why)
        if label
        else ""
        for label in figures["measured_in"]
    ]
    return figures


def _comparison_note(view: ReportView, rows: pd.DataFrame) -> str:
    if rows["previous"].notna().any():
        return t(
            "Compared with the range before it, {range}.",
            range=view.selection.previous().label,
        )
    before = range_before(view.orders, view.selection)
    if 0 < before.covered < before.range.length:
        return before.note()
    return t(
        "The data starts inside this range, so there is no range before it to "
        "compare with."
    )


def _summary(sheet: Worksheet, view: ReportView) -> None:
    top = _note(sheet, view, t("Regulars report"))
    rows = summary_rows(view)
    _put(sheet, top - 1, 1, _comparison_note(view, rows))
    header = [t("Figure"), t("This range"), t("Range before"), t("Change")]
    for column, name in enumerate([*header, t("Definition"), t("Note")], 1):
        _put(sheet, top, column, name).font = BOLD
    last = top
    for last, figure in enumerate(rows.itertuples(index=False), top + 1):
        number_format = SUMMARY_FORMATS[figure.figure]
        _put(sheet, last, 1, figure.name)
        for column, value in enumerate((figure.value, figure.previous, figure.change)):
            _put(sheet, last, 2 + column, value, number_format)
        _put(sheet, last, 5, figure.definition)
        _put(sheet, last, 6, figure.note or None)

    factors = clv_factors(view.orders, _as_of(view))
    extra = [
        (
            t("Customer lifetime value"),
            factors.clv,
            MONEY,
            t("AOV × orders per customer per year × lifespan (years)")
            if not math.isnan(factors.clv)
            else t("Not measurable: too little history for a lifespan"),
        )
    ]
    if view.nps is not None and view.nps.nps is not None:
        extra.append(
            (
                t("Net Promoter Score"),
                view.nps.nps,
                SCORE,
                t("% promoters (9-10) − % detractors (0-6), unrounded"),
            )
        )
    start = last + 2
    for column, name in enumerate([header[0], t("Value")], 1):
        _put(sheet, start, column, name).font = BOLD
    for row, (name, value, number_format, definition) in enumerate(extra, start + 1):
        _put(sheet, row, 1, name)
        _put(sheet, row, 2, value, number_format)
        _put(sheet, row, 5, definition)
    fit_columns(sheet, top)


def _as_of(view: ReportView) -> pd.Timestamp:
    return min(view.selection.end, view.orders["timestamp"].max())


RETENTION_COLUMNS = [
    "label",
    "start",
    "customers_at_start",
    "customers_at_end",
    "gained",
    "new_customers",
    "won_back",
    "retained",
    "lost",
    "retention_rate",
    "churn_rate",
    "partial",
]


def retention_rows(view: ReportView) -> pd.DataFrame:
    """The Retention sheet's rows: ``label``, ``start`` (the period's first
    day), S, E, N, new, won back, retained, L, ``retention_rate``,
    ``churn_rate`` (in percent, as ``retention_by_period`` gives them) and
    ``partial``, for the periods inside the range."""
    selection = view.selection
    table = retention_by_period(view.orders, selection.period, selection.window)
    inside = (table["period"] >= selection.first) & (table["period"] <= selection.last)
    return table[inside][RETENTION_COLUMNS].reset_index(drop=True)


def _retention(sheet: Worksheet, view: ReportView) -> None:
    top = _note(sheet, view, t("Retention and churn per period"))
    rows = retention_rows(view)
    header = [
        t("Period"),
        t("First day"),
        t("At start (S)"),
        t("At end (E)"),
        t("Gained (N)"),
        t("New"),
        t("Won back"),
        t("Retained"),
        t("Lost (L)"),
        t("CRR"),
        t("Churn"),
        t("Partial"),
    ]
    values = _cells(rows, ["retention_rate", "churn_rate"])
    formats = {2: DAY, **dict.fromkeys(range(3, 10), COUNT), 10: SHARE, 11: SHARE}
    last = _table(sheet, top, header, values, formats)
    if len(rows):
        chart = LineChart()
        chart.title = t("Retention and churn")
        chart.y_axis.number_format = SHARE
        data = Reference(sheet, min_col=10, max_col=11, min_row=top, max_row=last)
        chart.add_data(data, titles_from_data=True)
        labels = Reference(sheet, min_col=1, min_row=top + 1, max_row=last)
        chart.set_categories(labels)
        chart.width, chart.height = 24, 9
        sheet.add_chart(chart, f"A{last + 3}")
    fit_columns(sheet, top)


def _range_cohort_cells(view: ReportView) -> pd.DataFrame:
    """``cohort_cells`` of the cohorts that started in the range."""
    selection = view.selection
    cells = cohort_cells(view.orders, selection.period)
    return cells[
        (cells["cohort"] >= selection.first) & (cells["cohort"] <= selection.last)
    ]


def cohort_rows(view: ReportView) -> pd.DataFrame:
    """The Cohorts sheet's matrix: cohorts that started in the range, share
    buying k periods later (in percent, as ``cohort_matrix`` gives it), and
    the weighted average row last."""
    cells = _range_cohort_cells(view)
    if cells.empty:
        return pd.DataFrame(columns=["label", "customers"])
    return cohort_matrix(cells, "share", average_label=t("Average (weighted by size)"))


def _partial_note(view: ReportView, cells: pd.DataFrame) -> str | None:
    """The line naming the period the data stops inside, when a cell falls in it."""
    partial = cells[cells["partial"].astype(bool)]
    if partial.empty:
        return None
    return t(
        "Grey italic cells fall in {label}, which the data stops inside (on "
        "{day}): their share can still grow. The average row leaves them out: in "
        "each column it uses only the cohorts with a complete cell there.",
        label=partial["period_label"].iloc[-1],
        day=day_text(view.orders["timestamp"].max()),
    )


def _cohorts(sheet: Worksheet, view: ReportView) -> None:
    top = _note(sheet, view, t("Cohorts: share buying k periods after their first"))
    matrix = cohort_rows(view)
    ages = [column for column in matrix.columns if isinstance(column, int)]
    header = [t("Cohort"), t("Customers"), *(f"+{age}" for age in ages)]
    values = _cells(matrix, ages)
    formats = {2: COUNT, **{3 + position: SHARE for position in range(len(ages))}}
    last = _table(sheet, top, header, values, formats)

    # the cells of a period the data stops inside, as the page fades them
    cells = _range_cohort_cells(view)
    note = _partial_note(view, cells) if ages else None
    if note:
        _put(sheet, top - 1, 1, note)
        flags = partial_cells(cells).reindex(columns=ages, fill_value=False)
        for row, marks in enumerate(flags.itertuples(index=False), top + 1):
            for column, partial in enumerate(marks, 3):
                if partial:
                    sheet.cell(row=row, column=column).font = PARTIAL
    if ages:
        chart = LineChart()
        chart.title = t("Average share buying k periods later")
        chart.y_axis.number_format = SHARE
        chart.x_axis.title = t("Periods after the first purchase")
        data = Reference(sheet, min_col=3, max_col=2 + len(ages), min_row=last)
        chart.add_data(data, from_rows=True, titles_from_data=False)
        chart.set_categories(
            Reference(sheet, min_col=3, max_col=2 + len(ages), min_row=top)
        )
        chart.legend = None
        chart.width, chart.height = 24, 9
        sheet.add_chart(chart, f"A{last + 3}")
    fit_columns(sheet, top)


CLV_COLUMNS = [
    "label",
    "customers",
    "active_customers",
    "aov",
    "annual_frequency",
    "clv",
    "revenue_per_customer",
    "full_year",
]


def _customer_value(sheet: Worksheet, view: ReportView) -> None:
    top = _note(sheet, view, t("What a customer is worth"))
    factors = clv_factors(view.orders, _as_of(view))
    factor_rows = [
        (t("Average order value"), factors.aov, MONEY),
        (t("Orders per customer per year"), factors.annual_frequency, RATIO),
        (t("Lifespan (years)"), factors.lifespan_years, RATIO),
        (t("Customer lifetime value"), factors.clv, MONEY),
    ]
    last = _table(sheet, top, [t("Factor"), t("Value")], [])
    for last, (name, value, number_format) in enumerate(factor_rows, top + 1):
        _put(sheet, last, 1, name)
        _put(sheet, last, 2, value, number_format)
    cohorts = clv_by_cohort(view.orders, factors, "quarter")[CLV_COLUMNS]
    header = [
        t("Cohort (first purchase)"),
        t("Customers"),
        t("Bought in the last year"),
        t("Average order value"),
        t("Orders per year"),
        t("CLV"),
        t("Revenue per customer so far"),
        t("A full year of history"),
    ]
    start = last + 2
    formats = {2: COUNT, 3: COUNT, 4: MONEY, 5: RATIO, 6: MONEY, 7: MONEY}
    end = _table(sheet, start, header, _cells(cohorts), formats)
    if len(cohorts):
        chart = BarChart()
        chart.title = t("CLV by acquisition quarter")
        chart.add_data(
            Reference(sheet, min_col=6, min_row=start, max_row=end),
            titles_from_data=True,
        )
        chart.set_categories(
            Reference(sheet, min_col=1, min_row=start + 1, max_row=end)
        )
        chart.legend = None
        chart.width, chart.height = 24, 9
        sheet.add_chart(chart, f"A{end + 3}")
    fit_columns(sheet, top)


def segment_rows(view: ReportView) -> pd.DataFrame:
    """The Segments sheet's rows: ``segment_summary`` on the range's last day
    (shares in percent), with the segments' names."""
    as_of, _ = as_of_days(view.orders, view.selection)
    summary = segment_summary(customer_segments(view.orders, as_of))
    names = segment_names()
    return summary.assign(segment=summary["segment"].map(names))


def _segments(sheet: Worksheet, view: ReportView) -> None:
    top = _note(sheet, view, t("Customer segments (RFM)"))
    as_of, _ = as_of_days(view.orders, view.selection)
    _put(sheet, top - 1, 1, t("Measured on")).font = BOLD
    _put(sheet, top - 1, 2, as_of.normalize(), DAY)
    rows = segment_rows(view)
    header = [
        t("Segment"),
        t("Customers"),
        t("Share of customers"),
        t("Revenue"),
        t("Share of revenue"),
    ]
    values = _cells(rows, ["customer_share", "revenue_share"])
    formats = {2: COUNT, 3: SHARE, 4: MONEY, 5: SHARE}
    last = _table(sheet, top, header, values, formats)
    chart = BarChart()
    chart.type = "bar"
    chart.title = t("Customers per segment")
    chart.add_data(
        Reference(sheet, min_col=2, min_row=top, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=top + 1, max_row=last))
    chart.legend = None
    chart.width, chart.height = 20, 10
    sheet.add_chart(chart, f"G{top}")
    fit_columns(sheet, top)


def _nps(sheet: Worksheet, view: ReportView) -> None:
    result = view.nps
    top = _note(sheet, view, t("Would your customers recommend you?"))
    share = 1 / result.answered if result.answered else math.nan
    rows = [
        (t("Net Promoter Score"), result.nps, SCORE, None),
        (t("Margin of error (95 %), points"), result.margin_of_error, POINTS, None),
        (t("Answers (valid 0-10 scores)"), result.answered, COUNT, None),
        (t("Promoters (9-10)"), result.promoters, COUNT, result.promoters * share),
        (t("Passives (7-8)"), result.passives, COUNT, result.passives * share),
        (t("Detractors (0-6)"), result.detractors, COUNT, result.detractors * share),
    ]
    last = _table(sheet, top, [t("Figure"), t("Value"), t("Share")], [])
    for last, (name, value, number_format, of_all) in enumerate(rows, top + 1):
        _put(sheet, last, 1, name)
        _put(sheet, last, 2, value, number_format)
        _put(sheet, last, 3, of_all, SHARE)
    scores = score_distribution(result)
    start = last + 2
    end = _table(
        sheet,
        start,
        [t("Score"), t("Answers"), t("Share")],
        _cells(scores[["score", "answers", "percent"]], ["percent"]),
        {1: SCORE, 2: COUNT, 3: SHARE},
    )
    chart = BarChart()
    chart.title = t("Answers per score")
    chart.add_data(
        Reference(sheet, min_col=2, min_row=start, max_row=end), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=start + 1, max_row=end))
    chart.legend = None
    chart.width, chart.height = 20, 9
    sheet.add_chart(chart, f"E{start}")
    fit_columns(sheet, top)


def view_report(view: ReportView) -> bytes:
    """The workbook of ``view`` as ``.xlsx`` bytes (sheets in the module notes)."""
    book = Workbook()
    _summary(book.active, view)
    book.active.title = t("Summary")
    _retention(book.create_sheet(t("Retention")), view)
    _cohorts(book.create_sheet(t("Cohorts")), view)
    _segments(book.create_sheet(t("Segments")), view)
    _customer_value(book.create_sheet(t("Customer value")), view)
    if view.nps is not None and view.nps.nps is not None:
        _nps(book.create_sheet(t("NPS")), view)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
