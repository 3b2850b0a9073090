"""Where the cart's storefront events spend their CPU: the service calls of the header's cart count, of
加入购物车 (ProductPageState.add_to_cart) and of the cart page's load (CartPageState.load), run in one
process, timed by the thread's CPU, with their SQL statements counted, and cProfiled.

    .venv/bin/python bench/cart_profile.py                  # SQLite in a temporary folder
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/cart_profile .venv/bin/python bench/cart_profile.py

The shop is storefront_scale's (products of three variants each, stock 100 000); the cart holds --lines
lines (storefront_scale's shopper holds one). Each call is what the page's handler calls, in its own unit
of work as the handler opens it: the figures are the handler's part of the event, without Reflex's own
(the lock, the state's fetch and save: ~2.4 ms an event, bench/README.md's session 9).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("RUN_JOBS", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="cart-profile-")

from sqlalchemy import event  # noqa: E402
from sqlmodel import SQLModel, select  # noqa: E402

import shopapp.models  # noqa: E402,F401 - registers every table
from shopapp.db import get_engine, read_scope, session_scope  # noqa: E402
from shopapp.models import Variant  # noqa: E402
from shopapp.services.analytics import tracking  # noqa: E402
from shopapp.services.catalog import products  # noqa: E402
from shopapp.services.checkout import cart as carts  # noqa: E402
from shopapp.services.checkout import quote  # noqa: E402
from shopapp.services.shops import accounts  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300, help="calls of each kind timed (as many again profiled)")
    parser.add_argument("--lines", type=int, default=1, help="lines in the cart")
    parser.add_argument("--top", type=int, default=25, help="functions listed per kind")
    parser.add_argument("--profile", action="store_true", help="print each kind's cProfile")
    parser.add_argument("--statements", action="store_true", help="list each kind's statements")
    args = parser.parse_args()
    engine = get_engine()
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    shop_id, product_id, variant_ids = open_shop(args.lines)
    token = cart_of(shop_id, variant_ids)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    kinds: dict[str, Callable[[], object]] = {
        "header's cart count": lambda: count(shop_id, token),
        "add to cart": lambda: add_to_cart(shop_id, token, variant_ids[0], product_id),
        "cart page load": lambda: cart_page(shop_id, token),
    }
    print(f"{args.lines} line(s) in the cart, {engine.url.get_backend_name()}, load {os.getloadavg()[0]:.1f}")
    for kind, call in kinds.items():
        reset_line(shop_id, token, variant_ids[0])
        call()  # warm
        statements.clear()
        began = time.thread_time()
        for number in range(args.calls):
            call()
            if kind == "add to cart" and number % 90 == 89:  # a line holds 99 at most (its reset is timed too: rare)
                reset_line(shop_id, token, variant_ids[0])
        cpu = (time.thread_time() - began) * 1000 / args.calls
        each = len(statements) / args.calls
        one = statements[: round(each)]
        print(f"{kind:<20} CPU {cpu:5.2f} ms per call; {each:.1f} statements")
        if args.statements:
            for sql in one:
                print("   ", " ".join(sql.split())[:150])
        if args.profile:
            reset_line(shop_id, token, variant_ids[0])
            profiler = cProfile.Profile(time.thread_time)
            profiler.enable()
            for number in range(args.calls):
                call()
                if kind == "add to cart" and number % 90 == 89:
                    reset_line(shop_id, token, variant_ids[0])
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
            print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:9000])


def open_shop(lines: int) -> tuple[int, int, list[int]]:
    with session_scope() as session:
        signed = accounts.signup(session, email="cart@example.com", password="secret-pass", shop_name="茶铺", shop_slug="cart-profile")
        actor = accounts.authenticate(session, signed.token)
        for number in range(max(1, (lines + 2) // 3)):
            products.create_product(session, actor, {
                "title": f"明前龙井 {number + 1}", "status": "active", "description_html": "<p>西湖龙井</p>",
                "variants": [{"sku": f"LJ-{number}-{size}", "price": 3800 + 100 * size, "stock": 100_000,
                              "option_values": [f"{size * 50} 克"]} for size in (1, 2, 3)],
                "options": [{"name": "规格", "values": [f"{size * 50} 克" for size in (1, 2, 3)]}],
            })
        rows = session.exec(select(Variant.id, Variant.product_id).where(Variant.shop_id == actor.shop_id).order_by(Variant.id)).all()
        return actor.shop_id, rows[0][1], [variant_id for variant_id, _ in rows[:lines]]


def cart_of(shop_id: int, variant_ids: list[int]) -> str:
    with session_scope() as session:
        token = carts.create_cart(session, shop_id)
        for variant_id in variant_ids:
            carts.add_item(session, shop_id, token, variant_id, 1, view=False)
        return token


def reset_line(shop_id: int, token: str, variant_id: int) -> None:
    with session_scope() as session:
        carts.update_item(session, shop_id, token, variant_id, 1, view=False)


# What each handler calls (keep in step with shopapp/ui/store) ----------------------------------

def count(shop_id: int, token: str) -> int:
    """StoreState._count_cart inside _load_shop's read_scope."""
    with read_scope() as session:
        return carts.item_count(session, shop_id, token)


def add_to_cart(shop_id: int, token: str, variant_id: int, product_id: int) -> int:
    """ProductPageState.add_to_cart: the cart (made on the first add), the add, the header's count, the visit's event."""
    with session_scope() as session:
        if hasattr(carts, "add_to_cart"):
            _, counted = carts.add_to_cart(session, shop_id, token, variant_id, 1)
        else:  # the code before session 10 (run from a checkout of it, to compare)
            carts.load_cart(session, shop_id, token)  # StoreState._cart_token_or_new
            carts.add_item(session, shop_id, token, variant_id, 1, view=False)
            counted = carts.item_count(session, shop_id, token)
        tracking.record_server_event(session, shop_id, "", "add_to_cart", product_id, path="/s/cart-profile/p/1")
        return counted


def cart_page(shop_id: int, token: str) -> dict:
    """CartPageState.load's view (a guest: no shopper token)."""
    with read_scope() as session:
        return quote.cart_view(session, shop_id, token, customer_token=None)


if __name__ == "__main__":
    main()
