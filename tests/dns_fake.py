"""A small local DNS server (dnslib's UDP server) holding the records a test sets: what an owner's DNS
provider would answer for their domain. DNS_NAMESERVER points the platform's resolver at it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from dnslib import CNAME, QTYPE, RR, TXT
from dnslib.server import BaseResolver, DNSLogger, DNSServer


class Zone(BaseResolver):
    """{(name, type): [value, ...]}; names without the trailing dot, types "TXT" or "CNAME"."""

    def __init__(self):
        self.records: dict[tuple[str, str], list[str]] = {}

    def set(self, name: str, rdtype: str, *values: str) -> None:
        self.records[(name.lower().rstrip("."), rdtype)] = list(values)

    def resolve(self, request, handler):
        reply = request.reply()
        name = str(request.q.qname).lower().rstrip(".")
        rdtype = QTYPE[request.q.qtype]
        for value in self.records.get((name, rdtype), []):
            rdata = TXT(value) if rdtype == "TXT" else CNAME(value + ".")
            reply.add_answer(RR(request.q.qname, getattr(QTYPE, rdtype), rdata=rdata, ttl=60))
        return reply


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def dns_server() -> Iterator[tuple[Zone, str]]:
    """A running server and its zone; yields (zone, "127.0.0.1:port") for DNS_NAMESERVER."""
    zone = Zone()
    port = _free_udp_port()
    server = DNSServer(zone, port=port, address="127.0.0.1", logger=DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data"))
    server.start_thread()
    try:
        yield zone, f"127.0.0.1:{port}"
    finally:
        server.stop()
