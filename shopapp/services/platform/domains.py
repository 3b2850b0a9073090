"""Which shop a Host answers for: `{slug}.{PLATFORM_DOMAIN}` subdomains and owners' own verified domains.

An owner adds a name, creates the two DNS records shown (a CNAME to the platform and a TXT token proving
the name is theirs), and asks to verify; only then do requests with that Host serve the shop. A name is
never served by two shops, and a Host nobody verified is a plain 404, never another shop.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from shopapp.models import Shop, ShopDomain
from shopapp.models.base import utcnow
from shopapp.services.core import plan_limits
from shopapp.services.core.errors import Conflict, Invalid, NotFound
from shopapp.services.core.permissions import Actor, require
from shopapp.services.platform import dns_check
from shopapp.settings import get_settings

TXT_PREFIX = "_shopapp-verify"
TXT_VALUE_PREFIX = "shopapp-verify="
MAX_DOMAINS_PER_SHOP = 5
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# Names every host answers as the platform itself (health checks, local runs, the test client).
_LOCAL_HOSTS = frozenset({"localhost", "testserver"})
_CACHE_SECONDS = 30.0
_cache: dict[str, tuple[float, Site]] = {}


@dataclass(frozen=True)
class Site:
    """What a Host is: the platform itself, one shop's site (its slug), or nobody's."""

    kind: str  # platform, shop, unknown
    slug: str = ""


PLATFORM = Site("platform")
UNKNOWN = Site("unknown")


def add_domain(session: Session, actor: Actor, hostname: str) -> dict:
    """Claim `hostname` for the actor's shop (pending until verified); the records to create come back."""
    require(actor, "edit_shop")
    name = checked_hostname(hostname)
    plan_limits.require_feature(session, actor.shop_id, "custom_domain")
    existing = session.exec(select(ShopDomain).where(ShopDomain.hostname == name)).first()
    if existing is not None:
        if existing.shop_id != actor.shop_id:
            raise Conflict("domain_taken", fields={"hostname": "domain_taken"})
        return domain_view(existing)
    count = len(session.exec(select(ShopDomain.id).where(ShopDomain.shop_id == actor.shop_id)).all())
    if count >= MAX_DOMAINS_PER_SHOP:
        raise Invalid(fields={"hostname": "domain_limit"})
    row = ShopDomain(shop_id=actor.shop_id, hostname=name, token=secrets.token_hex(16))
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another shop claimed it a moment ago
        raise Conflict("domain_taken", fields={"hostname": "domain_taken"}) from None
    return domain_view(row)


def list_domains(session: Session, actor: Actor) -> list[dict]:
    require(actor, "view_console")
    rows = session.exec(select(ShopDomain).where(ShopDomain.shop_id == actor.shop_id).order_by(ShopDomain.id)).all()
    return [domain_view(row) for row in rows]


def verify(session: Session, actor: Actor, domain_id: int) -> dict:
    """Look the records up; verified when the TXT token is there and the CNAME points at the platform.
    Refused (Invalid, naming the wrong record) otherwise, and the domain stays as it was."""
    require(actor, "edit_shop")
    row = _own(session, actor, domain_id)
    if row.status == "verified":
        return domain_view(row)
    txt = dns_check.records(f"{TXT_PREFIX}.{row.hostname}", "TXT")
    if f"{TXT_VALUE_PREFIX}{row.token}" not in txt:
        raise Invalid("domain_txt_wrong", fields={"hostname": "domain_txt_wrong" if txt else "domain_txt_missing"})
    cname = dns_check.records(row.hostname, "CNAME")
    if cname_target() not in cname:
        raise Invalid("domain_cname_wrong", fields={"hostname": "domain_cname_wrong"})
    row.status, row.verified_at, row.last_error = "verified", utcnow(), ""
    session.add(row)
    session.flush()
    forget_cache()
    return domain_view(row)


def remove_domain(session: Session, actor: Actor, domain_id: int) -> None:
    require(actor, "edit_shop")
    session.delete(_own(session, actor, domain_id))
    session.flush()
    forget_cache()


def is_verified(session: Session, hostname: str) -> bool:
    """The on-demand TLS proxy's question: may a certificate be obtained for this name?"""
    try:
        name = checked_hostname(hostname, allow_platform=True)
    except Invalid:
        return False
    site = site_for_host(session, name)
    return site.kind == "shop"


def site_for_host(session: Session, host: str) -> Site:
    """What a request's Host (port left out) is; remembered for a few seconds, since every request asks."""
    name = (host or "").strip().lower().rstrip(".")
    now = time.monotonic()
    cached = _cache.get(name)
    if cached and cached[0] > now:
        return cached[1]
    site = _site(session, name)
    if len(_cache) > 10_000:
        _cache.clear()
    _cache[name] = (now + _CACHE_SECONDS, site)
    return site


def forget_cache() -> None:
    _cache.clear()


def platform_host(name: str) -> bool:
    """The platform's own names: PUBLIC_URL's host, PLATFORM_DOMAIN and its www, local names, IP literals."""
    settings = get_settings()
    own = {urlsplit(settings.public_url).hostname or "", *_LOCAL_HOSTS}
    if settings.platform_domain:
        own |= {settings.platform_domain, f"www.{settings.platform_domain}"}
    if name in own:
        return True
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def cname_target() -> str:
    """Where owners point their CNAME: the platform's domain, else PUBLIC_URL's host."""
    settings = get_settings()
    return settings.platform_domain or (urlsplit(settings.public_url).hostname or "")


def checked_hostname(raw: str, *, allow_platform: bool = False) -> str:
    name = (raw or "").strip().lower().rstrip(".")
    if "://" in name:
        name = urlsplit(name).hostname or ""
    labels = name.split(".")
    if not name or len(name) > 253 or len(labels) < 2 or not all(_LABEL.match(label) for label in labels) \
            or labels[-1].isdigit():
        raise Invalid(fields={"hostname": "hostname_invalid"})
    platform = get_settings().platform_domain
    if not allow_platform and (platform_host(name) or (platform and name.endswith("." + platform))):
        raise Invalid(fields={"hostname": "hostname_platform"})
    return name


def domain_view(row: ShopDomain) -> dict:
    return {
        "id": row.id, "hostname": row.hostname, "status": row.status, "verified_at": row.verified_at,
        "records": [
            {"type": "CNAME", "name": row.hostname, "value": cname_target()},
            {"type": "TXT", "name": f"{TXT_PREFIX}.{row.hostname}", "value": f"{TXT_VALUE_PREFIX}{row.token}"},
        ],
    }


def _own(session: Session, actor: Actor, domain_id: int) -> ShopDomain:
    row = session.get(ShopDomain, domain_id)
    if row is None or row.shop_id != actor.shop_id:
        raise NotFound("domain_not_found")
    return row


def _site(session: Session, name: str) -> Site:
    if platform_host(name):
        return PLATFORM
    platform = get_settings().platform_domain
    if platform and name.endswith("." + platform):
        slug = name[: -len(platform) - 1]
        if "." not in slug and session.exec(select(Shop.id).where(Shop.slug == slug)).first() is not None:
            return Site("shop", slug)
        return UNKNOWN
    found = session.exec(
        select(Shop.id, Shop.slug).join(ShopDomain, ShopDomain.shop_id == Shop.id)
        .where(ShopDomain.hostname == name, ShopDomain.status == "verified")
    ).first()
    # A plan without custom domains (after a downgrade) stops serving them; the records stay for later.
    if found and plan_limits.has_feature(session, found[0], "custom_domain"):
        return Site("shop", found[1])
    # Without PLATFORM_DOMAIN the platform does not know all its own names (a proxy's, a container's):
    # only a name some shop claimed and has not verified is refused; others are the platform.
    if platform or session.exec(select(ShopDomain.id).where(ShopDomain.hostname == name)).first() is not None:
        return UNKNOWN
    return PLATFORM
