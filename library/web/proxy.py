"""Who the client is when the app runs behind a reverse proxy: its address, and whether it spoke HTTPS.

``X-Forwarded-Proto`` and ``X-Forwarded-For`` are believed only when the connection comes from an
address in `Settings.trusted_proxies` (default 127.0.0.1); from anyone else they are ignored, since a
client can send them itself.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from litestar import Request


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _is_trusted(request: Request, address: str | None) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(request.app.state.settings.trusted_proxies))


def _peer(request: Request) -> str | None:
    return request.client.host if request.client else None


def is_https(request: Request) -> bool:
    """Whether the client's connection is HTTPS: directly, or by a trusted proxy's ``X-Forwarded-Proto``
    (the first value: what the client spoke to the first proxy)."""
    if request.scope.get("scheme") == "https":  # not request.url: parsing the whole URL is costly
        return True
    if not _is_trusted(request, _peer(request)):
        return False
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return forwarded == "https"


def client_address(request: Request) -> str | None:
    """The client's address: the connection's, or behind trusted proxies the last address in
    ``X-Forwarded-For`` that no trusted proxy added."""
    peer = _peer(request)
    if not _is_trusted(request, peer):
        return peer
    hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(request, hop):
            return hop[:64]
    return hops[0][:64] if hops else peer
