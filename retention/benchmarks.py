"""Industry benchmarks for annual customer retention, kept as data, and the line
a chart compares a shop with: the industry's figure or the owner's own target.

These are rough secondary figures: a 2018 survey of companies by industry that
Statista published and that retention articles have quoted ever since. They are
annual rates measured by the companies themselves, in ways the survey does not
define, so a shop's own figure is a comparison, not a grade. The owner can enter
a target of their own instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from retention.i18n import t

__all__ = [
    "BENCHMARKS",
    "Benchmark",
    "Comparison",
    "benchmark",
    "benchmark_table",
    "comparison_line",
    "industry_names",
]

_SOURCE = "Statista, customer retention rate worldwide by industry (survey, 2018)"
_DEFINITION = "customers kept over a year"


@dataclass(frozen=True)
class Benchmark:
    """One industry's figure: annual retention in percent, what it measures,
    the year it was published and where it comes from."""

    industry: str
    annual_retention: float
    definition: str
    year: int
    source: str


BENCHMARKS = {
    row.industry: row
    for row in [
        Benchmark("retail", 63.0, _DEFINITION, 2018, _SOURCE),
        Benchmark("hospitality", 55.0, _DEFINITION, 2018, _SOURCE),
        Benchmark("professional_services", 84.0, _DEFINITION, 2018, _SOURCE),
    ]
}


def industry_names() -> dict[str, str]:
    """The industries a shop can compare itself with, by translated name."""
    return {
        "retail": t("Retail and e-commerce"),
        "hospitality": t("Restaurants, cafés and hospitality"),
        "professional_services": t("Professional services (salons, studios)"),
    }


def benchmark(industry: str) -> Benchmark:
    if industry not in BENCHMARKS:
        raise ValueError(t("Unknown industry {industry}", industry=industry))
    return BENCHMARKS[industry]


def benchmark_table() -> pd.DataFrame:
    """Every benchmark as a row: ``industry`` (translated name),
    ``annual_retention``, ``definition``, ``year`` and ``source``."""
    names = industry_names()
    return pd.DataFrame(
        [
            {
                "industry": names[row.industry],
                "annual_retention": row.annual_retention,
                "definition": t(row.definition),
                "year": row.year,
                "source": row.source,
            }
            for row in BENCHMARKS.values()
        ]
    )


@dataclass(frozen=True)
class Comparison:
    """The line a retention chart is drawn against: ``rate`` in percent, its
    ``label``, and whether it is the owner's own target."""

    rate: float
    label: str
    own_target: bool


def comparison_line(industry: str, target: float | None = None) -> Comparison:
    """The owner's target when given, else the industry's benchmark."""
    if target is not None:
        return Comparison(
            float(target), t("Your target: {rate:.0f} %", rate=target), True
        )
    reference = benchmark(industry)
    return Comparison(
        reference.annual_retention,
        t(
            "{industry}: {rate:.0f} % kept per year",
            industry=industry_names()[industry],
            rate=reference.annual_retention,
        ),
        False,
    )
