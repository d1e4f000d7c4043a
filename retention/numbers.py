"""How a number is written as text, in the app and on the command line: one
rounding rule, thousands separators and one minus sign.

Figures are rounded only when written, never when computed: ``38.125`` stays
``38.125`` in every table and download, and reads ``38.13``.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["fixed"]


def fixed(value: float, decimals: int = 2, *, sign: bool = False) -> str:
    """``value`` with ``decimals`` decimals and thousands separators:
    ``fixed(9703.965)`` is ``9,703.97``.

    A half is rounded up (away from zero), as Excel and a calculator round:
    38.125 reads 38.13, not 38.12. The rounding works on the shortest decimal
    that reads back as the same float (its ``repr``), so 1.005, stored a hair
    under 1.005, still reads 1.01. A negative number starts with "-" (the
    hyphen-minus every spreadsheet reads as a minus); one that rounds to zero
    has no sign. ``sign`` writes "+" before a positive number or zero, for a
    change. Not a number reads "nan" (callers say "no data" before).
    """
    number = float(value)
    if not math.isfinite(number):
        return str(number)
    rounded = Decimal(repr(number)).quantize(
        Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP
    )
    if rounded.is_zero():
        rounded = abs(rounded)
    return f"{rounded:{'+' if sign else ''},.{decimals}f}"
