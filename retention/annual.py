"""Annual retention, the figure industry benchmarks use, and the customer
lifespan that follows from it.

At a month end M: S = customers who bought in the 12 months before the last 12
months (M-24 to M-12], retained = those of S who bought in the last 12 months
(M-12 to M]; annual retention = retained / S x 100. It needs 24 months of data.

With less data, the longest half-window h (in whole months, at least 3) is used
instead: S bought in (M-2h, M-h], retained bought again in (M-h, M], and the
h-month retention r is carried to a year as r^(12/h), which assumes customers
leave at a steady pace. The result says which way it was found.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retention.orders import customer_codes
from retention.periods import period_label, period_ordinals

MIN_HALF_WINDOW_MONTHS = 3


@dataclass(frozen=True)
class AnnualRetention:
    """Annual retention at ``as_of`` with the counts behind it.

    ``window_months`` is 12 when measured over two full years, smaller when
    carried to a year from a shorter window; ``rate`` is NaN when S = 0.
    """

    as_of: pd.Timestamp
    window_months: int
    customers_at_start: int
    retained: int

    @property
    def window_rate(self) -> float:
        if self.customers_at_start == 0:
            return float("nan")
        return self.retained / self.customers_at_start * 100.0

    @property
    def rate(self) -> float:
        """Annual retention in percent (carried to 12 months when needed)."""
        return 100.0 * (self.window_rate / 100.0) ** (12 / self.window_months)

    @property
    def start_window(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """The months S is counted in, (first day, last day]: the window before
        the last ``window_months`` up to ``as_of``."""
        middle = self.as_of - pd.DateOffset(months=self.window_months)
        return middle - pd.DateOffset(months=self.window_months), middle

    @property
    def measured(self) -> bool:
        return self.window_months == 12

    @property
    def churn(self) -> float:
        return 100.0 - self.rate

    @property
    def lifespan_years(self) -> float:
        """Average customer lifespan = 1 / annual churn (NaN when churn is 0)."""
        churn = self.churn / 100.0
        return 1.0 / churn if churn > 0 else float("nan")


def months_of_data(orders: pd.DataFrame, as_of: pd.Timestamp) -> int:
    """Whole months between the first order and ``as_of``."""
    first = orders["timestamp"].min()
    return (as_of.year - first.year) * 12 + as_of.month - first.month


def annual_retention(
    orders: pd.DataFrame, as_of: pd.Timestamp | None = None
) -> AnnualRetention | None:
    """Annual retention at ``as_of`` (default: the last order), or None when the
    data covers fewer than 2 x 3 months before it."""
    codes = customer_codes(orders)
    if not codes.bought.any():
        return None
    customer = codes.codes[codes.bought]
    stamps = orders["timestamp"].to_numpy()[codes.bought]
    if as_of is None:
        as_of = pd.Timestamp(stamps.max())
    first = pd.Timestamp(stamps.min())
    months = (as_of.year - first.year) * 12 + as_of.month - first.month
    window = min(12, months // 2)
    if window < MIN_HALF_WINDOW_MONTHS:
        return None
    middle = (as_of - pd.DateOffset(months=window)).to_datetime64()
    start = (as_of - pd.DateOffset(months=2 * window)).to_datetime64()
    earlier = np.zeros(len(codes.ids), dtype=bool)
    later = np.zeros(len(codes.ids), dtype=bool)
    earlier[customer[(stamps > start) & (stamps <= middle)]] = True
    later[customer[(stamps > middle) & (stamps <= as_of.to_datetime64())]] = True
    return AnnualRetention(
        as_of=as_of,
        window_months=window,
        customers_at_start=int(earlier.sum()),
        retained=int((earlier & later).sum()),
    )


ROLLING_COLUMNS = [
    "month",
    "label",
    "month_end",
    "customers_at_start",
    "retained",
    "rate",
]


def rolling_annual_retention(orders: pd.DataFrame) -> pd.DataFrame:
    """Annual retention at the end of every complete calendar month that has two
    full years of data before it.

    At the end of month M: S = customers who bought in the months M-23 to M-12,
    retained = those of S who bought again in the months M-11 to M; rate =
    retained / S x 100 (NaN when S = 0). The same figure as
    ``annual_retention`` at that month end, counted on calendar months. The
    first month of the data counts as a whole month even if the data starts
    inside it; a last month the data stops inside is not a month end yet.

    Columns (``ROLLING_COLUMNS``): ``month`` (month ordinal), ``label``,
    ``month_end`` (last day), ``customers_at_start``, ``retained``, ``rate``.
    Empty with less than 24 complete months.
    """
    codes = customer_codes(orders)
    if not codes.bought.any():
        return pd.DataFrame(columns=ROLLING_COLUMNS)
    months = period_ordinals(orders["timestamp"].to_numpy()[codes.bought], "month")
    first = int(months.min())
    last_day = orders["timestamp"].max().normalize()
    last = (
        int(period_ordinals(pd.Series([last_day + pd.Timedelta(days=1)]), "month")[0])
        - 1
    )
    span = last - first + 1
    if span < 24:
        return pd.DataFrame(columns=ROLLING_COLUMNS)

    # purchase flags: one row per month, one column per customer
    customer = codes.codes[codes.bought]
    inside = months <= last
    flags = np.zeros((span + 1, len(codes.ids)), dtype=np.int16)
    flags[months[inside] - first + 1, customer[inside]] = 1
    running = np.cumsum(flags, axis=0, dtype=np.int16)  # running[m + 1] = 0..m

    ends = np.arange(23, span)
    earlier = running[ends - 11] > running[ends - 23]  # months M-23 .. M-12
    later = running[ends + 1] > running[ends - 11]  # months M-11 .. M
    at_start = earlier.sum(axis=1)
    retained = (earlier & later).sum(axis=1)
    ordinals = ends + first
    index = pd.PeriodIndex.from_ordinals(ordinals, freq="M")
    rate = np.where(at_start > 0, retained / np.maximum(at_start, 1) * 100.0, np.nan)
    return pd.DataFrame(
        {
            "month": ordinals,
            "label": [period_label(o, "month") for o in ordinals],
            "month_end": index.end_time.normalize(),
            "customers_at_start": at_start,
            "retained": retained,
            "rate": rate,
        }
    )
