"""Two people using the app at once, as two AppTest sessions in one process
(one server, shared caches): neither sees the other's data, uploads, choices or
cached results."""

from __future__ import annotations

from pathlib import Path

from tests.test_pages import (  # noqa: F401
    navigation_pages,
    open_app,
    shown_metrics,
    upload,
)

MORNING = "order,customer,date,amount\n1,C1,2024-01-02,10\n2,C2,2024-01-03,20\n"
EVENING = "order,customer,date,amount\n1,C7,2024-01-05,500\n"
# Dates like 01/02/2024 read day first (13/03 says so) or, if chosen, month
# first; 13/03/2024 reads day first only, so it is 13 March either way.
TWO_READINGS = (
    "order,customer,date,amount\n"
    "1,C1,01/02/2024,10\n"
    "2,C2,01/03/2024,10\n"
    "3,C1,02/03/2024,10\n"
    "4,C3,13/03/2024,10\n"
)


def write(tmp_path: Path, folder: str, text: str, name: str = "sales.csv") -> Path:
    path = tmp_path / folder / name
    path.parent.mkdir()
    path.write_text(text)
    return path


def test_an_upload_stays_in_its_own_session(tmp_path):
    owner = open_app()
    sample_figures = shown_metrics(owner)
    upload(owner, write(tmp_path, "a", MORNING, "my_cafe.csv"))
    neighbour = open_app()

    assert shown_metrics(owner)["Revenue"] == "30.00"
    assert shown_metrics(neighbour) == sample_figures
    sidebar = " ".join(c.value for c in neighbour.sidebar.caption)
    assert "my_cafe.csv" not in sidebar and "Showing the sample" in sidebar


def test_files_with_the_same_name_never_share_a_cached_result(tmp_path):
    first = open_app()
    upload(first, write(tmp_path, "a", MORNING))
    second = open_app()
    upload(second, write(tmp_path, "b", EVENING))
    first.run()

    assert shown_metrics(first)["Revenue"] == "30.00"
    assert shown_metrics(second)["Revenue"] == "500.00"
    for app in (first, second):
        app.switch_page("pages/retention.py").run()
    assert list(first.dataframe[0].value["At end (E)"]) == [2]
    assert list(second.dataframe[0].value["At end (E)"]) == [1]


def test_choices_stay_in_their_session(tmp_path):
    first = open_app()
    second = open_app()
    first.selectbox(key="period").set_value("quarter").run()
    first.number_input(key="window").set_value(3).run()
    second.run()

    assert second.selectbox(key="period").value == "month"
    assert second.number_input(key="window").value == 1
    assert second.query_params.get("period") == "month"
    assert first.query_params["period"] == "quarter"


def test_a_reading_choice_changes_only_that_sessions_figures(tmp_path):
    """Both open the same file; one reads its dates month first. Cached
    per-period tables are keyed by the reading, not only by the file."""
    path = write(tmp_path, "a", TWO_READINGS)
    picker, other = open_app(), open_app()
    for app in (picker, other):
        upload(app, path)
        app.switch_page("pages/retention.py").run()
    before = other.dataframe[0].value["At end (E)"].tolist()
    assert before == [1, 3]  # Feb: C1; Mar: C1, C2, C3

    picker.switch_page("pages/data.py").run()
    picker.radio(key="date_order").set_value("month_first").run()
    picker.switch_page("pages/retention.py").run()
    other.run()

    # the range shown stays Feb-Mar: Feb: C1 (3 Feb); Mar: C3 (13 Mar)
    assert picker.dataframe[0].value["At end (E)"].tolist() == [1, 1]
    assert other.dataframe[0].value["At end (E)"].tolist() == before
