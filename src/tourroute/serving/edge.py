"""The edge of every request, as plain ASGI middleware (cheap: no per-request task or
body copy): a request id, the body size limit, the access log line and the metrics.

Order in the app, outermost first: ``EdgeMiddleware`` → ``RateLimitMiddleware`` → the
FastAPI app. So a refused request (413, 429) still gets a request id, a log line and a
count.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tourroute.i18n import Localized, negotiate
from tourroute.i18n import messages as msgs
from tourroute.serving import metrics
from tourroute.serving.logs import REQUEST_ID

access_log = logging.getLogger("tourroute.access")

REQUEST_ID_HEADER = b"x-request-id"
# A client's own id is echoed if it is a sane token; anything else is replaced.
_CLIENT_ID = re.compile(rb"^[A-Za-z0-9._:-]{1,128}$")


async def send_problem(
    send: Send,
    scope: Scope,
    status: int,
    slug: str,
    title: Localized,
    detail: Localized,
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    """An RFC 9457 problem written straight to the ASGI channel (the app never ran), in
    the language the request's ``Accept-Language`` prefers, as the app's problems are."""
    accept_language = next(
        (v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"accept-language"),
        None,
    )
    lang = negotiate(accept_language)
    body = json.dumps(
        {
            "type": f"/problems/{slug}",
            "title": title.render(lang),
            "status": status,
            "detail": detail.render(lang),
            "instance": scope["path"],
        },
        ensure_ascii=False,
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                (b"content-language", lang.encode()),
                (b"vary", b"Accept-Language"),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a body without Content-Length outgrows the limit;
    the app's error handler renders it as a 413 problem."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes.")


class EdgeMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int,
        large_body_bytes: int,
        large_body_paths: Sequence[str],
        route_of: Callable[[Scope], str] | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.large_body_bytes = large_body_bytes
        self.large_body_paths = tuple(large_body_paths)
        self.route_of = route_of or _route_template

    def body_limit(self, path: str) -> int:
        if path.startswith(self.large_body_paths):
            return self.large_body_bytes
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope)
        token = REQUEST_ID.set(request_id)
        status = 500
        sent_bytes = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status, sent_bytes
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", ()),
                    (REQUEST_ID_HEADER, request_id.encode()),
                ]
            elif message["type"] == "http.response.body":
                sent_bytes += len(message.get("body", b""))
            await send(message)

        path: str = scope["path"]
        limit = self.body_limit(path)
        try:
            declared = _content_length(scope)
            if declared is not None and declared > limit:
                metrics.REFUSED.labels("body-too-large").inc()
                await send_problem(
                    send_with_id,
                    scope,
                    413,
                    "content-too-large",
                    msgs.TITLE_CONTENT_TOO_LARGE,
                    msgs.BODY_TOO_LARGE(declared=declared, limit=limit, path=path),
                )
                return
            await self.app(scope, _limited(receive, limit), send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = self.route_of(scope)
            method: str = scope["method"]
            metrics.REQUESTS.labels(method, route, str(status)).inc()
            metrics.LATENCY.labels(method, route).observe(elapsed)
            metrics.sample_memory()
            access_log.info(
                "%s %s %d",
                method,
                path,
                status,
                extra={
                    "request_id": request_id,
                    "method": method,
                    "path": path,
                    "route": route,
                    "query": scope.get("query_string", b"").decode("latin-1")[:512],
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 1),
                    "bytes": sent_bytes,
                    "client": _client(scope),
                },
            )
            REQUEST_ID.reset(token)


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == REQUEST_ID_HEADER and _CLIENT_ID.match(value):
            return str(value.decode("ascii"))
    return uuid.uuid4().hex


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _limited(receive: Receive, limit: int) -> Receive:
    """``receive`` that refuses a streamed body once it passes ``limit`` bytes."""
    seen = 0

    async def receive_limited() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                metrics.REFUSED.labels("body-too-large").inc()
                raise BodyTooLarge(limit)
        return message

    return receive_limited


def _route_template(scope: Scope) -> str:
    """The matched route's template (``/v1/sites/{slug}``), so metrics stay low-cardinality."""
    route: Any = scope.get("route")
    template = getattr(route, "path", None)
    if isinstance(template, str):
        return template
    return "unmatched"


def _client(scope: Scope) -> str | None:
    client = scope.get("client")
    return str(client[0]) if client else None
