"""Measure how long the NPS page's work takes on a large survey; not a test.

Usage: ``PYTHONPATH=. python scripts/bench_nps.py [--answers 10000 100000]``

For each size it writes a generated survey (date, customer id, shop, 0-10
score with blanks and a few invalid cells, comment) as .csv, and prints the
seconds to read it, to find its columns, to build the responses table, to
compute the NPS, the NPS per month and per shop, and to link the answers to a
generated sales log of five orders per answering customer.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from retention.nps_breakdown import nps_by_location, nps_by_period
from retention.nps_purchases import link_purchases
from retention.sales_log import load_sales_log
from retention.survey import detect_survey_columns, read_survey, survey_responses


def write_survey(path: Path, answers: int, rng: np.random.Generator) -> None:
    scores = rng.integers(0, 11, answers).astype(str).astype(object)
    scores[rng.random(answers) < 0.05] = ""
    scores[rng.random(answers) < 0.01] = "6.5"
    days = rng.integers(0, 730, answers)
    pd.DataFrame(
        {
            "Submitted at": (pd.Timestamp("2023-01-01") + pd.to_timedelta(days, "D"))
            .strftime("%Y-%m-%d %H:%M")
            .to_numpy(),
            "Customer ID": rng.integers(1, answers // 2 + 2, answers),
            "Shop": rng.choice(["Main Street", "Station", "Market"], answers),
            "How likely are you to recommend us?": scores,
            "Comment": [f"visit {i} was fine, thanks" for i in range(answers)],
        }
    ).to_csv(path, index=False)


def write_sales(path: Path, customers: int, rng: np.random.Generator) -> None:
    orders = customers * 5
    days = rng.integers(0, 730, orders)
    pd.DataFrame(
        {
            "order": np.arange(orders),
            "customer": rng.integers(1, customers + 1, orders),
            "date": (pd.Timestamp("2023-01-01") + pd.to_timedelta(days, "D")).strftime(
                "%Y-%m-%d"
            ),
            "total": rng.integers(300, 3000, orders) / 100,
        }
    ).to_csv(path, index=False)


def timed(step: str, work, *args, **kwargs):
    start = time.perf_counter()
    result = work(*args, **kwargs)
    sys.stdout.write(f"  {step:<28} {time.perf_counter() - start:7.3f} s\n")
    return result


def measure(answers: int, folder: Path) -> None:
    rng = np.random.default_rng(answers)
    survey_path, sales_path = folder / "survey.csv", folder / "sales.csv"
    write_survey(survey_path, answers, rng)
    write_sales(sales_path, answers // 2, rng)
    orders = load_sales_log(sales_path).orders
    sys.stdout.write(f"{answers:,} answers, {len(orders):,} orders\n")
    survey = timed("read", read_survey, survey_path)
    columns = timed("find columns", detect_survey_columns, survey.table)
    responses = timed("responses table", survey_responses, survey, columns)
    timed("NPS", responses.result)
    timed("NPS per month", nps_by_period, responses, "month")
    timed("NPS per shop", nps_by_location, responses)
    timed("link to purchases", link_purchases, responses, orders)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--answers", type=int, nargs="+", default=[10_000, 100_000])
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for answers in args.answers:
            measure(answers, Path(folder))


if __name__ == "__main__":
    main()
