"""Whether the day or the month comes first in dates such as 03/04/2024.

Each date written with the year last is read both ways first. A reading
that gives no date (``14/01/2024`` read month first) leaves the other as the
only one, and such a date is read that way, whatever the rest of the column
writes: it is never left out as unreadable. The order then decides only the
dates that read two ways (``03/04/2024``), chosen in this order:

1. the order the user chose;
2. the dates of the same file that can be read one way only, the most
   numerous winning; a file without any follows the other files uploaded
   with it. A file holding both (two tills' exports pasted together) is
   said to mix the orders, and each of its two-way dates is read the way
   that puts it nearest the one-way dates written above and below it;
3. when no date of any file tells: the data's own shape (three or more
   dates whose first number never changes while the second does are one
   month's days, not the same day of many months), then the order the
   recognised export layout writes (Etsy: month first), else day first,
   and the user is asked to check.

Dates read against their file's order, and the two-way dates of a file that
mixes the orders, are marked as repairs so the Data page lists them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from retention.i18n import t, t_count
from retention.quality import Notice

__all__ = ["SettledDates", "order_words", "settle_date_order"]

# How each date written with the year last can be read.
NONE, DAY_ONLY, MONTH_ONLY, EITHER, SAME = 0, 1, 2, 3, 4
# The least number of different dates whose shape can tell the order.
PATTERN_DATES = 3


@dataclass
class SettledDates:
    """Each row's date (null where it was not written with the year last, or
    reads no way), its repair code (``date_other_order``,
    ``date_order_unsure`` or ``""``), the order used for most rows, whether
    that order was a guess to check, and the notes saying why."""

    values: pl.Series
    repairs: pl.Series
    order: str
    ambiguous: bool = False
    notices: list[Notice] = field(default_factory=list)


def date_kinds(as_day: pl.Series, as_month: pl.Series) -> pl.Series:
    """How each date can be read: only day first, only month first, either
    way (two different dates) or the same both ways (``05/05/2024``)."""
    frame = pl.DataFrame({"day": as_day, "month": as_month})
    day, month = pl.col("day").is_not_null(), pl.col("month").is_not_null()
    return frame.select(
        pl.when(day & month & (pl.col("day") == pl.col("month")))
        .then(SAME)
        .when(day & month)
        .then(EITHER)
        .when(day)
        .then(DAY_ONLY)
        .when(month)
        .then(MONTH_ONLY)
        .otherwise(NONE)
        .cast(pl.UInt8)
    ).to_series()


def settle_date_order(
    rows: pl.DataFrame,
    *,
    requested: str = "auto",
    layout: tuple[str, str] | None = None,
    part_names: list[str] | None = None,
    column: str | None = None,
) -> SettledDates:
    """Read each row's year-last date in the order that fits it.

    Parameters
    ----------
    rows : polars.DataFrame
        One row per input row: ``text`` (as written), ``as_day`` and
        ``as_month`` (the date read day first and month first, null where
        that reading gives no date), ``part`` (the file or sheet it comes
        from, numbered from 0) and ``row`` (its row number as the user sees
        it, for the notes); optionally ``weight``, the rows a value stands
        for when ``rows`` holds a column's distinct values (one part, in
        which the order is never mixed).
    requested : {"auto", "day_first", "month_first"}
        The user's choice; ``"auto"`` decides from the data (see the module).
    layout : (name, order), optional
        The recognised export layout and the order it writes dates in.
    part_names : list of str, optional
        The name of each part, to say which file a note is about.
    column : str, optional
        The date column's header, for the notes.
    """
    kind = date_kinds(rows["as_day"], rows["as_month"])
    rows = rows.with_columns(kind=kind)
    if "weight" not in rows.columns:
        rows = rows.with_columns(weight=pl.lit(1, dtype=pl.Int64))
    evidence = _evidence(rows)
    total_day = sum(day for day, _ in evidence.values())
    total_month = sum(month for _, month in evidence.values())
    notices: list[Notice] = []
    ambiguous = False
    if requested != "auto":
        orders = dict.fromkeys(evidence, requested)
        notices.append(_chosen_notice(rows, requested))
    elif total_day or total_month:
        overall = "day_first" if total_day >= total_month else "month_first"
        orders = {
            part: _majority(day, month) or overall
            for part, (day, month) in evidence.items()
        }
    else:
        overall, message, ambiguous = _untold_order(rows, layout)
        orders = dict.fromkeys(evidence, overall)
        notices.append(message)
    mixed = {
        part
        for part, (day, month) in evidence.items()
        if requested == "auto" and day and month
    }
    rows = rows.with_columns(
        day_first=pl.col("part").replace_strict(
            {part: order == "day_first" for part, order in orders.items()},
            return_dtype=pl.Boolean,
        )
    ).with_columns(part_day_first="day_first")
    if mixed:
        rows = _nearest_reading(rows, mixed)
    values, repairs = _read(rows, mixed)
    if requested == "auto" and (total_day or total_month):
        notices += _detected_notices(rows, orders, mixed, part_names, column)
    elif requested != "auto" and (
        against := int(rows["weight"].filter(repairs != "").sum())
    ):
        notices.append(_against_choice_notice(rows, repairs, against))
    dated = rows.filter(pl.col("kind") != NONE)
    day_rows = int(dated["weight"].filter(dated["day_first"]).sum())
    order = "day_first" if day_rows * 2 >= int(dated["weight"].sum()) else "month_first"
    return SettledDates(values, repairs, order, ambiguous, notices)


def _evidence(rows: pl.DataFrame) -> dict[int, tuple[int, int]]:
    """Per part: how many dates read day first only, and month first only."""
    counted = (
        rows.group_by("part", maintain_order=True)
        .agg(
            day=pl.col("weight").filter(pl.col("kind") == DAY_ONLY).sum(),
            month=pl.col("weight").filter(pl.col("kind") == MONTH_ONLY).sum(),
        )
        .iter_rows()
    )
    return {part: (int(day), int(month)) for part, day, month in counted}


def _majority(day: int, month: int) -> str | None:
    if not day and not month:
        return None
    return "day_first" if day >= month else "month_first"


def _nearest_reading(rows: pl.DataFrame, mixed: set[int]) -> pl.DataFrame:
    """In a file that mixes the orders, each two-way date read the way that
    puts it nearest the one-way dates above and below it in the file; a tie
    keeps the file's order."""
    one_way = (
        pl.when(pl.col("kind") == DAY_ONLY)
        .then(pl.col("as_day"))
        .when(pl.col("kind") == MONTH_ONLY)
        .then(pl.col("as_month"))
    )
    rows = rows.with_columns(
        above=one_way.forward_fill().over("part"),
        below=one_way.backward_fill().over("part"),
    )

    def distance(reading: str) -> pl.Expr:
        gaps = [
            (pl.col(reading) - pl.col(neighbour)).abs().dt.total_seconds()
            for neighbour in ("above", "below")
        ]
        return pl.min_horizontal(gaps)

    day, month = distance("as_day"), distance("as_month")
    nearer = (
        pl.when(day < month)
        .then(True)
        .when(month < day)
        .then(False)
        .otherwise(pl.col("day_first"))
    )
    unsure = pl.col("part").is_in(list(mixed)) & (pl.col("kind") == EITHER)
    return rows.with_columns(
        day_first=pl.when(unsure).then(nearer).otherwise(pl.col("day_first"))
    ).drop("above", "below")


def _read(rows: pl.DataFrame, mixed: set[int]) -> tuple[pl.Series, pl.Series]:
    """Each row's date and repair code once every row's order is known."""
    kind, day_first = pl.col("kind"), pl.col("day_first")
    value = (
        pl.when(kind == DAY_ONLY)
        .then(pl.col("as_day"))
        .when(kind == MONTH_ONLY)
        .then(pl.col("as_month"))
        .when(day_first)
        .then(pl.col("as_day"))
        .otherwise(pl.col("as_month"))
    )
    # a one-way date against its file's order (the order before any two-way
    # date followed its neighbours)
    own = pl.col("part_day_first")
    repair = (
        pl.when(pl.col("part").is_in(list(mixed)) & (kind == EITHER))
        .then(pl.lit("date_order_unsure"))
        .when(((kind == DAY_ONLY) & ~own) | ((kind == MONTH_ONLY) & own))
        .then(pl.lit("date_other_order"))
        .otherwise(pl.lit(""))
    )
    read = rows.select(value=value, repair=repair)
    return read["value"], read["repair"]


# --- why: the notes ----------------------------------------------------------


def date_separator(written: str | None) -> str:
    """The mark between a date's numbers as written (``/`` in ``13/01/2024``)."""
    found = re.search(r"\d\s?([./-])", written or "")
    return found.group(1) if found else "/"


def order_words(day_first: bool, separator: str = "/") -> str:
    """``day first (dd/mm/yyyy)``, written with the file's own separator."""
    if day_first:
        return t("day first ({pattern})", pattern=separator.join(["dd", "mm", "yyyy"]))
    return t("month first ({pattern})", pattern=separator.join(["mm", "dd", "yyyy"]))


def _first_text(rows: pl.DataFrame) -> str:
    written = rows.filter(pl.col("kind") != NONE)["text"]
    return written[0] if len(written) else ""


def _chosen_notice(rows: pl.DataFrame, requested: str) -> Notice:
    words = order_words(requested == "day_first", date_separator(_first_text(rows)))
    return Notice(
        "date_order_chosen", t("Dates were read {order}, as chosen.", order=words)
    )


def _against_choice_notice(
    rows: pl.DataFrame, repairs: pl.Series, count: int
) -> Notice:
    example = rows.filter(repairs != "").row(0, named=True)
    message = t_count(
        count,
        "{count} date can be read only the other way round ({example} in row "
        "{row}); it was read that way rather than left out, and is listed under "
        "Details to check.",
        "{count} dates can be read only the other way round (such as {example} "
        "in row {row}); they were read that way rather than left out, and are "
        "listed under Details to check.",
        example=example["text"],
        row=example["row"],
    )
    return Notice("date_other_order", message)


def _untold_order(
    rows: pl.DataFrame, layout: tuple[str, str] | None
) -> tuple[str, Notice, bool]:
    """The order when no date reads one way only: the dates' shape, the
    export layout's order, else day first to check."""
    untold = t(
        "No date shows whether the day or the month comes first (all numbers "
        "are 12 or under)"
    )
    if found := _order_from_shape(rows):
        order, dates, example = found
        words = order_words(order == "day_first", date_separator(example))
        if layout is None:
            known = ""
        elif layout[1] == order:
            known = t(", as {layout} exports write them", layout=t(layout[0]))
        else:
            known = t(
                ", although {layout} exports write them the other way",
                layout=t(layout[0]),
            )
        message = t(
            "{untold}; they were read {order}{known}: read the other way, each "
            "of the {dates} different dates (such as {example}) would fall on the "
            "same day of a different month, while read this way they are days of "
            "one month. If that is wrong, change the date order on the Data page.",
            untold=untold,
            order=words,
            known=known,
            dates=f"{dates:,}",
            example=example,
        )
        return order, Notice("date_order_shape", message), False
    if layout is not None:
        name, order = layout
        words = order_words(order == "day_first", date_separator(_first_text(rows)))
        message = t(
            "{untold}; they were read {order}, as {layout} exports write them. If "
            "that is wrong, change the date order on the Data page.",
            untold=untold,
            order=words,
            layout=t(name),
        )
        return order, Notice("date_order_layout", message), False
    message = t(
        "No date shows whether the day or the month comes first (all numbers are 12 or under); they were read day first. Please check and change the date order if needed."
    )
    return "day_first", Notice("date_order_ambiguous", message), True


def _order_from_shape(rows: pl.DataFrame) -> tuple[str, int, str] | None:
    """Month first when three or more different dates share their first
    number and differ in the second (12/1, 12/2, 12/3: three days of
    December, not the 12th of three months); day first the other way round."""
    two_way = rows.filter(pl.col("kind").is_in([EITHER, SAME]))
    dates = two_way.select(
        first=pl.col("as_day").dt.day(),
        second=pl.col("as_day").dt.month(),
        date=pl.col("as_day").dt.date(),
    ).unique("date", maintain_order=True)
    if dates.height < PATTERN_DATES:
        return None
    firsts, seconds = dates["first"].n_unique(), dates["second"].n_unique()
    example = two_way["text"][0]
    if firsts == 1 and seconds >= PATTERN_DATES:
        return "month_first", dates.height, example
    if seconds == 1 and firsts >= PATTERN_DATES:
        return "day_first", dates.height, example
    return None


def _detected_notices(
    rows: pl.DataFrame,
    orders: dict[int, str],
    mixed: set[int],
    part_names: list[str] | None,
    column: str | None = None,
) -> list[Notice]:
    """Why each file was read its way: one note when every file was read
    the same way, else one per file; a note of its own for a file that
    mixes the orders."""
    notices = []
    plain = [part for part in orders if part not in mixed]
    if plain:
        notices.append(_told_notice(rows, orders, plain, part_names))
    for part in sorted(mixed):
        notices.append(
            _mixed_notice(rows.filter(pl.col("part") == part), part, part_names, column)
        )
    return [notice for notice in notices if notice is not None]


def _told_notice(
    rows: pl.DataFrame,
    orders: dict[int, str],
    parts: list[int],
    part_names: list[str] | None,
) -> Notice | None:
    """ "Dates were read day first, because values such as 14/01/2024 only
    make sense that way", or the same per file when the files differ."""
    telling = {
        part: rows.filter(
            (pl.col("part") == part)
            & (
                pl.col("kind")
                == (DAY_ONLY if orders[part] == "day_first" else MONTH_ONLY)
            )
        )["text"]
        for part in parts
    }
    if len({orders[part] for part in parts}) == 1 or not part_names:
        order = orders[parts[0]]
        kind = DAY_ONLY if order == "day_first" else MONTH_ONLY
        examples = rows.filter(pl.col("kind") == kind)["text"]
        if not len(examples):
            return None
        message = t(
            "Dates were read {order}, because values such as {example} only make sense that way.",
            order=order_words(order == "day_first", date_separator(examples[0])),
            example=examples[0],
        )
        return Notice("date_order_detected", message)
    each = []
    for part in parts:
        order = orders[part]
        example = telling[part][0] if len(telling[part]) else None
        words = order_words(order == "day_first", date_separator(example))
        if example is None:
            each.append(
                t(
                    "{file} {order}, as the other files",
                    file=part_names[part],
                    order=words,
                )
            )
        else:
            each.append(
                t(
                    "{file} {order} (such as {example})",
                    file=part_names[part],
                    order=words,
                    example=example,
                )
            )
    message = t(
        "The files write their dates in different orders, so each was read its "
        "own way: {files}.",
        files="; ".join(each),
    )
    return Notice("date_order_detected", message)


def _mixed_notice(
    rows: pl.DataFrame, part: int, part_names: list[str] | None, column: str | None
) -> Notice:
    """ "The date column mixes day-first and month-first dates: 10 rows …"."""

    def some(kind: int, one: str, other: str) -> str:
        found = rows.filter(pl.col("kind") == kind)
        first = found.row(0, named=True)
        return t_count(
            found.height, one, other, example=first["text"], row=first["row"]
        )

    day = some(
        DAY_ONLY,
        "{count} row can only be day first ({example} in row {row})",
        "{count} rows can only be day first (such as {example} in row {row})",
    )
    month = some(
        MONTH_ONLY,
        "{count} row only month first ({example} in row {row})",
        "{count} rows only month first (such as {example} in row {row})",
    )
    place = t("The date column “{column}”", column=column or t("date"))
    if part_names and len(part_names) > 1:
        place = t("{place} of {file}", place=place, file=part_names[part])
    days = rows.filter(pl.col("kind") == DAY_ONLY).height
    fewer = t("month-first") if days >= rows.height - days else t("day-first")
    message = t(
        "{place} mixes day-first and month-first dates: {day}, {month}. Each "
        "was read the only way it can be, and the {fewer} ones are listed under "
        "Details to check.",
        place=place,
        day=day,
        month=month,
        fewer=fewer,
    )
    if rows.filter(pl.col("kind") == EITHER).height:
        message += " " + some(
            EITHER,
            "{count} row could be read either way ({example} in row {row}): it "
            "was read the way that puts it nearest the dates above and below "
            "it, and is listed under Details to check.",
            "{count} rows could be read either way (such as {example} in row "
            "{row}): each was read the way that puts it nearest the dates above "
            "and below it, and they are listed under Details to check.",
        )
    return Notice("date_order_mixed", message)
