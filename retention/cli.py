"""The command line: the same figures as the app, for people and scripts.

python -m retention summary FILE [FILE ...] [--period month] [--window 1] [--json]
python -m retention nps FILE [--column NAME] [--scale-confirmed] [--json]
python -m retention cohorts FILE [FILE ...] [--period month] [--json]
python -m retention segments FILE [FILE ...] [--json]

summary, cohorts and segments read several files (monthly exports) as one
sales log, combined as the app combines several uploads.

summary, cohorts and segments also take the reading options of the Data page:
--sheet (repeatable), --customer, --date, --amount, --order (column names),
--timezone and --date-order. Notes on how the file was read, and the rows left
out, repaired or counted apart (with their row numbers), go to standard error
(and under ``notices`` in the JSON; ``row_reasons`` holds the same rows per
reason as data).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import TypeAlias

import pandas as pd

from retention.cleaning import today_in
from retention.cohorts import COHORT_MEASURES, cohort_average, cohort_cells
from retention.columns import detect_columns
from retention.i18n import t
from retention.nps import format_nps
from retention.numbers import fixed
from retention.overview import range_summary
from retention.periods import PERIODS, day_text, period_ordinals
from retention.reading import quiet_workbook_libraries
from retention.retention_rates import RETENTION_COLUMNS, retention_by_period
from retention.sales_log import SalesLog, build_orders, files_name, read_raw
from retention.segments import (
    customer_segments,
    customers_at_risk,
    segment_names,
    segment_summary,
    vip_customers,
)
from retention.selection import Selection
from retention.survey import detect_survey_columns, read_survey, survey_responses


def _plain(value: object) -> object:
    """A JSON-friendly value: NaN becomes null, numpy numbers become Python ones."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _plain(value.item())
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


# Reading options: the mapping role each column option overrides.
COLUMN_OPTIONS = {
    "customer": "customer",
    "date": "timestamp",
    "amount": "amount",
    "order": "order_id",
}


Paths: TypeAlias = "str | Sequence[str]"


def _files(paths: Paths) -> list[str]:
    return [paths] if isinstance(paths, str) else list(paths)


def _named(paths: Paths) -> dict:
    """The ``file`` (its path, or "jan.csv and 2 more files") and ``files`` of
    a result."""
    files = _files(paths)
    return {"file": files_name(files), "files": files}


def load_log(
    paths: Paths,
    *,
    columns: dict[str, str] | None = None,
    timezone: str | None = None,
    date_order: str = "auto",
    sheets: Sequence[str] | None = None,
) -> SalesLog:
    """The sales log of ``paths`` (one file, or several read as one log, as the
    app reads several uploads) read as the Data page would: the ``sheets`` of
    each workbook (stacked; by default its sales sheet), detected columns with
    ``columns`` (role -> column name) put over them, the shop's time zone and
    the date order; rows dated after today (in the shop's time zone when one
    is given, else this computer's) are left out."""
    raw = read_raw(_files(paths), sheet=list(sheets) if sheets else None)
    mapping = replace(detect_columns(raw.cells), **(columns or {}))
    return build_orders(
        raw,
        mapping,
        timezone=timezone,
        date_order=date_order,
        read_on=today_in(timezone) if timezone else date.today(),
    )


def _reading(args: argparse.Namespace) -> dict:
    columns = {
        role: getattr(args, option)
        for option, role in COLUMN_OPTIONS.items()
        if getattr(args, option, None)
    }
    return {
        "columns": columns,
        "timezone": getattr(args, "timezone", None),
        "date_order": getattr(args, "date_order", "auto"),
        "sheets": getattr(args, "sheet", None),
    }


def _notices(log: SalesLog) -> list[str]:
    """How the file was read beyond its encoding and layout (time zone, date
    order, combined rows, repairs), then the rows of each reason other than a
    purchase used as it is, as the Data page counts them, with their row
    numbers ("Date missing or unreadable (2 rows): rows 3 and 5.")."""
    report = log.report
    read = [notice.message for notice in report.notices if notice.code != "reading"]
    return [*read, *report.reason_notes()]


def summary(paths: Paths, period: str, window: int, **reading: object) -> dict:
    """Everything ``summary`` prints, as plain data."""
    log = load_log(paths, **reading)
    orders = log.orders
    ordinals = period_ordinals(orders["timestamp"], period)
    whole = Selection(period, int(ordinals.min()), int(ordinals.max()), window)
    figures = range_summary(orders, whole).figures()
    table = retention_by_period(orders, period, window)
    columns = [name for name in RETENTION_COLUMNS if name not in ("period", "end")]
    return {
        **_named(paths),
        "period": period,
        "window": window,
        "notices": _notices(log),
        "row_reasons": log.report.reason_rows(),
        "first_order": _plain(orders["timestamp"].min()),
        "last_order": _plain(orders["timestamp"].max()),
        "figures": {name: _plain(value) for name, value in figures.items()},
        "periods": [
            {name: _plain(row[name]) for name in columns}
            for _, row in table[columns].iterrows()
        ],
    }


def _day(stamp: str) -> str:
    """A time stamp of the JSON as people write the day: ``15 Jan 2024``."""
    return day_text(pd.Timestamp(stamp))


def _rate(value: float | None) -> str:
    return "n/a" if value is None else fixed(value)


def _print_summary(result: dict) -> None:
    figures = result["figures"]
    width = _label_width(result["periods"])
    lines = [
        f"{result['file']}: {_day(result['first_order'])} – "
        f"{_day(result['last_order'])}",
        f"{t('Customers')}: {figures['customers']}  {t('Orders')}: {figures['orders']}"
        f"  {t('Revenue')}: {fixed(figures['revenue'])}  AOV: {_rate(figures['aov'])}",
        f"{t('Orders per customer')}: {_rate(figures['purchase_frequency'])}"
        f"  {t('Repeat purchase rate')}: {_rate(figures['repeat_purchase_rate'])} %",
        "",
        f"{t('Period'):<{width}} {'S':>7} {'E':>7} {'N':>7} {t('new'):>7} "
        f"{t('back'):>7} {'L':>7} {'CRR %':>7} {t('churn %'):>8}",
    ]
    for row in result["periods"]:
        mark = f" ({t('partial')})" if row["partial"] else ""
        lines.append(
            f"{row['label']:<{width}} {row['customers_at_start']:>7} "
            f"{row['customers_at_end']:>7} {row['gained']:>7} "
            f"{row['new_customers']:>7} {row['won_back']:>7} {row['lost']:>7} "
            f"{_rate(row['retention_rate']):>7} {_rate(row['churn_rate']):>8}{mark}"
        )
    sys.stdout.write("\n".join(lines) + "\n")


def nps_summary(path: str, column: str | None, confirmed_scale: bool) -> dict:
    """Everything ``nps`` prints, as plain data."""
    survey = read_survey(path)
    columns = detect_survey_columns(survey.table)
    if column is not None:
        if column not in survey.table.columns:
            raise ValueError(t("The file has no column {column}.", column=column))
        columns = replace(columns, score=column)
    if columns.score is None:
        raise ValueError(
            t(
                "No column of 0-10 answers was found in {file}. Name it with --column.",
                file=path,
            )
        )
    result = survey_responses(survey, columns).result(confirmed_scale)
    answered = result.answered
    counts = {
        "promoters": result.promoters,
        "passives": result.passives,
        "detractors": result.detractors,
    }
    return {
        "file": path,
        "column": columns.score,
        "answered": answered,
        "blank": result.blank,
        "invalid": result.invalid.to_dict(orient="records"),
        **counts,
        "shares": {
            name: count * 100 / answered if answered else None
            for name, count in counts.items()
        },
        "nps": result.nps,
        "nps_shown": format_nps(result.nps),
        "margin_of_error": result.margin_of_error,
        "mean_score": result.mean_score,
        "scale_warning": result.scale_warning if result.nps is None else None,
    }


def _print_nps(result: dict) -> None:
    shares = result["shares"]
    lines = [f"{result['file']}: {t('column')} {result['column']}"]
    if result["nps"] is not None:
        lines += [
            f"{t(name.capitalize()):<11} {result[name]:>6} {fixed(shares[name]):>7} %"
            for name in ("promoters", "passives", "detractors")
        ]
    lines.append(
        f"{t('Answers')}: {result['answered']}  {t('blank')}: {result['blank']}"
        f"  {t('invalid')}: {len(result['invalid'])}"
    )
    if result["nps"] is None:
        lines.append(result["scale_warning"] or t("No NPS: no valid 0-10 answers."))
        if result["scale_warning"]:
            lines.append(
                t(
                    "Mean rating {mean:.2f}. If it was a 0-10 question, run again with --scale-confirmed.",
                    mean=result["mean_score"],
                )
            )
    else:
        lines.append(
            f"NPS: {result['nps_shown']} ({fixed(result['nps'])}) "
            f"± {fixed(result['margin_of_error'], 1)} {t('points (95 %)')}"
        )
    lines += [
        f"  {t('row')} {row['row']}: {row['value']!r} {row['reason']}"
        for row in result["invalid"]
    ]
    sys.stdout.write("\n".join(lines) + "\n")


def cohorts(paths: Paths, period: str, **reading: object) -> dict:
    """Everything ``cohorts`` prints, as plain data: per cohort its size and,
    for each measure, one value per age up to the oldest cohort's (null where
    the cohort has not lived to reach it), plus the weighted average row."""
    log = load_log(paths, **reading)
    cells = cohort_cells(log.orders, period)
    ages = int(cells["age"].max()) + 1 if len(cells) else 0
    rows = []
    for (label, customers), cohort in cells.groupby(["label", "customers"], sort=False):
        by_age = cohort.set_index("age")
        row = {"label": label, "customers": int(customers)}
        for measure in [*COHORT_MEASURES, "partial"]:
            values = by_age[measure].reindex(range(ages))
            row[measure] = [_plain(value) for value in values.astype(object)]
        rows.append(row)
    average = {
        measure: [_plain(v) for v in cohort_average(cells, measure)["value"]]
        for measure in COHORT_MEASURES
    }
    return {
        **_named(paths),
        "period": period,
        "notices": _notices(log),
        "row_reasons": log.report.reason_rows(),
        "cohorts": rows,
        "average": average,
    }


def _label_width(rows: list[dict]) -> int:
    """The width of the label column: 10, or the longest label ("week of 28 Nov
    2011")."""
    return max([10, *(len(row["label"]) for row in rows)])


def _cell(value: float | None, partial: object, width: int = 7) -> str:
    if value is None:
        return " " * (width + 1)
    return f"{fixed(value, 1):>{width}}{'*' if partial else ' '}"


def _print_cohorts(result: dict) -> None:
    ages = len(result["average"]["share"])
    width = _label_width(result["cohorts"])
    header = f"{t('Cohort'):<{width}} {t('Size'):>7} " + "".join(
        f"{'+' + str(age):>8}" for age in range(ages)
    )
    lines = [f"{result['file']}: {t('% of each cohort who bought k periods later')}"]
    lines.append(header)
    for row in result["cohorts"]:
        cells = "".join(
            _cell(value, partial)
            for value, partial in zip(row["share"], row["partial"], strict=True)
        )
        lines.append(f"{row['label']:<{width}} {row['customers']:>7} {cells}".rstrip())
    average = "".join(_cell(value, False) for value in result["average"]["share"])
    lines.append(f"{t('Average'):<{width}} {'':>7} {average}".rstrip())
    lines.append(f"* {t('partial period: the data stops inside it')}")
    sys.stdout.write("\n".join(lines) + "\n")


LIST_FIELDS = ["customer_id", "segment", "rfm", "orders", "revenue", "last_purchase"]


def _records(frame: pd.DataFrame, fields: list[str]) -> list[dict]:
    return [
        {name: _plain(value) for name, value in zip(fields, row, strict=True)}
        for row in frame[fields].astype({"segment": str}).itertuples(index=False)
    ]


def segments(paths: Paths, **reading: object) -> dict:
    """Everything ``segments`` prints, as plain data: the segments' sizes and
    revenue shares, every customer's segment, the VIPs and the customers at
    risk with their reasons, all as of the last day of the data."""
    log = load_log(paths, **reading)
    orders = log.orders
    as_of = orders["timestamp"].max().normalize()
    table = customer_segments(orders, as_of)
    summary = segment_summary(table)
    return {
        **_named(paths),
        "as_of": _plain(as_of),
        "notices": _notices(log),
        "row_reasons": log.report.reason_rows(),
        "segments": [
            {name: _plain(value) for name, value in row.items()}
            for row in summary.to_dict("records")
        ],
        "customers": _records(table, LIST_FIELDS),
        "vips": _records(vip_customers(orders, table, as_of), LIST_FIELDS),
        "at_risk": _records(
            customers_at_risk(table), [*LIST_FIELDS, "usual_gap_days", "reason"]
        ),
    }


SHOWN_IN_TEXT = 10


def _print_list(title: str, rows: list[dict], extra: str | None = None) -> list[str]:
    lines = ["", f"{title} ({len(rows)})"]
    names = segment_names()
    for row in rows[:SHOWN_IN_TEXT]:
        line = (
            f"  {row['customer_id']:<16} {names[row['segment']]:<18} {row['orders']:>6} "
            f"{fixed(row['revenue']):>12}"
        )
        lines.append(line + (f"  {row[extra]}" if extra else ""))
    if len(rows) > SHOWN_IN_TEXT:
        lines.append(
            f"  … {t('and {more} more (all of them with --json)', more=len(rows) - SHOWN_IN_TEXT)}"
        )
    return lines


def _print_segments(result: dict) -> None:
    lines = [
        f"{result['file']}: {t('segments on')} {result['as_of'][:10]}",
        f"{t('Segment'):<18} {t('Customers'):>10} {'%':>7} {t('Revenue'):>12} {'%':>7}",
    ]
    names = segment_names()
    for row in result["segments"]:
        share = _rate(row["revenue_share"])
        lines.append(
            f"{names[row['segment']]:<18} {row['customers']:>10} "
            f"{fixed(row['customer_share']):>7} {fixed(row['revenue']):>12} {share:>7}"
        )
    lines += _print_list(t("VIPs"), result["vips"])
    lines += _print_list(t("At risk"), result["at_risk"], extra="reason")
    sys.stdout.write("\n".join(lines) + "\n")


def parser() -> argparse.ArgumentParser:
    commands = argparse.ArgumentParser(
        prog="python -m retention",
        description=t("Retention figures of a sales log (.xlsx or .csv)."),
    )
    sub = commands.add_subparsers(dest="command", required=True)
    summary_command = sub.add_parser(
        "summary", help=t("Headline figures and per-period retention and churn.")
    )
    _file_arguments(summary_command)
    summary_command.add_argument("--period", choices=PERIODS, default="month")
    summary_command.add_argument("--window", type=int, default=1)
    summary_command.add_argument("--json", action="store_true")
    _reading_options(summary_command)
    nps_command = sub.add_parser(
        "nps",
        help=t("Promoters, passives, detractors, NPS and its margin of error."),
    )
    nps_command.add_argument("file")
    nps_command.add_argument("--column", help=t("The 0-10 score column."))
    nps_command.add_argument(
        "--scale-confirmed",
        action="store_true",
        help=t("The question was asked on a 0-10 scale, even if no answer is above 7."),
    )
    nps_command.add_argument("--json", action="store_true")
    cohorts_command = sub.add_parser(
        "cohorts", help=t("Cohort table: share of each cohort buying k periods later.")
    )
    _file_arguments(cohorts_command)
    cohorts_command.add_argument("--period", choices=PERIODS, default="month")
    cohorts_command.add_argument("--json", action="store_true")
    _reading_options(cohorts_command)
    segments_command = sub.add_parser(
        "segments", help=t("RFM segments, VIPs and customers at risk.")
    )
    _file_arguments(segments_command)
    segments_command.add_argument("--json", action="store_true")
    _reading_options(segments_command)
    return commands


def _file_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "file",
        nargs="+",
        help=t("The sales log; several files (monthly exports) are read as one log."),
    )


def _reading_options(command: argparse.ArgumentParser) -> None:
    """The Data page's choices: sheets, columns, the shop's time zone, the date
    order."""
    command.add_argument(
        "--sheet",
        action="append",
        metavar="NAME",
        help=t(
            "The workbook sheet to read; repeat it to stack sheets of the same "
            "layout (one per year). By default the sales sheet is found."
        ),
    )
    command.add_argument("--customer", help=t("The customer id column."))
    command.add_argument("--date", help=t("The order date (and time) column."))
    command.add_argument("--amount", help=t("The order or line total column."))
    command.add_argument("--order", help=t("The order or invoice number column."))
    command.add_argument(
        "--timezone",
        help=t(
            "The shop's time zone (e.g. Europe/Budapest): time stamps written "
            "with an offset or in UTC are converted to it."
        ),
    )
    command.add_argument(
        "--date-order",
        choices=["auto", "day_first", "month_first"],
        default="auto",
        help=t("How to read dates like 03/04/2024; decided from the data by default."),
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    quiet_workbook_libraries()
    compute, show = COMMANDS[args.command]
    try:
        result = compute(args)
    except (ValueError, OSError) as error:
        sys.stderr.write(f"{error}\n")
        return 2
    for notice in result.get("notices", []):
        sys.stderr.write(f"{notice}\n")
    # the notes before the figures, each on its own line, when both streams
    # go to one log (2>&1)
    sys.stderr.flush()
    if args.json:
        text = json.dumps(result, indent=2, ensure_ascii=False, default=_plain)
        sys.stdout.write(text + "\n")
    else:
        show(result)
    sys.stdout.flush()
    return 0


COMMANDS = {
    "summary": (
        lambda a: summary(a.file, a.period, a.window, **_reading(a)),
        _print_summary,
    ),
    "cohorts": (lambda a: cohorts(a.file, a.period, **_reading(a)), _print_cohorts),
    "segments": (lambda a: segments(a.file, **_reading(a)), _print_segments),
    "nps": (
        lambda a: nps_summary(a.file, a.column, a.scale_confirmed),
        _print_nps,
    ),
}
