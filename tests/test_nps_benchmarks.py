"""The NPS reference figures kept in the package."""

from retention.benchmarks import BENCHMARKS
from retention.nps_benchmarks import (
    NPS_BENCHMARKS,
    benchmark_caption,
    nps_benchmark_range,
    nps_benchmarks,
)


def test_every_industry_of_the_sidebar_has_published_nps_figures():
    for industry in BENCHMARKS:
        assert nps_benchmarks(industry), industry


def test_every_figure_names_its_source_and_year_and_is_an_nps():
    for row in NPS_BENCHMARKS:
        assert -100 <= row.nps <= 100
        assert 2000 <= row.year <= 2030
        assert row.source and row.category


def test_the_range_spans_the_figures_of_an_industry():
    assert nps_benchmark_range("hospitality") == (35, 43)
    assert nps_benchmark_range("no such industry") is None


def test_the_caption_names_each_source_once_with_its_figures():
    caption = benchmark_caption("retail")

    assert caption.count("XM Institute") == 1
    assert "Retail +29" in caption and "Grocery +30" in caption
    assert "not a customer survey" in caption
