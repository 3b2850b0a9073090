"""A shopper's pages while Redis (where the pages keep their state) stops and comes back, on a platform
served with a Redis of this module's own: a clear "service degraded" banner instead of a page that
silently stops answering, and the pages work again once Redis is back, without a restart."""

import re
import tempfile
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import serving_platform
from tests.redis_server import own_redis_server

pytestmark = pytest.mark.own_platform


@pytest.fixture(scope="module")
def pages_redis():
    with own_redis_server() as server:
        yield server


@pytest.fixture(scope="module")
def platform_data() -> Path:
    return Path(tempfile.mkdtemp(prefix="shopapp-e2e-redis-"))


@pytest.fixture(scope="module")
def platform_url(platform_data, pages_redis) -> str:
    with serving_platform(platform_data, REDIS_URL=pages_redis.url, REDIS_RETRY_SECONDS="0", WORKERS="2") as url:
        yield url


def test_a_shopper_sees_the_service_is_degraded_while_redis_is_down_and_carries_on_after(phone, platform_url, pages_redis):
    banner = phone.get_by_test_id("service-degraded")
    phone.goto("/s/demo-tea")
    expect(phone.get_by_role("link", name=re.compile("安吉白茶"))).to_be_visible()
    expect(banner).to_be_hidden()

    pages_redis.stop()
    phone.get_by_role("link", name=re.compile("安吉白茶")).click()
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("服务暂时降级")
    expect(banner).to_contain_text("Service degraded")
    assert httpx.get(platform_url + "/api/v1/health").json() == {"status": "ok", "redis": "degraded"}
    assert httpx.get(platform_url + "/api/v1/store/demo-tea/products").status_code == 200
    product_page = phone.url
    phone.goto("/login")  # a whole new page load: the console's door says it too
    expect(banner).to_be_visible()

    pages_redis.start()
    phone.goto(product_page)
    expect(phone.get_by_test_id("product-title")).to_have_text("安吉白茶 珍稀品种")
    phone.get_by_role("button", name="100克").click()
    expect(phone.get_by_test_id("product-price")).to_have_text("¥224")
    expect(banner).to_be_hidden()
    assert httpx.get(platform_url + "/api/v1/health").json() == {"status": "ok", "redis": "ok"}
    assert pages_redis.client().dbsize() > 0  # the page keeps its state in the restarted Redis again


def test_a_hung_redis_shows_the_banner_too_rather_than_a_page_that_never_answers(phone, platform_url, pages_redis):
    banner = phone.get_by_test_id("service-degraded")
    phone.goto("/s/demo-tea")
    expect(phone.get_by_role("link", name=re.compile("安吉白茶"))).to_be_visible()

    pages_redis.freeze()  # accepts connections, answers nothing
    try:
        phone.get_by_role("link", name=re.compile("安吉白茶")).click()
        # Reflex's client waits without a read timeout: the platform cuts its connections every second
        # while Redis is degraded, and Reflex gives up after its retries.
        expect(banner).to_be_visible(timeout=60_000)
        assert httpx.get(platform_url + "/api/v1/health").json() == {"status": "ok", "redis": "degraded"}
    finally:
        pages_redis.thaw()
    # A lock a cut connection had asked for may hold the page until it expires (10 s), then it answers.
    phone.goto("/s/demo-tea/p/1")
    expect(phone.get_by_test_id("product-title")).to_have_text("西湖龙井绿茶 明前特级", timeout=30_000)
