"""The activities' product picker: an owner finds a variant by part of its product's name or its SKU, among
their own shop's products on sale only, and a search typed with SQL's wildcards finds them literally."""

from shopapp.services.catalog.variant_choices import variant_choices
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
