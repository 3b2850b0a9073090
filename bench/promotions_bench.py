"""The checkout quote of a 20-line cart while 10 promotions run, and then with 5 coupons in the shopper's
wallet as well (issue 16's speed figure: p95 under 30 ms on SQLite and PostgreSQL).

    .venv/bin/python bench/promotions_bench.py                      # SQLite in a temporary folder
    createdb -h 127.0.0.1 -U postgres promo_bench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/promo_bench .venv/bin/python bench/promotions_bench.py

A fresh shop with 20 products; 10 promotions running (limited discounts with a per-customer limit,
第二件, 打包一口价, 满减 tiers of the whole shop and of categories, a 满赠 with a gift); a logged-in
shopper with earlier orders (so the per-customer count reads order lines); then 5 claimed coupons
(amount and percent, thresholds, one that drops the promotions), so the quote also prices the cart once
per wallet coupon to pick the best. Times `quote.quote` the way the API calls it, 300 times after 20
warm-ups; prints p50 / p95 in ms without any activity, with the promotions, and with promotions + coupons.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta

os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="shopapp-promo-bench-"))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlmodel import SQLModel, select  # noqa: E402

import shopapp.models  # noqa: E402,F401
from shopapp.db import get_engine, session_scope  # noqa: E402
from shopapp.models import Promotion, Variant  # noqa: E402
from shopapp.models.base import utcnow  # noqa: E402
from shopapp.services.catalog import categories, products  # noqa: E402
from shopapp.services.checkout import cart, place  # noqa: E402
from shopapp.services.checkout import quote as checkout_quote  # noqa: E402
from shopapp.services.customers import shoppers  # noqa: E402
from shopapp.services.marketing import coupons, promotions  # noqa: E402
from shopapp.services.shops import accounts  # noqa: E402

ADDRESS = {"name": "张三", "phone": "13800138000", "province": "浙江省", "city": "杭州市", "district": "西湖区",
           "line1": "文三路 100 号", "postcode": "310000"}
ROUNDS, WARM = 300, 20


def build():
    engine = get_engine()
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    with session_scope() as session:
        signed = accounts.signup(session, email="bench@example.com", password="secret-pass", shop_name="茶舍", shop_slug="bench")
    with session_scope() as session:
        owner = accounts.authenticate(session, signed.token)
        green = categories.create_category(session, owner, "绿茶")
        variants = []
        for n in range(20):
            made = products.create_product(session, owner, {
                "title": f"茶{n}", "status": "active", "category_ids": [green.id] if n % 2 else [],
                "variants": [{"sku": f"T{n}", "price": 3000 + 500 * n, "stock": 100_000, "weight_grams": 100}],
            })
            variants.append(session.exec(select(Variant.id).where(Variant.product_id == made.id)).one())
        shopper = shoppers.register(session, owner.shop_id, email="amy@example.com", password="secret-pass").token
    return owner, variants, shopper, green.id


def run_promotions(owner, variants, category_id):
    now = utcnow()
    window = {"starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(days=1)).isoformat()}
    specs = [
        {"kind": "limited_discount", "percent_off": 20, "per_customer_limit": 3, "variant_ids": variants[:5]},
        {"kind": "limited_discount", "prices": {str(variants[6]): 2000}, "per_customer_limit": 2},
        {"kind": "limited_discount", "percent_off": 10, "category_ids": [category_id]},
        {"kind": "second_half", "percent_off": 50, "variant_ids": variants[5:12]},
        {"kind": "second_half", "percent_off": 30},
        {"kind": "bundle", "qty": 3, "price": 9900, "variant_ids": variants[10:16]},
        {"kind": "tiered", "tiers": [{"min_amount": 10000, "amount_off": 1000}, {"min_amount": 30000, "amount_off": 4000}]},
        {"kind": "tiered", "category_ids": [category_id], "tiers": [{"min_amount": 5000, "percent_off": 5}]},
        {"kind": "tiered", "tiers": [{"min_amount": 20000, "gift_variant_id": variants[19]}]},
        {"kind": "tiered", "tiers": [{"min_amount": 10000, "amount_off": 500}], "repeat": True},
    ]
    with session_scope() as session:
        for n, spec in enumerate(specs):
            promotions.create_promotion(session, owner, {"name": f"活动{n}", **window, **spec})


def claim_coupons(owner, shopper, count: int = 5):
    now = utcnow()
    with session_scope() as session:
        for n in range(count):
            made = coupons.create_coupon(session, owner, {
                "name": f"券 {n}", "kind": "percent" if n % 2 else "amount", "amount_off": 500 * (n + 1), "percent_off": 5 + n,
                "min_amount": 5000 * n, "claimable": True, "combines_with_promotions": n != 3,
                "starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(days=7)).isoformat()})
            coupons.claim(session, owner.shop_id, shopper, made["id"])


def timed(shop_id, token, shopper) -> tuple[float, float]:
    times = []
    for n in range(ROUNDS + WARM):
        started = time.perf_counter()
        with session_scope() as session:
            checkout_quote.quote(session, shop_id, token, province="浙江省", customer_token=shopper)
        if n >= WARM:
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main():
    owner, variants, shopper, category_id = build()
    with session_scope() as session:  # earlier orders, so the per-customer limit has lines to count
        for _ in range(5):
            token = cart.create_cart(session, owner.shop_id)
            cart.add_item(session, owner.shop_id, token, variants[0], 1)
            place.place_order(session, owner.shop_id, token, "amy@example.com", dict(ADDRESS), customer_token=shopper)
    with session_scope() as session:
        token = cart.create_cart(session, owner.shop_id)
        for variant_id in variants:
            cart.add_item(session, owner.shop_id, token, variant_id, 2)
    base50, base95 = timed(owner.shop_id, token, shopper)
    run_promotions(owner, variants, category_id)
    with session_scope() as session:
        assert len(session.exec(select(Promotion)).all()) == 10
        shown = checkout_quote.quote(session, owner.shop_id, token, province="浙江省", customer_token=shopper)
    p50, p95 = timed(owner.shop_id, token, shopper)
    claim_coupons(owner, shopper)
    with session_scope() as session:
        both = checkout_quote.quote(session, owner.shop_id, token, province="浙江省", customer_token=shopper)
    assert len(both["coupons"]) == 5 and both["chosen_coupon"] is not None
    c50, c95 = timed(owner.shop_id, token, shopper)
    print(f"database: {get_engine().url.get_backend_name()}")
    print(f"quote, 20 lines, no promotion:      p50 {base50:.1f} ms  p95 {base95:.1f} ms")
    print(f"quote, 20 lines, 10 promotions:     p50 {p50:.1f} ms  p95 {p95:.1f} ms  "
          f"({len(shown['discounts'])} savings, discount ¥{shown['discount_total'] / 100:.2f}, {len(shown['items'])} items)")
    print(f"quote, 20 lines, 10 promotions + 5 coupons in the wallet: p50 {c50:.1f} ms  p95 {c95:.1f} ms  "
          f"(chosen {both['chosen_coupon']['name']}, {len(both['discounts'])} savings, discount ¥{both['discount_total'] / 100:.2f})")


if __name__ == "__main__":
    main()
