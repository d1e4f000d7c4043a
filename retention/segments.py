"""Customer segments: RFM scores and named segments, VIPs, and customers at risk.

Everything is measured **as of a day** (``as_of``, by default the day of the last
order): purchases after it are ignored. Only purchases by identified customers
count.

Per customer (``customer_summary``): ``code`` (the customer's number in this
orders table, from ``retention.orders.customer_codes``), ``first_purchase`` and ``last_purchase``
(days), ``orders``, ``revenue`` (net, all time up to ``as_of``),
``recency_days`` = as_of - last purchase, ``age_days`` = as_of - first
purchase, ``purchase_days`` (distinct days with a purchase) and
``usual_gap_days``: the median number of days between consecutive purchase
days (NaN with fewer than two purchase days).

**RFM scores** (1 to 5, 5 best) rank each customer among all customers: score =
1 + floor(5 x the share of customers strictly worse), where worse means more
days since the last purchase (R), fewer orders (F) or less revenue (M).
Customers with equal values always get equal scores, whatever the row order.

**Named segments** come from ``SEGMENT_RULES``, the first rule that matches
wins. A customer whose first purchase is at most ``new_days`` days old is
*New*, whatever their scores, so a brand-new customer is never called inactive.

**VIPs**: customers with M = 5 and F >= 4 (top fifth by value, and among the
most frequent), ranked by revenue.

**At risk**: customers with at least two purchase days whose time since their
last purchase exceeds ``overdue_factor`` times their own usual gap (and at
least ``MIN_OVERDUE_DAYS``), ranked by revenue; each with its reason in words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retention.history import purchase_history
from retention.i18n import t
from retention.orders import customer_codes
from retention.periods import ordinal_to_period

__all__ = [
    "SEGMENTS",
    "as_of_days",
    "SEGMENT_RULES",
    "SegmentRule",
    "customer_segments",
    "customer_summary",
    "customers_at_risk",
    "rfm_scores",
    "segment_moves",
    "segment_names",
    "segment_summary",
    "vip_customers",
]

NEW_DAYS = 30
OVERDUE_FACTOR = 2.0
MIN_OVERDUE_DAYS = 7
HISTORY_MONTHS = 12


@dataclass(frozen=True)
class SegmentRule:
    """A named segment: customers with R and F scores in the given ranges."""

    name: str
    recency: tuple[int, int]
    frequency: tuple[int, int]
    help: str


SEGMENT_RULES = [
    SegmentRule("champions", (4, 5), (4, 5), "Bought recently and often."),
    SegmentRule("loyal", (3, 5), (3, 5), "Buy regularly; not all very recently."),
    SegmentRule("promising", (4, 5), (1, 2), "Bought recently, only a few times."),
    SegmentRule("needs_attention", (3, 3), (1, 2), "Neither recent nor frequent."),
    SegmentRule("slipping", (1, 2), (3, 5), "Used to buy often; not lately."),
    SegmentRule("hibernating", (2, 2), (1, 2), "Few purchases, a while ago."),
    SegmentRule("lost", (1, 1), (1, 2), "Few purchases, long ago."),
]
SEGMENTS = ["new", *[rule.name for rule in SEGMENT_RULES]]


def segment_names() -> dict[str, str]:
    """The segments by translated name, in their order."""
    return {
        "new": t("New"),
        "champions": t("Champions"),
        "loyal": t("Loyal"),
        "promising": t("Promising"),
        "needs_attention": t("Needs attention"),
        "slipping": t("Slipping regulars"),
        "hibernating": t("Hibernating"),
        "lost": t("Lost"),
    }


def as_of_days(orders: pd.DataFrame, selection) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The days segments are measured on for a ``Selection``: the last day of
    its last period (or of the data, if earlier), and the last day of the
    period before, for the moves between segments."""
    last_day = orders["timestamp"].max().normalize()
    end = min(selection.end - pd.Timedelta(days=1), last_day).normalize()
    last_period = ordinal_to_period(selection.last, selection.period)
    before = (last_period.start_time - pd.Timedelta(days=1)).normalize()
    return end, min(before, end)


SUMMARY_COLUMNS = [
    "customer_id",
    "code",
    "first_purchase",
    "last_purchase",
    "orders",
    "revenue",
    "recency_days",
    "age_days",
    "purchase_days",
    "usual_gap_days",
]


def customer_summary(
    orders: pd.DataFrame, as_of: pd.Timestamp | None = None
) -> pd.DataFrame:
    """One row per customer who bought on or before ``as_of``, in the columns
    ``SUMMARY_COLUMNS`` (see the module docstring); ids exactly as read."""
    history = purchase_history(orders)
    if not history.customers:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    if as_of is None:
        as_of = pd.Timestamp(history.stamps.max())
    as_of = pd.Timestamp(as_of).normalize()
    counted = history.stamps < (as_of + pd.Timedelta(days=1)).to_datetime64()
    if not counted.any():
        return pd.DataFrame(columns=SUMMARY_COLUMNS)

    # the purchases up to then, still sorted by customer and day: each
    # customer's purchases are a block, and the last of each day is flagged
    codes, days = history.codes, history.days()
    last_of_day, revenue = history.period_pairs("day"), history.revenue
    if not counted.all():
        codes, days = codes[counted], days[counted]
        last_of_day, revenue = last_of_day[counted], revenue[counted]
    orders_of = np.bincount(codes, minlength=history.customers)
    present = np.flatnonzero(orders_of)
    block_end = np.cumsum(orders_of)[present]
    block = block_end - orders_of[present]
    first, last = days[block], days[block_end - 1]

    # distinct purchase days, and the gaps between consecutive ones
    number = np.cumsum(orders_of > 0) - 1
    day_customer = number[codes[last_of_day]]
    purchase_day = days[last_of_day]
    same = day_customer[1:] == day_customer[:-1]
    gaps = _median_by_group(
        day_customer[1:][same], np.diff(purchase_day)[same], len(present)
    )
    as_of_day = int(as_of.to_datetime64().astype("datetime64[D]").astype("int64"))
    summary = pd.DataFrame(
        {
            "customer_id": customer_codes(orders).ids[present],
            "code": present,
            "first_purchase": first.astype("datetime64[D]"),
            "last_purchase": last.astype("datetime64[D]"),
            "orders": orders_of[present],
            "revenue": _revenue_in_row_order(orders, history, codes, revenue, as_of)[
                present
            ],
            "recency_days": as_of_day - last,
            "age_days": as_of_day - first,
            "purchase_days": np.bincount(day_customer, minlength=len(present)),
            "usual_gap_days": gaps,
        }
    )
    return summary.astype(
        {"first_purchase": "datetime64[ns]", "last_purchase": "datetime64[ns]"}
    )


def _revenue_in_row_order(orders, history, codes, revenue, as_of) -> np.ndarray:
    """Each customer's revenue up to ``as_of``, summed in the order of the rows
    as the figures always were: the history's own order when the table was in
    time order already, else over the rows again."""
    if history.in_row_order:
        return np.bincount(codes, weights=revenue, minlength=history.customers)
    found = customer_codes(orders)
    in_rows = found.bought & (
        orders["timestamp"].to_numpy() < (as_of + pd.Timedelta(days=1)).to_datetime64()
    )
    return np.bincount(
        found.codes[in_rows],
        weights=orders["revenue"].to_numpy(dtype="float64")[in_rows],
        minlength=history.customers,
    )


def _median_by_group(group: np.ndarray, values: np.ndarray, groups: int):
    """The median of the non-negative integer ``values`` of each group 0 ..
    groups - 1 (``group`` sorted); NaN for a group without values. The median
    of an even count is the mean of the two middle values."""
    medians = np.full(groups, np.nan)
    if not len(values):
        return medians
    span = int(values.max()) + 1
    keys = group * span + values
    if groups * span < np.iinfo(np.int32).max:
        keys = keys.astype(np.int32)  # half the bytes to sort
    ordered = np.sort(keys) % span
    start = np.searchsorted(group, np.arange(groups))
    count = np.bincount(group, minlength=groups)
    has = count > 0
    low = ordered[start[has] + (count[has] - 1) // 2]
    high = ordered[start[has] + count[has] // 2]
    medians[has] = (low + high) / 2
    return medians


def _score(values: np.ndarray, higher_is_better: bool) -> np.ndarray:
    """1 + floor(5 x share of customers strictly worse); equal values score equal."""
    values = np.asarray(values)
    below, above = _strictly_below_and_above(values)
    worse = below if higher_is_better else above
    return 1 + (5 * worse) // max(len(values), 1)


def _strictly_below_and_above(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each value, how many values are strictly smaller and strictly larger."""
    if not len(values):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if values.dtype.kind in "iu":
        # days and order counts: counted by value, without a sort
        low = int(values.min())
        counts = np.bincount(values - low)
        below = (np.cumsum(counts) - counts)[values - low]
        return below, len(values) - below - counts[values - low]
    # sorted once; equal values are a run, scored by where their run starts
    # and ends
    order = np.argsort(values.astype("float64"), kind="stable")
    ordered = values[order]
    size = len(values)
    run_start = np.r_[True, ordered[1:] != ordered[:-1]]
    run_end = np.r_[run_start[1:], True]
    position = np.arange(size)
    first = np.maximum.accumulate(np.where(run_start, position, 0))
    last = np.minimum.accumulate(np.where(run_end, position, size)[::-1])[::-1]
    below, above = np.empty(size, dtype=np.int64), np.empty(size, dtype=np.int64)
    below[order], above[order] = first, size - 1 - last
    return below, above


# "111" to "555", looked up by (r - 1) x 25 + (f - 1) x 5 + (m - 1)
_RFM_TEXT = np.array(
    [f"{r}{f}{m}" for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)],
    dtype=object,
)


def rfm_scores(summary: pd.DataFrame) -> pd.DataFrame:
    """``customer_summary`` with ``r``, ``f`` and ``m`` scores (1-5) and
    ``rfm`` (the three digits as text, say ``"545"``)."""
    scored = summary.copy()
    r = _score(summary["recency_days"].to_numpy(), higher_is_better=False)
    f = _score(summary["orders"].to_numpy(), higher_is_better=True)
    m = _score(summary["revenue"].to_numpy(dtype="float64"), higher_is_better=True)
    scored["r"], scored["f"], scored["m"] = r, f, m
    scored["rfm"] = _RFM_TEXT[(r - 1) * 25 + (f - 1) * 5 + (m - 1)]
    return scored


def customer_segments(
    orders: pd.DataFrame, as_of: pd.Timestamp | None = None, new_days: int = NEW_DAYS
) -> pd.DataFrame:
    """Every customer with their RFM scores and ``segment`` (a name from
    ``SEGMENTS``), as of ``as_of``: the columns of ``rfm_scores`` plus
    ``segment``. Sorted by revenue, largest first, then by the customer's
    first appearance in the file (``code``)."""
    scored = rfm_scores(customer_summary(orders, as_of))
    # the position of each customer's segment in SEGMENTS; -1 for none yet
    segment = np.full(len(scored), -1)
    r, f = scored["r"].to_numpy(), scored["f"].to_numpy()
    segment[scored["age_days"].to_numpy() <= new_days] = 0
    for position, rule in enumerate(SEGMENT_RULES, start=1):
        match = (
            (segment < 0)
            & (r >= rule.recency[0])
            & (r <= rule.recency[1])
            & (f >= rule.frequency[0])
            & (f <= rule.frequency[1])
        )
        segment[match] = position
    scored["segment"] = pd.Categorical.from_codes(segment, categories=SEGMENTS)
    order = np.lexsort((scored["code"].to_numpy(), -scored["revenue"].to_numpy()))
    return scored.iloc[order].reset_index(drop=True)


def segment_summary(segments: pd.DataFrame) -> pd.DataFrame:
    """Size and revenue share of each segment, from ``customer_segments``.

    Columns: ``segment``, ``customers``, ``customer_share`` (% of customers),
    ``revenue`` and ``revenue_share`` (% of all customers' revenue), one row
    per segment in ``SEGMENTS`` order (empty segments included, with 0).
    """
    number = segments["segment"].cat.codes.to_numpy()
    known = number >= 0
    table = pd.DataFrame(
        {
            "segment": SEGMENTS,
            "customers": np.bincount(number[known], minlength=len(SEGMENTS)),
            # summed as pandas sums (compensated), as the figures always were
            "revenue": segments.groupby("segment", observed=False)["revenue"]
            .sum()
            .reindex(SEGMENTS)
            .fillna(0.0)
            .to_numpy(),
        }
    )
    total_customers = max(int(table["customers"].sum()), 1)
    total_revenue = table["revenue"].sum()
    table["customer_share"] = table["customers"] / total_customers * 100.0
    table["revenue_share"] = (
        table["revenue"] / total_revenue * 100.0 if total_revenue else np.nan
    )
    return table[["segment", "customers", "customer_share", "revenue", "revenue_share"]]


NOT_YET = "not_yet_a_customer"


def segment_moves(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """How customers moved between segments from one day to a later one, from
    two ``customer_segments`` tables.

    Columns: ``from_segment`` (``NOT_YET`` for customers who had not bought
    yet), ``to_segment`` and ``customers``; only moves with customers, largest
    first. Customers staying in their segment are rows too (from = to).
    """
    # customers are matched by their code in the same orders table
    names = np.array([*SEGMENTS, NOT_YET], dtype=object)
    # an empty table has no largest code (NaN), so only the filled ones count
    codes = [int(table["code"].max()) for table in (before, after) if len(table)]
    size = max(codes) + 1 if len(after) else 0
    earlier = np.full(size, len(SEGMENTS))
    earlier[before["code"].to_numpy(dtype=int)] = before["segment"].cat.codes.to_numpy()
    # each move as one number, counted without the names
    move = (
        earlier[after["code"].to_numpy()] * len(names)
        + after["segment"].cat.codes.to_numpy()
    )
    counts = np.bincount(move, minlength=len(names) ** 2)
    made = np.flatnonzero(counts)
    table = pd.DataFrame(
        {
            "from_segment": names[made // len(names)],
            "to_segment": names[made % len(names)],
            "customers": counts[made],
        }
    )
    return table.sort_values(
        ["customers", "from_segment", "to_segment"],
        ascending=[False, True, True],
        kind="stable",
    ).reset_index(drop=True)


def _monthly_orders(
    orders: pd.DataFrame, codes: np.ndarray, as_of: pd.Timestamp
) -> list[list[int]]:
    """Orders per calendar month over the ``HISTORY_MONTHS`` months up to
    ``as_of``, for each of the customers ``codes`` (from ``customer_codes``)."""
    history = purchase_history(orders)
    last_month = as_of.to_period("M")
    first_month = last_month - (HISTORY_MONTHS - 1)

    # each customer's purchases are one block of the history
    rows = _blocks(history.starts, codes)
    position = np.repeat(np.arange(len(codes)), np.diff(history.starts)[codes])
    month = history.ordinals("month")[rows] - first_month.ordinal
    stamps = history.stamps[rows]
    inside = (month >= 0) & (stamps < (as_of + pd.Timedelta(days=1)).to_datetime64())
    counts = np.bincount(
        position[inside] * HISTORY_MONTHS + month[inside],
        minlength=len(codes) * HISTORY_MONTHS,
    ).reshape(len(codes), HISTORY_MONTHS)
    return counts.tolist()


def _blocks(starts: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The positions of the purchases of customers ``codes`` in a history with
    block ``starts``, customer by customer."""
    lengths = np.diff(starts)[codes]
    first = np.repeat(starts[codes], lengths)
    within = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return first + within


def vip_customers(
    orders: pd.DataFrame, segments: pd.DataFrame, as_of: pd.Timestamp | None = None
) -> pd.DataFrame:
    """VIPs (M = 5 and F >= 4, from ``customer_segments``), ranked by revenue,
    with their history: the columns of ``customer_segments`` plus ``aov``
    (revenue / orders) and ``monthly_orders`` (a list of orders per month for
    the last ``HISTORY_MONTHS`` months up to ``as_of``, oldest first)."""
    vips = segments[(segments["m"] == 5) & (segments["f"] >= 4)].copy()
    if vips.empty:
        return vips.assign(aov=pd.Series(dtype="float64"), monthly_orders=None)
    if as_of is None:
        as_of = orders["timestamp"].max()
    as_of = pd.Timestamp(as_of).normalize()
    vips["aov"] = vips["revenue"] / vips["orders"]
    vips["monthly_orders"] = _monthly_orders(orders, vips["code"].to_numpy(), as_of)
    return vips.reset_index(drop=True)


def customers_at_risk(
    segments: pd.DataFrame, overdue_factor: float = OVERDUE_FACTOR
) -> pd.DataFrame:
    """Customers overdue against their own usual gap, from ``customer_segments``.

    A customer is at risk when they have at least two purchase days and
    recency_days > overdue_factor x usual_gap_days and recency_days >=
    ``MIN_OVERDUE_DAYS``. Columns: those of ``customer_segments`` plus
    ``overdue`` (recency / usual gap) and ``reason`` ("usually every 9 days,
    last seen 27 days ago"). Ranked by revenue, largest first, then by first
    appearance in the file.
    """
    gap = segments["usual_gap_days"]
    recency = segments["recency_days"]
    overdue = (
        gap.notna() & (recency > overdue_factor * gap) & (recency >= MIN_OVERDUE_DAYS)
    )
    risk = segments[overdue].copy()
    risk["overdue"] = risk["recency_days"] / risk["usual_gap_days"]
    risk["reason"] = _overdue_reasons(
        risk["usual_gap_days"].to_numpy(), risk["recency_days"].to_numpy()
    )
    return risk.reset_index(drop=True)


def _overdue_reasons(gaps: np.ndarray, days: np.ndarray) -> np.ndarray:
    """ "usually every 9 days, last seen 27 days ago" for each customer: each
    distinct gap's sentence is written once, and the days put into it."""
    daily = t("usually every day, last seen {days} days ago")
    every = t("usually every {gap} days, last seen {days} days ago")
    if not len(gaps):
        return np.array([], dtype=object)
    gap_values, gap_number = np.unique(gaps, return_inverse=True)
    day_values, day_number = np.unique(days, return_inverse=True)
    day_texts = np.array([f"{d:,}" for d in day_values], dtype=object)[day_number]
    marker = "\x00"
    halves = [
        (daily if round(g) <= 1 else every).format(gap=f"{g:,.0f}", days=marker)
        for g in gap_values
    ]
    if any(half.count(marker) != 1 for half in halves):
        # a translation that names the days other than once
        return np.array(
            [
                (daily if round(g) <= 1 else every).format(
                    gap=f"{g:,.0f}", days=f"{d:,}"
                )
                for g, d in zip(gaps, days, strict=True)
            ],
            dtype=object,
        )
    before, after = zip(*(half.split(marker) for half in halves), strict=True)
    before = np.array(before, dtype=object)[gap_number]
    after = np.array(after, dtype=object)[gap_number]
    return before + day_texts + after
