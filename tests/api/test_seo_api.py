"""What a chat app or a search engine sees when it fetches a shop or product link (no JavaScript)."""

import io
import json
import re

import httpx
import pytest
from PIL import Image

from shopapp.api import seo as seo_api
from shopapp.db import session_scope
from shopapp.services.catalog import products
from shopapp.services.shops import accounts


def make_product(token: str, sku: str = "LJ-50") -> int:
    with session_scope() as session:
        actor = accounts.authenticate(session, token)
        product = products.create_product(session, actor, {
            "title": "西湖龙井 <明前>", "status": "active", "description_html": "<p>豆花香 &amp; 回甘</p>",
            "variants": [{"sku": sku, "price": 12800, "stock": 3}],
        })
        session.flush()
        return product.id


def head_of(answer: httpx.Response) -> str:
    return answer.text.split("</head>")[0]


def test_a_product_link_carries_its_title_description_and_json_ld(api_url, shop):
    product_id = make_product(shop["token"])
    answer = httpx.get(f"{api_url}/s/tea-house/p/{product_id}")
    assert answer.status_code == 200
    head = head_of(answer)
    assert "<title>西湖龙井 &lt;明前&gt; · tea-house 店</title>" in head
    assert '<meta property="og:title" content="西湖龙井 &lt;明前&gt; · tea-house 店"/>' in head
    assert '<meta name="description" content="豆花香 &amp; 回甘"/>' in head
    assert f'<link rel="canonical" href="http://localhost:8000/s/tea-house/p/{product_id}"/>' in head
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', head).group(1))
    assert data["@type"] == "Product" and data["offers"]["price"] == "128" and data["offers"]["priceCurrency"] == "CNY"
    assert data["offers"]["availability"] == "https://schema.org/InStock"


def test_a_shop_link_carries_the_shop_name(api_url, shop):
    head = head_of(httpx.get(f"{api_url}/s/tea-house"))
    assert "<title>tea-house 店</title>" in head and 'og:type" content="website"' in head


def test_missing_shops_and_products_answer_404(api_url, shop):
    assert httpx.get(f"{api_url}/s/no-such-shop").status_code == 404
    assert httpx.get(f"{api_url}/s/tea-house/p/999999").status_code == 404


def test_each_shop_has_a_sitemap_of_its_active_products(api_url, shop):
    product_id = make_product(shop["token"])
    answer = httpx.get(f"{api_url}/s/tea-house/sitemap.xml")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/xml")
    assert f"/s/tea-house/p/{product_id}</loc>" in answer.text


# What the page asks for first --------------------------------------------------------------------

def add_picture(client, shop, product_id: int) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 600), (30, 160, 60)).save(buffer, "PNG")
    answer = client.post(f"/products/{product_id}/images", files={"file": ("茶.png", buffer.getvalue(), "image/png")},
                         headers=shop["headers"])
    assert answer.status_code == 201, answer.text
    return answer.json()


def preloaded_picture(answer: httpx.Response) -> str | None:
    found = re.search(r'<link rel="preload" as="image" href="([^"]+)" fetchpriority="high"/>', head_of(answer))
    return found and found.group(1)


def test_a_product_page_asks_for_its_main_picture_with_the_page(api_url, client, shop):
    product_id = make_product(shop["token"])
    assert preloaded_picture(httpx.get(f"{api_url}/s/tea-house/p/{product_id}")) is None  # no picture, no hint
    picture = add_picture(client, shop, product_id)
    add_picture(client, shop, product_id)
    assert preloaded_picture(httpx.get(f"{api_url}/s/tea-house/p/{product_id}")) == picture["url"]  # the gallery's first, full size


def test_a_shop_home_asks_for_its_first_product_card_picture(api_url, client, shop):
    older = make_product(shop["token"])
    add_picture(client, shop, older)
    newest = make_product(shop["token"], sku="LJ-100")
    picture = add_picture(client, shop, newest)
    # The default home: a banner without a picture, then the newest products first, as cards.
    assert preloaded_picture(httpx.get(f"{api_url}/s/tea-house")) == picture["thumb_url"]


@pytest.fixture
def built_shell(tmp_path, monkeypatch):
    """A front-end build in miniature: the shell preloads the app's own code, the manifest knows the routes."""
    assets = tmp_path / "assets"
    assets.mkdir()
    (tmp_path / "__spa-fallback.html").write_text(
        '<!DOCTYPE html><html><head><link rel="modulepreload" href="/assets/manifest-0a1b.js"/>'
        '<link rel="modulepreload" href="/assets/react-1.js"/></head><body></body></html>'
    )
    routes = {
        "root": {"id": "root", "path": "", "module": "/assets/root-1.js", "imports": ["/assets/react-1.js"]},
        "routes/[s].$[slug]._index": {"path": "s/:slug", "module": "/assets/shop-1.js", "imports": ["/assets/react-1.js", "/assets/cards-1.js"]},
        "routes/[s].$[slug].[p].$[product_id]._index": {"path": "s/:slug/p/:product_id", "module": "/assets/product-1.js", "imports": []},
    }
    (assets / "manifest-0a1b.js").write_text("window.__reactRouterManifest=" + json.dumps({"routes": routes}) + ";")
    monkeypatch.setattr(seo_api, "SHELL", tmp_path / "__spa-fallback.html")
    monkeypatch.setattr(seo_api, "ASSETS", assets)


def module_preloads(answer: httpx.Response) -> list[str]:
    return re.findall(r'<link rel="modulepreload" href="([^"]+)"/>', head_of(answer))


def test_each_page_preloads_its_route_code_once(api_url, shop, built_shell):
    product_id = make_product(shop["token"])
    # The route's module and its imports join what the shell already preloads; nothing twice.
    assert module_preloads(httpx.get(f"{api_url}/s/tea-house")) == [
        "/assets/manifest-0a1b.js", "/assets/react-1.js", "/assets/shop-1.js", "/assets/cards-1.js"]
    assert module_preloads(httpx.get(f"{api_url}/s/tea-house/p/{product_id}"))[-1] == "/assets/product-1.js"


def test_a_missing_or_broken_manifest_only_loses_the_hints(api_url, shop, built_shell):
    (seo_api.ASSETS / "manifest-0a1b.js").write_text("window.__reactRouterManifest=<not json>;")
    answer = httpx.get(f"{api_url}/s/tea-house")
    assert answer.status_code == 200 and module_preloads(answer) == ["/assets/manifest-0a1b.js", "/assets/react-1.js"]


@pytest.mark.skipif(not seo_api.SHELL.exists(), reason="needs the front end built (make run)")
def test_with_the_real_build_every_preload_names_a_file_that_exists(api_url, shop):
    links = module_preloads(httpx.get(f"{api_url}/s/tea-house"))
    assert any("_s_.__slug_._index" in link for link in links), links  # the home route's own chunk
    for link in links:
        assert (seo_api.ASSETS / link.removeprefix("/assets/")).is_file(), link
