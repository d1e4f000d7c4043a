"""Overview: the headline figures of the selected range against the range before,
and the last complete period's retention."""

import streamlit as st

from retention.i18n import t, t_count
from retention.overview import overview, range_retention
from retention.retention_rates import latest_complete_period
from ui import data
from ui.show import change, figure_names, formatted, number, percent
from ui.sidebar import require_view

view = require_view()
selection = view.selection
orders = view.sales_log.orders
st.title(t("Do your customers come back?"))

figures = overview(orders, selection).set_index("figure")
earlier_data = figures.loc["orders", "previous"] > 0
if earlier_data:
    st.caption(
        t_count(
            selection.length,
            "{range}, compared with the period before it.",
            "{range}, compared with the {count} periods before it.",
            range=selection.label,
        )
    )
else:
    st.caption(
        t(
            "{range}. The data starts inside this range, so there is nothing earlier "
            "to compare with: choose a shorter range in the sidebar to see "
            "retention and changes.",
            range=selection.label,
        )
    )
names = figure_names()
for row_of_figures in (list(figures.index[:4]), list(figures.index[4:])):
    for column, figure in zip(st.columns(4), row_of_figures, strict=True):
        column.metric(
            names[figure],
            formatted(figure, figures.loc[figure, "value"]),
            delta=change(figure, figures.loc[figure, "change"])
            if earlier_data
            else None,
            delta_color="inverse" if figure == "churn_rate" else "normal",
        )

flow = range_retention(orders, selection)
st.subheader(t("Who came back"))
st.markdown(
    t(
        "Of the **{start}** customers who bought in the previous range (S), "
        "**{kept}** bought again and **{lost}** did not (L). "
        "**{end}** customers bought in this range (E): **{new}** for the first time "
        "and **{back}** returning after a break (N = {gained}).",
        start=number(flow.customers_at_start),
        kept=number(flow.retained),
        lost=number(flow.lost),
        end=number(flow.customers_at_end),
        new=number(flow.new_customers),
        back=number(flow.won_back),
        gained=number(flow.gained),
    )
)

log = view.sales_log
table = data.retention_table(
    log.content_hash, selection.period, selection.window, orders
)
shown = table[
    (table["period"] >= selection.first) & (table["period"] <= selection.last)
]
latest = latest_complete_period(shown)
if latest is not None:
    st.markdown(
        t(
            "**Last complete period, {label}:** retention {crr}, churn {churn} "
            "(S = {start}, E = {end}, N = {gained}, L = {lost}).",
            label=latest["label"],
            crr=percent(latest["retention_rate"]),
            churn=percent(latest["churn_rate"]),
            start=number(latest["customers_at_start"]),
            end=number(latest["customers_at_end"]),
            gained=number(latest["gained"]),
            lost=number(latest["lost"]),
        )
    )
st.caption(
    t(
        "Retention rate (CRR) = (E − N) / S × 100; churn rate = L / S × 100. "
        "Guest orders count in orders and revenue, not in customer figures. "
        "The repeat purchase rate counts orders inside the selected range only."
    )
)
