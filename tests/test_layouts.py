"""The owner's column choices, remembered per file layout in SQLite."""

from __future__ import annotations

from retention.layouts import LayoutMemory, layout_key


def test_same_columns_in_another_order_or_case_are_the_same_layout():
    assert layout_key(["Customer ID", "Date", "Total"]) == layout_key(
        ["total", "date", "customer  id"]
    )
    assert layout_key(["Customer ID", "Date"]) != layout_key(["Customer ID", "Day"])


def test_choices_are_remembered_across_instances_and_replaced(tmp_path):
    path = tmp_path / "layouts.sqlite"
    layout = layout_key(["who", "when", "paid", "shop"])
    LayoutMemory(path).remember(layout, {"customer": "who", "store": None})
    assert LayoutMemory(path).recall(layout, ["who", "when", "paid", "shop"]) == {
        "customer": "who",
        "store": None,
    }
    LayoutMemory(path).remember(layout, {"customer": "paid"})
    assert LayoutMemory(path).recall(layout, ["who", "when", "paid", "shop"]) == {
        "customer": "paid"
    }


def test_nothing_is_recalled_for_an_unknown_layout_or_a_missing_column(tmp_path):
    memory = LayoutMemory(tmp_path / "layouts.sqlite")
    assert memory.recall("unknown", ["a"]) == {}
    memory.remember("known", {"customer": "Customer", "amount": "Gone"})
    assert memory.recall("known", ["Customer"]) == {"customer": "Customer"}
    memory.forget("known")
    assert memory.recall("known", ["Customer"]) == {}


def test_unknown_roles_are_not_stored(tmp_path):
    memory = LayoutMemory(tmp_path / "layouts.sqlite")
    memory.remember("layout", {"customer": "c", "colour": "x"})
    assert memory.recall("layout", ["c", "x"]) == {"customer": "c"}
