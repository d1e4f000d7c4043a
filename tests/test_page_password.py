"""The password box in Streamlit's AppTest: wrong passwords are counted for the
whole app, so a new tab or browser does not start afresh; after five in fifteen
minutes no password opens the app, and the message says until when; once that
time has passed, the right password opens it again."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, update

from retention.store import PASSWORD_ATTEMPTS, password_failures, utc_now
from tests.test_pages import navigation_pages, open_app  # noqa: F401

PASSWORD = "open sesame"
LOCKED = re.compile(
    r"^Too many wrong passwords: the app takes no password for now, not even the "
    r"right one\. Try again after \d\d:\d\d UTC \(in 1[45] min\)\.$"
)


@pytest.fixture(autouse=True)
def password(monkeypatch, app_store):
    monkeypatch.setenv("REGULARS_PASSWORD", PASSWORD)
    with app_store.engine.begin() as connection:
        connection.execute(delete(password_failures))
    yield
    with app_store.engine.begin() as connection:
        connection.execute(delete(password_failures))


def type_password(app, text: str):
    app.text_input[0].input(text)
    app.button[0].click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_the_fifth_wrong_password_closes_the_box_for_every_session():
    app = open_app()
    for _ in range(PASSWORD_ATTEMPTS - 1):
        type_password(app, "guess")
        assert [e.value for e in app.error] == ["That password is not right."]
        assert not app.warning
    type_password(app, "guess")
    assert LOCKED.match(app.warning[0].value), app.warning[0].value

    fresh = open_app()  # a new tab: its session state is empty
    assert LOCKED.match(fresh.warning[0].value)
    type_password(fresh, PASSWORD)
    assert not fresh.metric and not fresh.sidebar.selectbox
    assert LOCKED.match(fresh.warning[0].value)
    assert not fresh.error  # a refused try is not counted as a wrong one


def test_the_right_password_works_again_once_the_lock_has_expired(app_store):
    app = open_app()
    for _ in range(PASSWORD_ATTEMPTS):
        type_password(app, "guess")
    type_password(app, PASSWORD)
    assert not app.metric and LOCKED.match(app.warning[0].value)

    # fifteen minutes go by
    with app_store.engine.begin() as connection:
        connection.execute(
            update(password_failures).values(
                failed_at=password_failures.c.failed_at - timedelta(minutes=15)
            )
        )
    type_password(app, PASSWORD)
    assert app.metric and app.sidebar.selectbox
    assert not app.warning and not app.error


def test_wrong_passwords_spread_over_time_never_lock(app_store):
    for minutes in (40, 30, 20, 16, 1):
        app_store.password_attempt(False, utc_now() - timedelta(minutes=minutes))
    app = open_app()
    assert not app.warning
    type_password(app, PASSWORD)
    assert app.metric
