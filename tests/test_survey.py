"""Survey files: read with the sales log's reader, columns found, one row per response."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest

from retention.survey import (
    SurveyColumns,
    detect_survey_columns,
    read_survey,
    survey_responses,
)


def survey_file(text: str, name: str = "answers.csv", encoding: str = "utf-8"):
    return read_survey((name, text.encode(encoding)))


# Reading


def test_a_windows_1250_export_reads_its_accented_headers_and_names():
    survey = survey_file(
        "Vásárló;Mennyire ajánlaná?;Üzlet\nŐrs Gábor;9;Győr\nŰrsula;10;Pécs\n",
        encoding="cp1250",
    )

    assert list(survey.table.columns) == ["Vásárló", "Mennyire ajánlaná?", "Üzlet"]
    assert survey.table["Vásárló"].tolist() == ["Őrs Gábor", "Űrsula"]
    assert any("cp1250" in notice for notice in survey.notices)


def test_title_rows_above_the_header_are_skipped_and_rows_keep_their_number():
    survey = survey_file("Feedback export March\n\nid,score\nA,9\nB,11\n")

    assert list(survey.table.columns) == ["id", "score"]
    assert survey.table.index.tolist() == [4, 5]
    assert survey_responses(survey).invalid["row"].tolist() == [5]


def test_an_xlsx_survey_keeps_whole_numbers_and_reports_fractions(tmp_path):
    path = tmp_path / "survey.xlsx"
    pd.DataFrame(
        {
            "Date": pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-03"]),
            "How likely to recommend": [10, 6.5, None],
        }
    ).to_excel(path, index=False)

    responses = survey_responses(read_survey(path))

    assert responses.table["status"].tolist() == ["answer", "invalid", "blank"]
    assert responses.table["row"].tolist() == [2, 3, 4]
    assert responses.table["date"].iloc[0] == pd.Timestamp("2024-03-01")


def test_a_file_that_is_not_a_survey_is_refused_with_its_name():
    with pytest.raises(ValueError, match="notes.pdf"):
        read_survey(("notes.pdf", b"%PDF-1.4 ..."))


# Finding the columns

CAFE_SURVEY = (
    "Submitted at,Email,Shop,How likely are you to recommend us?,Anything else?\n"
    "2024-03-01 09:10,Anna@Example.com,Main Street,10,Lovely cinnamon rolls every time\n"
    "2024-03-02 10:00,bela@example.com,Station,6,The queue was far too long today\n"
    "2024-03-09 11:30,,Main Street,N/A,\n"
    "2024-04-03 08:05,cili@example.com ,Station,8,Good coffee but the music is loud\n"
)


def test_all_five_columns_of_a_cafe_survey_are_found():
    columns = detect_survey_columns(survey_file(CAFE_SURVEY).table)

    assert columns == SurveyColumns(
        score="How likely are you to recommend us?",
        date="Submitted at",
        customer="Email",
        location="Shop",
        comment="Anything else?",
    )


def test_a_column_of_emails_is_the_customer_even_without_a_telling_header():
    table = pd.DataFrame(
        {"score": ["9", "3"], "contact": ["a@x.hu", "b@y.hu"], "note": ["", ""]}
    )

    assert detect_survey_columns(table).customer == "contact"


def test_likert_items_in_words_are_not_taken_for_comments():
    table = pd.DataFrame(
        {
            "NPS": ["9", "8", "10", "7"],
            "Feedback on trainers": ["Strongly agree"] * 2 + ["Somewhat agree"] * 2,
        }
    )

    assert detect_survey_columns(table).comment is None


def test_workshop_is_not_a_shop_and_member_site_is_not_a_customer(shared_dir):
    path = shared_dir / "data" / "nps_carpentries" / "20180908_post_clean.csv"

    columns = detect_survey_columns(read_survey(path).table)

    assert columns == SurveyColumns(score="LikelyToRecommend", date="Date")


def test_the_country_of_a_long_term_survey_is_its_location(shared_dir):
    path = shared_dir / "data" / "nps_carpentries" / "longterm_data_20170701.csv"

    columns = detect_survey_columns(read_survey(path).table)

    assert (columns.score, columns.location) == ("Likely-To-Recommend", "Country")


# The responses table


def test_responses_carry_score_group_date_customer_location_and_comment():
    responses = survey_responses(survey_file(CAFE_SURVEY))
    table = responses.table

    assert table["row"].tolist() == [2, 3, 4, 5]
    assert table["score"].tolist()[:2] == [10, 6]
    assert table["status"].tolist() == ["answer", "answer", "blank", "answer"]
    assert table["group"].tolist()[:2] == ["promoter", "detractor"]
    # emails lose case and spaces, as in the sales log
    assert table["customer_id"].tolist()[0] == "anna@example.com"
    assert table["customer_id"].tolist()[3] == "cili@example.com"
    assert pd.isna(table["customer_id"].iloc[2])
    assert table["location"].tolist() == [
        "Main Street",
        "Station",
        "Main Street",
        "Station",
    ]
    assert table["date"].iloc[3] == pd.Timestamp("2024-04-03 08:05")


def test_f16_rows_are_reported_with_their_spreadsheet_row(cases_dir):
    responses = survey_responses(read_survey(cases_dir / "F16_nps_invalid_scores.csv"))
    result = responses.result()

    assert responses.invalid["row"].tolist() == [4, 5, 7, 8]
    assert responses.invalid["value"].tolist() == ["6.5", "8.5", "11", "-1"]
    assert responses.invalid["reason"].tolist() == [
        "not a whole number",
        "not a whole number",
        "outside the 0-10 scale",
        "outside the 0-10 scale",
    ]
    assert (result.answered, result.nps) == (4, 25.0)
    assert result.invalid["row"].tolist() == [4, 5, 7, 8]


def test_a_real_one_to_five_survey_is_not_given_an_nps(shared_dir):
    """Starbucks customers rated 1-5; the detector may pick the 'how likely'
    item, but no NPS comes out of it until someone confirms a 0-10 scale."""
    path = (
        shared_dir
        / "data"
        / "satisfaction_surveys"
        / "Starbucks satisfactory survey.csv"
    )

    result = survey_responses(read_survey(path)).result()

    assert result.nps is None
    assert result.needs_scale_confirmation
    assert "between 1 and 5" in result.scale_warning


def test_without_a_score_column_the_message_says_what_to_choose():
    table = pd.DataFrame({"visits": ["1", "2"]})

    with pytest.raises(ValueError, match="recommend"):
        survey_responses(table)


def test_unreadable_dates_are_counted_in_a_notice():
    table = pd.DataFrame(
        {"date": ["2024-01-05", "someday", ""], "score": ["9", "7", "3"]},
        index=pd.Index([2, 3, 4], name="row"),
    )

    responses = survey_responses(table, SurveyColumns(score="score", date="date"))

    assert responses.table["date"].isna().tolist() == [False, True, True]
    assert any(
        "1 response date could not be read; that answer counts" in notice
        for notice in responses.notices
    )


@pytest.mark.parametrize(
    "header", ["comment", "Comments", "Megjegyzés", "megjegyzések"]
)
def test_a_column_headed_comment_holds_the_comments_even_when_they_are_short(header):
    table = pd.DataFrame(
        {
            "email": ["a@example.com", "b@example.com", "c@example.com", "d@x.hu"],
            "How likely are you to recommend us?": ["10", "9", "3", "8"],
            header: ["nice coffee", "nice coffee", "Too slow", "Great!"],
        }
    )

    assert detect_survey_columns(table).comment == header


def test_short_repeated_words_under_a_longer_header_are_not_comments():
    table = pd.DataFrame(
        {"NPS": ["9", "8", "10", "7"], "Comment on service": ["Good"] * 4}
    )

    assert detect_survey_columns(table).comment is None


# The comment column: an exact header first, never the score, a date or an id

SCORE = "How likely are you to recommend us?"


@pytest.mark.parametrize(
    "header",
    ["Why?", "Reason", "Feedback", "Your comments", "Comments (optional)",
     "Indoklás", "Vélemény", "miért?"],
)  # fmt: skip
def test_a_column_headed_exactly_as_a_comment_holds_short_comments(header):
    table = pd.DataFrame(
        {SCORE: ["10", "9", "3", "8"], header: ["Price", "Staff", "Slow", "Price"]}
    )

    assert detect_survey_columns(table).comment == header


def test_a_column_headed_comments_wins_over_one_that_only_mentions_the_word():
    table = pd.DataFrame(
        {
            SCORE: ["10", "9", "3", "8"],
            "What could we improve?": [
                "Open earlier on Saturdays please",
                "More gluten free choices would help",
                "Faster service at lunchtime, the queue is long",
                "Nothing really, keep going as you are",
            ],
            "Comments": ["Great!", "Lovely", "Too slow", "Fine"],
        }
    )

    assert detect_survey_columns(table).comment == "Comments"


def test_a_feedback_id_column_of_codes_is_not_the_comment():
    table = pd.DataFrame(
        {
            "Feedback ID": [
                "3f2b8c1e-7a4d-4e0b-9c61-2d5f0a9e1b77",
                "a81c0d2e-55b9-4f3a-8e27-6b1d9c4f0a12",
                "0c9e7f31-2b6a-4d85-a0f4-91e3c7b2d566",
                "d4a61b90-8f2e-43c7-b5d1-7e0a3c9f2b48",
            ],
            SCORE: ["10", "9", "3", "8"],
            "Feedback": ["Great!", "Lovely", "Too slow", "Fine"],
        }
    )

    assert detect_survey_columns(table).comment == "Feedback"


def test_a_column_of_response_numbers_or_dates_is_never_the_comment():
    table = pd.DataFrame(
        {
            "Feedback ref": ["FB-000121", "FB-000122", "FB-000123", "FB-000124"],
            "Feedback received": [
                "2024-03-01 09:10:11",
                "2024-03-02 10:00:54",
                "2024-03-09 11:30:02",
                "2024-04-03 08:05:40",
            ],
            SCORE: ["10", "9", "3", "8"],
        }
    )

    assert detect_survey_columns(table).comment is None


def test_a_score_column_headed_feedback_is_not_the_comment():
    table = pd.DataFrame({"Feedback (0-10)": ["10", "9", "3", "8", "7"]})

    columns = detect_survey_columns(table)

    assert columns.comment is None


def test_a_hungarian_header_written_with_separate_accents_is_a_comment_header():
    header = unicodedata.normalize("NFD", "Megjegyzés")
    table = pd.DataFrame({SCORE: ["10", "9", "3"], header: ["Jó", "Lassú", "Drága"]})

    assert detect_survey_columns(table).comment == header
