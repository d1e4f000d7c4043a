"""Retention: CRR and churn per period, the counts behind them, rolling annual
retention, and the industry benchmark or the owner's own target."""

import streamlit as st

from retention.annual import annual_retention
from retention.benchmarks import (
    benchmark,
    benchmark_table,
    comparison_line,
    industry_names,
)
from retention.charts import annual_retention_chart, retention_chart
from retention.i18n import t
from retention.periods import day_text, period_names
from retention.retention_rates import latest_complete_period
from ui import data, show
from ui.show import data_notes, nobody_at_start, number, percent
from ui.sidebar import require_view

view = require_view()
selection = view.selection
log = view.sales_log
table = data.retention_table(
    log.content_hash, selection.period, selection.window, log.orders
)
shown = table[
    (table["period"] >= selection.first) & (table["period"] <= selection.last)
]
reference = benchmark(view.industry)
industry = industry_names()[view.industry]
line = comparison_line(view.industry, view.target)

st.title(t("Retention and churn per period"))
data_notes(view.sales_log.report, money_shown=False)
latest = latest_complete_period(shown)
if latest is not None:
    st.caption(t("Last complete period: {label}", label=latest["label"]))
    crr, churn, start, end, gained, lost = st.columns(6)
    crr.metric(t("Retention rate (CRR)"), percent(latest["retention_rate"]))
    churn.metric(t("Churn rate"), percent(latest["churn_rate"]))
    start.metric(t("At start (S)"), number(latest["customers_at_start"]))
    end.metric(t("At end (E)"), number(latest["customers_at_end"]))
    gained.metric(t("Gained (N)"), number(latest["gained"]))
    lost.metric(t("Lost (L)"), number(latest["lost"]))
    if latest["customers_at_start"] == 0:
        st.caption(nobody_at_start(latest["label"], selection.window))
st.altair_chart(retention_chart(shown), width="stretch")
if selection.period == "year":
    why = t(
        "No benchmark line here: {line} is compared below with your annual "
        "retention, measured the same way at every month end rather than only "
        "between calendar years.",
        line=line.label,
    )
else:
    why = t(
        "No benchmark line here: {line} counts customers kept over a whole year, "
        "while each point here counts customers kept from one {period} to the "
        "next. There is no honest way to turn one into the other (a customer who "
        "buys every few months is kept over the year but lost from many single "
        "periods), so it is compared with your annual retention below.",
        line=line.label,
        period=period_names()[selection.period].lower(),
    )
st.caption(why)
partial = shown[shown["partial"]]
for _, row in partial.iterrows():
    st.info(
        t(
            "{label} is partial: the data stops after {days} of its {total} days, "
            "so its rates compare part of a period with a whole one (hollow points).",
            label=row["label"],
            days=row["covered_days"],
            total=row["days"],
        )
    )

annual = annual_retention(log.orders, min(selection.end, log.orders["timestamp"].max()))
if annual is None:
    st.caption(t("Annual retention needs at least six months of sales."))
elif annual.customers_at_start == 0:
    since, until = annual.start_window
    st.markdown(
        t(
            "**Annual retention cannot be measured yet:** nobody bought between "
            "{since} and {until}, so there are no customers to follow into the "
            "{months} months after. {industry} benchmark: {bench}.",
            since=day_text(since),
            until=day_text(until),
            months=annual.window_months,
            industry=industry,
            bench=percent(reference.annual_retention),
        )
    )
else:
    how = (
        t("measured over the last two years")
        if annual.measured
        else t(
            "carried to a year from {months}-month retention ({rate})",
            months=annual.window_months,
            rate=percent(annual.window_rate),
        )
    )
    st.markdown(
        t(
            "**Annual retention: {rate}** ({how}); {industry} benchmark: {bench}. "
            "Per-period rates are lower than annual ones by nature: a customer who "
            "buys every few months is retained over a year but not every month.",
            rate=percent(annual.rate),
            how=how,
            industry=industry,
            bench=percent(reference.annual_retention),
        )
    )
    if line.own_target:
        st.markdown(
            t(
                "Your target: **{target}** kept per year; you are {gap} points "
                "{side} it.",
                target=percent(line.rate),
                gap=number(abs(annual.rate - line.rate), 2),
                side=t("above") if annual.rate >= line.rate else t("below"),
            )
        )

st.subheader(t("Annual retention, month by month"))
every_month = data.rolling_annual(log.content_hash, log.orders)
rolling = every_month[every_month["month_end"] < selection.end]
if rolling.empty and not every_month.empty:
    st.caption(
        t(
            "The selected range ends before {first}, the first month end with two "
            "full years of sales before it: choose a later end in the sidebar to "
            "see annual retention month by month.",
            first=every_month["label"].iloc[0],
        )
    )
elif rolling.empty:
    st.caption(
        t(
            "Rolling annual retention needs two full years of sales: at each month "
            "end it follows the customers of the year before last into the last year."
        )
    )
else:
    st.altair_chart(
        annual_retention_chart(rolling, line.rate, line.label), width="stretch"
    )
    st.caption(
        t(
            "At each month end: of the customers who bought in the 12 months before "
            "the last 12, the share who bought again in the last 12 months."
        )
    )
st.caption(
    t(
        "Benchmark source: {source}. These are rough secondary figures from "
        "a survey of companies, measured in ways it does not define: a comparison, "
        "not a grade. Enter your own target in the sidebar to compare with that "
        "instead.",
        source=reference.source,
    )
)
st.subheader(t("The counts behind each rate"))
columns = {
    "label": t("Period"),
    "customers_at_start": t("At start (S)"),
    "customers_at_end": t("At end (E)"),
    "gained": t("Gained (N)"),
    "new_customers": t("New"),
    "won_back": t("Won back"),
    "retained": t("Retained"),
    "lost": t("Lost (L)"),
    "retention_rate": t("CRR"),
    "churn_rate": t("Churn"),
    "partial": t("Partial"),
}
readable = shown.assign(
    retention_rate=shown["retention_rate"].map(percent),
    churn_rate=shown["churn_rate"].map(percent),
)
show.table(readable[list(columns)].rename(columns=columns), all_rows=True)
st.caption(
    t(
        "CRR = (E − N) / S × 100 and churn = L / S × 100. With no customers at the "
        "start (S = 0) both are undefined: “no data”."
    )
)
with st.expander(t("All benchmarks")):
    benchmarks = benchmark_table()
    show.table(
        benchmarks.assign(
            annual_retention=benchmarks["annual_retention"].map(percent)
        ).rename(
            columns={
                "industry": t("Industry"),
                "annual_retention": t("Customers kept per year"),
                "definition": t("Definition"),
                "year": t("Year"),
                "source": t("Source"),
            }
        ),
        plain=(t("Year"),),
    )
