"""The NPS page through Streamlit's AppTest: the sample, uploaded surveys with
invalid scores, a 1-5 rating, and answers linked to an uploaded sales log."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_pages import navigation_pages  # noqa: F401  (AppTest runs app.py each time)

REPO = Path(__file__).resolve().parents[1]

CAFE_SALES = """order,email,date,total
1,anna@example.com,2024-01-10,20.00
2,anna@example.com,2024-03-10,30.00
3,bela@example.com,2024-01-12,12.00
4,cili@example.com,2024-03-30,8.00
"""
CAFE_SURVEY = (
    "Submitted at,Email,Shop,How likely are you to recommend us?,Anything else?\n"
    "2024-02-01 09:10,Anna@Example.com,Main Street,10,Lovely cinnamon rolls every time\n"
    "2024-02-02 10:00,bela@example.com,Station,6,The queue was far too long today\n"
    "2024-02-09 11:30,dora@example.com,Main Street,9,Best coffee in town by far\n"
    "2024-03-03 08:05,cili@example.com ,Station,8,Good coffee but the music is loud\n"
)


def open_nps() -> AppTest:
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    app.run()
    app.switch_page("pages/nps.py").run()
    return app


def upload_survey(app: AppTest, name: str, content: bytes) -> AppTest:
    app.file_uploader(key="survey_upload").set_value((name, content, "text/csv"))
    return app.run()


def metrics(app: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.proto.delta) for m in app.metric}


def test_the_sample_survey_shows_nps_48_with_its_margin_and_exact_value():
    app = open_nps()

    assert not app.exception
    shown = metrics(app)
    assert shown["Net Promoter Score"] == ("48", "± 4 points")
    assert shown["Promoters (9-10)"] == ("56.36 %", "501 answers")
    assert shown["Detractors (0-6)"] == ("7.99 %", "71 answers")
    details = app.dataframe[-1].value
    exact = details.set_index("Figure").loc["Net Promoter Score", "Exact"]
    assert exact == "(501 − 71) / 889 × 100 = 48.3690"
    score_box = next(box for box in app.selectbox if box.label == "Score (0-10)")
    assert score_box.value == "LikelyToRecommend"


def test_the_sample_is_compared_with_the_sidebar_industry_and_a_target():
    app = open_nps()
    app.sidebar.selectbox(key="industry").set_value("hospitality").run()
    app.number_input(key="nps_target").set_value(60).run()

    text = " ".join(c.value for c in app.caption)
    assert "Quick service restaurants +35" in text
    assert "within" not in text and "above the range" in text
    assert "Your target is +60: you are 12 points below it." in text


def test_f16_invalid_scores_are_listed_with_their_rows(cases_dir):
    app = open_nps()
    path = cases_dir / "F16_nps_invalid_scores.csv"
    upload_survey(app, path.name, path.read_bytes())

    assert not app.exception
    assert metrics(app)["Net Promoter Score"][0] == "25"
    assert any("Only 4 answers" in w.value for w in app.warning)
    invalid = app.dataframe[-1].value
    assert invalid["Row"].tolist() == [4, 5, 7, 8]
    assert invalid["Written"].tolist() == ["6.5", "8.5", "11", "-1"]
    assert app.main.get("download_button")


def test_f16_the_rows_left_out_are_counted_next_to_the_score(cases_dir):
    app = open_nps()
    path = cases_dir / "F16_nps_invalid_scores.csv"
    upload_survey(app, path.name, path.read_bytes())

    texts = [element.value for element in app.main.get("markdown")]
    line = (
        "4 of 8 rows were not counted: 2 not a whole number, 2 outside the 0-10 "
        "scale; see Details."
    )
    assert line in texts
    headline = next(i for i, text in enumerate(texts) if text.startswith("Of **4**"))
    assert texts.index(line) == headline + 1  # above the charts and the tabs


def test_a_survey_without_left_out_rows_says_nothing_of_them():
    app = open_nps()
    upload_survey(app, "survey.csv", CAFE_SURVEY.encode())

    assert not any("not counted" in m.value for m in app.main.get("markdown"))


def test_without_a_measurable_lifespan_the_purchases_tab_says_so_plainly():
    app = open_nps()
    app.sidebar.file_uploader[0].set_value(
        ("sales.csv", CAFE_SALES.encode(), "text/csv")
    )
    app.run()
    upload_survey(app, "survey.csv", CAFE_SURVEY.encode())

    captions = " ".join(c.value for c in app.caption)
    assert "CLV = average order value × orders per year × lifespan" in captions
    assert "no data years" not in captions
    assert "the lifespan cannot be measured yet" in captions


def test_f17_a_one_to_five_rating_is_questioned_not_scored(cases_dir):
    app = open_nps()
    path = cases_dir / "F17_rating_1_to_5.csv"
    upload_survey(app, path.name, path.read_bytes())

    assert "between 2 and 5" in app.warning[0].value
    assert "Net Promoter Score" not in metrics(app)
    assert metrics(app)["Mean rating"][0] == "4.00"

    app.checkbox[0].check().run()
    assert metrics(app)["Net Promoter Score"][0] == "-100"


def test_a_cafe_survey_links_answers_to_the_uploaded_sales_log():
    app = open_nps()
    app.sidebar.file_uploader[0].set_value(
        ("sales.csv", CAFE_SALES.encode(), "text/csv")
    )
    app.run()
    upload_survey(app, "survey.csv", CAFE_SURVEY.encode())

    assert not app.exception
    text = " ".join(m.value for m in app.markdown)
    assert "**3** of 4 answers with a customer id or email" in text
    assert "75.00 %" in text
    comparison = next(
        frame.value
        for frame in app.dataframe
        if "Figure" in frame.value.columns and "Promoters (9-10)" in frame.value.columns
    ).set_index("Figure")
    assert comparison.loc["Customers matched"].tolist() == ["1", "1", "1"]
    assert comparison.loc["Average order value", "Promoters (9-10)"] == "25.00"
    unmatched = next(
        frame.value
        for frame in app.dataframe
        if "Customer id or email" in frame.value.columns
    )
    assert unmatched["Customer id or email"].tolist() == ["dora@example.com"]


def test_comments_are_searched_and_filtered_by_group():
    app = open_nps()
    upload_survey(app, "survey.csv", CAFE_SURVEY.encode())

    app.text_input(key="nps_comment_search").input("coffee").run()
    found = next(f.value for f in app.dataframe if "Comment" in f.value.columns)
    assert len(found) == 2
    app.multiselect(key="nps_comment_groups").set_value(["promoter"]).run()
    found = next(f.value for f in app.dataframe if "Comment" in f.value.columns)
    assert found["Comment"].tolist() == ["Best coffee in town by far"]


@pytest.mark.parametrize("period", ["week", "quarter"])
def test_the_period_control_changes_the_nps_over_time(period):
    app = open_nps()
    app.sidebar.selectbox(key="period").set_value(period).run()

    assert not app.exception
    table = next(f.value for f in app.dataframe if "Period" in f.value.columns)
    assert table["Answers"].sum() == 889
    assert table.iloc[0]["Period"] == (
        "week of 6 Jun 2016" if period == "week" else "2016 Q2"
    )


def test_a_new_survey_file_starts_from_its_own_detected_columns():
    app = open_nps()
    upload_survey(app, "survey.csv", CAFE_SURVEY.encode())

    boxes = {box.label: box.value for box in app.selectbox}
    assert boxes["Customer id or email"] == "Email"
    assert boxes["Shop or location"] == "Shop"
    assert boxes["Comment"] == "Anything else?"


def test_the_comment_box_starts_on_the_column_headed_why_not_the_id_or_date():
    survey = (
        "Response ID,Feedback received,Score,What could we improve?,Why?\n"
        "R-1001,2024-02-01 09:10:11,10,Open earlier on Saturdays please,Price\n"
        "R-1002,2024-02-02 10:00:54,6,Faster service at lunchtime please,Slow\n"
        "R-1003,2024-02-09 11:30:02,9,More gluten free choices would help,Staff\n"
    )
    app = open_nps()
    upload_survey(app, "survey.csv", survey.encode())

    boxes = {box.label: box.value for box in app.selectbox}
    assert boxes["Score (0-10)"] == "Score"
    assert boxes["Comment"] == "Why?"


def test_choosing_no_comment_column_keeps_the_other_choices():
    app = open_nps()
    upload_survey(app, "survey.csv", CAFE_SURVEY.encode())
    assert metrics(app)["Net Promoter Score"][0] == "25"

    comment_box = next(box for box in app.selectbox if box.label == "Comment")
    comment_box.select_index(0).run()
    boxes = {box.label: box.value for box in app.selectbox}
    assert boxes["Comment"] is None
    assert boxes["Customer id or email"] == "Email"
    assert any("comments to read them" in info.value for info in app.info)


def test_a_score_column_with_an_unknown_header_is_chosen_by_the_owner():
    app = open_nps()
    upload_survey(app, "q.csv", b"Q1,Q2\n9,yes\n10,no\n3,yes\n")

    assert "No column of 0-10 answers was found" in app.error[0].value
    score_box = next(box for box in app.selectbox if box.label == "Score (0-10)")
    assert score_box.value is None
    score_box.set_value("Q1").run()

    assert not app.error
    assert metrics(app)["Net Promoter Score"][0] == "33"


def test_a_column_of_only_invalid_scores_still_lists_them():
    app = open_nps()
    upload_survey(app, "bad.csv", b"id,NPS score\nA,11\nB,6.5\nC,12\n")
    assert "No column of 0-10 answers was found" in app.error[0].value
    score_box = next(box for box in app.selectbox if box.label == "Score (0-10)")
    score_box.set_value("NPS score").run()

    assert any("No valid 0-10 answers" in info.value for info in app.info)
    invalid = app.dataframe[-1].value
    assert invalid["Row"].tolist() == [2, 3, 4]
    assert invalid["Why"].tolist()[1] == "not a whole number"
