"""Product copy without a model: marketplace titles and a sectioned description built only from CopyFacts.

A marketplace title (淘宝/拼多多 style) puts the category word and the selling points first and the size last,
stays within 30 汉字 (60 bytes; a Latin letter counts half), and names each thing once: no word repeated,
no phrase that shares a pair of characters with one already in (keyword stuffing reads as spam).
"""

from __future__ import annotations

import html
import re

from shopapp.services.insights.copy_facts import CopyFacts

MAX_TITLE_WIDTH = 30  # 汉字
MAX_TITLES = 4
MAX_POINT_CHARS = 9  # a selling point longer than this is a sentence, not a title word

_HEADINGS = {
    "zh-CN": {"points": "卖点", "specs": "规格参数", "usage": "使用方法", "brew": "冲泡方法", "after_sales": "售后说明",
              "price": "价格", "presale": "预售发货", "virtual": "虚拟商品，无需物流", "returns": "退换货", "shipping": "发货"},
    "en": {"points": "Highlights", "specs": "Specifications", "usage": "How to use", "brew": "How to brew",
           "after_sales": "After-sales", "price": "Price", "presale": "Pre-sale ships by", "virtual": "Virtual product, nothing shipped",
           "returns": "Returns", "shipping": "Shipping"},
}


def title_width(text: str) -> float:
    """Width in 汉字: a Chinese character (or full-width sign) is one, anything else half."""
    return sum(1 if ord(c) > 0x2E80 else 0.5 for c in text)


def titles(facts: CopyFacts) -> list[str]:
    """Up to MAX_TITLES different titles, best first; never the title the product already has."""
    core = _core_words(facts)
    longest = MAX_POINT_CHARS if facts.lang != "en" else MAX_POINT_CHARS * 3
    points = [p for p in facts.selling_phrases() if len(p) <= longest]
    size = _size_words(facts)
    category = facts.categories[:1]
    keywords = facts.keywords[:3]
    plans = [
        keywords + category + core + points + size,  # the owner's own words lead when given
        category + core + points + size,
        core + category + points[1:] + points[:1] + size,
        category + core + size + facts.tags[:2] + points,
        core + points + facts.tags[:2] + category,
        points[:1] + category + core + points[1:] + size,  # the strongest selling point leads
        category + core[::-1] + points + size,
    ]
    current = _plain(facts.title)
    found: list[str] = []
    for plan in plans:
        title = _assemble(plan, facts.lang)
        if title and _plain(title) != current and title not in found:
            found.append(title)
    return found[:MAX_TITLES]


def descriptions(facts: CopyFacts) -> list[dict]:
    """[{style, html}]: "full" with every section the facts allow, "short" with the three first selling points."""
    full = _description(facts, points=facts.point_phrases())
    short = _description(facts, points=facts.point_phrases()[:3], short=True)
    return [{"style": "full", "html": full}] + ([{"style": "short", "html": short}] if short != full else [])


def description_from(facts: CopyFacts, points: list[str], usage: list[str]) -> str:
    """A description whose 卖点 and usage lines a model wrote (checked by copy_grounding); the rest from the facts."""
    return _description(facts, points=points, usage=usage)


# Helpers ---------------------------------------------------------------------------------------

def _description(facts: CopyFacts, points: list[str], usage: list[str] | None = None, short: bool = False) -> str:
    words = _HEADINGS["en" if facts.lang == "en" else "zh-CN"]
    colon = ": " if facts.lang == "en" else "："
    parts = []
    if facts.presale_ships_at:
        points = [*points, f"{words['presale']}{colon}{facts.presale_ships_at}"]
    if points:
        parts.append(_section(words["points"], points))
    specs = [f"{name}{colon}{value}" for name, value in facts.specs()]
    if facts.price:
        specs.append(f"{words['price']}{colon}{facts.price}")
    if facts.product_type == "virtual":
        specs.append(words["virtual"])
    if specs:
        parts.append(_section(words["specs"], specs))
    usage = facts.usage_lines() if usage is None else usage
    if usage and not short:
        brewing = any(re.search(r"泡|brew|steep", line, re.I) for line in usage) or re.search(r"茶|\btea\b", facts.title, re.I)
        parts.append(_section(words["brew" if brewing else "usage"], usage))
    policies = [f"{words['returns']}{colon}{facts.returns_policy}"] if facts.returns_policy else []
    if facts.shipping_policy and not short:
        policies.append(f"{words['shipping']}{colon}{facts.shipping_policy}")
    if policies:
        parts.append(_section(words["after_sales"], policies))
    return "".join(parts)


def _section(heading: str, lines: list[str]) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return f"<h3>{html.escape(heading)}</h3><ul>{items}</ul>"


def _core_words(facts: CopyFacts) -> list[str]:
    """The title's own words, the category word taken out of them (it leads on its own)."""
    # Chinese titles are written as words between spaces; an English one is a phrase (its words in that order).
    words = [w.strip() for w in re.split(r"[|/，,]+" if facts.lang == "en" else r"[\s|/，,]+", facts.title) if w.strip()]
    for category in facts.categories[:1]:
        words = [w.replace(category, "") if w != category and len(w) > len(category) + 1 else w for w in words]
    return [w for w in words if w]


def _size_words(facts: CopyFacts) -> list[str]:
    """A size the shopper searches by: the first option's values when they are measures (50克 / 100克 ...)."""
    for option in facts.options:
        values = [str(v) for v in option.get("values", [])]
        if values and all(re.search(r"\d", v) for v in values):
            return [values[0] if len(values) == 1 else f"{values[0]}-{values[-1]}"]
    return []


def _assemble(plan: list[str], lang: str) -> str:
    sep = ", " if lang == "en" else " "
    kept: list[str] = []
    for phrase in plan:
        phrase = phrase.strip()
        if not phrase or any(_overlaps(phrase, other) for other in kept):
            continue
        if title_width(sep.join([*kept, phrase])) > MAX_TITLE_WIDTH:
            continue
        kept.append(phrase)
    return sep.join(kept)


def _overlaps(one: str, other: str) -> bool:
    """Two phrases naming the same thing: one inside the other, or a shared pair of Chinese characters."""
    a, b = one.casefold(), other.casefold()
    if a in b or b in a:
        return True
    return bool(_pairs(a) & _pairs(b))


def _pairs(text: str) -> set[str]:
    han = re.findall(r"[\u4e00-\u9fff]+", text)
    return {run[i:i + 2] for run in han for i in range(len(run) - 1)}


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()
