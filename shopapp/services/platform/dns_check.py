"""DNS look-ups for custom domains, through the resolver DNS_NAMESERVER names (tests point it at a local server)."""

from __future__ import annotations

import dns.exception
import dns.resolver

from shopapp.services.core.errors import Unavailable
from shopapp.settings import get_settings

TIMEOUT_SECONDS = 3.0


def records(name: str, rdtype: str) -> list[str]:
    """The values of `name`'s `rdtype` records (TXT joined, CNAME without the trailing dot, lower-case);
    [] when there are none; Unavailable when no DNS server answered."""
    try:
        answer = _resolver().resolve(name, rdtype, raise_on_no_answer=False)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoNameservers, dns.resolver.NoAnswer):
        return []
    except (dns.exception.Timeout, dns.resolver.LifetimeTimeout, OSError):
        raise Unavailable("dns_unavailable") from None
    if answer.rrset is None:
        return []
    if rdtype == "TXT":
        return [b"".join(rdata.strings).decode("utf-8", "replace") for rdata in answer.rrset]
    return [rdata.to_text().rstrip(".").lower() for rdata in answer.rrset]


def _resolver() -> dns.resolver.Resolver:
    nameserver = get_settings().dns_nameserver
    if not nameserver:
        resolver = dns.resolver.Resolver()
    else:
        resolver = dns.resolver.Resolver(configure=False)
        host, _, port = nameserver.rpartition(":") if nameserver.count(":") == 1 else (nameserver, "", "")
        resolver.nameservers = [host or nameserver]
        resolver.port = int(port) if port else 53
    resolver.timeout = resolver.lifetime = TIMEOUT_SECONDS
    return resolver
