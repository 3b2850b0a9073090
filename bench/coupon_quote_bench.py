"""The checkout quote of a 20-line cart for a shopper holding 5 coupons (the quote prices the cart once
without a coupon and once per coupon to pick the best), on SQLite or PostgreSQL.

    .venv/bin/python bench/coupon_quote_bench.py
    createdb -h 127.0.0.1 -U postgres shopapp_coupon_bench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/shopapp_coupon_bench .venv/bin/python bench/coupon_quote_bench.py

Prints p50 / p95 in ms of `checkout.quote.quote` over ROUNDS quotes, each in its own read unit of work.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="shopapp-coupon-bench-"))
os.environ.setdefault("RUN_JOBS", "false")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlmodel import SQLModel, select  # noqa: E402

import shopapp.models  # noqa: E402,F401
from shopapp.db import get_engine, session_scope  # noqa: E402
from shopapp.models import Variant  # noqa: E402
from shopapp.services.catalog import products  # noqa: E402
from shopapp.services.checkout import cart  # noqa: E402
from shopapp.services.checkout import quote as checkout_quote  # noqa: E402
from shopapp.services.customers import shoppers  # noqa: E402
from shopapp.services.marketing import coupons  # noqa: E402
from shopapp.services.shops import accounts  # noqa: E402

LINES, COUPONS, ROUNDS = 20, 5, 200


def build() -> tuple[int, str, str]:
    engine = get_engine()
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    with session_scope() as session:
        signed = accounts.signup(session, email="bench@example.com", password="secret-pass", shop_name="Bench", shop_slug="bench")
        owner = accounts.authenticate(session, signed.token)
        variant_ids = []
        for n in range(LINES):
            product = products.create_product(session, owner, {"title": f"茶 {n}", "status": "active", "variants": [
                {"sku": f"T-{n}", "price": 1000 + 37 * n, "stock": 1000, "weight_grams": 100}]})
            variant_ids.append(session.exec(select(Variant.id).where(Variant.product_id == product.id)).one())
        shopper = shoppers.register(session, owner.shop_id, email="amy@example.com", password="secret-pass").token
        now = datetime.now(UTC)
        for n in range(COUPONS):
            made = coupons.create_coupon(session, owner, {
                "name": f"券 {n}", "kind": "percent" if n % 2 else "amount", "amount_off": 500 * (n + 1), "percent_off": 5 + n,
                "min_amount": 5000 * n, "claimable": True, "combines_with_promotions": n != 3,
                "starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(days=7)).isoformat()})
            coupons.claim(session, owner.shop_id, shopper, made["id"])
        token = cart.create_cart(session, owner.shop_id)
        for variant_id in variant_ids:
            cart.add_item(session, owner.shop_id, token, variant_id, 2)
        return owner.shop_id, token, shopper


def main() -> None:
    shop_id, token, shopper = build()
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        with session_scope() as session:
            quoted = checkout_quote.quote(session, shop_id, token, province="浙江省", customer_token=shopper)
        times.append((time.perf_counter() - started) * 1000)
    assert quoted["chosen_coupon"] is not None and len(quoted["coupons"]) == COUPONS
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"{get_engine().dialect.name}: {LINES}-line cart, {COUPONS} coupons in the wallet, {ROUNDS} quotes: "
          f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
