"""How long a batch of 100 shipping labels takes, from the database to the PDF bytes.

    .venv/bin/python bench/labels_bench.py                      # a temporary SQLite file
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/shopapp_bench .venv/bin/python bench/labels_bench.py

Places, pays and ships 100 orders of a shop through the services (split over a few carriers,
with Chinese names and addresses), then times waybills.label_pdf for all 100 parcels as the
batch-print button would, and prints the seconds (best of 3) and the PDF's size.
The database given by DATABASE_URL is emptied first: give it a database of its own.
Target: 100 labels in under 5 s.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="shopapp-bench-"))
os.environ.setdefault("LOG_LEVEL", "WARNING")

from sqlmodel import SQLModel  # noqa: E402

import shopapp.models  # noqa: E402,F401 - registers every table
from shopapp.db import get_engine, session_scope  # noqa: E402
from shopapp.services.catalog import search
from shopapp.services.orders import fulfillment, waybills
from shopapp.services.shops import accounts
from tests.shopping import paid_order, product_on_sale  # noqa: E402

LABELS = 100
NAMES = ("张三", "李四", "王五", "欧阳娜娜", "赵六", "钱七", "孙八", "周九")
STREETS = ("文三路 100 号", "南京东路 88 号 3 单元 1201 室", "中关村大街 27 号中关村大厦 15 层", "天府大道北段 1700 号")
WAYBILLS = (("SF", "SF{:013d}"), ("ZTO", "{:014d}"), ("YTO", "YT{:013d}"), ("JD", "JDVA{:011d}"))


def main() -> None:
    engine = get_engine()
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    search.ensure_search_objects(engine)
    with session_scope() as session:
        signed = accounts.signup(session, email="bench@example.com", password="secret-pass", shop_name="茶舍 · 西湖店",
                                 shop_slug="bench-tea")
        session.commit()
        owner = accounts.authenticate(session, signed.token)
        teas = [product_on_sale(session, owner, stock=10_000, sku=f"TEA-{n}", title=title)
                for n, title in enumerate(("明前西湖龙井 特级 250g 礼盒装", "福鼎白毫银针", "武夷山大红袍"))]
        shipment_ids = []
        for n in range(LABELS):
            order, _ = paid_order(session, owner, (teas[n % 3], 1 + n % 2), (teas[(n + 1) % 3], 1),
                                  name=NAMES[n % len(NAMES)], line1=STREETS[n % len(STREETS)])
            carrier, pattern = WAYBILLS[n % len(WAYBILLS)]
            shipment_ids.append(fulfillment.ship(session, owner, order.id, None, carrier, pattern.format(n + 1)).id)
        session.commit()
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        with session_scope() as session:
            pdf = waybills.label_pdf(session, owner, shipment_ids)
        timings.append(time.perf_counter() - started)
    print(f"{LABELS} labels: {min(timings):.2f} s (best of 3; {', '.join(f'{t:.2f}' for t in timings)}), "
          f"{len(pdf) / 1024:.0f} KiB, {engine.url.get_backend_name()}")


if __name__ == "__main__":
    main()
