"""Rate limits per API token and per client address, with 429 and ``Retry-After``.

Counting is done by the ``limits`` library with a sliding-window counter. Its store is
configurable: ``memory://`` (the embedded default) counts inside each worker process, so
with N workers a client may get up to N times the limit; ``redis://…`` (production)
shares the counters across workers and hosts, and the limit holds exactly.

Who is counted: a request with a bearer token counts against that token (keyed by its
public prefix, never the secret); one without counts against its client address. A
token-guesser cannot escape the address limit by sending a new token each time: every
401 also counts against the address, and an address that exhausts that budget is
refused before its tokens are even looked up.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tourroute.accounts.tokens import token_prefix
from tourroute.i18n import Text
from tourroute.i18n import messages as msgs
from tourroute.serving import metrics
from tourroute.serving.edge import send_problem

log = logging.getLogger(__name__)
_WHO: dict[str, Text] = {"ip": msgs.RATE_WHO_ADDRESS, "token": msgs.RATE_WHO_TOKEN}

# The expensive computations: they get an extra, smaller budget of their own.
COMPUTE_ROUTES = (("POST", "/v1/itineraries"), ("POST", "/v1/matrix"))
# Only the API is limited. The console's and the docs' static files are not: one page
# view loads dozens of them, and they cost nothing to serve. Probes and metrics scrapes
# come from the platform, not from clients.
LIMITED_PREFIXES = ("/v1/", "/ogc")


@dataclass(frozen=True)
class RateLimits:
    anonymous: RateLimitItem
    token: RateLimitItem
    compute: RateLimitItem

    @classmethod
    def parse(cls, anonymous: str, token: str, compute: str) -> RateLimits:
        return cls(parse(anonymous), parse(token), parse(compute))


class Limiter:
    """The counters' store and strategy, owned by the app (which closes it at shutdown)."""

    def __init__(self, storage_uri: str) -> None:
        # The asyncio flavour of the store: counting never blocks the event loop.
        uri = storage_uri if storage_uri.startswith("async+") else f"async+{storage_uri}"
        self.storage = storage_from_string(uri)
        self.strategy = SlidingWindowCounterRateLimiter(self.storage)

    def close(self) -> None:
        """Drop pooled Redis connections (``limits`` offers no close of its own)."""
        client = getattr(getattr(self.storage, "bridge", None), "storage", None)
        pool = getattr(client, "connection_pool", None)
        if pool is not None:
            pool.disconnect()


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, limits: RateLimits, limiter: Limiter) -> None:
        self.app = app
        self.limits = limits
        self.limiter = limiter.strategy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(LIMITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        address = _client(scope)
        prefix = _bearer_prefix(scope)
        checks: list[tuple[RateLimitItem, str, str]] = []
        if prefix is None:
            checks.append((self.limits.anonymous, "ip", address))
        else:
            if not await self.limiter.test(self.limits.anonymous, "ip", address):
                checks.append((self.limits.anonymous, "ip", address))  # refuse: see docstring
            checks.append((self.limits.token, "token", prefix))
        who = ("token", prefix) if prefix is not None else ("ip", address)
        if (scope["method"], scope["path"]) in COMPUTE_ROUTES:
            checks.append((self.limits.compute, f"compute-{who[0]}", who[1]))
        try:
            for item, kind, key in checks:
                if not await self.limiter.hit(item, kind, key):
                    await self._refuse(send, scope, item, kind, key)
                    return
        except Exception:  # a store outage must not take the API down
            # Fail open: an unreachable Redis degrades to no limits, loudly, not to 500s.
            log.warning("rate-limit store unavailable; request let through", exc_info=True)

        async def send_counting_401(message: Message) -> None:
            if (
                prefix is not None
                and message["type"] == "http.response.start"
                and message["status"] == 401
            ):
                await self.limiter.hit(self.limits.anonymous, "ip", address)
            await send(message)

        await self.app(scope, receive, send_counting_401)

    async def _refuse(
        self, send: Send, scope: Scope, item: RateLimitItem, kind: str, key: str
    ) -> None:
        stats = await self.limiter.get_window_stats(item, kind, key)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        metrics.REFUSED.labels(f"rate-limited-{kind}").inc()
        who = _WHO.get(kind, msgs.RATE_WHO_COMPUTATIONS)
        await send_problem(
            send,
            scope,
            429,
            "too-many-requests",
            msgs.TITLE_TOO_MANY_REQUESTS,
            msgs.RATE_LIMITED(limit=str(item), who=who, retry_after=retry_after),
            headers=[(b"retry-after", str(retry_after).encode())],
        )


def _bearer_prefix(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, credentials = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer":
                return token_prefix(credentials.strip()) or "malformed"
    return None


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"
