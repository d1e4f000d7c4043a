"""Data: which columns were used, how the file was read, and what happened to
every row, with downloads of each group of rows."""

from functools import partial

import streamlit as st

from retention.cleaning import zone_label
from retention.columns import ROLES, role_label
from retention.i18n import t, t_count
from retention.quality import outcome_label
from retention.reading import TEXT_ENCODINGS
from retention.sales_log import NoPurchasesError, alike_sheets_note
from ui import data, show
from ui.access import require_app_frame
from ui.show import number

require_app_frame()
st.title(t("Your data"))
try:
    raw = data.current_raw()
except ValueError as error:
    st.error(str(error))
    st.stop()
# a UTF-16 file is told by its zero bytes: no other encoding could read it
if raw.encoding is not None and not raw.encoding.startswith("UTF-16"):
    encodings = {
        "auto": t("Decide from the file"),
        "utf-8": t("UTF-8"),
        "cp1250": t("cp1250 (Central European Windows: Polish, Czech, Hungarian)"),
        "cp1252": t("cp1252 (Western European Windows: Spanish, French, German)"),
        "latin_1": t("latin-1 (ISO 8859-1)"),
    }
    st.selectbox(
        t("Text encoding of the file"),
        ["auto", *TEXT_ENCODINGS],
        format_func=encodings.get,
        key=data.ENCODING_KEY,
        help=t("Choose another when names or places show odd letters."),
    )
try:
    log = data.current_sales_log()
    mapping, problem, report = log.mapping, None, log.report
except ValueError as error:
    mapping, problem = data.current_mapping(raw), str(error)
    # a file with no purchase still has its rows to look at and download
    report = error.report if isinstance(error, NoPurchasesError) else None

st.subheader(t("Columns used"))
st.caption(
    t(
        "Regulars guessed which column holds what. Correct it here; every page "
        "follows, and your choice is used again for files with the same columns."
    )
)


def _choose(role: str) -> None:
    data.choose_column(raw, role, st.session_state[data.role_key(role)] or None)


options = [data.NO_COLUMN, *raw.columns]
data.show_mapping_in_form(mapping, options)
role_columns = st.columns(4)
for position, role in enumerate(ROLES):
    role_columns[position % 4].selectbox(
        role_label(role),
        options,
        format_func=lambda column: column or t("(none)"),
        key=data.role_key(role),
        on_change=_choose,
        args=(role,),
    )
date_orders = {
    "auto": t("Decide from the data"),
    "day_first": t("Day first (31/12/2024)"),
    "month_first": t("Month first (12/31/2024)"),
}
st.radio(
    t("Dates like 03/04/2024 are"),
    list(date_orders),
    format_func=date_orders.get,
    key=data.DATE_ORDER_KEY,
    horizontal=True,
)

if problem is not None:
    st.error(problem)
if report is None:
    st.stop()
if report.has_zoned_stamps:
    # only stamps that say their zone (an offset, Z, a column headed UTC) move
    zones = data.time_zone_choices(raw)
    if st.session_state.get(data.TIMEZONE_KEY) not in zones:
        st.session_state[data.TIMEZONE_KEY] = data.shop_timezone(raw) or ""
    st.selectbox(
        t("Shop time zone"),
        zones,
        format_func=lambda zone: (
            zone_label(zone) if zone else t("None: keep the clock time written")
        ),
        key=data.TIMEZONE_KEY,
        help=t(
            "The file's time stamps say their time zone (UTC, or an offset such "
            "as +02:00). They are converted to the shop's time zone before "
            "anything is put into days and months, so a late-evening order "
            "stays on its own day. The zone is saved with the dataset, so a "
            "shared link shows the same figures anywhere."
        ),
    )
    if not st.session_state[data.TIMEZONE_KEY] and data.browser_timezone() is None:
        st.caption(
            t(
                "Your browser did not say which time zone it is in, so the time "
                "stamps keep the clock time written: choose the shop's time zone "
                "to convert them."
            )
        )
if mixed := report.notice_text("date_order_mixed"):
    st.warning(mixed)
if report.date_order_ambiguous:
    st.warning(
        t(
            "No date in the file shows whether the day or the month comes first, "
            "so they were read day first (03/04/2024 as 3 April). If that is "
            "wrong, choose month first above."
        )
    )
elif why := report.notice_text("date_order_shape", "date_order_layout"):
    st.info(why)
elif report.date_order:
    st.caption(
        t(
            "Dates like 03/04/2024 were read {order}; change it above if needed.",
            order=t("day first")
            if report.date_order == "day_first"
            else t("month first"),
        )
    )
st.subheader(t("What was read"))
if alike := alike_sheets_note(raw):
    st.info(alike)
    st.button(
        t_count(
            len(raw.alike_sheets) + 1,
            "Read the {count} sheet together",
            "Read the {count} sheets together",
        ),
        on_click=data.stack_alike_sheets,
        args=(raw,),
    )
for notice in report.notice_texts():
    if notice != alike:
        st.caption(notice)
first, second, third, fourth = st.columns(4)
first.metric(t("Rows read"), number(report.rows_read))
second.metric(t("Orders found"), number(report.orders_found))
third.metric(t("Customers found"), number(report.customers_found))
fourth.metric(
    t("Guest orders (no customer id)"),
    number(report.guest_orders),
    help=t("Counted in orders and revenue, left out of customer figures."),
)

st.subheader(t("What happened to each row"))
counts = report.counts()
show.table(
    counts.assign(outcome=counts["outcome"].map(outcome_label))[
        ["outcome", "label", "rows"]
    ].rename(
        columns={"outcome": t("Outcome"), "label": t("Reason"), "rows": t("Rows")}
    ),
)


def _rows_csv(reason: str, repair: str) -> bytes:
    """The rows of one group of the counts, made only when downloaded."""
    rows = report.rows_for(reason, exact=True, repair=repair)
    return rows.to_csv(index=False).encode("utf-8-sig")


groups = counts[counts["reason"] != "ok"]
for reason, repair, label, rows in groups[
    ["reason", "repair", "label", "rows"]
].itertuples(index=False):
    name = f"{reason}_{repair}" if repair else reason
    st.download_button(
        t_count(
            int(rows),
            "Download: {label} ({count} row)",
            "Download: {label} ({count} rows)",
            label=label,
        ),
        partial(_rows_csv, reason, repair),
        file_name=f"rows_{name}.csv",
        mime="text/csv",
        key=f"download_{name}",
    )
left, middle, right = st.columns(3)
left.download_button(
    t("Download the whole report (.xlsx)"),
    report.to_excel_bytes,
    file_name="regulars_data_report.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    help=t("One workbook: the summary, the rows per reason and every row."),
)
middle.download_button(
    t("Download every row (.csv)"),
    report.to_csv_bytes,
    file_name="regulars_data_report.csv",
    mime="text/csv",
    help=t("Every row read, with what happened to it and its cells as read."),
)
right.download_button(
    t("Download the counts per reason (.csv)"),
    report.counts_csv_bytes,
    file_name="regulars_data_report_reasons.csv",
    mime="text/csv",
    key="download_reason_counts",
    help=t(
        "The table above as a file of its own: how many rows were kept, kept "
        "after a repair or left out, and why."
    ),
)
