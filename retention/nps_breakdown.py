"""NPS split by period and by location, and the comments behind the scores.

Every row of a split is computed exactly as the overall NPS
(:func:`retention.nps.nps_from_counts` and :func:`retention.nps.margin_of_error`)
over the valid answers that fall in it. A row with fewer than
``retention.nps.MIN_ANSWERS`` answers is flagged ``too_few``: its figure is shown
but marked, because its margin of error is wide.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retention.nps import GROUPS, MIN_ANSWERS, group_names, margin_of_error
from retention.periods import pandas_freq, period_label, period_ordinals
from retention.survey import Responses

__all__ = ["BREAKDOWN_COLUMNS", "comments", "nps_by_location", "nps_by_period"]

BREAKDOWN_COLUMNS = (
    "answered",
    "promoters",
    "passives",
    "detractors",
    "promoter_share",
    "detractor_share",
    "nps",
    "margin_of_error",
    "low",
    "high",
    "too_few",
)


def _nps_rows(answers: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    """Counts, shares, NPS and margin per value of ``key`` (the index)."""
    counts = (
        pd.crosstab(key, answers["group"]).reindex(columns=GROUPS, fill_value=0)
        if len(answers)
        else pd.DataFrame(columns=GROUPS, dtype="int64")
    )
    counts.columns = ["promoters", "passives", "detractors"]
    table = counts.astype("int64")
    table.insert(0, "answered", table.sum(axis=1))
    table["promoter_share"] = table["promoters"] * 100 / table["answered"]
    table["detractor_share"] = table["detractors"] * 100 / table["answered"]
    table["nps"] = table["promoter_share"] - table["detractor_share"]
    table["margin_of_error"] = [
        margin_of_error(row.promoters, row.detractors, row.answered)
        for row in table.itertuples()
    ]
    table["margin_of_error"] = table["margin_of_error"].astype(float)
    table["low"] = (table["nps"] - table["margin_of_error"]).clip(lower=-100)
    table["high"] = (table["nps"] + table["margin_of_error"]).clip(upper=100)
    table["too_few"] = table["answered"] < MIN_ANSWERS
    return table


def nps_by_period(responses: Responses, period: str) -> pd.DataFrame:
    """The NPS of each calendar period (week, month, quarter, year) from the
    first to the last dated answer, periods without answers included.

    Answers without a readable date are in no period. Columns: ``period``
    (ordinal), ``label``, ``start`` (first day) and ``BREAKDOWN_COLUMNS``:
    ``answered``, ``promoters``, ``passives``, ``detractors``,
    ``promoter_share`` and ``detractor_share`` (% of the period's answers),
    ``nps`` (NaN without answers), ``margin_of_error`` (95 %, NPS points),
    ``low`` and ``high`` (the interval, kept within -100 and +100) and
    ``too_few`` (fewer than ``MIN_ANSWERS`` answers). Empty when no answer has a
    date.
    """
    answers = responses.answers.dropna(subset=["date"])
    columns = ["period", "label", "start", *BREAKDOWN_COLUMNS]
    if answers.empty:
        return pd.DataFrame(columns=columns)
    ordinals = pd.Series(period_ordinals(answers["date"], period), index=answers.index)
    table = _nps_rows(answers, ordinals.rename("period"))
    every = np.arange(ordinals.min(), ordinals.max() + 1)
    table = table.reindex(every)
    table["answered"] = table["answered"].fillna(0).astype("int64")
    for name in ("promoters", "passives", "detractors"):
        table[name] = table[name].fillna(0).astype("int64")
    table["too_few"] = table["answered"] < MIN_ANSWERS
    table.index.name = "period"
    table = table.reset_index()
    table.insert(1, "label", [period_label(o, period) for o in table["period"]])
    starts = pd.PeriodIndex.from_ordinals(table["period"], freq=pandas_freq(period))
    table.insert(2, "start", starts.start_time)
    return table[columns]


def nps_by_location(responses: Responses) -> pd.DataFrame:
    """The NPS of each location (shop, branch), largest number of answers first.

    Answers with a blank location are left out. Columns: ``location`` and
    ``BREAKDOWN_COLUMNS`` (as in :func:`nps_by_period`). Empty when the survey
    has no location column.
    """
    answers = responses.answers
    answers = answers[answers["location"] != ""]
    if answers.empty:
        return pd.DataFrame(columns=["location", *BREAKDOWN_COLUMNS])
    table = _nps_rows(answers, answers["location"].rename("location"))
    table = table.sort_values(["answered", "nps"], ascending=[False, False])
    return table.reset_index()


def comments(
    responses: Responses, search: str = "", groups: tuple[str, ...] = GROUPS
) -> pd.DataFrame:
    """The answers that carry a comment, newest first when dated.

    ``search`` keeps comments containing that text (case ignored); ``groups``
    keeps promoters, passives and/or detractors; with all three, comments whose
    score is blank or invalid are kept too (group NA). Columns: ``row``, ``date``, ``score``, ``group`` (code),
    ``group_label``, ``location``, ``customer_id``, ``comment``.
    """
    table = responses.table
    in_groups = table["group"].isin(list(groups)).fillna(False)
    if set(groups) >= set(GROUPS):
        in_groups |= table["group"].isna()
    keep = (table["comment"] != "") & in_groups
    if search.strip():
        keep &= (
            table["comment"]
            .str.casefold()
            .str.contains(search.strip().casefold(), regex=False)
        )
    found = table[keep].sort_values(["date", "row"], ascending=[False, True])
    found = found.assign(group_label=found["group"].map(group_names()))
    return found[
        [
            "row",
            "date",
            "score",
            "group",
            "group_label",
            "location",
            "customer_id",
            "comment",
        ]
    ].reset_index(drop=True)
