"""Customer retention rate and churn rate, per period.

For each period P, with an activity window of k periods (a customer is *active* at
the end of P when they bought in any of the last k periods up to and including P;
k = 1 means "bought in P"):

- S (``customers_at_start``) = customers active at the end of P-1
- E (``customers_at_end``) = customers active at the end of P
- N (``gained``) = customers in E who were not in S, split into ``new_customers``
  (first purchase ever in P) and ``won_back`` (bought before, lapsed, came back)
- ``retained`` = customers in both S and E = E - N
- L (``lost``) = S - retained
- CRR (``retention_rate``) = (E - N) / S x 100 and churn (``churn_rate``) =
  L / S x 100; both are undefined (NaN, shown as "no data") when S = 0.

Only purchases by identified customers count: guest orders and refunds that
matched no purchase never make anyone active. A customer's first purchase is
their first anywhere in the data, not just in a chosen range.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retention.history import purchase_history
from retention.periods import Observation, period_calendar, period_ordinals

RETENTION_COLUMNS = [
    "period",
    "label",
    "start",
    "end",
    "partial",
    "customers_at_start",
    "customers_at_end",
    "gained",
    "new_customers",
    "won_back",
    "retained",
    "lost",
    "retention_rate",
    "churn_rate",
]


def _active_spells(
    customer: np.ndarray, period: np.ndarray, window: int
) -> dict[str, np.ndarray]:
    """Merge each customer's purchase periods into spells of unbroken activity.

    The pairs are distinct (``customer``, ``period``) purchases sorted by
    customer and period. A purchase in period q keeps the customer active from
    q to q + window - 1, so two purchases more than ``window`` periods apart
    start a new spell. Arrays: ``first`` (period the spell starts),
    ``last_active`` (its last active period) and ``is_first_spell`` (the
    customer's first ever).
    """
    same_customer = np.r_[False, customer[1:] == customer[:-1]]
    gap = np.r_[0, np.diff(period)]
    starts = ~same_customer | (gap > window)
    # the pairs are sorted, so a spell's last purchase is its last pair
    ends = np.r_[starts[1:], True] if len(starts) else starts
    return {
        "first": period[starts],
        "last_active": period[ends] + window - 1,
        "is_first_spell": ~same_customer[starts],
    }


def _count_by_period(values: np.ndarray, first: int, length: int) -> np.ndarray:
    inside = (values >= first) & (values < first + length)
    return np.bincount(values[inside] - first, minlength=length)


def retention_by_period(
    orders: pd.DataFrame, period: str = "month", window: int = 1
) -> pd.DataFrame:
    """S, E, N (new and won back), retained, L, CRR and churn for every period.

    One row per period from the first to the last period with any order, in the
    columns of ``RETENTION_COLUMNS`` plus ``days``, ``covered_days``,
    ``first_day`` and ``late_start`` (see ``period_calendar``). The first period
    has S = 0, so its rates are NaN. ``partial`` marks a period the data stops
    inside; its rates compare a part of a period with a whole one.
    """
    if window < 1:
        raise ValueError("the activity window must be at least one period")
    if orders.empty:
        return pd.DataFrame(columns=RETENTION_COLUMNS)
    seen = Observation.of(orders["timestamp"])
    days = np.array([seen.first_day.to_datetime64(), seen.last_day.to_datetime64()])
    first, last = period_ordinals(days, period)
    first, last = int(first), int(last)
    length = last - first + 1
    table = period_calendar(first, last, period, seen)

    history = purchase_history(orders)
    pairs = history.period_pairs(period)
    spells = _active_spells(
        history.codes[pairs], history.ordinals(period)[pairs], window
    )
    starts = spells["first"]
    ends_after = spells["last_active"] + 1
    first_spell = spells["is_first_spell"]

    gained = _count_by_period(starts, first, length)
    new = _count_by_period(starts[first_spell], first, length)
    lost = _count_by_period(ends_after, first, length)
    at_end = np.cumsum(gained) - np.cumsum(lost)
    at_start = np.r_[0, at_end[:-1]]

    table["customers_at_start"] = at_start
    table["customers_at_end"] = at_end
    table["gained"] = gained
    table["new_customers"] = new
    table["won_back"] = gained - new
    table["retained"] = at_end - gained
    table["lost"] = lost
    table["retention_rate"] = _share(at_end - gained, at_start)
    table["churn_rate"] = _share(lost, at_start)
    return table


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """part / whole x 100, NaN where whole is 0."""
    part = np.asarray(part, dtype="float64")
    whole = np.asarray(whole, dtype="float64")
    out = np.full(part.shape, np.nan)
    np.divide(part * 100.0, whole, out=out, where=whole > 0)
    return out


def retention_rate(
    customers_at_start: int, customers_at_end: int, gained: int
) -> float:
    """CRR = (E - N) / S x 100; NaN when S = 0."""
    if customers_at_start == 0:
        return float("nan")
    return (customers_at_end - gained) / customers_at_start * 100.0


def churn_rate(customers_at_start: int, lost: int) -> float:
    """Churn = L / S x 100; NaN when S = 0."""
    if customers_at_start == 0:
        return float("nan")
    return lost / customers_at_start * 100.0


def latest_complete_period(table: pd.DataFrame) -> pd.Series | None:
    """The last row of ``retention_by_period`` that is not partial: the period
    a headline figure should quote (a partial last period compares part of a
    period with a whole one). Whether a period is complete depends only on the
    calendar and the days the data covers, so a complete period with nobody at
    its start (S = 0, rates NaN) is still the last complete one; None when every
    period is partial."""
    complete = table[~table["partial"].astype(bool)]
    return None if complete.empty else complete.iloc[-1]
