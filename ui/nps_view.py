"""The NPS page's widgets and tables: the column form, and the package's NPS
frames written out for people (names translated, numbers formatted). Nothing
here computes a figure."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from retention.i18n import t
from retention.nps import NPSResult, format_nps, group_names
from retention.nps_purchases import PurchaseLink
from retention.survey import OPTIONAL_ROLES, SurveyColumns, SurveyFile
from ui import data
from ui.show import money, number, percent


def role_names() -> dict[str, str]:
    return {
        "score": t("Score (0-10)"),
        "date": t("Date"),
        "customer": t("Customer id or email"),
        "location": t("Shop or location"),
        "comment": t("Comment"),
    }


def role_key(survey: SurveyFile, role: str) -> str:
    """The widget key of a column choice, one per file so that a new file
    starts from what was detected in it."""
    return f"survey_role_{role}_{survey.content_hash[:12]}"


def _remember(survey: SurveyFile, roles: tuple[str, ...]) -> None:
    chosen = {role: st.session_state[role_key(survey, role)] for role in roles}
    data.choose_survey_columns(survey, chosen)


def survey_column_form(survey: SurveyFile, detected: SurveyColumns) -> SurveyColumns:
    """Selectboxes for each column, preset to what was detected or chosen."""
    columns = list(survey.table.columns)
    roles = ("score", *OPTIONAL_ROLES)
    names = role_names()
    boxes = st.columns(len(roles))
    for box, role in zip(boxes, roles, strict=True):
        options = [None, *columns]
        current = getattr(detected, role)
        box.selectbox(
            names[role],
            options,
            index=options.index(current) if current in options else 0,
            format_func=lambda column: t("(none)") if column is None else column,
            key=role_key(survey, role),
            on_change=_remember,
            args=(survey, roles),
        )
    return data.survey_columns(survey)


def detail_table(result: NPSResult) -> pd.DataFrame:
    """Every count and share with its exact value, for the details section."""
    answered = result.answered
    rows = [
        (t("Answers (valid 0-10 scores)"), number(answered), ""),
        (t("Blank cells (not answers)"), number(result.blank), ""),
        (t("Invalid values (left out)"), number(len(result.invalid)), ""),
    ]
    for name, count in zip(
        group_names().values(),
        (result.promoters, result.passives, result.detractors),
        strict=True,
    ):
        rows.append((name, number(count), f"{count * 100 / answered:.4f} %"))
    rows += [
        (
            t("Net Promoter Score"),
            format_nps(result.nps),
            t(
                "({promoters} − {detractors}) / {answered} × 100 = {exact:.4f}",
                promoters=result.promoters,
                detractors=result.detractors,
                answered=answered,
                exact=result.nps,
            ),
        ),
        (
            t("Margin of error (95 %)"),
            t("± {margin}", margin=number(result.margin_of_error, 1)),
            f"{result.margin_of_error:.4f}",
        ),
    ]
    return pd.DataFrame(rows, columns=[t("Figure"), t("Shown"), t("Exact")])


def breakdown_display(table: pd.DataFrame, key: str, key_name: str) -> pd.DataFrame:
    """A per-period or per-location table written out for people."""
    shown = pd.DataFrame({key_name: table[key]})
    shown[t("Answers")] = table["answered"]
    shown["NPS"] = [
        format_nps(value) if pd.notna(value) else "–" for value in table["nps"]
    ]
    shown[t("± (95 %)")] = [
        number(value, 1) if pd.notna(value) else "–"
        for value in table["margin_of_error"]
    ]
    shown[t("Promoters")] = table["promoters"]
    shown[t("Passives")] = table["passives"]
    shown[t("Detractors")] = table["detractors"]
    shown[t("Reliable?")] = [
        t("no answers") if n == 0 else t("too few answers") if few else t("yes")
        for n, few in zip(table["answered"], table["too_few"], strict=True)
    ]
    return shown


def purchase_comparison(link: PurchaseLink) -> pd.DataFrame:
    """Promoters, passives and detractors side by side, one figure per row."""
    groups = link.groups.set_index("group")
    figures = [
        (t("Customers matched"), "customers", number),
        (t("Still buying"), "retention", percent),
        (t("Stopped buying"), "stopped_share", percent),
        (t("Orders per customer"), "purchase_frequency", lambda v: number(v, 2)),
        (t("Orders per customer per year"), "annual_frequency", lambda v: number(v, 2)),
        (t("Average order value"), "aov", money),
        (t("Customer lifetime value"), "clv", money),
    ]
    shown = {t("Figure"): [name for name, _, _ in figures]}
    for group, label in group_names().items():
        shown[label] = [
            write(groups.loc[group, column]) for _, column, write in figures
        ]
    return pd.DataFrame(shown)


def comment_display(found: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("Row"): found["row"],
            t("Date"): found["date"].dt.strftime("%Y-%m-%d").fillna(""),
            t("Score"): found["score"],
            t("Group"): found["group_label"].fillna(t("no valid score")),
            t("Location"): found["location"],
            t("Comment"): found["comment"],
        }
    )


def invalid_display(invalid: pd.DataFrame) -> pd.DataFrame:
    return invalid.rename(
        columns={"row": t("Row"), "value": t("Written"), "reason": t("Why")}
    )


def unmatched_display(unmatched: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("Row"): unmatched["row"],
            t("Customer id or email"): unmatched["customer_id"],
            t("Score"): unmatched["score"],
            t("Group"): unmatched["group"].map(group_names()),
        }
    )
