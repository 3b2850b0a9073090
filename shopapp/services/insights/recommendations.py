"""Recommendations, worked out by a job and read by id.

- bought_together (买了这个的人也买了): products found in the same paid orders, most often first.
- similar (相似商品): TF-IDF over each product's title, categories and tags (character n-grams, so Chinese needs
  no word list), nearest by cosine; fitted on the shop's own catalogue, nothing downloaded.
- for_you (猜你喜欢): per shopper account, from what they bought (weight 3) and viewed (weight 1, product views
  of the visits their orders came from): the neighbours of those products, less what they already bought.

`refresh_shop` replaces a shop's rows in one transaction; the storefront reads a handful of rows by index.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import delete, func
from sqlmodel import Session, select

from shopapp.models import Category, Order, OrderItem, OrderVisit, Product, ProductCategory, Shop, VisitEvent
from shopapp.models.insights import Recommendation
from shopapp.services.catalog import views
from shopapp.services.core.errors import NotFound

PER_SUBJECT = 8  # rows kept per product or shopper
MIN_SIMILARITY = 0.08
SIMILARITY_CELLS = 4_000_000  # scores held at once by the job (× 8 bytes)
BOUGHT_WEIGHT, VIEWED_WEIGHT = 3, 1
_UNPAID = ("pending_payment", "cancelled")


def refresh_all(session: Session) -> int:
    """The job: every shop's recommendations afresh; commits shop by shop."""
    written = 0
    for shop_id in session.exec(select(Shop.id).order_by(Shop.id)).all():
        written += refresh_shop(session, shop_id)
        session.commit()
    return written


def refresh_shop(session: Session, shop_id: int) -> int:
    products = _active_products(session, shop_id)
    baskets = _paid_baskets(session, shop_id)
    together = _bought_together(baskets, set(products))
    similar = _similar(products)
    for_you = _for_you(session, shop_id, baskets, together, similar, set(products))
    session.exec(delete(Recommendation).where(Recommendation.shop_id == shop_id))
    rows = [
        Recommendation(shop_id=shop_id, kind=kind, subject_id=subject, rank=rank, product_id=product_id, score=score)
        for kind, table in (("bought_together", together), ("similar", similar), ("for_you", for_you))
        for subject, ranked in table.items()
        for rank, (product_id, score) in enumerate(ranked[:PER_SUBJECT])
    ]
    session.add_all(rows)
    session.flush()
    return len(rows)


def for_product(session: Session, shop_id: int, product_id: int, limit: int = 6) -> dict[str, list[dict]]:
    """{bought_together: [summary], similar: [summary]}: a product page's two shelves, each without the other's items.
    A product that is not on sale in this shop is not found."""
    if session.exec(select(Product.id).where(Product.shop_id == shop_id, Product.id == product_id, Product.status == "active")).first() is None:
        raise NotFound()
    ranked = _read(session, shop_id, ("bought_together", "similar"), [product_id], limit * 2)
    together = ranked["bought_together"][:limit]
    similar = [i for i in ranked["similar"] if i not in together][:limit]
    summaries = _summaries(session, shop_id, together + similar)
    return {"bought_together": [summaries[i] for i in together if i in summaries],
            "similar": [summaries[i] for i in similar if i in summaries]}


def for_cart(session: Session, shop_id: int, product_ids: list[int], limit: int = 6) -> list[dict]:
    """What goes with a cart: the items' bought-together products (then similar ones), less what is in it."""
    ranked = _read(session, shop_id, ("bought_together", "similar"), product_ids, PER_SUBJECT)
    picked = [i for i in dict.fromkeys(ranked["bought_together"] + ranked["similar"]) if i not in product_ids][:limit]
    summaries = _summaries(session, shop_id, picked)
    return [summaries[i] for i in picked if i in summaries]


def for_shopper(session: Session, shop_id: int, customer_id: int | None, limit: int = 6) -> list[dict]:
    """猜你喜欢 for a logged-in shopper; the shop's best sellers for anyone the job knows nothing about yet."""
    picked = _read(session, shop_id, ("for_you",), [customer_id], limit)["for_you"] if customer_id else []
    if not picked:
        picked = _best_sellers(session, shop_id, limit)
    summaries = _summaries(session, shop_id, picked)
    return [summaries[i] for i in picked if i in summaries][:limit]


def product_ids(session: Session, shop_id: int, kind: str, subject_id: int) -> list[int]:
    """The ranked ids as the job wrote them (for tests and the API's plain lists)."""
    return _read(session, shop_id, (kind,), [subject_id], PER_SUBJECT)[kind]


# The job's arithmetic ---------------------------------------------------------------------------

def _active_products(session: Session, shop_id: int) -> dict[int, str]:
    """id → the text TF-IDF reads: title, category names (twice: a category says much) and tags."""
    rows = session.exec(select(Product.id, Product.title, Product.tags).where(
        Product.shop_id == shop_id, Product.status == "active").order_by(Product.id)).all()
    names: dict[int, list[str]] = defaultdict(list)
    for product_id, name in session.exec(
        select(ProductCategory.product_id, Category.name).join(Category, Category.id == ProductCategory.category_id)
        .where(ProductCategory.shop_id == shop_id)
    ).all():
        names[product_id].append(name)
    return {pid: " ".join([title, *names[pid], *names[pid], *[str(t) for t in tags or []]]) for pid, title, tags in rows}


def _paid_baskets(session: Session, shop_id: int) -> dict[int, tuple[int | None, set[int]]]:
    """order id → (customer id, the products it paid for), gifts left out."""
    baskets: dict[int, tuple[int | None, set[int]]] = {}
    for order_id, customer_id, product_id in session.exec(
        select(Order.id, Order.customer_id, OrderItem.product_id).join(OrderItem, OrderItem.order_id == Order.id)
        .where(Order.shop_id == shop_id, OrderItem.shop_id == shop_id, Order.paid_at.is_not(None),
               Order.status.not_in(_UNPAID), OrderItem.gift.is_(False))
    ).all():
        baskets.setdefault(order_id, (customer_id, set()))[1].add(product_id)
    return baskets


def _bought_together(baskets, active: set[int]) -> dict[int, list[tuple[int, int]]]:
    pairs: dict[int, Counter] = defaultdict(Counter)
    for _, items in baskets.values():
        for one in items:
            for other in items:
                if one != other and other in active:
                    pairs[one][other] += 1
    return {pid: sorted(((o, n * 1000) for o, n in counts.items()), key=lambda x: (-x[1], x[0])) for pid, counts in pairs.items()}


def _similar(products: dict[int, str]) -> dict[int, list[tuple[int, int]]]:
    if len(products) < 2:
        return {}
    import numpy as np  # imported here: only the job needs them
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import linear_kernel

    ids = list(products)
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True).fit_transform(products.values())
    found = {}
    # A block of rows at a time against the whole catalogue: memory stays near SIMILARITY_CELLS floats however
    # many products the shop has (20 000 products at once would be 400 million).
    block = max(1, SIMILARITY_CELLS // len(ids))
    for first in range(0, len(ids), block):
        scores = linear_kernel(matrix[first:first + block], matrix)
        for offset, row in enumerate(scores):
            me = first + offset
            row[me] = -1.0
            keep = min(PER_SUBJECT, len(ids) - 1)
            top = np.argpartition(-row, keep - 1)[:keep]
            ranked = sorted(((ids[col], float(row[col])) for col in top if row[col] >= MIN_SIMILARITY), key=lambda x: (-x[1], x[0]))
            found[ids[me]] = [(other, round(score * 1000)) for other, score in ranked]
    return found


def _for_you(session: Session, shop_id: int, baskets, together, similar, active: set[int]) -> dict[int, list[tuple[int, int]]]:
    interest: dict[int, Counter] = defaultdict(Counter)
    bought: dict[int, set[int]] = defaultdict(set)
    for customer_id, items in baskets.values():
        if customer_id:
            for pid in items:
                interest[customer_id][pid] += BOUGHT_WEIGHT
                bought[customer_id].add(pid)
    for customer_id, product_id in session.exec(
        select(Order.customer_id, VisitEvent.product_id)
        .join(OrderVisit, OrderVisit.order_id == Order.id)
        .join(VisitEvent, (VisitEvent.shop_id == OrderVisit.shop_id) & (VisitEvent.visitor_id == OrderVisit.visitor_id))
        .where(Order.shop_id == shop_id, Order.customer_id.is_not(None), OrderVisit.visitor_id != "",
               VisitEvent.type == "product_view", VisitEvent.product_id.is_not(None))
    ).all():
        interest[customer_id][product_id] += VIEWED_WEIGHT
    found = {}
    for customer_id, liked in interest.items():
        scores: Counter = Counter()
        for pid, weight in liked.items():
            for other, score in together.get(pid, []) + similar.get(pid, []):
                scores[other] += weight * score
        ranked = [(pid, s) for pid, s in sorted(scores.items(), key=lambda x: (-x[1], x[0]))
                  if pid in active and pid not in bought[customer_id]]
        if ranked:
            found[customer_id] = ranked
    return found


# Reading ---------------------------------------------------------------------------------------

def _read(session: Session, shop_id: int, kinds: tuple[str, ...], subjects: list, limit: int) -> dict[str, list[int]]:
    ranked: dict[str, list[int]] = {kind: [] for kind in kinds}
    if not subjects:
        return ranked
    for kind, product_id in session.exec(
        select(Recommendation.kind, Recommendation.product_id).where(
            Recommendation.shop_id == shop_id, Recommendation.kind.in_(kinds), Recommendation.subject_id.in_(subjects),
            Recommendation.rank < limit)
        .order_by(Recommendation.rank, Recommendation.id)
    ).all():
        if product_id not in ranked[kind]:
            ranked[kind].append(product_id)
    return ranked


def _summaries(session: Session, shop_id: int, ids: list[int]) -> dict[int, dict]:
    if not ids:
        return {}
    rows = session.exec(select(Product).where(Product.shop_id == shop_id, Product.status == "active", Product.id.in_(ids))).all()
    return {item["id"]: item for item in views.product_summaries(session, shop_id, list(rows))}


def _best_sellers(session: Session, shop_id: int, limit: int) -> list[int]:
    units = func.sum(OrderItem.qty)
    return list(session.exec(
        select(OrderItem.product_id).join(Order, Order.id == OrderItem.order_id)
        .where(OrderItem.shop_id == shop_id, Order.shop_id == shop_id, Order.paid_at.is_not(None))
        .group_by(OrderItem.product_id).order_by(units.desc(), OrderItem.product_id).limit(limit)
    ).all())
