"""Calendar periods: weeks (Monday first), months, quarters and years.

Periods are identified by pandas' period ordinals, plain integers that step by one
from one period to the next, so the metrics can work on integer arrays.

A period that the data does not cover to its end (the export stops before the
period's last day) is flagged as ``partial``: its rates compare part of a period
with a whole one, and headlines skip it.

The first period may start late too: the sample's "2010" holds only December.
It is marked ``late_start`` and described (``coverage_notes``: "2010: the data
starts on 1 Dec 2010, so it holds only 31 of its 365 days") wherever it is
compared with another period, but it is not flagged partial. A shop with no sale
on the first days of a month cannot be told apart from an export that starts
late, so calling every such month partial would mislabel most first months, and
the first period's rates do not depend on it (it has no customers at its start).
Its counts and revenue do, so a comparison with it needs the note.
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
        return t("week of {day}", day=day_text(monday))
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
    day after the last, exclusive), ``days``, ``covered_days`` (days from the start
    up to the last day of data), ``partial`` (the data stops before the period
    ends), ``first_day`` (the first day the data covers in the period: ``start``,
    or the data's first day when that is later) and ``late_start`` (the data
    starts after the period's first day; see the module docstring).
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
    first_day = np.maximum(starts.values, seen.first_day.to_datetime64())
    return pd.DataFrame(
        {
            "period": ordinals,
            "label": [period_label(o, period) for o in ordinals],
            "start": starts,
            "end": ends,
            "days": days,
            "covered_days": covered,
            "partial": covered < days,
            "first_day": first_day,
            "late_start": first_day > starts.values,
        }
    )


def coverage_notes(row: pd.Series) -> list[str]:
    """What the data leaves out of one row of ``period_calendar``: a sentence for
    a late start and one for a partial end; none for a whole period."""
    notes = []
    last_day = row["start"] + pd.Timedelta(days=int(row["covered_days"]) - 1)
    if row["late_start"]:
        held = (last_day - row["first_day"]).days + 1
        notes.append(
            t(
                "{label}: the data starts on {day}, so it holds only {held} of its "
                "{total} days (or the shop sold nothing before that day).",
                label=row["label"],
                day=day_text(row["first_day"]),
                held=held,
                total=row["days"],
            )
        )
    if row["partial"]:
        notes.append(
            t(
                "{label}: the data stops on {day}, after {held} of its {total} days.",
                label=row["label"],
                day=day_text(last_day),
                held=row["covered_days"],
                total=row["days"],
            )
        )
    return notes


def day_text(day: pd.Timestamp) -> str:
    """A day as people write it: ``1 Dec 2010``."""
    return f"{day.day} {day:%b %Y}"
