"""NPS: hand-worked answers, the field cases F16 and F17, and real Carpentries surveys."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retention.nps import (
    detect_score_column,
    format_nps,
    net_promoter_score,
    round_half_away_from_zero,
    score_distribution,
)
from retention.survey import read_survey, survey_responses

REPO_ROOT = Path(__file__).resolve().parents[1]


def direct_margin_of_error(promoters: int, detractors: int, answered: int) -> float:
    p_pro, p_det = promoters / answered, detractors / answered
    return 1.96 * math.sqrt((p_pro + p_det - (p_pro - p_det) ** 2) / answered) * 100


# Hand-worked answers


def test_ten_answers_worked_by_hand_give_plus_20():
    result = net_promoter_score([10, 10, 9, 9, 9, 8, 7, 6, 3, 0])

    assert (result.promoters, result.passives, result.detractors) == (5, 2, 3)
    assert result.answered == 10
    assert result.nps == pytest.approx(20.0)


def test_sixty_percent_promoters_and_fifteen_percent_detractors_give_45():
    result = net_promoter_score([10] * 12 + [8] * 5 + [3] * 3)

    assert result.answered == 20
    assert result.nps == pytest.approx(45.0)
    assert format_nps(result.nps) == "45"


def test_nps_uses_unrounded_shares():
    # 1/3 promoters, 0 detractors: 33.333..., not 33 from a rounded share
    result = net_promoter_score([10, 8, 8])

    assert result.nps == pytest.approx(100 / 3)


def test_blanks_are_not_answers_and_stay_out_of_the_denominator():
    result = net_promoter_score([10, "", "N/A", "n/a", "-", " ", None, float("nan"), 0])

    assert result.answered == 2
    assert result.blank == 7
    assert result.invalid.empty
    assert result.nps == pytest.approx(0.0)


def test_whole_numbers_written_as_decimals_or_text_are_answers():
    result = net_promoter_score(["9", " 10 ", "7.0", 8.0, "6,0"])

    assert (result.promoters, result.passives, result.detractors) == (2, 2, 1)
    assert result.invalid.empty


def test_text_and_fractions_are_reported_with_their_row_numbered_from_one():
    result = net_promoter_score([10, "ten", 7.5, True, 9])

    assert result.invalid["row"].tolist() == [2, 3, 4]
    assert result.invalid["value"].tolist() == ["ten", "7.5", "True"]
    assert result.invalid["reason"].tolist() == [
        "not a number",
        "not a whole number",
        "not a number",
    ]
    assert result.answered == 2


def test_no_answers_gives_no_nps_rather_than_zero():
    result = net_promoter_score(["", None])

    assert result.answered == 0
    assert result.nps is None
    assert result.margin_of_error is None
    assert format_nps(result.nps) == "n/a"


# Field cases


def test_f16_invalid_scores_are_reported_and_left_out_of_the_denominator(cases_dir):
    table = read_survey(cases_dir / "F16_nps_invalid_scores.csv").table
    column = detect_score_column(table)
    result = net_promoter_score(table[column])

    assert column == "score"
    assert result.answered == 4
    assert (result.promoters, result.passives, result.detractors) == (2, 1, 1)
    assert result.nps == pytest.approx(25.0)
    # rows are numbered as in a spreadsheet: header row 1, R01 on row 2
    assert result.invalid["row"].tolist() == [4, 5, 7, 8]
    invalid_ids = table.loc[result.invalid["row"], "response_id"].tolist()
    assert invalid_ids == ["R03", "R04", "R06", "R07"]
    assert result.invalid["value"].tolist() == ["6.5", "8.5", "11", "-1"]
    assert result.promoters + result.passives + result.detractors == result.answered


def test_f17_a_one_to_five_rating_gives_no_nps_until_the_scale_is_confirmed(
    cases_dir,
):
    table = read_survey(cases_dir / "F17_rating_1_to_5.csv").table
    scores = table[detect_score_column(table)]

    unconfirmed = net_promoter_score(scores)
    confirmed = net_promoter_score(scores, confirmed_scale=True)

    assert unconfirmed.nps is None
    assert unconfirmed.needs_scale_confirmation
    assert "5" in unconfirmed.scale_warning
    assert unconfirmed.highest_score == 5
    assert unconfirmed.mean_score == pytest.approx(4.0)
    assert confirmed.nps == pytest.approx(-100.0)
    assert not confirmed.needs_scale_confirmation


def test_a_0_to_10_survey_with_an_answer_above_7_needs_no_confirmation():
    result = net_promoter_score([8, 3, 5])

    assert result.scale_warning is None
    assert result.nps == pytest.approx(-200 / 3)


# Real surveys: The Carpentries (figures from ../shared/data/nps_carpentries/README.md)

CARPENTRIES = [
    # file, score column, promoters, passives, detractors, blank, NPS to 1 decimal
    ("20180908_post_clean.csv", "LikelyToRecommend", 501, 317, 71, 78, "48.4"),
    ("longterm_data_20170701.csv", "Likely-To-Recommend", 215, 118, 69, 74, "36.3"),
    (
        "20200326-longterm-other_questions-no-open.csv",
        "recommendation_score",
        93,
        32,
        9,
        42,
        "62.7",
    ),
    (
        "2020-12-long-term-other_questions-no-open.csv",
        "recommendation_score",
        49,
        30,
        8,
        0,
        "47.1",
    ),
]


@pytest.mark.parametrize(
    ("file_name", "column", "promoters", "passives", "detractors", "blank", "nps"),
    CARPENTRIES,
)
def test_carpentries_surveys_match_their_published_figures(
    shared_dir, file_name, column, promoters, passives, detractors, blank, nps
):
    path = shared_dir / "data" / "nps_carpentries" / file_name
    table = read_survey(path).table

    assert detect_score_column(table) == column
    result = net_promoter_score(table[column])

    assert (result.promoters, result.passives, result.detractors) == (
        promoters,
        passives,
        detractors,
    )
    assert result.answered == promoters + passives + detractors
    assert result.blank == blank
    assert result.invalid.empty
    assert result.scale_warning is None
    assert format_nps(result.nps, decimals=1) == nps

    # an independent count with plain pandas
    plain = pd.read_csv(path)[column].dropna()
    assert result.promoters == int(plain.between(9, 10).sum())
    assert result.passives == int(plain.between(7, 8).sum())
    assert result.detractors == int(plain.between(0, 6).sum())
    expected_nps = (plain.ge(9).mean() - plain.le(6).mean()) * 100
    assert result.nps == pytest.approx(expected_nps)


def test_carpentries_margin_of_error_follows_the_formula(shared_dir):
    path = shared_dir / "data" / "nps_carpentries" / "20180908_post_clean.csv"
    result = net_promoter_score(read_survey(path).table["LikelyToRecommend"])

    assert result.margin_of_error == pytest.approx(direct_margin_of_error(501, 71, 889))
    assert result.margin_of_error == pytest.approx(4.21, abs=0.01)


def test_carpentries_response_dates_are_read_month_first(shared_dir):
    path = shared_dir / "data" / "nps_carpentries" / "20180908_post_clean.csv"
    responses = survey_responses(read_survey(path))

    dates = responses.table["date"]
    assert responses.columns.date == "Date"
    assert dates.min() == pd.Timestamp("2016-06-09 10:36")
    assert dates.max() == pd.Timestamp("2018-09-08 15:29")
    assert dates.notna().all()


def test_shipped_sample_survey_gives_the_figures_in_its_readme():
    table = read_survey(
        REPO_ROOT / "sample_data" / "carpentries_instructor_training_nps_2016-2018.csv"
    ).table
    result = net_promoter_score(table[detect_score_column(table)])

    assert len(table) == 967
    assert (result.promoters, result.passives, result.detractors) == (501, 317, 71)
    assert format_nps(result.nps) == "48"


# Rounding and the margin of error


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (12.5, "13"),
        (-12.5, "-13"),
        (0.5, "1"),
        (-0.5, "-1"),
        (2.5, "3"),
        (12.4999, "12"),
        (-0.4, "0"),
        (100.0, "100"),
        (-100.0, "-100"),
    ],
)
def test_nps_is_shown_rounded_half_away_from_zero(value, shown):
    assert format_nps(value) == shown


def test_rounding_differs_from_pythons_round_to_even():
    assert round(12.5) == 12
    assert round_half_away_from_zero(12.5) == 13
    assert round_half_away_from_zero(-12.5) == -13
    assert round_half_away_from_zero(48.35, decimals=1) == 48.4
    assert format_nps(48.368953880764906, decimals=1) == "48.4"


def test_an_nps_of_exactly_half_a_point_rounds_away_from_zero():
    # (9 - 4) / 40 x 100 = 12.5 exactly, shown as 13; the mirror image as -13
    result = net_promoter_score([10] * 9 + [3] * 4 + [8] * 27)
    mirror = net_promoter_score([10] * 4 + [3] * 9 + [8] * 27)

    assert result.nps == 12.5
    assert format_nps(result.nps) == "13"
    assert mirror.nps == -12.5
    assert format_nps(mirror.nps) == "-13"


@pytest.mark.parametrize(
    "scores",
    [
        [10, 10, 9, 9, 9, 8, 7, 6, 3, 0],
        [10] * 12 + [8] * 5 + [3] * 3,
        [10, 0],
        [10] * 7,
    ],
)
def test_margin_of_error_follows_the_direct_formula(scores):
    result = net_promoter_score(scores)

    expected = direct_margin_of_error(
        result.promoters, result.detractors, result.answered
    )
    assert result.margin_of_error == pytest.approx(expected)


def test_margin_of_error_is_zero_when_everyone_agrees():
    assert net_promoter_score([10] * 7).margin_of_error == pytest.approx(0.0)


# Distribution for charts


def test_score_distribution_has_all_eleven_scores_with_their_groups():
    result = net_promoter_score([10, 10, 9, 9, 9, 8, 7, 6, 3, 0])
    distribution = score_distribution(result)

    assert distribution["score"].tolist() == list(range(11))
    assert distribution["answers"].tolist() == [1, 0, 0, 1, 0, 0, 1, 1, 1, 3, 2]
    assert distribution["percent"].sum() == pytest.approx(100.0)
    groups = distribution.groupby("group")["answers"].sum().to_dict()
    assert groups == {"detractor": 3, "passive": 2, "promoter": 5}
    assert distribution.loc[10, "group_label"] == "Promoter (9-10)"


def test_score_distribution_without_answers_is_all_zero():
    distribution = score_distribution(net_promoter_score([]))

    assert distribution["answers"].sum() == 0
    assert distribution["percent"].sum() == 0


# Finding the columns


def test_score_column_is_the_0_to_10_one_not_an_agree_disagree_item():
    table = pd.DataFrame(
        {
            "Recommend": ["Agree", "Strongly Agree", ""],
            "satisfaction_rating": ["4", "5", "3"],
            "LikelyToRecommend": ["10", "", "7"],
            "visits": ["3", "10", "2"],
        }
    )

    assert detect_score_column(table) == "LikelyToRecommend"


def test_score_column_is_found_by_a_hungarian_header():
    table = pd.DataFrame({"Mennyire ajánlaná minket?": [9, 10, 6]})

    assert detect_score_column(table) == "Mennyire ajánlaná minket?"


def test_no_score_column_without_a_question_like_header():
    table = pd.DataFrame({"visits": [1, 2, 3], "comment": ["a", "b", "c"]})

    assert detect_score_column(table) is None


# Reading files


def test_read_survey_accepts_an_upload_as_name_and_bytes():
    data = "\ufeffid;Likely to recommend\nA;10\nB;n/a\nC;6\n".encode()

    table = read_survey(("export.csv", data)).table
    result = net_promoter_score(table["Likely to recommend"])

    assert list(table.columns) == ["id", "Likely to recommend"]
    assert table.index.tolist() == [2, 3, 4]
    assert (result.answered, result.blank, result.nps) == (2, 1, 0.0)


def test_read_survey_falls_back_to_windows_1252():
    data = "név,score\nZoë,9\nRené,10\n".encode("cp1252")

    table = read_survey(("export.csv", data)).table

    assert table["név"].tolist() == ["Zoë", "René"]


def test_read_survey_reads_an_xlsx_workbook(tmp_path):
    path = tmp_path / "survey.xlsx"
    pd.DataFrame({"response": ["R1", "R2", "R3"], "NPS": [10, 6.5, None]}).to_excel(
        path, index=False
    )

    table = read_survey(("survey.xlsx", path.read_bytes())).table
    result = net_promoter_score(table[detect_score_column(table)])

    assert (result.answered, result.blank) == (1, 1)
    assert result.invalid["row"].tolist() == [3]


def test_read_survey_rejects_other_file_types():
    with pytest.raises(ValueError, match="notes.pdf"):
        read_survey(("notes.pdf", b"%PDF"))


def test_nps_module_imports_without_streamlit():
    code = "import sys, retention.nps; assert 'streamlit' not in sys.modules"

    subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, check=True)


# Properties

answers = st.one_of(
    st.integers(min_value=-3, max_value=14),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "N/A", "n/a", "-", "ten", "9", "10.0", "6.5", " 7 "]),
    st.none(),
)


@given(st.lists(answers, max_size=60))
def test_every_cell_is_an_answer_a_blank_or_invalid_and_nps_is_bounded(cells):
    result = net_promoter_score(cells, confirmed_scale=True)

    assert result.promoters + result.passives + result.detractors == result.answered
    assert result.answered + result.blank + len(result.invalid) == len(cells)
    assert int(result.score_counts.sum()) == result.answered
    if result.answered:
        assert -100 <= result.nps <= 100
        assert result.margin_of_error >= 0
    else:
        assert result.nps is None


@given(st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=200))
def test_nps_equals_share_of_promoters_minus_share_of_detractors(scores):
    result = net_promoter_score(scores, confirmed_scale=True)

    n = len(scores)
    promoters = sum(score >= 9 for score in scores) / n
    detractors = sum(score <= 6 for score in scores) / n
    assert result.nps == pytest.approx((promoters - detractors) * 100)


def test_read_survey_keeps_csv_cells_as_written():
    table = read_survey(("s.csv", b"score\n007\n")).table

    assert table["score"].tolist() == ["007"]


def test_true_is_not_read_as_the_score_1():
    result = net_promoter_score([1, True, 10, 1.0])

    assert result.score_counts[1] == 2
    assert result.invalid["value"].tolist() == ["True"]


def test_shown_interval_is_the_rounded_nps_plus_and_minus_the_rounded_margin():
    from retention.nps import shown_interval

    assert shown_interval(48.369, 4.3) == (4.0, 44.0, 52.0)
    assert shown_interval(12.5, 2.5) == (3.0, 10.0, 16.0)  # halves away from zero
    assert shown_interval(-97.0, 9.6) == (10.0, -100.0, -87.0)  # never past -100


def test_what_spreadsheets_and_people_write_for_no_answer_is_blank():
    cells = ["#N/A", "(blank)", "None", "n.a.", "No answer", "skipped", "Not answered"]

    result = net_promoter_score([*cells, 9])

    assert (result.blank, result.answered) == (len(cells), 1)
    assert result.invalid.empty
