"""Route constants and URL builders, so a path is written once.

The storefront's builders join with `+`, so they take a plain slug or a page's Var alike
(`store_cart(StoreState.shop["slug"])` is a Var the browser fills in).
"""

from urllib.parse import urlencode

HOME = "/"
SIGNUP = "/signup"
LOGIN = "/login"
INVITE = "/invite/[invite_code]"
FORGOT_PASSWORD = "/forgot-password"
RESET_PASSWORD = "/reset-password/[reset_token]"
CONSOLE = "/console"
CONSOLE_SETTINGS = "/console/settings"
CONSOLE_PRODUCTS = "/console/products"
CONSOLE_PRODUCT_NEW = "/console/products/new"
CONSOLE_PRODUCT_IMPORT = "/console/product-import"
CONSOLE_RESTOCK = "/console/restock"
CONSOLE_PRODUCT = "/console/products/[product_id]"
CONSOLE_CATEGORIES = "/console/categories"
CONSOLE_ORDERS = "/console/orders"
CONSOLE_SHIPPING = "/console/shipping"
CONSOLE_FINANCE = "/console/finance"
CONSOLE_BILLING = "/console/billing"  # 套餐与账单
CONSOLE_DOMAINS = "/console/domains"
CONSOLE_REPORTS = "/console/reports"
CONSOLE_POINTS = "/console/marketing/points"
CONSOLE_MARKETING = "/console/marketing"
CONSOLE_PROMOTIONS = "/console/marketing/promotions/[kind]"
CONSOLE_PROMOTION_REPORT = "/console/marketing/promotion-report/[promotion_id]"
CONSOLE_COUPONS = "/console/marketing/coupons"
CONSOLE_FLASH_SALES = "/console/marketing/flash-sales"
CONSOLE_GROUP_BUYS = "/console/marketing/group-buys"
CONSOLE_REVIEWS = "/console/reviews"
CONSOLE_CUSTOMERS = "/console/customers"
CONSOLE_CUSTOMER = "/console/customers/[customer_id]"
CONSOLE_SEGMENTS = "/console/segments"
CONSOLE_CAMPAIGNS = "/console/campaigns"
CONSOLE_CAMPAIGN = "/console/campaigns/[campaign_id]"
SUPPORT = "/support"
CONSOLE_ORDER = "/console/orders/[order_id]"
STORE_HOME = "/s/[slug]"
STORE_PRODUCT = "/s/[slug]/p/[product_id]"
STORE_CART = "/s/[slug]/cart"
STORE_SEARCH = "/s/[slug]/search"
STORE_CHAT = "/s/[slug]/chat/[chat_key]"
STORE_CHECKOUT = "/s/[slug]/checkout"
STORE_ORDER = "/s/[slug]/orders/[order_no]"
STORE_ACCOUNT = "/s/[slug]/account"
STORE_MICRO_PAGE = "/s/[slug]/pages/[handle]"
STORE_GROUP = "/s/[slug]/groups/[group_id]"
STORE_GROUP_OPEN = "/s/[slug]/group-buys/[group_buy_id]"
CONSOLE_DESIGN = "/console/design"
STORE_POINTS = "/s/[slug]/account/points"
STORE_COUPONS = "/s/[slug]/account/coupons"
STORE_PROMOTER = "/s/[slug]/account/promoter"
CONSOLE_AFFILIATES = "/console/marketing/affiliates"
STORE_POINTS_MALL = "/s/[slug]/points-mall"
STORE_PASSWORD_RESET = "/s/[slug]/account/reset/[reset_token]"
STORE_VERIFY_EMAIL = "/s/[slug]/account/verify/[verify_token]"
STORE_BARGAIN_RUN = "/s/[slug]/bargain-runs/[run_id]"
CONSOLE_BARGAINS = "/console/marketing/bargains"
# Server routes (FastAPI) a page leaves to with a full page load: the session cookie is set and cleared there.
SESSION_START = "/api/v1/session/start"
SESSION_END = "/api/v1/session/end"
# The platform operator's console (issue 23) and its own cookie's server routes.
OPS = "/ops"
OPS_LOGIN = "/ops/login"
OPS_SHOP = "/ops/shops/[shop_id]"
OPS_FIGURES = "/ops/figures"
OPS_PLANS = "/ops/plans"
OPS_AUDIT = "/ops/audit"
OPS_REPORTS = "/ops/reports"
OPS_PAYOUTS = "/ops/payouts"
OPS_INVOICES = "/ops/invoices"
STORE_REPORT = "/s/[slug]/report"
OPS_SESSION_START = "/api/v1/ops-session/start"
OPS_SESSION_END = "/api/v1/ops-session/end"


def store_report(slug):
    return "/s/" + slug + "/report"


def ops_shop(shop_id) -> str:
    return "/ops/shops/" + shop_id.to(str) if hasattr(shop_id, "to") else f"/ops/shops/{shop_id}"


def store_home(slug):
    return "/s/" + slug


def product_page(slug: str, product_id: int) -> str:
    return f"/s/{slug}/p/{product_id}"


def console_promotions(kind: str) -> str:
    return f"/console/marketing/promotions/{kind}"


def console_promotion_report(promotion_id) -> str:
    return "/console/marketing/promotion-report/" + promotion_id


def console_product(product_id: int | str) -> str:
    return f"/console/products/{product_id}"


def store_checkout(slug):
    return "/s/" + slug + "/checkout"


def store_cart(slug):
    return "/s/" + slug + "/cart"


def store_search(slug, **query: str):
    """The shop's search page; `query` (q=, category=) as given, in that order, empty values kept."""
    path = "/s/" + slug + "/search"
    return path + "?" + urlencode(query) if query else path


def store_chat(slug: str, chat_key: str) -> str:
    """A conversation's own link: `chat_key` is "<id>.<token>"."""
    return f"/s/{slug}/chat/{chat_key}"


def store_order(slug: str, order_no: str, token: str) -> str:
    return f"/s/{slug}/orders/{order_no}?token={token}"


def store_account(slug):
    return "/s/" + slug + "/account"


def store_points(slug):
    return "/s/" + slug + "/account/points"


def store_coupons(slug):
    return "/s/" + slug + "/account/coupons"


def store_promoter(slug):
    return "/s/" + slug + "/account/promoter"


def promoter_poster(slug: str, code: str) -> str:
    """A promoter's share poster (the REST API draws the PNG)."""
    return f"/api/v1/store/{slug}/affiliates/{code}/poster.png"


def store_points_mall(slug):
    return "/s/" + slug + "/points-mall"


def store_account_order(slug: str, order_no: str) -> str:
    """An order in the shopper's account: the page opens it with their log-in, no link token."""
    return f"/s/{slug}/orders/{order_no}"


def console_customer(customer_id: int | str) -> str:
    return f"/console/customers/{customer_id}"


def console_campaign(campaign_id: int | str, segment: int | str | None = None) -> str:
    """One e-mail campaign's page; "new" with a segment already chosen when it comes from the segments page."""
    return f"/console/campaigns/{campaign_id}" + (f"?segment={segment}" if segment is not None else "")


def console_customers_in(segment: int | str) -> str:
    """The customer list showing one segment (a saved one's id or a built-in group's key)."""
    return f"/console/customers?segment={segment}"


def console_order(order_id: int | str) -> str:
    return f"/console/orders/{order_id}"


def shipment_label(shipment_id: int | str) -> str:
    """A parcel's shipping label (the REST API serves the PDF)."""
    return f"/api/v1/shipments/{shipment_id}/label.pdf"


def shipment_labels(shipment_ids: list[int]) -> str:
    """Several parcels' labels in one PDF, for printing in one go."""
    return f"/api/v1/shipments/labels.pdf?ids={','.join(map(str, shipment_ids))}"


def store_bargain_run(slug, run_id) -> str:
    return f"/s/{slug}/bargain-runs/{run_id}"


def store_log_in_then(slug, path: str) -> str:
    """The shop's log-in page, coming back to `path` (one of the shop's pages) once logged in."""
    return f"/s/{slug}/account?" + urlencode({"next": path})
def store_group(slug, group_id):
    """A group's page: who has joined, how many are missing, the share link and the join form."""
    return "/s/" + slug + "/groups/" + group_id
def store_group_open(slug, group_buy_id):
    """Where a shopper opens a new group of a group buy."""
    return "/s/" + slug + "/group-buys/" + group_buy_id
