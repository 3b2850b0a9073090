"""Reflex configuration: one port, no telemetry, no framework badge, Redis when REDIS_URL is set."""

import os
import sys
import urllib.parse

import reflex as rx

from shopapp import redis_watch

# Reflex reads REFLEX_REDIS_URL, not our REDIS_URL: map ours onto it so one
# variable turns on shared UI state for several backend workers. Not when `shopapp serve`
# found Redis down at start: Reflex would refuse to start (shopapp/cli.reflex_environment).
if (os.environ.get("REDIS_URL") and not os.environ.get("REFLEX_REDIS_URL")
        and not os.environ.get(redis_watch.STARTED_WITHOUT_REDIS)):
    os.environ["REFLEX_REDIS_URL"] = redis_watch.reflex_redis_url(os.environ["REDIS_URL"])
# Each worker's Redis pools are capped by our server's start (shopapp/server.reflex_redis_pool, from the
# worker count), and idle connections after a burst closed by each worker (shopapp/ui/degraded.watch_redis).

_port = int(os.environ.get("PORT", "8000") or "8000")

# `reflex run --backend-only` stops with "Cannot specify --frontend-port" when this
# file names a front-end port, so a backend-only start (workers behind a static
# front end, the load tests) leaves it out.
_backend_only = "--backend-only" in sys.argv or os.environ.get("REFLEX_BACKEND_ONLY", "").lower() in {"1", "true", "yes"}

_public_url = (os.environ.get("PUBLIC_URL") or f"http://localhost:{_port}").rstrip("/")
_public_parts = urllib.parse.urlsplit(_public_url)

# Without Redis one worker serves every tab (WORKERS is 1 then), so its memory is where page state
# belongs, expiring an hour after a tab's last event. Reflex's default there, a file per tab that it
# lists and checks every 2 s, cost more with every tab ever opened (63 % of an idle worker at 2 000).
_state_manager = {} if os.environ.get("REFLEX_REDIS_URL") else {"state_manager_mode": "memory"}

config = rx.Config(
    **_state_manager,
    app_name="shopapp",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    backend_port=_port,
    frontend_port=None if _backend_only else _port,
    api_url=_public_url,
    deploy_url=_public_url,
    # Reflex's default is "*" with credentials, which made Starlette echo any Origin with
    # allow-credentials: a page on another port of this host could read an owner's orders with their
    # cookie. Only the platform's own origin may make credentialed cross-origin calls (and open the
    # state websocket); integrations call the API server-to-server with a bearer token.
    cors_allowed_origins=[f"{_public_parts.scheme}://{_public_parts.netloc}"],
    # Plain elements + Tailwind keep the shopper's pages light (see shared/REFLEX_NOTES.md).
    plugins=[rx.plugins.TailwindV4Plugin()],
    # Sitemaps are made per shop by our own route, not one for the platform.
    disable_plugins=[rx.plugins.SitemapPlugin],
    # Brotli copies first (our JavaScript is 12 % smaller than with gzip: 20 KB less before a shop page
    # paints on a phone); gzip for browsers without brotli.
    frontend_compression_formats=["brotli", "gzip"],
    # Behind our reverse proxy the shopper's address is in X-Forwarded-For (shopapp/api/deps.client_ip
    # reads it the same way for the API).
    trusted_proxy_hops=int(os.environ.get("TRUSTED_PROXY_HOPS", "0") or "0"),
)
