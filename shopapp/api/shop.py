"""The token's own shop: read and change its profile."""

from fastapi import APIRouter, Request

from shopapp.api.deps import acting, jsonable
from shopapp.services.shops import shops

router = APIRouter(prefix="/shop", tags=["shop"])


@router.get("")
def get_shop(request: Request):
    with acting(request) as (session, actor):
        return shops.shop_settings(shops.get_shop(session, actor.shop_id))


@router.patch("")
def update_shop(changes: dict, request: Request):
    with acting(request) as (session, actor):
        return jsonable(shops.shop_settings(shops.update_profile(session, actor, changes)))
