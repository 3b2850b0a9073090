"""What a shopper is asking and in which language, by keyword rules (Chinese and English)."""

from __future__ import annotations

import re

INTENTS = ("where_is_order", "when_ship", "return", "stock", "size", "payment", "invoice", "discount", "other")
# What the engines cannot answer from the shop's data: a person has to (an invoice, a discount not on the
# shop's pages, anything no rule knows).
HANDED_OVER = ("invoice", "discount", "other")

# Checked in this order, first match wins: "付款了还没发货" is about shipping, "退款到账" about a return,
# "发票" is an invoice even when the message says "付款".
_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("invoice", (
        "发票", "开票", "专票", "普票", "增值税", "税号", "抬头", "收据",
        "invoice", "receipt", "fapiao", "vat",
    )),
    ("discount", (
        "优惠", "折扣", "打折", "便宜", "减价", "降价", "满减", "优惠券", "红包", "团购", "批发价", "会员价",
        "discount", "coupon", "promo", "promo code", "promotion", "voucher", "cheaper", "bulk price",
    )),
    ("return", (
        "退货", "退款", "退换", "换货", "退回", "七天无理由", "7天无理由", "售后", "不想要了", "能退吗", "可以退吗", "取消",
        "return", "refund", "exchange", "send it back", "send back", "money back", "cancel",
    )),
    ("where_is_order", (
        "到哪", "物流", "快递到", "单号", "运单", "查件", "还没到", "没收到", "没到", "到了吗", "签收", "在哪里",
        "什么时候到", "多久到", "几天到", "送到", "派送", "包裹",
        "where is my", "where's my", "wheres my", "where is it", "where's it", "tracking", "track my", "track the",
        "delivered", "arrive",
        "not received", "haven't received", "havent received", "hasn't come", "package", "parcel",
    )),
    ("when_ship", (
        "发货", "发出", "寄出", "出库", "几天发", "多久发", "还没发",
        "ship", "dispatch", "send out", "sent out", "posted",
    )),
    ("payment", (
        "付款", "支付", "付钱", "支付宝", "微信支付", "扣款", "扣钱", "付不了", "收款", "转账",
        "pay", "paid", "payment", "charge", "charged", "alipay", "checkout fail",
    )),
    ("stock", (
        "有货", "有没有", "有吗", "码吗", "号吗", "库存", "缺货", "还有吗", "现货", "补货", "卖完", "售罄", "到货", "还能买",
        "in stock", "out of stock", "available", "availability", "restock", "sold out", "back in stock",
    )),
    ("size", (
        "尺码", "尺寸", "大小", "码数", "多大", "穿多大", "规格", "颜色", "哪个码", "偏大", "偏小", "身高", "体重", "合身",
        "size", "sizing", "fit", "measurement", "dimensions", "colour", "color", "which one", "how big", "how large",
    )),
)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# What is neither language: e-mail addresses, links, order and tracking numbers (any token with a digit).
_NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\b[A-Za-z0-9-]*\d[A-Za-z0-9-]*\b")
# Where a message's questions end: question marks, full stops, exclamations, new lines; and the Chinese
# commas and semicolons after a question word ("有货吗，什么时候发货").
_QUESTION_END = re.compile(r"[？?。！!；;\n]+|(?<=[吗呢么嘛])[，,]")
# A sentence no rule understands is a question for a person only when it asks something.
_ASKS = re.compile(
    r"[？?]|[吗呢么嘛]$|能否|可否|是否|能不能|可不可以|可以.+吗|有没有|怎么|如何|为什么|多少|哪里|哪儿|哪个|哪些|几点|多久|请问"
    r"|^(?:can|could|would|will|do|does|did|is|are|was|were|have|has|how|what|when|where|which|who|why|may|should)\b",
    re.IGNORECASE,
)


def detect_intent(text: str) -> str:
    """One of INTENTS for a shopper's message; "other" when no rule fits."""
    folded = (text or "").casefold()
    for intent, keywords in _RULES:
        if any(_contains(folded, keyword) for keyword in keywords):
            return intent
    return "other"


def detect_language(text: str) -> str | None:
    """"zh-CN" when the message is written mostly in Chinese, "en" when mostly in English, None when it has
    no words (an order number, an e-mail address alone), so the caller can look at the shopper's other
    messages. A Chinese character counts as much as an English word; a tie is Chinese."""
    words = _NOT_WORDS.sub(" ", text or "")
    han, latin = len(_HAN.findall(words)), len(_LATIN_WORD.findall(words))
    if not han and not latin:
        return None
    return "zh-CN" if han >= latin else "en"


def conversation_language(shopper_texts: list[str], shop_lang: str = "zh-CN") -> str:
    """The language to answer in, judged over all the shopper's messages by how much each language says,
    not by the latest message alone: "你好…可以开发票吗？" then "order 261206TV7YBYKT" and "email
    a@b.com" is a Chinese conversation. An English word counts as much as 1.5 Chinese characters (a Chinese
    word's usual length); order numbers, e-mail addresses and links count for nothing. A tie goes to the
    shop's own language."""
    chinese = english = 0.0
    for text in shopper_texts:
        words = _NOT_WORDS.sub(" ", text or "")
        chinese += len(_HAN.findall(words))
        english += 1.5 * len(_LATIN_WORD.findall(words))
    if chinese == english:
        return shop_lang
    return "zh-CN" if chinese > english else "en"


def split_questions(text: str) -> list[dict]:
    """Each question of a message with its intent: [{text, intent}], in the message's order. A sentence
    that names no topic counts only when it asks something ("你好" is no question, "你们是实体店吗" is)."""
    questions = []
    for piece in _QUESTION_END.split(text or ""):
        sentence = piece.strip(" ，,、.~～…")
        if not sentence:
            continue
        intents = detect_intents(sentence)
        if intents == ["other"] and not _ASKS.search(sentence):
            continue
        questions += [{"text": sentence, "intent": intent} for intent in intents]
    return questions


def detect_intents(text: str) -> list[str]:
    """Every topic of one sentence: the first the shop's data answers (as detect_intent ranks them), then
    those only a person answers ("什么时候发货，能开发票吗" is shipping and an invoice); ["other"] when none."""
    folded = (text or "").casefold()
    found = [intent for intent, keywords in _RULES if any(_contains(folded, keyword) for keyword in keywords)]
    answerable = [intent for intent in found if intent not in HANDED_OVER][:1]
    return answerable + [intent for intent in found if intent in HANDED_OVER] or ["other"]


def _contains(folded: str, keyword: str) -> bool:
    if _HAN.search(keyword):
        return keyword in folded
    # English keywords match whole words: "pay" is not in "display", "ship" not in "relationship".
    # and may take an ending: "ship" finds "shipped" and "shipping".
    pattern = r"(?<![a-z])" + re.escape(keyword) + r"(?:s|es|d|ed|ing|ped|ping)?(?![a-z])"
    return re.search(pattern, folded) is not None
