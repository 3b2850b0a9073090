"""The catalogue as a spreadsheet: what an owner exports, edits in Excel and imports back."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from shopapp.i18n import EN, ZH_CN
from shopapp.models import Product, StockMove, Variant
from shopapp.services.catalog import categories, product_csv, views
from shopapp.services.catalog import products as catalog_products
from shopapp.services.catalog.product_csv import RowError
from shopapp.services.core.errors import Forbidden, Invalid
from shopapp.services.core.permissions import Actor
from tests.conftest import make_shop

HEADER = "title,status,category,option1_name,option1_value,sku,price,compare_at_price,cost,stock,enabled\n"


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _import(session, actor, text: str, dry_run: bool = False, **kwargs) -> product_csv.ImportResult:
    return product_csv.import_csv(session, actor, text, dry_run=dry_run, **kwargs)


def _variant(session, sku: str) -> Variant:
    return session.exec(select(Variant).where(Variant.sku == sku)).one()


@pytest.fixture
def green_tea(session, owner) -> Product:
    """A product with two sizes in 茶叶/绿茶 on pre-sale (50 places; the big tin ships later, 10 of it),
    the kind of thing a tea shop exports."""
    tea = categories.create_category(session, owner, "茶叶")
    green = categories.create_category(session, owner, "绿茶", tea.id)
    return catalog_products.create_product(session, owner, {
        "title": "西湖龙井, \"明前\"", "status": "active", "category_ids": [green.id], "tags": ["明前", "新茶"],
        "description_html": "<p>产地：杭州\n西湖</p>", "presale": {"ships_at": "2030-04-01", "quota": 50}, "seo_title": "龙井",
        "options": [{"name": "规格", "values": ["250g", "500g"]}],
        "variants": [
            {"sku": "LJ-250", "option_values": ["250g"], "price": 12800, "compare_at_price": 15000, "cost": 6000,
             "stock": 5, "weight_grams": 300, "barcode": "6901234567892"},
            {"sku": "LJ-500", "option_values": ["500g"], "price": 23999, "stock": 2, "enabled": False,
             "presale": {"ships_at": "2030-05-01", "quota": 10}},
        ],
    })


# Round trip -------------------------------------------------------------------------------------

def test_an_unchanged_export_imports_back_as_a_no_op(session, owner, green_tea):
    catalog_products.create_product(session, owner, {"title": "紫砂壶", "variants": [{"price": 9900}]})
    exported = product_csv.export_csv(session, owner)
    moves = _count(session, StockMove)

    result = _import(session, owner, exported)

    assert (result.created, result.updated, result.errors) == (0, 0, [])
    assert _count(session, StockMove) == moves
    assert product_csv.export_csv(session, owner) == exported


def test_the_export_has_one_row_per_variant_with_prices_in_yuan(session, owner, green_tea):
    lines = product_csv.export_csv(session, owner).removeprefix("\ufeff").splitlines()
    assert lines[0].split(",") == list(product_csv.COLUMNS)
    first = lines[1]
    assert first.startswith(f'{green_tea.id},"西湖龙井, ""明前""",active,physical,茶叶/绿茶,明前|新茶,规格,250g,')
    assert ",LJ-250,128,150,60,5,300,6901234567892,true,,,2030-04-01,50," in first
    assert ",LJ-500,239.99,,,2,0,,false,2030-05-01,10,2030-04-01,50," in lines[3]  # the description's line break is inside quotes


def test_the_export_starts_with_a_bom_so_excel_reads_chinese(session, owner, green_tea):
    assert product_csv.export_csv(session, owner).startswith("\ufeffproduct_id,title,")


def test_an_edited_export_updates_through_the_ledger(session, owner, green_tea):
    exported = product_csv.export_csv(session, owner).replace(",LJ-250,128,150,60,5,", ",LJ-250,99.5,150,60,12,")

    result = _import(session, owner, exported)

    assert (result.created, result.updated, result.errors) == (0, 1, [])
    variant = _variant(session, "LJ-250")
    assert (variant.price, variant.stock) == (9950, 12)
    move = session.exec(select(StockMove).where(StockMove.variant_id == variant.id).order_by(StockMove.id.desc())).first()
    assert (move.delta, move.after, move.reason, move.actor) == (7, 12, "CSV import", owner.label)


def test_pre_sales_and_their_quotas_import_for_products_and_variants(session, owner):
    text = (
        "title,option1_name,option1_value,sku,price,presale_ships_at,presale_quota,"
        "variant_presale_ships_at,variant_presale_quota\n"
        "新茶,颜色,绿,N-G,10,2030-04-01,100,,\n"
        "新茶,,红,N-R,10,,,2030/06/01,5\n"
    )
    result = _import(session, owner, text)

    assert (result.created, result.errors) == (1, [])
    shown = views.product_dict(session, session.exec(select(Product)).one(), with_cost=True)
    assert shown["presale"] == {"ships_at": "2030-04-01", "quota": 100, "sold": 0}
    assert [(v["presale"], v["presale_ships_at"], v["available"]) for v in shown["variants"]] == [
        (None, "2030-04-01", 100), ({"ships_at": "2030-06-01", "quota": 5, "sold": 0}, "2030-06-01", 5),
    ]


def test_a_pre_sale_date_alone_keeps_its_quota(session, owner, green_tea):
    result = _import(session, owner, "sku,presale_ships_at\nLJ-250,2030-04-20\n")

    assert (result.updated, result.errors) == (1, [])
    session.refresh(green_tea)
    assert (green_tea.presale_ships_at.isoformat(), green_tea.presale_quota) == ("2030-04-20", 50)
    assert _variant(session, "LJ-500").presale_quota == 10


def test_an_empty_pre_sale_date_ends_the_pre_sale(session, owner, green_tea):
    result = _import(session, owner, "sku,presale_ships_at,presale_quota,variant_presale_ships_at\nLJ-500,,,\n")

    assert (result.updated, result.errors) == (1, [])
    session.refresh(green_tea)
    variant = _variant(session, "LJ-500")
    assert (green_tea.presale_ships_at, green_tea.presale_quota, variant.presale_ships_at, variant.presale_quota) == (
        None, None, None, None,
    )


def test_bad_pre_sale_cells_are_reported_in_their_columns(session, owner, green_tea):
    text = (
        "sku,title,price,presale_ships_at,presale_quota,variant_presale_ships_at,variant_presale_quota\n"
        "LJ-250,,,2030-04-01,-3,,\n"              # row 2
        "X-1,新茶,10,,5,,\n"                        # row 3: a quota needs a date
        "X-2,别的茶,10,,,2030-13-01,lots\n"          # row 4
    )
    result = _import(session, owner, text)

    assert result.errors == [
        RowError(2, "presale_quota", "must_not_be_negative"),
        RowError(3, "presale_ships_at", "required"),
        RowError(4, "variant_presale_ships_at", "date_invalid"),
        RowError(4, "variant_presale_quota", "must_be_whole_number"),
    ]
    for error in result.errors:
        assert f"field.{error.code}" in ZH_CN and f"field.{error.code}" in EN


# Creating and matching --------------------------------------------------------------------------

def test_rows_with_the_same_title_become_one_product_with_variants(session, owner):
    text = HEADER + (
        "白茶,active,,规格,100g,BC-100,38,,,3,\n"
        "白茶,,,,200g,BC-200,68.5,,,4,\n"
        "红茶,,,,,HC-1,25,,,,\n"
    )
    result = _import(session, owner, text)

    assert (result.created, result.updated, result.errors) == (2, 0, [])
    white = session.exec(select(Product).where(Product.title == "白茶")).one()
    shown = views.product_dict(session, white, with_cost=True)
    assert shown["status"] == "active" and shown["options"] == [{"name": "规格", "values": ["100g", "200g"]}]
    assert [(v["sku"], v["price"], v["stock"]) for v in shown["variants"]] == [("BC-100", 3800, 3), ("BC-200", 6850, 4)]
    assert session.exec(select(StockMove.reason).distinct()).all() == ["CSV import"]


def test_an_existing_sku_updates_its_variant_and_product(session, owner, green_tea):
    result = _import(session, owner, "sku,title,price\nLJ-500,特级西湖龙井,199\n")

    assert (result.created, result.updated, result.errors) == (0, 1, [])
    session.refresh(green_tea)
    assert green_tea.title == "特级西湖龙井"
    assert (_variant(session, "LJ-500").price, _variant(session, "LJ-250").price) == (19900, 12800)


def test_columns_left_out_of_the_file_are_left_alone(session, owner, green_tea):
    _import(session, owner, "sku,stock\nLJ-250,40\n")

    session.refresh(green_tea)
    variant = _variant(session, "LJ-250")
    assert (variant.stock, variant.price, variant.cost, variant.barcode) == (40, 12800, 6000, "6901234567892")
    assert green_tea.description_html == "<p>产地：杭州\n西湖</p>" and green_tea.tags == ["明前", "新茶"]


def test_a_row_with_a_product_id_and_a_new_option_value_adds_a_variant(session, owner, green_tea):
    text = f"product_id,option1_name,option1_value,sku,price,stock\n{green_tea.id},规格,1kg,LJ-1000,450,7\n"

    result = _import(session, owner, text)

    assert (result.created, result.updated, result.errors) == (0, 1, [])
    shown = views.product_dict(session, green_tea, with_cost=True)
    assert shown["options"] == [{"name": "规格", "values": ["250g", "500g", "1kg"]}]
    assert [v["sku"] for v in shown["variants"]] == ["LJ-250", "LJ-500", "LJ-1000"]


def test_prices_are_read_as_exact_yuan(session, owner):
    text = "title,price,compare_at_price\n甲,0.1,0.30\n乙,\"1,299.99\",¥1300\n"
    _import(session, owner, text)
    rows = session.exec(select(Product, Variant).join(Variant, Variant.product_id == Product.id)).all()
    prices = {product.title: variant for product, variant in rows}
    assert (prices["甲"].price, prices["甲"].compare_at_price) == (10, 30)
    assert (prices["乙"].price, prices["乙"].compare_at_price) == (129999, 130000)


def test_excel_utf8_with_bom_and_crlf_is_read(session, owner):
    data = ("\ufeff" + HEADER + "铁观音,,,,,TGY,88,,,1,TRUE\n").replace("\n", "\r\n").encode("utf-8")

    result = _import(session, owner, product_csv.decode_csv(data))

    assert (result.created, result.errors) == (1, [])
    assert _variant(session, "TGY").price == 8800


def test_a_gb18030_file_from_chinese_excel_is_read():
    assert product_csv.decode_csv("title,price\n普洱,9\n".encode("gb18030")) == "title,price\n普洱,9\n"


def test_a_single_category_name_is_enough_when_it_is_unique(session, owner, green_tea):
    _import(session, owner, "title,price,category\n碧螺春,60,绿茶\n")
    product = session.exec(select(Product).where(Product.title == "碧螺春")).one()
    assert _category_ids(session, product) == _category_ids(session, green_tea)


def _category_ids(session, product) -> list[int]:
    return views.product_dict(session, product, with_cost=True)["category_ids"]


# Problems ---------------------------------------------------------------------------------------

def test_every_problem_is_listed_with_its_row_number(session, owner, green_tea):
    gifts = categories.create_category(session, owner, "礼盒")
    categories.create_category(session, owner, "绿茶", gifts.id)  # now 茶叶/绿茶 and 礼盒/绿茶
    text = (
        "title,status,category,option1_name,option1_value,sku,price,compare_at_price,stock,enabled,"
        "presale_ships_at,product_id,colour\n"
        "好茶,active,,,,A-1,12.999,,1,,,,\n"          # row 2
        "好茶,draft,,,,A-2,-5,,x,maybe,,,\n"          # row 3
        "新茶,,乌龙,,,A-3,10,,,,下个月,,\n"           # row 4
        "新茶2,,绿茶,,,A-3,10,,,,,,\n"                # row 5
        "新茶3,,,,,B-1,10,5,,,,,\n"                   # row 6
        ",,,,,C-1,10,,,,,999999,\n"                   # row 7
        "新茶4,,,,,LJ-500,10,,,,,,\n"                 # row 8: fine, renames the product of LJ-500
        f",,,,,LJ-250,10,,,,,{green_tea.id + 1000},\n"  # row 9
        "新茶5,,,规格,,D-1,10,,,,,,\n"                # row 10
        "新茶6,,,,,E-1,10,,,,,,,extra\n"              # row 11
    )

    result = _import(session, owner, text)

    assert result.errors == [
        RowError(1, "colour", "unknown_column"),
        RowError(2, "price", "must_be_money"),
        RowError(3, "status", "product_field_differs"),
        RowError(3, "option1_value", "variant_duplicate"),  # two variants of 好茶 and no option tells them apart
        RowError(3, "price", "price_negative"),
        RowError(3, "stock", "must_be_whole_number"),
        RowError(3, "enabled", "yes_or_no"),
        RowError(4, "category", "category_not_found"),
        RowError(4, "presale_ships_at", "date_invalid"),
        RowError(5, "category", "category_ambiguous"),
        RowError(5, "sku", "sku_repeated_in_file"),
        RowError(6, "compare_at_price", "compare_at_price_below_price"),
        RowError(7, "product_id", "product_not_found"),
        RowError(9, "product_id", "product_not_found"),
        RowError(10, "option1_value", "required"),
        RowError(11, "", "too_many_cells"),
    ]
    assert (result.created, result.updated) == (0, 0)
    for error in result.errors:
        assert f"field.{error.code}" in ZH_CN and f"field.{error.code}" in EN


def test_one_bad_row_means_nothing_is_saved(session, owner, green_tea):
    products, moves = _count(session, Product), _count(session, StockMove)
    text = "sku,title,price,stock\nLJ-250,改了名字,1,99\nNEW-1,新茶,2,3\nNEW-2,另一款,oops,3\n"

    result = _import(session, owner, text)

    assert result.errors == [RowError(4, "price", "must_be_money")]
    assert (result.created, result.updated) == (0, 0)
    session.expire_all()
    assert (_count(session, Product), _count(session, StockMove)) == (products, moves)
    assert session.get(Product, green_tea.id).title == "西湖龙井, \"明前\"" and _variant(session, "LJ-250").stock == 5


def test_a_dry_run_says_what_would_happen_and_changes_nothing(session, owner, green_tea):
    before = product_csv.export_csv(session, owner)
    text = "sku,title,price,stock\nLJ-250,,1,99\nNEW-1,新茶,2,3\n"

    result = _import(session, owner, text, dry_run=True)

    assert (result.created, result.updated, result.errors) == (1, 1, [])
    session.expire_all()
    assert product_csv.export_csv(session, owner) == before
    assert session.exec(select(Variant).where(Variant.sku == "NEW-1")).first() is None


def test_catalogue_rules_apply_to_imported_rows_too(session, owner):
    many = "".join(f"大礼包,规格,{n},{n}\n" for n in range(101))
    result = _import(session, owner, "title,option1_name,option1_value,price\n" + many + "无名,,,\n")
    assert RowError(2, "option1_value", "too_many_values") in result.errors  # 101 sizes of one option
    assert RowError(103, "price", "required") in result.errors
    assert _count(session, Product) == 0


def test_an_sku_of_another_product_cannot_be_taken_by_product_id(session, owner, green_tea):
    other = catalog_products.create_product(session, owner, {"title": "紫砂壶", "variants": [{"sku": "HU-1", "price": 9900}]})
    result = _import(session, owner, f"product_id,sku,price\n{other.id},LJ-250,1\n")
    assert result.errors == [RowError(2, "sku", "sku_taken")]


def test_rows_are_counted_as_excel_shows_them_even_with_line_breaks_in_cells(session, owner):
    text = 'title,description_html,price\n甲,"<p>一</p>\n<p>二</p>",1\n乙,,x\n'
    assert _import(session, owner, text).errors == [RowError(3, "price", "must_be_money")]


def test_an_empty_file_or_one_without_a_known_column_is_refused(session, owner):
    assert _import(session, owner, "").errors == [RowError(1, "", "csv_empty")]
    assert _import(session, owner, "\ufeff\r\n").errors == [RowError(1, "", "csv_empty")]
    assert _import(session, owner, "名称,价格\n龙井,1\n").errors == [
        RowError(1, "title", "required"), RowError(1, "价格", "unknown_column"), RowError(1, "名称", "unknown_column"),
    ]


def test_an_undecodable_file_is_refused():
    with pytest.raises(Invalid) as refused:
        product_csv.decode_csv(b"\x81\x30")
    assert refused.value.fields == {"file": "csv_encoding"}


# Who and how ------------------------------------------------------------------------------------

def test_progress_is_reported_up_to_every_row(session, owner):
    text = "title,sku,price\n" + "".join(f"茶 {n},S-{n},1\n" for n in range(250))
    seen: list[tuple[int, int]] = []

    _import(session, owner, text, progress=lambda done, total: seen.append((done, total)))

    assert seen[-1] == (250, 250)
    assert len(seen) >= 3 and [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_staff_who_may_not_manage_the_catalog_can_neither_export_nor_import(session, owner):
    support = Actor(shop_id=owner.shop_id, role="support", user_id=999)
    with pytest.raises(Forbidden):
        product_csv.export_csv(session, support)
    with pytest.raises(Forbidden):
        _import(session, support, "title,price\n龙井,1\n")


def test_another_shops_products_are_neither_exported_nor_matched(session, owner, green_tea):
    other = make_shop(session, "green-leaf")
    assert product_csv.export_csv(session, other).removeprefix("\ufeff").count("\n") == 1
    result = _import(session, other, f"product_id,sku,title,price\n{green_tea.id},,偷改,1\n,LJ-250,新茶,2\n")
    assert result.errors == [RowError(2, "product_id", "product_not_found")]
    assert result.created == 0 and _count(session, Product) == 1
