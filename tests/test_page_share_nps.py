"""The survey saved with a dataset, in Streamlit's AppTest: the owner uploads a
sales log and a survey; a partner's link shows the same NPS and the same
purchases, read-only, with emails and phone numbers masked in the answers and
comments; a new session of the owner finds the survey again; deleting the
dataset deletes it."""

from __future__ import annotations

from test_nps_page import CAFE_SALES, metrics, upload_survey
from test_page_share import create_link, token_of

from retention.sales_log import load_sales_log
from tests.test_pages import navigation_pages, open_app  # noqa: F401

# A café's sales log with emails, and its survey with a phone number and an
# email written in the comments. Only this module uses these files, so the
# saved dataset is this module's own.
SALES = CAFE_SALES.replace("2024-03-30,8.00", "2024-03-30,8.50")
SURVEY = (
    "Submitted at,Email,Shop,How likely are you to recommend us?,Anything else?\n"
    "2024-02-01 09:10,Anna@Example.com,Main Street,10,Lovely rolls every time\n"
    "2024-02-02 10:00,bela@example.com,Station,6,Too slow! Call me on +36 30 123 4567\n"
    "2024-02-09 11:30,dora@example.com,Main Street,9,Best coffee in town by far\n"
    "2024-03-03 08:05,cili@example.com ,Station,8,Write to cili.k@example.com please\n"
)


def owner_with_survey():
    app = open_app()
    app.sidebar.file_uploader[0].set_value(("cafe.csv", SALES.encode(), "text/csv"))
    app.run()
    app.switch_page("pages/nps.py").run()
    upload_survey(app, "answers.csv", SURVEY.encode())
    assert not app.exception, [e.value for e in app.exception]
    return app


def partner_nps(address: str):
    partner = open_app({"share": token_of(address)})
    partner.switch_page("pages/nps.py").run()
    assert not partner.exception, [e.value for e in partner.exception]
    return partner


def frame_with(app, column: str):
    return next(f.value for f in app.dataframe if column in f.value.columns)


def test_a_partner_sees_the_owners_nps_read_only_and_masked():
    owner = owner_with_survey()
    owners = metrics(owner)
    assert owners["Net Promoter Score"][0] == "25"
    assert any("Saved with “cafe.csv”" in c.value for c in owner.caption)
    owner_matched = frame_with(owner, "Promoters (9-10)")
    partner = partner_nps(create_link(owner))

    assert metrics(partner) == owners
    assert frame_with(partner, "Promoters (9-10)").equals(owner_matched)
    text = " ".join(m.value for m in partner.markdown)
    assert "**3** of 4 answers with a customer id or email" in text
    assert not partner.file_uploader
    assert not [box for box in partner.selectbox if box.label == "Score (0-10)"]
    assert any(
        "saved with this dataset: answers.csv" in c.value for c in partner.caption
    )

    unmatched = frame_with(partner, "Customer id or email")
    assert unmatched["Customer id or email"].tolist() == ["d•••@e•••.com #4"]
    comments = frame_with(partner, "Comment")["Comment"].tolist()
    assert "Too slow! Call me on •••67" in comments
    assert "Write to c•••@e•••.com please" in comments
    assert not any("example.com" in comment for comment in comments)


def test_an_unmasked_link_shows_the_answers_as_written(app_store):
    owner_with_survey()
    dataset = app_store.find(load_sales_log(("cafe.csv", SALES.encode())).content_hash)
    token, _ = app_store.create_link(dataset.id, mask_contacts=False)
    partner = partner_nps(f"/?share={token}")
    unmatched = frame_with(partner, "Customer id or email")
    assert unmatched["Customer id or email"].tolist() == ["dora@example.com"]
    assert (
        "Write to cili.k@example.com please"
        in frame_with(partner, "Comment")["Comment"].tolist()
    )


def test_the_owner_finds_the_survey_again_with_the_same_sales_log():
    owner_with_survey()
    again = open_app()
    again.sidebar.file_uploader[0].set_value(("copy.csv", SALES.encode(), "text/csv"))
    again.run()
    again.switch_page("pages/nps.py").run()
    assert not again.exception
    assert metrics(again)["Net Promoter Score"][0] == "25"
    assert any("Showing your survey: answers.csv" in c.value for c in again.caption)
    score = next(box for box in again.selectbox if box.label == "Score (0-10)")
    assert score.value == "How likely are you to recommend us?"


def test_a_column_the_owner_changes_reaches_the_link():
    owner = owner_with_survey()
    address = create_link(owner)
    owner.switch_page("pages/nps.py").run()
    comment = next(box for box in owner.selectbox if box.label == "Comment")
    comment.select_index(0).run()
    assert not owner.exception
    partner = partner_nps(address)
    assert not [f for f in partner.dataframe if "Comment" in f.value.columns]


def test_back_to_the_sample_takes_the_survey_off_the_dataset(app_store):
    owner = owner_with_survey()
    address = create_link(owner)
    owner.switch_page("pages/overview.py").run()
    owner.switch_page("pages/nps.py").run()
    next(b for b in owner.button if b.label == "Back to the sample").click().run()
    assert metrics(owner)["Net Promoter Score"][0] == "48"
    partner = partner_nps(address)
    assert [i.value for i in partner.info] == [
        "No survey answers are saved with this dataset."
    ]
    assert not partner.metric


def test_a_survey_with_the_sample_sales_log_is_not_saved():
    app = open_app()
    app.switch_page("pages/nps.py").run()
    upload_survey(app, "answers.csv", SURVEY.encode())
    assert any(c.value.startswith("Not saved:") for c in app.caption)


def test_deleting_the_dataset_deletes_its_survey(app_store):
    owner = owner_with_survey()
    dataset = app_store.find(load_sales_log(("cafe.csv", SALES.encode())).content_hash)
    assert app_store.load_survey(dataset.id) is not None
    owner.switch_page("pages/share.py").run()
    owner.checkbox(key=f"sure_{dataset.id}").check().run()
    owner.button(key=f"delete_{dataset.id}").click().run()
    assert app_store.load_survey(dataset.id) is None
    assert app_store.count_rows(dataset.id)["surveys"] == 0
