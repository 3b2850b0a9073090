"""The storefront's state: which shop (from the URL), never anything of the staff session."""

import reflex as rx

from shopapp.db import session_scope
from shopapp.services import shops
from shopapp.services.errors import NotFound
from shopapp.ui.state import LangState


class StoreState(LangState):
    shop: dict[str, str] = {}
    not_found: bool = False

    def _load_shop(self):
        try:
            with session_scope() as session:
                shop = shops.shop_public(shops.shop_by_slug(session, self.slug))
        except NotFound:
            self.shop, self.not_found = {}, True
            return
        self.shop = {key: str(value) for key, value in shop.items()}
        self.not_found = False
