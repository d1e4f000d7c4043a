"""Simple customer lifetime value.

CLV = AOV x annual purchase frequency x average lifespan (years) x gross margin
(7 x 100 x 3 = 2100 with a margin of 100%).

- AOV and annual purchase frequency are measured over the 12 months up to
  ``as_of``; annual frequency = orders by identified customers / customers in
  that window. When the data is shorter (``window_days`` says how many
  calendar days it covers, the first and the last counted), the orders per
  customer it holds are carried to a year: x 365 / ``window_days`` (211 days
  with 2 orders per customer make 3.46 a year). Under ``FEWEST_DAYS`` days
  there is too little to carry to a year, and the frequency and CLV are NaN.
- The lifespan is the owner's own figure when given, else 1 / annual churn from
  ``retention.annual`` (measured over two years, or carried to a year from a
  shorter window, as ``lifespan_source`` says).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retention.annual import annual_retention
from retention.history import purchase_history
from retention.order_metrics import order_figures
from retention.orders import customer_codes
from retention.periods import pandas_freq, period_label, period_ordinals

LIFESPAN_SOURCES = ("owner", "measured", "estimated", "unavailable")
YEAR_DAYS = 365
# four weeks: the shortest stretch of purchases carried to a year
FEWEST_DAYS = 28


def days_covered(first: pd.Timestamp, as_of: pd.Timestamp) -> int:
    """Calendar days from ``first`` to ``as_of``, both counted, at most a year."""
    return min(YEAR_DAYS, int((as_of.normalize() - first.normalize()).days) + 1)


def per_year(per_window, days: int):
    """Orders per customer over ``days`` calendar days carried to a year: the
    same when ``days`` is a whole year, x 365 / ``days`` when it is shorter, NaN
    under ``FEWEST_DAYS`` (works on numbers and on columns alike)."""
    if days < FEWEST_DAYS:
        return per_window * np.nan
    return per_window * (YEAR_DAYS / days)


def customer_lifetime_value(
    aov: float, annual_frequency: float, lifespan_years: float, margin: float = 1.0
) -> float:
    """CLV = AOV x annual purchase frequency x lifespan x gross margin."""
    return aov * annual_frequency * lifespan_years * margin


@dataclass(frozen=True)
class CLVFactors:
    """The factors of CLV: ``annual_frequency`` is ``window_frequency`` (orders
    per customer over the ``window_days`` the 12-month window covers) carried
    to a year (:func:`per_year`)."""

    aov: float
    annual_frequency: float
    lifespan_years: float
    lifespan_source: str
    margin: float
    window_days: int
    window_frequency: float

    @property
    def clv(self) -> float:
        return customer_lifetime_value(
            self.aov, self.annual_frequency, self.lifespan_years, self.margin
        )


def measured_lifespan(
    orders: pd.DataFrame, as_of: pd.Timestamp | None = None
) -> tuple[float, str]:
    """The lifespan in years from annual churn, and whether it was ``measured``
    over two full years, ``estimated`` from a shorter window, or ``unavailable``."""
    annual = annual_retention(orders, as_of)
    if annual is None or np.isnan(annual.lifespan_years):
        return float("nan"), "unavailable"
    return annual.lifespan_years, "measured" if annual.measured else "estimated"


def clv_factors(
    orders: pd.DataFrame,
    as_of: pd.Timestamp | None = None,
    lifespan_years: float | None = None,
    margin: float = 1.0,
) -> CLVFactors:
    """The three factors of CLV over the 12 months up to ``as_of`` (default: the
    last order), with the owner's lifespan when given."""
    as_of = orders["timestamp"].max() if as_of is None else as_of
    stamps = orders["timestamp"]
    in_year = ((stamps > as_of - pd.DateOffset(years=1)) & (stamps <= as_of)).to_numpy()
    # only the columns the figures read, so no id string is copied
    year = orders[["timestamp", "is_purchase", "revenue"]][in_year]
    figures = order_figures(year, customer_codes(orders).codes[in_year])
    if lifespan_years is None:
        lifespan_years, source = measured_lifespan(orders, as_of)
    else:
        source = "owner"
    # a log that starts before the window covers all of it
    first = max(stamps.min(), as_of - pd.DateOffset(years=1))
    days = days_covered(first, as_of) if len(year) else 0
    return CLVFactors(
        aov=figures.aov,
        annual_frequency=per_year(figures.purchase_frequency, days),
        lifespan_years=float(lifespan_years),
        lifespan_source=source,
        margin=margin,
        window_days=days,
        window_frequency=figures.purchase_frequency,
    )


def clv_by_cohort(
    orders: pd.DataFrame, factors: CLVFactors, period: str = "quarter"
) -> pd.DataFrame:
    """CLV of each acquisition cohort (customers by the period of their first
    purchase), with the cohort's own AOV and annual frequency over the same
    12-month window (carried to a year as ``factors`` are when the data is
    shorter) and the common lifespan and margin.

    Columns: ``cohort`` (ordinal), ``label``, ``customers`` (cohort size),
    ``active_customers`` (bought in the window), ``orders``, ``revenue``,
    ``aov``, ``annual_frequency``, ``clv``, ``revenue_per_customer`` (all
    revenue of the cohort so far / cohort size) and ``full_year`` (every
    customer of the cohort first bought a year or more before the last order;
    younger cohorts have had less than a year to buy, so their orders per year
    read low). Cohorts with no order in the window have NaN CLV.
    """
    found = customer_codes(orders)
    codes = found.codes[found.bought]
    stamps = orders["timestamp"].to_numpy()[found.bought]
    revenue = orders["revenue"].to_numpy()[found.bought]
    customer_cohort = period_ordinals(purchase_history(orders).first_stamp, period)
    cohort = customer_cohort[codes]
    as_of = orders["timestamp"].max()
    in_window = stamps > (as_of - pd.DateOffset(years=1)).to_datetime64()

    # per cohort: customers and revenue so far; orders, buyers, revenue in the window
    cohorts, customers = np.unique(customer_cohort, return_counts=True)
    row_cohort = np.searchsorted(cohorts, cohort)
    size = len(cohorts)
    active = np.zeros(len(found.ids), dtype=bool)
    active[codes[in_window]] = True
    table = pd.DataFrame(
        {
            "customers": customers,
            "revenue_so_far": np.bincount(row_cohort, weights=revenue, minlength=size),
            "active_customers": np.bincount(
                np.searchsorted(cohorts, customer_cohort[active]), minlength=size
            ),
            "orders": np.bincount(row_cohort[in_window], minlength=size),
            "revenue": np.bincount(
                row_cohort[in_window], weights=revenue[in_window], minlength=size
            ),
        },
        index=pd.Index(cohorts, name="cohort"),
    )
    table = table.fillna({"active_customers": 0, "orders": 0, "revenue": 0.0})
    table["aov"] = table["revenue"] / table["orders"].replace(0, np.nan)
    table["annual_frequency"] = per_year(
        table["orders"] / table["active_customers"].replace(0, np.nan),
        factors.window_days,
    )
    table["clv"] = customer_lifetime_value(
        table["aov"], table["annual_frequency"], factors.lifespan_years, factors.margin
    )
    table["revenue_per_customer"] = table["revenue_so_far"] / table["customers"]
    table = table.drop(columns="revenue_so_far").reset_index()
    table.insert(1, "label", [period_label(o, period) for o in table["cohort"]])
    cohorts = pd.PeriodIndex.from_ordinals(table["cohort"], freq=pandas_freq(period))
    table["full_year"] = cohorts.end_time <= as_of - pd.DateOffset(years=1)
    return table.astype({"active_customers": "int64", "orders": "int64"})
