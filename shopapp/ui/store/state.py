"""The storefront's state: which shop (from the URL), the shopper's cart and log-in, never anything of the staff session.

The cart and the shopper's account live in the database; the browser keeps only their tokens
(per shop, in LocalStorage), so a cart survives reloads, return visits and a lost websocket.
"""

import json

import reflex as rx

from shopapp.db import read_scope, session_scope
from shopapp.services.analytics import tracking
from shopapp.services.checkout import cart as carts
from shopapp.services.core.errors import DomainError, NotFound
from shopapp.services.customers import shoppers
from shopapp.services.marketing import affiliates
from shopapp.services.shops import design, shops
from shopapp.ui.state import LangState
from shopapp.ui.store.theme import theme_view


class StoreState(LangState):
    shop: dict[str, str] = {}
    not_found: bool = False
    cart_count: int = 0
    cart_tokens: str = rx.LocalStorage("{}", name="shopapp_carts", sync=True)
    shopper_tokens: str = rx.LocalStorage("{}", name="shopapp_shoppers", sync=True)
    shopper: dict[str, str] = {}  # {"email", "name"} while a shopper is logged in to this shop
    # The design's theme (store/theme.py): CSS variables and the frame's menus; the draft's with ?preview=<token>.
    theme_style: dict[str, str] = {}
    theme: dict[str, str] = {}
    menu: list[dict[str, str]] = []
    tab_bar: list[dict[str, str]] = []
    footer_links: list[dict[str, str]] = []
    affiliate_ref: str = ""  # 分销: the promoter code of the link this tab came by, bound at sign-up or log-in

    def _load_shop(self, count_cart: bool = True):
        """The shop from the URL, the logged-in shopper, and the header's cart count (a page that
        shows the cart itself, `count_cart=False`, sets the count from its own view)."""
        try:
            with read_scope() as session:
                shop = shops.public_shop_by_slug(session, self.slug)
                self._keep(shop={key: str(value) for key, value in shop.items()}, not_found=False)
                self._load_shopper(session)
                if count_cart:
                    self._keep(cart_count=self._count_cart(session))
                self._load_theme(design.design_for_visit(session, shop["id"], self.preview_token())["theme"])
        except NotFound:
            self.shop, self.not_found, self.cart_count, self.shopper = {}, True, 0, {}
            return
        self._follow_ref()

    def _follow_ref(self):
        """A promoter's link (?ref=CODE) binds the logged-in shopper now; a guest's tab keeps the code for
        their sign-up or log-in (a code not of this shop binds nobody)."""
        ref = self.router.url.query_parameters.get("ref", "")
        if not ref:
            return
        self._keep(affiliate_ref=str(ref)[:affiliates.MAX_CODE])
        if self.shopper:
            with session_scope() as session:
                affiliates.bind(session, int(self.shop["id"]), int(self.shopper["id"]), self.affiliate_ref, "visit")

    def preview_token(self) -> str:
        return self.router.url.query_parameters.get("preview", "")

    def _load_theme(self, theme: dict):
        view = theme_view(theme)
        self._keep(theme_style=view["style"], menu=view["menu"], tab_bar=view["tab_bar"], footer_links=view["footer_links"],
                   theme={"button_style": view["button_style"], "header_layout": view["header_layout"], "logo_url": view["logo_url"]})

    def _keep(self, **values):
        """Assign only what changed: Reflex sends (and, with Redis, saves) every var assigned, equal or
        not, and recomputes the computed vars reading it (the chat widget's link reads `shop`), so a page
        load re-assigning the same shop paid for it on every navigation."""
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)

    # The cart's token -----------------------------------------------------------------------

    def _cart_token(self) -> str:
        return _per_shop(self.cart_tokens).get(self.shop.get("slug", ""), "")

    def _remember_cart(self, token: str | None):
        self.cart_tokens = _kept(self.cart_tokens, self.shop.get("slug", ""), token)

    def _keep_cart(self, token: str):
        """The cart's token after an add: assigned only when it is another (a new cart), as LocalStorage
        vars are sent to the browser and saved whenever assigned."""
        if token != self._cart_token():
            self._remember_cart(token)

    def _forget_cart(self):
        self._remember_cart(None)

    def _count_cart(self, session) -> int:
        token = self._cart_token()
        if not token:
            return 0
        try:
            return carts.item_count(session, int(self.shop["id"]), token)
        except DomainError:
            return 0

    # The visit (analytics) ------------------------------------------------------------------

    def _visitor_id(self) -> str:
        """The storefront tracker's first-party visitor id (cookie _vid, never set under DNT / GPC), as this
        page's connection brought it."""
        return tracking.visitor_from_cookies(self.router.headers.cookie)

    def _track_cart_add(self, session, product_id: str) -> None:
        """Add-to-cart is recorded here, where it is exact (the cart took it), not from the browser."""
        tracking.record_server_event(session, int(self.shop["id"]), self._visitor_id(), "add_to_cart",
                                     int(product_id), path=self.router.url.path)

    # The shopper's log-in -------------------------------------------------------------------

    def _shopper_id(self) -> int | None:
        """The logged-in shopper's customer id (None: a guest), whose cart a new cart is."""
        return int(self.shopper["id"]) if self.shopper else None

    def _shopper_token(self) -> str:
        return _per_shop(self.shopper_tokens).get(self.shop.get("slug", ""), "")

    def _remember_shopper(self, logged_in: shoppers.LoggedIn):
        """After log-in or registration: keep the token and the cart the account now owns."""
        self.shopper_tokens = _kept(self.shopper_tokens, self.shop["slug"], logged_in.token)
        self.shopper = _shopper_view(logged_in.customer)
        if logged_in.cart_token:
            self._remember_cart(logged_in.cart_token)

    def _forget_shopper(self):
        """After log-out: the account's cart stays with the account, not on this device."""
        self.shopper_tokens = _kept(self.shopper_tokens, self.shop.get("slug", ""), None)
        self.shopper = {}
        self._forget_cart()
        self.cart_count = 0

    def _load_shopper(self, session):
        token = self._shopper_token()
        if not token:
            self._keep(shopper={})
            return
        try:
            self._keep(shopper=_shopper_view(shoppers.customer_dict(shoppers.customer_for_token(session, int(self.shop["id"]), token))))
        except DomainError:  # expired or logged out elsewhere
            self.shopper_tokens = _kept(self.shopper_tokens, self.shop["slug"], None)
            self.shopper = {}


def _shopper_view(customer: dict) -> dict[str, str]:
    return {
        "id": str(customer["id"]), "email": customer["email"], "name": customer["name"] or customer["email"],
        "verified": "yes" if customer.get("email_verified") else "",
    }


def _per_shop(raw: str) -> dict[str, str]:
    """A LocalStorage value holding one token per shop slug; anything unreadable counts as none."""
    try:
        tokens = json.loads(raw or "{}")
    except ValueError:
        return {}
    return tokens if isinstance(tokens, dict) else {}


def _kept(raw: str, slug: str, token: str | None) -> str:
    tokens = _per_shop(raw)
    if token:
        tokens[slug] = token
    else:
        tokens.pop(slug, None)
    return json.dumps(tokens)
