"""Uploading through the sidebar: several files, sheets, and bad files, with
Streamlit's AppTest. The app keeps running after every bad file."""

from __future__ import annotations

import io

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest
from test_pages import navigation_pages, open_app, shown_metrics  # noqa: F401

from retention.sales_log import read_raw


def upload(app: AppTest, *files: tuple[str, bytes]) -> AppTest:
    app.sidebar.file_uploader[0].set_value(
        [(name, content, "application/octet-stream") for name, content in files]
    )
    return app.run()


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_two_monthly_files_are_read_as_one_log(cases_dir):
    """F14 through the uploader: 5 orders, 130.00, 3 customers."""
    app = upload(
        open_app(),
        *[
            (name, (cases_dir / name).read_bytes())
            for name in ["F14_jan_export.csv", "F14_feb_export.csv"]
        ],
    )
    assert not app.exception
    metrics = shown_metrics(app)
    assert (metrics["Orders"], metrics["Revenue"], metrics["Customers"]) == (
        "5",
        "130.00",
        "3",
    )


def test_sheets_of_two_years_can_be_read_together():
    header = ["Order", "Customer", "Date", "Amount"]
    data = workbook(
        {
            "2023": [header, [1, "C1", "2023-05-02", 10], [2, "C2", "2023-06-02", 20]],
            "2024": [header, [3, "C1", "2024-05-02", 30]],
        }
    )
    app = upload(open_app(), ("years.xlsx", data))
    assert app.sidebar.multiselect(key="sheets").value == ["2023"]
    assert shown_metrics(app)["Orders"] == "2"
    app.sidebar.multiselect(key="sheets").set_value(["2023", "2024"]).run()
    app.switch_page("pages/data.py").run()
    assert not app.exception
    assert shown_metrics(app)["Orders found"] == "3"
    assert shown_metrics(app)["Customers found"] == "2"


def test_the_data_page_says_the_other_years_sheet_has_the_same_columns_and_stacks_it():
    """Finding: a workbook of one sheet per year showed one year only, and
    nothing said the other sheet could be read with it."""
    header = ["Order", "Customer", "Date", "Amount"]
    data = workbook(
        {
            "2023": [header, [1, "C1", "2023-05-02", 10], [2, "C2", "2023-06-02", 20]],
            "2024": [header, [3, "C1", "2024-05-02", 30]],
            "Notes": [["Notes"], ["Prices include VAT"]],
        }
    )
    app = upload(open_app(), ("years.xlsx", data))
    app.switch_page("pages/data.py").run()
    assert not app.exception
    note = (
        "The sheet “2024” has the same columns as the sheet “2023”: choose it too "
        "under Sheets to read to stack them and see the whole history."
    )
    assert [info.value for info in app.main.info] == [note]
    assert note not in [caption.value for caption in app.main.caption]
    assert shown_metrics(app)["Orders found"] == "2"

    app.button[0].click().run()
    assert not app.exception
    assert app.sidebar.multiselect(key="sheets").value == ["2023", "2024"]
    assert shown_metrics(app)["Orders found"] == "3"
    assert note not in [info.value for info in app.main.info]


def test_sheets_of_other_layouts_are_refused_and_one_of_them_still_reads(app_store):
    """Finding: stacked by name, the sheet whose amount column had another
    name lost its sales from the figures without a word."""
    data = workbook(
        {
            "2023": [
                ["Order", "Customer", "Date", "Amount"],
                [1, "C1", "2023-05-02", 10],
                [2, "C2", "2023-06-02", 20],
            ],
            "2024": [
                ["Order", "Customer", "Date", "Total"],
                [3, "C1", "2024-05-02", 30],
            ],
        }
    )
    app = upload(open_app(), ("years.xlsx", data))
    app.sidebar.multiselect(key="sheets").set_value(["2023", "2024"]).run()
    assert not app.exception
    refusal = (
        "The sheet “2024” of years.xlsx has other columns (Order, Customer, Date, "
        "Total) than the sheet “2023”, which has Amount: choose one of them under "
        "Sheets to read"
    )
    assert refusal in " ".join(error.value for error in app.sidebar.error)
    assert app.info[0].value.startswith("The file could not be read")
    app.switch_page("pages/data.py").run()
    assert not app.exception
    assert refusal in " ".join(error.value for error in app.main.error)

    # the sheet read before is still saved, and reads again when chosen alone
    assert app_store.find(read_raw(("years.xlsx", data)).content_hash) is not None
    app.switch_page("pages/share.py").run()
    assert not app.exception
    app.sidebar.multiselect(key="sheets").set_value(["2023"]).run()
    app.switch_page("pages/data.py").run()
    assert not app.exception
    assert not app.sidebar.error
    assert shown_metrics(app)["Orders found"] == "2"


BAD_FILES = [
    ("empty.csv", b"", "empty"),
    ("report.xlsx", b"%PDF-1.7\n1 0 obj\n", "is a PDF document, not a spreadsheet"),
    ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "password"),
    ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 100, "damaged"),
    ("sales.csv", b"date,amount\n2024-01-01,5\n", "customer id"),
    ("sales.csv", b"customer,amount\nC1,5\n", "No date column"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES)
def test_a_bad_file_gets_its_message_and_the_app_keeps_running(name, content, message):
    app = upload(open_app(), (name, content))
    assert not app.exception
    errors = " ".join(error.value for error in app.sidebar.error)
    assert message in errors
    app.switch_page("pages/data.py").run()
    assert not app.exception
    good = b"customer,date,amount\nC1,2024-01-01,5\nC2,2024-02-01,7\n"
    upload(app, ("good.csv", good))
    assert not app.exception
    assert not app.sidebar.error


def test_a_file_over_the_upload_limit_is_refused_in_plain_words(monkeypatch):
    from ui import data

    monkeypatch.setattr(data, "upload_limit_mb", lambda: 0.001)
    app = upload(
        open_app(), ("big.csv", b"customer,date,amount\n" + b"C1,2024-01-01,5\n" * 200)
    )
    assert not app.exception
    errors = " ".join(error.value for error in app.sidebar.error)
    assert "big.csv is 0.0 MB; the limit is 0 MB per file" in errors


def test_a_column_chosen_for_a_layout_is_chosen_again_for_the_next_file():
    jan = b"customer,alt,date,amount\nC1,X1,2024-01-02,5\nC2,X2,2024-01-03,6\n"
    feb = b"customer,alt,date,amount\nC1,X9,2024-02-02,5\nC3,X9,2024-02-03,6\n"
    app = upload(open_app(), ("jan.csv", jan))
    app.switch_page("pages/data.py").run()
    app.selectbox(key="role_customer").set_value("alt").run()
    assert shown_customers(app) == "2"
    upload(app, ("feb.csv", feb))
    assert not app.exception
    assert app.selectbox(key="role_customer").value == "alt"
    assert shown_customers(app) == "1"  # X9 twice


def shown_customers(app: AppTest) -> str:
    return shown_metrics(app)["Customers found"]


def test_an_undecided_text_encoding_can_be_chosen_on_the_data_page():
    data = "order,customer,date,amount\n1,Brzęk,2024-01-02,5\n2,K2,2024-01-03,6\n"
    app = upload(open_app(), ("pos.csv", data.encode("cp1250")))
    app.switch_page("pages/data.py").run()
    assert any("could not be told for sure" in c.value for c in app.caption)
    app.selectbox(key="text_encoding").set_value("cp1250").run()
    assert not app.exception
    assert any(c.value == "Text encoding: cp1250." for c in app.caption)
    app.switch_page("pages/customers.py").run()
    app.switch_page("pages/data.py").run()
    assert app.selectbox(key="text_encoding").value == "cp1250"


def test_a_workbook_whose_first_sheet_is_notes_opens_on_the_sales_sheet():
    rows = [[i, f"C{i % 30}", f"2024-01-{1 + i % 28:02d}", 10] for i in range(100)]
    data = workbook(
        {
            "ReadMe": [["Sales export"], ["Orders are on the next sheet."]],
            "Orders": [["order_id", "customer_id", "order_date", "amount"], *rows],
        }
    )
    app = upload(open_app(), ("notes_first.xlsx", data))
    assert not app.exception
    assert app.sidebar.multiselect(key="sheets").value == ["Orders"]
    assert shown_metrics(app)["Orders"] == "100"
    app.sidebar.multiselect(key="sheets").set_value(["ReadMe"]).run()
    assert not app.exception
    assert app.error


def test_a_workbook_of_several_sheets_is_read_once_to_show_it(monkeypatch):
    """The sheet the sidebar names as read is the one read for the figures,
    not read a second time to name it (seconds for a year of till data)."""
    from test_sales_log import sheets_read_by

    header = ["Order", "Customer", "Date", "Amount"]
    data = workbook(
        {
            "Sales": [header, [1, "C1", "2024-05-02", 10], [2, "C2", "2024-06-02", 20]],
            "Notes": [["Exported from the till"]],
        }
    )
    read = sheets_read_by(monkeypatch, "two_sheets.xlsx")
    app = upload(open_app(), ("two_sheets.xlsx", data))
    assert not app.exception
    assert app.sidebar.multiselect(key="sheets").value == ["Sales"]
    assert shown_metrics(app)["Orders"] == "2"
    # the small notes sheet is read once too, to see whether it has the
    # columns of the sales sheet (it has not)
    assert read == ["Sales", "Notes"]


def test_sheets_are_chosen_per_workbook_when_several_are_uploaded():
    header = ["Order", "Customer", "Date", "Amount"]
    shop = workbook(
        {
            "2023": [header, [1, "C1", "2023-05-02", 10], [2, "C2", "2023-06-02", 20]],
            "2024": [header, [3, "C1", "2024-05-02", 30]],
        }
    )
    web = workbook(
        {
            "ReadMe": [["Web shop export"], ["Orders are on the next sheet."]],
            "Orders": [header, [11, "C3", "2024-07-01", 5]],
        }
    )
    app = upload(open_app(), ("shop.xlsx", shop), ("web.xlsx", web))
    assert not app.exception
    assert app.sidebar.multiselect(key="sheets:shop.xlsx").value == ["2023"]
    assert app.sidebar.multiselect(key="sheets:web.xlsx").value == ["Orders"]
    assert shown_metrics(app)["Orders"] == "3"
    app.sidebar.multiselect(key="sheets:shop.xlsx").set_value(["2023", "2024"]).run()
    assert not app.exception
    assert shown_metrics(app)["Orders"] == "4"


def test_an_upload_without_a_purchase_is_explained_and_not_saved(app_store):
    """Finding: every amount 0 crashed the sidebar and was still saved."""
    zero = b"order_id,customer_id,order_date,amount\n1,C1,2024-01-05,0\n2,C2,2024-01-06,0\n"
    app = upload(open_app(), ("all_zero.csv", zero))
    assert not app.exception
    errors = " ".join(error.value for error in app.sidebar.error)
    assert "No purchases found: both rows are orders worth nothing" in errors
    assert app_store.find(read_raw(("all_zero.csv", zero)).content_hash) is None
    app.switch_page("pages/data.py").run()
    assert not app.exception
    assert app.selectbox(key="role_amount").value == "amount"
    assert shown_metrics(app)["Rows read"] == "2"
    labels = [button.label for button in app.get("download_button")]
    assert any("(2 rows)" in label for label in labels), labels
    app.switch_page("pages/overview.py").run()
    assert not app.exception


def test_two_files_of_other_layouts_are_refused_in_the_sidebar(cases_dir):
    app = upload(
        open_app(),
        *[
            (name, (cases_dir / name).read_bytes())
            for name in ["F01_orders_q1_q2.csv", "F11_pos_export_cp1250.csv"]
        ],
    )
    assert not app.exception
    errors = " ".join(error.value for error in app.sidebar.error)
    assert "F11_pos_export_cp1250.csv has other columns" in errors
    app.switch_page("pages/data.py").run()
    assert not app.exception


def test_an_apple_numbers_file_is_taken_and_told_how_to_export():
    """Finding: the uploader refused .numbers in Streamlit's own words
    ("application/vnd.apple.numbers files are not allowed")."""
    app = open_app()
    assert ".numbers" in app.sidebar.file_uploader[0].proto.type
    app = upload(app, ("sales.numbers", b"PK\x03\x04" + b"\x00" * 100))
    assert not app.exception
    errors = " ".join(error.value for error in app.sidebar.error)
    assert "Apple Numbers files cannot be read" in errors


def test_the_data_page_notes_two_columns_of_one_name():
    double = b"order,customer,date,amount,amount\n1,C1,2024-01-05,10,99\n"
    app = upload(open_app(), ("sales.csv", double))
    app.switch_page("pages/data.py").run()
    assert not app.exception
    captions = [caption.value for caption in app.caption]
    assert any(c.startswith("Two columns are named amount;") for c in captions)


def test_the_data_page_says_a_date_column_mixes_the_two_orders():
    """Tester file: two tills' exports pasted together, 14/01/2024 … and
    02/11/2024 …; the Data page warns, with the rows to download."""
    from test_date_order import FILES

    path = FILES / "two_tills_day_and_month_first.csv"
    app = upload(open_app(), (path.name, path.read_bytes()))
    app.switch_page("pages/data.py").run()

    assert not app.exception
    warnings = " ".join(w.value for w in app.warning)
    assert "mixes day-first and month-first dates" in warnings
    assert "8 rows only month first (such as 02/13/2024 in row 14)" in warnings
    labels = [button.label for button in app.get("download_button")]
    assert any(
        label.startswith("Download: Date that reads two ways") for label in labels
    )


def test_the_data_page_says_why_an_etsy_week_was_read_month_first():
    from test_date_order import FILES

    path = FILES / "etsy_first_days.csv"
    app = upload(open_app(), (path.name, path.read_bytes()))
    app.switch_page("pages/data.py").run()

    assert not app.exception
    assert not app.warning
    why = " ".join(i.value for i in app.info)
    assert "as Etsy sold orders exports write them" in why
    assert app.radio(key="date_order").value == "auto"
