"""A shop's storage room: every picture it pays for is counted once, deleting gives the room back, a rolled-back
upload or deletion leaves the total right, and the plan's storage_mb refuses what would pass it."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import update

from shopapp.db import session_scope
from shopapp.models import Plan, ShopPlan
from shopapp.models.base import utcnow
from shopapp.services.catalog import media, products, storage, storage_use
from shopapp.services.core.errors import PlanLimit
from shopapp.services.shops import design, shops
from tests.conftest import make_shop


def picture(size=(300, 200), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def _product(session, actor) -> int:
    return products.create_product(session, actor, {"title": "龙井", "status": "active",
                                                    "variants": [{"price": 1200, "stock": 5}]}).id


def _free_plan_with(session, storage_mb) -> None:
    """The trial ends and the free plan holds `storage_mb`."""
    session.exec(update(Plan).where(Plan.code == "free").values(limits={"products": 50, "staff": 2, "storage_mb": storage_mb}))
    session.exec(update(ShopPlan).values(ends_at=utcnow()))


def _weight(url_or_key: str) -> int:
    """What the files behind a picture weigh on the storage (a product image's folder, or one file's folder)."""
    key = url_or_key.removeprefix("/media/")
    folder = key.rsplit("/", 1)[0] if key.endswith(".webp") else key
    return sum(storage.sizes_under(folder).values())


def test_each_picture_the_shop_pays_for_is_counted_and_deleting_gives_its_room_back(session, owner):
    product_id = _product(session, owner)
    image = media.add_product_image(session, owner, product_id, picture())
    assert storage_use.used_bytes(session, owner.shop_id) == _weight(image.key) > 0

    url = design.add_picture(session, owner, picture(color=(0, 0, 200)))
    again = design.add_picture(session, owner, picture(color=(0, 0, 200)))  # the same picture: the same file
    assert url == again
    logo = shops.set_logo(session, owner, picture((120, 120))).logo_url
    total = _weight(image.key) + _weight(url) + _weight(logo)
    assert storage_use.used_bytes(session, owner.shop_id) == total

    media.delete_image(session, owner, image.id)
    assert storage_use.used_bytes(session, owner.shop_id) == total - _weight(image.key)
    other = make_shop(session, "wine-cellar")
    assert storage_use.used_bytes(session, other.shop_id) == 0  # one shop's pictures never weigh on another


def test_a_rolled_back_upload_or_deletion_leaves_the_total_right(engine):
    with session_scope() as session:
        owner = make_shop(session, "tea-house")
        product_id = _product(session, owner)
        image_id = media.add_product_image(session, owner, product_id, picture()).id
        before = storage_use.used_bytes(session, owner.shop_id)
    with pytest.raises(RuntimeError), session_scope() as session:
        media.add_product_image(session, owner, product_id, picture(color=(1, 2, 3)))
        raise RuntimeError("the request failed after the upload")
    with pytest.raises(RuntimeError), session_scope() as session:
        media.delete_image(session, owner, image_id)
        raise RuntimeError("the request failed after the deletion")
    with session_scope() as session:
        assert storage_use.used_bytes(session, owner.shop_id) == before


def test_an_upload_past_the_plans_room_is_refused_and_names_the_plan_with_more(session, owner):
    product_id = _product(session, owner)
    _free_plan_with(session, 0)
    files_before = storage.sizes_under(f"shops/{owner.shop_id}")
    with pytest.raises(PlanLimit) as refused:
        media.add_product_image(session, owner, product_id, picture())
    assert refused.value.code == "plan_storage_full"
    assert refused.value.params["plan_zh"] == "免费版" and refused.value.params["upgrade_zh"] == "基础版"
    with pytest.raises(PlanLimit):
        design.add_picture(session, owner, picture())
    with pytest.raises(PlanLimit):
        shops.set_logo(session, owner, picture())
    assert storage_use.used_bytes(session, owner.shop_id) == 0
    assert storage.sizes_under(f"shops/{owner.shop_id}") == files_before  # nothing was written


def test_usage_reads_in_megabytes_against_the_plan(session, owner):
    assert storage_use.usage(session, owner.shop_id) == {"used_bytes": 0, "used_mb": "0", "allowed_mb": 50000}
    assert storage_use.mb_text(1536 * 1024) == "1.5" and storage_use.mb_text(10) == "0.1"
