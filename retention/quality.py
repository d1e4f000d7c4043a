"""The quality report: what happened to every row of an uploaded sales log.

Every input row ends in exactly one bucket, with an outcome and a reason:

- ``kept``: used as it is; guest purchases and cancellations are kept with
  their own reason so they can be counted and downloaded;
- ``repaired``: used after a repair (the reason names it);
- ``excluded``: left out (the reason says why).

A row can carry several repairs; its ``reason`` is the most telling one (an
exclusion first, then a cancellation, a guest purchase, a repair) and the
``repairs`` column lists them all.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pandas as pd

from retention.i18n import t

__all__ = ["REASONS", "Notice", "QualityReport", "reason_label"]

# reason code -> outcome; the labels are in reason_label() so they are translated
# when shown, not when this module is imported.
REASONS: dict[str, str] = {
    "ok": "kept",
    "guest": "kept",
    "refund_netted": "kept",
    "refund_unmatched": "kept",
    "amount_on_other_line": "kept",
    "id_decimal_suffix": "repaired",
    "amount_formatted": "repaired",
    "time_zone_converted": "repaired",
    "excel_serial_date": "repaired",
    "duplicate": "excluded",
    "total_row": "excluded",
    "no_date": "excluded",
    "no_amount": "excluded",
    "stock_adjustment": "excluded",
}
ROW_COLUMNS = ["source", "sheet", "row_number", "outcome", "reason", "repairs"]


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
        "id_decimal_suffix": t("Id written as a decimal number (421.0 read as 421)"),
        "amount_formatted": t(
            "Amount written with a currency sign, thousands separator or accounting brackets"
        ),
        "time_zone_converted": t(
            "Time stamp with a time zone, converted to the shop's local time"
        ),
        "excel_serial_date": t("Date stored as an Excel day number, converted"),
        "duplicate": t("Exact duplicate of an earlier row"),
        "total_row": t("Total or subtotal row"),
        "no_date": t("Date missing or unreadable"),
        "no_amount": t("Amount missing or not a number"),
        "stock_adjustment": t("No sale: zero amount stock adjustment"),
    }
    return labels.get(reason, reason)


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
    rows : DataFrame
        One row per input row: ``source``, ``sheet``, ``row_number`` (as the
        user sees it), ``outcome`` (kept, repaired, excluded), ``reason`` (a
        code, see :data:`REASONS`), ``repairs`` (all repair codes, comma
        separated).
    raw : DataFrame
        The input rows as read (text), aligned with ``rows``, for download.
    notices : list of Notice
        Encoding, delimiter, header row, date order, currency, time zone.
    orders_found, customers_found, guest_orders : int
        Purchases (orders), distinct customers with a purchase, and purchases
        without a customer id.
    revenue : float
        Net revenue of the orders table.
    currency : str or None
        ISO code of the currency written with the amounts, when one was seen.
    date_order : str or None
        ``"day_first"`` or ``"month_first"`` when dates like 03/04/2024 were
        read, ``None`` when every date was unambiguous (ISO, Excel dates).
    date_order_ambiguous : bool
        True when no date told day and month apart, so the order was assumed
        and the user should confirm it.
    """

    rows: pd.DataFrame
    raw: pd.DataFrame
    notices: list[Notice] = field(default_factory=list)
    orders_found: int = 0
    customers_found: int = 0
    guest_orders: int = 0
    revenue: float = 0.0
    currency: str | None = None
    date_order: str | None = None
    date_order_ambiguous: bool = False

    @property
    def rows_read(self) -> int:
        return len(self.rows)

    @property
    def guest_share(self) -> float | None:
        """Share of orders (0-1) without a customer id; ``None`` without orders."""
        return self.guest_orders / self.orders_found if self.orders_found else None

    def count(self, reason: str) -> int:
        """How many rows ended with ``reason``."""
        return int((self.rows["reason"] == reason).sum())

    def counts(self) -> pd.DataFrame:
        """Rows per reason: columns ``reason``, ``outcome``, ``label``, ``rows``.

        Sorted kept, repaired, excluded, then by the number of rows.
        """
        counts = (
            self.rows.groupby(["reason", "outcome"], sort=False)
            .size()
            .rename("rows")
            .reset_index()
        )
        counts["label"] = counts["reason"].map(reason_label)
        counts["rank"] = counts["outcome"].map(
            {"kept": 0, "repaired": 1, "excluded": 2}
        )
        counts = counts.sort_values(["rank", "rows"], ascending=[True, False])
        return counts[["reason", "outcome", "label", "rows"]].reset_index(drop=True)

    def rows_for(self, reason: str) -> pd.DataFrame:
        """The raw rows that ended with ``reason``, with source and row number."""
        chosen = self.rows["reason"] == reason
        origin = self.rows.loc[chosen, ["source", "sheet", "row_number"]]
        return pd.concat([origin, self.raw.loc[chosen]], axis=1).reset_index(drop=True)

    def notice_texts(self) -> list[str]:
        return [notice.message for notice in self.notices]

    def summary(self) -> pd.DataFrame:
        """The headline figures as a two-column table (``figure``, ``value``)."""
        share = self.guest_share
        figures = [
            (t("Rows read"), self.rows_read),
            (t("Rows kept"), int((self.rows["outcome"] == "kept").sum())),
            (t("Rows repaired"), int((self.rows["outcome"] == "repaired").sum())),
            (t("Rows excluded"), int((self.rows["outcome"] == "excluded").sum())),
            (t("Orders found"), self.orders_found),
            (t("Customers found"), self.customers_found),
            (t("Guest share of orders"), "" if share is None else f"{share:.2%}"),
            (t("Net revenue"), round(self.revenue, 2)),
            (t("Currency"), self.currency or ""),
        ]
        figures += [(t("Notice"), notice.message) for notice in self.notices]
        return pd.DataFrame(figures, columns=["figure", "value"]).astype(
            {"value": "str"}
        )

    def detail(self) -> pd.DataFrame:
        """Every row with its outcome, reason label and raw cells, for export."""
        rows = self.rows.copy()
        rows.insert(5, "label", rows["reason"].map(reason_label))
        return pd.concat([rows, self.raw], axis=1)

    def to_csv_bytes(self) -> bytes:
        """The per-row report as UTF-8 CSV with a byte-order mark (opens in Excel)."""
        return self.detail().to_csv(index=False).encode("utf-8-sig")

    def to_excel_bytes(self) -> bytes:
        """The report as an .xlsx workbook: Summary, Reasons and Rows sheets."""
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            self.summary().to_excel(writer, sheet_name=t("Summary"), index=False)
            self.counts().to_excel(writer, sheet_name=t("Reasons"), index=False)
            self.detail().to_excel(writer, sheet_name=t("Rows"), index=False)
        return buffer.getvalue()
