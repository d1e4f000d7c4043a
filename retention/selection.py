"""What the owner is looking at: a period length, a range of whole periods and an
activity window. Everything a page shows is computed for a ``Selection``."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from retention.periods import PERIODS, ordinal_to_period, period_label


@dataclass(frozen=True)
class Selection:
    """Periods ``first`` to ``last`` (ordinals, inclusive) of length ``period``.

    ``window`` is the activity window k: a customer is lost after k periods
    without a purchase.
    """

    period: str
    first: int
    last: int
    window: int = 1

    def __post_init__(self) -> None:
        if self.period not in PERIODS:
            raise ValueError(f"unknown period {self.period!r}")
        if self.last < self.first:
            raise ValueError("a selection ends before it starts")
        if self.window < 1:
            raise ValueError("the activity window must be at least one period")

    @property
    def length(self) -> int:
        return self.last - self.first + 1

    @property
    def start(self) -> pd.Timestamp:
        """The first moment of the range."""
        return ordinal_to_period(self.first, self.period).start_time

    @property
    def end(self) -> pd.Timestamp:
        """The first moment after the range (exclusive)."""
        return ordinal_to_period(self.last + 1, self.period).start_time

    @property
    def label(self) -> str:
        first = period_label(self.first, self.period)
        if self.length == 1:
            return first
        return f"{first} – {period_label(self.last, self.period)}"

    def previous(self) -> Selection:
        """The range of the same length just before this one."""
        return replace(self, first=self.first - self.length, last=self.first - 1)

    def cut(self, orders: pd.DataFrame) -> pd.DataFrame:
        """The orders inside the range."""
        stamps = orders["timestamp"]
        return orders[(stamps >= self.start) & (stamps < self.end)]
