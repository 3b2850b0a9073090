"""The storefront's state: which shop (from the URL) and the shopper's cart, never anything of the staff session.

The cart lives in the database; the browser keeps only its token (per shop, in LocalStorage),
so a cart survives reloads, return visits and a lost websocket.
"""

import json

import reflex as rx

from shopapp.db import session_scope
from shopapp.services import cart as carts
from shopapp.services import shops
from shopapp.services.errors import DomainError, NotFound
from shopapp.ui.state import LangState


class StoreState(LangState):
    shop: dict[str, str] = {}
    not_found: bool = False
    cart_count: int = 0
    cart_tokens: str = rx.LocalStorage("{}", name="shopapp_carts", sync=True)

    def _load_shop(self):
        try:
            with session_scope() as session:
                shop = shops.shop_public(shops.shop_by_slug(session, self.slug))
                self.shop = {key: str(value) for key, value in shop.items()}
                self.not_found = False
                self.cart_count = self._count_cart(session)
        except NotFound:
            self.shop, self.not_found, self.cart_count = {}, True, 0

    def _cart_token(self) -> str:
        return self._tokens().get(self.shop.get("slug", ""), "")

    def _remember_cart(self, token: str):
        self.cart_tokens = json.dumps({**self._tokens(), self.shop["slug"]: token})

    def _forget_cart(self):
        tokens = self._tokens()
        tokens.pop(self.shop.get("slug", ""), None)
        self.cart_tokens = json.dumps(tokens)

    def _tokens(self) -> dict[str, str]:
        try:
            tokens = json.loads(self.cart_tokens or "{}")
        except ValueError:
            return {}
        return tokens if isinstance(tokens, dict) else {}

    def _count_cart(self, session) -> int:
        token = self._cart_token()
        if not token:
            return 0
        try:
            return carts.view_cart(session, int(self.shop["id"]), token)["item_count"]
        except DomainError:
            return 0

    def _cart_token_or_new(self, session) -> str:
        """This shop's cart, made on the first add (an unknown or expired token gets a new cart)."""
        token = self._cart_token()
        if token:
            try:
                carts.load_cart(session, int(self.shop["id"]), token)
                return token
            except NotFound:
                pass
        token = carts.create_cart(session, int(self.shop["id"]))
        self._remember_cart(token)
        return token
