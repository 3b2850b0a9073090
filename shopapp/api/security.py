"""Headers every response carries, and redirects that never point where a Host header says.

One ASGI middleware around the whole platform (API, storefront, console, the sandbox pay page):

- Content-Security-Policy, the tightest the Reflex front end works with (each source is explained in
  `content_security_policy`), with frame-ancestors 'none'; X-Frame-Options DENY for older browsers:
  no other site, not even one on another port of this host, can frame the console and trick a
  click.
- X-Content-Type-Options nosniff, Referrer-Policy strict-origin-when-cross-origin (order pages carry
  their token in the query: it never leaves in a Referer), Permissions-Policy turning off what no page
  uses, and Cross-Origin-Opener-Policy same-origin.
- A redirect's Location built from the request's Host header (Starlette's trailing-slash redirects,
  the static front end's /login -> /login/) is rewritten to a relative path: `Host: evil.example`
  can no longer send a visitor to evil.example.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from shopapp.settings import get_settings

_INLINE_SCRIPT = re.compile(rb"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)
_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), interest-cohort=()"
)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def public_origin() -> str:
    """PUBLIC_URL's origin (scheme://host:port): the one origin whose pages may use an owner's cookie."""
    return _origin(get_settings().public_url)


def _web_dir() -> Path:
    try:
        from reflex.utils.prerequisites import get_web_dir

        return Path(get_web_dir())
    except Exception:  # pragma: no cover - reflex always importable here; a plain API server still works
        return Path(".web")


@lru_cache(maxsize=1)
def inline_script_hashes(build_dir: Path | None = None) -> tuple[str, ...]:
    """sha256 sources for every inline <script> the production build's HTML files carry.

    React Router's prerendered pages start with a few inline scripts (the router context, the module
    import of the page's code, React's streaming helpers); allowing exactly these, by hash, lets the
    app start while any other inline script (an injected one) is refused. Data blocks
    (application/ld+json, which the SEO routes insert) are not scripts and need no hash.
    """
    folder = build_dir or _web_dir() / "build" / "client"
    found: set[str] = set()
    for page in sorted(folder.rglob("*.html")) if folder.is_dir() else []:
        for match in _INLINE_SCRIPT.finditer(page.read_bytes()):
            if b"src=" in match["attrs"] or b"application/ld+json" in match["attrs"]:
                continue
            digest = base64.b64encode(hashlib.sha256(match["body"]).digest()).decode()
            found.add(f"'sha256-{digest}'")
    return tuple(sorted(found))


def content_security_policy(framed_preview: bool = False) -> str:
    """The policy, one directive per reason:

    - default-src 'self': anything not named below only from this origin.
    - script-src 'self' + the build's inline-script hashes: the app's own bundles and the few inline
      bootstrap scripts of the build, nothing else (no 'unsafe-inline', no 'unsafe-eval': navigation
      that leaves the single-page app is done without eval, see ui/components/navigation.py).
      Without a build (a bare API server) there is no inline script to allow.
    - style-src 'self' 'unsafe-inline': Reflex styles components through emotion, which writes
      <style> elements at run time, and React sets style attributes; styles cannot run code.
    - img-src 'self' data: blob: + the image store's origin: product images, data: URIs of
      placeholders, blob: previews of images being uploaded, pictures kept in S3.
    - media-src 'self' + the store's origin: the design's videos (local media or S3), as pictures.
    - font-src 'self' data:: the bundled fonts.
    - connect-src 'self' + PUBLIC_URL's origin and its ws(s) twin: Reflex's state travels over a
      websocket to its api_url (PUBLIC_URL), uploads and API calls go to the same origin.
    - form-action 'self' + PUBLIC_URL's origin: our forms post to us (the sandbox pay page then
      redirects back to the shop on PUBLIC_URL).
    - frame-ancestors 'none': no page may be framed (clickjacking); object-src 'none', base-uri
      'self' close the remaining ways to load or re-root code. The one exception is the storefront's
      draft preview (`/s/<slug>...?preview=<token>`, `framed_preview`): the store editor
      (/console/design) frames it, so it allows frame-ancestors 'self' (this origin only), and every
      page may frame this origin (frame-src 'self') since no other page allows being framed.
    """
    settings = get_settings()
    public = _origin(settings.public_url)
    websocket = ("wss://" if public.startswith("https://") else "ws://") + public.split("://", 1)[1]
    images = ["'self'", "data:", "blob:"]
    if settings.s3_endpoint_url:
        images.append(_origin(settings.s3_endpoint_url))
    elif settings.storage_url and settings.storage_url.startswith("s3://"):
        bucket = urlsplit(settings.storage_url).netloc  # AWS itself: the bucket's virtual-hosted address
        images.append(f"https://{bucket}.s3.{settings.s3_region}.amazonaws.com")
    directives = [
        "default-src 'self'",
        "script-src " + " ".join(["'self'", *inline_script_hashes()]),
        "style-src 'self' 'unsafe-inline'",
        "img-src " + " ".join(dict.fromkeys(images)),
        "media-src " + " ".join(dict.fromkeys(["'self'", *images[3:]])),
        "font-src 'self' data:",
        "connect-src " + " ".join(dict.fromkeys(["'self'", public, websocket])),
        "form-action " + " ".join(dict.fromkeys(["'self'", public])),
        "frame-ancestors 'self'" if framed_preview else "frame-ancestors 'none'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
    ]
    return "; ".join(directives)


def is_framed_preview(path: str, query: bytes) -> bool:
    """The storefront with a draft preview token: the only page the console may frame."""
    return path.startswith("/s/") and any(part.startswith(b"preview=") for part in query.split(b"&"))


def security_headers(framed_preview: bool = False) -> list[tuple[bytes, bytes]]:
    headers = [
        ("content-security-policy", content_security_policy(framed_preview)),
        ("x-frame-options", "SAMEORIGIN" if framed_preview else "DENY"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        ("permissions-policy", _PERMISSIONS_POLICY),
        ("cross-origin-opener-policy", "same-origin"),
    ]
    if get_settings().public_url.startswith("https://"):
        headers.append(("strict-transport-security", "max-age=31536000"))
    return [(name.encode(), value.encode("latin-1")) for name, value in headers]


def _relative_location(location: bytes, host: bytes) -> bytes:
    """An absolute Location on the request's own Host becomes a path: the Host header is the client's word."""
    parts = urlsplit(location.decode("latin-1"))
    if not parts.scheme or not parts.netloc or parts.netloc.encode("latin-1").lower() != host.lower():
        return location
    path = parts.path or "/"
    if path.startswith("//"):  # "//evil.example" as a path would be another host again
        path = "/" + path.lstrip("/")
    return (path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")).encode("latin-1")


class SecurityHeadersMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = dict(scope.get("headers") or []).get(b"host", b"")
        extra = security_headers(is_framed_preview(scope.get("path", ""), scope.get("query_string", b"")))

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = []
                for name, value in message.get("headers", []):
                    lowered = name.lower()
                    if lowered in {b"content-security-policy", b"x-frame-options"}:
                        continue  # ours wins
                    if lowered == b"location" and host:
                        value = _relative_location(value, host)
                    headers.append((name, value))
                present = {name.lower() for name, _ in headers}
                headers.extend((name, value) for name, value in extra if name not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(api) -> None:
    api.add_middleware(SecurityHeadersMiddleware)
