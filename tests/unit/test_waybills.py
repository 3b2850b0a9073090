"""Shipping labels: a 100×150 mm page per parcel, Chinese that renders, the waybill number as text, barcode and QR."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from shopapp.services.core.errors import Forbidden, Invalid, NotFound
from shopapp.services.core.permissions import Actor
from shopapp.services.orders import fulfillment, waybills
from shopapp.services.shops import shops
from tests.conftest import make_shop
from tests.shopping import paid_order, product_on_sale

POINTS_PER_MM = 72 / 25.4


def _parcel(session, owner, tracking_no: str = "SF1234567890123", **address):
    tea = product_on_sale(session, owner, stock=20, sku=f"TEA-{tracking_no[-3:]}", title="西湖龙井")
    order, _ = paid_order(session, owner, (tea, 2), **address)
    return fulfillment.ship(session, owner, order.id, None, "SF", tracking_no), order


def test_a_label_is_a_100_by_150_mm_page_with_the_recipient_and_waybill_number(session, owner):
    shops.update_profile(session, owner, {"contact_phone": "0571-88886666"})
    parcel, order = _parcel(session, owner, name="欧阳娜娜")
    pdf = waybills.label_pdf(session, owner, [parcel.id])
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    width, height = (float(side) / POINTS_PER_MM for side in (page.mediabox.width, page.mediabox.height))
    assert round(width) == 100 and round(height) == 150
    text = page.extract_text()
    for expected in ("欧阳娜娜", "13800138000", "浙江省杭州市西湖区文三路 100 号", "SF1234567890123", "顺丰速运",
                     "茶舍", "0571-88886666", "西湖龙井 ×2", order.order_no):
        assert expected in text
    # The barcode and QR code are drawn, not text: many filled rectangles on the page.
    assert page.get_contents().get_data().count(b" re") > 40


def test_many_labels_print_as_one_pdf_in_the_order_asked(session, owner):
    first, _ = _parcel(session, owner, "SF1234567890111", name="李四")
    second, _ = _parcel(session, owner, "SF1234567890222", name="王五")
    reader = PdfReader(io.BytesIO(waybills.label_pdf(session, owner, [second.id, first.id])))
    assert len(reader.pages) == 2
    assert "王五" in reader.pages[0].extract_text() and "李四" in reader.pages[1].extract_text()


def test_labels_of_another_shop_or_too_many_are_refused(session, owner):
    parcel, _ = _parcel(session, owner)
    with pytest.raises(NotFound):
        waybills.label_pdf(session, make_shop(session, "green-leaf"), [parcel.id])
    with pytest.raises(Invalid):
        waybills.label_pdf(session, owner, [])
    with pytest.raises(Invalid):
        waybills.label_pdf(session, owner, [parcel.id] * (waybills.MAX_LABELS + 1))
    with pytest.raises(Forbidden):
        waybills.label_pdf(session, Actor(shop_id=owner.shop_id, role="support", user_id=9), [parcel.id])


def test_a_long_address_wraps_and_is_cut_with_an_ellipsis_rather_than_running_off_the_label():
    address = {"name": "张三", "phone": "13800138000", "province": "浙江省", "city": "杭州市", "district": "西湖区",
               "line1": "文三路" * 40, "postcode": "310000"}
    label = waybills.Label(1, "SF", "SF1234567890123", address, "茶舍", "", [("龙井", 1)], ["251125ABCDEFGH"])
    text = PdfReader(io.BytesIO(waybills.render([label]))).pages[0].extract_text()
    assert "…" in text and "邮编 310000" in text
