"""A per-client token bucket for the public pages, kept in this process only: with N API
workers a client gets up to N times the budget (see docs/API-CHANGES.md [16-public])."""

import ipaddress
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from fastapi import HTTPException, Request

MAX_CLIENTS = 10_000  # oldest buckets are dropped beyond this: memory stays bounded


class TokenBuckets:
    """`per_minute` requests per client address, refilled continuously, bursting to the same."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic):
        self.capacity, self.rate, self.clock = float(per_minute), per_minute / 60.0, clock
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self.lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 when the request may go ahead, else the seconds until a token is back."""
        now = self.clock()
        with self.lock:
            tokens, then = self.buckets.pop(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - then) * self.rate)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
            self.buckets[client] = (tokens - 1 if not wait else tokens, now)
            while len(self.buckets) > MAX_CLIENTS:
                self.buckets.popitem(last=False)
        return wait


def proxy_options(trusted_proxies: str) -> dict[str, object]:
    """uvicorn's client-address options: X-Forwarded-For is believed only from a configured
    proxy (uvicorn's own default believes anyone connecting from 127.0.0.1)."""
    trusted = ",".join(a.strip() for a in trusted_proxies.split(",") if a.strip())
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted or None}


def client_address(request: Request) -> str:
    """The budget's key: the IPv4 address, or the IPv6 /64 (one subscriber's prefix: a client
    walking through its own addresses is still one client)."""
    host = request.client.host if request.client else "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:  # ::ffff:a.b.c.d on a dual-stack socket
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))


def limit(buckets: TokenBuckets, request: Request) -> None:
    """429 with Retry-After (whole seconds) once the client's budget is spent."""
    wait = buckets.take(client_address(request))
    if wait:
        raise HTTPException(429, "请求过于频繁，请稍后再试 (Too many requests)",
                            headers={"Retry-After": str(math.ceil(wait))})
