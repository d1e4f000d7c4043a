"""Numbers on the pages read alike: every number column of every table has
thousands separators, and money is rounded half up."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from tests.test_pages import PAGES, navigation_pages, open_app, upload  # noqa: F401

# columns whose numbers are written as they are: a year, a row of the file,
# a score as the survey gave it
PLAIN = {"Year", "Row", "Score"}
SEPARATED = re.compile(r"%,(d|\.\d+f)")


@pytest.mark.parametrize("page", PAGES)
def test_every_number_column_of_every_table_separates_thousands(page):
    # regression: the Customer value table wrote 9703.97
    app = open_app()
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]

    for table in app.dataframe:
        formats = json.loads(table.proto.columns or "{}")
        for name, dtype in table.value.dtypes.items():
            if name in PLAIN or not pd.api.types.is_numeric_dtype(dtype):
                continue
            if pd.api.types.is_bool_dtype(dtype):
                continue
            written = formats.get(name, {}).get("type_config", {}).get("format", "")
            assert SEPARATED.fullmatch(written), (page, name, written)


def test_money_is_rounded_half_up_on_the_overview(cases_dir):
    # F01: 305.00 over 8 orders is 38.125, which a calculator shows as 38.13
    app = open_app()
    upload(app, cases_dir / "F01_orders_q1_q2.csv")
    assert not app.exception, [e.value for e in app.exception]

    shown = {metric.label: metric.value for metric in app.metric}
    assert shown["Average order value"] == "38.13"
