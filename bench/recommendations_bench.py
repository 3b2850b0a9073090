"""Recommendations at scale (issue 22): the nightly job over a big catalogue and its orders, then the storefront's
reads (a product page's two shelves, a cart's picks, 猜你喜欢) timed through the services the pages call.

    .venv/bin/python bench/recommendations_bench.py --products 5000 --orders 100000
    DATABASE_URL=postgresql://... .venv/bin/python bench/recommendations_bench.py --products 20000 --orders 500000

Rows are bulk-inserted (titles from a tea vocabulary, 1–4 lines an order, a third of the orders by 2 000
shopper accounts); prints the job's seconds and the reads' p50 / p95 in ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="shopapp-rec-bench-"))
os.environ.setdefault("LOG_LEVEL", "WARNING")

from sqlalchemy import insert  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import shopapp.models  # noqa: E402,F401
from shopapp.db import get_engine, session_scope  # noqa: E402
from shopapp.models import Order, OrderItem, Product, Shop, Variant  # noqa: E402
from shopapp.services.insights import recommendations  # noqa: E402

WORDS = ["龙井", "碧螺春", "毛峰", "白茶", "红茶", "乌龙", "普洱", "花茶", "礼盒", "盖碗", "茶杯", "茶盘", "紫砂", "明前", "古树",
         "特级", "一级", "春茶", "高山", "蜜香", "清香", "浓香", "散装", "罐装", "便携", "手工", "陈年", "新茶"]
BATCH = 20_000
CUSTOMERS = 2_000
READS = 300


def build(engine, products: int, orders: int) -> None:
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    rng = random.Random(22)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(insert(Shop), [{"id": 1, "slug": "bench", "name": "Bench", "created_at": now, "updated_at": now}])
        connection.execute(insert(Product), [
            {"id": n, "shop_id": 1, "title": " ".join(rng.sample(WORDS, 3)) + f" {n}", "status": "active", "options": [],
             "tags": rng.sample(WORDS, 1), "created_at": now, "updated_at": now} for n in range(1, products + 1)])
        connection.execute(insert(Variant), [
            {"id": n, "shop_id": 1, "product_id": n, "sku": f"B{n}", "option_values": [], "price": 3800, "stock": 50,
             "enabled": True, "weight_grams": 100} for n in range(1, products + 1)])
    rows, items = [], []
    for n in range(1, orders + 1):
        paid = now - timedelta(seconds=rng.randint(0, 90 * 86400))
        rows.append({"id": n, "shop_id": 1, "order_no": f"R{n:010d}", "token_hash": "0" * 64, "status": "paid",
                     "financial_status": "paid", "fulfillment_status": "unfulfilled", "currency": "CNY", "email": "b@example.com",
                     "customer_id": rng.randint(1, CUSTOMERS) if rng.random() < 0.33 else None, "address": {},
                     "subtotal": 3800, "discount_total": 0, "discounts": [], "shipping_total": 0, "total": 3800, "refunded_total": 0,
                     "weight_grams": 0, "note": "", "presale": False, "paid_at": paid, "created_at": paid, "updated_at": paid})
        # Shoppers buy near neighbours together (ids close to each other), so co-purchases are not pure noise.
        anchor = int(rng.paretovariate(1.2)) % products + 1
        for product_id in {min(products, max(1, anchor + rng.randint(-5, 5))) for _ in range(rng.choice((1, 1, 2, 3, 4)))}:
            items.append({"order_id": n, "shop_id": 1, "variant_id": product_id, "product_id": product_id, "title": "茶",
                          "option_values": [], "qty": 1, "unit_price": 3800, "total": 3800, "paid": 3800, "discounts": [],
                          "gift": False, "weight_grams": 0, "sold_from": "stock"})
        if len(rows) >= BATCH:
            _flush(engine, Order, rows), _flush(engine, OrderItem, items)
    _flush(engine, Order, rows), _flush(engine, OrderItem, items)


def _flush(engine, table, batch: list[dict]) -> None:
    if batch:
        with engine.begin() as connection:
            connection.execute(insert(table), batch)
        batch.clear()


def timed(label: str, read) -> None:
    rng = random.Random(7)
    samples = []
    for _ in range(READS):
        started = time.perf_counter()
        with session_scope() as session:
            read(session, rng)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    print(f"{label:<32} {statistics.median(samples):8.2f} {samples[int(len(samples) * 0.95)]:8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=5_000)
    parser.add_argument("--orders", type=int, default=100_000)
    args = parser.parse_args()
    engine = get_engine()
    started = time.time()
    build(engine, args.products, args.orders)
    print(f"{engine.dialect.name}: built {args.products:,} products and {args.orders:,} orders in {time.time() - started:.0f} s")
    started = time.time()
    with session_scope() as session:
        rows = recommendations.refresh_shop(session, 1)
    print(f"job refresh_shop: {rows:,} rows in {time.time() - started:.1f} s")
    print(f"{'read':<32} {'p50 ms':>8} {'p95 ms':>8}")
    n = args.products
    timed("product page (two shelves)", lambda s, rng: recommendations.for_product(s, 1, rng.randint(1, n)))
    timed("cart of 3 (picks)", lambda s, rng: recommendations.for_cart(s, 1, [rng.randint(1, n) for _ in range(3)]))
    timed("猜你喜欢 (a known shopper)", lambda s, rng: recommendations.for_shopper(s, 1, rng.randint(1, CUSTOMERS)))


if __name__ == "__main__":
    main()
