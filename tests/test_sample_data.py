"""The bundled sample, read through the app's path, against the figures its
source documents (sample_data/README.md)."""

from pathlib import Path

import pytest

from retention.retention_rates import retention_by_period
from retention.sales_log import load_sales_log

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


@pytest.fixture(scope="module")
def sample():
    return load_sales_log(SAMPLE / "Online_Retail_subset_cust_mod10.xlsx")


def test_sample_rows_customers_and_invoices(sample):
    report = sample.report
    assert report.rows_read == 47_808
    assert report.count("duplicate") == 495
    raw_customers = sample.report.raw["CustomerID"].replace("", None).dropna()
    assert raw_customers.nunique() == 445
    assert sample.report.raw["InvoiceNo"].nunique() == 2_383


def test_sample_monthly_periods_run_december_2010_to_a_partial_december_2011(sample):
    table = retention_by_period(sample.orders, "month")
    assert table.iloc[0]["label"] == "Dec 2010"
    assert table.iloc[-1]["label"] == "Dec 2011"
    assert list(table["partial"]) == [False] * 12 + [True]
    assert table["retention_rate"].iloc[1:].notna().all()
