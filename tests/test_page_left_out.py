"""Nothing is lost silently (issue #6, Reading), in Streamlit's AppTest: the
figure pages say how many rows were left out and link to the Data page, rows
dated after the day the file was read are left out under their own reason
(and stay so on a later day and through a share link), a sum of several
currencies names none, and the Data page's column form shows the columns in
use after another choice of sheets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from test_page_reading import upload as upload_files
from test_page_reading import workbook
from test_page_share import create_link, token_of

from retention.sales_log import read_raw
from tests.test_pages import (  # noqa: F401
    PAGES,
    navigation_pages,
    open_app,
    shown_metrics,
    upload,
)
from tests.test_reading import MIXED_DELIMITERS

# the pages of figures: all but the NPS and Data pages
FIGURE_PAGES = [page for page in PAGES if page not in ("pages/nps.py", "pages/data.py")]
FUTURE_DATES = (
    "order_id,customer_id,order_date,amount\n"
    "1,C01,2026-10-05,10.00\n"
    "2,C02,2026-10-20,20.00\n"
    "3,C01,2026-11-03,15.00\n"
    "4,C03,2026-11-15,30.00\n"
    "5,C02,2027-03-01,99.00\n"
    "6,C01,2031-01-01,50.00\n"
)
MIXED_CURRENCIES = (
    "order_id,customer_id,order_date,amount\n"
    '1,C01,2024-01-05,"€12,50"\n'
    '2,C02,2024-01-09,"£1,200.00"\n'
    "3,C01,2024-02-02,$ 45.10\n"
    '4,C03,2024-02-08,"1.234,56 €"\n'
    "5,C02,2024-03-01,EUR 7.00\n"
    '6,C03,2024-03-04,"-€5,00"\n'
)


def written(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def page_links(app) -> list[tuple[str, str]]:
    return [(link.proto.label, link.proto.page) for link in app.get("page_link")]


@pytest.fixture
def read_on_4_dec(monkeypatch):
    """Today, for the app, is 4 Dec 2026 wherever the browser is."""
    monkeypatch.setattr("ui.data.today_in", lambda zone: date(2026, 12, 4))


def test_every_figure_page_says_how_many_rows_were_left_out_with_a_link_to_data(
    tmp_path,
):
    """Finding: half of 05_mixed_delimiters.csv was left out and only the Data
    page said so, under "Date missing or unreadable"."""
    app = upload(open_app(), written(tmp_path, "mixed.csv", MIXED_DELIMITERS))
    assert (shown_metrics(app)["Orders"], shown_metrics(app)["Revenue"]) == (
        "3",
        "110.00",
    )
    for page in FIGURE_PAGES:
        app.switch_page(page).run()
        assert not app.exception, page
        [(label, target)] = page_links(app)
        assert label == "3 of 6 rows were left out of the figures: see Data", page
        assert target.endswith("data"), page
    app.switch_page("pages/data.py").run()
    reasons = app.dataframe[0].value
    assert "Date missing or unreadable" not in reasons["Reason"].tolist()
    assert reasons["Rows"].tolist()[-1] == 3
    assert [b.label for b in app.get("download_button")][0] == (
        "Download: Uses ; or a tab (or |) between values, not the file's comma: "
        "its values cannot be told apart (3 rows)"
    )
    captions = " ".join(caption.value for caption in app.caption)
    assert "3 rows use a ; or a tab between their values" in captions


def test_no_line_is_shown_when_every_row_is_used(tmp_path):
    text = "order,customer,date,amount\n1,C1,2024-01-05,10\n2,C2,2024-02-05,12\n"
    app = upload(open_app(), written(tmp_path, "clean.csv", text))
    assert not app.exception
    assert page_links(app) == []


def test_a_partner_is_told_the_count_without_a_link_to_a_page_they_cannot_open(
    tmp_path, app_store
):
    owner = upload(open_app(), written(tmp_path, "mixed_share.csv", MIXED_DELIMITERS))
    token = token_of(create_link(owner))
    partner = open_app({"share": token})
    assert not partner.exception
    assert page_links(partner) == []
    captions = [caption.value for caption in partner.caption]
    assert (
        "3 of 6 rows of the file were left out of the figures (duplicates, total "
        "rows, rows that could not be read)."
    ) in captions


def test_sales_dated_after_the_day_of_the_upload_are_left_out_and_named(
    tmp_path, read_on_4_dec
):
    """Finding: 14_future_dates.csv read in 2026 ran its figures to Dec 2030.
    Hand-worked: rows 6 and 7 (1 Mar 2027, 1 Jan 2031) are left out; the four
    others make 4 orders, 75.00, from Oct to Nov 2026."""
    app = upload(open_app(), written(tmp_path, "future.csv", FUTURE_DATES))
    metrics = shown_metrics(app)
    assert (metrics["Orders"], metrics["Revenue"]) == ("4", "75.00")
    assert page_links(app)[0][0] == (
        "2 of 6 rows were left out of the figures: see Data"
    )
    assert "Oct 2026 – Nov 2026" in app.caption[0].value
    app.switch_page("pages/data.py").run()
    assert "Date after today (the day the file was read): a typing mistake?" in (
        app.dataframe[0].value["Reason"].tolist()
    )
    captions = " ".join(caption.value for caption in app.caption)
    assert (
        "2 rows are dated after 4 Dec 2026, the day the file was read (rows 6: "
        "1 Mar 2027; 7: 1 Jan 2031): typing mistakes?"
    ) in captions


def test_the_day_of_the_upload_is_kept_so_the_figures_stay_the_same_later(
    tmp_path, monkeypatch, app_store
):
    """Uploaded on 4 Dec 2026 and again on 1 Jun 2027, when the row of 1 Mar
    2027 is no longer in the future: the saved day decides, so both show 4
    orders, and so does a share link."""
    path = written(tmp_path, "future_later.csv", FUTURE_DATES)
    monkeypatch.setattr("ui.data.today_in", lambda zone: date(2026, 12, 4))
    owner = upload(open_app(), path)
    assert shown_metrics(owner)["Orders"] == "4"
    token = token_of(create_link(owner))
    monkeypatch.setattr("ui.data.today_in", lambda zone: date(2027, 6, 1))
    again = upload(open_app(), path)
    assert shown_metrics(again)["Orders"] == "4"
    assert shown_metrics(open_app({"share": token}))["Orders"] == "4"
    dataset = app_store.find(read_raw(path).content_hash)
    assert dataset.settings["read_on"] == "2026-12-04"


def test_a_sum_of_several_currencies_is_written_without_a_code_and_with_a_warning(
    tmp_path,
):
    """Finding: 13b_text_currency.csv showed "Revenue 2,494.16 EUR" for euros,
    pounds and dollars added up."""
    app = upload(open_app(), written(tmp_path, "currencies.csv", MIXED_CURRENCIES))
    metrics = shown_metrics(app)
    assert (metrics["Revenue"], metrics["Average order value"]) == (
        "2,494.16",
        "498.83",
    )
    warning = (
        "The amounts are in several currencies (EUR, GBP, USD), added as they "
        "are without conversion: money figures mix them, so no currency is "
        "written with them."
    )
    for page in ["pages/overview.py", "pages/value.py", "pages/customers.py"]:
        app.switch_page(page).run()
        assert warning in [w.value for w in app.warning], page
    app.switch_page("pages/retention.py").run()
    assert warning not in [w.value for w in app.warning]


def test_the_column_form_shows_the_columns_in_use_after_a_second_sheet_is_chosen():
    """Finding: with the Data page open, uploading a workbook and choosing its
    second sheet left the form showing the sample's columns: Amount "(none)",
    Order, Quantity and Unit price empty, while the figures used Amount."""
    header = ["Order", "Customer", "Date", "Amount"]
    book = workbook(
        {
            "2023": [header, [1, "C1", "2023-05-02", 10], [2, "C2", "2023-06-02", 20]],
            "2024": [header, [3, "C1", "2024-05-02", 30]],
        }
    )
    app = open_app()
    app.switch_page("pages/data.py").run()
    upload_files(app, ("years.xlsx", book))
    app.sidebar.multiselect(key="sheets").set_value(["2023", "2024"]).run()
    assert not app.exception
    form = {box.key: box.value for box in app.selectbox if box.key.startswith("role_")}
    assert (form["role_order_id"], form["role_customer"]) == ("Order", "Customer")
    assert (form["role_timestamp"], form["role_amount"]) == ("Date", "Amount")
    assert (form["role_quantity"], form["role_unit_price"]) == ("", "")
    assert shown_metrics(app)["Rows read"] == "3"
    # a choice made in the form is still the owner's
    app.selectbox(key="role_order_id").set_value("").run()
    assert app.selectbox(key="role_order_id").value == ""
    assert app.selectbox(key="role_customer").value == "Customer"


# Every day and month 12 or under: no date tells which comes first.
TWO_WAY_DATES = (
    "order_id,customer_id,order_date,amount\n"
    "1,C01,03/04/2024,10.00\n"
    "2,C02,05/04/2024,20.00\n"
    "3,C01,02/06/2024,15.00\n"
)


def test_every_figure_page_says_dates_could_be_read_two_ways_with_a_link_to_data(
    tmp_path,
):
    """Finding: only the Data page said the dates had been read day first
    with no date to tell."""
    app = upload(open_app(), written(tmp_path, "two_ways.csv", TWO_WAY_DATES))
    for page in FIGURE_PAGES:
        app.switch_page(page).run()
        assert not app.exception, page
        [(label, target)] = page_links(app)
        assert label == (
            "Dates like 03/04/2024 could be read two ways; they were read day "
            "first (3 April): check on Data"
        ), page
        assert target.endswith("data"), page

    # once the order is chosen on the Data page, it is no longer in doubt
    app.switch_page("pages/data.py").run()
    app.radio(key="date_order").set_value("day_first").run()
    app.switch_page("pages/overview.py").run()
    assert not app.exception
    assert page_links(app) == []


def test_a_partner_is_told_dates_could_be_read_two_ways_without_a_link(
    tmp_path, app_store
):
    owner = upload(open_app(), written(tmp_path, "two_ways.csv", TWO_WAY_DATES))
    partner = open_app({"share": token_of(create_link(owner))})
    assert not partner.exception
    assert page_links(partner) == []
    assert (
        "Dates like 03/04/2024 could be read two ways; they were read day first "
        "(3 April)."
    ) in [caption.value for caption in partner.caption]
