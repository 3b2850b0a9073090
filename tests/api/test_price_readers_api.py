"""Over HTTP, the cart and the shipping methods read the pricing pipeline the checkout charges by: the
cart answers its savings and per-line paid, and a method's free-over threshold counts the goods after
their savings. (The pipeline runs in this process: a 满减 is plugged in as the marketing centre will.)"""

from __future__ import annotations

import pytest

from shopapp.services.checkout import pricing
from tests.api.test_checkout_api import _cart, _product
from tests.shopping import order_wide_saving


@pytest.fixture
def saving(monkeypatch):
    monkeypatch.setattr(pricing, "DISCOUNT_STEPS", (order_wide_saving(2000),))  # a 满减 of ¥20


def test_the_cart_answers_the_savings_and_paid_the_checkout_will_charge(client, shop, saving):
    slug = shop["shop"]["slug"]
    tea = _product(shop, price=3800)
    token = _cart(client, slug, (tea, 3))
    cart = client.get(f"/store/{slug}/carts/{token}").json()
    assert (cart["subtotal"], cart["discount_total"], cart["total"]) == (11400, 2000, 9400)
    assert cart["discounts"] == [{"source": "tiered", "id": 7, "label": "满减", "amount": 2000}]
    assert [(i["unit_price"], i["paid"]) for i in cart["items"]] == [(3800, 9400)]
    changed = client.patch(f"/store/{slug}/carts/{token}/items/{tea}", json={"qty": 2}).json()
    assert (changed["subtotal"], changed["total"], changed["items"][0]["paid"]) == (7600, 5600, 5600)


def test_free_shipping_over_99_counts_the_goods_after_their_savings(client, shop, saving):
    slug = shop["shop"]["slug"]
    token = _cart(client, slug, (_product(shop, price=3800), 3))  # ¥114 listed, ¥94 after the 满减: under ¥99
    methods = client.get(f"/store/{slug}/shipping-methods", params={"province": "浙江省", "cart_token": token}).json()
    quote = client.get(f"/store/{slug}/carts/{token}/quote", params={"province": "浙江省"}).json()
    assert methods["items"][0]["fee"] == quote["shipping_total"] == 1000
    assert quote["total"] == 9400 + 1000


def test_a_typed_code_of_the_wrong_shape_is_refused_by_its_field(client, shop):
    slug = shop["shop"]["slug"]
    token = _cart(client, slug, (_product(shop, price=3800), 1))
    answer = client.get(f"/store/{slug}/carts/{token}/quote", params={"province": "浙江省", "coupon_code": "X" * 41})
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["field_codes"] == {"coupon_code": "coupon_code_invalid"}
    assert error["fields"]["coupon_code"] == "优惠码格式不对，请检查后重新输入"
    english = client.get(f"/store/{slug}/carts/{token}/quote", params={"coupon_code": "X" * 41}, headers={"Accept-Language": "en"})
    assert english.json()["error"]["fields"]["coupon_code"].startswith("This is not a valid code")
