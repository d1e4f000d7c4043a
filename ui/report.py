"""The sidebar's download of the current view as a workbook, made only when
clicked (see :mod:`retention.report`)."""

from __future__ import annotations

import streamlit as st

from retention.i18n import t
from retention.nps import NPSResult
from retention.report import ReportView, view_report
from ui import data
from ui.access import current_access

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def current_nps() -> NPSResult | None:
    """The NPS of the owner's current survey (the sample until one is
    uploaded); None for a partner, whose link holds no survey, or when the
    survey gives no NPS."""
    if current_access().is_partner:
        return None
    source = data.current_survey_source()
    try:
        survey = data.load_survey(source.name, source.content)
        result = data.responses(survey, data.survey_columns(survey)).result()
    except ValueError:
        return None
    return result if result.nps is not None else None


def report_download(view) -> None:
    """A button that downloads ``view`` (the sidebar's View) as ``.xlsx``."""
    selection = view.selection

    def workbook() -> bytes:
        report = ReportView(
            name=view.source_name,
            orders=view.sales_log.orders,
            selection=selection,
            industry=view.industry,
            nps=current_nps(),
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
