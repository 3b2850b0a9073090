"""A shopper's product page keeps what they chose when every backend worker dies under it: the platform
(`python -m shopapp serve`, two workers sharing Redis) starts new workers, the page's websocket reconnects
with the same token, and the quantity the shopper set is still there (shopapp/worker_tokens.py).

Needs Redis: runs when REDIS_URL is set (the workers pass of .ci/run), skipped otherwise."""

from __future__ import annotations

import os
import signal
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import serving
from tests.live_backend import live_children

pytestmark = [
    pytest.mark.workers,
    pytest.mark.own_platform,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL: page state shared by the workers"),
]

WORKERS = 2


@pytest.fixture(scope="module")
def platform():
    with serving(Path(tempfile.mkdtemp(prefix="shopapp-e2e-workers-")), REDIS_URL=os.environ["REDIS_URL"],
                 WORKERS=str(WORKERS), RUN_JOBS="false") as served:
        yield served


def test_the_quantity_a_shopper_chose_survives_the_death_of_every_worker(browser, platform):
    url, serve = platform
    context = browser.new_context(base_url=url)
    page = context.new_page()
    page.goto("/s/demo-tea/p/1")
    quantity = page.get_by_test_id("qty")
    more = page.locator("[role=group] button").last
    expect(quantity).to_have_text("1")
    more.click()
    expect(quantity).to_have_text("2")
    more.click()
    expect(quantity).to_have_text("3")
    token = page.evaluate("window.sessionStorage.getItem('token')")
    heard = []  # websockets opened after the kill that heard from a worker: the page has reconnected
    page.on("websocket", lambda socket: socket.on("framereceived", lambda _: heard.append(socket)))

    [supervisor] = live_children(serve.pid)  # serve's one child: Granian's supervisor
    workers = live_children(supervisor)
    assert len(workers) == WORKERS
    for worker in workers:
        os.kill(worker, signal.SIGKILL)

    # A click made while the old websocket dies is lost with it, like any request in flight: click once reconnected.
    for _ in range(600):
        if heard:
            break
        page.wait_for_timeout(100)
    assert heard, "the page never reconnected"
    more.click()
    expect(quantity).to_have_text("4")
    assert page.evaluate("window.sessionStorage.getItem('token')") == token
    assert live_children(supervisor).isdisjoint(workers)
    context.close()
