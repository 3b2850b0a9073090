"""A shop's category tree: add, rename, remove, list."""

from __future__ import annotations

from sqlalchemy import delete, func
from sqlmodel import Session, select

from shopapp.models import Category, ProductCategory
from shopapp.services.catalog import search
from shopapp.services.core.errors import require_fields
from shopapp.services.core.permissions import Actor, require, shop_row
from shopapp.services.core.validation import checked_text

# Categories ----------------------------------------------------------------------------------


def create_category(session: Session, actor: Actor, name: str, parent_id: int | None = None) -> Category:
    require(actor, "manage_catalog")
    errors: dict[str, str] = {}
    name = checked_text(name, errors, "name", limit=40, required=True)
    if parent_id is not None and not categories_exist(session, actor.shop_id, [parent_id]):
        errors["parent_id"] = "category_not_found"
    require_fields(errors)
    siblings = session.exec(
        select(Category.name).where(Category.shop_id == actor.shop_id, Category.parent_id == parent_id)
    ).all()
    if name in siblings:
        require_fields({"name": "category_name_taken"})
    category = Category(shop_id=actor.shop_id, name=name, parent_id=parent_id, position=len(siblings))
    session.add(category)
    session.flush()
    return category


def rename_category(session: Session, actor: Actor, category_id: int, name: str) -> Category:
    require(actor, "manage_catalog")
    category = _category(session, actor.shop_id, category_id)
    errors: dict[str, str] = {}
    name = checked_text(name, errors, "name", limit=40, required=True)
    require_fields(errors)
    taken = session.exec(select(Category.id).where(
        Category.shop_id == actor.shop_id, Category.parent_id == category.parent_id, Category.name == name, Category.id != category.id,
    )).first()
    if taken:
        require_fields({"name": "category_name_taken"})
    category.name = name
    session.add(category)
    session.flush()
    # The name is in its products' search documents.
    search.reindex_category(session, actor.shop_id, category.id)
    return category


def delete_category(session: Session, actor: Actor, category_id: int) -> None:
    """Remove a category; its products stay (only the link goes) and its children move up a level."""
    require(actor, "manage_catalog")
    category = _category(session, actor.shop_id, category_id)
    for child in session.exec(select(Category).where(Category.shop_id == actor.shop_id, Category.parent_id == category.id)).all():
        child.parent_id = category.parent_id
        session.add(child)
    product_ids = session.exec(select(ProductCategory.product_id).where(
        ProductCategory.shop_id == actor.shop_id, ProductCategory.category_id == category.id,
    )).all()
    session.exec(delete(ProductCategory).where(ProductCategory.shop_id == actor.shop_id, ProductCategory.category_id == category.id))
    session.flush()
    session.delete(category)
    session.flush()
    # Its name leaves its products' search documents.
    search.index_products(session, actor.shop_id, sorted(product_ids))


def _category(session: Session, shop_id: int, category_id: int) -> Category:
    return shop_row(session, Category, shop_id, category_id)


def list_categories(session: Session, shop_id: int) -> list[dict]:
    """Every category of the shop, flat; `parent_id` makes the tree."""
    rows = session.exec(
        select(Category).where(Category.shop_id == shop_id).order_by(Category.position, Category.id)
    ).all()
    return [{"id": c.id, "name": c.name, "parent_id": c.parent_id, "position": c.position} for c in rows]


def categories_exist(session: Session, shop_id: int, ids: list) -> bool:
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        return False
    found = session.exec(select(func.count()).where(Category.shop_id == shop_id, Category.id.in_(ids))).one()
    return found == len(set(ids))
