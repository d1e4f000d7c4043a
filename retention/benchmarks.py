"""Industry benchmarks for annual customer retention, kept as data.

These are rough secondary figures: a 2018 survey of companies by industry that
Statista published and that retention articles have quoted ever since. They are
annual rates measured by the companies themselves, in ways the survey does not
define, so a shop's own figure is a comparison, not a grade. The owner can enter
a target of their own instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from retention.i18n import t

_SOURCE = "Statista, customer retention rate worldwide by industry (survey, 2018)"


@dataclass(frozen=True)
class Benchmark:
    industry: str
    annual_retention: float
    definition: str
    year: int
    source: str


BENCHMARKS = {
    "retail": Benchmark("retail", 63.0, "customers kept over a year", 2018, _SOURCE),
    "hospitality": Benchmark(
        "hospitality", 55.0, "customers kept over a year", 2018, _SOURCE
    ),
    "professional_services": Benchmark(
        "professional_services", 84.0, "customers kept over a year", 2018, _SOURCE
    ),
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
