"""``python -m retention``: the same figures as the app, as text or JSON."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "retention", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_summary_json_has_per_period_s_e_n_l_crr_and_churn(cases_dir):
    done = run_cli(
        "summary",
        str(cases_dir / "F01_orders_q1_q2.csv"),
        "--period",
        "quarter",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    first, second = result["periods"]
    assert first["retention_rate"] is None  # S = 0: undefined, not 0
    assert (second["customers_at_start"], second["customers_at_end"]) == (3, 4)
    assert (second["gained"], second["lost"]) == (2, 1)
    assert second["retention_rate"] == pytest.approx(66.6667, abs=1e-3)
    assert second["churn_rate"] == pytest.approx(33.3333, abs=1e-3)
    assert result["figures"]["orders"] == 8
    assert result["figures"]["repeat_purchase_rate"] == pytest.approx(60.0)


def test_summary_text_marks_the_partial_month(cases_dir):
    done = run_cli("summary", str(cases_dir / "F02_orders_export_mid_june.csv"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    june = next(line for line in lines if line.startswith("Jun 2024"))
    assert "partial" in june and "40.00" in june
    may = next(line for line in lines if line.startswith("May 2024"))
    assert "75.00" in may and "25.00" in may


def test_a_file_that_cannot_be_read_gives_a_message_not_a_traceback(tmp_path):
    empty = tmp_path / "sales.csv"
    empty.write_bytes(b"")
    done = run_cli("summary", str(empty))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stderr.strip()


def test_nps_prints_counts_shares_nps_and_margin(shared_dir):
    path = shared_dir / "data" / "nps_carpentries" / "20180908_post_clean.csv"

    done = run_cli("nps", str(path))

    assert done.returncode == 0, done.stderr
    assert "Promoters      501   56.36 %" in done.stdout
    assert "Detractors      71    7.99 %" in done.stdout
    assert "NPS: 48 (48.37) ± 4.2 points (95 %)" in done.stdout


def test_nps_json_lists_the_invalid_rows_of_f16(cases_dir):
    done = run_cli("nps", str(cases_dir / "F16_nps_invalid_scores.csv"), "--json")

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["promoters"], result["passives"], result["detractors"]) == (2, 1, 1)
    assert result["shares"]["promoters"] == pytest.approx(50.0)
    assert result["nps"] == pytest.approx(25.0)
    assert result["nps_shown"] == "25"
    assert result["margin_of_error"] == pytest.approx(81.257, abs=1e-3)
    assert [row["row"] for row in result["invalid"]] == [4, 5, 7, 8]


def test_nps_of_a_one_to_five_rating_asks_for_the_scale(cases_dir):
    path = str(cases_dir / "F17_rating_1_to_5.csv")

    asked = run_cli("nps", path)
    confirmed = run_cli("nps", path, "--scale-confirmed", "--json")

    assert asked.returncode == 0
    assert "between 2 and 5" in asked.stdout and "NPS:" not in asked.stdout
    assert json.loads(confirmed.stdout)["nps"] == pytest.approx(-100.0)


def test_nps_with_an_unknown_column_says_so(cases_dir):
    done = run_cli(
        "nps", str(cases_dir / "F16_nps_invalid_scores.csv"), "--column", "x"
    )

    assert done.returncode == 2
    assert "no column x" in done.stderr


def test_cohorts_json_leaves_cells_not_yet_reached_empty(cases_dir):
    done = run_cli(
        "cohorts", str(cases_dir / "F02_orders_export_mid_june.csv"), "--json"
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    april, may, june = result["cohorts"]
    assert (april["label"], april["customers"]) == ("Apr 2024", 4)
    assert april["share"] == [100.0, 75.0, 25.0]
    assert april["partial"] == [False, False, True]
    assert may["share"] == [100.0, 50.0, None]  # not lived to reach: null, not 0
    assert june["share"] == [100.0, None, None]
    assert result["average"]["share"] == [100.0, 75.0, None]


def test_cohorts_text_by_quarter_marks_the_partial_cell(cases_dir):
    done = run_cli(
        "cohorts", str(cases_dir / "F01_orders_q1_q2.csv"), "--period", "quarter"
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    q1 = next(line for line in lines if line.startswith("2024 Q1"))
    # C01, C02, C05 first bought in Q1; C01 and C02 came back in Q2 (ends 5 June)
    assert q1.split() == ["2024", "Q1", "3", "100.0", "66.7*"]
    q2 = next(line for line in lines if line.startswith("2024 Q2"))
    assert q2.split() == ["2024", "Q2", "2", "100.0*"]


def test_segments_json_lists_segments_vips_and_customers_at_risk(tmp_path):
    sales = tmp_path / "sales.csv"
    sales.write_text(
        "order_id,customer_id,order_date,amount\n"
        "1,00421,2024-01-01,40.00\n"
        "2,00421,2024-01-10,40.00\n"
        "3,00421,2024-01-19,40.00\n"
        "4,E1,2024-02-15,12.00\n"
    )
    done = run_cli("segments", str(sales), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["as_of"].startswith("2024-02-15")
    sizes = {row["segment"]: row["customers"] for row in result["segments"]}
    assert sizes["new"] == 1 and sum(sizes.values()) == 2
    (risk,) = result["at_risk"]
    assert risk["customer_id"] == "00421"  # exactly as in the file
    assert risk["reason"] == "usually every 9 days, last seen 27 days ago"
    assert {row["customer_id"] for row in result["customers"]} == {"00421", "E1"}
    text = run_cli("segments", str(sales))
    assert text.returncode == 0, text.stderr
    assert "usually every 9 days, last seen 27 days ago" in text.stdout
    assert "New" in text.stdout


def test_weeks_are_named_by_their_monday_in_aligned_columns(cases_dir):
    done = run_cli(
        "summary", str(cases_dir / "F01_orders_q1_q2.csv"), "--period", "week"
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    rows = [line for line in lines if line.startswith("week of ")]
    assert rows[0].startswith("week of 15 Jan 2024 ") and "-W" not in done.stdout
    header = next(line for line in lines if line.startswith("Period"))
    end_of_s = header.index(" S ") + 2  # S is right-aligned over its column
    assert all(row[end_of_s - 1].isdigit() and row[end_of_s] == " " for row in rows)


def test_nps_of_a_file_without_a_score_column_says_what_to_do(cases_dir):
    done = run_cli("nps", str(cases_dir / "F01_orders_q1_q2.csv"))

    assert done.returncode == 2
    assert "No column of 0-10 answers" in done.stderr and "--column" in done.stderr


def test_timezone_option_converts_utc_stamps_to_the_shop_zone(cases_dir):
    """F03: with the shop's zone Feb CRR 33.33 %, Mar 50.00 %."""
    done = run_cli(
        "summary",
        str(cases_dir / "F03_orders_utc_timestamps.csv"),
        "--timezone",
        "America/Los_Angeles",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    periods = {row["label"]: row for row in json.loads(done.stdout)["periods"]}
    assert periods["Feb 2024"]["retention_rate"] == pytest.approx(33.3333, abs=1e-3)
    assert periods["Mar 2024"]["retention_rate"] == pytest.approx(50.0)
    assert "converted to America/Los_Angeles" in done.stderr


def test_without_a_timezone_the_kept_clock_time_is_told(cases_dir):
    done = run_cli(
        "summary", str(cases_dir / "F03_orders_utc_timestamps.csv"), "--json"
    )
    assert done.returncode == 0, done.stderr
    assert "time zone" in done.stderr
    assert any("time zone" in n for n in json.loads(done.stdout)["notices"])


def test_column_options_choose_the_customer_date_and_amount(tmp_path):
    sales = tmp_path / "sales.csv"
    sales.write_text(
        "who,alt,when,paid,ticket\nA,X,03/04/2024,5,1\nA,X,03/05/2024,6,2\n"
        "B,X,03/05/2024,7,3\n"
    )
    done = run_cli(
        "summary",
        str(sales),
        "--customer",
        "who",
        "--date",
        "when",
        "--amount",
        "paid",
        "--order",
        "ticket",
        "--date-order",
        "month_first",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["figures"]["customers"] == 2
    assert result["figures"]["revenue"] == pytest.approx(18.0)
    assert result["first_order"].startswith("2024-03-04")


def test_cafe_card_file_reads_from_the_command_line(shared_dir):
    path = shared_dir / "data" / "coffee_vending_sales" / "index_1.csv"
    done = run_cli("summary", str(path), "--json")
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)["figures"]
    assert figures["orders"] == 3636
    assert figures["repeat_purchase_rate"] == pytest.approx(41.4, abs=0.05)


def test_cafe_card_file_resaved_by_excel_keeps_every_sale(shared_dir):
    # the minute-only copy repeats some rows exactly: a second sale of the
    # same drink on the same card in the same minute, not an export duplicate
    folder = shared_dir / "data" / "coffee_vending_sales"
    done = run_cli("summary", str(folder / "index_1_excel_resaved.csv"), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    figures = result["figures"]
    assert figures["revenue"] == pytest.approx(115_431.58)
    assert figures["guest_orders"] == 89
    assert not any("duplicate" in notice for notice in result["notices"])
    # 52 sales on one card in one minute, two by two, make 26 orders
    assert figures["orders"] == 3_636 - 26


def test_a_file_of_one_order_reads_in_the_singular_in_every_command(tmp_path):
    from tests.test_page_wording import ONE_ANSWER, ONE_COUNT_SLIPS, ONE_ORDER

    sales, survey = tmp_path / "one.csv", tmp_path / "answers.csv"
    sales.write_text(ONE_ORDER)
    survey.write_text(ONE_ANSWER)
    runs = [
        run_cli("summary", str(sales)),
        run_cli("cohorts", str(sales)),
        run_cli("segments", str(sales)),
        run_cli("nps", str(survey)),
    ]
    assert [done.returncode for done in runs] == [0, 0, 0, 0], runs[0].stderr
    printed = "\n".join(done.stdout + done.stderr for done in runs)
    assert "1 duplicate row removed." in runs[0].stderr
    assert not ONE_COUNT_SLIPS.findall(printed), printed


def test_a_file_without_a_purchase_says_why_and_exits_non_zero(tmp_path):
    refunds = tmp_path / "refunds.csv"
    refunds.write_text("customer,date,amount\nC1,2024-01-05,-10\nC2,2024-01-06,-5\n")
    done = run_cli("summary", str(refunds))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "No purchases found: both rows are refunds" in done.stderr
    assert "(rows 2–3)" in done.stderr


def test_two_columns_of_one_name_are_noted_on_standard_error(tmp_path):
    sales = tmp_path / "sales.csv"
    sales.write_text("order,customer,date,amount,amount\n1,C1,2024-01-05,10,99\n")
    done = run_cli("summary", str(sales))
    assert done.returncode == 0
    assert "Two columns are named amount; the first is used as Amount." in done.stderr


BAD_ROWS = (
    "order_id,customer_id,order_date,amount\n"
    "1,C1,2024-01-05,10\n"
    "2,C2,not a date,20\n"
    "3,C1,2024-02-05,abc\n"
    "4,C3,2024-02-31,15\n"
    "5,,2024-02-10,\n"
    "6,C2,2024-03-01,12\n"
)


def test_rows_left_out_are_counted_with_their_row_numbers(tmp_path):
    sales = tmp_path / "bad_rows.csv"
    sales.write_text(BAD_ROWS)

    done = run_cli("summary", str(sales), "--json")

    assert done.returncode == 0, done.stderr
    told = [
        "Date missing or unreadable (2 rows): rows 3 and 5.",
        "Amount missing or not a number (2 rows): rows 4 and 6.",
    ]
    result = json.loads(done.stdout)
    assert result["notices"] == told
    assert done.stderr.splitlines() == told
    dates, amounts = result["row_reasons"]
    assert (dates["reason"], dates["outcome"], dates["rows"]) == (
        "no_date",
        "excluded",
        2,
    )
    assert dates["where"] == [
        {"file": "bad_rows.csv", "sheet": None, "row_numbers": [3, 5]}
    ]
    assert amounts["where"][0]["row_numbers"] == [4, 6]


@pytest.mark.parametrize("command", ["summary", "cohorts", "segments"])
def test_an_unmatched_cancellation_is_told_in_every_command(cases_dir, command):
    path = cases_dir / "F13_online_retail_cancellations.csv"

    done = run_cli(command, str(path))

    assert done.returncode == 0, done.stderr
    assert (
        "Cancellation without a matching purchase: counts in revenue only "
        "(1 row): row 7." in done.stderr.splitlines()
    )


@pytest.mark.parametrize("command", ["summary", "cohorts", "segments"])
def test_monthly_exports_of_f14_are_read_as_one_log(cases_dir, command):
    """F14: 3 customers, 5 orders, 130.00; guest J2 counted in orders only,
    00421 one customer across both months."""
    files = [str(cases_dir / f"F14_{month}_export.csv") for month in ("feb", "jan")]

    done = run_cli(command, *files, "--json")

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["files"] == files
    if command == "summary":
        figures = result["figures"]
        assert (figures["customers"], figures["orders"]) == (3, 5)
        assert figures["revenue"] == pytest.approx(130.0)
        assert figures["guest_orders"] == 1
    elif command == "cohorts":
        sizes = [(row["label"], row["customers"]) for row in result["cohorts"]]
        assert sizes == [("Jan 2024", 2), ("Feb 2024", 1)]
    else:
        ids = {row["customer_id"]: row["orders"] for row in result["customers"]}
        assert ids == {"00421": 2, "00422": 1, "00423": 1}


def test_money_is_rounded_half_up_in_the_text(cases_dir):
    # F01: 305.00 over 8 orders is 38.125, which a calculator shows as 38.13
    done = run_cli("summary", str(cases_dir / "F01_orders_q1_q2.csv"))

    assert done.returncode == 0, done.stderr
    assert "Revenue: 305.00  AOV: 38.13" in done.stdout


def test_the_text_names_the_first_and_last_day_as_people_write_them(cases_dir):
    # regression: 2024-01-15T00:00:00 .. 2024-06-05T00:00:00
    done = run_cli("summary", str(cases_dir / "F01_orders_q1_q2.csv"))

    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.endswith("F01_orders_q1_q2.csv: 15 Jan 2024 – 5 Jun 2024")


def test_several_files_are_named_by_the_first_and_how_many_more(cases_dir, tmp_path):
    files = [str(cases_dir / f"F14_{month}_export.csv") for month in ("jan", "feb")]
    again = tmp_path / "F14_feb_again.csv"  # the same layout, its rows counted once
    again.write_bytes((cases_dir / "F14_feb_export.csv").read_bytes())
    done = run_cli("summary", *files, str(again))

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{files[0]} and 2 more files: ")
