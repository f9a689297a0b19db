"""Request limits and response headers: body size cap, public search rate limit, security headers."""

from __future__ import annotations

import json
import threading
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.errors import TooLarge

PROBLEM = b"application/problem+json"
SEARCH_PATHS = ("/v1/referrals", "/v1/pathways", "/hsds/")
HTML_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        b"script-src 'self' 'unsafe-inline'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
]


def _problem(status: int, title: str, detail: str) -> tuple[list[tuple[bytes, bytes]], bytes]:
    body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail}).encode()
    return [(b"content-type", PROBLEM), (b"content-length", str(len(body)).encode())], body


class Guards:
    """ASGI middleware: refuses oversized bodies and too frequent public searches, adds HTML security headers."""

    def __init__(self, app: ASGIApp, *, max_body: int, searches_per_minute: int) -> None:
        self.app = app
        self.max_body = max_body
        self.rate = searches_per_minute
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _allowed(self, client: str) -> bool:
        """Token bucket per client: `rate` per minute, bursts up to `rate`."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.rate), now))
            tokens = min(float(self.rate), tokens + (now - last) * self.rate / 60)
            if tokens < 1:
                self._buckets[client] = (tokens, now)
                return False
            self._buckets[client] = (tokens - 1, now)
            if len(self._buckets) > 50_000:
                self._buckets.clear()
            return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await self._refuse(send, 413, "Payload too large", f"request bodies are limited to {self.max_body} bytes")
            return
        path: str = scope["path"]
        public = b"authorization" not in headers and b"relais_session" not in headers.get(b"cookie", b"")
        if self.rate and public and (path.startswith(SEARCH_PATHS) or (path == "/" and scope["query_string"])):
            client = (scope.get("client") or ("?", 0))[0]
            if not self._allowed(client):
                await self._refuse(
                    send, 429, "Too many requests", f"public searches are limited to {self.rate} a minute per client"
                )
                return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body:
                raise TooLarge(f"request bodies are limited to {self.max_body} bytes")
            return message

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    message["headers"] = [*message.get("headers", []), *HTML_HEADERS]
            await send(message)

        await self.app(scope, counted, with_headers)

    @staticmethod
    async def _refuse(send: Send, status: int, title: str, detail: str) -> None:
        headers, body = _problem(status, title, detail)
        if status == 429:
            headers.append((b"retry-after", b"60"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
