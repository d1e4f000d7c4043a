"""Acquisition cohorts: customers grouped by the period of their first purchase,
followed period by period.

A customer's **cohort** is the period of their first purchase anywhere in the
data (not just in a chosen range). For a cohort c of ``customers`` people and an
age k (k periods after c, so age 0 is the cohort's own period):

- ``buyers``: customers of the cohort who bought in period c + k;
  ``share`` = buyers / customers x 100 ("bought in period k");
- ``still_buying``: customers of the cohort who bought in period c + k or later;
  ``share_or_later`` = still_buying / customers x 100 ("in period k or later").
  A customer who skips a period and comes back (won back) counts in ``share``
  only in the periods they bought in, and in ``share_or_later`` throughout;
- ``revenue``: the cohort's revenue from its first period up to and including
  c + k; ``revenue_per_customer`` = revenue / customers (cumulative).

A cell exists only when the cohort has lived to reach it (c + k is not after the
last period of the data): cells a cohort has not reached are absent from the
long table and NaN in the matrix, never 0. ``partial`` marks a cell in a period
the data stops inside: it compares part of a period with whole ones.

Only purchases by identified customers count (guests and refunds that matched no
purchase are left out); a period with no order at all is a real 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retention.history import purchase_history
from retention.orders import customer_codes
from retention.periods import Observation, period_calendar, period_ordinals

__all__ = [
    "COHORT_COLUMNS",
    "COHORT_MEASURES",
    "cohort_average",
    "cohort_cells",
    "cohort_matrix",
    "partial_cells",
    "cohort_sizes",
    "first_period_retention",
    "first_period_trend",
]

COHORT_COLUMNS = [
    "cohort",
    "label",
    "customers",
    "age",
    "period",
    "period_label",
    "buyers",
    "share",
    "still_buying",
    "share_or_later",
    "revenue",
    "revenue_per_customer",
    "partial",
]

# measure -> (the count or sum behind it, the scale of measure = part / customers)
COHORT_MEASURES = {
    "share": ("buyers", 100.0),
    "share_or_later": ("still_buying", 100.0),
    "revenue_per_customer": ("revenue", 1.0),
}


def _grid_counts(
    cohort: np.ndarray, age: np.ndarray, shape: tuple[int, int], weights=None
):
    """A cohorts x ages matrix of counts (or sums of ``weights``)."""
    flat = np.bincount(
        cohort * shape[1] + age, weights=weights, minlength=shape[0] * shape[1]
    )
    return flat.reshape(shape)


def cohort_cells(orders: pd.DataFrame, period: str = "month") -> pd.DataFrame:
    """One row per cohort and age the cohort has lived to reach.

    Columns (``COHORT_COLUMNS``): ``cohort`` (period ordinal of first purchase),
    ``label``, ``customers`` (cohort size), ``age`` (k), ``period`` and
    ``period_label`` (the calendar period c + k), ``buyers``, ``share``,
    ``still_buying``, ``share_or_later``, ``revenue`` (cumulative),
    ``revenue_per_customer`` and ``partial``. Sorted by cohort, then age; periods
    in which nobody bought for the first time have no cohort row.
    """
    history = purchase_history(orders)
    if not history.customers:
        return pd.DataFrame(columns=COHORT_COLUMNS)

    # periods counted from the first one; each customer's first and last
    ordinals = history.ordinals(period)
    first_period = int(ordinals.min())
    last_stamp = np.array([orders["timestamp"].max().to_datetime64()])
    last_period = int(period_ordinals(last_stamp, period)[0])
    span = last_period - first_period + 1
    first = ordinals[history.starts[:-1]] - first_period
    last = ordinals[history.starts[1:] - 1] - first_period

    # distinct (customer, period) pairs give the buyers of each cell
    pairs = history.period_pairs(period)
    pair_offset = ordinals[pairs] - first_period
    pair_cohort = first[history.codes[pairs]]
    shape = (span, span)
    buyers = _grid_counts(pair_cohort, pair_offset - pair_cohort, shape)
    last_age = _grid_counts(first, last - first, shape)
    still_buying = np.cumsum(last_age[:, ::-1], axis=1)[:, ::-1]

    # revenue summed in the rows' own order, as the figures always were
    found = customer_codes(orders)
    by_row = np.zeros(len(orders), dtype=np.int64)
    by_row[history.rows] = ordinals
    offsets = by_row[found.bought] - first_period
    row_cohort = first[found.codes[found.bought]]
    revenue = _grid_counts(
        row_cohort,
        offsets - row_cohort,
        shape,
        weights=orders["revenue"].to_numpy(dtype="float64")[found.bought],
    )
    revenue = np.cumsum(revenue, axis=1)
    sizes = np.bincount(first, minlength=span)

    # keep the cells each cohort has lived to reach
    cohort_index, age = np.nonzero(
        (sizes[:, None] > 0)
        & (np.arange(span)[None, :] < span - np.arange(span)[:, None])
    )
    calendar = period_calendar(
        first_period, last_period, period, Observation.of(orders["timestamp"])
    )
    labels = calendar["label"].to_numpy()
    cell_period = cohort_index + age
    customers = sizes[cohort_index]
    cells = pd.DataFrame(
        {
            "cohort": cohort_index + first_period,
            "label": labels[cohort_index],
            "customers": customers,
            "age": age,
            "period": cell_period + first_period,
            "period_label": labels[cell_period],
            "buyers": buyers[cohort_index, age],
            "still_buying": still_buying[cohort_index, age],
            "revenue": revenue[cohort_index, age],
            "partial": calendar["partial"].to_numpy()[cell_period],
        }
    )
    cells["share"] = cells["buyers"] / customers * 100.0
    cells["share_or_later"] = cells["still_buying"] / customers * 100.0
    cells["revenue_per_customer"] = cells["revenue"] / customers
    return cells[COHORT_COLUMNS].reset_index(drop=True)


def cohort_sizes(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per cohort: ``cohort``, ``label``, ``customers`` and ``ages``
    (how many periods the cohort has been followed, its own included)."""
    first_cells = cells[cells["age"] == 0][["cohort", "label", "customers"]]
    ages = cells.groupby("cohort")["age"].max() + 1
    return first_cells.assign(ages=ages.loc[first_cells["cohort"]].to_numpy())


def cohort_matrix(
    cells: pd.DataFrame, measure: str = "share", average_label: str | None = None
) -> pd.DataFrame:
    """The cohort table as a matrix: one row per cohort (``label``), a
    ``customers`` column, then one column per age 0, 1, 2, ... with ``measure``
    (``share``, ``share_or_later`` or ``revenue_per_customer``); NaN where the
    cohort has not lived to reach that age. With ``average_label``, a last row
    of that name holds ``cohort_average`` (its ``customers`` is the total of
    every cohort shown)."""
    if measure not in COHORT_MEASURES:
        raise ValueError(f"unknown cohort measure {measure!r}")
    wide = cells.pivot(index="cohort", columns="age", values=measure)
    sizes = cohort_sizes(cells).set_index("cohort")
    wide.columns = [int(age) for age in wide.columns]
    wide.insert(0, "customers", sizes["customers"])
    wide.insert(0, "label", sizes["label"])
    wide = wide.reset_index(drop=True)
    if average_label is None or wide.empty:
        return wide
    average = cohort_average(cells, measure)
    last_row = {"label": average_label, "customers": int(sizes["customers"].sum())}
    last_row.update(zip(average["age"], average["value"], strict=True))
    return pd.concat([wide, pd.DataFrame([last_row])], ignore_index=True)


def partial_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """Which cells of :func:`cohort_matrix` fall in a period the data stops
    inside: one row per cohort in the same order (no average row), one
    column per age 0, 1, 2, ...; False where the cohort has not reached the
    age."""
    wide = cells.pivot(index="cohort", columns="age", values="partial")
    wide.columns = [int(age) for age in wide.columns]
    return wide.fillna(False).astype(bool).reset_index(drop=True)


def cohort_average(cells: pd.DataFrame, measure: str = "share") -> pd.DataFrame:
    """The cohort-size-weighted average of ``measure`` at each age.

    At age k it uses only the cohorts old enough for that column with a complete
    cell (partial cells are left out, as they would pull the average down):
    value = sum of the cohorts' buyers (or still-buying customers, or revenue) /
    sum of their sizes. Columns: ``age``, ``cohorts`` (how many were used),
    ``customers`` (their total size) and ``value`` (NaN when no cohort is old
    enough).
    """
    part, scale = COHORT_MEASURES[measure]
    complete = cells[~cells["partial"].astype(bool)]
    by_age = complete.groupby("age").agg(
        cohorts=("cohort", "size"), customers=("customers", "sum"), part=(part, "sum")
    )
    ages = pd.RangeIndex(int(cells["age"].max()) + 1 if len(cells) else 0, name="age")
    by_age = by_age.reindex(ages).fillna({"cohorts": 0, "customers": 0})
    by_age["value"] = by_age["part"] / by_age["customers"].replace(0, np.nan) * scale
    table = by_age.drop(columns="part").reset_index()
    return table.astype({"cohorts": "int64", "customers": "int64"})


def first_period_retention(cells: pd.DataFrame) -> pd.DataFrame:
    """Period-1 retention of each cohort: the share of the cohort who bought
    again in the period right after their first, cohort by cohort, so newer
    customers can be compared with older ones.

    Columns: ``cohort``, ``label``, ``customers``, ``share``, ``partial`` and
    ``trend``: the least-squares straight line through the complete cohorts'
    shares, one step per cohort shown (NaN with fewer than
    ``MIN_TREND_COHORTS`` complete cohorts). Cohorts too young to have a period
    1 are left out.
    """
    second = cells[cells["age"] == 1]
    trend = second[["cohort", "label", "customers", "share", "partial"]].reset_index(
        drop=True
    )
    slope, intercept = _straight_line(trend)
    trend["trend"] = intercept + slope * np.arange(len(trend))
    return trend


MIN_TREND_COHORTS = 3


def _straight_line(trend: pd.DataFrame) -> tuple[float, float]:
    complete = ~trend["partial"].astype(bool).to_numpy()
    if complete.sum() < MIN_TREND_COHORTS:
        return float("nan"), float("nan")
    position = np.arange(len(trend))[complete]
    slope, intercept = np.polyfit(position, trend["share"].to_numpy()[complete], 1)
    return float(slope), float(intercept)


def first_period_trend(trend: pd.DataFrame) -> float:
    """How period-1 retention changes from one cohort to the next, in
    percentage points per cohort (the slope of ``trend``; NaN when there is no
    trend line)."""
    if len(trend) < 2 or trend["trend"].isna().all():
        return float("nan")
    return float(trend["trend"].iloc[1] - trend["trend"].iloc[0])
