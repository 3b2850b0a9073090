"""The facts product copy may use, and nothing else: the product's own fields and the shop's policies, read in one
place so the offline writer, the model's prompt and the grounding check all see the same facts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlmodel import Session, select

from shopapp.models import Category, Product, ProductCategory, Shop, Variant
from shopapp.services.catalog import search
from shopapp.services.core.money import format_price_range

# A sentence of a description is a selling point or a line of the usage section; a phrase of one, a title word.
_SENTENCE_END = re.compile(r"[。；;！!？?\n]+|\.(?=\s|$)")
_PHRASE_END = re.compile(r"[，,、]+")
_USAGE = re.compile(r"泡|煮|冲|水温|饮用|品饮|喝|使用|用法|清洗|搭配|存放|储存|保存|\b(?:brew|steep|use|wash|store)", re.I)
_SPEC = re.compile(r"(容量|重量|净含量|尺寸|产地|产区|材质|年份)\s*[:：]?\s*([0-9.]+\s*[^\s，。；0-9]{1,3}|[^，。；\s]{1,20})")


@dataclass
class CopyFacts:
    product_id: int
    title: str
    lang: str  # "zh-CN" or "en": the language the copy is written in (the title's)
    product_type: str
    categories: list[str]
    tags: list[str]
    options: list[dict]  # [{name, values}]
    description: str  # plain text
    price: str  # "¥128.00" or "¥128.00 – ¥576.00", "" when nothing is for sale
    presale_ships_at: str | None
    shipping_policy: str
    returns_policy: str
    keywords: list[str] = field(default_factory=list)  # the owner's own words for this request: theirs to claim

    def sentences(self) -> list[str]:
        """The description's sentences, each a claim the shop made itself."""
        return [c.strip(" ，,、") for c in _SENTENCE_END.split(self.description) if len(c.strip(" ，,、")) >= 2]

    def selling_points(self) -> list[str]:
        return [c for c in self.sentences() if not _USAGE.search(c)]

    def point_phrases(self) -> list[str]:
        """The selling points cut at their commas: one bullet each."""
        return [p.strip() for point in self.selling_points() for p in _PHRASE_END.split(point) if len(p.strip()) >= 2]

    def selling_phrases(self) -> list[str]:
        """The phrases without figures (a size or a count belongs to the specs): title words."""
        return [p for p in self.point_phrases() if not re.search(r"\d", p)]

    def usage_lines(self) -> list[str]:
        return [c for c in self.sentences() if _USAGE.search(c)]

    def specs(self) -> list[tuple[str, str]]:
        """(name, value) pairs: the options, the category, and the measures the description states."""
        rows = [(o["name"], " / ".join(o["values"])) for o in self.options if o.get("values")]
        if self.categories:
            rows.append(("分类" if self.lang != "en" else "Category", "、".join(self.categories)))
        rows += [(name, value.strip()) for name, value in _SPEC.findall(self.description)]
        return rows

    def text(self) -> str:
        """Every word the facts hold, for the grounding check."""
        parts = [self.title, self.product_type, self.description, self.price, self.presale_ships_at or "",
                 self.shipping_policy, self.returns_policy, *self.categories, *self.tags, *self.keywords]
        parts += [o.get("name", "") + " " + " ".join(o.get("values", [])) for o in self.options]
        return " ".join(parts)


def copy_facts(session: Session, shop_id: int, product: Product, keywords: list[str] | None = None) -> CopyFacts:
    variants = session.exec(select(Variant.price).where(Variant.shop_id == shop_id, Variant.product_id == product.id,
                                                        Variant.enabled.is_(True))).all()
    categories = session.exec(
        select(Category.name).join(ProductCategory, ProductCategory.category_id == Category.id)
        .where(ProductCategory.shop_id == shop_id, ProductCategory.product_id == product.id).order_by(Category.position, Category.id)
    ).all()
    shop = session.get(Shop, shop_id)
    return CopyFacts(
        product_id=product.id, title=product.title, lang=_language(product.title),
        product_type=product.product_type, categories=list(categories), tags=[str(t) for t in product.tags or []],
        options=[o for o in product.options or [] if isinstance(o, dict)],
        description=search.plain_text(product.description_html).strip()[:1500],
        price=format_price_range(min(variants), max(variants), shop.currency) if variants else "",
        presale_ships_at=product.presale_ships_at.isoformat() if product.presale_ships_at else None,
        shipping_policy=shop.shipping_policy or "", returns_policy=shop.returns_policy or "",
        keywords=list(keywords or []),
    )


def _language(text: str) -> str:
    """English only for a title with Latin letters and no Chinese."""
    if re.search(r"[\u4e00-\u9fff]", text):
        return "zh-CN"
    return "en" if re.search(r"[A-Za-z]", text) else "zh-CN"
