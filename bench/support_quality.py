"""How good the support desk's reply suggestions are, and whether one ever shows another customer's data.

    .venv/bin/python bench/support_quality.py              # the offline engine (and the OpenAI one when OPENAI_BASE_URL is set)
    .venv/bin/python bench/support_quality.py --show       # also print each question and its first suggestion
    .venv/bin/python bench/support_quality.py --set dev    # only the development set (tune on this one)

Two sets of questions, reported apart: the development set (bench/support_questions.json), which the
recogniser's phrasings and the templates may be tuned on, and the held-out set
(bench/support_questions_heldout.json), written separately before tuning and never tuned on: its
figures are the honest ones. A question's first suggestion is "fully right" when it holds every fact
the question needs, is written in the shopper's language, cites the right sources (every one the
question lists, and no order or parcel of anyone else) and leaks nothing.

Seeds a temporary SQLite database through the real services: a tea shop with shipping and returns
policies, products with sizes and colours (some sold out, one pre-sale), and customers whose orders
are unpaid, paid, shipped with tracking, delivered or cancelled. Then asks every question of
bench/support_questions.json in a conversation of its own (verified by order link or order number,
or not at all) and scores the suggestions: the share of replies holding each fact the question
needs (order status, tracking number, policy fact ...), for the first suggestion and for any of the
three, and the share holding another customer's data (or, unverified, any order data): must be 0.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_DATA = tempfile.mkdtemp(prefix="shopapp-support-bench-")
os.environ["DATA_DIR"] = _DATA
os.environ["DATABASE_URL"] = f"sqlite:///{_DATA}/bench.db"  # always a fresh database of its own
os.environ.setdefault("LOG_LEVEL", "ERROR")
os.environ["RUN_JOBS"] = "false"

from sqlmodel import SQLModel, select  # noqa: E402

import shopapp.models  # noqa: E402,F401 - registers every table
from shopapp.db import get_engine, session_scope  # noqa: E402
from shopapp.models import Order, Variant  # noqa: E402
from shopapp.models.base import utcnow  # noqa: E402
from shopapp.services.catalog import products, search
from shopapp.services.checkout import cart, place
from shopapp.services.core.money import format_money
from shopapp.services.orders import cancel, fulfillment, payments, refunds
from shopapp.services.shops import accounts, shops
from shopapp.services.support import conversations
from shopapp.services.support.ai import (
    intents,  # noqa: E402
    retrieval,  # noqa: E402
)
from shopapp.services.support.ai.engines import AIError  # noqa: E402
from shopapp.services.support.ai.intents import detect_language  # noqa: E402
from shopapp.services.support.ai.offline import OfflineEngine  # noqa: E402
from shopapp.services.support.ai.openai_engine import OpenAIEngine  # noqa: E402
from shopapp.settings import get_settings  # noqa: E402

_SECRET_FIELDS = ("order_no", "tracking_no", "name", "phone", "street", "email")
_SKUS = itertools.count(1)
PRODUCT_IDS: dict[str, int] = {}  # product key -> id, once seeded
QUESTIONS = Path(__file__).resolve().parent / "support_questions.json"
SHIPPING_POLICY = "付款后 48 小时内发货（预售商品按商品页日期发货），满 99 元包邮，偏远地区可能延迟 1–2 天。"
HELD_OUT = Path(__file__).resolve().parent / "support_questions_heldout.json"
RETURNS_POLICY = "签收后 7 天内可申请无理由退货，商品需保持完好、不影响二次销售；质量问题退货运费由本店承担。"
PRESALE_DAY = date.today() + timedelta(days=20)
# Customers: e-mail, recipient, phone, street; what happens to their order; the product and carrier.
CUSTOMERS = {
    "li": ("li@example.com", "李雷", "13800000001", "文三路 100 号", "in_transit", "tea", ("SF", "SF1234567890123")),
    "wang": ("wang@example.com", "王芳", "13800000002", "人民路 8 号", "delivered", "tea", ("YTO", "YT9876543210987")),
    "zhao": ("zhao@example.com", "赵敏", "13800000003", "解放路 66 号", "paid", "tea", None),
    "chen": ("chen@example.com", "陈晨", "13800000004", "中山路 12 号", "pending", "tea", None),
    "emma": ("emma@example.com", "Emma Stone", "13800000005", "Nanjing Road 5", "in_transit", "linen", ("ZTO", "773012345678")),
    "olivia": ("olivia@example.com", "Olivia Chan", "13800000006", "Huaihai Road 9", "paid", "linen", None),
    "sun": ("sun@example.com", "孙悦", "13800000007", "建国路 3 号", "cancelled", "tea", None),
    "liu": ("liu@example.com", "刘洋", "13800000008", "长安街 1 号", "in_transit", "cups", ("JD", "JD0012345678901")),
    "liu2": ("liu@example.com", "刘洋", "13800000008", "长安街 1 号", "paid", "tea", None),
    "zhou": ("zhou@example.com", "周杰", "13800000009", "滨江路 2 号", "paid", "presale", None),
    "qian": ("qian@example.com", "钱多多", "13800000010", "西湖大道 7 号", "refunded", "tea", None),
}
NO_ORDER_SHOPPERS = {"mallory": "mallory@example.com", "newcomer": "newcomer@example.com", "emma2": "emma.k@example.com"}
TRACKING = {
    "li": [("picked_up", "顺丰速运 已收取快件", "杭州", 30), ("in_transit", "快件已到达【杭州转运中心】", "杭州", 10)],
    "wang": [("in_transit", "快件已到达【上海分拨中心】", "上海", 50), ("delivered", "已签收，签收人：本人", "上海", 5)],
    "emma": [("in_transit", "快件离开【广州中心】，发往【上海】", "广州", 8)],
    "liu": [("in_transit", "京东快递 已发货，正在配送途中", "北京", 12)],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", action="store_true", help="print each question and its first suggestion")
    parser.add_argument("--questions", type=Path, help="score this file of questions alone")
    parser.add_argument("--set", choices=("dev", "heldout", "both"), default="both")
    parser.add_argument("--typos", type=int, default=0, metavar="N",
                        help="add N random typos (a letter or character dropped, doubled or swapped) to every message: "
                             "how the recogniser copes with sloppier writing than the sets hold")
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--fake-model", choices=("smart", "text", "fenced"),
                        help="also score the OpenAI engine against tests/openai_fake.py answering this way (JSON, "
                             "plain text, fenced JSON): shows grounding and no-leak holding on the model path")
    args = parser.parse_args()
    sets = {"development": QUESTIONS, "held-out": HELD_OUT}
    if args.questions:
        sets = {args.questions.name: args.questions}
    elif args.set != "both":
        sets = {"development": QUESTIONS} if args.set == "dev" else {"held-out": HELD_OUT}
    engine = get_engine()
    SQLModel.metadata.create_all(engine)
    search.ensure_search_objects(engine)
    with session_scope() as session:
        owner, facts = seed(session)
    engines = [OfflineEngine()]
    if get_settings().openai_base_url:
        engines.append(OpenAIEngine(get_settings()))
    if args.fake_model:
        from tests.openai_fake import FakeModel

        fake = FakeModel().start()
        fake.answer = args.fake_model
        engines.append(OpenAIEngine(fake.settings()))
    started = time.perf_counter()
    cpu = time.process_time()
    intents.warm_up()
    print(f"intent recogniser ready in {time.perf_counter() - started:.2f} s "
          f"({time.process_time() - cpu:.2f} s CPU: importing scikit-learn, loading jieba's dictionary, training)")
    for name, path in sets.items():
        questions = json.loads(path.read_text())["questions"]
        if args.typos:
            rng = random.Random(args.seed)
            questions = [{**q, "messages": [_typos(m, args.typos, rng) for m in q["messages"]]} for q in questions]
            name = f"{name} (+{args.typos} typos a message, seed {args.seed})"
        print(f"\n=== {name} set: {len(questions)} questions ({path.name}), {len(CUSTOMERS)} seeded orders; "
              f"engines: {', '.join(e.name for e in engines)}")
        for ai_engine in engines:
            report(ai_engine, score(ai_engine, owner, facts, questions, args.show))


# Seeding ---------------------------------------------------------------------------------------

def seed(session):
    signed = accounts.signup(session, email="owner@example.com", password="bench-pass-1", shop_name="西湖茶舍", shop_slug="xihu-tea")
    session.commit()
    owner = accounts.authenticate(session, signed.token)
    shops.update_profile(session, owner, {"shipping_policy": SHIPPING_POLICY, "returns_policy": RETURNS_POLICY})
    variants = {
        "tea": _product(session, owner, "西湖龙井 明前特级 250g", [], [((), 6800, 40)]),
        "shirt": _product(session, owner, "纯棉短袖T恤", [("尺码", ["S", "M", "L"])],
                          [(("S",), 9900, 8), (("M",), 9900, 0), (("L",), 9900, 15)]),
        "linen": _product(session, owner, "Linen Shirt", [("Size", ["S", "M", "L", "XL"])],
                          [(("S",), 25900, 6), (("M",), 25900, 9), (("L",), 25900, 0), (("XL",), 25900, 2)]),
        "set": _product(session, owner, "白瓷茶具套装", [("颜色", ["白色", "青色"])], [(("白色",), 18800, 0), (("青色",), 18800, 0)]),
        "cups": _product(session, owner, "手绘品茗杯 两只装", [], [((), 4800, 30)]),
        "presale": _product(session, owner, "2026 头采明前新茶 预售", [], [((), 12800, 100)], presale=PRESALE_DAY.isoformat()),
    }
    session.commit()
    PRODUCT_IDS.update({key: session.get(Variant, ids[0]).product_id for key, ids in variants.items()})
    facts = {}
    for key, (email, name, phone, street, state, product, waybill) in CUSTOMERS.items():
        paid = state not in ("pending", "cancelled")
        order, link = _order(session, owner, variants[product][0], email, name, phone, street, pay=paid)
        if state == "cancelled":
            cancel.cancel_order(session, owner, order.id, "顾客要求取消")
        if state == "refunded":
            refunds.refund(session, owner, order.id, order.total, "顾客不想要了")
            session.refresh(order)
        shipment = None
        if waybill:
            shipment = fulfillment.ship(session, owner, order.id, None, *waybill)
            for status, description, location, minutes_ago in TRACKING.get(key, []):
                fulfillment.add_tracking_event(
                    session, owner, shipment.id, status, description,
                    at=(utcnow() - timedelta(minutes=minutes_ago)).isoformat(), location=location,
                )
        session.commit()
        facts[key] = {
            "order_no": order.order_no, "link": link, "email": email, "name": name, "phone": phone, "street": street,
            "tracking_no": waybill[1] if waybill else "", "ships_at": PRESALE_DAY.isoformat(),
            "refunded": format_money(order.refunded_total, order.currency) if order.refunded_total else "",
            "order_id": order.id, "shipment_id": shipment.id if shipment else None,
        }
    return owner, facts


def _product(session, owner, title, options, variants, presale=None) -> list[int]:
    data = {
        "title": title, "status": "active", "options": [{"name": n, "values": v} for n, v in options],
        "variants": [
            {"sku": f"SKU-{next(_SKUS)}", "option_values": list(values), "price": price, "stock": stock}
            for values, price, stock in variants
        ],
    }
    if presale:
        data["presale"] = {"ships_at": presale}
    product = products.create_product(session, owner, data)
    return list(session.exec(select(Variant.id).where(Variant.product_id == product.id).order_by(Variant.id)).all())


def _order(session, owner, variant_id, email, name, phone, street, *, pay: bool):
    token = cart.create_cart(session, owner.shop_id)
    cart.add_item(session, owner.shop_id, token, variant_id, 1)
    address = {"name": name, "phone": phone, "province": "浙江省", "city": "杭州市", "district": "西湖区",
               "line1": street, "postcode": "310000"}
    placed = place.place_order(session, owner.shop_id, token, email, address)
    session.commit()
    if pay:
        payments.sandbox_pay(session, placed["payment"]["id"], "success")
        session.commit()
    return session.get(Order, placed["order_id"]), placed["token"]


# Scoring ---------------------------------------------------------------------------------------

def score(ai_engine, owner, facts: dict, questions: list[dict], show: bool) -> dict:
    results = {"kinds": defaultdict(lambda: [0, 0, 0]), "complete": [0, 0], "leaks": [], "errors": [], "seconds": 0.0,
               "count": len(questions), "sources": 0, "language": 0, "wrong": [], "topics": defaultdict(lambda: [0, 0])}
    for question in questions:
        context, allowed = _ask(owner, facts, question)
        started = time.perf_counter()
        try:
            suggestions = ai_engine.suggest_replies(context)
        except AIError as error:
            results["errors"].append((question["id"], error.code))
            suggestions = []
        results["seconds"] += time.perf_counter() - started
        texts = [s.text for s in suggestions]
        top, everything = (texts[0] if texts else ""), "\n".join(texts)
        complete_top = complete_any = True
        for kind, alternatives in question["must"].items():
            wanted = [_fill(alt, facts) for alt in alternatives]
            in_top, in_any = _has(top, wanted), _has(everything, wanted)
            tally = results["kinds"][kind]
            tally[0] += 1
            tally[1] += in_top
            tally[2] += in_any
            complete_top &= in_top
            complete_any &= in_any
        leaked = [secret for secret in _forbidden(facts, allowed) if secret in everything]
        if leaked:
            results["leaks"].append((question["id"], leaked))
        sources_right = _sources_right(suggestions[0].sources if suggestions else [], question, facts, allowed)
        language_right = _language_right(top, question)
        results["sources"] += sources_right
        results["language"] += language_right
        fully_right = complete_top and sources_right and language_right and not leaked
        results["complete"][0] += fully_right
        results["complete"][1] += complete_any and not leaked and any(_language_right(t, question) for t in texts or [""])
        results["topics"][question["topic"]][0] += 1
        results["topics"][question["topic"]][1] += fully_right
        if not fully_right:
            results["wrong"].append(question["id"])
        if show:
            asked = " / ".join(_fill(m, facts) for m in question["messages"])
            mark = "ok " if fully_right else "BAD"
            print(f"\n{mark} #{question['id']} [{question['topic']}, {question['verify']}] {asked}")
            print(f"  -> {top}")
            if not fully_right:
                cited = suggestions[0].sources if suggestions else []
                print(f"     facts {complete_top} sources {sources_right} {cited} language {language_right} leak {bool(leaked)}")
    return results


def _sources_right(cited: list[dict], question: dict, facts: dict, allowed: set[str]) -> bool:
    """Every source the question lists is cited, and no order or parcel of anyone the asker is not."""
    cited_keys = {(s["type"], s["id"]) for s in cited}
    mine = {("order", facts[k]["order_id"]) for k in allowed} | {("shipment", facts[k]["shipment_id"]) for k in allowed}
    if any(kind in ("order", "shipment") and (kind, key) not in mine for kind, key in cited_keys):
        return False
    for wanted in question.get("sources", []):
        kind, key = wanted.split(":")
        if kind == "order":
            expected = ("order", facts[key]["order_id"])
        elif kind == "shipment":
            expected = ("shipment", facts[key]["shipment_id"])
        elif kind == "product":
            expected = ("product", PRODUCT_IDS[key])
        else:
            expected = (kind, key)
        if expected not in cited_keys:
            return False
    return True


def _language_right(text: str, question: dict) -> bool:
    """The reply's own words are in the shopper's language; the shop's facts it quotes (its Chinese
    policies, tracking events, product titles) do not count either way."""
    for quoted in _QUOTED_FACTS:
        text = text.replace(quoted, " ")
    lang = detect_language(text) if text else None
    return lang == ("en" if question["lang"] == "en" else "zh-CN")


def _ask(owner, facts: dict, question: dict):
    """A conversation of its own for the question; its reply context and whose order data it may show."""
    shopper = question["shopper"]
    email = facts[shopper]["email"] if shopper in facts else NO_ORDER_SHOPPERS[shopper]
    messages = [_fill(m, facts) for m in question["messages"]]
    order = facts.get(question["order"] or "", {})
    verification = {}
    if question["verify"] == "link":
        verification = {"order_no": order["order_no"], "order_token": order["link"]}
    elif question["verify"] == "order_no":
        verification = {"order_no": order["order_no"]}
    with session_scope() as session:
        conversation, token = conversations.start_conversation(session, owner.shop_id, email, messages[0], **verification)
        for text in messages[1:]:
            conversations.post_shopper_message(session, owner.shop_id, conversation.id, token, text)
        session.flush()
        context = retrieval.reply_context(session, conversation)
        allowed = {
            key for key, seeded in facts.items()
            if conversation.verified and seeded["email"] == conversation.verified_email
        }
    return context, allowed


_QUOTED_FACTS = sorted(
    [SHIPPING_POLICY, RETURNS_POLICY, "纯棉短袖T恤", "白瓷茶具套装", "西湖龙井 明前特级 250g", "手绘品茗杯 两只装", "2026 头采明前新茶 预售"]
    + [part for events in TRACKING.values() for _, description, location, _ in events for part in (description, location)],
    key=len, reverse=True,
)


def _forbidden(facts: dict, allowed: set[str]) -> list[str]:
    """Every other customer's order number, tracking number, name, phone, street and e-mail."""
    mine = {value for key in allowed for value in facts[key].values()}
    return [
        facts[key][field] for key in facts if key not in allowed for field in _SECRET_FIELDS
        if facts[key][field] and facts[key][field] not in mine
    ]


def _typos(text: str, count: int, rng: random.Random) -> str:
    """The message with `count` slips of the keyboard on its letters and Chinese characters (never inside
    a {placeholder} or a number): one dropped, doubled or swapped with the next."""
    chars = list(text)
    for _ in range(count):
        inside, eligible = False, []
        for i, ch in enumerate(chars):
            inside = (inside or ch == "{") and ch != "}"
            if not inside and ch != "}" and (ch.isalpha()):
                eligible.append(i)
        if len(eligible) < 4:
            break
        i = rng.choice(eligible)
        slip = rng.choice(("drop", "double", "swap"))
        if slip == "drop":
            del chars[i]
        elif slip == "double":
            chars.insert(i, chars[i])
        elif i + 1 in eligible:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def _fill(text: str, facts: dict) -> str:
    return re.sub(r"\{(\w+)\.(\w+)\}", lambda m: str(facts[m.group(1)][m.group(2)]), text)


def _has(text: str, alternatives: list[str]) -> bool:
    folded = text.casefold()
    return any(alternative.casefold() in folded for alternative in alternatives)


def report(ai_engine, results: dict) -> None:
    count = results["count"]
    print(f"\nengine: {ai_engine.name}")
    print(f"  {'fact a reply must hold':<28}{'questions':>10}{'1st reply':>12}{'any of 3':>12}")
    names = {
        "status": "order status", "tracking": "tracking number", "carrier": "carrier", "policy": "policy fact",
        "ask_order_no": "asks for the order number", "product": "stock / options", "order": "the order asked about",
        "greeting": "greets", "followup": "a colleague follows up", "topic": "names the topic", "amount": "refunded amount",
        "fee": "shipping fee",
    }
    for kind, (asked, top, anywhere) in sorted(results["kinds"].items(), key=lambda item: -item[1][0]):
        print(f"  {names.get(kind, kind):<28}{asked:>10}{_share(top, asked):>12}{_share(anywhere, asked):>12}")
    top, anywhere = results["complete"]
    print(f"  {'fully right':<28}{count:>10}{_share(top, count):>12}{_share(anywhere, count):>12}")
    print(f"  right sources (1st reply): {_share(results['sources'], count)}; "
          f"shopper's language (1st reply): {_share(results['language'], count)}")
    print(f"  replies with another customer's data: {len(results['leaks'])} / {count} ({_share(len(results['leaks']), count)})")
    for question_id, leaked in results["leaks"]:
        print(f"    #{question_id}: {leaked}")
    by_topic = ", ".join(f"{topic} {right}/{asked}" for topic, (asked, right) in sorted(results["topics"].items()))
    print(f"  fully right by topic: {by_topic}")
    if results["wrong"]:
        print(f"  not fully right: {', '.join(f'#{i}' for i in results['wrong'])}")
    if results["errors"]:
        print(f"  engine errors: {len(results['errors'])} ({', '.join(f'#{i} {code}' for i, code in results['errors'])})")
    print(f"  time per question: {1000 * results['seconds'] / count:.1f} ms")


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


if __name__ == "__main__":
    main()
