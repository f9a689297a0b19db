"""Request limits and response headers: body cap, rate limits, heavy requests at once per client, security headers."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.auth import CALLER, who_is
from graph.errors import RelaisError
from graph.referral import Role

PROBLEM = b"application/problem+json"
SEARCH_PATHS = ("/v1/referrals", "/v1/pathways")
HEAVY_PATHS = ("/v1/gaps", "/v1/metrics", "/v1/map", "/v1/report", "/v1/export", "/hsds/")
"""Routes whose answer is computed from the whole directory (once per version, but the first time is long)."""
HEAVY_WAIT_S = 10.0
"""How long a heavy request waits for a free slot of its client before 429."""
HTML_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        b"script-src 'self'; object-src 'none'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
]


Ahead = Callable[[Scope, Receive, Send], Awaitable[bool]]
"""An answer to one path given ahead of the app's routing: True when it answered, False to leave it to the app."""


def _problem(status: int, title: str, detail: str) -> tuple[list[tuple[bytes, bytes]], bytes]:
    body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail}).encode()
    return [(b"content-type", PROBLEM), (b"content-length", str(len(body)).encode())], body


class Buckets:
    """Token buckets, one per client: `rate` requests a minute (or per `per_s` seconds), bursts up to `rate`."""

    def __init__(self, rate: int, per_s: float = 60) -> None:
        self.rate = rate
        self.per_s = per_s
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        if not self.rate:
            return True
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.rate), now))
            tokens = min(float(self.rate), tokens + (now - last) * self.rate / self.per_s)
            if tokens < 1:
                self._buckets[client] = (tokens, now)
                return False
            self._buckets[client] = (tokens - 1, now)
            if len(self._buckets) > 50_000:
                self._buckets.clear()
            return True


class InFlight:
    """At most `most` requests of one client at once (heavy routes): nobody can fill the worker's threads."""

    def __init__(self, most: int) -> None:
        self.most = most
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def enter(self, client: str) -> bool:
        with self._lock:
            if self._counts.get(client, 0) >= self.most:
                return False
            self._counts[client] = self._counts.get(client, 0) + 1
            return True

    def leave(self, client: str) -> None:
        with self._lock:
            left = self._counts.get(client, 1) - 1
            if left:
                self._counts[client] = left
            else:
                self._counts.pop(client, None)


def _identity(scope: Scope) -> tuple[str, bool]:
    """(who, public): the key id of a valid key or session, else the client's address (public).

    A junk cookie or a header that merely looks like a key is public: only what `who_is` accepts counts."""
    address = (scope.get("client") or ("?", 0))[0]
    try:
        who = who_is(Request(scope))
    except RelaisError:
        return f"ip:{address}", True  # the route answers 401 itself
    scope.setdefault("state", {})[CALLER] = who  # identified once per request: the `caller` dependency reuses it
    return (f"ip:{address}", True) if who.role is Role.PUBLIC else (f"key:{who.key_id}", False)


class Guards:
    """ASGI middleware: body cap, rate limits (public searches, HSDS reads), at most a few heavy requests
    at once per client, and the security headers of HTML and SVG answers. `ahead` answers some paths
    before the app's routing (the hot /v1/referrals), with every limit and header above applied the same."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int,
        searches_per_minute: int,
        hsds_per_minute: int,
        heavy_at_once: int,
        ahead: Mapping[str, Ahead] | None = None,
    ) -> None:
        self.app = app
        self.ahead = dict(ahead or {})
        self.max_body = max_body
        self.searches = Buckets(searches_per_minute)
        self.hsds = Buckets(hsds_per_minute)
        self.heavy = InFlight(heavy_at_once)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        bounded = await self._bounded_body(scope, receive, send)
        if bounded is None:
            return
        path: str = scope["path"]
        client, public = _identity(scope)
        refusal = self._over_limit(path, scope, client, public)
        if refusal:
            await self._refuse(send, 429, "Too many requests", refusal)
            return
        heavy = path.startswith(HEAVY_PATHS)
        if heavy and not await self._heavy_slot(client):
            await self._refuse(send, 429, "Too many requests", f"at most {self.heavy.most} heavy requests at once")
            return
        sending = self._with_headers(send)
        try:
            answer = self.ahead.get(path)
            if answer is None or not await answer(scope, bounded, sending):
                await self.app(scope, bounded, sending)
        finally:
            if heavy:
                self.heavy.leave(client)

    async def _heavy_slot(self, client: str) -> bool:
        """Wait (without holding a thread) for one of the client's heavy slots: a page that loads its map and
        heatmap together just waits a moment; a client firing dozens at once gets 429 after HEAVY_WAIT_S."""
        deadline = time.monotonic() + HEAVY_WAIT_S
        while not self.heavy.enter(client):
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.02)
        return True

    def _over_limit(self, path: str, scope: Scope, client: str, public: bool) -> str | None:
        if path.startswith("/hsds/") and not self.hsds.allow(client):
            return f"HSDS reads are limited to {self.hsds.rate} a minute per client"
        searching = path.startswith(SEARCH_PATHS) or (path == "/" and bool(scope["query_string"]))
        if public and searching and not self.searches.allow(client):
            return f"public searches are limited to {self.searches.rate} a minute per client"
        return None

    async def _bounded_body(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """413 for a body over the cap, announced or chunked; a chunked body is read here, then replayed."""
        length = dict(scope["headers"]).get(b"content-length")
        too_large = f"request bodies are limited to {self.max_body} bytes"
        if length is not None:
            if length.isdigit() and int(length) > self.max_body:
                await self._refuse(send, 413, "Payload too large", too_large)
                return None
            return receive
        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return receive
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return receive
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > self.max_body:
                await self._refuse(send, 413, "Payload too large", too_large)
                return None
        replay: list[Message] = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replayed() -> Message:
            return replay.pop() if replay else await receive()

        return replayed

    @staticmethod
    def _with_headers(send: Send) -> Send:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                if content_type.startswith((b"text/html", b"image/svg+xml")):  # an SVG opened alone is a page
                    message["headers"] = [*message.get("headers", []), *HTML_HEADERS]
            await send(message)

        return with_headers

    @staticmethod
    async def _refuse(send: Send, status: int, title: str, detail: str) -> None:
        headers, body = _problem(status, title, detail)
        if status == 429:
            headers.append((b"retry-after", b"60"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
