"""The translation door: singular and plural texts chosen by a count."""

from retention.i18n import t_count


def test_one_is_singular_and_every_other_count_plural():
    one, other = "{count} answer", "{count} answers"
    assert t_count(1, one, other) == "1 answer"
    assert t_count(0, one, other) == "0 answers"
    assert t_count(2, one, other) == "2 answers"
    assert t_count(1234, one, other) == "1,234 answers"


def test_other_values_are_filled_in():
    assert t_count(
        1, "{label} ({count} row)", "{label} ({count} rows)", label="Refund"
    ) == ("Refund (1 row)")
