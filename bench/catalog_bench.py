"""How fast product search and the product list answer in a big shop among many small ones.

    .venv/bin/python bench/catalog_bench.py                      # a temporary SQLite file
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/shopapp_bench .venv/bin/python bench/catalog_bench.py

Builds (with bulk inserts, not through the catalogue service) one shop of 100 000 products and
300 000 variants plus 1 000 shops of 5 products each, each product with the summary of its
variants the inventory keeps (min_price, in_stock), builds the search index the real way
(services.search.reindex_shop), then times search_products and list_products, each call in its
own session as a request would be, and prints p50 / p95 in milliseconds.
The database given by DATABASE_URL is emptied first: give it a database of its own.
Targets: search p95 < 50 ms, console product list page p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="shopapp-bench-"))
os.environ.setdefault("LOG_LEVEL", "WARNING")

from sqlalchemy import insert, text  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import shopapp.models  # noqa: E402,F401 - registers every table
from shopapp.db import get_engine, session_scope  # noqa: E402
from shopapp.models import Category, Product, ProductCategory, Shop, Variant  # noqa: E402
from shopapp.services.catalog import products as catalog_products  # noqa: E402
from shopapp.services.catalog import search

BIG_SHOP = 1
ORIGINS = ("西湖", "安吉", "武夷山", "云南", "福鼎", "祁门", "信阳", "黄山", "六安", "洞庭", "凤凰", "安溪", "蒙顶", "君山", "狮峰", "梅家坞")
TEAS = (
    ("龙井", "绿茶", "Dragon Well"), ("白茶", "白茶", "White Tea"), ("大红袍", "乌龙茶", "Da Hong Pao"),
    ("普洱", "黑茶", "Pu-erh"), ("白毫银针", "白茶", "Silver Needle"), ("金骏眉", "红茶", "Jin Jun Mei"),
    ("毛尖", "绿茶", "Maojian"), ("毛峰", "绿茶", "Maofeng"), ("瓜片", "绿茶", "Gua Pian"),
    ("碧螺春", "绿茶", "Biluochun"), ("单丛", "乌龙茶", "Dancong"), ("铁观音", "乌龙茶", "Tieguanyin"),
    ("滇红", "红茶", "Dian Hong"), ("茉莉花茶", "花茶", "Jasmine Tea"), ("正山小种", "红茶", "Lapsang"),
)
TEAWARE = ("紫砂壶", "盖碗", "公道杯", "茶盘", "玻璃杯", "茶则", "品茗杯", "茶叶罐")
GRADES = ("特级", "一级", "明前", "雨前", "头采", "高山", "古树", "有机", "")
PACKS = ("礼盒装", "罐装", "袋装", "饼茶", "散装", "Gift Box", "")
WEIGHTS = ("50g", "100g", "250g", "357g", "500g")
# The big shop's categories, ids 1, 2, ... in this order.
CATEGORIES = sorted({tea[1] for tea in TEAS}) + ["茶具"]
GREEN_TEA = CATEGORIES.index("绿茶") + 1
SENTENCES = (
    "<p>产自核心产区，手工采摘，传统工艺炒制。</p>", "<p>汤色清澈明亮，香气高扬持久，回甘明显。</p>",
    "<p>适合日常自饮，也适合送礼。</p>", "<p>建议用 85℃ 左右的水冲泡，第一泡快出汤。</p>",
    "<p>Hand picked and pan fired; a fresh, sweet cup.</p>", "<p>密封避光，冷藏保存风味更佳。</p>",
    "<p>配合紫砂壶或盖碗冲泡，滋味更醇厚。</p>", "<p>Ships in a tin with a gift bag.</p>",
)
SEARCHES = (
    ("龙井", {}), ("绿茶", {}), ("西湖龙井", {}), ("明前龙井", {}), ("大红袍", {}), ("白毫银针", {}),
    ("铁观音 礼盒", {}), ("紫砂壶", {}), ("茶", {}), ("dragon well", {}), ("green tea", {}), ("gift", {}),
    ("SKU LJ-000123", {}), ("龙井 (page 20)", {"page": 20}), ("茶 (small shop)", {"shop_id": 500}),
    ("绿茶 (storefront)", {"active_only": True}), ("紫砂壶 (storefront)", {"active_only": True}),
    ("龙井 (storefront, newest)", {"active_only": True, "sort": "newest"}),
)
# Filters and sorts on the products' price and stock summary (min_price, in_stock) and categories.
FILTERED_SEARCHES = (
    ("绿茶 (storefront, in stock)", {"active_only": True, "in_stock": True}),
    ("绿茶 (storefront, ¥50–¥200)", {"active_only": True, "price_min": 5000, "price_max": 20000}),
    ("绿茶 (price low to high)", {"sort": "price_asc"}), ("西湖龙井 (price low to high)", {"sort": "price_asc"}),
    ("龙井 (category 绿茶)", {"category_id": GREEN_TEA}), ("大红袍 (title)", {"sort": "title"}),
)
LISTS = (
    ("first page", {}), ("page 1000 (offset 49 950)", {"page": 1000}), ("storefront first page", {"active_only": True}),
    ("status draft", {"status": "draft"}), ("category 绿茶", {"category_id": GREEN_TEA}),
    ("storefront category 绿茶", {"active_only": True, "category_id": GREEN_TEA}), ("newest", {"sort": "newest"}),
    ("title", {"sort": "title"}), ("price low to high", {"sort": "price_asc"}), ("in stock", {"in_stock": True}),
    ("price high to low", {"sort": "price_desc"}), ("¥50–¥200", {"price_min": 5000, "price_max": 20000}),
    ("storefront in stock, price low to high", {"active_only": True, "in_stock": True, "sort": "price_asc"}),
    ("storefront ¥50–¥200, price high to low", {"active_only": True, "price_min": 5000, "price_max": 20000, "sort": "price_desc"}),
    ("page 100 price low to high", {"sort": "price_asc", "page": 100}),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=100_000, help="products in the big shop")
    parser.add_argument("--shops", type=int, default=1000, help="other shops")
    parser.add_argument("--rounds", type=int, default=30, help="timed calls per measurement")
    parser.add_argument("--reuse", action="store_true", help="measure the data a previous run left")
    args = parser.parse_args()
    engine = get_engine()
    print(f"database: {engine.url.render_as_string(hide_password=True)}")
    if not args.reuse:
        started = time.perf_counter()
        build(engine, args.products, args.shops)
        print(f"built catalogue in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        with session_scope() as session:
            for shop_id in range(1, args.shops + 2):
                search.reindex_shop(session, shop_id)
        print(f"built search index in {time.perf_counter() - started:.1f} s")
        analyse(engine)
    measure(args.rounds)


def build(engine, products: int, shops: int) -> None:
    SQLModel.metadata.drop_all(engine)
    if engine.dialect.name == "sqlite":
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {search.FTS_TABLE}")
    SQLModel.metadata.create_all(engine)
    search.ensure_search_objects(engine)
    rng = random.Random(20261125)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        base_shop = Shop(slug="x", name="x").model_dump()
        connection.execute(insert(Shop), [
            {**base_shop, "id": i, "slug": f"shop-{i}", "name": f"茶铺 {i}"} for i in range(1, shops + 2)
        ])
        categories = [{"id": i + 1, "shop_id": BIG_SHOP, "name": name, "parent_id": None, "position": i}
                      for i, name in enumerate(CATEGORIES)]
        connection.execute(insert(Category), categories)
        by_name = {c["name"]: c["id"] for c in categories}
        plan = [(BIG_SHOP, n) for n in range(products)] + [(s, n) for s in range(2, shops + 2) for n in range(5)]
        base = Product(shop_id=1, title="x").model_dump()
        variant_id = 0
        for start in range(0, len(plan), 5000):
            rows, variants, links = [], [], []
            for offset, (shop_id, _n) in enumerate(plan[start:start + 5000]):
                product_id = start + offset + 1
                title, category = _title(rng)
                created = now - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
                rows.append({
                    **base, "id": product_id, "shop_id": shop_id, "title": title,
                    "description_html": "".join(rng.sample(SENTENCES, rng.randint(1, 4))),
                    "status": rng.choices(("active", "draft", "archived"), (80, 15, 5))[0],
                    "created_at": created, "updated_at": created + timedelta(minutes=rng.randrange(60 * 24 * 30)),
                })
                if shop_id == BIG_SHOP:
                    links.append({"product_id": product_id, "category_id": by_name[category], "shop_id": shop_id})
                price = rng.randrange(1000, 100_000, 100)
                mine = []
                for k, weight in enumerate(rng.sample(WEIGHTS, 3)):
                    variant_id += 1
                    mine.append({
                        "id": variant_id, "shop_id": shop_id, "product_id": product_id,
                        "sku": f"LJ-{product_id:06d}-{k}", "option_values": [weight], "price": price * (k + 1),
                        "compare_at_price": None, "cost": None, "stock": rng.choice((0, 5, 20, 100)),
                        "weight_grams": 0, "barcode": "", "enabled": rng.random() > 0.05, "position": k,
                    })
                variants += mine
                # The summary services/inventory.refresh_products keeps (no pre-sale quotas here).
                for_sale = [v for v in mine if v["enabled"]]
                rows[-1]["min_price"] = min((v["price"] for v in for_sale), default=None)
                rows[-1]["in_stock"] = any(v["stock"] > 0 for v in for_sale)
            connection.execute(insert(Product), rows)
            connection.execute(insert(Variant), variants)
            if links:
                connection.execute(insert(ProductCategory), links)
        if engine.dialect.name == "postgresql":
            for table in ("shop", "category", "product", "variant"):
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                ))


def analyse(engine) -> None:
    """What a live database's autovacuum (PostgreSQL) or PRAGMA optimize (SQLite) does by itself."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def measure(rounds: int) -> None:
    """Every call once a round, round after round, so a busy spell of the machine spreads over all
    of them. Wall time is what a user waits; the fastest of the rounds shows the call on a quiet
    machine; CPU time is what this process spent (all of SQLite's work, only the client's side of
    PostgreSQL's)."""
    searches = [(label, _search_call(label, dict(filters))) for label, filters in SEARCHES]
    filtered = [(label, _search_call(label, dict(filters))) for label, filters in FILTERED_SEARCHES]
    lists = [(label, _list_call(filters)) for label, filters in LISTS]
    calls = searches + filtered + lists
    wall: dict[str, list[float]] = {label: [] for label, _ in calls}
    cpu: dict[str, list[float]] = {label: [] for label, _ in calls}
    totals: dict[str, int] = {}
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    for n in range(rounds + 2):
        for label, call in calls:
            started, started_cpu = time.perf_counter(), time.process_time()
            with session_scope() as session:
                _, totals[label] = call(session)
            if n >= 2:  # the first two rounds warm the caches
                wall[label].append((time.perf_counter() - started) * 1000)
                cpu[label].append((time.process_time() - started_cpu) * 1000)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    _table("search_products", "hits", searches, wall, cpu, totals)
    every = [t for label, _ in searches for t in wall[label]]
    every_cpu = [t for label, _ in searches for t in cpu[label]]
    print(f"{'all searches':<44}{'':>7}{_p(every, 50):>8.1f}{_p(every, 95):>8.1f}{'':>8}"
          f"{_p(every_cpu, 50):>8.1f}{_p(every_cpu, 95):>8.1f}   target p95 < 50")
    _table("search_products with filters and sorts", "hits", filtered, wall, cpu, totals)
    _table("list_products (no q, 50 a page)", "total", lists, wall, cpu, totals)
    print("target for the first page and page 1000: p95 < 100")


def _search_call(label: str, filters: dict):
    shop_id = filters.pop("shop_id", BIG_SHOP)
    q = label.split(" (")[0].removeprefix("SKU ")
    return lambda session: search.search_products(session, shop_id, q=q, **filters)


def _list_call(filters: dict):
    return lambda session: catalog_products.list_products(session, BIG_SHOP, **filters)


def _table(title: str, count: str, calls, wall, cpu, totals) -> None:
    print(f"\n{title:<44}{count:>7}{'p50 ms':>8}{'p95 ms':>8}{'min ms':>8}{'cpu p50':>8}{'cpu p95':>8}")
    for label, _ in calls:
        print(f"{label:<44}{totals[label]:>7}{_p(wall[label], 50):>8.1f}{_p(wall[label], 95):>8.1f}"
              f"{min(wall[label]):>8.1f}{_p(cpu[label], 50):>8.1f}{_p(cpu[label], 95):>8.1f}")


def _p(times: list[float], percent: int) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[percent - 1]


def _title(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.1:
        english = rng.choice(("", "Teapot", "Cup", "Gift Box"))
        return f"{rng.choice(ORIGINS)}{rng.choice(TEAWARE)} {english}".strip(), "茶具"
    name, kind, english = rng.choice(TEAS)
    parts = [rng.choice(GRADES) + rng.choice(ORIGINS) + name + kind, rng.choice(WEIGHTS), rng.choice(PACKS)]
    if rng.random() < 0.3:
        parts.append(english)
    return " ".join(part for part in parts if part), kind


if __name__ == "__main__":
    main()
