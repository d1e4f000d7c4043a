"""Cohorts: customers grouped by the period of their first purchase, the share
of each cohort that came back period after period, and whether newer cohorts
come back more often than older ones."""

import streamlit as st

from retention.charts import cohort_heatmap, first_period_trend_chart
from retention.cohorts import (
    cohort_matrix,
    first_period_retention,
    first_period_trend,
    partial_cells,
)
from retention.i18n import t
from ui import data, show
from ui.show import as_text, is_missing, number, time_zone_caption
from ui.sidebar import require_view

view = require_view()
selection = view.selection
log = view.sales_log
cells = data.cohort_table(log.content_hash, selection.period, log.orders)
cells = cells[
    (cells["cohort"] >= selection.first) & (cells["cohort"] <= selection.last)
]

st.title(t("Cohorts: since when do customers come back?"))
time_zone_caption(view.sales_log.report)
if cells.empty:
    st.info(t("No customer bought for the first time in the selected range."))
    st.stop()

measures = {
    "share": t("Bought in period k"),
    "share_or_later": t("Bought in period k or later"),
    "revenue_per_customer": t("Revenue per customer (cumulative)"),
}
measure = st.radio(
    t("Each cell shows"),
    list(measures),
    format_func=measures.get,
    horizontal=True,
    key="cohort_measure",
)
st.caption(
    t(
        "Each row is a cohort: the customers whose first purchase ever fell in that "
        "period, with their number beside it. Column k is k periods later. A blank "
        "cell is a period the cohort has not reached yet; faded cells fall in a "
        "period the data stops inside (partial)."
    )
)
st.altair_chart(cohort_heatmap(cells, measure), width="stretch")

matrix = cohort_matrix(cells, measure, average_label=t("Average (weighted by size)"))
partial = partial_cells(cells).reindex(matrix.index, fill_value=False)
ages = [column for column in matrix.columns if isinstance(column, int)]
unit = "" if measure == "revenue_per_customer" else " %"
shown = matrix.rename(
    columns={"label": t("Cohort"), "customers": t("Customers")}
    | {age: f"+{age}" for age in ages}
)
# cells a cohort has not reached stay blank, never "0" or "None"; a cell of a
# period the data stops inside is marked, as the faded cells of the chart are
show.table(
    shown.assign(
        **{
            f"+{age}": as_text(shown[f"+{age}"], 2, unit).where(
                ~partial[age], as_text(shown[f"+{age}"], 2, unit) + " *"
            )
            for age in ages
        }
    )
)
st.caption(
    t(
        "* The period is not over yet (partial): the share can still grow. The "
        "last row is the average of the cohorts weighted by their size, using "
        "in each column only the cohorts old enough to have a complete cell there."
    )
)

st.subheader(t("Do newer customers come back more often?"))
trend = first_period_retention(cells)
if trend.empty:
    st.info(t("No cohort has reached its second period yet."))
    st.stop()
st.altair_chart(first_period_trend_chart(trend), width="stretch")
slope = first_period_trend(trend)
if is_missing(slope):
    st.caption(t("A trend line needs at least three cohorts with a complete period 1."))
elif number(abs(slope), 1) == number(0, 1):
    st.markdown(
        t(
            "From one cohort to the next, the share coming back in the following "
            "period stays about the same (dashed line: the straight line through "
            "the complete cohorts)."
        )
    )
else:
    st.markdown(
        t(
            "From one cohort to the next, the share coming back in the following "
            "period {direction} by about **{points} points** (dashed line: the "
            "straight line through the complete cohorts).",
            direction=t("rises") if slope > 0 else t("falls"),
            points=number(abs(slope), 1),
        )
    )
