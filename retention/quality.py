"""The quality report: what happened to every row of an uploaded sales log.

Every input row ends in exactly one bucket, with an outcome and a reason:

- ``kept``: used as it is; guest purchases and cancellations are kept with
  their own reason so they can be counted and downloaded;
- ``repaired``: kept after a repair (the reason or ``repairs`` names it);
- ``excluded``: left out (the reason says why).

A row can carry several repairs; its ``reason`` is the most telling one (an
exclusion first, then a cancellation, a guest purchase, a repair) and the
``repairs`` column lists them all. A row that was repaired and kept is
``repaired`` whatever its reason: a guest purchase whose amount was written
``£1,250.00`` keeps the reason ``guest``, and is counted as kept after that
repair (its ``repair`` in :meth:`QualityReport.counts`), never as plain kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
import polars as pl

from retention.export import COUNT, MONEY, ROW_NUMBER, SHARE, frames_as_xlsx
from retention.i18n import t, t_count
from retention.reading import text_cells

__all__ = [
    "REASONS",
    "Notice",
    "QualityReport",
    "counted_label",
    "outcome_label",
    "outcome_of",
    "reason_label",
    "with_repaired_outcomes",
]

# reason code -> outcome; the labels are in reason_label() so they are translated
# when shown, not when this module is imported.
REASONS: dict[str, str] = {
    "ok": "kept",
    "guest": "kept",
    "refund_netted": "kept",
    "refund_unmatched": "kept",
    "amount_on_other_line": "kept",
    "order_cancelled": "kept",
    "partly_refunded": "kept",
    "extra_fields": "repaired",
    "merged_cell": "repaired",
    "not_utf8_cp1252": "repaired",
    "not_utf8_cp1250": "repaired",
    "not_utf8_latin_1": "repaired",
    "placeholder_customer": "repaired",
    "id_decimal_suffix": "repaired",
    "amount_formatted": "repaired",
    "amount_other_mark": "repaired",
    "amount_mark_ambiguous": "repaired",
    "time_zone_converted": "repaired",
    "excel_serial_date": "repaired",
    "date_other_order": "repaired",
    "date_order_unsure": "repaired",
    "duplicate": "excluded",
    "duplicate_other_file": "excluded",
    "total_row": "excluded",
    "header_repeated": "excluded",
    "no_date": "excluded",
    "no_amount": "excluded",
    "stock_adjustment": "excluded",
    "payment_failed": "excluded",
    "zero_order": "excluded",
    "cell_too_long": "excluded",
    "future_date": "excluded",
    "far_date": "excluded",
    "other_delimiter_comma": "excluded",
    "other_delimiter_semicolon": "excluded",
    "other_delimiter_tab": "excluded",
    "other_delimiter_pipe": "excluded",
}
# A narrower kind of a reason -> the reason it is a kind of: count("duplicate")
# and rows_for("duplicate") take in the rows repeating another file's too.
REASON_KINDS: dict[str, str] = {
    "duplicate_other_file": "duplicate",
    "other_delimiter_comma": "other_delimiter",
    "other_delimiter_semicolon": "other_delimiter",
    "other_delimiter_tab": "other_delimiter",
    "other_delimiter_pipe": "other_delimiter",
}
ROW_COLUMNS = ["source", "sheet", "row_number", "outcome", "reason", "repairs"]
# Row numbers written out per reason in a note; the rest are counted.
ROWS_LISTED = 10


def reason_label(reason: str) -> str:
    """The translated, human wording of a reason code."""
    labels = {
        "ok": t("Purchase line, used as it is"),
        "guest": t(
            "Guest purchase (no customer id): counts in orders and revenue, not in customer figures"
        ),
        "refund_netted": t(
            "Cancellation or refund, netted into the same customer's latest earlier purchase"
        ),
        "refund_unmatched": t(
            "Cancellation without a matching purchase: counts in revenue only"
        ),
        "amount_on_other_line": t("Line of an order whose total is on another line"),
        "placeholder_customer": t(
            "Placeholder instead of a customer (Walk-in Customer, Guest, Cash customer, 0): an anonymous sale, counted as a guest purchase in orders and revenue, not in customer figures"
        ),
        "order_cancelled": t(
            "Cancelled or fully refunded order: not a purchase; only an amount not refunded counts in revenue"
        ),
        "partly_refunded": t(
            "Partly refunded order: counts as a purchase worth its total less the refund"
        ),
        "payment_failed": t(
            "Failed, declined, aborted or only authorised (not captured) payment: not a sale"
        ),
        "extra_fields": t(
            "Line with more fields than the header: the extra fields were not read; a comma without quote marks may have shifted the others, so check it"
        ),
        "merged_cell": t(
            "Row under a cell merged over several rows (a customer, date or order number written once over its sales): it took the merged cell's value"
        ),
        "not_utf8_cp1252": t(
            "Line not valid UTF-8 like the rest of the file: read as Windows-1252 (Western European); check its letters"
        ),
        "not_utf8_cp1250": t(
            "Line not valid UTF-8 like the rest of the file: read as Windows-1250 (Central European); check its letters"
        ),
        "not_utf8_latin_1": t(
            "Line not valid UTF-8 like the rest of the file: read as latin-1 (ISO 8859-1); check its letters"
        ),
        "id_decimal_suffix": t("Id written as a decimal number (421.0 read as 421)"),
        "amount_formatted": t(
            "Amount written with a currency sign, thousands separator or accounting brackets"
        ),
        "amount_other_mark": t(
            "Amount written with the other decimal mark than most of its column (12,50 among 12.50), read by its own mark"
        ),
        "amount_mark_ambiguous": t(
            "Amount that reads two ways (1,250 is 1.25 or 1250) in a column that writes decimals with both marks: read as most of the column is written; check it"
        ),
        "time_zone_converted": t(
            "Time stamp with a time zone, converted to the shop's local time"
        ),
        "excel_serial_date": t("Date stored as an Excel day number, converted"),
        "date_other_order": t(
            "Date that can be read only with the day and the month the other way round than the rest of its file (02/13/2024 among 14/01/2024): read the only way it can be; check it"
        ),
        "date_order_unsure": t(
            "Date that reads two ways (02/11/2024 is 11 February or 2 November) in a file that mixes day-first and month-first dates: read the way that puts it nearest the dates above and below it; check it"
        ),
        "duplicate": t("Exact duplicate of an earlier row"),
        "duplicate_other_file": t(
            "The same sale as a row of another file or sheet uploaded with it (overlapping exports, or the same sales as .xlsx and .csv): counted once, from the first file"
        ),
        "total_row": t("Total or subtotal row"),
        "header_repeated": t("The column headers, repeated inside the file"),
        "no_date": t("Date missing or unreadable"),
        "no_amount": t("Amount missing or not a number"),
        "stock_adjustment": t("No sale: zero amount stock adjustment"),
        "cell_too_long": t(
            "Cell too long: a customer id, date, order number or amount of over 1,000 characters, no value a till writes (perhaps text pasted into the wrong column)"
        ),
        "zero_order": t(
            "No sale: an order worth nothing (every line priced 0, such as a free sample or a replacement)"
        ),
        "future_date": t(
            "Date after today (the day the file was read): a typing mistake?"
        ),
        "far_date": t(
            "Date over a year after every other date in the file: a typing mistake (2025 for 2015)?"
        ),
        "other_delimiter_comma": t(
            "Uses ; or a tab (or |) between values, not the file's comma: its values cannot be told apart"
        ),
        "other_delimiter_semicolon": t(
            "Uses commas or a tab (or |) between values, not the file's ;: its values cannot be told apart"
        ),
        "other_delimiter_tab": t(
            "Uses commas or ; (or |) between values, not the file's tab: its values cannot be told apart"
        ),
        "other_delimiter_pipe": t(
            "Uses commas, ; or a tab between values, not the file's |: its values cannot be told apart"
        ),
    }
    return labels.get(reason, reason)


def outcome_label(outcome: str) -> str:
    """The translated name of an outcome, as the Data page and the downloads
    write it: kept, kept after a repair, left out."""
    labels = {
        "kept": t("kept"),
        "repaired": t("kept after a repair"),
        "excluded": t("left out"),
    }
    return labels.get(outcome, outcome)


def counted_label(reason: str, repair: str = "") -> str:
    """The wording of a group of :meth:`QualityReport.counts`: the reason's,
    or for a row kept for another reason after a repair, the repair's first
    and then the reason's."""
    if not repair:
        return reason_label(reason)
    return t(
        "{repair}. The row itself: {reason}",
        repair=reason_label(repair),
        reason=reason_label(reason),
    )


def with_repaired_outcomes(rows: pl.DataFrame) -> pl.DataFrame:
    """A row table with every row kept after a repair marked ``repaired``, also
    when its reason is a kept one (a guest purchase, a refund): only a row with
    no repair is plain ``kept``."""
    repaired = (pl.col("outcome") == "kept") & (pl.col("repairs").fill_null("") != "")
    return rows.with_columns(
        outcome=pl.when(repaired).then(pl.lit("repaired")).otherwise(pl.col("outcome"))
    )


def _counted_repair() -> pl.Expr:
    """The repair a row is counted under: for a row kept after a repair whose
    reason is not itself a repair (a guest purchase, a refund), its first (most
    telling) repair; empty for every other row, counted by its reason."""
    own = pl.col("reason").replace_strict(REASONS, default="kept")
    first = pl.col("repairs").fill_null("").str.split(",").list.first()
    return (
        pl.when((pl.col("outcome") == "repaired") & (own == "kept"))
        .then(first)
        .otherwise(pl.lit(""))
        .alias("repair")
    )


def _where_text(where: list[dict], several: bool) -> str:
    """``rows 3 and 5``, or ``jan.csv row 3; feb.csv rows 2, 4 and 9`` with
    several files; past ``ROWS_LISTED`` row numbers, ``rows 3, 5, 8 and 40
    more``. Row numbers are written without separators, as a spreadsheet
    numbers its rows."""
    total = sum(len(place["row_numbers"]) for place in where)
    parts, left = [], ROWS_LISTED
    for place in where:
        if left <= 0:
            break
        numbers = [str(number) for number in place["row_numbers"][:left]]
        left -= len(numbers)
        if len(numbers) == 1:
            listed = numbers[0]
        elif total > ROWS_LISTED:
            listed = ", ".join(numbers)
        else:
            listed = t(
                "{some} and {last}", some=", ".join(numbers[:-1]), last=numbers[-1]
            )
        text = t_count(
            len(place["row_numbers"]), "row {rows}", "rows {rows}", rows=listed
        )
        if several:
            name = place["file"] or t("the file")
            if place["sheet"]:
                name = t("{file}, sheet “{sheet}”", file=name, sheet=place["sheet"])
            text = f"{name} {text}"
        parts.append(text)
    text = "; ".join(parts)
    if total > ROWS_LISTED:
        text = t("{rows} and {count} more", rows=text, count=f"{total - ROWS_LISTED:,}")
    return text


def outcome_of(reason: pl.Expr) -> pl.Expr:
    """The outcome (kept, repaired, excluded) of each reason code."""
    return reason.replace_strict(REASONS, return_dtype=pl.String)


@dataclass(frozen=True)
class Notice:
    """A note on how the file was read; ``code`` is stable, ``message`` translated."""

    code: str
    message: str


@dataclass
class QualityReport:
    """What reading and cleaning did to each row, and what was found.

    Attributes
    ----------
    row_table : polars.DataFrame
        One row per input row: ``source``, ``sheet``, ``row_number`` (as the
        user sees it), ``outcome`` (kept, repaired, excluded), ``reason`` (a
        code, see :data:`REASONS`), ``repairs`` (all repair codes, comma
        separated). ``rows`` is the same as pandas.
    raw_table : polars.DataFrame
        The input rows as read (text), aligned with ``row_table``, for
        download. ``raw`` is the same as pandas.
    notices : list of Notice
        Encoding, delimiter, header row, date order, currency, time zone.
    orders_found, customers_found, guest_orders : int
        Purchases (orders), distinct customers with a purchase, and purchases
        without a customer id.
    revenue : float
        Net revenue of the orders table.
    currency : str or None
        ISO code of the currency written with the amounts, when one was seen;
        None when none was, or several were (their sum is in none of them).
    currencies : tuple of str
        Every currency written with the amounts, the most rows first; two or
        more mean the sums add them as they are, without conversion.
    date_order : str or None
        ``"day_first"`` or ``"month_first"`` when dates like 03/04/2024 were
        read, ``None`` when every date was unambiguous (ISO, Excel dates).
    date_order_ambiguous : bool
        True when no date told day and month apart, so the order was assumed
        and the user should confirm it.
    timezone : str or None
        The shop's time zone that time stamps written with an offset (or in a
        column headed UTC) were converted to; None when none was converted.
    """

    row_table: pl.DataFrame
    raw_table: pl.DataFrame
    notices: list[Notice] = field(default_factory=list)
    orders_found: int = 0
    customers_found: int = 0
    guest_orders: int = 0
    revenue: float = 0.0
    currency: str | None = None
    currencies: tuple[str, ...] = ()
    date_order: str | None = None
    date_order_ambiguous: bool = False
    timezone: str | None = None

    @cached_property
    def rows(self) -> pd.DataFrame:
        """One row per input row (see the class notes), as pandas."""
        return self.row_table.to_pandas()

    @cached_property
    def raw(self) -> pd.DataFrame:
        """The input rows as read (text), aligned with ``rows``, as pandas."""
        cells = text_cells(self.raw_table)
        return pd.DataFrame(
            {name: cells[name].to_pandas().astype("str") for name in cells.columns}
        )

    @property
    def rows_read(self) -> int:
        return self.row_table.height

    @property
    def rows_left_out(self) -> int:
        """Rows excluded from every figure (``excluded``, for any reason)."""
        return int((self.row_table["outcome"] == "excluded").sum())

    @property
    def mixed_currencies(self) -> bool:
        """Whether the amounts are written in several currencies, so a sum
        of them is in none."""
        return len(self.currencies) > 1

    @property
    def guest_share(self) -> float | None:
        """Share of orders (0-1) without a customer id; ``None`` without orders."""
        return self.guest_orders / self.orders_found if self.orders_found else None

    def count(self, reason: str, *, exact: bool = False) -> int:
        """How many rows ended with ``reason`` or, unless ``exact``, a narrower
        kind of it (:data:`REASON_KINDS`)."""
        return int(self._with_reason(reason, exact).sum())

    def _with_reason(self, reason: str, exact: bool) -> pl.Series:
        kinds = [reason]
        if not exact:
            kinds += [kind for kind, of in REASON_KINDS.items() if of == reason]
        return self.row_table["reason"].is_in(kinds)

    def counts(self) -> pd.DataFrame:
        """Rows per reason: columns ``reason``, ``repair``, ``outcome``,
        ``label``, ``rows``, ``example`` (the row number of the first such
        row).

        Each row is counted once. A row kept after a repair for a reason of
        its own (a guest purchase whose amount was repaired) is a group of
        its reason and its ``repair``, with both in its label; for every
        other row ``repair`` is empty. Sorted kept, repaired, excluded, then
        by the number of rows.
        """
        # by the few distinct lists of repairs first: the repair counted is
        # then found once per list, not once per row
        counts = (
            self.row_table.group_by("reason", "outcome", "repairs", maintain_order=True)
            .agg(rows=pl.len(), example=pl.col("row_number").first())
            .with_columns(_counted_repair())
            .group_by("reason", "repair", "outcome", maintain_order=True)
            .agg(pl.col("rows").sum(), pl.col("example").first())
            .to_pandas()
        )
        counts["label"] = [
            counted_label(reason, repair)
            for reason, repair in zip(counts["reason"], counts["repair"], strict=True)
        ]
        counts["rank"] = counts["outcome"].map(
            {"kept": 0, "repaired": 1, "excluded": 2}
        )
        counts = counts.sort_values(["rank", "rows"], ascending=[True, False])
        columns = ["reason", "repair", "outcome", "label", "rows", "example"]
        return counts[columns].reset_index(drop=True)

    def reason_counts(self) -> pd.DataFrame:
        """:meth:`counts` for a spreadsheet, as the downloads write it:
        ``outcome`` in words (kept, kept after a repair, left out), ``label``,
        ``rows``, ``example_row``, then the codes ``reason`` and ``repair``."""
        counts = self.counts()
        return pd.DataFrame(
            {
                "outcome": counts["outcome"].map(outcome_label),
                "label": counts["label"],
                "rows": counts["rows"],
                "example_row": counts["example"],
                "reason": counts["reason"],
                "repair": counts["repair"],
            }
        )

    def rows_for(
        self, reason: str, *, exact: bool = False, repair: str | None = None
    ) -> pd.DataFrame:
        """The raw rows that ended with ``reason`` or, unless ``exact``, a
        narrower kind of it, with source and row number; with ``repair``,
        only those of that group of :meth:`counts` (``""`` for the rows
        counted by their reason alone)."""
        chosen = self._chosen(reason, exact, repair)
        origin = self.row_table.filter(chosen).select("source", "sheet", "row_number")
        cells = text_cells(self.raw_table.filter(chosen))
        return pl.concat([origin, cells], how="horizontal").to_pandas()

    def _chosen(self, reason: str, exact: bool, repair: str | None) -> pl.Series:
        chosen = self._with_reason(reason, exact)
        if repair is not None:
            counted = self.row_table.select(_counted_repair()).to_series()
            chosen = chosen & (counted == repair)
        return chosen

    def reason_rows(self) -> list[dict]:
        """Where the rows of each group of :meth:`counts` other than purchase
        lines used as they are are, in its order: per group its ``reason``,
        ``repair``, ``outcome``, ``label`` (as the Data page writes it),
        ``rows`` (how many) and ``where``, one ``{"file", "sheet",
        "row_numbers"}`` per file and sheet holding such rows, numbered as
        the user sees them."""
        found = []
        table = self.row_table.with_columns(_counted_repair())
        for reason, repair, outcome, label, rows in self.counts()[
            ["reason", "repair", "outcome", "label", "rows"]
        ].itertuples(index=False):
            if reason == "ok":
                continue
            places = (
                table.filter(
                    (pl.col("reason") == reason) & (pl.col("repair") == repair)
                )
                .group_by("source", "sheet", maintain_order=True)
                .agg(pl.col("row_number"))
            )
            where = [
                {"file": source, "sheet": sheet or None, "row_numbers": numbers}
                for source, sheet, numbers in places.iter_rows()
            ]
            found.append(
                {
                    "reason": reason,
                    "repair": repair,
                    "outcome": outcome,
                    "label": label,
                    "rows": int(rows),
                    "where": where,
                }
            )
        return found

    def reason_notes(self) -> list[str]:
        """One line per reason of :meth:`reason_rows`: "Date missing or
        unreadable (2 rows): rows 3 and 5." With several files (or sheets)
        each row number follows its file's name; past ``ROWS_LISTED`` numbers
        the rest are counted."""
        several = self.row_table.select("source", "sheet").unique().height > 1
        return [
            t_count(
                found["rows"],
                "{label} ({count} row): {where}.",
                "{label} ({count} rows): {where}.",
                label=found["label"],
                where=_where_text(found["where"], several),
            )
            for found in self.reason_rows()
        ]

    @property
    def has_zoned_stamps(self) -> bool:
        """Whether the file has time stamps whose time zone it says (an offset,
        ``Z``, or a column headed UTC): only those depend on the shop's zone."""
        zoned = {"time_zone_converted", "time_zone_not_converted"}
        return any(notice.code in zoned for notice in self.notices)

    def notice_texts(self) -> list[str]:
        return [notice.message for notice in self.notices]

    def notice_text(self, *codes: str) -> str | None:
        """The message of the first notice with one of ``codes``, if any."""
        found = (notice.message for notice in self.notices if notice.code in codes)
        return next(found, None)

    def summary(self) -> pd.DataFrame:
        """The headline figures as a two-column table: ``figure`` and
        ``value`` (a count, the guest share as a fraction 0-1 and ``None``
        without orders, the net revenue, or text)."""
        return self._summary_figures()[["figure", "value"]]

    def _summary_figures(self) -> pd.DataFrame:
        """:meth:`summary` with the ``number_format`` of each value in the
        workbook (``None`` for text)."""
        kept = self.rows["outcome"]
        counts = [
            (t("Rows read"), self.rows_read),
            (t("Rows kept"), int((kept == "kept").sum())),
            (t("Rows kept after a repair"), int((kept == "repaired").sum())),
            (t("Rows left out"), int((kept == "excluded").sum())),
            (t("Orders found"), self.orders_found),
            (t("Customers found"), self.customers_found),
        ]
        figures = [(name, value, COUNT) for name, value in counts]
        figures += [
            (t("Guest share of orders"), self.guest_share, SHARE),
            (t("Net revenue"), round(self.revenue, 2), MONEY),
            (t("Currency"), ", ".join(self.currencies) or self.currency or "", None),
        ]
        figures += [(t("Notice"), notice.message, None) for notice in self.notices]
        return pd.DataFrame(
            figures, columns=["figure", "value", "number_format"], dtype=object
        )

    def detail(self) -> pd.DataFrame:
        """Every row with its outcome, reason label and raw cells, for export."""
        rows = self.rows.copy()
        repair = self.row_table.select(_counted_repair()).to_series().to_list()
        labels = [
            counted_label(reason, counted)
            for reason, counted in zip(rows["reason"], repair, strict=True)
        ]
        rows.insert(5, "label", labels)
        return pd.concat([rows, self.raw], axis=1)

    def to_csv_bytes(self) -> bytes:
        """The per-row report as UTF-8 CSV with a byte-order mark (opens in Excel)."""
        return self.detail().to_csv(index=False).encode("utf-8-sig")

    def counts_csv_bytes(self) -> bytes:
        """The rows per reason (:meth:`reason_counts`, the workbook's Reasons
        sheet) as a CSV file of its own, UTF-8 with a byte-order mark: one
        table with one header row, so a spreadsheet sorts, filters and sums
        it as it is."""
        return self.reason_counts().to_csv(index=False).encode("utf-8-sig")

    def to_excel_bytes(self) -> bytes:
        """The report as an .xlsx workbook: Summary, Reasons and Rows sheets,
        counts, shares and amounts as number cells with their formats, and
        the cells of the file as the text that was read."""
        summary = self._summary_figures()
        names = {"summary": t("Summary"), "reasons": t("Reasons"), "rows": t("Rows")}
        return frames_as_xlsx(
            {
                names["summary"]: summary[["figure", "value"]],
                names["reasons"]: self.reason_counts(),
                names["rows"]: self.detail(),
            },
            formats={
                names["summary"]: {"value": list(summary["number_format"])},
                names["reasons"]: {"rows": COUNT, "example_row": ROW_NUMBER},
                names["rows"]: {"row_number": ROW_NUMBER},
            },
        )
