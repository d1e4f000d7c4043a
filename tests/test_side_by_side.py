"""Steps run side by side answer as they would one after another: in order,
in the caller's language, with their errors."""

from __future__ import annotations

import threading

import polars as pl
import pytest

from retention import i18n
from retention.cleaning import CleaningOptions, clean_orders
from retention.columns import ColumnMapping
from retention.reading import RawTable
from retention.side_by_side import SideBySide, each_side_by_side


@pytest.fixture
def pirate(monkeypatch):
    """A made-up language whose catalogue translates the placeholder note."""
    monkeypatch.setitem(i18n.LANGUAGES, "xx", "Pirate")
    one = (
        "{count} row names a placeholder instead of a customer ({examples}): an "
        "anonymous sale, counted as a guest purchase, in orders and revenue but "
        "not as a customer. Check it under Details."
    )
    monkeypatch.setitem(i18n.CATALOGUES, "xx", {one: "Arr, {count} landlubber."})
    monkeypatch.setitem(i18n.CATALOGUES, "en", {})
    i18n.set_language("xx")
    yield
    i18n.set_language("en")


def test_steps_run_at_once_and_answer_in_order():
    both_started = threading.Barrier(2, timeout=10)

    def step(number: int) -> int:
        both_started.wait()  # fails unless the two steps run at the same time
        return number * 10

    with SideBySide(cores=2) as steps:
        first, second = steps.start(step, 1), steps.start(step, 2)
        assert (first.result(), second.result()) == (10, 20)
    assert each_side_by_side(str.upper, ["a", "b", "c"]) == ["A", "B", "C"]


def test_a_step_that_fails_raises_where_its_result_is_asked_for():
    with SideBySide() as steps:
        failing = steps.start(int, "not a number")
        with pytest.raises(ValueError, match="not a number"):
            failing.result()


def test_steps_speak_the_callers_language(pirate):
    assert each_side_by_side(lambda _: i18n.current_language(), range(4)) == ["xx"] * 4

    cells = pl.DataFrame(
        {
            "customer": ["Walk-in Customer", "C1"],
            "date": ["2024-01-05", "2024-01-06"],
            "amount": ["5", "7"],
        }
    )
    raw = RawTable(
        cells=cells,
        rows=pl.DataFrame(
            {"source": ["a.csv"] * 2, "sheet": [""] * 2, "row_number": [2, 3]}
        ),
    )
    mapping = ColumnMapping(customer="customer", timestamp="date", amount="amount")
    _, report = clean_orders(raw, mapping, CleaningOptions())
    assert "Arr, 1 landlubber." in [notice.message for notice in report.notices]
