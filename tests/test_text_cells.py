"""The byte-level shortcuts over text columns answer as the plain polars calls
they stand in for: on every kind of cell, on a slice of a column and on a
column of several chunks."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from retention.reading import NON_ASCII, holds_letters, marks_in, stripped

# White space of every kind polars or Python strips, letters beyond ASCII,
# and the marks the cleaning looks for.
CHARACTERS = st.sampled_from(
    list("ab Z09.,-:@ \t\n\r\x0b\x0c\x1c\x1f")
    + ["\u00a0", "\u2000", "\u2003", "\u3000", "\ufeff", "é", "ő", "€", "\x85"]
)
CELLS = st.lists(st.none() | st.text(CHARACTERS, max_size=6), max_size=30)


def _columns(cells: list[str | None], cut: int) -> list[pl.Series]:
    """The cells as one column, as a slice of a longer one, and in two chunks."""
    whole = pl.Series("cells", cells, dtype=pl.String)
    padded = pl.Series("cells", [" x ", *cells, "\u00a0"], dtype=pl.String)
    cut = min(cut, len(cells))
    pieces = [whole.slice(0, cut), whole.slice(cut)]
    chunked = pl.concat(pieces, rechunk=False).alias("cells")
    return [whole, padded.slice(1, len(cells)), chunked]


@settings(max_examples=300, deadline=None)
@given(CELLS, st.integers(0, 30))
def test_stripped_is_strip_chars(cells, cut):
    for column in _columns(cells, cut):
        assert stripped(column).to_list() == column.str.strip_chars().to_list()


@settings(max_examples=300, deadline=None)
@given(CELLS, st.integers(0, 30))
def test_marks_in_and_holds_letters_read_every_cell(cells, cut):
    filled = [cell for cell in cells if cell is not None]
    written = "".join(filled)
    expected = {mark for mark in ".,-:@" if mark in written}
    if not written.isascii():
        expected.add(NON_ASCII)
    letters = any(not c.isascii() or c.isalpha() for c in written)
    for column in _columns(cells, cut):
        assert marks_in(column, f".,-:@{NON_ASCII}") == expected
        assert holds_letters(column) == letters


def test_a_column_without_spaces_at_its_ends_is_returned_as_it_is():
    column = pl.Series("cells", ["a b", "1.5", "", None])
    assert stripped(column) is column
    assert stripped(pl.Series("cells", ["a ", "b"])).to_list() == ["a", "b"]
    assert stripped(pl.Series("cells", ["\u00a0a", "b"])).to_list() == ["a", "b"]
    assert stripped(pl.Series("cells", [], dtype=pl.String)).to_list() == []
