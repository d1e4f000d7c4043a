"""The command line: the same figures as the app, for people and scripts.

python -m retention summary FILE [--period month] [--window 1] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence

import pandas as pd

from retention.i18n import t
from retention.overview import range_summary
from retention.periods import PERIODS, period_ordinals
from retention.retention_rates import RETENTION_COLUMNS, retention_by_period
from retention.sales_log import load_sales_log
from retention.selection import Selection


def _plain(value: object) -> object:
    """A JSON-friendly value: NaN becomes null, numpy numbers become Python ones."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _plain(value.item())
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def summary(path: str, period: str, window: int) -> dict:
    """Everything ``summary`` prints, as plain data."""
    log = load_sales_log(path)
    orders = log.orders
    ordinals = period_ordinals(orders["timestamp"], period)
    whole = Selection(period, int(ordinals.min()), int(ordinals.max()), window)
    figures = range_summary(orders, whole).figures()
    table = retention_by_period(orders, period, window)
    columns = [name for name in RETENTION_COLUMNS if name not in ("period", "end")]
    return {
        "file": path,
        "period": period,
        "window": window,
        "first_order": _plain(orders["timestamp"].min()),
        "last_order": _plain(orders["timestamp"].max()),
        "figures": {name: _plain(value) for name, value in figures.items()},
        "periods": [
            {name: _plain(row[name]) for name in columns}
            for _, row in table[columns].iterrows()
        ],
    }


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _print_summary(result: dict) -> None:
    figures = result["figures"]
    lines = [
        f"{result['file']}: {result['first_order']} .. {result['last_order']}",
        f"{t('Customers')}: {figures['customers']}  {t('Orders')}: {figures['orders']}"
        f"  {t('Revenue')}: {figures['revenue']:.2f}  AOV: {_rate(figures['aov'])}",
        f"{t('Orders per customer')}: {_rate(figures['purchase_frequency'])}"
        f"  {t('Repeat purchase rate')}: {_rate(figures['repeat_purchase_rate'])} %",
        "",
        f"{t('Period'):<10} {'S':>7} {'E':>7} {'N':>7} {t('new'):>7} "
        f"{t('back'):>7} {'L':>7} {'CRR %':>7} {t('churn %'):>8}",
    ]
    for row in result["periods"]:
        mark = f" ({t('partial')})" if row["partial"] else ""
        lines.append(
            f"{row['label']:<10} {row['customers_at_start']:>7} "
            f"{row['customers_at_end']:>7} {row['gained']:>7} "
            f"{row['new_customers']:>7} {row['won_back']:>7} {row['lost']:>7} "
            f"{_rate(row['retention_rate']):>7} {_rate(row['churn_rate']):>8}{mark}"
        )
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
    summary_command.add_argument("file")
    summary_command.add_argument("--period", choices=PERIODS, default="month")
    summary_command.add_argument("--window", type=int, default=1)
    summary_command.add_argument("--json", action="store_true")
    return commands


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        result = summary(args.file, args.period, args.window)
    except (ValueError, OSError) as error:
        sys.stderr.write(f"{error}\n")
        return 2
    if args.json:
        sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    else:
        _print_summary(result)
    return 0
