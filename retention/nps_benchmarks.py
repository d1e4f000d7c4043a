"""Reference NPS figures by industry, kept as data, each with where it comes from.

These are rough. Published NPS benchmarks come from large brands, mostly in the
United States, and are averages of company scores that were measured each in its
own way; a small shop's customers answer a different question at a different
moment (right after a visit, by a loyalty app, on paper). Two kinds of source
are used here, and they disagree, so the app shows the range they span:

- XM Institute (Qualtrics), *Economics of Net Promoter Score, 2024*: a survey of
  US consumers rating companies they had recently dealt with, averaged per
  industry (22 industries).
- npsBench, *2024 NPS benchmarks by industry* (November 2024): averages per
  category estimated from public online signals about brands, not from surveys
  of customers.

Each row: ``industry`` (the app's industry key, as in
:mod:`retention.benchmarks`), ``category`` (the category as the source names
it), ``nps``, ``year``, ``source``. An industry the table does not cover has no
benchmark, and the app says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from retention.i18n import t

__all__ = ["NPSBenchmark", "NPS_BENCHMARKS", "nps_benchmark_range", "nps_benchmarks"]

XM_INSTITUTE_2024 = (
    "XM Institute (Qualtrics), Economics of Net Promoter Score: a survey of US "
    "consumers"
)
NPSBENCH_2024 = (
    "npsBench, NPS benchmarks by industry: estimated from public online signals, "
    "not a customer survey"
)


@dataclass(frozen=True)
class NPSBenchmark:
    industry: str
    category: str
    nps: float
    year: int
    source: str


NPS_BENCHMARKS = (
    NPSBenchmark("retail", "Retail", 29, 2024, XM_INSTITUTE_2024),
    NPSBenchmark("retail", "Grocery", 30, 2024, XM_INSTITUTE_2024),
    NPSBenchmark("retail", "General retail, multicategory", 51, 2024, NPSBENCH_2024),
    NPSBenchmark("hospitality", "Quick service restaurants", 35, 2024, NPSBENCH_2024),
    NPSBenchmark("hospitality", "Restaurants, full service", 43, 2024, NPSBENCH_2024),
    NPSBenchmark(
        "professional_services", "Cosmetics and beauty", 46, 2024, NPSBENCH_2024
    ),
    NPSBenchmark("professional_services", "Consumer services", 71, 2024, NPSBENCH_2024),
)


def nps_benchmarks(industry: str) -> list[NPSBenchmark]:
    """The reference figures for an industry key; empty when there are none."""
    return [row for row in NPS_BENCHMARKS if row.industry == industry]


def nps_benchmark_range(industry: str) -> tuple[float, float] | None:
    """The lowest and highest reference NPS of an industry, or None."""
    figures = [row.nps for row in nps_benchmarks(industry)]
    return (min(figures), max(figures)) if figures else None


def benchmark_caption(industry: str) -> str:
    """One sentence naming every figure and its source, for next to the chart."""
    rows = nps_benchmarks(industry)
    if not rows:
        return t("No published NPS benchmark is kept for this industry.")
    by_source: dict[tuple[str, int], list[str]] = {}
    for row in rows:
        figure = f"{row.category} {row.nps:+.0f}"
        by_source.setdefault((row.source, row.year), []).append(figure)
    parts = [
        t(
            "{figures} ({source}, {year})",
            figures=", ".join(figures),
            source=source,
            year=year,
        )
        for (source, year), figures in by_source.items()
    ]
    return t(
        "Published NPS figures, rough and from large, mostly US brands: {figures}.",
        figures="; ".join(parts),
    )
