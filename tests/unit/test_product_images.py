"""A product's pictures after upload: alt text, order (the first is the main image), deletion."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from shopapp.services.catalog import media, products, storage, views
from shopapp.services.core.errors import Forbidden, Invalid, NotFound
from shopapp.services.core.permissions import Actor
from shopapp.settings import load_settings
from tests.conftest import make_shop


@pytest.fixture(autouse=True)
def media_dir(tmp_path, monkeypatch):
    settings = load_settings({"DATA_DIR": str(tmp_path / "data")})
    monkeypatch.setattr(storage, "get_settings", lambda: settings)
    return settings.media_dir


@pytest.fixture
def tea(session, owner):
    return products.create_product(session, owner, {"title": "龙井", "variants": [{"price": 100}]})


def picture(colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), colour).save(buffer, "PNG")
    return buffer.getvalue()


def images(session, product) -> list[dict]:
    return views.product_dict(session, product, with_cost=True)["images"]


def files(media_dir) -> int:
    return sum(1 for path in media_dir.rglob("*.webp")) if media_dir.exists() else 0


def test_any_image_can_become_the_main_image(session, owner, tea):
    first, second, third = (media.add_product_image(session, owner, tea.id, picture(), alt=str(n)) for n in range(3))

    media.update_image(session, owner, third.id, position=0)
    assert [i["alt"] for i in images(session, tea)] == ["2", "0", "1"]

    media.update_image(session, owner, third.id, position=99)  # past the end: the last place
    assert [i["alt"] for i in images(session, tea)] == ["0", "1", "2"]


def test_alt_text_is_changed_and_checked(session, owner, tea):
    image = media.add_product_image(session, owner, tea.id, picture())

    media.update_image(session, owner, image.id, alt="  明前龙井茶叶特写 ")
    assert images(session, tea)[0]["alt"] == "明前龙井茶叶特写"

    with pytest.raises(Invalid) as refused:
        media.update_image(session, owner, image.id, alt="茶" * 201, position=-1)
    assert refused.value.fields == {"alt": "too_long", "position": "must_not_be_negative"}


def test_deleting_an_image_promotes_the_next_and_removes_its_files_once_committed(session, owner, tea, media_dir):
    main, other = (media.add_product_image(session, owner, tea.id, picture(), alt=alt) for alt in ("主图", "细节"))
    session.commit()
    stored = files(media_dir)

    media.delete_image(session, owner, main.id)
    assert files(media_dir) == stored  # a rollback could still bring the row back
    session.commit()

    assert files(media_dir) < stored
    assert [(i["id"], i["alt"]) for i in images(session, tea)] == [(other.id, "细节")]
    assert storage.get(f"{other.key}/160.webp")


def test_a_rolled_back_deletion_keeps_the_files(session, owner, tea, media_dir):
    image = media.add_product_image(session, owner, tea.id, picture())
    session.commit()
    stored = files(media_dir)

    media.delete_image(session, owner, image.id)
    session.rollback()
    products.update_product(session, owner, tea.id, {"title": "新龙井"})
    session.commit()

    assert files(media_dir) == stored and len(images(session, tea)) == 1


def test_deleting_a_product_removes_its_image_files(session, owner, tea, media_dir):
    media.add_product_image(session, owner, tea.id, picture())
    session.commit()

    products.delete_product(session, owner, tea.id)
    session.commit()

    assert files(media_dir) == 0


def test_another_shops_image_or_the_wrong_product_is_not_found(session, owner, tea):
    image = media.add_product_image(session, owner, tea.id, picture())
    other_product = products.create_product(session, owner, {"title": "红茶", "variants": [{"price": 1}]})
    other_shop = make_shop(session, "green-leaf")
    with pytest.raises(NotFound):
        media.update_image(session, other_shop, image.id, alt="偷改")
    with pytest.raises(NotFound):
        media.delete_image(session, other_shop, image.id)
    with pytest.raises(NotFound):
        media.update_image(session, owner, image.id, alt="x", product_id=other_product.id)
    assert images(session, tea)[0]["alt"] == ""


def test_support_staff_cannot_change_images(session, owner, tea):
    image = media.add_product_image(session, owner, tea.id, picture())
    support = Actor(shop_id=owner.shop_id, role="support", user_id=999)
    with pytest.raises(Forbidden):
        media.update_image(session, support, image.id, alt="x")
    with pytest.raises(Forbidden):
        media.delete_image(session, support, image.id)
