"""How fast the CSV import is: 10 000 rows into a fresh shop, the unchanged export back, and every price edited.

    .venv/bin/python bench/catalog_import_bench.py            # SQLite in a temporary DATA_DIR
    DATABASE_URL=postgresql://... .venv/bin/python bench/catalog_import_bench.py   # an empty database
"""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

# Before shopapp reads its settings: a private data folder, never the developer's ./data.
os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="shopapp-bench-")
os.environ.setdefault("LOG_LEVEL", "WARNING")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import SQLModel  # noqa: E402

import shopapp.models  # noqa: E402,F401 - registers every table
from shopapp.db import get_engine, session_scope  # noqa: E402
from shopapp.services.catalog import categories, product_csv, search
from shopapp.services.shops import accounts

ROWS = int(os.environ.get("BENCH_ROWS", 10_000))
SIZES = ("100g", "250g", "500g", "1kg")


def main() -> None:
    engine = get_engine()
    SQLModel.metadata.create_all(engine)
    search.ensure_search_objects(engine)
    for sizes in (SIZES, ("250g",)):
        owner = fresh_shop(f"bench-{len(sizes)}")
        label = f"{ROWS // len(sizes)} products of {len(sizes)} variant{'s' if len(sizes) > 1 else ''}"
        result = measure(f"new shop, {label}", owner, generated_sheet(ROWS, sizes))
        assert result.created == ROWS // len(sizes) and not result.errors, result.errors[:5]

        exported = export(owner)
        result = measure("the unchanged export back", owner, exported)
        assert (result.created, result.updated, result.errors) == (0, 0, [])

        result = measure("the export with every price raised", owner, every_price_raised(exported))
        assert result.updated == ROWS // len(sizes) and not result.errors, result.errors[:5]


def fresh_shop(slug: str):
    with session_scope() as session:
        signed = accounts.signup(
            session, email=f"{slug}@example.com", password="secret-pass", shop_name="压测茶舍", shop_slug=slug,
        )
        session.flush()
        owner = accounts.authenticate(session, signed.token)
        tea = categories.create_category(session, owner, "茶叶")
        categories.create_category(session, owner, "绿茶", tea.id)
    return owner


def generated_sheet(rows: int, sizes: tuple[str, ...]) -> str:
    """Products as a shop owner fills them in (no product_id: all new), `sizes` variants each."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["title", "status", "category", "tags", "option1_name", "option1_value", "sku", "price",
                     "compare_at_price", "stock", "weight_grams", "description_html"])
    for n in range(rows):
        product, size = divmod(n, len(sizes))
        writer.writerow([
            f"西湖龙井 {product:05d}", "active", "茶叶/绿茶", "明前|新茶", "规格", sizes[size], f"LJ-{product:05d}-{size}",
            f"{38 + size * 20}.{n % 100:02d}", "", n % 50, 100 * (size + 1), "<p>产地：杭州西湖</p>",
        ])
    return buffer.getvalue()


def every_price_raised(sheet: str) -> str:
    rows = list(csv.DictReader(io.StringIO(sheet.removeprefix("\ufeff"), newline="")))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        writer.writerow(row | {"price": str(Decimal(row["price"]) + 1)})
    return buffer.getvalue()


def export(owner) -> str:
    with session_scope() as session:
        return product_csv.export_csv(session, owner)


def measure(label: str, owner, sheet: str):
    started = time.perf_counter()
    with session_scope() as session:
        result = product_csv.import_csv(session, owner, sheet, dry_run=False)
    seconds = time.perf_counter() - started
    rows = sheet.count("\n") - 1
    print(f"{label:<45} {rows:>6} rows  {seconds:6.2f} s  {rows / seconds:>8,.0f} rows/s")
    return result


if __name__ == "__main__":
    main()
