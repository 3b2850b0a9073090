"""Points and member levels over HTTP, end to end: the owner switches points on, a shopper's paid order
earns frozen points, completing it makes them available, the shopper spends them at checkout, and a
partial refund takes back (and gives back) in proportion. Bad input is refused and changes nothing."""

from __future__ import annotations

from datetime import timedelta

from shopapp.db import session_scope
from shopapp.models.base import clock_at, utcnow
from shopapp.services.orders import fulfillment
from tests.api.test_fulfillment_api import SF, _order, _product
from tests.shopping import ADDRESS

LOYALTY = {"points_per_yuan": 2, "points_per_yuan_off": 100, "max_points_percent": 50,
           "levels": [{"name": "金卡", "min_spent": 100_000, "discount_percent": 10}]}


def _shopper(client, slug: str, email: str = "lin@example.com") -> dict:
    answer = client.post(f"/store/{slug}/customers", json={"email": email, "password": "secret-pass-1"})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    return {"id": body["customer"]["id"], "headers": {"Authorization": f"Bearer {body['token']}"}}


def _cart(client, slug: str, variant_id: int, qty: int) -> str:
    cart = client.post(f"/store/{slug}/carts").json()["cart_token"]
    client.post(f"/store/{slug}/carts/{cart}/items", json={"variant_id": variant_id, "qty": qty})
    return cart


def _buy(client, slug: str, shopper: dict, variant_id: int, qty: int, points: int = 0) -> dict:
    cart = _cart(client, slug, variant_id, qty)
    placed = client.post(f"/store/{slug}/checkout", headers=shopper["headers"], json={
        "cart_token": cart, "email": "lin@example.com", "address": ADDRESS, "points": points,
    })
    assert placed.status_code == 201, placed.text
    body = placed.json()
    paid = client.post(f"/payments/sandbox/{body['payment']['id']}/pay", json={"outcome": "success"})
    assert paid.json()["order_status"] == "paid", paid.text
    return body


def _mine(client, slug: str, shopper: dict) -> dict:
    return client.get(f"/store/{slug}/customers/me/points", headers=shopper["headers"]).json()


def _complete(client, shop: dict, order_id: int) -> None:
    """Shipped, delivered, and confirmed by the 自动确认收货 job a month later."""
    parcel = client.post(f"/orders/{order_id}/shipments", headers=shop["headers"], json=SF).json()
    client.post(f"/shipments/{parcel['id']}/events", headers=shop["headers"], json={"status": "delivered", "description": "已签收"})
    with session_scope() as session, clock_at(utcnow() + timedelta(days=30)):
        assert fulfillment.auto_complete_delivered(session) == 1
    assert _order(client, shop, order_id)["status"] == "completed"


def test_points_earned_frozen_made_available_spent_and_taken_back_in_proportion(client, shop):
    slug = shop["shop"]["slug"]
    saved = client.put("/loyalty", headers=shop["headers"], json=LOYALTY)
    assert saved.status_code == 200, saved.text
    assert saved.json()["levels"][0]["name"] == "金卡" and client.get("/loyalty", headers=shop["headers"]).json()["enabled"]
    tea = _product(shop, price=10_000, stock=20)
    lin = _shopper(client, slug)

    # ¥100 of tea (shipping earns nothing) at 2 points per ¥1: 200 points, frozen until completed.
    first = _buy(client, slug, lin, tea, 1)
    mine = _mine(client, slug, lin)
    assert (mine["available"], mine["frozen"], mine["lifetime_spent"]) == (0, 200, 10_000)
    assert [(m["kind"], m["frozen_delta"]) for m in mine["moves"]] == [("earned_frozen", 200)]
    _complete(client, shop, first["order_id"])
    assert (_mine(client, slug, lin)["available"], _mine(client, slug, lin)["frozen"]) == (200, 0)

    # The quote says what can be used: at most 50 % of ¥200, but only 200 points (¥2) are there.
    cart = _cart(client, slug, tea, 2)
    quoted = client.get(f"/store/{slug}/carts/{cart}/quote", headers=lin["headers"], params={"points": 200}).json()
    assert quoted["points"] == {"balance": 200, "max_usable": 200, "used": 200, "value": 200}
    assert quoted["discounts"] == [{"source": "points", "id": None, "label": "积分抵扣", "amount": 200}]
    placed = client.post(f"/store/{slug}/checkout", headers=lin["headers"], json={
        "cart_token": cart, "email": "lin@example.com", "address": ADDRESS, "points": 200,
    }).json()
    client.post(f"/payments/sandbox/{placed['payment']['id']}/pay", json={"outcome": "success"})
    order = _order(client, shop, placed["order_id"])
    assert order["items"][0]["paid"] == 19_800
    # ¥198 paid merchandise earns 396 points, frozen; the 200 spent are gone.
    assert (_mine(client, slug, lin)["available"], _mine(client, slug, lin)["frozen"]) == (0, 396)

    # One of the two units back: ¥99; the order keeps half of what it earned and of what it spent.
    refund = client.post(f"/orders/{order['id']}/refunds", headers=shop["headers"], json={
        "reason": "退一件", "items": [{"order_item_id": order["items"][0]["id"], "qty": 1}],
    })
    assert refund.status_code == 201 and refund.json()["amount"] == 9_900
    mine = _mine(client, slug, lin)
    assert (mine["available"], mine["frozen"], mine["lifetime_spent"]) == (100, 198, 10_000 + 9_900)
    assert [(m["kind"], m["delta"], m["frozen_delta"]) for m in mine["moves"][:2]] == [
        ("returned", 100, 0), ("refund_taken", 0, -198),
    ]
    # The owner sees the same ledger.
    owner_view = client.get(f"/customers/{lin['id']}/points", headers=shop["headers"]).json()
    assert owner_view["customer"]["email"] == "lin@example.com" and owner_view["moves"] == mine["moves"]


def test_a_member_level_reached_by_spend_lowers_the_unit_price(client, shop):
    slug = shop["shop"]["slug"]
    client.put("/loyalty", headers=shop["headers"], json=LOYALTY)
    tea = _product(shop, price=50_000, stock=20)
    lin = _shopper(client, slug)
    _buy(client, slug, lin, tea, 2)  # ¥1 000: 金卡 from now on
    assert _mine(client, slug, lin)["level"]["name"] == "金卡"
    cart = _cart(client, slug, tea, 1)
    quoted = client.get(f"/store/{slug}/carts/{cart}/quote", headers=lin["headers"]).json()
    assert quoted["items"][0]["unit_price"] == 45_000 and quoted["discounts"][0]["source"] == "member"


def test_the_owner_adjusts_points_with_a_reason_never_below_zero(client, shop):
    slug = shop["shop"]["slug"]
    lin = _shopper(client, slug)
    given = client.post(f"/customers/{lin['id']}/points", headers=shop["headers"], json={"delta": 300, "reason": "生日礼"})
    assert given.status_code == 200 and given.json() == {"available": 300, "frozen": 0}
    below = client.post(f"/customers/{lin['id']}/points", headers=shop["headers"], json={"delta": -301, "reason": "扣回"})
    assert below.status_code == 422 and below.json()["error"]["field_codes"] == {"delta": "points_below_zero"}
    no_reason = client.post(f"/customers/{lin['id']}/points", headers=shop["headers"], json={"delta": 5})
    assert no_reason.json()["error"]["field_codes"] == {"reason": "required"}
    other = client.post("/customers/999999/points", headers=shop["headers"], json={"delta": 5, "reason": "x"})
    assert other.status_code == 404
    assert _mine(client, slug, lin)["available"] == 300


def test_bad_loyalty_settings_and_points_over_the_balance_are_refused(client, shop):
    slug = shop["shop"]["slug"]
    bad = client.put("/loyalty", headers=shop["headers"], json={**LOYALTY, "max_points_percent": 150})
    assert bad.status_code == 422 and bad.json()["error"]["field_codes"] == {"max_points_percent": "percent_over_100"}
    assert client.get("/loyalty", headers=shop["headers"]).json()["enabled"] is False  # nothing saved
    client.put("/loyalty", headers=shop["headers"], json=LOYALTY)
    tea = _product(shop, price=10_000)
    lin = _shopper(client, slug)
    cart = _cart(client, slug, tea, 1)
    over = client.get(f"/store/{slug}/carts/{cart}/quote", headers=lin["headers"], params={"points": 1})
    assert over.status_code == 422 and over.json()["error"]["field_codes"] == {"points": "points_more_than_balance"}
    guest = client.post(f"/store/{slug}/checkout", json={"cart_token": cart, "email": "g@example.com", "address": ADDRESS, "points": 5})
    assert guest.status_code == 422 and guest.json()["error"]["field_codes"] == {"points": "points_need_log_in"}
    assert client.get(f"/store/{slug}/customers/me/points").status_code == 401


def test_a_points_reward_is_redeemed_for_an_order_at_nothing(client, shop):
    slug = shop["shop"]["slug"]
    client.put("/loyalty", headers=shop["headers"], json=LOYALTY)
    cup = _product(shop, price=6_800, stock=5, sku="CUP-1", title="茶杯")
    lin = _shopper(client, slug)
    client.post(f"/customers/{lin['id']}/points", headers=shop["headers"], json={"delta": 1_500, "reason": "活动"})
    reward = client.post("/points-rewards", headers=shop["headers"], json={"kind": "product", "variant_id": cup, "points": 1_000, "stock": 1})
    assert reward.status_code == 201, reward.text
    assert client.get(f"/store/{slug}/points-rewards").json()["items"][0]["title"] == "茶杯"

    redeemed = client.post(f"/store/{slug}/points-rewards/{reward.json()['id']}/redeem", headers=lin["headers"], json={"address": ADDRESS})
    assert redeemed.status_code == 201, redeemed.text
    order = _order(client, shop, redeemed.json()["order_id"])
    assert (order["total"], order["status"], order["items"][0]["paid"]) == (0, "paid", 0)
    assert _mine(client, slug, lin)["available"] == 500
    again = client.post(f"/store/{slug}/points-rewards/{reward.json()['id']}/redeem", headers=lin["headers"], json={"address": ADDRESS})
    assert again.status_code == 409 and again.json()["error"]["code"] == "reward_sold_out"
    assert _mine(client, slug, lin)["available"] == 500


def test_points_buy_a_coupon_from_the_points_shop_into_the_wallet(client, shop):
    slug, owner = shop["shop"]["slug"], shop["headers"]
    client.put("/loyalty", headers=owner, json=LOYALTY)
    now = utcnow()
    coupon = client.post("/coupons", headers=owner, json={
        "name": "积分换券", "kind": "amount", "amount_off": 1000, "min_amount": 5000, "total_quantity": 10,
        "starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(days=7)).isoformat(),
    }).json()
    unknown = client.post("/points-rewards", headers={**owner, "Accept-Language": "en"},
                          json={"kind": "coupon", "coupon_id": 999_999, "points": 100, "stock": 5})
    assert unknown.status_code == 422 and unknown.json()["error"]["field_codes"] == {"coupon_id": "coupon_not_found"}
    reward = client.post("/points-rewards", headers=owner, json={"kind": "coupon", "coupon_id": coupon["id"], "points": 400, "stock": 5})
    assert reward.status_code == 201, reward.text
    assert client.get(f"/store/{slug}/points-rewards").json()["items"][0]["title"] == "积分换券"
    lin = _shopper(client, slug)
    client.post(f"/customers/{lin['id']}/points", headers=owner, json={"delta": 1_000, "reason": "活动"})

    redeemed = client.post(f"/store/{slug}/points-rewards/{reward.json()['id']}/redeem", headers=lin["headers"])
    assert redeemed.status_code == 201, redeemed.text
    assert redeemed.json()["coupon_id"] == coupon["id"] and redeemed.json()["points"] == 400
    wallet = client.get(f"/store/{slug}/customers/me/coupons", headers=lin["headers"]).json()["items"]
    assert [(item["id"], item["status"]) for item in wallet] == [(redeemed.json()["customer_coupon_id"], "unused")]
    assert _mine(client, slug, lin)["available"] == 600

    # The coupon's per-customer limit (1) holds: refused, and neither points nor stock are taken.
    again = client.post(f"/store/{slug}/points-rewards/{reward.json()['id']}/redeem", headers=lin["headers"])
    assert again.status_code == 409 and again.json()["error"]["code"] == "coupon_limit_reached"
    assert _mine(client, slug, lin)["available"] == 600
    assert client.get("/points-rewards", headers=owner).json()["items"][0]["stock"] == 4
