"""Where churn concentrates: the customers lost in each period and what they had
in common.

With the activity window of k periods (``retention.retention_rates``), a
customer is *at the start* of period P (in S) when they bought in one of the k
periods before P, and *lost* in P (in L) when they are in S but bought in none
of the last k periods up to P: their last purchase was in P - k and they did not
buy in P. Over several periods each (customer, period) counts once, so a
customer lost in March, won back in May and lost again in July is two losses.

Each loss is described by what was known about the customer at the start of P:

- ``cohort``: the period of their first purchase anywhere in the data;
- ``past_orders``: their purchases before P, grouped as in ``PAST_ORDER_GROUPS``;
- ``category``, ``store``, ``channel``: the product category, store and sales
  channel of their first purchase, when the data has that column.

Only purchases by identified customers count, as in every customer figure.

A customer is lost in P only once P has fully passed within the data: when the
data stops inside the last period (it is *partial*, as ``retention.periods``
flags it), a customer due back in it is not late yet, so that period is left
out of these counts altogether, its customers at the start as well as its
losses (``counted_selection``; ``uncounted_note`` says so in words). The
per-period retention table still shows the partial period, marked partial.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from retention.history import purchase_history
from retention.i18n import t
from retention.orders import OPTIONAL_COLUMNS, customer_codes
from retention.periods import Observation, coverage_notes, period_calendar, period_label
from retention.selection import Selection

__all__ = [
    "LEAK_DIMENSIONS",
    "PAST_ORDER_GROUPS",
    "churn_leaks",
    "counted_selection",
    "customers_at_start",
    "customers_in",
    "leak_dimensions",
    "lost_customers",
    "lost_in_groups",
    "uncounted_note",
]

# (lowest number of past orders, group name) from the smallest up
PAST_ORDER_GROUPS = [(1, "1"), (2, "2"), (3, "3"), (4, "4-5"), (6, "6-10"), (11, "11+")]
LEAK_DIMENSIONS = ["cohort", "past_orders", *OPTIONAL_COLUMNS]
AT_START_COLUMNS = [
    "customer_id",
    "period",
    "label",
    "lost",
    "last_purchase",
    "cohort",
    "past_orders",
    "past_orders_group",
    *OPTIONAL_COLUMNS,
]


def leak_dimensions(orders: pd.DataFrame) -> dict[str, str]:
    """The ways churn can be broken down for these orders, by translated name
    (store, channel and category only when the data has them)."""
    names = {
        "cohort": t("First purchase (cohort)"),
        "past_orders": t("Orders before they left"),
        "category": t("First product category"),
        "store": t("First store"),
        "channel": t("First sales channel"),
    }
    return {
        name: names[name]
        for name in LEAK_DIMENSIONS
        if name not in OPTIONAL_COLUMNS or name in orders.columns
    }


def _calendar(orders: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """``period_calendar`` of the selection's periods for these orders (every
    order counts for the days the data covers, guest orders too, as in
    ``retention_by_period``)."""
    seen = Observation.of(orders["timestamp"])
    return period_calendar(selection.first, selection.last, selection.period, seen)


def counted_selection(orders: pd.DataFrame, selection: Selection) -> Selection | None:
    """The part of ``selection`` whose losses can be counted: its periods up to
    the last one the data covers to its end (a partial last period, and any
    period after the data, are left out). None when no period of the selection
    has fully passed within the data."""
    if orders.empty:
        return None
    calendar = _calendar(orders, selection)
    partial = calendar["partial"].to_numpy()
    if not partial.any():
        return selection
    last = selection.first + int(np.argmax(partial)) - 1
    return replace(selection, last=last) if last >= selection.first else None


def uncounted_note(orders: pd.DataFrame, selection: Selection) -> str | None:
    """A sentence naming the periods of ``selection`` left out of the losses
    because the data stops inside them (see ``counted_selection``); None when
    every period is counted."""
    if orders.empty:
        return None
    calendar = _calendar(orders, selection)
    partial = calendar[calendar["partial"]]
    if partial.empty:
        return None
    row = partial.iloc[0]
    covered = " ".join(coverage_notes(row)) if row["covered_days"] > 0 else ""
    return t(
        "{label} is not counted here: a customer is lost only once the period "
        "they were due back in has ended within the data, and the data stops "
        "before the end of {label}, so nobody is late in it yet. {covered}",
        label=row["label"],
        covered=covered,
    ).strip()


def customers_at_start(orders: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """Every customer in S for each period of ``selection`` that has fully
    passed within the data, and whether they were lost in it.

    A partial last period (the data stops inside it) is left out, customers at
    its start and losses alike: nobody is late in it yet (``counted_selection``).

    One row per (customer, period), sorted by customer and period, columns
    ``AT_START_COLUMNS``: ``customer_id`` (as in the file; a categorical of the
    ids), ``period`` (ordinal), ``label``, ``lost``, ``last_purchase`` (ordinal
    of their last purchase period before P), ``cohort`` (label),
    ``past_orders`` (count) and ``past_orders_group``, and the optional columns
    the data has (of the customer's first purchase). Labels, cohorts, groups
    and the optional columns are categoricals.
    """
    history = purchase_history(orders)
    optional = [name for name in OPTIONAL_COLUMNS if name in orders.columns]
    counted = counted_selection(orders, selection)
    if not history.customers or counted is None:
        return _no_members(optional)
    selection = counted
    members = _members(history, selection)
    customer, period = members["customer"], members["period"]

    # what was known about each customer, labels made once per period
    cohort = history.ordinals(selection.period)[history.starts[:-1]]
    low = int(min(cohort.min(), selection.first))
    high = int(max(cohort.max(), selection.last))
    labels = [period_label(p, selection.period) for p in range(low, high + 1)]
    cohorts = np.unique(cohort)
    cohort_number = np.searchsorted(cohorts, cohort)
    past = members["past_orders"]
    group_edges = [lowest for lowest, _ in PAST_ORDER_GROUPS]
    table = pd.DataFrame(
        {
            "customer_id": pd.Categorical.from_codes(
                customer, categories=customer_codes(orders).ids
            ),
            "period": period,
            "label": pd.Categorical.from_codes(
                period - selection.first,
                categories=labels[selection.first - low : selection.last - low + 1],
            ),
            "lost": members["lost"],
            "last_purchase": members["last_purchase"],
            "cohort": pd.Categorical.from_codes(
                cohort_number[customer],
                categories=[labels[c - low] for c in cohorts],
            ),
            "past_orders": past,
            "past_orders_group": pd.Categorical.from_codes(
                np.searchsorted(group_edges, past, side="right") - 1,
                categories=[name for _, name in PAST_ORDER_GROUPS],
            ),
        }
    )
    for name in optional:
        table[name] = _first_purchase_values(orders, history, name)[customer]
    return table


def _no_members(optional: list[str]) -> pd.DataFrame:
    """``customers_at_start`` with no row, its columns typed as with rows."""
    kinds = {"period": "int64", "lost": "bool", "last_purchase": "int64"}
    kinds["past_orders"] = "int64"
    names = [*AT_START_COLUMNS[:8], *optional]
    types = {name: kinds.get(name, "category") for name in names}
    return pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in types.items()})


def _members(history, selection: Selection) -> dict[str, np.ndarray]:
    """The (customer, period) pairs of S over ``selection``: ``customer``
    (code), ``period``, ``last_purchase`` (the latest purchase period before
    it), ``past_orders`` (purchases before it) and ``lost``."""
    window = selection.window
    ordinals = history.ordinals(selection.period)
    codes = history.codes

    # the last purchase of each (customer, period) that puts the customer in S
    # of a period of the selection: periods first - window .. last - 1
    pair = np.flatnonzero(
        history.period_pairs(selection.period)
        & (ordinals >= selection.first - window)
        & (ordinals < selection.last)
    )
    customer, bought = codes[pair], ordinals[pair]
    past_orders = pair + 1 - history.starts[customer]
    following = np.minimum(pair + 1, len(codes) - 1)
    has_next = (pair + 1 < len(codes)) & (codes[following] == customer)
    next_bought = np.where(has_next, ordinals[following], np.iinfo(np.int64).max)

    # a purchase in q puts the customer in S of q + 1 .. q + window, up to their
    # next purchase period: of several, the latest before P is the one counted
    reach = np.minimum(window, next_bought - bought)
    step = np.arange(reach.sum()) - np.repeat(np.cumsum(reach) - reach, reach) + 1
    member = np.repeat(np.arange(len(pair)), reach)
    period = bought[member] + step
    inside = (period >= selection.first) & (period <= selection.last)
    member, period = member[inside], period[inside]
    return {
        "customer": customer[member],
        "period": period,
        "last_purchase": bought[member],
        "past_orders": past_orders[member],
        # lost: the last purchase was k periods back and none in P itself
        "lost": (period - bought[member] == window) & (next_bought[member] != period),
    }


def _first_purchase_values(orders: pd.DataFrame, history, name: str) -> pd.Categorical:
    """Each customer's value of the column ``name`` on their first purchase, as
    a categorical of the values in sorted order."""
    first_rows = history.rows[history.starts[:-1]]
    numbers, values = pd.factorize(orders[name].to_numpy()[first_rows], sort=True)
    return pd.Categorical.from_codes(numbers, categories=values)


def lost_customers(orders: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """The customers lost in each period of ``selection`` that has fully passed
    within the data: the rows of ``customers_at_start`` with ``lost`` set (same
    columns, without ``lost``)."""
    members = customers_at_start(orders, selection)
    return members[members["lost"]].drop(columns="lost").reset_index(drop=True)


def _percent(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """part / whole x 100, NaN where whole is 0."""
    whole = np.asarray(whole, dtype="float64")
    safe = np.where(whole > 0, whole, np.nan)
    return np.asarray(part, dtype="float64") * 100.0 / safe


def _groups(members: pd.DataFrame, dimension: str) -> pd.Series:
    """The group of each row of ``customers_at_start`` as a categorical; a
    missing store, channel or category is the group "unknown"."""
    column = "past_orders_group" if dimension == "past_orders" else dimension
    if column not in members.columns:
        raise ValueError(f"the orders have no {dimension} column")
    groups = members[column]
    if not isinstance(groups.dtype, pd.CategoricalDtype):
        return groups.astype("string").fillna(t("unknown")).astype("category")
    if groups.isna().any():
        unknown = t("unknown")
        if unknown not in groups.cat.categories:
            groups = groups.cat.add_categories(unknown)
        groups = groups.fillna(unknown)
        if dimension in OPTIONAL_COLUMNS:
            # the groups in the order of their names, "unknown" among them
            groups = groups.cat.reorder_categories(
                sorted(groups.cat.categories, key=str)
            )
    return groups


def lost_in_groups(
    members: pd.DataFrame, dimension: str, groups: list[str] | None = None
) -> pd.DataFrame:
    """The lost customers of ``customers_at_start`` whose ``dimension`` is one
    of ``groups`` (all of them when ``groups`` is empty), without the columns
    ``lost``, ``period`` and ``last_purchase``; ids as in the file."""
    lost = members["lost"].to_numpy()
    if groups:
        found = _groups(members, dimension)
        chosen = np.isin(found.cat.categories.astype(str), list(groups))
        lost = lost & chosen[found.cat.codes.to_numpy()]
    table = members[lost].drop(columns=["lost", "period", "last_purchase"])
    ids = table["customer_id"]
    if isinstance(ids.dtype, pd.CategoricalDtype):
        table["customer_id"] = ids.cat.categories.take(ids.cat.codes.to_numpy()).array
    return table.reset_index(drop=True)


def churn_leaks(members: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Losses and churn by group, from ``customers_at_start``.

    Each period of the selection counts on its own, as in the per-period
    churn: ``customers_at_start`` and ``lost`` count (customer, period) pairs,
    so a customer lost in March, won back and lost again in July counts twice,
    and the counts can add up to more than there are customers.

    ``dimension`` is one of ``LEAK_DIMENSIONS``. Columns: ``group``,
    ``customers_at_start`` (S summed over the periods), ``lost`` (L summed),
    ``customers_lost`` (different customers lost at least once),
    ``churn_rate`` = lost / customers_at_start x 100 and ``share_of_lost`` =
    lost / all lost x 100 (NaN when nobody was lost). Cohorts are in date
    order and groups of past orders from the fewest up; stores, channels and
    categories by ``lost``, largest first (ties in the order of their names).
    A missing store, channel or category is its own group, "unknown".
    """
    groups = _groups(members, dimension)
    number = groups.cat.codes.to_numpy()
    size = len(groups.cat.categories)
    lost_rows = members["lost"].to_numpy()
    at_start = np.bincount(number, minlength=size)
    lost = np.bincount(number[lost_rows], minlength=size)
    seen = at_start > 0
    table = pd.DataFrame(
        {
            "group": np.asarray(groups.cat.categories.astype(str))[seen],
            "customers_at_start": at_start[seen],
            "lost": lost[seen],
            "customers_lost": _customers_per_group(members, number, size)[seen],
        }
    )
    table["churn_rate"] = _percent(table["lost"], table["customers_at_start"])
    total_lost = np.full(len(table), table["lost"].sum())
    table["share_of_lost"] = _percent(table["lost"], total_lost)
    if dimension in OPTIONAL_COLUMNS:
        table = table.sort_values("lost", ascending=False, kind="stable")
    return table.reset_index(drop=True)


def _customers_per_group(
    members: pd.DataFrame, number: np.ndarray, size: int
) -> np.ndarray:
    """How many different customers were lost in each group (by group number)."""
    lost = members["lost"].to_numpy()
    customer = _customer_numbers(members["customer_id"])[lost]
    span = int(customer.max(initial=0)) + 1
    pairs = np.unique(number[lost].astype(np.int64) * span + customer)
    return np.bincount(pairs // span, minlength=size)


def _customer_numbers(ids: pd.Series) -> np.ndarray:
    if isinstance(ids.dtype, pd.CategoricalDtype):
        return ids.cat.codes.to_numpy().astype(np.int64)
    return pd.factorize(ids)[0].astype(np.int64)


def customers_in(lost: pd.DataFrame) -> int:
    """How many different customers the rows of ``lost_in_groups`` (one per
    loss) are about."""
    return int(lost["customer_id"].nunique())
