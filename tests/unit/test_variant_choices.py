"""The activities' product picker: an owner finds a variant by part of its product's name or its SKU, among
their own shop's products on sale only, and a search typed with SQL's wildcards finds them literally."""

from shopapp.services.catalog.variant_choices import product_choices, product_labels, variant_choices
from shopapp.services.core.validation import typed_ids
from tests.conftest import make_shop
from tests.shopping import product_on_sale


def test_an_owner_finds_a_variant_by_name_or_sku_in_their_own_shop_only(session, owner):
    longjing = product_on_sale(session, owner, title="西湖龙井 明前", sku="LJ-250", price=3800)
    pu_erh = product_on_sale(session, owner, title="普洱 100%", sku="PE_1", price=9900)
    product_on_sale(session, owner, title="龙井 下架", sku="LJ-OLD", status="draft")
    other = make_shop(session, "other-tea")
    product_on_sale(session, other, title="龙井 别家", sku="LJ-X")

    (found,) = variant_choices(session, owner, "龙井")
    assert (found["id"], found["label"]) == (str(longjing), "西湖龙井 明前 · ¥38") and found["product_id"].isdigit()
    assert [v["id"] for v in variant_choices(session, owner, "lj-2")] == [str(longjing)]  # SKU, any case
    assert [v["id"] for v in variant_choices(session, owner, "100%")] == [str(pu_erh)]
    assert [v["id"] for v in variant_choices(session, owner, "PE_")] == [str(pu_erh)]
    assert [v["id"] for v in variant_choices(session, owner, "")] == [str(pu_erh), str(longjing)]  # newest first
    assert variant_choices(session, owner, "乌龙") == []


def test_a_promotions_scope_picks_products_by_name_or_sku_drafts_included_and_names_them_back(session, owner):
    product_on_sale(session, owner, title="西湖龙井 明前", sku="LJ-250")
    product_on_sale(session, owner, title="龙井 新品", sku="LJ-NEW", status="draft")  # a scope may be set before it sells
    product_on_sale(session, owner, title="普洱", sku="PE_1")
    product_on_sale(session, make_shop(session, "other-tea"), title="龙井 别家", sku="LJ-X")

    found = product_choices(session, owner, "龙井")
    assert [p["label"] for p in found] == ["龙井 新品", "西湖龙井 明前"]  # newest first, never another shop's
    assert [p["label"] for p in product_choices(session, owner, "pe_")] == ["普洱"]  # by a variant's SKU
    ids = [int(p["id"]) for p in found]
    other = product_choices(session, make_shop(session, "third-tea"), "")
    assert product_labels(session, owner, [ids[1], 10**20, ids[0]]) == [found[1], found[0]]  # in the order asked
    assert other == [] and product_labels(session, owner, []) == []


def test_ids_typed_in_a_form_are_read_with_either_comma_and_anything_else_is_named():
    errors: dict[str, str] = {}
    assert typed_ids("3, 5，7、9 11", "product_ids", errors) == [3, 5, 7, 9, 11] and errors == {}
    for typed in ("3, x", "²", "99999999999999999999"):
        errors = {}
        assert typed_ids(typed, "product_ids", errors) == [] and errors == {"product_ids": "ids_invalid"}
