"""Product search: Chinese and English words, SKUs, ranking, filters and sorts, one shop at a time."""

from __future__ import annotations

import pytest
from sqlmodel import select

from shopapp.models import ProductSearch
from shopapp.services.catalog import bulk, categories, products, search, views
from shopapp.services.core.errors import Invalid
from shopapp.services.inventory import ledger
from tests.conftest import make_shop


def _product(session, actor, title: str, *, price: int = 1000, stock: int = 10, sku: str | None = None, **fields):
    variant = {"price": price, "stock": stock, **({"sku": sku} if sku else {})}
    return products.create_product(session, actor, {"title": title, "status": "active", "variants": [variant], **fields})


def _titles(session, shop_id: int, **filters) -> list[str]:
    items, total = search.search_products(session, shop_id, **filters)
    assert total == len(items) or total > len(items) == filters.get("per_page")
    return [item["title"] for item in items]


def _refused(**filters) -> dict[str, str]:
    with pytest.raises(Invalid) as refused:
        search.search_products(None, 1, **filters)
    return refused.value.fields


def test_a_chinese_word_finds_a_longer_title(session, owner):
    _product(session, owner, "西湖龙井绿茶")
    _product(session, owner, "祁门红茶")
    assert _titles(session, owner.shop_id, q="龙井") == ["西湖龙井绿茶"]
    assert _titles(session, owner.shop_id, q="绿茶") == ["西湖龙井绿茶"]
    assert _titles(session, owner.shop_id, q="西湖龙井绿茶") == ["西湖龙井绿茶"]
    assert _titles(session, owner.shop_id, q="红茶") == ["祁门红茶"]
    assert _titles(session, owner.shop_id, q="龙井红茶") == []


def test_one_chinese_character_finds_every_title_containing_it(session, owner):
    _product(session, owner, "西湖龙井")
    _product(session, owner, "祁门红茶")
    assert _titles(session, owner.shop_id, q="井") == ["西湖龙井"]
    assert sorted(_titles(session, owner.shop_id, q="茶")) == ["祁门红茶"]
    assert _titles(session, owner.shop_id, q="湖") == ["西湖龙井"]


def test_words_of_a_query_must_all_match_in_any_order_and_script(session, owner):
    _product(session, owner, "Dragon Well 龙井 Green Tea")
    _product(session, owner, "Green Tea Cup")
    assert sorted(_titles(session, owner.shop_id, q="green tea")) == ["Dragon Well 龙井 Green Tea", "Green Tea Cup"]
    assert _titles(session, owner.shop_id, q="TEA 龙井") == ["Dragon Well 龙井 Green Tea"]
    # Full-width letters, as Chinese keyboards type them, are the same letters.
    assert _titles(session, owner.shop_id, q="ＤＲＡＧＯＮ") == ["Dragon Well 龙井 Green Tea"]
    # The last word is matched while it is being typed.
    assert _titles(session, owner.shop_id, q="drag") == ["Dragon Well 龙井 Green Tea"]
    assert _titles(session, owner.shop_id, q="cups") == []


def test_a_sku_or_part_of_it_finds_its_product(session, owner):
    _product(session, owner, "西湖龙井", sku="LJ-2024-250")
    _product(session, owner, "祁门红茶", sku="QM-2024-100")
    assert _titles(session, owner.shop_id, q="LJ-2024-250") == ["西湖龙井"]
    assert _titles(session, owner.shop_id, q="lj-2024") == ["西湖龙井"]
    assert sorted(_titles(session, owner.shop_id, q="2024")) == ["祁门红茶", "西湖龙井"]


def test_descriptions_are_searched_without_their_markup(session, owner):
    _product(session, owner, "明前茶", description_html="<p>产自<strong>西湖</strong>龙井村</p><p>Hand&nbsp;picked</p>")
    assert _titles(session, owner.shop_id, q="龙井村") == ["明前茶"]
    assert _titles(session, owner.shop_id, q="hand picked") == ["明前茶"]
    assert _titles(session, owner.shop_id, q="strong") == []


def test_a_title_match_ranks_above_a_description_only_match(session, owner):
    _product(session, owner, "紫砂壶", description_html="<p>泡龙井最好的壶</p>")
    _product(session, owner, "狮峰龙井")
    _product(session, owner, "茶杯", description_html="<p>适合龙井，也适合红茶</p>")
    titles = _titles(session, owner.shop_id, q="龙井")
    assert titles[0] == "狮峰龙井"
    assert sorted(titles[1:]) == ["紫砂壶", "茶杯"]


def test_a_broad_search_lists_title_matches_first_then_newest_and_counts_up_to_a_limit(session, owner, monkeypatch):
    # Scoring every match is kept for narrow searches; past RANK_LIMIT the index's order is used.
    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    monkeypatch.setattr(search, "MAX_COUNTED", 4)
    for title, description in (("龙井 1", ""), ("茶杯", "<p>泡龙井</p>"), ("龙井 2", ""), ("茶盘", "<p>龙井</p>"), ("龙井 3", "")):
        _product(session, owner, title, description_html=description, status="draft" if title == "龙井 2" else "active")
    first, total = search.search_products(session, owner.shop_id, q="龙井", per_page=2)
    second, _ = search.search_products(session, owner.shop_id, q="龙井", per_page=2, page=2)
    assert total == 4  # "4 or more"
    assert [i["title"] for i in first + second] == ["龙井 3", "龙井 2", "龙井 1", "茶盘"]
    assert _titles(session, owner.shop_id, q="龙井", per_page=1, page=4) == ["茶盘"]
    assert search.search_products(session, owner.shop_id, q="龙井", per_page=2, page=3) == ([], 4)
    assert _titles(session, owner.shop_id, q="龙井", active_only=True) == ["龙井 3", "龙井 1", "茶盘", "茶杯"]


def test_a_query_of_punctuation_only_finds_nothing(session, owner):
    _product(session, owner, "普洱 100%")
    for q in ("%", "！？。", "--", "'\"*():"):
        assert search.search_products(session, owner.shop_id, q=q) == ([], 0)
    # Full-text query syntax typed by a shopper is taken as words and punctuation, never as syntax.
    assert _titles(session, owner.shop_id, q='"普洱" 100%*') == ["普洱 100%"]
    assert _titles(session, owner.shop_id, q="普洱 NEAR(") == []
    assert _titles(session, owner.shop_id, q="   ") == ["普洱 100%"]


def test_another_shops_products_never_appear(session, owner):
    other = make_shop(session, "other-tea")
    _product(session, owner, "西湖龙井", sku="LJ-1")
    _product(session, other, "西湖龙井 other", sku="LJ-1")
    assert _titles(session, owner.shop_id, q="龙井") == ["西湖龙井"]
    assert _titles(session, owner.shop_id, q="LJ-1") == ["西湖龙井"]
    assert _titles(session, owner.shop_id) == ["西湖龙井"]
    assert _titles(session, other.shop_id, q="龙井") == ["西湖龙井 other"]


def test_the_storefront_shows_only_active_products(session, owner):
    _product(session, owner, "龙井 在售")
    _product(session, owner, "龙井 草稿", status="draft")
    _product(session, owner, "龙井 下架", status="archived")
    assert _titles(session, owner.shop_id, q="龙井", active_only=True) == ["龙井 在售"]
    # active_only wins over a status asked for in the storefront's query string.
    assert _titles(session, owner.shop_id, q="龙井", active_only=True, status="archived") == ["龙井 在售"]
    assert _titles(session, owner.shop_id, q="龙井", status="archived") == ["龙井 下架"]
    assert len(_titles(session, owner.shop_id, q="龙井")) == 3


def test_a_status_changed_by_a_bulk_edit_shows_in_the_storefront_search(session, owner):
    draft = _product(session, owner, "西湖龙井", status="draft")
    active = _product(session, owner, "狮峰龙井")
    bulk.bulk_edit(session, owner, [draft.id], "set_status", "active")
    bulk.bulk_edit(session, owner, [active.id], "set_status", "archived")
    assert _titles(session, owner.shop_id, q="龙井", active_only=True) == ["西湖龙井"]
    assert _titles(session, owner.shop_id, q="龙井", status="archived") == ["狮峰龙井"]


def test_a_product_sold_out_or_restocked_shows_in_the_in_stock_search_at_once(session, owner):
    # "In stock" is read from the search index itself (the count too), which a trigger keeps.
    product = _product(session, owner, "西湖龙井", stock=1)
    _product(session, owner, "狮峰龙井", stock=0)
    variant_id = views.product_dict(session, product, with_cost=True)["variants"][0]["id"]
    shop = owner.shop_id
    assert search.search_products(session, shop, q="龙井", in_stock=True, active_only=True)[1] == 1
    ledger.adjust_stock(session, "test", shop, variant_id, -1, "damaged")
    assert search.search_products(session, shop, q="龙井", in_stock=True, active_only=True) == ([], 0)
    assert sorted(_titles(session, shop, q="龙井", in_stock=False)) == ["狮峰龙井", "西湖龙井"]
    ledger.set_stock(session, "test", shop, variant_id, 5, "stocktake")
    assert _titles(session, shop, q="龙井", in_stock=True, sort="price_asc") == ["西湖龙井"]
    assert search.search_products(session, shop, q="龙井", in_stock=True, active_only=True)[1] == 1


def test_edits_and_deletes_show_in_search_at_once(session, owner):
    product = _product(session, owner, "西湖龙井", sku="LJ-1")
    products.update_product(session, owner, product.id, {"title": "安吉白茶"})
    assert _titles(session, owner.shop_id, q="龙井") == []
    assert _titles(session, owner.shop_id, q="白茶") == ["安吉白茶"]
    shown = views.product_dict(session, product, with_cost=True)
    products.update_product(session, owner, product.id, {"variants": [{**shown["variants"][0], "sku": "BC-9"}]})
    assert _titles(session, owner.shop_id, q="LJ-1") == []
    assert _titles(session, owner.shop_id, q="BC-9") == ["安吉白茶"]
    products.delete_product(session, owner, product.id)
    assert _titles(session, owner.shop_id, q="白茶") == []
    assert session.exec(select(ProductSearch)).all() == []


def test_a_category_name_finds_every_product_of_the_category(session, owner):
    # 红茶 in the shop's menu holds four teas, only two of which say 红茶 in their title.
    black = categories.create_category(session, owner, "红茶")
    for title in ("祁门红茶", "滇红金芽", "正山小种", "金骏眉"):
        _product(session, owner, title, category_ids=[black.id])
    _product(session, owner, "西湖龙井")
    found, total = search.search_products(session, owner.shop_id, q="红茶", active_only=True)
    assert total == 4
    # The product that says it in its title still comes first.
    assert found[0]["title"] == "祁门红茶"


def test_a_renamed_or_removed_category_changes_what_its_products_are_found_by(session, owner):
    gifts = categories.create_category(session, owner, "礼盒")
    product = _product(session, owner, "中秋四色茶", category_ids=[gifts.id])
    assert _titles(session, owner.shop_id, q="礼盒") == ["中秋四色茶"]
    categories.rename_category(session, owner, gifts.id, "送礼佳品")
    assert _titles(session, owner.shop_id, q="礼盒") == []
    assert _titles(session, owner.shop_id, q="送礼") == ["中秋四色茶"]
    other = categories.create_category(session, owner, "秋季")
    products.update_product(session, owner, product.id, {"category_ids": [other.id]})
    assert _titles(session, owner.shop_id, q="送礼") == []
    categories.delete_category(session, owner, other.id)
    assert _titles(session, owner.shop_id, q="秋季") == []


def test_a_tag_finds_its_products_whether_set_on_the_product_or_by_a_bulk_edit(session, owner):
    tagged = _product(session, owner, "白毫银针", tags=["明前"])
    plain = _product(session, owner, "白牡丹")
    assert _titles(session, owner.shop_id, q="明前") == ["白毫银针"]
    bulk.bulk_edit(session, owner, [plain.id], "add_tag", "new arrival")
    assert _titles(session, owner.shop_id, q="new arrival") == ["白牡丹"]
    products.update_product(session, owner, tagged.id, {"tags": []})
    assert _titles(session, owner.shop_id, q="明前") == []


def test_filters_narrow_the_search(session, owner):
    green = categories.create_category(session, owner, "绿茶")
    _product(session, owner, "龙井 便宜", price=500, category_ids=[green.id])
    _product(session, owner, "龙井 贵", price=50000)
    _product(session, owner, "龙井 售罄", price=800, stock=0, category_ids=[green.id])
    products.create_product(session, owner, {"title": "龙井 多规格", "status": "active", "options": [
        {"name": "重量", "values": ["50g", "500g"]}], "variants": [
        {"option_values": ["50g"], "price": 3000, "stock": 0},
        {"option_values": ["500g"], "price": 20000, "stock": 3, "enabled": False},
    ]})
    shop = owner.shop_id
    assert sorted(_titles(session, shop, q="龙井", category_id=green.id)) == ["龙井 便宜", "龙井 售罄"]
    assert sorted(_titles(session, shop, q="龙井", price_min=600, price_max=5000)) == ["龙井 售罄", "龙井 多规格"]
    assert _titles(session, shop, q="龙井", price_min=40000) == ["龙井 贵"]
    # A variant not for sale neither prices nor stocks its product.
    assert sorted(_titles(session, shop, q="龙井", in_stock=True)) == ["龙井 便宜", "龙井 贵"]
    assert sorted(_titles(session, shop, q="龙井", in_stock=False)) == ["龙井 售罄", "龙井 多规格"]
    assert _titles(session, shop, category_id=green.id, in_stock=True) == ["龙井 便宜"]
    # The storefront's category page: active products only, counted so too.
    _product(session, owner, "龙井 草稿", category_ids=[green.id], status="draft")
    assert sorted(_titles(session, shop, category_id=green.id, active_only=True)) == ["龙井 便宜", "龙井 售罄"]
    assert _titles(session, shop, category_id=green.id, active_only=True, price_min=600) == ["龙井 售罄"]


def test_sorts_order_by_price_age_and_title(session, owner):
    for title, price in (("B 龙井", 3000), ("A 龙井", 1000), ("C 龙井", 2000)):
        _product(session, owner, title, price=price)
    shop = owner.shop_id
    assert _titles(session, shop, q="龙井", sort="price_asc") == ["A 龙井", "C 龙井", "B 龙井"]
    assert _titles(session, shop, q="龙井", sort="price_desc") == ["B 龙井", "C 龙井", "A 龙井"]
    assert _titles(session, shop, q="龙井", sort="newest") == ["C 龙井", "A 龙井", "B 龙井"]
    assert _titles(session, shop, sort="title") == ["A 龙井", "B 龙井", "C 龙井"]
    # Without a query, "relevance" is the most recently changed first.
    first = session.exec(select(ProductSearch.product_id).order_by(ProductSearch.product_id)).first()
    products.update_product(session, owner, first, {"seo_title": "changed"})
    assert _titles(session, shop)[0] == "B 龙井"


def test_price_sorts_put_products_with_nothing_for_sale_last_on_every_page(session, owner):
    for title, price in (("B 龙井", 3000), ("A 龙井", 1000), ("C 龙井", 2000)):
        _product(session, owner, title, price=price)
    products.create_product(session, owner, {"title": "D 龙井", "status": "active", "variants": [
        {"price": 1, "enabled": False},
    ]})
    shop = owner.shop_id
    for q in (None, "龙井"):
        assert _titles(session, shop, q=q, sort="price_asc") == ["A 龙井", "C 龙井", "B 龙井", "D 龙井"]
        assert _titles(session, shop, q=q, sort="price_desc") == ["B 龙井", "C 龙井", "A 龙井", "D 龙井"]
        pages = [search.search_products(session, shop, q=q, sort="price_asc", per_page=3, page=n)[0] for n in (1, 2)]
        assert [[item["title"] for item in page] for page in pages] == [["A 龙井", "C 龙井", "B 龙井"], ["D 龙井"]]
        assert _titles(session, shop, q=q, sort="price_desc", per_page=2, page=2) == ["A 龙井", "D 龙井"]
        last, _ = search.search_products(session, shop, q=q, sort="price_desc", per_page=1, page=4)
        assert [item["title"] for item in last] == ["D 龙井"]


def test_a_price_range_matches_a_products_lowest_price_for_sale(session, owner):
    products.create_product(session, owner, {"title": "龙井 两种", "status": "active", "options": [
        {"name": "重量", "values": ["50g", "500g"]}], "variants": [
        {"option_values": ["50g"], "price": 3000, "stock": 1}, {"option_values": ["500g"], "price": 20000, "stock": 1},
    ]})
    for q in (None, "龙井"):
        assert _titles(session, owner.shop_id, q=q, price_min=2000, price_max=5000) == ["龙井 两种"]
        assert _titles(session, owner.shop_id, q=q, price_min=10000) == []


def test_a_new_price_shows_in_a_price_range_search_at_once(session, owner):
    # On PostgreSQL the price range is read from the search index (the count too), which a trigger keeps.
    shop = owner.shop_id
    cheap = _product(session, owner, "西湖龙井", price=3000)
    _product(session, owner, "狮峰龙井", price=30000)
    assert search.search_products(session, shop, q="龙井", price_min=2000, price_max=5000, active_only=True)[1] == 1
    bulk.bulk_edit(session, owner, [cheap.id], "price_by_amount", 40000)  # ¥30 -> ¥430
    assert search.search_products(session, shop, q="龙井", price_min=2000, price_max=5000, active_only=True) == ([], 0)
    assert sorted(_titles(session, shop, q="龙井", price_min=20000, active_only=True)) == ["狮峰龙井", "西湖龙井"]
    assert _titles(session, shop, q="龙井", price_max=35000, in_stock=True) == ["狮峰龙井"]


def test_pages_and_total_of_a_search(session, owner):
    for n in range(7):
        _product(session, owner, f"龙井 {n}")
    _product(session, owner, "红茶")
    first, total = search.search_products(session, owner.shop_id, q="龙井", per_page=3)
    last, _ = search.search_products(session, owner.shop_id, q="龙井", per_page=3, page=3)
    assert (total, len(first), len(last)) == (7, 3, 1)
    assert first[0].keys() >= {"id", "title", "status", "price_min", "price_max", "stock", "image"}


def test_the_catalogue_list_is_the_search(session, owner):
    _product(session, owner, "西湖龙井绿茶", price=500)
    _product(session, owner, "祁门红茶", price=900)
    items, total = products.list_products(session, owner.shop_id, q="绿茶", price_max=600, sort="price_asc")
    assert (total, [i["title"] for i in items]) == (1, ["西湖龙井绿茶"])


def test_bad_filters_are_refused_by_field():
    assert _refused(sort="cheapest") == {"sort": "sort_invalid"}
    assert _refused(price_min=-1, price_max="10") == {"price_min": "price_negative", "price_max": "must_be_whole_number"}
    assert _refused(price_min=500, price_max=100) == {"price_max": "price_range_invalid"}
    assert _refused(status="sold", in_stock="yes") == {"status": "status_invalid", "in_stock": "invalid"}
    assert _refused(q="龙" * 201) == {"q": "too_long"}


def test_reindexing_a_shop_rebuilds_its_documents(session, owner):
    other = make_shop(session, "other-tea")
    _product(session, owner, "西湖龙井")
    _product(session, other, "祁门红茶")
    session.exec(ProductSearch.__table__.delete())
    assert _titles(session, owner.shop_id, q="龙井") == []
    assert search.reindex_shop(session, owner.shop_id) == 1
    assert _titles(session, owner.shop_id, q="龙井") == ["西湖龙井"]
    assert _titles(session, other.shop_id, q="红茶") == []


def test_document_terms_pair_chinese_characters_and_keep_latin_words():
    assert search.document_terms("西湖龙井 Green-Tea ２５０g") == "西湖 湖龙 龙井 井 green tea 250g"
    assert search.document_terms("茶") == "茶"


def test_a_list_says_more_than_where_a_search_stopped_counting():
    from shopapp.ui.components.pager import shown_total

    assert shown_total(search.MAX_COUNTED, "茶", search.MAX_COUNTED) == "10000+"
    assert shown_total(9_999, "茶", search.MAX_COUNTED) == "9999"
    assert shown_total(100_000, "", search.MAX_COUNTED) == "100000"  # no query: every product counted


def test_a_price_filter_is_typed_in_yuan_and_refused_by_field():
    assert search.price_range("50", "¥199.5") == (5000, 19950)
    assert search.price_range("", " ") == (None, None)
    with pytest.raises(Invalid) as refused:
        search.price_range("-1", "很多")
    assert refused.value.fields == {"price_min": "price_negative", "price_max": "must_be_money"}
    with pytest.raises(Invalid) as refused:
        search.price_range("200", "100")
    assert refused.value.fields == {"price_max": "price_range_invalid"}
