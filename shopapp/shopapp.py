"""The Reflex app: registers every page, mounts /api/v1 in front, starts the jobs. Nothing else."""

import asyncio
import contextlib

import reflex as rx

# Imported now, not at the first form a shopper sends: Reflex imports it (alembic, pygments: ~0.4 s on the event
# loop) to check a dict argument against it, and a 秒杀's first 立即抢购 in each worker waited for it.
import reflex.model  # noqa: F401

from shopapp import event_gate, redis_states, state_keys, state_zip, tab_headers, tab_socket, worker_tokens
from shopapp.api import create_api, hosts
from shopapp.logs import setup_logging
from shopapp.settings import get_settings
from shopapp.ui import degraded, page_events
from shopapp.ui.console import billing as console_billing  # noqa: F401 - registers /console/billing (套餐与账单)
from shopapp.ui.console import (
    categories,  # noqa: F401 - registers /console/categories
    product_editor,  # noqa: F401 - registers /console/products/[product_id]
    product_import,  # noqa: F401 - registers /console/product-import
    products,  # noqa: F401 - registers /console/products
)
from shopapp.ui.console import customers as console_customers  # noqa: F401 - registers /console/customers[/...], /console/segments
from shopapp.ui.console import domains as console_domains  # noqa: F401 - registers /console/domains
from shopapp.ui.console import finance as console_finance  # noqa: F401 - registers /console/finance
from shopapp.ui.console import home as console_home  # noqa: F401 - registers /console
from shopapp.ui.console import orders as console_orders  # noqa: F401 - registers /console/orders[/...]
from shopapp.ui.console import reports as console_reports  # noqa: F401 - registers /console/reports
from shopapp.ui.console import restock as console_restock  # noqa: F401 - registers /console/restock (建议补货)
from shopapp.ui.console import reviews as console_reviews  # noqa: F401 - registers /console/reviews
from shopapp.ui.console import settings as console_settings  # noqa: F401 - registers /console/settings
from shopapp.ui.console import shipping as console_shipping  # noqa: F401 - registers /console/shipping
from shopapp.ui.console.design import page as console_design  # noqa: F401 - registers /console/design (店铺装修)
from shopapp.ui.console.marketing import affiliates as console_affiliates  # noqa: F401 - registers /console/marketing/affiliates (分销)
from shopapp.ui.console.marketing import bargains as console_bargains  # noqa: F401 - registers /console/marketing/bargains (砍价)
from shopapp.ui.console.marketing import coupons as console_coupons  # noqa: F401 - registers /console/marketing/coupons
from shopapp.ui.console.marketing import flash_sales as console_flash_sales  # noqa: F401 - registers /console/marketing/flash-sales
from shopapp.ui.console.marketing import group_buys as console_group_buys  # noqa: F401 - registers /console/marketing/group-buys
from shopapp.ui.console.marketing import hub as marketing_hub  # noqa: F401 - registers /console/marketing
from shopapp.ui.console.marketing import points as console_points  # noqa: F401 - registers /console/marketing/points
from shopapp.ui.console.marketing import promotions as console_promotions  # noqa: F401 - registers /console/marketing/promotions/[kind]
from shopapp.ui.console.marketing import report as promotion_report  # noqa: F401 - registers /console/marketing/promotion-report/[id]
from shopapp.ui.not_found import not_found_page
from shopapp.ui.platform import (
    invite,  # noqa: F401 - registers /invite/[invite_code]
    password_reset,  # noqa: F401 - registers /forgot-password, /reset-password/[reset_token]
)
from shopapp.ui.platform import ops as platform_ops  # noqa: F401 - registers /ops, /ops/login and the operator pages
from shopapp.ui.platform.home import home_page
from shopapp.ui.platform.login import login_page
from shopapp.ui.platform.signup import signup_page
from shopapp.ui.store import account as store_account  # noqa: F401 - registers /s/[slug]/account and its reset page
from shopapp.ui.store import bargain as store_bargain  # noqa: F401 - registers /s/[slug]/bargain-runs/[run_id] (砍价)
from shopapp.ui.store import cart as store_cart  # noqa: F401 - registers /s/[slug]/cart
from shopapp.ui.store import chat as store_chat  # noqa: F401 - registers /s/[slug]/chat/[chat_key]
from shopapp.ui.store import checkout as store_checkout  # noqa: F401 - registers /s/[slug]/checkout
from shopapp.ui.store import coupons as store_coupons  # noqa: F401 - registers /s/[slug]/account/coupons
from shopapp.ui.store import group as store_group  # noqa: F401 - registers /s/[slug]/groups/[group_id], /s/[slug]/group-buys/[group_buy_id]
from shopapp.ui.store import home as store_home  # noqa: F401 - registers /s/[slug]
from shopapp.ui.store import order as store_order  # noqa: F401 - registers /s/[slug]/orders/[order_no]
from shopapp.ui.store import points as store_points  # noqa: F401 - registers /s/[slug]/account/points (我的积分)
from shopapp.ui.store import points_mall as store_points_mall  # noqa: F401 - registers /s/[slug]/points-mall (积分商城)
from shopapp.ui.store import product as store_product  # noqa: F401 - registers /s/[slug]/p/[product_id]
from shopapp.ui.store import promoter as store_promoter  # noqa: F401 - registers /s/[slug]/account/promoter (推广中心)
from shopapp.ui.store import report as store_report  # noqa: F401 - registers /s/[slug]/report (举报)
from shopapp.ui.store import search as store_search  # noqa: F401 - registers /s/[slug]/search
from shopapp.ui.support import desk  # noqa: F401 - registers /support

setup_logging()
# Before the app exists: its websocket namespace asks Reflex for a token manager when it is made.
worker_tokens.install()
# Page events of a worker through a gate, a few at a time, so a burst does not hold every tab's lock.
event_gate.install()
# Fewer events per storefront navigation: no set_is_hydrated after a @hydrating load, no re-assigned LocalStorage.
page_events.install()
# A connected tab keeps the headers the app reads (cookie, origin, host), not all of them, in the worker and in Redis.
tab_headers.install()
# A tab's engine.io socket in one task, writing as it sends: no writer task, queue or sleeping ping task per tab.
tab_socket.install()

# With Redis, an event's lock and read in one round trip, its save and unlock in another (four in Reflex).
redis_states.install()
# A tab's states in Redis under short keys, none for a state at its defaults: 11 keys, 5.3 KB -> 5 keys, 2.7 KB.
state_keys.install()
# A tab's states stored compressed against the app's own names: a product tab's values 5.2 -> 2.7 KB.
state_zip.install()

app = rx.App(
    api_transformer=create_api(),
    html_lang="zh-CN",
    stylesheets=["/shopapp.css"],
    # The storefront's first-party tracking (assets/track.js): a static deferred file, allowed by script-src
    # 'self'; it counts only /s/ pages and sends after the page is idle.
    head_components=[rx.el.meta(name="viewport", content="width=device-width, initial-scale=1"),
                     rx.el.script(src="/track.js", defer=True), rx.el.script(src="/countdown.js", defer=True)],
    # No toast library (sonner, 9 KB compressed) on every page: nothing calls rx.toast. A lost connection
    # still shows Reflex's connection indicator, only not its "cannot connect" toast.
    toaster=None,
    # A Redis failure shows the degraded banner (every page carries it) instead of that toast.
    backend_exception_handler=degraded.on_backend_error,
    extra_app_wraps={(3, "ServiceDegraded"): lambda stateful: degraded.degraded_banner() if stateful else None},
)
# Shops' own sites (custom domains, subdomains) talk to the same live websocket at PUBLIC_URL.
hosts.allow_shop_sites_on_websocket(app.sio)
app.add_page(home_page, route="/", title="开店宝 · 几分钟开一家自己的网店",
             description="个人网店平台：店铺装修、商品库存、订单物流、营销和智能客服，一站搞定。")
app.add_page(signup_page, route="/signup", title="开店宝 · 免费开店")
app.add_page(login_page, route="/login", title="开店宝 · 登录")
app.add_page(not_found_page, route="404", title="开店宝 · 页面不存在")


@contextlib.asynccontextmanager
async def scheduled_jobs():
    """Jobs run inside the web process unless RUN_JOBS=false (a separate `python -m shopapp jobs`)."""
    if not get_settings().run_jobs:
        yield
        return
    from shopapp import jobs

    stop = jobs.start_in_background()
    try:
        yield
    finally:
        stop.set()
        await asyncio.sleep(0)


app.register_lifespan_task(scheduled_jobs)


@contextlib.asynccontextmanager
async def watching_redis():
    """With REDIS_URL, keep asking Redis in the background (degraded.watch_redis)."""
    if not get_settings().redis_url:
        yield
        return
    stop = asyncio.Event()
    watching = asyncio.create_task(degraded.watch_redis(app, stop))
    try:
        yield
    finally:
        stop.set()
        await watching


app.register_lifespan_task(watching_redis)
