"""The check a model's copy must pass: every number and every claim in it is in the facts.

Numbers are compared as written (12800 and 128.00 are different facts; "128" matches "¥128.00"). Claims are the
words that promise something a shop must be able to prove (有机, 正品, 包邮, 最好, organic, free shipping ...):
one the facts do not hold is refused. And each phrase must be mostly made of the facts' own words: a phrase
with fewer than half of its pairs of Chinese characters (or of its English words) in the facts is invented.
"""

from __future__ import annotations

import re

from shopapp.services.insights.copy_facts import CopyFacts

CLAIMS = (
    "有机", "正品", "官方", "旗舰", "包邮", "特价", "特惠", "限时", "秒杀", "买一送一", "赠品", "送礼", "无添加", "零添加",
    "纯天然", "野生", "古树", "特级", "一级", "明前", "手工", "原产", "产地直供", "国家", "认证", "专利", "第一", "最",
    "顶级", "极品", "100%", "保证", "治疗", "降血", "减肥", "养生", "抗癌", "药", "进口", "限量", "销量", "爆款", "网红",
    "organic", "official", "genuine", "free shipping", "certified", "best", "guarantee", "cure", "natural", "handmade",
    "limited", "imported", "award",
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PHRASE = re.compile(r"[，,。；;：:！!？?、\s/|（）()【】\[\]]+")
MIN_SHARE = 0.5


def problems(facts: CopyFacts, texts: list[str]) -> list[str]:
    """What in `texts` the facts do not support: ["number:999", "claim:有机", "phrase:..."]; [] when all is grounded."""
    known = facts.text()
    known_numbers = _numbers(known)
    known_pairs = _pairs(known)
    known_words = set(re.findall(r"[a-z]+", known.casefold()))
    found: list[str] = []
    for text in texts:
        for number in _NUMBER.findall(text):
            if _number_key(number) not in known_numbers:
                found.append(f"number:{number}")
        lowered = text.casefold()
        for claim in CLAIMS:
            if claim in lowered and claim not in known.casefold():
                found.append(f"claim:{claim}")
        # Chinese phrase by phrase (pairs of characters); English over the whole text (its words are short phrases).
        for phrase in _PHRASE.split(text):
            pairs = _pairs(phrase)
            if len(pairs) >= 2 and len(pairs & known_pairs) / len(pairs) < MIN_SHARE:
                found.append(f"phrase:{phrase}")
        words = [w for w in re.findall(r"[a-z]+", lowered) if len(w) > 3]
        if len(words) >= 2 and sum(w in known_words for w in words) / len(words) < MIN_SHARE:
            found.append(f"phrase:{text[:60]}")
    return list(dict.fromkeys(found))


def _numbers(text: str) -> set[str]:
    return {_number_key(n) for n in _NUMBER.findall(text)}


def _number_key(number: str) -> str:
    """128, 128.0 and 128.00 are one number."""
    return number.rstrip("0").rstrip(".") if "." in number else number


def _pairs(text: str) -> set[str]:
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    return {run[i:i + 2] for run in runs for i in range(len(run) - 1)}
