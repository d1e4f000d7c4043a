"""End to end in headless Chromium: an owner opens the NPS page, reads the
sample's score, uploads a café survey with a bad score and finds the row."""

from __future__ import annotations

from conftest import wait_for_app

SURVEY = (
    "Submitted at,Email,Shop,How likely are you to recommend us?,Anything else?\n"
    "2024-02-01 09:10,anna@example.com,Main Street,10,Lovely cinnamon rolls every time\n"
    "2024-02-02 10:00,bela@example.com,Station,6,The queue was far too long today\n"
    "2024-02-09 11:30,dora@example.com,Main Street,9.5,Best coffee in town by far\n"
    "2024-03-03 08:05,cili@example.com,Station,9,Good coffee but the music is loud\n"
)


def test_owner_reads_the_nps_and_finds_an_invalid_score(
    app_server, browser_page, tmp_path
):
    page = browser_page
    page.goto(app_server, wait_until="domcontentloaded")
    wait_for_app(page)
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="NPS").click()
    text = wait_for_app(page)
    assert "Would your customers recommend you?" in text
    score = page.locator('[data-testid="stMetric"]').filter(has_text="Net Promoter")
    assert "48" in score.inner_text() and "± 4 points" in score.inner_text()

    survey = tmp_path / "cafe_survey.csv"
    survey.write_text(SURVEY, encoding="utf-8")
    page.locator('[data-testid="stMain"] input[type="file"]').set_input_files(
        str(survey)
    )
    text = wait_for_app(page)
    assert "cafe_survey.csv" in text
    score = page.locator('[data-testid="stMetric"]').filter(has_text="Net Promoter")
    # 10, 6, 9 are answers; 9.5 is not: (2 - 1) / 3 = 33.3 -> 33
    assert "33" in score.inner_text()
    assert "Only 3 answers" in text

    page.get_by_role("tab", name="Details").click()
    text = wait_for_app(page)
    assert "Not counted: 1" in text
    assert "Download the invalid answers (.csv)" in text

    page.get_by_role("tab", name="Comments").click()
    page.get_by_label("Search the comments").fill("coffee")
    page.keyboard.press("Enter")
    text = wait_for_app(page)
    assert "2 comments" in text
    assert not page.locator('[data-testid="stException"]').count()
