"""Product search: each product's search document, and the one product list query every door uses.

How Chinese is found without a dictionary: text is cut into Latin words and, inside runs of CJK
characters, overlapping pairs of characters (西湖龙井绿茶 → 西湖 湖龙 龙井 井绿 绿茶 茶; the run's
last character stands alone so a one-character query has a term to start from). A query is cut
the same way, each CJK run becoming a phrase of its pairs, so 龙井 and 绿茶 find 西湖龙井绿茶 and
红茶 does not. Pairs need no word list, never miss a word a dictionary lacks (brand and tea
names), and work the same on SQLite FTS5 and PostgreSQL; the price is some noise from pairs that
straddle two words, which the phrase match and ranking keep low.

The terms are kept in `product_search` (models/search.py); the full-text index over them is made
with raw SQL, by the migration and by `ensure_search_objects`:
- SQLite: a contentless FTS5 table (rowid = product id) fed by triggers on product_search, ranked
  with bm25, the title weighing ten times the body;
- PostgreSQL: a generated tsvector column with a GIN index, ranked with ts_rank (title weight A,
  body D). The 'simple' parser only ever sees our space-separated terms, so its locale never
  matters.
Both carry the shop as a term of its own (FTS5: a `shop` column holding "s<id>"; PostgreSQL: a
"#<id>" lexeme no query term can spell), so the index itself keeps to one shop: a small shop's
search never walks a big shop's matches.

Prices, stock, status and categories are read live from the catalogue, never copied here: they
change through bulk edits and sales, which never touch this index.
"""

from __future__ import annotations

import html
import re
import unicodedata

from sqlalchemy import cast, column, delete, func, insert, literal_column, table, text
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from shopapp.models import Product, ProductCategory, ProductSearch, Variant
from shopapp.services import catalog
from shopapp.services.errors import require_fields

SORTS = ("relevance", "newest", "price_asc", "price_desc", "title")
MAX_QUERY_LENGTH = 200
# A query of more groups than this is cut: each one is another posting list to intersect.
MAX_QUERY_GROUPS = 12
# The first characters of a description say what the product is; indexing a 100 000-character
# description in full would only add noise and index size.
DESCRIPTION_CHARS = 3000
MAX_TERM_LENGTH = 64
REINDEX_BATCH = 1000

FTS_TABLE = "product_search_fts"
PG_VECTOR_INDEX = "ix_product_search_document"
# The raw SQL that makes the full-text index. The migration c2d3e4f5a6b7 holds its own copy (a
# migration must not change when this module does); keep the two in step.
SQLITE_OBJECTS = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "shop, title, body, content='', tokenize='unicode61 remove_diacritics 0')",
    f"""CREATE TRIGGER IF NOT EXISTS product_search_fts_insert AFTER INSERT ON product_search BEGIN
        INSERT INTO {FTS_TABLE}(rowid, shop, title, body)
        VALUES (new.product_id, 's' || new.shop_id, new.title_terms, new.body_terms);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS product_search_fts_delete AFTER DELETE ON product_search BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, shop, title, body)
        VALUES ('delete', old.product_id, 's' || old.shop_id, old.title_terms, old.body_terms);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS product_search_fts_update AFTER UPDATE ON product_search BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, shop, title, body)
        VALUES ('delete', old.product_id, 's' || old.shop_id, old.title_terms, old.body_terms);
        INSERT INTO {FTS_TABLE}(rowid, shop, title, body)
        VALUES (new.product_id, 's' || new.shop_id, new.title_terms, new.body_terms);
    END""",
)
POSTGRESQL_OBJECTS = (
    """ALTER TABLE product_search ADD COLUMN IF NOT EXISTS document tsvector GENERATED ALWAYS AS (
        array_to_tsvector(ARRAY['#' || shop_id::text])
        || setweight(to_tsvector('simple'::regconfig, title_terms), 'A')
        || to_tsvector('simple'::regconfig, body_terms)
    ) STORED""",
    f"CREATE INDEX IF NOT EXISTS {PG_VECTOR_INDEX} ON product_search USING gin (document)",
)

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
# A CJK run, or a run of any other letters and digits (Latin words, numbers, SKU parts).
_RUNS = re.compile(f"([{_CJK}]+)|([^\\W_{_CJK}]+)")
_TAGS = re.compile(r"<[^>]*>")


# Keeping the index ----------------------------------------------------------------------------

def index_product(session: Session, product_id: int) -> None:
    """Bring one product's search document up to date; a deleted product's goes away."""
    session.exec(delete(ProductSearch).where(ProductSearch.product_id == product_id))
    shop_id = session.exec(select(Product.shop_id).where(Product.id == product_id)).first()
    if shop_id is not None:
        _insert_documents(session, shop_id, [product_id])


def index_products(session: Session, shop_id: int, product_ids: list[int]) -> None:
    """index_product for many products of one shop at once (the CSV import creates thousands)."""
    for start in range(0, len(product_ids), REINDEX_BATCH):
        batch = product_ids[start:start + REINDEX_BATCH]
        session.exec(delete(ProductSearch).where(ProductSearch.shop_id == shop_id, ProductSearch.product_id.in_(batch)))
        _insert_documents(session, shop_id, batch)


def reindex_shop(session: Session, shop_id: int) -> int:
    """Rebuild every search document of the shop (after a bulk import or a tokeniser change);
    returns how many products are indexed."""
    session.exec(delete(ProductSearch).where(ProductSearch.shop_id == shop_id))
    product_ids = session.exec(select(Product.id).where(Product.shop_id == shop_id).order_by(Product.id)).all()
    for start in range(0, len(product_ids), REINDEX_BATCH):
        _insert_documents(session, shop_id, product_ids[start:start + REINDEX_BATCH])
    return len(product_ids)


def ensure_search_objects(engine: Engine) -> None:
    """Make the full-text index on a database built by `SQLModel.metadata.create_all` (the test
    suite) rather than by the migrations; does nothing where it already exists."""
    statements = SQLITE_OBJECTS if engine.dialect.name == "sqlite" else POSTGRESQL_OBJECTS
    with engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


def is_search_object(type_: str, name: str | None, table_name: str | None = None) -> bool:
    """The objects only raw SQL makes, which Alembic's comparison with the models must skip:
    the FTS5 table with its shadow tables, the tsvector column and its GIN index."""
    if type_ == "table":
        return bool(name) and name.startswith(FTS_TABLE)
    if type_ == "column":
        return table_name == "product_search" and name == "document"
    return type_ == "index" and name == PG_VECTOR_INDEX


def document_terms(text_: str) -> str:
    """Text as the index stores it: Latin words and overlapping CJK pairs, space-separated."""
    terms: list[str] = []
    for is_cjk, run in _runs(text_):
        terms.extend(_pairs(run) + [run[-1]] if is_cjk else [run])
    return " ".join(terms)


def plain_text(description_html: str) -> str:
    """A description's words without its markup (tags become spaces so words stay apart)."""
    return html.unescape(_TAGS.sub(" ", description_html or ""))


# Searching ------------------------------------------------------------------------------------

def search_products(
    session: Session, shop_id: int, *, q: str | None = None, status: str | None = None, active_only: bool = False,
    category_id: int | None = None, price_min: int | None = None, price_max: int | None = None,
    in_stock: bool | None = None, sort: str = "relevance", page: int = 1, per_page: int = 50,
) -> tuple[list[dict], int]:
    """One page of product summaries (as `catalog.product_summaries`) and how many match in all.

    `q` matches titles, descriptions and SKUs; without it every product is listed. `relevance`
    is the best match first, or the most recently changed first when there is no `q`. Prices
    are in 分: a product matches a price range when one of its variants for sale is in it, and
    price sorts use its lowest price. `active_only` is the storefront's view.
    """
    status = "active" if active_only else status
    _check_filters(q, status, category_id, price_min, price_max, in_stock, sort)
    query = select(Product.id).where(Product.shop_id == shop_id)
    score = None
    if q and q.strip():
        groups = _query_groups(q)
        if not groups:
            return [], 0  # only punctuation: nothing to look for
        hits = _hits(session, shop_id, groups)
        query = query.join(hits, hits.c.product_id == Product.id)
        score = hits.c.score
    query = _filtered(query, shop_id, status, category_id, price_min, price_max, in_stock)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    per_page = max(1, min(per_page, catalog.MAX_PER_PAGE))
    page_ids = session.exec(
        query.order_by(*_order(sort, score, shop_id)).offset((max(1, page) - 1) * per_page).limit(per_page)
    ).all()
    products = {p.id: p for p in session.exec(select(Product).where(Product.id.in_(page_ids))).all()}
    return catalog.product_summaries(session, shop_id, [products[i] for i in page_ids]), total


# Helpers: documents ---------------------------------------------------------------------------

def _insert_documents(session: Session, shop_id: int, product_ids: list[int]) -> None:
    products = session.exec(
        select(Product.id, Product.title, Product.description_html)
        .where(Product.shop_id == shop_id, Product.id.in_(product_ids))
    ).all()
    codes: dict[int, list[str]] = {}
    for product_id, sku, barcode in session.exec(
        select(Variant.product_id, Variant.sku, Variant.barcode)
        .where(Variant.shop_id == shop_id, Variant.product_id.in_(product_ids))
        .order_by(Variant.product_id, Variant.position, Variant.id)
    ).all():
        codes.setdefault(product_id, []).extend(code for code in (sku, barcode) if code)
    rows = [
        {
            "product_id": product_id, "shop_id": shop_id, "title_terms": document_terms(title),
            # Codes first: a long description is cut, the SKUs never are.
            "body_terms": document_terms(" ".join(codes.get(product_id, [])) + " " + plain_text(description)[:DESCRIPTION_CHARS]),
        }
        for product_id, title, description in products
    ]
    if rows:
        session.connection().execute(insert(ProductSearch.__table__), rows)


def _runs(text_: str) -> list[tuple[bool, str]]:
    """(is it CJK, the run) for every run of letters or digits; full-width forms and case folded."""
    folded = unicodedata.normalize("NFKC", text_ or "").casefold()
    return [(bool(match.group(1)), match.group(0)[:MAX_TERM_LENGTH]) for match in _RUNS.finditer(folded)]


def _pairs(run: str) -> list[str]:
    return [run[i:i + 2] for i in range(len(run) - 1)]


# Helpers: queries -----------------------------------------------------------------------------

def _check_filters(q, status, category_id, price_min, price_max, in_stock, sort) -> None:
    errors: dict[str, str] = {}
    if q is not None and not isinstance(q, str):
        errors["q"] = "must_be_text"
    elif q and len(q) > MAX_QUERY_LENGTH:
        errors["q"] = "too_long"
    if status and status not in catalog.STATUSES:
        errors["status"] = "status_invalid"
    if category_id is not None and not _is_whole(category_id):
        errors["category_id"] = "invalid"
    for field, value in (("price_min", price_min), ("price_max", price_max)):
        if value is not None and not _is_whole(value):
            errors[field] = "must_be_whole_number"
        elif value is not None and value < 0:
            errors[field] = "price_negative"
    if not errors.keys() & {"price_min", "price_max"} and None not in (price_min, price_max) and price_min > price_max:
        errors["price_max"] = "price_range_invalid"
    if in_stock not in (None, True, False):
        errors["in_stock"] = "invalid"
    if sort not in SORTS:
        errors["sort"] = "sort_invalid"
    require_fields(errors)


def _is_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _query_groups(q: str) -> list[tuple[list[str], bool]]:
    """The query as groups that must all match: (terms that follow each other, is the last one a
    prefix). A CJK run is the phrase of its pairs; a lone CJK character is a prefix of any term;
    the last Latin word is a prefix too (people search while typing: "drag" → dragon, "LJ-25" → LJ-250)."""
    runs = _runs(q)[:MAX_QUERY_GROUPS]
    groups = []
    for i, (is_cjk, run) in enumerate(runs):
        if is_cjk and len(run) > 1:
            groups.append((_pairs(run), False))
        else:
            groups.append(([run], is_cjk or (i == len(runs) - 1 and len(run) >= 2)))
    return groups


def _hits(session: Session, shop_id: int, groups: list[tuple[list[str], bool]]):
    """The shop's products matching every group, with a score where lower is better."""
    if session.get_bind().dialect.name == "sqlite":
        return _fts5_hits(shop_id, groups)
    return _postgresql_hits(shop_id, groups)


def _fts5_hits(shop_id: int, groups):
    fts = table(FTS_TABLE, column("rowid"))
    phrases = " AND ".join('"' + " ".join(terms) + '"' + (" *" if prefix else "") for terms, prefix in groups)
    match = f"shop : s{shop_id} AND {{title body}} : ({phrases})"
    # bm25 is lower for better matches; the shop column weighs nothing.
    rank = func.bm25(literal_column(FTS_TABLE), 0.0, 10.0, 1.0)
    return (
        select(fts.c.rowid.label("product_id"), rank.label("score"))
        .where(text(f"{FTS_TABLE} MATCH :match").bindparams(match=match))
        .subquery("hits")
    )


def _postgresql_hits(shop_id: int, groups):
    terms = " & ".join(
        "(" + " <-> ".join(f"'{term}'" for term in terms) + (":*" if prefix else "") + ")" for terms, prefix in groups
    )
    words = func.to_tsquery(literal_column("'simple'::regconfig"), terms)
    document = literal_column("product_search.document")
    in_shop = cast(f"'#{shop_id}'", TSQUERY).op("&&")(words)
    return (
        select(ProductSearch.product_id, (-func.ts_rank(document, words)).label("score"))
        .where(document.op("@@")(in_shop))
        .subquery("hits")
    )


def _filtered(query, shop_id, status, category_id, price_min, price_max, in_stock):
    if status:
        query = query.where(Product.status == status)
    if category_id is not None:
        query = query.where(Product.id.in_(
            select(ProductCategory.product_id)
            .where(ProductCategory.shop_id == shop_id, ProductCategory.category_id == category_id)
        ))
    if price_min is not None or price_max is not None:
        priced = _for_sale(shop_id)
        if price_min is not None:
            priced = priced.where(Variant.price >= price_min)
        if price_max is not None:
            priced = priced.where(Variant.price <= price_max)
        query = query.where(priced.exists())
    if in_stock is not None:
        stocked = _for_sale(shop_id).where(Variant.stock > 0).exists()
        query = query.where(stocked if in_stock else ~stocked)
    return query


def _for_sale(shop_id: int):
    """The enabled variants of the product in the outer query."""
    return select(Variant.id).where(
        Variant.shop_id == shop_id, Variant.product_id == Product.id, Variant.enabled.is_(True),
    )


def _order(sort: str, score, shop_id: int) -> list:
    if sort in ("price_asc", "price_desc"):
        lowest = (
            select(func.min(Variant.price))
            .where(Variant.shop_id == shop_id, Variant.product_id == Product.id, Variant.enabled.is_(True))
            .scalar_subquery()
        )
        # Products with nothing for sale have no price: they come last either way.
        price = lowest.asc() if sort == "price_asc" else lowest.desc()
        return [price.nulls_last(), Product.id.desc()]
    if sort == "newest":
        return [Product.created_at.desc(), Product.id.desc()]
    if sort == "title":
        return [Product.title, Product.id]
    if score is not None:
        return [score, Product.id.desc()]
    return [Product.updated_at.desc(), Product.id.desc()]
