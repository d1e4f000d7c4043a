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
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retention.i18n import t
from retention.orders import OPTIONAL_COLUMNS, customer_codes
from retention.periods import period_label, period_ordinals
from retention.selection import Selection

__all__ = [
    "LEAK_DIMENSIONS",
    "PAST_ORDER_GROUPS",
    "churn_leaks",
    "customers_at_start",
    "leak_dimensions",
    "lost_customers",
    "lost_in_groups",
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


def _past_orders_group(counts: np.ndarray) -> np.ndarray:
    edges = [low for low, _ in PAST_ORDER_GROUPS]
    names = np.array([name for _, name in PAST_ORDER_GROUPS], dtype=object)
    return names[np.searchsorted(edges, counts, side="right") - 1]


def customers_at_start(orders: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """Every customer in S for each period of ``selection``, and whether they
    were lost in it.

    One row per (customer, period), columns ``AT_START_COLUMNS``:
    ``customer_id`` (as in the file), ``period`` (ordinal), ``label``, ``lost``,
    ``last_purchase`` (ordinal of their last purchase period before P),
    ``cohort`` (label), ``past_orders`` (count) and ``past_orders_group``, and
    the optional columns the data has (of the customer's first purchase).
    """
    found = customer_codes(orders)
    optional = [name for name in OPTIONAL_COLUMNS if name in orders.columns]
    if not found.bought.any():
        return pd.DataFrame(columns=[*AT_START_COLUMNS[:8], *optional])
    codes = found.codes[found.bought]
    stamps = orders["timestamp"].to_numpy()[found.bought]
    ordinals = period_ordinals(stamps, selection.period)
    window = selection.window

    # orders per (customer, period), and the running count up to that period,
    # from one sort of integer keys (customer major, period minor)
    base = int(min(ordinals.min(), selection.first - window))
    span = int(max(ordinals.max(), selection.last)) - base + 2
    keys = np.sort(codes * span + (ordinals - base))
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    bought_keys = keys[starts]
    per_pair = np.diff(np.r_[starts, len(keys)])
    pair_customer, pair_q = np.divmod(bought_keys, span)
    pair_q = pair_q + base
    running = np.cumsum(per_pair)
    new_customer = np.r_[True, pair_customer[1:] != pair_customer[:-1]]
    before_customer = np.r_[0, running[:-1]][new_customer]
    running = running - np.repeat(
        before_customer, np.diff(np.r_[np.flatnonzero(new_customer), len(running)])
    )

    # a purchase in q puts the customer in S of periods q + 1 .. q + window;
    # of several, the latest purchase before P is the one that counts
    near = (pair_q >= selection.first - window) & (pair_q < selection.last)
    step = np.repeat(np.arange(1, window + 1), near.sum())
    member_customer = np.tile(pair_customer[near], window)
    member_q = np.tile(pair_q[near], window)
    member_orders = np.tile(running[near], window)
    member_p = member_q + step
    inside = (member_p >= selection.first) & (member_p <= selection.last)
    member_key = (member_customer[inside] * span + (member_p[inside] - base)) * span + (
        member_q[inside] - base
    )
    order = np.argsort(member_key, kind="stable")
    member_key = member_key[order]
    pair_of = member_key // span
    last_of_pair = np.r_[pair_of[1:] != pair_of[:-1], True][: len(pair_of)]
    keep = order[last_of_pair]
    members = pd.DataFrame(
        {
            "customer": member_customer[inside][keep],
            "period": member_p[inside][keep],
            "last_purchase": member_q[inside][keep],
            "past_orders": member_orders[inside][keep],
        }
    )

    # lost: the last purchase was k periods back and none in P itself
    member_keys = members["customer"].to_numpy() * span + (
        members["period"].to_numpy() - base
    )
    # the pairs come sorted by customer, then period, so their keys are sorted
    spot = np.minimum(np.searchsorted(bought_keys, member_keys), len(bought_keys) - 1)
    bought_in_p = bought_keys[spot] == member_keys
    members["lost"] = (
        members["last_purchase"].to_numpy() == members["period"].to_numpy() - window
    ) & ~bought_in_p

    # what was known about each customer, labels looked up once per period
    cohort = pd.Series(ordinals).groupby(codes).min().to_numpy()
    customer = members["customer"].to_numpy()
    period = members["period"].to_numpy()
    low = int(min(cohort.min(), selection.first))
    high = int(max(cohort.max(), selection.last))
    labels = np.array(
        [period_label(p, selection.period) for p in range(low, high + 1)], dtype=object
    )
    cohort_names = [labels[c - low] for c in np.unique(cohort)]
    past = members["past_orders"].to_numpy()
    table = pd.DataFrame(
        {
            "customer_id": found.ids.take(customer).array,
            "period": period,
            "label": labels[period - low],
            "lost": members["lost"].to_numpy(),
            "last_purchase": members["last_purchase"].to_numpy(),
            "cohort": pd.Categorical(
                labels[cohort[customer] - low], categories=cohort_names
            ),
            "past_orders": past,
            "past_orders_group": pd.Categorical(
                _past_orders_group(past),
                categories=[name for _, name in PAST_ORDER_GROUPS],
            ),
        }
    )
    if optional:
        # the customer's first purchase: the earliest row, ties by row order
        rows = np.flatnonzero(found.bought)
        order = np.lexsort((rows, stamps))
        first_of = np.full(len(found.ids), -1)
        first_of[codes[order][::-1]] = rows[order][::-1]
        for name in optional:
            table[name] = orders[name].to_numpy()[first_of[customer]]
    return table.reset_index(drop=True)


def lost_customers(orders: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """The customers lost in each period of ``selection``: the rows of
    ``customers_at_start`` with ``lost`` set (same columns, without ``lost``)."""
    members = customers_at_start(orders, selection)
    return members[members["lost"]].drop(columns="lost").reset_index(drop=True)


def _percent(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """part / whole x 100, NaN where whole is 0."""
    whole = np.asarray(whole, dtype="float64")
    safe = np.where(whole > 0, whole, np.nan)
    return np.asarray(part, dtype="float64") * 100.0 / safe


def _groups(members: pd.DataFrame, dimension: str) -> pd.Series:
    column = "past_orders_group" if dimension == "past_orders" else dimension
    if column not in members.columns:
        raise ValueError(f"the orders have no {dimension} column")
    groups = members[column]
    if not isinstance(groups.dtype, pd.CategoricalDtype):
        groups = groups.astype("string").fillna(t("unknown"))
    return groups


def lost_in_groups(
    members: pd.DataFrame, dimension: str, groups: list[str] | None = None
) -> pd.DataFrame:
    """The lost customers of ``customers_at_start`` whose ``dimension`` is one
    of ``groups`` (all of them when ``groups`` is empty), without the columns
    ``lost``, ``period`` and ``last_purchase``."""
    lost = members["lost"].to_numpy()
    if groups:
        lost = lost & _groups(members, dimension).astype(str).isin(groups).to_numpy()
    return (
        members[lost]
        .drop(columns=["lost", "period", "last_purchase"])
        .reset_index(drop=True)
    )


def churn_leaks(members: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Lost customers and churn by group, from ``customers_at_start``.

    ``dimension`` is one of ``LEAK_DIMENSIONS``. Columns: ``group``,
    ``customers_at_start`` (S summed over the periods), ``lost`` (L summed),
    ``churn_rate`` = lost / customers_at_start x 100 and ``share_of_lost`` =
    lost / all lost x 100 (NaN when nobody was lost). Sorted by ``lost``,
    largest first (ties in the group's own order). A missing store, channel or
    category is its own group, "unknown".
    """
    groups = _groups(members, dimension)
    table = (
        members.assign(group=groups)
        .groupby("group", observed=True, sort=True)
        .agg(customers_at_start=("lost", "size"), lost=("lost", "sum"))
        .reset_index()
    )
    table["group"] = table["group"].astype(str)
    table["lost"] = table["lost"].astype("int64")
    table["churn_rate"] = _percent(table["lost"], table["customers_at_start"])
    total_lost = np.full(len(table), table["lost"].sum())
    table["share_of_lost"] = _percent(table["lost"], total_lost)
    return table.sort_values("lost", ascending=False, kind="stable").reset_index(
        drop=True
    )
