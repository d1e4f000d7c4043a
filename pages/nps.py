"""NPS: survey answers (0-10) as promoters, passives and detractors."""

import streamlit as st

from retention.charts import score_distribution_chart
from retention.i18n import t
from retention.nps import (
    detect_score_column,
    format_nps,
    net_promoter_score,
    score_distribution,
)
from ui import data
from ui.show import number, percent

st.title(t("Would your customers recommend you?"))
st.file_uploader(
    t(
        "Survey answers (.xlsx or .csv) with a 0-10 “how likely are you to recommend "
        "us” column"
    ),
    type=["xlsx", "xlsm", "csv", "txt"],
    key=data.SURVEY_KEY,
)
source = data.current_survey_source()
if source.is_sample:
    st.caption(
        t(
            "Showing the sample: The Carpentries' instructor-training survey "
            "(CC BY 4.0)."
        )
    )
try:
    survey = data.load_survey(source.name, source.content)
except ValueError as error:
    st.error(str(error))
    st.stop()

columns = list(survey.columns)
detected = detect_score_column(survey)
score_column = st.selectbox(
    t("Column with the 0-10 score"),
    columns,
    index=columns.index(detected) if detected in columns else 0,
)
result = net_promoter_score(survey[score_column])
if result.needs_scale_confirmation:
    st.warning(result.scale_warning)
    if st.checkbox(t("This was a 0-10 question: compute the NPS anyway")):
        result = net_promoter_score(survey[score_column], confirmed_scale=True)
    elif result.mean_score is not None:
        st.metric(t("Mean rating"), number(result.mean_score, 2))
        st.stop()

if result.nps is None:
    st.info(t("No valid 0-10 answers in this column."))
    st.stop()

share = 100 / result.answered
nps_col, promoters, passives, detractors = st.columns(4)
nps_col.metric(
    t("Net Promoter Score"),
    format_nps(result.nps),
    help=t(
        "± {margin} points (95 % margin of error)",
        margin=number(result.margin_of_error, 1),
    ),
)
promoters.metric(
    t("Promoters (9-10)"),
    number(result.promoters),
    delta=percent(result.promoters * share),
    delta_color="off",
)
passives.metric(
    t("Passives (7-8)"),
    number(result.passives),
    delta=percent(result.passives * share),
    delta_color="off",
)
detractors.metric(
    t("Detractors (0-6)"),
    number(result.detractors),
    delta=percent(result.detractors * share),
    delta_color="off",
)
st.caption(
    t(
        "NPS = % promoters − % detractors over {answered} answers: exactly "
        "{exact}, ± {margin} points (95 %). {blank} blank cells are not answers; "
        "{invalid} invalid values are left out.",
        answered=number(result.answered),
        exact=f"{result.nps:.2f}",
        margin=number(result.margin_of_error, 1),
        blank=number(result.blank),
        invalid=number(len(result.invalid)),
    )
)
st.altair_chart(
    score_distribution_chart(score_distribution(result)), use_container_width=True
)
if len(result.invalid):
    st.subheader(t("Invalid answers"))
    st.dataframe(result.invalid, hide_index=True)
    st.download_button(
        t("Download the invalid answers (.csv)"),
        result.invalid.to_csv(index=False).encode("utf-8"),
        file_name="invalid_answers.csv",
        mime="text/csv",
    )
