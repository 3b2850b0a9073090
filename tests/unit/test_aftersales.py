"""After-sales (售后): the shopper asks with the order link, the shop decides, every step is on the order."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlmodel import select

from shopapp.models import Order, OrderEvent, OutboxEmail
from shopapp.models.aftersales import AftersalesRequest
from shopapp.services.catalog import storage
from shopapp.services.core.errors import Conflict, Invalid, NotFound
from shopapp.services.orders import aftersales, fulfillment, state, views
from tests.conftest import make_shop
from tests.shopping import paid_order, product_on_sale, stock_of


def _photo(color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(out, "PNG")
    return out.getvalue()


def _shipped(session, owner, qty: int = 2):
    tea = product_on_sale(session, owner, stock=10, price=3800)
    order, token = paid_order(session, owner, (tea, qty))
    fulfillment.ship(session, owner, order.id, None, "SF", "SF1234567890123")
    session.commit()
    return order, token, tea


def _events(session, order: Order) -> list[str]:
    return list(session.exec(select(OrderEvent.type).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)).all())


def test_a_refund_only_request_with_photos_is_approved_and_refunded(session, owner):
    order, token, _ = _shipped(session, owner)
    request = aftersales.request_aftersales(
        session, owner.shop_id, order.order_no, token, "refund_only", "茶叶受潮了", [_photo(), _photo("blue")],
    )
    shown = aftersales.shopper_requests(session, owner.shop_id, order.order_no, token)[0]
    assert shown["status"] == "requested" and len(shown["photos"]) == 2
    key = request.photos[0]["key"]
    assert key.startswith(f"shops/{owner.shop_id}/aftersales/") and storage.get(f"{key}/480.webp")[:4] == b"RIFF"

    aftersales.approve(session, owner, request.id, amount=2000, message="抱歉，退您 20 元")
    order = session.get(Order, order.id, populate_existing=True)
    assert request.status == "refunded" and request.refund_id
    assert (order.refunded_total, order.financial_status) == (2000, "partially_refunded")
    assert _events(session, order)[-3:] == ["aftersales_requested", "aftersales_approved", "refunded"]
    timeline = [step["type"] for step in views.shopper_order_dict(session, order)["timeline"]]
    assert timeline[-3:] == ["aftersales_requested", "aftersales_approved", "refunded"]
    subjects = [m.subject for m in session.exec(select(OutboxEmail)).all()]
    assert any("已同意你的售后申请" in s for s in subjects) and any("已退款" in s for s in subjects)


def test_approving_the_return_of_some_units_refunds_what_they_were_paid(session, owner):
    order, token, _ = _shipped(session, owner, qty=2)  # 2 × 3800 + 1000 shipping
    request = aftersales.request_aftersales(session, owner.shop_id, order.order_no, token, "return_and_refund", "不想要了")
    line = state.order_items(session, order)[0]
    aftersales.approve(session, owner, request.id, items=[{"order_item_id": line.id, "qty": 1}])
    assert (request.status, request.amount) == ("awaiting_return", 3800)


def test_a_return_is_refunded_and_restocked_once_the_parcel_is_received(session, owner):
    order, token, tea = _shipped(session, owner, qty=2)
    assert stock_of(session, tea) == 8
    request = aftersales.request_aftersales(session, owner.shop_id, order.order_no, token, "return_and_refund", "不想要了")
    line = state.order_items(session, order)[0]
    aftersales.approve(session, owner, request.id, amount=3800, items=[{"order_item_id": line.id, "qty": 1}],
                       message="请寄回：杭州市西湖区茶舍")
    assert request.status == "awaiting_return" and stock_of(session, tea) == 8
    aftersales.submit_return(session, owner.shop_id, order.order_no, token, request.id, "yto", "YT1234567890123")
    assert (request.status, request.return_carrier, request.return_tracking_no) == ("returning", "YTO", "YT1234567890123")
    aftersales.received(session, owner, request.id)
    order = session.get(Order, order.id, populate_existing=True)
    assert request.status == "refunded" and order.refunded_total == 3800 and stock_of(session, tea) == 9
    assert order.status == "shipped"  # the returned unit had shipped: nothing is left to ship
    assert _events(session, order)[-5:] == [
        "aftersales_requested", "aftersales_approved", "aftersales_return_shipped", "aftersales_received", "refunded",
    ]


def test_a_refused_request_tells_the_shopper_why(session, owner):
    order, token, _ = _shipped(session, owner)
    request = aftersales.request_aftersales(session, owner.shop_id, order.order_no, token, "refund_only", "不喜欢")
    with pytest.raises(Invalid):
        aftersales.refuse(session, owner, request.id, "")
    aftersales.refuse(session, owner, request.id, "商品已拆封，不支持无理由退款")
    shown = aftersales.shopper_requests(session, owner.shop_id, order.order_no, token)[0]
    assert shown["status"] == "refused" and shown["message"] == "商品已拆封，不支持无理由退款"
    with pytest.raises(Conflict):
        aftersales.approve(session, owner, request.id)
    mail = session.exec(select(OutboxEmail).where(OutboxEmail.subject.contains("未同意"))).one()
    assert "商品已拆封" in mail.body
    # Refused, the shopper may ask again.
    aftersales.request_aftersales(session, owner.shop_id, order.order_no, token, "refund_only", "再申请一次")


def test_a_request_on_another_shoppers_order_is_not_found(session, owner):
    order, token, _ = _shipped(session, owner)
    with pytest.raises(NotFound):
        aftersales.request_aftersales(session, owner.shop_id, order.order_no, "ord_someone_else", "refund_only", "退款")
    with pytest.raises(NotFound):
        aftersales.shopper_requests(session, owner.shop_id, order.order_no, "ord_someone_else")
    other = make_shop(session, "green-leaf")
    with pytest.raises(NotFound):
        aftersales.request_aftersales(session, other.shop_id, order.order_no, token, "refund_only", "退款")
    request = aftersales.request_aftersales(session, owner.shop_id, order.order_no, token, "refund_only", "退款")
    with pytest.raises(NotFound):
        aftersales.approve(session, other, request.id)
    assert session.exec(select(AftersalesRequest)).all() == [request]


def test_requests_are_checked_before_anything_is_kept(session, owner):
    order, token, _ = _shipped(session, owner)
    with pytest.raises(Invalid) as refused:
        aftersales.request_aftersales(session, owner.shop_id, order.order_no, token, "swap", "", [_photo()] * 4)
    assert refused.value.fields == {"kind": "aftersales_kind_invalid", "reason": "required", "photos": "too_many_photos"}
    with pytest.raises(Invalid) as not_a_picture:
        aftersales.request_aftersales(session, owner.shop_id, order.order_no, token, "refund_only", "坏了", [b"%PDF-1.4"])
    assert not_a_picture.value.fields == {"file": "image_type"}
    aftersales.request_aftersales(session, owner.shop_id, order.order_no, token, "refund_only", "坏了")
    with pytest.raises(Conflict) as twice:
        aftersales.request_aftersales(session, owner.shop_id, order.order_no, token, "refund_only", "又坏了")
    assert twice.value.code == "aftersales_already_open"


def test_nothing_shipped_cannot_be_returned(session, owner):
    order, token = paid_order(session, owner, (product_on_sale(session, owner), 1))
    with pytest.raises(Invalid) as refused:
        aftersales.request_aftersales(session, owner.shop_id, order.order_no, token, "return_and_refund", "不要了")
    assert refused.value.fields == {"kind": "nothing_shipped_to_return"}


def test_the_shop_lists_requests_by_status(session, owner):
    first, first_token, _ = _shipped(session, owner)
    second, second_token = paid_order(session, owner, (product_on_sale(session, owner, sku="CUP"), 1))
    one = aftersales.request_aftersales(session, owner.shop_id, first.order_no, first_token, "refund_only", "a")
    aftersales.request_aftersales(session, owner.shop_id, second.order_no, second_token, "refund_only", "b")
    aftersales.refuse(session, owner, one.id, "不行")
    items, total = aftersales.list_requests(session, owner, status="requested")
    assert total == 1 and items[0]["order_no"] == second.order_no
    assert aftersales.list_requests(session, owner)[1] == 2
    with pytest.raises(Invalid):
        aftersales.list_requests(session, owner, status="lost")
