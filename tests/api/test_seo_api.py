"""What a chat app or a search engine sees when it fetches a shop or product link (no JavaScript)."""

import json
import re

import httpx

from shopapp.db import session_scope
from shopapp.services import accounts, catalog


def make_product(token: str) -> int:
    with session_scope() as session:
        actor = accounts.authenticate(session, token)
        product = catalog.create_product(session, actor, {
            "title": "西湖龙井 <明前>", "status": "active", "description_html": "<p>豆花香 &amp; 回甘</p>",
            "variants": [{"sku": "LJ-50", "price": 12800, "stock": 3}],
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
