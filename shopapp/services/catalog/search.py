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
  with bm25;
- PostgreSQL: a generated tsvector column with a GIN index, ranked with ts_rank (title weight A,
  body D). The 'simple' parser only ever sees our space-separated terms, so its locale never
  matters.
In both, every term carries its shop ("龙井" of shop 7 is indexed as "s7x龙井"), so each shop has
posting lists of its own: a search never walks another shop's matches, a one-character prefix
query only expands the shop's own terms, and bm25's word statistics are the shop's.

The product's status, and whether it is in stock, are in the index too (PostgreSQL: the lexemes
'!active' and '!stock', which the parser can never make from a word; SQLite: the terms of the FTS5
column `status`), so the storefront's "active, in stock" search is an intersection of posting
lists and never reads a product row per match. On PostgreSQL the product's lowest price is beside
them (product_search.min_price, indexed with the shop), so a price range is one more bitmap the
database ANDs with the words' before it reads a row. A trigger on product copies all three to
product_search whenever they change, whoever changes them (bulk edits change statuses; sales,
restocks and price edits change in_stock and min_price through inventory.refresh_products).
"Not in stock", price sorts and, on SQLite, price ranges read the product row's summary of its
variants (min_price, in_stock), in order from the indexes (shop_id, [status,] min_price, id);
categories are read live.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import cast, column, delete, func, insert, literal_column, table, text
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from shopapp.models import Category, Product, ProductCategory, ProductSearch, Variant
from shopapp.services.catalog import views
from shopapp.services.core.errors import Invalid, require_fields
from shopapp.services.core.money import parse_money
from shopapp.services.core.paging import page_size, page_start

SORTS = ("relevance", "newest", "price_asc", "price_desc", "title")
PRICE_SORTS = ("price_asc", "price_desc")
MAX_QUERY_LENGTH = 200
# A query of more groups than this is cut: each one is another posting list to intersect.
MAX_QUERY_GROUPS = 12
# The first characters of a description say what the product is; indexing a 100 000-character
# description in full would only add noise and index size.
DESCRIPTION_CHARS = 3000
MAX_TERM_LENGTH = 64
# Matches scored one by one; a broader search is ordered by the index (see _search_page).
RANK_LIMIT = 2000
# A search's total stops here ("10 000 or more"), as Elasticsearch's does: counting every one of
# 90 000 matches costs PostgreSQL a heap visit each, and nobody pages that far.
MAX_COUNTED = 10_000
REINDEX_BATCH = 1000

FTS_TABLE = "product_search_fts"
PG_VECTOR_INDEX = "ix_product_search_document"
# Copies the product's status, in_stock and min_price to its search document (revision 4d5e6f708192
# renamed it from product_search_follows_status when the other two joined the status).
PRODUCT_TRIGGER = "product_search_follows_product"
# A product in stock has this term beside its status (no status is called "stock").
IN_STOCK = "stock"


def _in_shop(terms: str, shop_id: str) -> str:
    """SQL putting the shop in front of every term: '龙井 绿茶' of shop 7 → 's7x龙井 s7x绿茶'."""
    prefix = f"'s' || {shop_id} || 'x'"
    return f"CASE WHEN {terms} = '' THEN '' ELSE {prefix} || replace({terms}, ' ', ' ' || {prefix}) END"


def _fts_row(row: str) -> str:
    shop_id = f"{row}.shop_id"
    terms = f"{_in_shop(f'{row}.title_terms', shop_id)}, {_in_shop(f'{row}.body_terms', shop_id)}"
    # The FTS5 column `status` holds the status and, for a product in stock, IN_STOCK too.
    status = f"{row}.status || CASE WHEN {row}.in_stock THEN ' {IN_STOCK}' ELSE '' END"
    return f"{row}.product_id, {terms}, {_in_shop(status, shop_id)}"


# The raw SQL that makes the full-text index. The migrations c2d3e4f5a6b7 and 4d5e6f708192 hold their
# own copies (a migration must not change when this module does); keep the latest in step.
SQLITE_OBJECTS = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "title, body, status, content='', tokenize='unicode61 remove_diacritics 0')",
    f"""CREATE TRIGGER IF NOT EXISTS product_search_fts_insert AFTER INSERT ON product_search BEGIN
        INSERT INTO {FTS_TABLE}(rowid, title, body, status) VALUES ({_fts_row("new")});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS product_search_fts_delete AFTER DELETE ON product_search BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body, status)
        VALUES ('delete', {_fts_row("old")});
    END""",
    # Only a change of what the FTS5 table holds rewrites its entry (not a new min_price).
    f"""CREATE TRIGGER IF NOT EXISTS product_search_fts_update
        AFTER UPDATE OF title_terms, body_terms, status, in_stock ON product_search BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body, status)
        VALUES ('delete', {_fts_row("old")});
        INSERT INTO {FTS_TABLE}(rowid, title, body, status) VALUES ({_fts_row("new")});
    END""",
    # Only a real change rewrites the document (inventory.refresh_products sets in_stock after
    # every sale, nearly always to what it was).
    f"""CREATE TRIGGER IF NOT EXISTS {PRODUCT_TRIGGER} AFTER UPDATE OF status, in_stock, min_price ON product
        WHEN old.status IS NOT new.status OR old.in_stock IS NOT new.in_stock OR old.min_price IS NOT new.min_price
        BEGIN
        UPDATE product_search SET status = new.status, in_stock = new.in_stock, min_price = new.min_price
        WHERE product_id = new.id;
    END""",
)
POSTGRESQL_OBJECTS = (
    # The status and IN_STOCK are lexemes the parser can never make from a word ("!active").
    f"""ALTER TABLE product_search ADD COLUMN IF NOT EXISTS document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, {_in_shop("title_terms", "shop_id::text")}), 'A')
        || to_tsvector('simple'::regconfig, {_in_shop("body_terms", "shop_id::text")})
        || array_to_tsvector(CASE WHEN in_stock THEN ARRAY['!' || status, '!{IN_STOCK}'] ELSE ARRAY['!' || status] END)
    ) STORED""",
    f"CREATE INDEX IF NOT EXISTS {PG_VECTOR_INDEX} ON product_search USING gin (document)",
    f"""CREATE OR REPLACE FUNCTION {PRODUCT_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE product_search SET status = NEW.status, in_stock = NEW.in_stock, min_price = NEW.min_price
        WHERE product_id = NEW.id;
        RETURN NULL;
    END $$""",
    f"DROP TRIGGER IF EXISTS {PRODUCT_TRIGGER} ON product",
    # Only a real change rewrites the document and its index entries (inventory.refresh_products
    # sets in_stock after every sale, nearly always to what it was).
    f"""CREATE TRIGGER {PRODUCT_TRIGGER} AFTER UPDATE OF status, in_stock, min_price ON product FOR EACH ROW
        WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.in_stock IS DISTINCT FROM NEW.in_stock
              OR OLD.min_price IS DISTINCT FROM NEW.min_price)
        EXECUTE FUNCTION {PRODUCT_TRIGGER}()""",
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


def reindex_category(session: Session, shop_id: int, category_id: int) -> None:
    """Bring the documents of a category's products up to date (its name is in them): after a
    rename, or before its links go."""
    product_ids = session.exec(
        select(ProductCategory.product_id)
        .where(ProductCategory.shop_id == shop_id, ProductCategory.category_id == category_id)
        .order_by(ProductCategory.product_id)
    ).all()
    index_products(session, shop_id, list(product_ids))


def reindex_shop(session: Session, shop_id: int) -> int:
    """Rebuild every search document of the shop (after a bulk import or a tokeniser change);
    returns how many products are indexed."""
    session.exec(delete(ProductSearch).where(ProductSearch.shop_id == shop_id))
    product_ids = session.exec(select(Product.id).where(Product.shop_id == shop_id).order_by(Product.id)).all()
    for start in range(0, len(product_ids), REINDEX_BATCH):
        _insert_documents(session, shop_id, product_ids[start:start + REINDEX_BATCH])
    return len(product_ids)


def ensure_search_objects(engine: Engine) -> None:
    """Make the full-text index and its triggers where they are missing: on a database built by
    `SQLModel.metadata.create_all` (the test suite), or after migrations (SQLite's batch mode
    drops a rebuilt table's triggers). Changes nothing that exists."""
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

    `q` matches titles, descriptions, SKUs, category names and tags; without it every product is listed and the total
    is exact; with it the total stops at MAX_COUNTED ("10 000 or more"). `relevance` puts title
    matches before the rest (see `_search_page`), or is the most recently changed first when
    there is no `q`; `newest` is the most recently created first. Prices are in 分: a product's
    price is its lowest price for sale, which a price range matches and price sorts order by
    (equal prices oldest first going up, newest first going down; products with nothing for sale
    come last). `in_stock`: some variant can be bought now. `active_only` is the storefront's view.
    """
    status = "active" if active_only else status
    _check_filters(q, status, category_id, price_min, price_max, in_stock, sort)
    groups = _query_groups(q) if q and q.strip() else None
    if groups == []:
        return [], 0  # only punctuation: nothing to look for
    _plan_for_search(session, True)
    per_page = page_size(per_page)
    offset = page_start(page, per_page)

    filters = (status, category_id, price_min, price_max, in_stock)

    def narrowed(query):
        query = query.where(Product.shop_id == shop_id)
        return _filtered(query, shop_id, *filters)

    if groups:
        # The status, "in stock" and (PostgreSQL) the price are in the index: with no other
        # filter, the index alone says what matches (a product row costs a microsecond to read,
        # the index's thousands of matches far less).
        postgresql = session.get_bind().dialect.name == "postgresql"
        priced = price_min is not None or price_max is not None
        in_index = category_id is None and in_stock in (None, True) and (postgresql or not priced)
        words = _Words(postgresql, shop_id, groups, status, in_stock is True, (price_min, price_max) if postgresql else (None, None))
        page_ids, total = _search_page(session, words, narrowed, in_index, priced, sort, offset, per_page)
    else:
        query = narrowed(select(Product.id))
        if category_id is not None:
            total = _count_all(session, _in_category(session, shop_id, *filters))
        else:
            total = _count_all(session, query)
        if sort in PRICE_SORTS:
            page_ids = _priced_first(session, query, sort, offset, per_page)
        else:
            page_ids = _ids(session, query.order_by(*_order(sort, Product.id)), offset, per_page)
    # The shop again (the index is the shop's own; this keeps it so even if it ever were not),
    # checked here: in the WHERE clause it led SQLite to walk the shop's index instead of the ids.
    found = session.exec(select(Product).where(Product.id.in_(page_ids))).all()
    products = {
        p.id: p for p in found if p.shop_id == shop_id and status in (None, p.status) and in_stock in (None, p.in_stock)
    }
    _plan_for_search(session, False)
    return views.product_summaries(session, shop_id, [products[i] for i in page_ids if i in products]), total


def price_range(lowest: str, highest: str) -> tuple[int | None, int | None]:
    """A price filter as people type it, in yuan ("50", "¥199.5", or blank for no limit), as the
    (price_min, price_max) in 分 that search_products takes; Invalid names the field that is wrong."""
    errors: dict[str, str] = {}
    amounts: list[int | None] = []
    for field, text_ in (("price_min", lowest), ("price_max", highest)):
        try:
            amounts.append(parse_money(text_, field=field) if str(text_ or "").strip() else None)
        except Invalid as refused:
            errors.update(refused.fields)
            amounts.append(None)
    low, high = amounts
    if not errors and None not in (low, high) and low > high:
        errors["price_max"] = "price_range_invalid"
    require_fields(errors)
    return low, high


# Helpers: documents ---------------------------------------------------------------------------

def _insert_documents(session: Session, shop_id: int, product_ids: list[int]) -> None:
    products = session.exec(
        select(
            Product.id, Product.title, Product.description_html, Product.tags, Product.status, Product.in_stock,
            Product.min_price,
        ).where(Product.shop_id == shop_id, Product.id.in_(product_ids))
    ).all()
    codes: dict[int, list[str]] = {}
    for product_id, sku, barcode in session.exec(
        select(Variant.product_id, Variant.sku, Variant.barcode)
        .where(Variant.shop_id == shop_id, Variant.product_id.in_(product_ids))
        .order_by(Variant.product_id, Variant.position, Variant.id)
    ).all():
        codes.setdefault(product_id, []).extend(code for code in (sku, barcode) if code)
    # A shopper who searches 红茶 expects every product of the 红茶 category, and the owner's tags
    # (新品, 送礼) are words people search for too.
    labels: dict[int, list[str]] = {}
    for product_id, name in session.exec(
        select(ProductCategory.product_id, Category.name)
        .join(Category, Category.id == ProductCategory.category_id)
        .where(ProductCategory.shop_id == shop_id, ProductCategory.product_id.in_(product_ids))
        .order_by(ProductCategory.product_id, Category.id)
    ).all():
        labels.setdefault(product_id, []).append(name)
    rows = [
        {
            "product_id": product_id, "shop_id": shop_id, "status": status, "in_stock": in_stock, "min_price": min_price,
            "title_terms": document_terms(title),
            # Codes, categories and tags first: a long description is cut, they never are.
            "body_terms": document_terms(" ".join([
                *codes.get(product_id, []), *labels.get(product_id, []), *(tags or []),
                plain_text(description)[:DESCRIPTION_CHARS],
            ])),
        }
        for product_id, title, description, tags, status, in_stock, min_price in products
    ]
    if rows:
        session.connection().execute(insert(ProductSearch.__table__), rows)


def _runs(text_: str) -> list[tuple[bool, str]]:
    """(is it CJK, the run) for every run of letters or digits; full-width forms and case folded."""
    folded = unicodedata.normalize("NFKC", text_ or "").casefold()
    return [
        (True, match.group(0)) if match.group(1) else (False, match.group(0)[:MAX_TERM_LENGTH])
        for match in _RUNS.finditer(folded)
    ]


def _pairs(run: str) -> list[str]:
    return [run[i:i + 2] for i in range(len(run) - 1)]


# Helpers: queries -----------------------------------------------------------------------------

def _check_filters(q, status, category_id, price_min, price_max, in_stock, sort) -> None:
    errors: dict[str, str] = {}
    if q is not None and not isinstance(q, str):
        errors["q"] = "must_be_text"
    elif q and len(q) > MAX_QUERY_LENGTH:
        errors["q"] = "too_long"
    if status and status not in views.STATUSES:
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


def _plan_for_search(session: Session, searching: bool) -> None:
    """PostgreSQL's planner settings for this transaction's searches (`searching`), or back to
    its usual ones for whatever the transaction does next."""
    if session.get_bind().dialect.name != "postgresql":
        return
    if searching:
        # psycopg prepares a statement after five runs; PostgreSQL may then plan it once for every
        # search, but the best plan depends on the words and the shop (5 products or 100 000):
        # such a generic plan measured 300 times slower.
        session.connection().exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")
        # The default random_page_cost (4) prices a page the GIN index's matches are read from
        # as a disk seek, four times a page of the table read whole: when a quarter of the shop
        # matches, PostgreSQL then reads product_search whole, hoping to meet 10 000 matches early,
        # and evaluates every document on the way (30-40 ms for the storefront's 绿茶, where the
        # index names the matches: 14 ms). A search's pages are in memory: 1.1 says so, and the
        # table is still read whole when nearly every product matches (茶), where that is faster.
        session.connection().exec_driver_sql("SET LOCAL random_page_cost = 1.1")
    else:
        session.connection().exec_driver_sql("SET LOCAL plan_cache_mode = DEFAULT")
        session.connection().exec_driver_sql("SET LOCAL random_page_cost = DEFAULT")


def _search_page(
    session: Session, words: _Words, narrowed, in_index: bool, priced: bool, sort: str, offset: int, limit: int,
) -> tuple[list[int], int]:
    """The ids of one page of matches, and how many match (up to MAX_COUNTED).

    When every filter is in the index (`in_index`: none, the status, in stock, on PostgreSQL a
    price range), the index alone
    counts the matches, whatever the sort, and gives the page in the orders it knows (relevance,
    newest). Otherwise matches are read, and their products looked up, except where the products
    come first and the matches (collected once) only say which to keep: sorted by a product
    column (price, title), read in order from its index; and counted within a price range
    (`priced`), read from the price index.

    Relevance: up to RANK_LIMIT matches are all scored (bm25 on SQLite, ts_rank on PostgreSQL,
    a title word weighing a hundred times a description word) and the best come first. Scoring
    costs about a microsecond a match, too slow for "茶" in a tea shop of 100 000 products, so
    beyond that title matches come first and then the rest, each newest first: both databases
    read those in order from the index and stop after one page.
    """
    def matching(where: str, scored: bool = False, counting: bool = False, among: bool = False):
        hits = words.hits(where, scored)
        index_only = in_index and (counting or sort in ("relevance", "newest"))
        if counting and words.postgresql and index_only:
            # Told "LIMIT 10 000", PostgreSQL scans the table hoping to meet 10 000 matches
            # early (40 ms for 绿茶); planned apart, the GIN index finds them (10 ms). Joined
            # to the products, it walks both in id order and stops at 10 000, which is better.
            hits = hits.cte("hits").prefix_with("MATERIALIZED")
        else:
            hits = hits.subquery("hits")
        if index_only:
            return select(hits.c.product_id), hits
        if among:
            return narrowed(select(Product.id).where(Product.id.in_(select(hits.c.product_id)))), hits
        # "+ 0" on SQLite with a price range: it would walk the products in the range and run the
        # full-text query once for each (seconds); without a usable rowid it reads the matches
        # once and looks their products up instead.
        match_id = hits.c.product_id + 0 if priced and not words.postgresql else hits.c.product_id
        return narrowed(select(Product.id).join(hits, match_id == Product.id)), hits

    total = _count(session, matching("anywhere", counting=True, among=priced)[0])
    if offset >= total:
        return [], total
    if sort in PRICE_SORTS:
        return _priced_first(session, matching("anywhere", among=True)[0], sort, offset, limit), total
    if sort == "title":
        by_title = matching("anywhere", among=True)[0].order_by(*_order(sort, Product.id))
        return _ids(session, by_title, offset, limit), total
    everywhere, hits = matching("anywhere")
    if sort != "relevance":
        return _ids(session, everywhere.order_by(*_order(sort, hits.c.product_id)), offset, limit), total
    if total <= RANK_LIMIT < MAX_COUNTED:
        scored, hits = matching("anywhere", scored=True)
        return _ids(session, scored.order_by(hits.c.score, hits.c.product_id.desc()), offset, limit), total
    in_title, title_hits = matching("title")
    page_ids = _ids(session, in_title.order_by(title_hits.c.product_id.desc()), offset, limit)
    if len(page_ids) < limit:
        # The title matches end on this page, or before it (then counting them says where).
        if page_ids or not offset:
            title_total = offset + len(page_ids)
        else:
            title_total = _count(session, matching("title", counting=True)[0])
        rest, rest_hits = matching("elsewhere")
        page_ids += _ids(
            session, rest.order_by(rest_hits.c.product_id.desc()), max(0, offset - title_total), limit - len(page_ids),
        )
    return page_ids, total


def _count(session: Session, query) -> int:
    return session.exec(select(func.count()).select_from(query.limit(MAX_COUNTED).subquery())).one()


def _count_all(session: Session, query) -> int:
    return session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()


def _priced_first(session: Session, query, sort: str, offset: int, limit: int) -> list[int]:
    """A page of a price sort: the products with a price, in price order (read in order from the
    price index, forwards or backwards), then those with nothing for sale, newest first. Two
    queries, because "no price last" both ways is an order neither database's index can give."""
    ascending = sort == "price_asc"
    priced = query.where(Product.min_price.is_not(None)).order_by(
        *((Product.min_price.asc(), Product.id.asc()) if ascending else (Product.min_price.desc(), Product.id.desc()))
    )
    page_ids = _ids(session, priced, offset, limit)
    if len(page_ids) < limit:
        # The priced products end on this page, or before it (then counting them says where).
        priced_total = offset + len(page_ids) if page_ids or not offset else _count_all(session, priced)
        unpriced = query.where(Product.min_price.is_(None)).order_by(Product.id.desc())
        page_ids += _ids(session, unpriced, max(0, offset - priced_total), limit - len(page_ids))
    return page_ids


def _ids(session: Session, query, offset: int, limit: int) -> list[int]:
    return list(session.exec(query.offset(offset).limit(limit)).all())


@dataclass(frozen=True)
class _Words:
    """A query's words, for one shop and maybe one status, "in stock" and (PostgreSQL) a price
    range, as one database's index matches them."""

    postgresql: bool
    shop_id: int
    groups: list[tuple[list[str], bool]]
    status: str | None
    in_stock: bool
    prices: tuple[int | None, int | None]  # lowest, highest; PostgreSQL only

    def hits(self, where: str, scored: bool = False):
        """The products whose title and description together ("anywhere"), title ("title") or
        not title ("elsewhere") match every group; `scored` adds a score, lower is better."""
        return self._postgresql_hits(where, scored) if self.postgresql else self._fts5_hits(where, scored)

    def _fts5_hits(self, where: str, scored: bool):
        phrases = " AND ".join(
            '"' + " ".join(_shop_term(self.shop_id, term) for term in terms) + '"' + (" *" if prefix else "")
            for terms, prefix in self.groups
        )
        match = {
            "anywhere": f"{{title body}} : ({phrases})",
            "title": f"{{title}} : ({phrases})",
            "elsewhere": f"{{title body}} : ({phrases}) NOT {{title}} : ({phrases})",
        }[where]
        for mark in self._marks():
            match = f"status : {_shop_term(self.shop_id, mark)} AND ({match})"
        fts = table(FTS_TABLE, column("rowid"))
        columns = [fts.c.rowid.label("product_id")]
        if scored:
            # bm25 is lower for better matches; a title word weighs a hundred body words.
            columns.append(func.bm25(literal_column(FTS_TABLE), 100.0, 1.0, 0.0).label("score"))
        return select(*columns).where(text(f"{FTS_TABLE} MATCH :match").bindparams(match=match))

    def _postgresql_hits(self, where: str, scored: bool):
        words = {
            "anywhere": self._tsquery(), "title": self._tsquery("A"),
            "elsewhere": f"{self._tsquery()} & !({self._tsquery('A')})",
        }[where]
        match = _tsquery(words)
        for mark in self._marks():
            match = cast(f"'!{mark}'", TSQUERY).op("&&")(match)
        document = literal_column("product_search.document")
        columns = [ProductSearch.product_id]
        if scored:
            # Weights D, C, B, A: the body is D, the title A.
            weights = literal_column("'{0.01, 0.01, 0.01, 1.0}'::float4[]")
            columns.append((-func.ts_rank(weights, document, _tsquery(self._tsquery()))).label("score"))
        query = select(*columns).where(document.op("@@")(match))
        low, high = self.prices
        if low is not None or high is not None:
            # The shop's price index gives a bitmap the database ANDs with the words' (see above).
            query = query.where(ProductSearch.shop_id == self.shop_id)
        if low is not None:
            query = query.where(ProductSearch.min_price >= low)
        if high is not None:
            query = query.where(ProductSearch.min_price <= high)
        return query

    def _marks(self) -> list[str]:
        """The status and IN_STOCK terms asked for (see _fts_row and POSTGRESQL_OBJECTS)."""
        return ([self.status] if self.status else []) + ([IN_STOCK] if self.in_stock else [])

    def _tsquery(self, weight: str = "") -> str:
        """to_tsquery's syntax: 'a':A <-> 'b':*A is "a then b…", both in the title."""
        phrases = []
        for group, prefix in self.groups:
            marks = ["*" if prefix and i == len(group) - 1 else "" for i in range(len(group))]
            phrases.append(" <-> ".join(
                f"'{_shop_term(self.shop_id, term)}'" + (f":{mark}{weight}" if mark or weight else "")
                for term, mark in zip(group, marks)
            ))
        return " & ".join(f"({phrase})" for phrase in phrases)


def _tsquery(terms: str):
    return func.to_tsquery(literal_column("'simple'::regconfig"), terms)


def _shop_term(shop_id: int, term: str) -> str:
    """A term as the index holds it for one shop (see _in_shop)."""
    return f"s{shop_id}x{term}"


def _filtered(query, shop_id, status, category_id, price_min, price_max, in_stock):
    if status:
        query = query.where(Product.status == status)
    if category_id is not None:
        query = query.where(Product.id.in_(
            select(ProductCategory.product_id)
            .where(ProductCategory.shop_id == shop_id, ProductCategory.category_id == category_id)
        ))
    if price_min is not None:
        query = query.where(Product.min_price >= price_min)
    if price_max is not None:
        query = query.where(Product.min_price <= price_max)
    if in_stock is not None:
        query = query.where(Product.in_stock == in_stock)
    return query


def _in_category(session: Session, shop_id, status, category_id, price_min, price_max, in_stock):
    """The category's products, for counting: from its links, each product looked up by its id.

    A category link carries its product's shop, so with no other filter the links alone count
    the products. Otherwise SQLite would walk the shop's products (80 000 active ones) and look
    each up among the links (45 ms for the storefront's 绿茶); "+ 0" keeps it from the shop's
    indexes, so it starts from the links instead (15 ms). PostgreSQL hashes the two lists."""
    links = select(ProductCategory.product_id).where(
        ProductCategory.shop_id == shop_id, ProductCategory.category_id == category_id,
    )
    if (status, price_min, price_max, in_stock) == (None, None, None, None):
        return links
    sqlite = session.get_bind().dialect.name == "sqlite"
    query = links.join(Product, Product.id == ProductCategory.product_id)
    query = query.where((Product.shop_id + 0 if sqlite else Product.shop_id) == shop_id)
    return _filtered(query, shop_id, status, None, price_min, price_max, in_stock)


def _order(sort: str, product_id) -> list:
    """ORDER BY for a sort but the price ones (_priced_first); `product_id` is the column the
    database reads in order (the search index's, when there is a query), so "newest" needs no sort."""
    if sort == "newest":
        # Ids only grow (never reused): the newest product has the highest.
        return [product_id.desc()]
    if sort == "title":
        return [Product.title, product_id]
    return [Product.updated_at.desc(), product_id.desc()]
