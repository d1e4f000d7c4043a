"""Calendar periods: weeks (Monday first), months, quarters and years.

Periods are identified by pandas' period ordinals, plain integers that step by one
from one period to the next, so the metrics can work on integer arrays. A period
that the data does not cover to its end (the export stops before the period's last
day) is flagged as partial. The first period is never flagged: a shop with no sale
on the first days of a month cannot be told apart from an export that starts late,
and the first period has no customers at its start anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retention.i18n import t

PERIODS = ("week", "month", "quarter", "year")
_PANDAS_FREQ = {"week": "W-SUN", "month": "M", "quarter": "Q-DEC", "year": "Y-DEC"}


def period_names() -> dict[str, str]:
    """The period choices with their translated names."""
    return {
        "week": t("Week"),
        "month": t("Month"),
        "quarter": t("Quarter"),
        "year": t("Year"),
    }


def pandas_freq(period: str) -> str:
    if period not in _PANDAS_FREQ:
        raise ValueError(t("Unknown period {period}", period=period))
    return _PANDAS_FREQ[period]


def period_ordinals(timestamps: pd.Series | np.ndarray, period: str) -> np.ndarray:
    """The ordinal of the period each timestamp falls in, as an int64 array.

    The same numbers as pandas' ``to_period(...).asi8``, found through the day
    number: a week ordinal is (days since 1970-01-01 + 3) // 7 + 1, and months,
    quarters and years are looked up in a table of the days the data spans,
    which is many times faster than converting every stamp to a period.
    """
    freq = pandas_freq(period)
    stamps = np.asarray(timestamps, dtype="datetime64[ns]")
    if stamps.size == 0 or np.isnat(stamps).any():
        return pd.Series(stamps).dt.to_period(freq).array.asi8
    days = stamps.astype("datetime64[D]").astype("int64")
    if period == "week":
        return (days + 3) // 7 + 1
    first = int(days.min())
    calendar = np.arange(first, int(days.max()) + 1).astype("datetime64[D]")
    table = pd.Series(calendar).dt.to_period(freq).array.asi8
    return table[days - first]


def ordinal_to_period(ordinal: int, period: str) -> pd.Period:
    return pd.Period(ordinal=int(ordinal), freq=pandas_freq(period))


def period_label(ordinal: int, period: str) -> str:
    """A short label: ``week of 29 Jan 2024`` (the week's Monday: people do not
    know ISO week numbers), ``Mar 2024``, ``2024 Q1``, ``2024``."""
    value = ordinal_to_period(ordinal, period)
    if period == "week":
        monday = value.start_time
        return t("week of {day}", day=f"{monday.day} {monday:%b %Y}")
    if period == "month":
        return value.start_time.strftime("%b %Y")
    if period == "quarter":
        return f"{value.year} Q{value.quarter}"
    return str(value.year)


@dataclass(frozen=True)
class Observation:
    """The stretch of time the data covers: from its first to its last day."""

    first_day: pd.Timestamp
    last_day: pd.Timestamp

    @classmethod
    def of(cls, timestamps: pd.Series) -> Observation:
        return cls(timestamps.min().normalize(), timestamps.max().normalize())


def period_calendar(
    first: int, last: int, period: str, seen: Observation
) -> pd.DataFrame:
    """One row per period from ordinal ``first`` to ``last``.

    Columns: ``period`` (ordinal), ``label``, ``start`` (first day), ``end`` (the
    day after the last, exclusive), ``days``, ``covered_days`` (days up to the last day
    of data) and ``partial`` (the data stops before the period ends).
    """
    ordinals = np.arange(first, last + 1, dtype="int64")
    index = pd.PeriodIndex.from_ordinals(ordinals, freq=pandas_freq(period))
    starts = index.start_time.normalize()
    ends = (index.end_time.normalize() + pd.Timedelta(days=1)).normalize()
    covered_to = np.minimum(
        ends.values, (seen.last_day + pd.Timedelta(days=1)).to_datetime64()
    )
    days = (ends - starts).days.to_numpy()
    covered = ((covered_to - starts.values) / np.timedelta64(1, "D")).astype("int64")
    covered = np.clip(covered, 0, None)
    return pd.DataFrame(
        {
            "period": ordinals,
            "label": [period_label(o, period) for o in ordinals],
            "start": starts,
            "end": ends,
            "days": days,
            "covered_days": covered,
            "partial": covered < days,
        }
    )
