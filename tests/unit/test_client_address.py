"""Log-in limits count by the shopper's address: behind our own proxy it is read from X-Forwarded-For,
otherwise the header (which anyone can send) is ignored."""

from types import SimpleNamespace

import pytest
from starlette.requests import Request

from shopapp.api import deps


def _request(peer: str, forwarded: str | None = None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return Request({"type": "http", "headers": headers, "client": (peer, 5000)})


@pytest.fixture
def hops(monkeypatch):
    def behind(count: int) -> None:
        monkeypatch.setattr(deps, "get_settings", lambda: SimpleNamespace(trusted_proxy_hops=count))
    return behind


def test_without_a_proxy_a_forged_header_changes_nothing(hops):
    hops(0)
    assert deps.client_ip(_request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


def test_behind_one_proxy_the_address_it_saw_counts(hops):
    hops(1)
    # The shopper forged the first entry; our nginx appended the address it really saw.
    assert deps.client_ip(_request("127.0.0.1", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    assert deps.client_ip(_request("127.0.0.1")) == "127.0.0.1"  # no header: the proxy itself
