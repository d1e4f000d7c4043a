"""What changed: for one period, the customer flow from S to E, the revenue
change split into its factors, a summary in words, and where churn leaks."""

from dataclasses import replace

import streamlit as st

from retention.changes import customer_flow, period_summary, revenue_change
from retention.charts import (
    churn_leaks_chart,
    customer_flow_chart,
    revenue_effects_chart,
)
from retention.i18n import t, t_count
from retention.leaks import (
    churn_leaks,
    customers_in,
    leak_dimensions,
    lost_in_groups,
    uncounted_note,
)
from retention.periods import coverage_notes
from retention.retention_rates import latest_complete_period
from ui import data, show
from ui.downloads import list_downloads, list_preview
from ui.show import data_notes, difference, money, number, percent
from ui.sidebar import require_view

view = require_view()
selection = view.selection
log = view.sales_log
orders = log.orders
table = data.retention_table(
    log.content_hash, selection.period, selection.window, orders
)
shown = table[
    (table["period"] >= selection.first) & (table["period"] <= selection.last)
].set_index("period", drop=False)

st.title(t("What changed"))
data_notes(view.sales_log.report)
latest = latest_complete_period(shown)
options = list(shown["period"])
chosen = st.selectbox(
    t("Period"),
    options,
    index=options.index(latest["period"]) if latest is not None else len(options) - 1,
    format_func=lambda p: (
        shown.loc[p, "label"]
        + (f" ({t('partial')})" if shown.loc[p, "partial"] else "")
    ),
    key="changes_period",
)
row = shown.loc[chosen]
one_period = replace(selection, first=int(chosen), last=int(chosen))
st.info(period_summary(orders, row, one_period, money))
before = table[table["period"] == row["period"] - 1]
notes = coverage_notes(row) + [
    note for _, earlier in before.iterrows() for note in coverage_notes(earlier)
]
if notes:
    st.warning(t("Read this comparison with care. {notes}", notes=" ".join(notes)))

st.subheader(t("Customer flow: from the start of the period to its end"))
st.altair_chart(customer_flow_chart(customer_flow(row)), width="stretch")
st.caption(
    t_count(
        selection.window,
        "At start (S) − lost + new + won back = at end (E). Customers at the start "
        "bought in the period before {label}.",
        "At start (S) − lost + new + won back = at end (E). Customers at the start "
        "bought in the last {count} periods before {label}.",
        label=row["label"],
    )
)

st.subheader(t("Revenue against the period before"))
change = revenue_change(orders, one_period.previous(), one_period)
before, after = change.before, change.after
columns = st.columns(4)
columns[0].metric(
    t("Customers"),
    number(after.customers),
    difference(after.customers, before.customers),
)
columns[1].metric(
    t("Orders per customer"),
    number(after.orders_per_customer, 2),
    difference(after.orders_per_customer, before.orders_per_customer, 2),
)
columns[2].metric(
    t("Order value"),
    money(after.order_value),
    difference(after.order_value, before.order_value, 2),
)
columns[3].metric(t("Revenue"), money(after.revenue), show.signed(change.change))
parts = {
    "customers": t("More or fewer customers"),
    "orders_per_customer": t("Orders per customer"),
    "order_value": t("Order value"),
    "other": t("Guest orders and unmatched refunds"),
}
effects = change.effect_table()
st.altair_chart(
    revenue_effects_chart(effects.assign(name=effects["part"].map(parts))),
    width="stretch",
)
st.caption(
    t(
        "Revenue of known customers = customers × orders per customer × order value. "
        "The change is split among the three so that the parts add up exactly to the "
        "change (each part is its average effect over every order of applying the "
        "three changes); guest orders and refunds without a matching purchase are a "
        "part of their own."
    )
)

st.subheader(t("Where customers leak away"))
st.caption(
    t(
        "The times a customer was lost in the selected range ({range}), by what "
        "they had in common. Every period counts on its own, as in the churn of "
        "each period: a customer counts at the start (S) of each period after one "
        "they bought in, and is lost (L) in each period they left, so one lost "
        "in March, back in May and lost again in July is lost twice. That is why "
        "these counts can add up to more than your customers; “Customers lost” "
        "counts each customer once.",
        range=selection.label,
    )
)
if note := uncounted_note(orders, selection):
    st.caption(note)
members = data.at_start_customers(log.content_hash, selection, orders)
dimensions = leak_dimensions(orders)
dimension = st.selectbox(
    t("Break down by"), list(dimensions), format_func=dimensions.get, key="leak_by"
)
leaks = churn_leaks(members, dimension)
st.altair_chart(churn_leaks_chart(leaks, dimensions[dimension]), width="stretch")
show.table(
    leaks.assign(
        churn_rate=leaks["churn_rate"].map(percent),
        share_of_lost=leaks["share_of_lost"].map(percent),
    ).rename(
        columns={
            "group": dimensions[dimension],
            "customers_at_start": t("Times at the start of a period (S)"),
            "lost": t("Times lost (L)"),
            "customers_lost": t("Customers lost"),
            "churn_rate": t("Churn (L of S)"),
            "share_of_lost": t("Share of all times lost"),
        }
    )
)
chosen_groups = st.multiselect(
    t("Only the lost customers in"),
    list(leaks["group"]),
    key=f"lost_filter_{dimension}",
)
lost = lost_in_groups(members, dimension, chosen_groups)
st.markdown(
    t_count(
        customers_in(lost),
        "**Times a customer was lost** ({times}, by {count} customer)",
        "**Times a customer was lost** ({times}, by {count} customers)",
        times=number(len(lost)),
    )
)
show.table(
    list_preview(lost).rename(
        columns={
            "customer_id": t("Customer"),
            "label": t("Lost in"),
            "cohort": t("First purchase (cohort)"),
            "past_orders": t("Orders before"),
            "past_orders_group": t("Orders before (group)"),
        }
    )
)
list_downloads(lost, "lost_customers", "lost")
