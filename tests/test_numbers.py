"""How numbers are written: a half rounds up, thousands are separated, "-"."""

import pytest

from retention.numbers import fixed


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (38.125, 2, "38.13"),  # 305 / 8: half up, as Excel and a calculator
        (1.005, 2, "1.01"),  # stored a hair under 1.005, written 1.005
        (9703.965, 2, "9,703.97"),
        (-2.675, 2, "-2.68"),  # a half away from zero
        (2.5, 0, "3"),
        (1_234_567.891, 2, "1,234,567.89"),
        (-0.004, 2, "0.00"),  # no "-0.00"
        (48.37, 1, "48.4"),
    ],
)
def test_numbers_are_rounded_half_up_with_thousands_separated(value, decimals, text):
    assert fixed(value, decimals) == text


def test_a_change_carries_its_sign_and_a_minus_is_a_hyphen():
    assert fixed(1250, sign=True) == "+1,250.00"
    assert fixed(-35, sign=True) == "-35.00"
    assert fixed(0, 0, sign=True) == "+0"
