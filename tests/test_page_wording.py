"""How figures and counts read on the pages: thousands separators, singular and
plural wording, the NPS margin against its range, and no deprecated arguments."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from tests.test_pages import PAGES, navigation_pages, open_app, upload  # noqa: F401

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
    app.switch_page("pages/data.py").run()
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
    app.switch_page("pages/retention.py").run()
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
    # 2010 is the last complete year (nobody at its start); 2011 is partial
    assert app.selectbox(key="changes_period").value == pd.Period("2010", "Y").ordinal
    app.selectbox(key="changes_period").set_value(pd.Period("2011", "Y").ordinal).run()
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


# Counts of one: every page on a shop with a single customer, in English
# singular ("1 customer", "1 order"), never "1 customers".

ONE_COUNT_SLIPS = re.compile(
    r"(?<![\d.,])1\**\s+(?:\w+\s+)?(customers|orders|days|periods|rows|answers|"
    r"comments|months|weeks|years|responses|purchases|cells|amounts|stamps|"
    r"dates|points|links|datasets|files|sheets)\b"
)
# C01's only order, written twice (one duplicate row left out).
ONE_ORDER = (
    "order_id,customer_id,order_date,amount\n"
    "1001,C01,2024-01-15,40.00\n"
    "1001,C01,2024-01-15,40.00\n"
)
# C01 alone buys in January and February, then not in March (lost), and in April.
ONE_CUSTOMER = (
    "order_id,customer_id,order_date,amount\n"
    "1,c01@example.com,2024-01-15,40.00\n"
    "2,c01@example.com,2024-02-15,30.00\n"
    "3,c01@example.com,2024-04-15,20.00\n"
)
ONE_ANSWER = (
    "Email,How likely are you to recommend us?,Comment\nc01@example.com,9,Nice\n"
)


def every_text(node) -> list[str]:
    """Every string an element shows (values, labels, captions, help, deltas,
    chart specs and table cells), from the element tree of an AppTest run."""
    found = []
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "ListFields"):
        found += [v for _, v in proto.ListFields() if isinstance(v, str)]
    value = getattr(node, "value", None) if hasattr(node, "proto") else None
    if isinstance(value, pd.DataFrame):
        found += [str(cell) for cell in value.astype(str).to_numpy().ravel()]
        found += [str(column) for column in value.columns]
    for attribute in ("label", "value"):
        try:
            text = getattr(node, attribute, None)
        except Exception:  # an element without that attribute
            continue
        if isinstance(text, str):
            found.append(text)
    children = getattr(node, "children", None)
    for child in children.values() if isinstance(children, dict) else []:
        found += every_text(child)
    return found


def slips(app) -> list[str]:
    return sorted(
        {
            m.group(0)
            for text in every_text(app._tree)
            for m in ONE_COUNT_SLIPS.finditer(text)
        }
    )


def open_with(text: str, name: str, query=None):
    app = open_app(query)
    app.sidebar.file_uploader[0].set_value((name, text.encode(), "text/csv"))
    return app.run()


@pytest.mark.parametrize(
    "sales, query",
    [(ONE_ORDER, None), (ONE_CUSTOMER, None), (ONE_CUSTOMER, {"start": "2024-02-01", "end": "2024-02-29"}), (ONE_CUSTOMER, {"window": "2"})],
    ids=["one order", "one customer", "one customer in February", "two-period window"],
)  # fmt: skip
def test_no_page_writes_1_customers_or_1_orders(sales, query):
    app = open_with(sales, "one.csv", query)
    assert not app.exception
    found = {}
    for page in [*PAGES, "pages/share.py"]:
        app.switch_page(page).run()
        assert not app.exception, (page, [e.value for e in app.exception])
        if page == "pages/nps.py":
            app.file_uploader(key="survey_upload").set_value(
                ("answers.csv", ONE_ANSWER.encode(), "text/csv")
            )
            app.run()
            assert not app.exception
        if slips(app):
            found[page] = slips(app)
    assert found == {}


def test_one_customer_reads_in_the_singular_on_the_overview_and_what_changed():
    app = open_with(
        ONE_CUSTOMER, "one.csv", {"start": "2024-02-01", "end": "2024-02-29"}
    )
    text = " ".join(every_text(app._tree))
    assert "Of the **1** customer who bought in the previous range (S)" in text
    assert "**1** customer bought in this range (E)" in text
    app.switch_page("pages/changes.py").run()
    assert "In Feb 2024 you kept 1 of 1 customer; 0 new," in app.info[0].value
    app = open_with(
        ONE_CUSTOMER, "one.csv", {"start": "2024-03-01", "end": "2024-03-31"}
    )
    app.switch_page("pages/changes.py").run()
    assert "That customer had bought more than once" in app.info[0].value


def test_one_duplicate_row_is_a_row_in_the_notices():
    app = open_with(ONE_ORDER, "one.csv")
    app.switch_page("pages/data.py").run()
    text = " ".join(every_text(app._tree))
    assert "1 duplicate row removed." in text
    assert "· 1 order ·" in " ".join(
        every_text(app.switch_page("pages/share.py").run()._tree)
    )


def test_one_answer_reads_in_the_singular_on_the_nps_page():
    app = open_with(ONE_CUSTOMER, "one.csv")
    app.switch_page("pages/nps.py").run()
    app.file_uploader(key="survey_upload").set_value(
        ("answers.csv", ONE_ANSWER.encode(), "text/csv")
    )
    app.run()
    text = " ".join(every_text(app._tree))
    assert "Of **1** answer, " in text
    assert "**1** of 1 answer with a customer id or email was found" in text
