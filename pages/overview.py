"""Overview: the headline figures of the selected range against the range before,
and the last complete period's retention. When nothing was bought in the range
before (the default whole range of a fresh upload), retention and churn are
those of the last complete period, so the first screen answers its question."""

import streamlit as st

from retention.i18n import t, t_count
from retention.overview import overview_figures
from retention.periods import coverage_notes
from ui import data
from ui.show import (
    change,
    customers,
    data_notes,
    figure_names,
    formatted,
    nobody_at_start,
    number,
    percent,
)
from ui.sidebar import require_view

view = require_view()
selection = view.selection
orders = view.sales_log.orders
log = view.sales_log
st.title(t("Do your customers come back?"))
data_notes(view.sales_log.report)

table = data.retention_table(
    log.content_hash, selection.period, selection.window, orders
)
headline = overview_figures(orders, selection, table)
figures = headline.figures.set_index("figure")
earlier_data, flow = headline.earlier_data, headline.flow
latest, per_period = headline.latest, headline.per_period

if headline.compared:
    st.caption(
        t_count(
            selection.length,
            "{range}, compared with the period before it.",
            "{range}, compared with the {count} periods before it.",
            range=selection.label,
        )
    )
elif earlier_data:
    caption = t("{range}. {why}", range=selection.label, why=headline.before.note())
    if per_period is not None:
        caption += " " + t(
            "Retention and churn are those of the last complete period, {label}.",
            label=per_period["label"],
        )
    st.caption(caption)
elif per_period is not None:
    st.caption(
        t(
            "{range}. The data starts inside this range, so the range has nothing "
            "earlier to compare with: retention and churn are those of the last "
            "complete period, {label}. Choose a shorter range in the sidebar to "
            "compare whole ranges.",
            range=selection.label,
            label=per_period["label"],
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
if headline.compared:
    compared = table[
        (table["period"] >= selection.previous().first)
        & (table["period"] <= selection.last)
    ]
    notes = [note for _, row in compared.iterrows() for note in coverage_notes(row)]
    if notes:
        st.warning(t("Read this comparison with care. {notes}", notes=" ".join(notes)))
names = figure_names()
for row_of_figures in (list(figures.index[:4]), list(figures.index[4:])):
    for column, figure in zip(st.columns(4), row_of_figures, strict=True):
        if figures.loc[figure, "measured_in"]:
            column.metric(
                names[figure],
                percent(figures.loc[figure, "value"]),
                delta=t("in {label}", label=figures.loc[figure, "measured_in"]),
                delta_color="off",
                delta_arrow="off",
            )
            continue
        column.metric(
            names[figure],
            formatted(figure, figures.loc[figure, "value"]),
            delta=change(figure, figures.loc[figure, "change"]),
            delta_color="inverse" if figure == "churn_rate" else "normal",
        )

st.subheader(t("Who came back"))
if flow.customers_at_start > 0 and not headline.before.whole:
    st.markdown(
        t(
            "Of the {start} who bought in {covered} (the part of the range "
            "before that the data holds), **{kept}** bought again and "
            "**{lost}** did not. {end} bought in this range, **{new}** of them "
            "for the first time.",
            start=customers(flow.customers_at_start),
            covered=headline.before.covered_range.label,
            kept=number(flow.retained),
            lost=number(flow.lost),
            end=customers(flow.customers_at_end),
            new=number(flow.new_customers),
        )
    )
elif flow.customers_at_start > 0:
    st.markdown(
        t(
            "Of the {start} who bought in the previous range (S), "
            "**{kept}** bought again and **{lost}** did not (L). "
            "{end} bought in this range (E): **{new}** for the first "
            "time and **{back}** returning after a break (N = {gained}).",
            start=customers(flow.customers_at_start),
            kept=number(flow.retained),
            lost=number(flow.lost),
            end=customers(flow.customers_at_end),
            new=number(flow.new_customers),
            back=number(flow.won_back),
            gained=number(flow.gained),
        )
    )
else:
    st.markdown(
        t(
            "{end} bought in this range: **{new}** for the first "
            "time and **{back}** returning after a break.",
            end=customers(flow.customers_at_end),
            new=number(flow.new_customers),
            back=number(flow.won_back),
        )
    )
if per_period is not None and per_period["customers_at_start"] == 0:
    st.markdown(
        t(
            "**In {label}:** {nobody} {end} bought in {label} (E), **{gained}** of "
            "them new or back after a break (N).",
            label=per_period["label"],
            nobody=nobody_at_start(per_period["label"], selection.window),
            end=customers(per_period["customers_at_end"]),
            gained=number(per_period["gained"]),
        )
    )
elif per_period is not None:
    st.markdown(
        t_count(
            selection.window,
            "**In {label}:** of the {start} who had bought in the "
            "period before (S), **{kept}** bought again and **{lost}** did not "
            "(L): retention {crr}, churn {churn}. {end} bought in "
            "{label} (E), **{gained}** of them new or back after a break (N).",
            "**In {label}:** of the {start} who had bought in the "
            "{count} periods before (S), **{kept}** bought again and **{lost}** "
            "did not (L): retention {crr}, churn {churn}. {end} "
            "bought in {label} (E), **{gained}** of them new or back after a "
            "break (N).",
            label=per_period["label"],
            start=customers(per_period["customers_at_start"]),
            kept=number(per_period["retained"]),
            lost=number(per_period["lost"]),
            crr=percent(per_period["retention_rate"]),
            churn=percent(per_period["churn_rate"]),
            end=customers(per_period["customers_at_end"]),
            gained=number(per_period["gained"]),
        )
    )
elif latest is not None:
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
    if latest["customers_at_start"] == 0:
        st.caption(nobody_at_start(latest["label"], selection.window))
elif flow.customers_at_start == 0:
    st.info(
        t(
            "Retention needs a complete period with customers who bought before "
            "it, and this range has none yet: each period's figures are on the "
            "Retention page."
        )
    )
st.caption(
    t(
        "Retention rate (CRR) = (E − N) / S × 100; churn rate = L / S × 100. "
        "Guest orders count in orders and revenue, not in customer figures. "
        "The repeat purchase rate counts orders inside the selected range only."
    )
)
