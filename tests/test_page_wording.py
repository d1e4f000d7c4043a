"""How figures and counts read on the pages: thousands separators, singular and
plural wording, the NPS margin against its range, and no deprecated arguments."""

from __future__ import annotations

from pathlib import Path

from tests.test_pages import navigation_pages, open_app, upload  # noqa: F401

REPO = Path(__file__).resolve().parents[1]


def texts(app) -> list[str]:
    return [e.value for e in (*app.markdown, *app.caption, *app.info, *app.warning)]


def test_segment_revenue_is_written_with_thousands_separators():
    app = open_app()
    app.switch_page("pages/customers.py").run()
    assert not app.exception
    summary = next(f.value for f in app.dataframe if "% of revenue" in f.value)
    revenue = list(summary["Revenue"])
    assert all(isinstance(value, str) for value in revenue)
    assert any("," in value for value in revenue), revenue  # the sample's 24,457.33
    assert all(
        value.count(".") == 1 and len(value.split(".")[1]) == 2 for value in revenue
    )


def test_one_period_and_one_row_are_singular(cases_dir):
    app = open_app({"period": "quarter", "start": "2024-04-01", "end": "2024-06-30"})
    upload(app, cases_dir / "F01_orders_q1_q2.csv")
    assert not app.exception
    captions = [c.value for c in app.caption]
    assert any("compared with the period before it." in c for c in captions), captions
    assert not any("period(s)" in text for text in texts(app))

    app.switch_page("pages/changes.py").run()
    assert not app.exception
    assert any("bought in the period before" in c for c in texts(app))
    assert not any("period(s)" in text for text in texts(app))


def test_a_single_flagged_row_downloads_as_one_row(cases_dir):
    app = open_app()
    upload(app, cases_dir / "F12_currency_formatted.csv")
    app.switch_page("pages/data_quality.py").run()
    assert not app.exception
    labels = [button.label for button in app.get("download_button")]
    assert any(label.endswith("(1 row)") for label in labels), labels
    assert not any("(1 rows)" in label for label in labels)


def test_nps_range_adds_up_to_the_margin_shown():
    app = open_app()
    app.switch_page("pages/nps.py").run()
    assert not app.exception
    nps = next(m for m in app.metric if m.label == "Net Promoter Score")
    assert (nps.value, nps.proto.delta) == ("48", "± 4 points")
    assert any("between **44** and **52**" in m.value for m in app.markdown)


def test_no_page_uses_the_deprecated_container_width_argument():
    sources = [*REPO.glob("pages/*.py"), *REPO.glob("ui/*.py"), REPO / "app.py"]
    offenders = [p.name for p in sources if "use_container_width" in p.read_text()]
    assert offenders == []


def test_weeks_are_named_by_their_monday_on_the_pages():
    app = open_app({"period": "week"})
    assert not app.exception
    shown = " ".join(texts(app))
    assert "week of 29 Nov 2010 – week of 5 Dec 2011" in shown  # the range
    assert "-W" not in shown
    app.switch_page("pages/retention_rates.py").run()
    assert not app.exception
    assert any("week of 28 Nov 2011" in c.value for c in app.caption)
    periods = next(f.value for f in app.dataframe if "Partial" in f.value.columns)
    assert periods["Period"].iloc[0] == "week of 29 Nov 2010"


def test_a_fresh_upload_headlines_the_last_complete_period_f02(cases_dir):
    """F02 on the default whole range: nothing before April to compare the range
    with, so the headline is May's hand-worked CRR and churn."""
    app = open_app()
    upload(app, cases_dir / "F02_orders_export_mid_june.csv")
    assert not app.exception
    crr = next(m for m in app.metric if m.label == "Retention rate (CRR)")
    churn = next(m for m in app.metric if m.label == "Churn rate")
    assert (crr.value, crr.proto.delta) == ("75.00 %", "in May 2024")
    assert (churn.value, churn.proto.delta) == ("25.00 %", "in May 2024")
    text = " ".join(m.value for m in app.markdown)
    assert "Of the **0** customers" not in text
    assert "**In May 2024:** of the **4** customers" in text
    assert "**3** bought again and **1** did not (L)" in text
    assert "**5** customers bought in May 2024 (E), **2** of them" in text
    assert any(
        "those of the last complete period, May 2024" in c.value for c in app.caption
    )


def test_what_changed_by_year_says_2010_is_one_month_and_2011_stops_early():
    app = open_app({"period": "year"})
    app.switch_page("pages/changes.py").run()
    assert not app.exception
    warning = " ".join(w.value for w in app.warning)
    assert "2011: the data stops on 9 Dec 2011, after 343 of its 365 days." in warning
    assert "2010: the data starts on 1 Dec 2010, so it holds only 31 of its 365" in (
        warning
    )


def test_overview_comparison_marks_a_late_first_and_a_partial_last_quarter_f01(
    cases_dir,
):
    app = open_app({"period": "quarter", "start": "2024-04-01", "end": "2024-06-30"})
    upload(app, cases_dir / "F01_orders_q1_q2.csv")
    assert not app.exception
    warning = " ".join(w.value for w in app.warning)
    assert "2024 Q1: the data starts on 15 Jan 2024, so it holds only 77 of its 91" in (
        warning
    )
    assert "2024 Q2: the data stops on 5 Jun 2024, after 66 of its 91 days." in warning
