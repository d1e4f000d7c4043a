import math

from retention.order_metrics import (
    average_order_value,
    order_figures,
    purchase_frequency,
    repeat_purchase_rate,
)
from tests.order_tables import make_orders


def test_worked_examples_from_the_definitions():
    assert repeat_purchase_rate(150, 500) == 30.0
    assert average_order_value(700.0, 7) == 100.0
    assert purchase_frequency(14, 7) == 2.0


def test_ratios_are_undefined_without_a_denominator():
    assert math.isnan(repeat_purchase_rate(0, 0))
    assert math.isnan(average_order_value(0.0, 0))
    assert math.isnan(purchase_frequency(0, 0))


def test_guests_count_in_orders_and_revenue_but_not_in_customer_figures():
    orders = make_orders(
        [
            ("1", "A", "2024-01-01", 10.0),
            ("2", "A", "2024-01-02", 20.0),
            ("3", None, "2024-01-03", 30.0),
            ("4", "B", "2024-01-04", 40.0),
        ]
    )
    figures = order_figures(orders)
    assert (figures.orders, figures.customers, figures.guest_orders) == (4, 2, 1)
    assert figures.revenue == 100.0
    assert figures.aov == 25.0
    assert figures.purchase_frequency == 1.5  # 3 customer orders / 2 customers
    assert figures.repeat_purchase_rate == 50.0


def test_unmatched_refund_reduces_revenue_but_is_no_order_and_no_customer():
    orders = make_orders(
        [("1", "A", "2024-01-01", 100.0), ("R2", "B", "2024-01-05", -19.8)]
    )
    figures = order_figures(orders)
    assert (figures.orders, figures.customers) == (1, 1)
    assert math.isclose(figures.revenue, 80.2)
