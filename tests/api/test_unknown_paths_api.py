"""An API client that calls a path or method the API does not have gets the JSON error body, never the app's HTML page."""

from __future__ import annotations

import httpx
import pytest
from starlette.responses import HTMLResponse

from shopapp.api import create_api
from tests.api.conftest import serving


async def _html_pages(scope, receive, send):
    """Stands in for Reflex, which mounts its pages behind the API at "" and answers any other path with HTML."""
    await HTMLResponse("<html><body>页面不存在</body></html>", status_code=404)(scope, receive, send)


@pytest.fixture(scope="module")
def app_url(engine) -> str:
    api = create_api()
    api.mount("", _html_pages)  # what rx.App(api_transformer=...) does
    with serving(api) as url:
        yield url


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v1/products/1/no-such-part", "/api/v1/", "/api/v1"])
def test_an_unknown_api_path_answers_404_in_json(app_url, path):
    answer = httpx.get(app_url + path)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json()["error"]["code"] == "not_found"
    assert answer.json()["error"]["message"]


def test_a_wrong_method_answers_405_in_json_with_the_methods_allowed(app_url):
    answer = httpx.delete(app_url + "/api/v1/health")
    assert answer.status_code == 405
    assert answer.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in answer.headers["allow"]
    answer = httpx.put(app_url + "/api/v1/auth/login", json={}, headers={"Accept-Language": "en"})
    assert answer.status_code == 405
    assert answer.json()["error"]["message"] == "Method not allowed"


def test_known_paths_and_the_pages_outside_the_api_are_unchanged(app_url):
    assert httpx.get(app_url + "/api/v1/health").json()["status"] == "ok"
    assert httpx.get(app_url + "/api/v1/openapi.json").status_code == 200
    page = httpx.get(app_url + "/no-such-page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
