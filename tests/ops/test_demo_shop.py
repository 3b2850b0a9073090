"""The demo shop and its published password stay off production databases: only the embedded default
(SQLite under DATA_DIR) gets it on a first start, with an owner password made for this install."""

import pytest
from sqlmodel import select

from shopapp import cli, demo
from shopapp.db import session_scope
from shopapp.demo import seed
from shopapp.demo.flash_home import COMING_TEA
from shopapp.models import Shop
from shopapp.services.core import plan_limits
from shopapp.services.core.errors import Unauthorized
from shopapp.services.marketing import flash_sales
from shopapp.services.shops import accounts, design
from shopapp.settings import load_settings
from tests.shopping import product_on_sale

PRODUCTION = {"DATABASE_URL": "postgresql://shop:secret@db.internal:5432/shopapp", "REDIS_URL": "redis://cache:6379/0"}


def _home_types(session, shop_id: int) -> list[str]:
    return [section["type"] for section in design.published_design(session, shop_id)["pages"]["home"]["sections"]]


def _shops() -> list[str]:
    with session_scope() as session:
        return list(session.exec(select(Shop.slug)).all())


def test_a_production_start_on_postgresql_seeds_no_demo_shop(tmp_path):
    settings = load_settings({"DATA_DIR": str(tmp_path), **PRODUCTION})
    assert settings.demo_shop is False
    assert cli.demo_on_first_start(settings) is None
    assert _shops() == []
    assert cli.ready_line(settings, demo_shop=False) == "开店宝 shopapp is ready: http://localhost:8000  ·  Ctrl-C stops"


def test_an_operator_who_asks_for_the_demo_on_postgresql_gets_it(tmp_path):
    assert load_settings({"DATA_DIR": str(tmp_path), **PRODUCTION, "DEMO_SHOP": "true"}).demo_shop is True
    assert load_settings({"DATA_DIR": str(tmp_path), "DEMO_SHOP": "false"}).demo_shop is False


def test_an_sqlite_file_outside_the_data_folder_is_not_the_embedded_default(tmp_path):
    elsewhere = load_settings({"DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": f"sqlite:///{tmp_path}/prod.db"})
    assert elsewhere.demo_shop is False


def test_the_embedded_default_seeds_the_demo_with_a_password_made_for_this_install(tmp_path, monkeypatch):
    settings = load_settings({"DATA_DIR": str(tmp_path)})
    assert settings.demo_shop is True and settings.demo_password is None
    monkeypatch.setattr(seed, "get_settings", lambda: settings)  # no DEMO_PASSWORD: generated

    password = cli.demo_on_first_start(settings)

    assert password and password != "demo-tea-2026" and len(password) >= 16
    assert _shops() == [demo.DEMO_SLUG]
    with session_scope() as session:  # the demo keeps every feature after the trial: the paid plan, no end
        shop_id = session.exec(select(Shop.id)).one()
        kept = plan_limits.current_plan(session, shop_id)
        assert (kept.kind, kept.ends_at, kept.plan.is_trial) == ("operator", None, True)
    with session_scope() as session:
        assert accounts.login(session, email=demo.DEMO_EMAIL, password=password).shop.slug == demo.DEMO_SLUG
        # Each activity live: a 秒杀 running and one starting soon, both on the home's flash-sale section.
        assert [s["status"] for s in flash_sales.storefront_sales(session, shop_id)] == ["active", "scheduled"]
        assert _home_types(session, shop_id).count("flash_sale") == 1
    assert cli.demo_on_first_start(settings) is None  # a second start seeds nothing and knows no password
    line = cli.ready_line(settings, demo_shop=True, demo_password=password)
    assert f"(demo@example.com / {password}, shown only now)" in line
    assert password not in cli.ready_line(settings, demo_shop=True)

    # The owner lost it: a new one replaces it, and the old one stops working.
    fresh = demo.reset_password()
    assert fresh not in (None, password)
    with session_scope() as session, pytest.raises(Unauthorized):
        accounts.login(session, email=demo.DEMO_EMAIL, password=password)
    with session_scope() as session:
        assert accounts.login(session, email=demo.DEMO_EMAIL, password=fresh).shop.slug == demo.DEMO_SLUG


def test_each_install_gets_its_own_password_unless_a_test_run_sets_one(tmp_path, monkeypatch):
    generated = load_settings({"DATA_DIR": str(tmp_path)})
    monkeypatch.setattr(seed, "get_settings", lambda: generated)
    assert seed.new_password() != seed.new_password()
    given = load_settings({"DATA_DIR": str(tmp_path), "DEMO_PASSWORD": "e2e-demo-owner-pass"})
    monkeypatch.setattr(seed, "get_settings", lambda: given)
    assert seed.new_password() == "e2e-demo-owner-pass"


@pytest.mark.parametrize("wanted", [False, True], ids=["production", "embedded default"])
def test_a_platform_upgraded_from_the_published_password_gets_a_new_one_on_its_next_start(session, tmp_path, wanted):
    accounts.signup(session, email=demo.DEMO_EMAIL, password="demo-tea-2026", shop_name="一叶茶舍", shop_slug=demo.DEMO_SLUG)
    session.commit()
    settings = load_settings({"DATA_DIR": str(tmp_path), **({} if wanted else PRODUCTION)})

    shown = cli.demo_on_first_start(settings)

    with session_scope() as fresh, pytest.raises(Unauthorized):
        accounts.login(fresh, email=demo.DEMO_EMAIL, password="demo-tea-2026")
    if wanted:  # the newcomer's own machine: the ready line shows the new one
        with session_scope() as fresh:
            assert accounts.login(fresh, email=demo.DEMO_EMAIL, password=shown).shop.slug == demo.DEMO_SLUG
    else:  # a production log never carries a password; demo-password makes one when wanted
        assert shown is None
    assert cli.demo_on_first_start(settings) is None  # retired once


def test_a_demo_seeded_before_the_flash_section_gains_it_and_a_coming_sale_once_on_its_next_start(session, tmp_path):
    signed = accounts.signup(session, email=demo.DEMO_EMAIL, password="an-older-install", shop_name="一叶茶舍", shop_slug=demo.DEMO_SLUG)
    owner = accounts.authenticate(session, signed.token)
    product_on_sale(session, owner, title=COMING_TEA, price=13800, sku="T11-50")
    shop_id = owner.shop_id
    settings = load_settings({"DATA_DIR": str(tmp_path)})
    assert flash_sales.storefront_sales(session, shop_id) == [] and "flash_sale" not in _home_types(session, shop_id)
    session.commit()

    assert cli.demo_on_first_start(settings) is None  # nothing seeded, no password shown: the demo exists

    with session_scope() as check:
        (coming,) = flash_sales.storefront_sales(check, shop_id)
        assert (coming["status"], coming["price"], coming["title"]) == ("scheduled", 6900, COMING_TEA)
        types = _home_types(check, shop_id)
        assert types.count("flash_sale") == 1 and types.index("flash_sale") == types.index("banner") + 1
        version = design.get_design(check, owner)["version"]
        assert accounts.login(check, email=demo.DEMO_EMAIL, password="an-older-install").shop.slug == demo.DEMO_SLUG

    # The owner took the section off: later starts leave the home (and the sales) as the owner left them.
    with session_scope() as edit:
        home = design.published_design(edit, shop_id)["pages"]["home"]
        design.save_draft(edit, owner, {"pages": {"home": {**home, "sections": [x for x in home["sections"] if x["type"] != "flash_sale"]}}})
        design.publish(edit, owner)
    assert cli.demo_on_first_start(settings) is None and demo.bring_up_to_date() is False
    with session_scope() as check:
        assert "flash_sale" not in _home_types(check, shop_id)
        assert len(flash_sales.storefront_sales(check, shop_id)) == 1
        assert design.get_design(check, owner)["version"] == version + 1


def test_an_owner_with_unpublished_edits_never_has_them_published_by_the_upgrade(session, tmp_path):
    signed = accounts.signup(session, email=demo.DEMO_EMAIL, password="an-older-install", shop_name="一叶茶舍", shop_slug=demo.DEMO_SLUG)
    owner = accounts.authenticate(session, signed.token)
    product_on_sale(session, owner, title=COMING_TEA, price=13800, sku="T11-50")
    home = design.published_design(session, owner.shop_id)["pages"]["home"]
    design.save_draft(session, owner, {"pages": {"home": {**home, "sections": home["sections"][:2]}}})  # not published
    session.commit()

    assert demo.bring_up_to_date() is True  # the coming sale, the marker that it was looked at

    with session_scope() as check:
        kept = design.get_design(check, owner)
        assert kept["version"] == 0 and len(kept["draft"]["pages"]["home"]["sections"]) == 2
        assert "flash_sale" not in _home_types(check, owner.shop_id)
