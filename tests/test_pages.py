"""Every page, run through Streamlit's AppTest on the bundled sample and on
uploaded files: no exception, and the figures shown are the package's."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest, app_test

from retention.overview import overview
from retention.retention_rates import retention_by_period
from retention.sales_log import load_sales_log
from retention.selection import Selection
from ui.show import formatted

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data" / "Online_Retail_subset_cust_mod10.xlsx"
PAGES = [
    "pages/overview.py",
    "pages/retention.py",
    "pages/changes.py",
    "pages/cohorts.py",
    "pages/customers.py",
    "pages/value.py",
    "pages/nps.py",
    "pages/data.py",
]


class NavigationPagesManager(PagesManager):
    """AppTest builds a fresh ``PagesManager`` for every run and resets its
    ``uses_pages_directory`` flag, so with a ``pages/`` folder beside ``app.py``
    every rerun after the first runs the page alone, as in the old folder-based
    multipage apps, skipping ``app.py`` and its sidebar. The real server sets
    the flag once per process when ``st.navigation`` runs; this does the same
    for each test run. It can go once AppTest keeps the flag across runs."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture(autouse=True)
def navigation_pages(monkeypatch):
    monkeypatch.setattr(app_test, "PagesManager", NavigationPagesManager)


def open_app(query: dict[str, str] | None = None) -> AppTest:
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    app.query_params.update(query or {})
    return app.run()


def shown_metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


@pytest.fixture(scope="module")
def sample_log():
    return load_sales_log(SAMPLE)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_sample_without_an_exception(page):
    app = open_app()
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title, "each page has a title"


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_names_its_channels_so_altair_never_searches_its_schema(
    page, monkeypatch
):
    """A channel handed to Altair as a plain dict (what ``alt.condition`` of two
    values returns) makes it search the whole Vega-Lite schema for a class,
    about 30 ms each time, on every rerun of the page."""
    from altair.utils import schemapi

    searches = []
    real_init = schemapi._FromDict.__init__

    def counting_init(self, *args, **kwargs):
        searches.append(args)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(schemapi._FromDict, "__init__", counting_init)
    app = open_app()
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    assert searches == []


def test_sample_opens_on_monthly_periods_december_2010_to_december_2011():
    app = open_app()
    assert app.selectbox(key="period").value == "month"
    first, last = app.select_slider(key="range_month").value
    slider = app.select_slider(key="range_month")
    assert slider.format_func(first) == "Dec 2010"
    assert slider.format_func(last) == "Dec 2011"


def test_overview_shows_the_packages_figures_for_the_whole_sample(sample_log):
    app = open_app()
    first, last = app.select_slider(key="range_month").value
    expected = overview(sample_log.orders, Selection("month", first, last))
    # Nothing before the whole range: its rates are those of the last complete
    # period, Nov 2011.
    periods = retention_by_period(sample_log.orders, "month").set_index("label")
    rates = expected["figure"].isin(["retention_rate", "churn_rate"])
    expected.loc[rates, "value"] = [
        periods.loc["Nov 2011", "retention_rate"],
        periods.loc["Nov 2011", "churn_rate"],
    ]
    metrics = shown_metrics(app)
    for _, row in expected.iterrows():
        label = {
            "customers": "Customers",
            "orders": "Orders",
            "revenue": "Revenue",
            "aov": "Average order value",
            "purchase_frequency": "Orders per customer",
            "repeat_purchase_rate": "Repeat purchase rate",
            "retention_rate": "Retention rate (CRR)",
            "churn_rate": "Churn rate",
        }[row["figure"]]
        assert metrics[label] == formatted(row["figure"], row["value"])


def test_retention_page_marks_december_2011_partial():
    app = open_app()
    app.switch_page("pages/retention.py").run()
    assert any("Dec 2011 is partial" in info.value for info in app.info)
    table = app.dataframe[0].value
    assert table.iloc[-1]["Period"] == "Dec 2011"
    assert bool(table.iloc[-1]["Partial"]) is True


def test_view_is_read_from_the_url_and_written_back():
    app = open_app(
        {"period": "quarter", "start": "2011-01-01", "end": "2011-06-30", "window": "2"}
    )
    assert app.selectbox(key="period").value == "quarter"
    slider = app.select_slider(key="range_quarter")
    assert [slider.format_func(v) for v in slider.value] == ["2011 Q1", "2011 Q2"]
    assert app.number_input(key="window").value == 2
    assert app.query_params["start"] == "2011-01-01"
    assert app.query_params["end"] == "2011-06-30"


def test_a_bad_value_in_the_url_falls_back_with_a_notice():
    app = open_app({"granularity": "X", "window": "99"})
    assert not app.exception
    assert app.selectbox(key="period").value == "month"
    notices = " ".join(w.value for w in app.sidebar.warning)
    assert "“X”" in notices and "“99”" in notices


def test_changing_the_period_updates_the_url():
    app = open_app()
    app.selectbox(key="period").set_value("quarter").run()
    assert app.query_params["period"] == "quarter"


def upload(app: AppTest, path: Path) -> AppTest:
    app.sidebar.file_uploader[0].set_value((path.name, path.read_bytes(), "text/csv"))
    return app.run()


def test_upload_f20_and_link_view_show_the_worked_figures(cases_dir):
    """F20: quarterly view Q1 2024 of the uploaded file."""
    app = open_app({"granularity": "Q", "start": "2024-01-01", "end": "2024-03-31"})
    upload(app, cases_dir / "F20_orders_for_share_link.csv")
    assert not app.exception
    metrics = shown_metrics(app)
    assert metrics["Orders"] == "4"
    assert metrics["Revenue"] == "115.00"
    assert metrics["Customers"] == "3"
    assert metrics["Average order value"] == "28.75"
    assert metrics["Repeat purchase rate"] == "33.33 %"
    text = " ".join(m.value for m in app.markdown)
    assert "**2** for the first time" in text  # C02 and C03; C01 is returning


def test_a_complete_period_with_nobody_at_its_start_is_the_last_complete_one(
    cases_dir,
):
    """F08: the data stops on 5 April, so March (S = 0) is the last complete
    month, not February; its rates are "no data" and the page says why."""
    app = upload(open_app(), cases_dir / "F08_dayfirst_dates.csv")
    app.switch_page("pages/retention.py").run()
    assert not app.exception
    captions = [caption.value for caption in app.caption]
    assert "Last complete period: Mar 2024" in captions
    metrics = shown_metrics(app)
    assert metrics["Retention rate (CRR)"] == "no data"
    assert (metrics["At start (S)"], metrics["At end (E)"]) == ("0", "3")
    assert any(
        caption.startswith("Mar 2024 is a period with nobody at its start")
        for caption in captions
    ), captions

    app.switch_page("pages/overview.py").run()
    assert not app.exception
    assert shown_metrics(app)["Retention rate (CRR)"] == "no data"
    text = " ".join(m.value for m in app.markdown)
    assert "**In Mar 2024:** Mar 2024 is a period with nobody at its start" in text


def test_the_currency_the_file_was_written_in_is_shown_with_the_amounts(cases_dir):
    """F12: the amounts carry ``$``; revenue and AOV are shown in USD, and
    going back to the sample (no currency written) drops the code again."""
    app = upload(open_app(), cases_dir / "F12_currency_formatted.csv")
    assert not app.exception
    metrics = shown_metrics(app)
    assert metrics["Revenue"] == "3,307.49 USD"
    assert metrics["Average order value"] == "826.87 USD"
    assert metrics["Orders"] == "4"
    app.sidebar.file_uploader[0].set_value(None)
    app.run()
    assert not shown_metrics(app)["Revenue"].endswith("USD")


def test_customer_value_carries_a_short_logs_orders_per_customer_to_a_year(
    cases_dir,
):
    """F06 covers 211 days: its 2 orders per customer are 3.46 a year, and the
    page says how it got there."""
    app = open_app()
    upload(app, cases_dir / "F06_time_units.csv")
    app.switch_page("pages/value.py").run()
    assert not app.exception
    assert shown_metrics(app)["Orders per customer per year"] == "3.46"
    captions = " ".join(caption.value for caption in app.caption)
    assert "its 2.00 orders per customer in 211 days are carried to a year" in captions
    assert "× 365 / 211 = 3.46" in captions


def test_moving_controls_does_not_read_the_file_again(cases_dir, monkeypatch):
    """F19: the file is parsed once; every control move reuses the cached orders
    and the figures stay the same."""
    import streamlit as st

    from ui import data

    reads = []
    real_read = data.read_raw

    def counting_read(*args, **kwargs):
        reads.append(args)
        return real_read(*args, **kwargs)

    monkeypatch.setattr(data, "read_raw", counting_read)
    st.cache_resource.clear()
    app = open_app()
    reads.clear()
    upload(app, cases_dir / "F19_orders_for_slider.csv")
    for period in ["quarter", "week", "month", "year", "month"]:
        app.selectbox(key="period").set_value(period).run()
        assert not app.exception
    app.number_input(key="window").set_value(2).run()
    assert len(reads) == 1
    metrics = shown_metrics(app)
    assert metrics["Orders"] == "10"
    assert metrics["Revenue"] == "264.00"
    assert metrics["Customers"] == "4"
    assert metrics["Average order value"] == "26.40"
    assert metrics["Orders per customer"] == "2.50"
    assert metrics["Repeat purchase rate"] == "75.00 %"


def test_a_file_that_cannot_be_read_gets_no_hint_to_choose_columns(tmp_path):
    """Choosing columns cannot help with an empty file, so the sidebar does not
    send the owner to the Data page for it; it does for a missing column."""
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    no_date = tmp_path / "no_date.csv"
    no_date.write_text("order,customer,amount\n1,C1,5.00\n2,C2,7.50\n")

    app = upload(open_app(), empty)
    captions = [caption.value for caption in app.sidebar.caption]
    assert [error.value for error in app.sidebar.error] == [
        "The file empty.csv is empty."
    ]
    assert not any("choose the columns" in caption for caption in captions)

    app = upload(open_app(), no_date)
    captions = [caption.value for caption in app.sidebar.caption]
    assert any("choose the columns yourself" in caption for caption in captions)


def test_link_dates_outside_the_data_are_brought_inside_with_a_notice():
    app = open_app({"start": "2030-01-01", "end": "2020-01-01"})
    assert not app.exception
    warnings = [warning.value for warning in app.sidebar.warning]
    assert (
        "The link's start date 2030-01-01 is after its end date 2020-01-01; "
        "showing 2011-12-01 to 2011-12-31." in warnings
    )
    assert (
        "The link asks for 2020-01-01 to 2030-01-01, but the data runs from Dec 2010 "
        "to Dec 2011: showing Dec 2011 to Dec 2011." in warnings
    )
    app.selectbox(key="period").set_value("quarter").run()
    assert not [w for w in app.sidebar.warning if "The link asks" in w.value]


def test_link_dates_inside_the_data_give_no_notice():
    app = open_app({"start": "2011-03-01", "end": "2011-05-31"})
    assert not [w for w in app.sidebar.warning if "The link asks" in w.value]
    first, last = app.select_slider(key="range_month").value
    slider = app.select_slider(key="range_month")
    assert (slider.format_func(first), slider.format_func(last)) == (
        "Mar 2011",
        "May 2011",
    )
