"""The sidebar's download of the current view as a workbook, made only when
clicked (see :mod:`retention.report`)."""

from __future__ import annotations

import streamlit as st

from retention.i18n import t
from retention.report import ReportView, view_report
from ui.surveys import report_nps

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_download(view) -> None:
    """A button that downloads ``view`` (the sidebar's View) as ``.xlsx``."""
    selection = view.selection
    # Read now: the workbook is made after the click, outside this run, where
    # the session (who is looking, which survey) is not at hand.
    nps = report_nps()

    def workbook() -> bytes:
        report = ReportView(
            name=view.source_name,
            orders=view.sales_log.orders,
            selection=selection,
            industry=view.industry,
            nps=nps,
            timezone=view.sales_log.report.timezone,
        )
        return view_report(report)

    st.download_button(
        t("Download this view (.xlsx)"),
        workbook,
        file_name=f"regulars_{selection.period}_{selection.start:%Y-%m-%d}.xlsx",
        mime=XLSX_MIME,
        key="view_report",
        help=t(
            "A workbook to send: the headline figures with their definitions, "
            "retention per period, cohorts, customer value and NPS, each with a "
            "chart and the settings used."
        ),
    )
