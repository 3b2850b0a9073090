"""How fast the CSV import is: 10 000 rows into a fresh shop, then the same file again (nothing to change).

    .venv/bin/python bench/catalog_import_bench.py            # SQLite in a temporary DATA_DIR
    DATABASE_URL=postgresql://... .venv/bin/python bench/catalog_import_bench.py
"""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

# Before shopapp reads its settings: a private data folder, never the developer's ./data.
os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="shopapp-bench-")
os.environ.setdefault("LOG_LEVEL", "WARNING")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import SQLModel  # noqa: E402

import shopapp.models  # noqa: E402,F401 - registers every table
from shopapp.db import get_engine, session_scope  # noqa: E402
from shopapp.services import accounts, catalog, catalog_csv  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", 10_000))
SIZES = ("100g", "250g", "500g", "1kg")


def main() -> None:
    SQLModel.metadata.create_all(get_engine())
    with session_scope() as session:
        signed = accounts.signup(
            session, email="bench@example.com", password="secret-pass", shop_name="压测茶舍", shop_slug="bench-tea",
        )
        session.flush()
        owner = accounts.authenticate(session, signed.token)
        tea = catalog.create_category(session, owner, "茶叶")
        catalog.create_category(session, owner, "绿茶", tea.id)
    sheet = generated_sheet(ROWS)

    seconds, result = timed_import(owner, sheet)
    print(f"import of {ROWS} new rows ({result.created} products): {seconds:.2f} s, {ROWS / seconds:,.0f} rows/s")
    assert result.created == ROWS // len(SIZES) and not result.errors, result.errors[:5]

    with session_scope() as session:
        exported = catalog_csv.export_csv(session, owner)
    seconds, result = timed_import(owner, exported)
    print(f"import of the unchanged export ({ROWS} rows): {seconds:.2f} s, {ROWS / seconds:,.0f} rows/s")
    assert (result.created, result.updated, result.errors) == (0, 0, [])


def generated_sheet(rows: int) -> str:
    """Products of four sizes each, as a shop owner would fill them in (no product_id: all new)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["title", "status", "category", "tags", "option1_name", "option1_value", "sku", "price",
                     "compare_at_price", "stock", "weight_grams", "description_html"])
    for n in range(rows):
        product, size = divmod(n, len(SIZES))
        writer.writerow([
            f"西湖龙井 {product:05d}", "active", "茶叶/绿茶", "明前|新茶", "规格", SIZES[size], f"LJ-{product:05d}-{size}",
            f"{38 + size * 20}.{n % 100:02d}", "", n % 50, 100 * (size + 1), "<p>产地：杭州西湖</p>",
        ])
    return buffer.getvalue()


def timed_import(owner, sheet: str):
    started = time.perf_counter()
    with session_scope() as session:
        result = catalog_csv.import_csv(session, owner, sheet, dry_run=False)
    return time.perf_counter() - started, result


if __name__ == "__main__":
    main()
