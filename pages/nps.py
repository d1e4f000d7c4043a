"""NPS: survey answers (0-10) as promoters, passives and detractors, with the
margin of error, benchmarks, trends, places, comments and what each group buys."""

import streamlit as st

from retention.charts import (
    GAUGE_HEIGHT,
    nps_benchmark_chart,
    nps_location_chart,
    nps_period_chart,
    score_distribution_chart,
)
from retention.i18n import t, t_count
from retention.nps import (
    MIN_ANSWERS,
    format_nps,
    score_distribution,
    shown_interval,
)
from retention.nps_benchmarks import benchmark_caption, nps_benchmark_range
from retention.nps_breakdown import comments, nps_by_location, nps_by_period
from retention.nps_purchases import link_purchases
from retention.periods import day_text, period_names
from ui import data, show, surveys
from ui.access import current_access, require_app_frame
from ui.nps_view import (
    breakdown_display,
    comment_display,
    detail_table,
    invalid_display,
    purchase_comparison,
    role_names,
    survey_column_form,
    unmatched_display,
)
from ui.show import is_missing, number, percent
from ui.sidebar import current_view


def _view():
    try:
        return current_view()
    except ValueError:
        return None


def _owner_survey():
    st.file_uploader(
        t(
            "Survey answers (.xlsx, .xls, .ods or .csv) with a 0-10 “how likely "
            "are you to recommend us” column"
        ),
        type=["xlsx", "xlsm", "xls", "ods", "csv", "txt", "tsv"],
        key=data.SURVEY_KEY,
        on_change=data.keep_survey_upload,
    )
    try:
        shown = surveys.owner_survey()
    except ValueError as error:
        st.error(str(error))
        st.stop()
    if shown.kind == surveys.SAMPLE:
        st.caption(
            t(
                "Showing the sample: The Carpentries' instructor-training survey "
                "(CC BY 4.0). Upload your own answers above."
            )
        )
    elif shown.kind == surveys.SAVED or st.session_state.get(data.SURVEY_KEY) is None:
        caption, back = st.columns([3, 1])
        caption.caption(t("Showing your survey: {name}", name=shown.survey.name))
        back.button(t("Back to the sample"), on_click=surveys.remove_survey)
    return shown


def _saved_caption(dataset_name):
    if dataset_name is None:
        st.caption(
            t(
                "Not saved: a survey is saved with the sales log it goes with. "
                "Upload your sales log in the sidebar to keep these answers and "
                "share them."
            )
        )
        return
    st.caption(
        t(
            "Saved with “{name}”: its share links show these answers (customer "
            "emails and phone numbers masked when the link masks them). Back to "
            "the sample takes them off.",
            name=dataset_name,
        )
    )


def _partner_survey():
    found = surveys.shared_survey()
    if found is None:
        st.info(t("No survey answers are saved with this dataset."))
        st.stop()
    columns = found.responses.columns
    used = ", ".join(
        f"{name}: “{getattr(columns, role)}”"
        for role, name in role_names().items()
        if getattr(columns, role) is not None
    )
    st.caption(
        t(
            "The survey saved with this dataset: {name}. Columns used: {columns}.",
            name=found.name,
            columns=used,
        )
    )
    return found


def _scale_checked(responses, confirmed, can_confirm):
    result = responses.result(confirmed_scale=confirmed)
    if not result.needs_scale_confirmation:
        return result
    st.warning(result.scale_warning)
    if can_confirm and st.checkbox(
        t("Yes, it was asked on a 0-10 scale: compute the NPS"),
        key=surveys.CONFIRMED_KEY,
    ):
        return responses.result(confirmed_scale=True)
    st.metric(t("Mean rating"), number(result.mean_score, 2))
    st.info(
        t(
            "An NPS needs the 0-10 question. A 1-5 or 1-7 rating cannot be turned into one honestly, so none is shown."
        )
    )
    st.stop()


def _headline(result):
    share = 100 / result.answered
    margin, low, high = shown_interval(result.nps, result.margin_of_error)
    nps_col, promoters, passives, detractors = st.columns(4)
    nps_col.metric(
        t("Net Promoter Score"),
        format_nps(result.nps),
        delta=_points("± {margin} point", "± {margin} points", margin),
        delta_color="off",
        delta_arrow="off",
    )
    for column, name, count in (
        (promoters, t("Promoters (9-10)"), result.promoters),
        (passives, t("Passives (7-8)"), result.passives),
        (detractors, t("Detractors (0-6)"), result.detractors),
    ):
        column.metric(
            name,
            percent(count * share),
            delta=t_count(count, "{count} answer", "{count} answers"),
            delta_color="off",
            delta_arrow="off",
        )
    st.markdown(
        t(
            "Of {answers}, {promoters} would recommend you (9 or 10) and {detractors} would not (0 to 6). NPS = % promoters − % detractors = **{nps}**. With this many answers the true figure is most likely between **{low}** and **{high}** (95 % margin of error).",
            answers=t_count(
                result.answered, "**{count}** answer", "**{count}** answers"
            ),
            promoters=percent(result.promoters * share),
            detractors=percent(result.detractors * share),
            nps=format_nps(result.nps),
            low=format_nps(low),
            high=format_nps(high),
        )
    )
    _not_counted(result)
    if result.answered < MIN_ANSWERS:
        st.warning(
            t_count(
                result.answered,
                "Only {count} answer: an NPS from fewer than {minimum} answers can move a long way by chance. Read it as a first impression and collect more answers.",
                "Only {count} answers: an NPS from fewer than {minimum} answers can move a long way by chance. Read it as a first impression and collect more answers.",
                minimum=MIN_ANSWERS,
            )
        )


def _not_counted(result):
    reasons = result.not_counted()
    if not reasons:
        return
    listed = ", ".join(f"{number(rows)} {reason}" for reason, rows in reasons)
    if len(result.invalid):
        one = "{count} of {rows} rows was not counted: {reasons}; see Details."
        other = "{count} of {rows} rows were not counted: {reasons}; see Details."
    else:
        one = "{count} of {rows} rows was not counted: {reasons}."
        other = "{count} of {rows} rows were not counted: {reasons}."
    left_out = result.rows - result.answered
    st.markdown(t_count(left_out, one, other, rows=number(result.rows), reasons=listed))


def _comparison(result, band, target):
    parts = []
    if band is not None:
        low, high = band
        place = (
            t("below")
            if result.nps < low
            else t("above")
            if result.nps > high
            else t("within")
        )
        parts.append(
            t(
                "Your {nps} is {place} the range published for your industry ({low:+.0f} to {high:+.0f}).",
                nps=format_nps(result.nps),
                place=place,
                low=low,
                high=high,
            )
        )
    if target is not None:
        gap = result.nps - target
        parts.append(
            _points(
                "Your target is {target:+.0f}: you are {margin} point {side} it.",
                "Your target is {target:+.0f}: you are {margin} points {side} it.",
                abs(gap),
                target=target,
                side=t("above") if gap >= 0 else t("below"),
            )
        )
    if parts:
        st.caption(" ".join(parts))


def _over_time(responses, period, band, band_label, target):
    if responses.columns.date is None:
        st.info(
            t(
                "Choose the column with the date of each answer to see the NPS over time."
            )
        )
        return
    table = nps_by_period(responses, period)
    if table.empty:
        st.info(t("None of the answers has a date that could be read."))
        return
    st.caption(
        t(
            "NPS per {period} (the sidebar's period) with its 95 % margin of error as a bar. Hollow grey points have fewer than {minimum} answers: their figure is too uncertain to read as exact (with so few, the margin can even read 0 when everyone gave the same kind of answer), so the line skips them. The grey band is the range of published figures for your industry; the dashed line is your target.",
            period=period_names()[period].lower(),
            minimum=MIN_ANSWERS,
        )
    )
    st.altair_chart(nps_period_chart(table, band, band_label, target), width="stretch")
    show.table(breakdown_display(table, "label", t("Period")))


def _by_location(responses, band, band_label, target):
    if responses.columns.location is None:
        st.info(t("Choose the column with the shop or location to compare places."))
        return
    table = nps_by_location(responses)
    st.altair_chart(
        nps_location_chart(table, band, band_label, target), width="stretch"
    )
    show.table(breakdown_display(table, "location", t("Location")))


def _purchases(responses, view):
    if responses.columns.customer is None:
        st.info(
            t(
                "Choose the column with the customer id or email to see what promoters, passives and detractors buy. It is matched with the customer column of your sales log."
            )
        )
        return
    if view is None:
        st.info(t("The sales log could not be read: see the message in the sidebar."))
        return
    selection = view.selection
    link = link_purchases(
        responses,
        view.sales_log.orders,
        period=selection.period,
        window=selection.window,
    )
    found = t_count(
        link.with_id,
        "**{matched}** of {count} answer with a customer id or email was found in your sales log (match rate {rate}).",
        "**{matched}** of {count} answers with a customer id or email were found in your sales log (match rate {rate}).",
        matched=number(link.matched),
        rate=percent(link.match_rate),
    )
    if not link.with_id:
        found = t("No answer carries a customer id or email.")
    elif link.without_id:
        found += " " + t_count(
            link.without_id,
            "{count} answer carries no id.",
            "{count} answers carry no id.",
        )
    st.markdown(found)
    if link.matched:
        detractors = link.groups.set_index("group").loc["detractor"]
        if detractors["customers"]:
            st.metric(
                t("Detractors who stopped buying"),
                percent(detractors["stopped_share"]),
                delta=t(
                    "{stopped} of {customers}",
                    stopped=number(detractors["stopped"]),
                    customers=number(detractors["customers"]),
                ),
                delta_color="off",
                delta_arrow="off",
            )
        show.table(purchase_comparison(link))
        st.caption(
            t(
                "Still buying: bought on or after {since}, the start of {window} (the sidebar's activity window). A customer who answered twice counts once, with the latest answer. {clv}",
                since=day_text(link.active_since),
                window=t_count(
                    selection.window,
                    "the last complete period of the sales log",
                    "the last {count} complete periods of the sales log",
                ),
                clv=_clv_rule(link.lifespan_years),
            )
        )
    if len(link.unmatched):
        st.markdown(t("**Answers whose customer is not in the sales log**"))
        show.table(unmatched_display(link.unmatched), plain=(t("Row"), t("Score")))
        st.download_button(
            t("Download the unmatched answers (.csv)"),
            link.unmatched.to_csv(index=False).encode("utf-8"),
            file_name="unmatched_answers.csv",
            mime="text/csv",
        )


def _points(one: str, other: str, margin: float, **values) -> str:
    """A sentence with a number of NPS points, written as the NPS is (``12``),
    singular when it reads 1."""
    shown = format_nps(margin)
    return t(one if shown == "1" else other, margin=shown, **values)


def _clv_rule(lifespan_years):
    if is_missing(lifespan_years):
        return t(
            "CLV = average order value × orders per year × lifespan; the lifespan cannot be measured yet (the sales log holds too little history or no customer was lost), so there is no CLV."
        )
    return t(
        "CLV = average order value × orders per year × lifespan ({lifespan} years, the same for every group).",
        lifespan=number(lifespan_years, 1),
    )


def _comments(responses):
    if responses.columns.comment is None:
        st.info(t("Choose the column with the customers' comments to read them here."))
        return
    search_box, group_box = st.columns([2, 1])
    search = search_box.text_input(t("Search the comments"), key="nps_comment_search")
    names = {
        "promoter": t("Promoters"),
        "passive": t("Passives"),
        "detractor": t("Detractors"),
    }
    groups = group_box.multiselect(
        t("From"),
        list(names),
        default=list(names),
        format_func=names.get,
        key="nps_comment_groups",
    )
    found = comments(responses, search, tuple(groups))
    st.caption(t_count(len(found), "{count} comment", "{count} comments"))
    show.table(comment_display(found), plain=(t("Row"), t("Score")))


def _invalid_answers(result):
    if not len(result.invalid):
        return
    st.markdown(
        t(
            "**Not counted: {count}**. These scores are not whole numbers from 0 to 10, so they are left out of every share. Correct them in your file, or leave them out.",
            count=len(result.invalid),
        )
    )
    show.table(invalid_display(result.invalid), plain=(t("Row"),))
    st.download_button(
        t("Download the invalid answers (.csv)"),
        result.invalid.to_csv(index=False).encode("utf-8"),
        file_name="invalid_answers.csv",
        mime="text/csv",
    )


def _details(result, responses):
    show.table(detail_table(result))
    for notice in responses.notices:
        st.caption(notice)
    _invalid_answers(result)


def _owner_responses():
    shown = _owner_survey()
    survey = shown.survey
    with st.expander(t("Columns used"), expanded=shown.kind != surveys.SAMPLE):
        st.caption(
            t(
                "Regulars guessed which column holds what. Check the score column and correct any guess; every figure on this page follows."
            )
        )
        columns = survey_column_form(survey, data.survey_columns(survey))
    try:
        responses = data.responses(survey, columns)
    except ValueError as error:
        st.error(str(error))
        st.stop()
    if shown.confirmed_scale:
        st.session_state.setdefault(surveys.CONFIRMED_KEY, True)
    confirmed = st.session_state.get(surveys.CONFIRMED_KEY, False)
    result = _scale_checked(responses, confirmed, can_confirm=True)
    if shown.kind != surveys.SAMPLE:
        confirmed = result.scale_confirmed
        _saved_caption(surveys.save_with_dataset(shown, responses, confirmed))
    return responses, result


def _partner_responses():
    found = _partner_survey()
    responses = found.responses
    return responses, _scale_checked(responses, found.confirmed_scale, False)


require_app_frame()
st.title(t("Would your customers recommend you?"))
view = _view()
if current_access().is_partner:
    responses, result = _partner_responses()
else:
    responses, result = _owner_responses()
if result.nps is None:
    st.info(t("No valid 0-10 answers in this column."))
    _invalid_answers(result)
    st.stop()

industry = view.industry if view is not None else "retail"
band = nps_benchmark_range(industry)
band_label = benchmark_caption(industry)
_headline(result)
benchmark_column, target_column = st.columns([3, 1])
target = target_column.number_input(
    t("Your own NPS target"),
    min_value=-100,
    max_value=100,
    value=None,
    step=5,
    key="nps_target",
)
with benchmark_column:
    st.altair_chart(
        nps_benchmark_chart(
            result.nps, result.margin_of_error, band, band_label, target
        ),
        width="stretch",
        height=GAUGE_HEIGHT * 2,
    )
    _comparison(result, band, target)
    st.caption(band_label)
st.altair_chart(score_distribution_chart(score_distribution(result)), width="stretch")

period = view.selection.period if view is not None else "month"
tabs = st.tabs(
    [t("Over time"), t("By location"), t("Purchases"), t("Comments"), t("Details")]
)
with tabs[0]:
    _over_time(responses, period, band, band_label, target)
with tabs[1]:
    _by_location(responses, band, band_label, target)
with tabs[2]:
    _purchases(responses, view)
with tabs[3]:
    _comments(responses)
with tabs[4]:
    _details(result, responses)
