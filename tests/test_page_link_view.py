"""A shared or bookmarked address with a part that cannot be used: the app
opens on the nearest valid view, says which part of the link was not used and
what is shown instead, and puts the view shown into the address."""

from __future__ import annotations

import pytest

from tests.test_pages import navigation_pages, open_app  # noqa: F401


def notices(app) -> str:
    return " ".join(warning.value for warning in app.sidebar.warning)


def shown_range(app) -> tuple[str, str]:
    slider = app.select_slider(key="range_month")
    first, last = slider.value
    return slider.format_func(first), slider.format_func(last)


@pytest.mark.parametrize("day", ["2099-13-45", "abc", "", "2011-02-30", "now"])
def test_a_start_that_is_no_date_shows_from_the_first_day_with_a_notice(day):
    app = open_app({"start": day, "end": "2011-05-31"})
    assert not app.exception
    assert (
        f"The link's start date “{day}” is not a date (year-month-day); "
        "showing from 2010-12-01." in notices(app)
    )
    assert shown_range(app) == ("Dec 2010", "May 2011")
    assert app.query_params["start"] == "2010-12-01"
    assert app.query_params["end"] == "2011-05-31"


def test_an_end_that_is_no_date_shows_up_to_the_last_day_with_a_notice():
    app = open_app({"start": "2011-03-01", "end": "2011-99-01"})
    assert not app.exception
    assert (
        "The link's end date “2011-99-01” is not a date (year-month-day); "
        "showing up to 2011-12-31." in notices(app)
    )
    assert shown_range(app) == ("Mar 2011", "Dec 2011")
    assert app.query_params["end"] == "2011-12-31"


def test_a_start_after_the_end_shows_the_range_between_them_with_a_notice():
    app = open_app({"start": "2011-06-01", "end": "2011-03-31"})
    assert not app.exception
    assert (
        "The link's start date 2011-06-01 is after its end date 2011-03-31; "
        "showing 2011-03-01 to 2011-06-30." in notices(app)
    )
    assert "the data runs from" not in notices(app)
    assert shown_range(app) == ("Mar 2011", "Jun 2011")
    assert (app.query_params["start"], app.query_params["end"]) == (
        "2011-03-01",
        "2011-06-30",
    )


@pytest.mark.parametrize(
    "query, notice, written",
    [
        (
            {"period": "fortnight"},
            "The link's period “fortnight” is not week, month, quarter or year; "
            "showing months.",
            ("period", "month"),
        ),
        (
            {"window": "abc"},
            "The link's activity window “abc” is not a whole number from 1 to 12; "
            "showing customers as lost after 1 period without a purchase.",
            ("window", "1"),
        ),
        (
            {"window": "0"},
            "The link's activity window “0” is not a whole number from 1 to 12",
            ("window", "1"),
        ),
        (
            {"industry": "bakery"},
            "The link's industry “bakery” is unknown; showing Retail and e-commerce.",
            ("industry", "retail"),
        ),
        (
            {"lang": "xx"},
            "The link's language “xx” is unknown; showing English.",
            ("lang", "en"),
        ),
        (
            {"target": "abc"},
            "The link's target “abc” is not a percentage from 1 to 100; comparing "
            "with the industry's figure instead.",
            ("target", None),
        ),
    ],
    ids=["period", "window", "window 0", "industry", "language", "target"],
)
def test_a_value_that_cannot_be_used_says_what_is_shown_instead(query, notice, written):
    app = open_app(query)
    assert not app.exception
    assert notice in notices(app)
    key, value = written
    assert app.query_params.get(key) == value


def test_a_short_period_name_that_is_unknown_leaves_the_address():
    app = open_app({"granularity": "X"})
    assert "“X”" in notices(app)
    assert "granularity" not in app.query_params
    assert app.query_params["period"] == "month"


def test_the_notice_is_shown_once():
    app = open_app({"start": "2099-13-45", "window": "abc"})
    assert notices(app)
    app.selectbox(key="period").set_value("quarter").run()
    assert not notices(app)
