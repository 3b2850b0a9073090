"""API tests talk real HTTP to the FastAPI app, served by uvicorn on a free local port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn

from shopapp.api import create_api


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(app) -> Iterator[str]:
    """The ASGI app served by uvicorn in a thread on a free local port; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def api_url(engine) -> str:
    with serving(create_api()) as url:
        yield url


@pytest.fixture
def client(api_url) -> httpx.Client:
    with httpx.Client(base_url=api_url + "/api/v1", timeout=30) as client:
        yield client


def signup(client: httpx.Client, slug: str = "tea-house", email: str | None = None) -> dict:
    """Sign up a shop and return {"token", "shop", "headers"}."""
    answer = client.post("/auth/signup", json={
        "email": email or f"{slug}@example.com", "password": "secret-pass", "shop_name": f"{slug} 店", "shop_slug": slug,
    })
    assert answer.status_code == 201, answer.text
    body = answer.json()
    body["headers"] = {"Authorization": f"Bearer {body['token']}"}
    return body


@pytest.fixture
def shop(client) -> dict:
    return signup(client)
