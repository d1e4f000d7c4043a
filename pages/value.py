"""Customer value: CLV = AOV x annual purchase frequency x lifespan, its three
factors, and CLV by acquisition cohort."""

import streamlit as st

from retention.charts import cohort_clv_chart
from retention.clv import FEWEST_DAYS, YEAR_DAYS, clv_by_cohort, clv_factors
from retention.i18n import t, t_count
from retention.periods import day_text
from ui import show
from ui.show import data_notes, is_missing, money, number
from ui.sidebar import require_view

view = require_view()
orders = view.sales_log.orders
as_of = min(view.selection.end, orders["timestamp"].max())

st.title(t("What a customer is worth"))
data_notes(view.sales_log.report)
measured = clv_factors(orders, as_of)
own_lifespan = st.number_input(
    t(
        "Your own estimate of how many years a customer stays (leave empty to use the data)"
    ),
    min_value=0.1,
    max_value=50.0,
    value=None,
    step=0.5,
)
margin_percent = st.slider(t("Gross margin %"), 1, 100, 100)
factors = clv_factors(orders, as_of, own_lifespan, margin_percent / 100)

left, middle, right, total = st.columns(4)
left.metric(t("Average order value"), money(factors.aov))
middle.metric(t("Orders per customer per year"), number(factors.annual_frequency, 2))
right.metric(t("Lifespan (years)"), number(factors.lifespan_years, 2))
total.metric(t("Customer lifetime value"), money(factors.clv))

sources = {
    "owner": t("your own estimate"),
    "measured": t("1 / annual churn, measured over the last two years"),
    "estimated": t(
        "1 / annual churn, carried to a year from a shorter window because "
        "the data covers less than two years"
    ),
    "unavailable": t(
        "not measurable yet, with too little history (enter your own estimate above)"
    ),
}
covered = t_count(
    factors.window_days,
    "the day up to {date}",
    "the {count} days up to {date}",
    date=day_text(as_of),
)
if factors.window_days == 0:
    covered = t("{date} alone", date=day_text(as_of))
st.caption(
    t(
        "CLV = AOV × orders per customer per year × lifespan × margin. AOV and "
        "frequency cover {covered}; lifespan: {source}.",
        covered=covered,
        source=sources[factors.lifespan_source],
    )
)
if factors.window_days < FEWEST_DAYS:
    st.caption(
        t(
            "Under four weeks of purchases is too short to tell how often a "
            "customer buys in a year, so there is no CLV yet."
        )
    )
elif factors.window_days < YEAR_DAYS:
    st.caption(
        t(
            "The data covers less than a year, so its {frequency} orders per "
            "customer in {days} days are carried to a year: × 365 / {days} = "
            "{annual}.",
            frequency=number(factors.window_frequency, 2),
            days=f"{factors.window_days:,}",
            annual=number(factors.annual_frequency, 2),
        )
    )
if is_missing(factors.clv):
    st.stop()

st.subheader(t("By acquisition cohort"))
st.caption(
    t(
        "Each cohort's own average order value and orders per year, over the same "
        "year, times the lifespan above. Cohorts with less than a year of history "
        "have had less time to buy, so their orders per year and CLV read low."
    )
)
cohorts = clv_by_cohort(orders, factors, "quarter")
st.altair_chart(cohort_clv_chart(cohorts), width="stretch")
# short headers, each with its meaning on hover, so the table fits the page
columns = {
    "label": (t("Cohort"), t("The quarter of the customers' first purchase.")),
    "customers": (t("Customers"), t("Customers whose first purchase fell in it.")),
    "active_customers": (t("Active"), t("Customers who bought in the last year.")),
    "aov": (t("Order value"), t("Average order value over the last year.")),
    "annual_frequency": (t("Orders a year"), t("Orders per customer per year.")),
    "clv": (
        t("CLV"),
        t("Customer lifetime value: order value × orders a year × lifespan."),
    ),
    "revenue_per_customer": (
        t("Revenue so far"),
        t("Revenue per customer since their first purchase."),
    ),
    "full_year": (
        t("Full year"),
        t("Whether the cohort has a full year of history."),
    ),
}
show.table(
    cohorts[list(columns)].rename(
        columns={name: header for name, (header, _) in columns.items()}
    ),
    meanings=dict(columns.values()),
)
