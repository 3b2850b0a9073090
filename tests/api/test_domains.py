"""Custom domains and subdomains over HTTP: records to create, verification against a local DNS server,
the shop served by Host once verified, and every way a Host or a claim is refused."""

from __future__ import annotations

import httpx
import pytest

from shopapp.services.platform import domains
from shopapp.settings import get_settings
from tests.api.conftest import signup
from tests.dns_fake import dns_server


@pytest.fixture
def zone(monkeypatch):
    with dns_server() as (zone, address):
        monkeypatch.setenv("DNS_NAMESERVER", address)
        monkeypatch.setenv("PLATFORM_DOMAIN", "shops.example")
        get_settings.cache_clear()
        domains.forget_cache()
        yield zone
    monkeypatch.undo()
    get_settings.cache_clear()
    domains.forget_cache()


def _add(client, shop, hostname="shop.example.com"):
    answer = client.post("/domains", json={"hostname": hostname}, headers=shop["headers"])
    assert answer.status_code == 201, answer.text
    return answer.json()


def _publish(zone, domain):
    for record in domain["records"]:
        zone.set(record["name"], record["type"], record["value"])


def _get(api_url, host, path="/"):
    return httpx.get(api_url + path, headers={"Host": host}, timeout=30)


def test_an_owner_adds_a_domain_and_sees_the_records_to_create(client, zone):
    shop = signup(client)
    domain = _add(client, shop, "Shop.Example.com.")
    assert domain["hostname"] == "shop.example.com" and domain["status"] == "pending"
    records = {r["type"]: r for r in domain["records"]}
    assert records["CNAME"] == {"type": "CNAME", "name": "shop.example.com", "value": "shops.example"}
    assert records["TXT"]["name"] == "_shopapp-verify.shop.example.com"
    assert records["TXT"]["value"].startswith("shopapp-verify=")
    listed = client.get("/domains", headers=shop["headers"]).json()
    assert [d["hostname"] for d in listed["items"]] == ["shop.example.com"]


def test_a_verified_domain_serves_the_shop_with_its_own_addresses(client, api_url, zone):
    shop = signup(client)
    domain = _add(client, shop)
    assert _get(api_url, "shop.example.com").status_code == 404  # not before it is verified
    _publish(zone, domain)
    verified = client.post(f"/domains/{domain['id']}/verify", headers=shop["headers"])
    assert verified.status_code == 200, verified.text
    assert verified.json()["status"] == "verified"

    home = _get(api_url, "shop.example.com")
    assert home.status_code == 200
    assert '<link rel="canonical" href="http://shop.example.com/"/>' in home.text
    assert '<meta property="og:url" content="http://shop.example.com/"/>' in home.text
    assert 'data-path="/s/tea-house"' in home.text
    sitemap = _get(api_url, "shop.example.com", "/sitemap.xml")
    assert sitemap.status_code == 200 and "<loc>http://shop.example.com/</loc>" in sitemap.text
    assert "/s/tea-house" not in sitemap.text
    # The storefront's own paths work there too (its links use them); another shop's never do.
    signup(client, "other-shop")
    assert _get(api_url, "shop.example.com", "/s/tea-house").status_code == 200
    assert _get(api_url, "shop.example.com", "/s/other-shop").status_code == 404
    cart = _get(api_url, "shop.example.com", "/cart")
    assert cart.status_code == 200 and 'data-path="/s/tea-house/cart"' in cart.text
    # The TLS proxy may get a certificate for it, and for nothing else.
    assert client.get("/domains/check", params={"domain": "shop.example.com"}).status_code == 200
    assert client.get("/domains/check", params={"domain": "nobody.example.org"}).status_code == 404


def test_a_wrong_txt_record_is_refused_and_nothing_changes(client, api_url, zone):
    shop = signup(client)
    domain = _add(client, shop)
    zone.set("_shopapp-verify.shop.example.com", "TXT", "shopapp-verify=not-the-token")
    zone.set("shop.example.com", "CNAME", "shops.example")
    refused = client.post(f"/domains/{domain['id']}/verify", headers=shop["headers"])
    assert refused.status_code == 422
    body = refused.json()["error"]
    assert body["code"] == "domain_txt_wrong" and "TXT" in body["message"]
    assert client.get("/domains", headers=shop["headers"]).json()["items"][0]["status"] == "pending"
    assert _get(api_url, "shop.example.com").status_code == 404
    english = client.post(f"/domains/{domain['id']}/verify", headers={**shop["headers"], "Accept-Language": "en"})
    assert "TXT" in english.json()["error"]["message"]


def test_a_missing_cname_is_refused(client, zone):
    shop = signup(client)
    domain = _add(client, shop)
    txt = next(r for r in domain["records"] if r["type"] == "TXT")
    zone.set(txt["name"], "TXT", txt["value"])
    zone.set("shop.example.com", "CNAME", "elsewhere.example.net")
    refused = client.post(f"/domains/{domain['id']}/verify", headers=shop["headers"])
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "domain_cname_wrong"


def test_a_domain_claimed_by_another_shop_is_refused(client, zone):
    first, second = signup(client), signup(client, "other-shop")
    _add(client, first)
    taken = client.post("/domains", json={"hostname": "shop.example.com"}, headers=second["headers"])
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "domain_taken"
    assert client.get("/domains", headers=second["headers"]).json()["items"] == []
    # Nor can one shop verify another's domain by its id.
    domain_id = client.get("/domains", headers=first["headers"]).json()["items"][0]["id"]
    assert client.post(f"/domains/{domain_id}/verify", headers=second["headers"]).status_code == 404


def test_bad_hostnames_are_refused(client, zone):
    shop = signup(client)
    for bad in ("", "not a host", "localhost", "tea-house.shops.example", "shops.example", "127.0.0.1", "-x.example.com"):
        answer = client.post("/domains", json={"hostname": bad}, headers=shop["headers"])
        assert answer.status_code == 422, bad


def test_subdomains_serve_their_shop_and_unknown_hosts_are_a_plain_404(client, api_url, zone):
    signup(client)
    home = _get(api_url, "tea-house.shops.example")
    assert home.status_code == 200 and '<link rel="canonical" href="http://tea-house.shops.example/"/>' in home.text
    assert "<body><first-screen" in home.text and "tea-house 店" in home.text.split("</first-screen>")[0]  # its first screen too
    for host in ("nobody.shops.example", "evil.example.org", "a.b.shops.example"):
        answer = _get(api_url, host)
        assert answer.status_code == 404 and answer.text == "Not Found", host
        assert "tea-house" not in answer.text
    # The platform's own names are the platform as before.
    assert _get(api_url, "shops.example", "/api/v1/health").status_code == 200


def test_the_live_websocket_accepts_the_platform_and_verified_shop_sites_only(client, zone):
    from shopapp.api import hosts
    from shopapp.api.security import public_origin

    shop = signup(client)
    domain = _add(client, shop)
    assert hosts.websocket_origin_allowed(public_origin())
    assert not hosts.websocket_origin_allowed("http://shop.example.com")  # not verified yet
    _publish(zone, domain)
    assert client.post(f"/domains/{domain['id']}/verify", headers=shop["headers"]).status_code == 200
    assert hosts.websocket_origin_allowed("https://shop.example.com")
    assert hosts.websocket_origin_allowed("http://tea-house.shops.example:8000")
    for other in ("https://evil.example.org", "http://localhost:9999", "null"):
        assert not hosts.websocket_origin_allowed(other), other
