"""Public storefront reads, per shop slug."""

from fastapi import APIRouter

from shopapp.db import session_scope
from shopapp.services import shops

router = APIRouter(prefix="/store/{slug}", tags=["storefront"])


@router.get("")
def shop_home(slug: str):
    with session_scope() as session:
        return shops.shop_public(shops.shop_by_slug(session, slug))
