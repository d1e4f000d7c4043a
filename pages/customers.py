"""Customers: RFM segments and how customers moved between them, the VIPs, and
the customers at risk, each as a list to filter and download."""

import streamlit as st

from retention.charts import segment_chart
from retention.i18n import t, t_count
from retention.periods import day_text
from retention.segments import (
    NOT_YET,
    OVERDUE_FACTOR,
    as_of_days,
    segment_moves,
    segment_names,
    segment_summary,
)
from ui import data, show
from ui.downloads import list_downloads, list_preview
from ui.show import data_notes, money, percent
from ui.sidebar import require_view

view = require_view()
log = view.sales_log
orders = log.orders
as_of, before_day = as_of_days(orders, view.selection)
segments = data.segments_table(log.content_hash, as_of, orders)
names = segment_names()

st.title(t("Your customers"))
data_notes(view.sales_log.report)
st.caption(
    t(
        "Measured on {day}, the last day of the selected range: purchases after it "
        "are not counted.",
        day=day_text(as_of),
    )
)
LIST_COLUMNS = {
    "customer_id": t("Customer"),
    "segment": t("Segment"),
    "rfm": t("RFM"),
    "orders": t("Orders"),
    "revenue": t("Revenue"),
    "first_purchase": t("First purchase"),
    "last_purchase": t("Last purchase"),
    "recency_days": t("Days since last purchase"),
    "usual_gap_days": t("Usual days between purchases"),
}


def readable(frame, columns):
    """The list as shown and downloaded: translated segment names and headers."""
    shown = frame[list(columns)].rename(columns=columns)
    segment = columns["segment"]
    shown[segment] = shown[segment].cat.rename_categories(names)
    return shown


def segment_tab() -> None:
    summary = segment_summary(segments)
    summary["name"] = summary["segment"].map(names)
    st.altair_chart(segment_chart(summary), width="stretch")
    show.table(
        summary.assign(
            customer_share=summary["customer_share"].map(percent),
            revenue=summary["revenue"].map(money),
            revenue_share=summary["revenue_share"].map(percent),
        )[["name", "customers", "customer_share", "revenue", "revenue_share"]].rename(
            columns={
                "name": t("Segment"),
                "customers": t("Customers"),
                "customer_share": t("% of customers"),
                "revenue": t("Revenue"),
                "revenue_share": t("% of revenue"),
            }
        )
    )
    st.caption(
        t(
            "R, F and M score each customer 1 to 5 against all others on days since "
            "the last purchase, number of orders and revenue. A customer whose first "
            "purchase is at most 30 days old is New, whatever the scores."
        )
    )
    st.markdown(t("**Moves since {day}**", day=day_text(before_day)))
    earlier = data.segments_table(log.content_hash, before_day, orders)
    moves = segment_moves(earlier, segments)
    moved_names = names | {NOT_YET: t("Not a customer yet")}
    show.table(
        moves.assign(
            from_segment=moves["from_segment"].map(moved_names),
            to_segment=moves["to_segment"].map(moved_names),
        ).rename(
            columns={
                "from_segment": t("From"),
                "to_segment": t("To"),
                "customers": t("Customers"),
            }
        )
    )
    chosen = st.multiselect(
        t("Show the customers of"),
        list(names),
        format_func=names.get,
        key="segment_filter",
    )
    listed = segments[segments["segment"].isin(chosen)] if chosen else segments
    table = readable(listed, LIST_COLUMNS)
    show.table(list_preview(table))
    list_downloads(table, "customers_by_segment", "segments")


def vip_tab() -> None:
    vips = data.vip_table(log.content_hash, as_of, orders)
    st.caption(
        t(
            "VIPs are in the top fifth by revenue and among the most frequent "
            "buyers (M = 5, F ≥ 4). The history counts their orders in each of the "
            "last 12 months."
        )
    )
    least = st.number_input(
        t("At least this much revenue"), min_value=0.0, value=0.0, key="vip_min"
    )
    vips = vips[vips["revenue"] >= least]
    columns = LIST_COLUMNS | {"aov": t("Average order value")}
    table = readable(vips, columns).assign(
        **{t("Orders per month, last 12"): vips["monthly_orders"].to_list()}
    )
    show.table(
        list_preview(table),
        column_config={
            t("Orders per month, last 12"): st.column_config.BarChartColumn(y_min=0)
        },
    )
    list_downloads(table, "vip_customers", "vips")


def risk_tab() -> None:
    st.caption(
        t(
            "Customers who have bought at least twice and are overdue against their "
            "own habit: their time since the last purchase is more than the chosen "
            "multiple of their usual gap between purchases (and at least a week). "
            "Ranked by their revenue so far."
        )
    )
    factor = st.slider(
        t("Overdue by at least this many times their usual gap"),
        min_value=1.5,
        max_value=10.0,
        value=OVERDUE_FACTOR,
        step=0.5,
        key="risk_factor",
    )
    risk = data.risk_table(log.content_hash, as_of, factor, orders)
    chosen = st.multiselect(
        t("Only these segments"), list(names), format_func=names.get, key="risk_filter"
    )
    if chosen:
        risk = risk[risk["segment"].isin(chosen)]
    columns = {"customer_id": t("Customer"), "reason": t("Why")} | {
        key: name for key, name in LIST_COLUMNS.items() if key != "customer_id"
    }
    table = readable(risk, columns)
    st.markdown(
        t_count(
            len(table), "**{count} customer at risk**", "**{count} customers at risk**"
        )
    )
    show.table(list_preview(table))
    list_downloads(table, "customers_at_risk", "risk")


segment_view, vip_view, risk_view = st.tabs([t("Segments"), t("VIPs"), t("At risk")])
with segment_view:
    segment_tab()
with vip_view:
    vip_tab()
with risk_view:
    risk_tab()
