"""Order export: what the console's filters show, one row per line, readable by Excel."""

import csv
import io

from shopapp.services.orders import export
from tests.shopping import paid_order, product_on_sale


def test_paid_orders_export_one_row_per_line(session, owner):
    variant_id = product_on_sale(session, owner, stock=5, price=3800)
    order, _ = paid_order(session, owner, (variant_id, 2))
    text = export.export_orders(session, owner, status="paid")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows and {r["order_no"] for r in rows} == {order.order_no}
    assert all(r["status"] == "paid" for r in rows)
    assert export.export_orders(session, owner, status="cancelled").count("\n") == 1  # the header alone


def test_internal_notes_stay_with_the_staff(session, owner):
    from shopapp.services.orders import state, views

    variant_id = product_on_sale(session, owner, stock=5, price=3800)
    order, _ = paid_order(session, owner, (variant_id, 1))
    state.add_note(session, owner, order.id, "顾客电话说周末不在家，周一再派送")
    staff_view = views.order_dict(session, order)
    assert any(e["type"] == "note" and "周一" in e["data"]["text"] for e in staff_view["events"])
    assert all(e["type"] != "note" for e in views.shopper_order_dict(session, order)["timeline"])
