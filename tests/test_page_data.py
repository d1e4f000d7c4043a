"""The Data page's report of every row in Streamlit's AppTest: rows kept,
kept after a repair (which repair) and left out, and their downloads."""

from __future__ import annotations

from tests.test_pages import navigation_pages, open_app, upload  # noqa: F401
from tests.test_quality import CURRENCY_SIGN, GUEST, REPAIRED


def test_the_data_page_counts_a_repaired_guest_purchase_as_kept_after_a_repair(
    tmp_path,
):
    path = tmp_path / "shop.csv"
    path.write_text(REPAIRED, encoding="utf-8")
    app = open_app()
    upload(app, path)
    app.switch_page("pages/data.py").run()
    assert not app.exception, [e.value for e in app.exception]

    reasons = app.dataframe[0].value
    assert reasons.groupby("Outcome")["Rows"].sum().to_dict() == {
        "kept": 2,
        "kept after a repair": 3,
        "left out": 1,
    }
    repaired = reasons[reasons["Outcome"] == "kept after a repair"]
    assert f"{CURRENCY_SIGN}. The row itself: {GUEST}" in repaired["Reason"].tolist()
    assert GUEST not in reasons.loc[reasons["Outcome"] == "kept", "Reason"].tolist()

    labels = [button.label for button in app.main.get("download_button")]
    assert f"Download: {CURRENCY_SIGN}. The row itself: {GUEST} (1 row)" in labels
    assert labels[-3:] == [
        "Download the whole report (.xlsx)",
        "Download every row (.csv)",
        "Download the counts per reason (.csv)",
    ]
