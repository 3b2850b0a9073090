"""What a shopper is asking and in which language, by keyword rules (Chinese and English)."""

from __future__ import annotations

import re

INTENTS = ("where_is_order", "when_ship", "return", "stock", "size", "payment", "other")

# Checked in this order, first match wins: "付款了还没发货" is about shipping, "退款到账" about a return.
_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
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
        "付款", "支付", "付钱", "支付宝", "微信支付", "扣款", "扣钱", "付不了", "发票", "收款", "转账",
        "pay", "paid", "payment", "charge", "charged", "alipay", "invoice", "checkout fail",
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


def detect_intent(text: str) -> str:
    """One of INTENTS for a shopper's message; "other" when no rule fits."""
    folded = (text or "").casefold()
    for intent, keywords in _RULES:
        if any(_contains(folded, keyword) for keyword in keywords):
            return intent
    return "other"


def detect_language(text: str) -> str | None:
    """"zh-CN" when the message is written in Chinese, "en" when in English, None when it has no words
    (an order number alone), so the caller can look at the shopper's earlier messages."""
    if _HAN.search(text or ""):
        return "zh-CN"
    if _LATIN_WORD.search(re.sub(r"\b\d{6}[A-Za-z0-9]{8}\b", " ", text or "")):
        return "en"
    return None


def _contains(folded: str, keyword: str) -> bool:
    if _HAN.search(keyword):
        return keyword in folded
    # English keywords match whole words: "pay" is not in "display", "ship" not in "relationship".
    # and may take an ending: "ship" finds "shipped" and "shipping".
    pattern = r"(?<![a-z])" + re.escape(keyword) + r"(?:s|es|d|ed|ing|ped|ping)?(?![a-z])"
    return re.search(pattern, folded) is not None
