"""What promoters, passives and detractors do: survey answers linked to purchases.

An answer **matches** when its customer id or email is a customer of the sales
log. Ids are compared after the sales log's own normalisation
(:func:`retention.cleaning.normalise_ids`): trimmed, ``421.0`` read as ``421``,
emails without case and spaces, phone numbers without the spaces and
dashes between their digits. A customer who answered more than once counts
once, with their latest answer (the last dated one, else the last row).

Per group, over the matched customers (definitions as in ``design.md``):

- ``customers``: matched customers in the group;
- ``orders`` and ``revenue``: all their purchases in the sales log;
- ``purchase_frequency`` = orders / customers (whole log);
- ``aov`` = revenue / orders;
- ``annual_frequency`` = orders in the 12 months up to the last order / customers
  (a customer who stopped buying counts as zero orders), carried to a year when
  the log covers less (:func:`retention.clv.per_year`);
- ``clv`` = aov x annual_frequency x lifespan, the lifespan (years) being the
  owner's or the one the whole log measures (1 / annual churn), the same for
  every group, so the groups differ by what they spend and how often they buy;
- ``still_buying``: customers whose last purchase falls in the last ``window``
  complete periods of the log or after them (the app's activity window; a period
  the data stops inside is not complete); ``retention`` = still_buying /
  customers x 100; ``stopped`` = customers - still_buying and ``stopped_share``
  = stopped / customers x 100.

Every ratio is NaN when its denominator is 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retention.clv import (
    customer_lifetime_value,
    days_covered,
    measured_lifespan,
    per_year,
)
from retention.nps import GROUPS, group_names
from retention.orders import customer_purchases
from retention.periods import Observation, period_calendar, period_ordinals
from retention.survey import Responses

__all__ = ["PurchaseLink", "link_purchases", "still_buying_since"]

GROUP_COLUMNS = (
    "group",
    "group_label",
    "customers",
    "orders",
    "revenue",
    "purchase_frequency",
    "aov",
    "annual_frequency",
    "clv",
    "still_buying",
    "retention",
    "stopped",
    "stopped_share",
)


@dataclass(frozen=True)
class PurchaseLink:
    """Survey answers linked to the sales log.

    Attributes
    ----------
    groups:
        One row per group (promoter, passive, detractor), columns
        ``GROUP_COLUMNS`` (definitions in the module docstring).
    with_id:
        Answers (valid scores) that carry a customer id or email.
    matched:
        Of those, the ones whose customer is in the sales log.
    unmatched:
        The answers with an id that is not in the sales log: ``row``,
        ``customer_id``, ``score``, ``group``.
    without_id:
        Answers with no customer id or email.
    active_since:
        The first day of the activity window that ``still_buying`` counts from.
    lifespan_years, lifespan_source:
        The lifespan used for CLV and where it comes from (``owner``,
        ``measured``, ``estimated`` or ``unavailable``).
    """

    groups: pd.DataFrame
    with_id: int
    matched: int
    unmatched: pd.DataFrame
    without_id: int
    active_since: pd.Timestamp | None
    lifespan_years: float
    lifespan_source: str

    @property
    def match_rate(self) -> float:
        """Matched / answers with an id x 100; NaN without ids."""
        return self.matched * 100 / self.with_id if self.with_id else float("nan")

    def stopped_share(self, group: str) -> float:
        """The share of a group's matched customers who stopped buying."""
        return float(self.groups.set_index("group").loc[group, "stopped_share"])


def still_buying_since(orders: pd.DataFrame, period: str, window: int) -> pd.Timestamp:
    """The first day of the last ``window`` complete periods of the log: a
    customer who bought on or after it is still buying. When the log covers
    no complete period, its first day."""
    stamps = orders["timestamp"]
    ordinals = period_ordinals(stamps, period)
    calendar = period_calendar(
        int(ordinals.min()), int(ordinals.max()), period, Observation.of(stamps)
    )
    complete = calendar[~calendar["partial"]]
    if complete.empty:
        return calendar["start"].iloc[0]
    last = len(complete) - 1
    return complete["start"].iloc[max(last - window + 1, 0)]


def _latest_answers(responses: Responses) -> pd.DataFrame:
    answers = responses.answers.dropna(subset=["customer_id"])
    ordered = answers.sort_values(["date", "row"], na_position="first")
    return ordered.drop_duplicates("customer_id", keep="last")


def _per_customer(orders: pd.DataFrame, since: pd.Timestamp) -> pd.DataFrame:
    bought = customer_purchases(orders)
    year_start = orders["timestamp"].max() - pd.DateOffset(years=1)
    by_customer = bought.groupby("customer_id")
    return pd.DataFrame(
        {
            "orders": by_customer.size(),
            "revenue": by_customer["revenue"].sum(),
            "orders_last_year": bought["timestamp"]
            .gt(year_start)
            .groupby(bought["customer_id"])
            .sum(),
            "still_buying": by_customer["timestamp"].max() >= since,
        }
    )


def _days_in_last_year(orders: pd.DataFrame) -> int:
    """The calendar days the 12 months up to the last order cover in the log."""
    last = orders["timestamp"].max()
    return days_covered(
        max(orders["timestamp"].min(), last - pd.DateOffset(years=1)), last
    )


def _group_table(linked: pd.DataFrame, lifespan: float, days: int) -> pd.DataFrame:
    by_group = linked.groupby("group")
    table = pd.DataFrame(
        {
            "customers": by_group.size(),
            "orders": by_group["orders"].sum(),
            "revenue": by_group["revenue"].sum(),
            "orders_last_year": by_group["orders_last_year"].sum(),
            "still_buying": by_group["still_buying"].sum(),
        }
    ).reindex(list(GROUPS))
    table = table.fillna(0).astype(
        {name: "int64" for name in table.columns if name != "revenue"}
    )
    customers = table["customers"].replace(0, np.nan)
    table["purchase_frequency"] = table["orders"] / customers
    table["aov"] = table["revenue"] / table["orders"].replace(0, np.nan)
    table["annual_frequency"] = per_year(table["orders_last_year"] / customers, days)
    table["clv"] = customer_lifetime_value(
        table["aov"], table["annual_frequency"], lifespan
    )
    table["retention"] = table["still_buying"] * 100 / customers
    table["stopped"] = table["customers"] - table["still_buying"]
    table["stopped_share"] = table["stopped"] * 100 / customers
    table.index.name = "group"
    table = table.reset_index()
    table.insert(1, "group_label", table["group"].map(group_names()))
    return table[list(GROUP_COLUMNS)]


def link_purchases(
    responses: Responses,
    orders: pd.DataFrame,
    *,
    period: str = "month",
    window: int = 1,
    lifespan_years: float | None = None,
) -> PurchaseLink:
    """Link each customer's latest valid answer to their purchases and compare
    the three groups (definitions and columns in the module docstring).

    ``period`` and ``window`` are the app's period and activity window, used for
    "still buying"; ``lifespan_years`` is the owner's lifespan for CLV (measured
    from the log when None). ``orders`` must hold at least one order.
    """
    since = still_buying_since(orders, period, window)
    customers = _per_customer(orders, since)
    answers = responses.answers
    with_id = answers[answers["customer_id"].notna()]
    unmatched = with_id[~with_id["customer_id"].isin(customers.index)]
    linked = _latest_answers(responses).join(customers, on="customer_id", how="inner")
    if lifespan_years is None:
        lifespan_years, source = measured_lifespan(orders)
    else:
        source = "owner"
    return PurchaseLink(
        groups=_group_table(linked, lifespan_years, _days_in_last_year(orders)),
        with_id=len(with_id),
        matched=len(with_id) - len(unmatched),
        unmatched=unmatched[["row", "customer_id", "score", "group"]].reset_index(
            drop=True
        ),
        without_id=len(answers) - len(with_id),
        active_since=since,
        lifespan_years=float(lifespan_years),
        lifespan_source=source,
    )
