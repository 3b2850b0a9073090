"""What the AI helpers may know, fetched from the database: for a conversation, this shop's policies,
the products the shopper named and, only when verified, the customer's own orders."""

from __future__ import annotations

from sqlmodel import Session, select

from shopapp.models import Conversation, Product, Shop, Variant
from shopapp.services.catalog import search
from shopapp.services.inventory import availability
from shopapp.services.marketing import coupons
from shopapp.services.support import conversations
from shopapp.services.support.ai.engines import ReplyContext
from shopapp.services.support.ai.intents import (
    HANDED_OVER,
    conversation_language,
    detect_intent,
    detect_language,
    split_questions,
)

TRANSCRIPT_MESSAGES = 10
MAX_PRODUCTS_NAMED = 2
MAX_COUPONS = 5
# Reading every title of a huge catalogue for one question is not worth it; recent products suffice.
MAX_TITLES_SCANNED = 5000
# Words of a question that say nothing about which product is meant.
_QUESTION_TERMS = frozenset(
    "有货 还有 有没 没有 尺码 尺寸 多少 什么 怎么 我的 订单 可以 请问 一下 这个 那个 这款 那款 发货 快递 退货 "
    "时候 现在 库存 颜色 大小 你好 您好 谢谢 吗 呢 了 的 "
    "the and for with you your is in it of to my me do does have has this that what which when where how "
    "size stock order can will be are there any still available please hi hello thanks an a i".split()
)


def reply_context(session: Session, conversation: Conversation) -> ReplyContext:
    """The facts for a reply to the conversation's latest shopper message."""
    shop = session.get(Shop, conversation.shop_id)
    messages = [m for m in conversations.messages_of(session, conversation, internal=False) if m.author != "system"]
    shopper_texts = [m.text for m in messages if m.author == "shopper"]
    question = shopper_texts[-1] if shopper_texts else ""
    intent, questions = _intent_and_questions(shopper_texts)
    lang = conversation_language(shopper_texts, _shop_language(shop))
    orders = conversations.customer_orders(session, conversation)
    return ReplyContext(
        shop_name=shop.name, currency=shop.currency, lang=lang, intent=intent, question=question,
        transcript=[{"author": m.author, "text": m.text} for m in messages[-TRANSCRIPT_MESSAGES:]],
        verified=conversation.verified, orders=orders,
        focus_order=_focus_order(orders, conversation, shopper_texts),
        policies=conversations.shop_policies(shop), products=named_products(session, shop.id, question),
        questions=questions,
        coupons=[{"id": c["id"], "name": c["name"], "description": c["description"]}
                 for c in coupons.claimable_coupons(session, shop.id)[:MAX_COUPONS]],
    )


def named_products(session: Session, shop_id: int, text: str) -> list[dict]:
    """The active products whose titles share the most words (or Chinese character pairs) with the text."""
    wanted = _terms(text)
    if not wanted:
        return []
    titles = session.exec(
        select(Product.id, Product.title).where(Product.shop_id == shop_id, Product.status == "active")
        .order_by(Product.updated_at.desc()).limit(MAX_TITLES_SCANNED)
    ).all()
    scored = sorted(
        ((len(wanted & _terms(title)), product_id) for product_id, title in titles), key=lambda pair: -pair[0],
    )
    best = scored[0][0] if scored else 0
    chosen = [product_id for score, product_id in scored if score and score == best][:MAX_PRODUCTS_NAMED]
    return [_product_facts_for_reply(session, shop_id, product_id) for product_id in chosen]


# Helpers ---------------------------------------------------------------------------------------

def _intent_and_questions(shopper_texts: list[str]) -> tuple[str, list[dict]]:
    """The questions of the latest message that asks anything, and the topic of the first one the shop's
    data can answer. A message that says nothing by itself (an order number alone, an e-mail address)
    takes the questions of the shopper's messages just before it: they are still waiting for an answer."""
    for text in reversed(shopper_texts[-4:]):
        questions = split_questions(text)
        if questions:
            answerable = [q["intent"] for q in questions if q["intent"] not in HANDED_OVER]
            return (answerable or [questions[0]["intent"]])[0], questions
        intent = detect_intent(text)
        if intent not in ("other", "greeting"):
            return intent, [{"text": text.strip(), "intent": intent}]
    return "other", []


def _shop_language(shop: Shop) -> str:
    """The shop's own language: English only when its name and description are written in English."""
    return detect_language(f"{shop.name} {shop.description}") or "zh-CN"


def _focus_order(orders: list[dict], conversation: Conversation, shopper_texts: list[str]) -> dict | None:
    """The order named in the latest messages, else the one the conversation was verified with,
    else the newest that is still going somewhere."""
    if not orders:
        return None
    by_no = {order["order_no"]: order for order in orders}
    for text in reversed(shopper_texts[-4:]):
        for number in conversations.ORDER_NO_PATTERN.findall(text):
            if number.upper() in by_no:
                return by_no[number.upper()]
    for order in orders:
        if order["id"] == conversation.order_id:
            return order
    live = [order for order in orders if order["status"] not in ("cancelled", "closed")]
    return (live or orders)[0]


def _product_facts_for_reply(session: Session, shop_id: int, product_id: int) -> dict:
    product = session.get(Product, product_id)
    return {
        "id": product.id, "title": product.title, "options": product.options,
        "presale_ships_at": product.presale_ships_at.isoformat() if product.presale_ships_at else None,
        "variants": [
            # What a shopper can buy: pre-sale places left when the variant sells from a quota.
            {"option_values": v.option_values, "stock": availability.available(v, product), "price": v.price}
            for v in _enabled_variants(session, shop_id, product_id)
        ],
    }


def _enabled_variants(session: Session, shop_id: int, product_id: int) -> list[Variant]:
    return list(session.exec(
        select(Variant).where(Variant.shop_id == shop_id, Variant.product_id == product_id, Variant.enabled.is_(True))
        .order_by(Variant.position, Variant.id)
    ).all())


def _terms(text: str) -> set[str]:
    terms = set(search.document_terms(text).split())
    return {term for term in terms if len(term) >= 2 and term not in _QUESTION_TERMS}
