"""Overview: the headline figures of the selected range against the range before."""

import streamlit as st

from retention.i18n import t
from retention.overview import overview, range_retention
from ui.show import change, figure_names, formatted, number
from ui.sidebar import require_view

view = require_view()
selection = view.selection
st.title(t("Do your customers come back?"))
st.caption(
    t(
        "{range}, compared with the {count} period(s) before it.",
        range=selection.label,
        count=selection.length,
    )
)

figures = overview(view.sales_log.orders, selection).set_index("figure")
names = figure_names()
columns = st.columns(4)
for position, (figure, row) in enumerate(figures.iterrows()):
    columns[position % 4].metric(
        names[figure],
        formatted(figure, row["value"]),
        delta=change(figure, row["change"]),
        delta_color="inverse" if figure == "churn_rate" else "normal",
    )

flow = range_retention(view.sales_log.orders, selection)
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
st.caption(
    t(
        "Retention rate (CRR) = (E − N) / S × 100; churn rate = L / S × 100. "
        "Guest orders count in orders and revenue, not in customer figures. "
        "The repeat purchase rate counts orders inside the selected range only."
    )
)
