"""A product page's reviews and the console inbox on a much-reviewed shop: 100 000 reviews of one product
(and 100 000 of 1 000 others), a tenth with a photo, 80 % published.

    createdb -h 127.0.0.1 -U postgres shopapp_reviews_bench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/shopapp_reviews_bench .venv/bin/python bench/reviews_bench.py
    (add --reuse to measure again without rebuilding; without DATABASE_URL it runs on a temporary SQLite file)

Builds the rows with bulk inserts (not through the review service: its rules are tested, not timed),
vacuums, then times what the product page asks (the rating with its star breakdown, each tab's first
page, a deep page) and the console inbox's pages; prints p50 / p95 in ms.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="shopapp-reviews-bench-"))

from sqlalchemy import insert, text, update  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import shopapp.models  # noqa: E402,F401
from shopapp.db import get_engine, session_scope  # noqa: E402
from shopapp.models import Order, OrderItem, Product, Review, ReviewPhoto, Shop  # noqa: E402
from shopapp.services.catalog import ratings  # noqa: E402
from shopapp.services.core.permissions import Actor  # noqa: E402
from shopapp.services.reviews import moderation  # noqa: E402

HOT_PRODUCT_REVIEWS = 100_000
OTHER_PRODUCTS = 1_000
REVIEWS_PER_OTHER = 100
ROUNDS = 30
BATCH = 10_000


def build(engine) -> None:
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(insert(Shop), [{"slug": "reviewed", "name": "Reviewed", "created_at": now, "updated_at": now}])
        connection.execute(insert(Product), [{"shop_id": 1, "title": f"茶 {n}", "status": "active", "options": [], "tags": [],
                                              "created_at": now, "updated_at": now} for n in range(1, OTHER_PRODUCTS + 2)])
        connection.execute(insert(Order), [{
            "shop_id": 1, "order_no": "BENCH0000001", "token_hash": "0" * 64, "status": "completed", "email": "b@example.com",
            "address": {}, "created_at": now, "updated_at": now,
        }])
    rng = random.Random(7)
    started = time.time()
    plan = [1] * HOT_PRODUCT_REVIEWS + [p for p in range(2, OTHER_PRODUCTS + 2) for _ in range(REVIEWS_PER_OTHER)]
    made = 0
    for start in range(0, len(plan), BATCH):
        chunk = plan[start:start + BATCH]
        items = [{"id": start + n + 1, "order_id": 1, "shop_id": 1, "variant_id": 1, "product_id": product_id, "title": "茶",
                  "option_values": [], "qty": 1, "unit_price": 100, "total": 100, "paid": 100, "discounts": []}
                 for n, product_id in enumerate(chunk)]
        reviews = []
        for item in items:
            at = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
            reviews.append({
                "id": item["id"], "shop_id": 1, "product_id": item["product_id"], "order_id": 1, "order_item_id": item["id"],
                "email": f"buyer{rng.randint(1, 50000)}@example.com", "author_name": "张三", "rating": rng.choice((5, 5, 5, 4, 4, 3, 2, 1)),
                "text": "茶汤清亮，回甘明显", "anonymous": False, "status": rng.choice(("published",) * 8 + ("pending", "hidden")),
                "pinned": False, "has_photos": rng.random() < 0.1, "reply": "", "followup_text": "", "followup_status": "", "created_at": at, "updated_at": at,
            })
        photos = [{"shop_id": 1, "review_id": r["id"], "followup": False, "key": f"shops/1/reviews/{r['id']}/x", "width": 960,
                   "height": 960, "position": 0, "created_at": now} for r in reviews if r["has_photos"]]
        with engine.begin() as connection:
            connection.execute(insert(OrderItem), items)
            connection.execute(insert(Review), reviews)
            if photos:
                connection.execute(insert(ReviewPhoto), photos)
        made += len(reviews)
        print(f"  {made:,} reviews ({time.time() - started:.0f} s)", flush=True)
    _store_ratings(engine)
    print(f"built {made:,} reviews in {time.time() - started:.0f} s")
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))


def _store_ratings(engine) -> None:
    """What ratings.adjust would have kept on each product row, had every review gone through publishing."""
    with engine.begin() as connection:
        for product_id, count, stars in connection.execute(text(
            "SELECT product_id, count(*), sum(rating) FROM review WHERE status = 'published' GROUP BY product_id"
        )).all():
            connection.execute(update(Product).where(Product.id == product_id).values(rating_count=count, rating_sum=stars))


def measure() -> None:
    owner = Actor(shop_id=1, role="owner", api_key_id=1)

    def product_page(**filters):
        def read(session):
            product = session.get(Product, 1)
            ratings.rating_summary(session, product)
            ratings.published_reviews(session, 1, 1, **filters)
        return read

    cases = {
        "rating + 全部, page 1": product_page(),
        "rating + 有图, page 1": product_page(with_photos=True),
        "rating + 好评, page 1": product_page(rating="good"),
        "rating + 差评, page 1": product_page(rating="bad"),
        "rating + 全部, page 100": product_page(page=100),
        "small product, page 1": lambda session: ratings.published_reviews(session, 1, 500),
        "inbox, pending": lambda session: moderation.list_reviews(session, owner, status="pending"),
        "inbox, bad, one product": lambda session: moderation.list_reviews(session, owner, rating="bad", product_id=1),
        "dashboard low ratings": lambda session: moderation.low_ratings(session, owner),
    }
    print(f"{'case':<28} {'p50 ms':>8} {'p95 ms':>8}")
    for name, read in cases.items():
        timings = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            with session_scope() as session:
                read(session)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        print(f"{name:<28} {statistics.median(timings):>8.1f} {timings[int(len(timings) * 0.95) - 1]:>8.1f}")


if __name__ == "__main__":
    engine = get_engine()
    if "--reuse" in sys.argv:
        print("reusing the reviews already in the database")
    else:
        build(engine)
    measure()
