"""Shipping labels: a 100×150 mm page per parcel, Chinese that renders, the waybill number as text, barcode and QR."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlmodel import select

from shopapp.models import Variant
from shopapp.services.catalog import products
from shopapp.services.core.errors import Forbidden, Invalid, NotFound
from shopapp.services.core.permissions import Actor
from shopapp.services.orders import fulfillment, waybills
from shopapp.services.shops import shops
from tests.conftest import make_shop
from tests.shopping import paid_order, product_on_sale

POINTS_PER_MM = 72 / 25.4
SENDER = {"name": "茶舍仓库", "phone": "0571-88886666", "province": "浙江省", "city": "杭州市", "district": "西湖区",
          "line1": "龙井路 1 号", "postcode": "310013"}


@pytest.fixture(autouse=True)
def sender_address(session, owner):
    """Every shop here has filled in where its parcels come from, as the console asks before the first label."""
    shops.update_profile(session, owner, {"sender_address": SENDER})


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
                     "茶舍仓库", "0571-88886666", "浙江省杭州市西湖区龙井路 1 号", "310013", "西湖龙井 ×2", order.order_no):
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
    other = make_shop(session, "green-leaf")
    with pytest.raises(NotFound):
        waybills.label_pdf(session, other, [parcel.id])
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


def test_no_label_is_printed_before_the_shop_says_where_parcels_come_from(session, owner):
    parcel, _ = _parcel(session, owner)
    shops.get_shop(session, owner.shop_id).sender_address = {}
    with pytest.raises(Invalid) as refused:
        waybills.label_pdf(session, owner, [parcel.id])
    assert refused.value.fields == {"sender_address": "required"}


def test_the_label_names_the_variant_picked_not_only_the_product(session, owner):
    product = products.create_product(session, owner, {"title": "白毫银针", "status": "active", "options": [
        {"name": "规格", "values": ["50g", "250g"]}], "variants": [
        {"sku": "YZ-50", "option_values": ["50g"], "price": 9800, "stock": 5, "weight_grams": 100},
        {"sku": "YZ-250", "option_values": ["250g"], "price": 39800, "stock": 5, "weight_grams": 300}]})
    session.commit()
    big = session.exec(select(Variant.id).where(Variant.product_id == product.id, Variant.sku == "YZ-250")).one()
    order, _ = paid_order(session, owner, (big, 1))
    parcel = fulfillment.ship(session, owner, order.id, None, "SF", "SF1234567890999")
    text = PdfReader(io.BytesIO(waybills.label_pdf(session, owner, [parcel.id]))).pages[0].extract_text()
    assert "白毫银针 · 250g ×1" in text


def test_a_sender_address_is_checked_before_it_is_kept(session, owner):
    with pytest.raises(Invalid) as refused:
        shops.update_profile(session, owner, {"sender_address": {**SENDER, "phone": "12345", "province": "火星", "line1": ""}})
    assert refused.value.fields == {"sender_address.phone": "sender_phone_invalid",
                                    "sender_address.province": "province_invalid", "sender_address.line1": "required"}
