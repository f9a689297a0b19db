"""Who is calling: an `Authorization: Bearer <key>` header, or the signed session cookie of the pages.

No credentials: public. A session cookie only names the key id; the key is looked up on every request,
so revoking a key ends its sessions at once. Cookie-authenticated requests can only read the API;
pages' forms carry a CSRF token tied to the session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from fastapi import Request

from api.keys import EndedSessions, KeyRing, key_digest
from api.settings import ApiKey, Settings
from graph.errors import Forbidden, Unauthorized
from graph.referral import Role
from graph.usecases import Caller

SESSION_COOKIE = "relais_session"


@dataclass(frozen=True)
class HttpCaller(Caller):
    """A caller as the HTTP edge knows it: with the session cookie when it came through the pages."""

    session: str | None = None


PUBLIC = HttpCaller(Role.PUBLIC)


_rings: dict[Path, KeyRing] = {}
_ended: dict[Path, EndedSessions] = {}


def ended_sessions(settings: Settings) -> EndedSessions:
    return _ended.setdefault(settings.keys_file, EndedSessions(settings.keys_file))


def keys_of(settings: Settings) -> list[ApiKey]:
    """Static keys from the settings and the active keys of the keys file."""
    ring = _rings.setdefault(settings.keys_file, KeyRing(settings.keys_file))
    return [*settings.api_keys, *ring.active()]


def find_key(token: str, settings: Settings) -> ApiKey | None:
    digest = key_digest(token, settings.secret_key.get_secret_value())
    match = None
    for key in keys_of(settings):  # compare with every key, in constant time each
        if hmac.compare_digest(digest, key.digest):
            match = key
    return match


def _sign(settings: Settings, payload: bytes) -> str:
    return hmac.new(settings.secret_key.get_secret_value().encode(), payload, hashlib.sha256).hexdigest()


def session_cookie(key: ApiKey, settings: Settings) -> str:
    payload = base64.urlsafe_b64encode(
        json.dumps(
            {"kid": key.id, "exp": int(time.time()) + settings.session_hours * 3600, "sid": secrets.token_urlsafe(16)}
        ).encode()
    ).rstrip(b"=")  # no '=' in the value: cookies keep it unquoted
    return f"{payload.decode()}.{_sign(settings, payload)}"


def csrf_token(session: str, settings: Settings) -> str:
    return _sign(settings, b"csrf:" + session.encode())


def check_csrf(who: HttpCaller, token: str | None, settings: Settings) -> None:
    if who.session is None or not token or not hmac.compare_digest(token, csrf_token(who.session, settings)):
        raise Forbidden("the form expired or did not come from Relais: reload the page and try again")


def _session_data(value: str, settings: Settings) -> dict[str, object] | None:
    """The signed content of a session cookie that has neither expired nor been ended by a logout."""
    payload, _, signature = value.partition(".")
    if not hmac.compare_digest(signature, _sign(settings, payload.encode())):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("exp"), int) or data["exp"] < time.time():
        return None
    sid = data.get("sid")
    if not isinstance(sid, str) or ended_sessions(settings).ended(sid):
        return None
    return data


def end_session(value: str, settings: Settings) -> None:
    """Logout: the server refuses this session from now on (replaying its cookie is anonymous)."""
    data = _session_data(value, settings)
    if data is not None:
        ended_sessions(settings).end(str(data["sid"]), int(str(data["exp"])))


def _from_session(value: str, settings: Settings) -> HttpCaller | None:
    data = _session_data(value, settings)
    if data is None:
        return None
    key = next((k for k in keys_of(settings) if k.id == data.get("kid")), None)
    return HttpCaller(Role(key.role), key.id, key.organisation_id, session=value) if key else None


def identify(authorization: str | None, settings: Settings, session: str | None = None) -> HttpCaller:
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("use «Authorization: Bearer <API key>»")
        key = find_key(token, settings)
        if key is None:
            raise Unauthorized("unknown or revoked API key")
        return HttpCaller(Role(key.role), key.id, key.organisation_id)
    if session:
        return _from_session(session, settings) or PUBLIC
    return PUBLIC


CALLER = "relais_caller"
"""Where the guards leave the caller they identified, in the request's state."""


async def caller(request: Request) -> HttpCaller:
    """The dependency: async, so that no request pays a thread hop for it; the guards identified the
    caller already (key digest, keys file, session) unless the credentials were refused."""
    found = request.scope.get("state", {}).get(CALLER)
    return found if isinstance(found, HttpCaller) else who_is(request)


def _client(request: Request, who: HttpCaller, settings: Settings) -> str:
    """The key id of a member; for the public, a digest of the address salted with the server's secret, so
    that the address itself is never in a caller, a count or a log (`Caller.client`; `_digest` keeps the
    recent ones in process memory only)."""
    if who.role is not Role.PUBLIC:
        return who.key_id
    return _digest(settings.secret_key.get_secret_value(), request.client.host if request.client else "")


@lru_cache(maxsize=1024)
def _digest(secret: str, address: str) -> str:
    """Remembered for the 1,024 addresses that asked last (in memory only, as the rate limits hold addresses;
    never written or logged): ~10 µs of every public question."""
    return hmac.digest(secret.encode(), address.encode(), "sha256").hex()[:16]


@lru_cache(maxsize=1024)
def _public(secret: str, route: str, address: str) -> HttpCaller:
    """The public caller of a route from an address, remembered as `_digest` is: most requests are the public's,
    and the same few routes from the same addresses."""
    return HttpCaller(Role.PUBLIC, route=route, client=_digest(secret, address))


PLAIN_PATH = re.compile(r"(/[A-Za-z0-9._~-]+)*/?")
"""A path that Starlette's `request.url.path` gives back as the scope holds it (nothing to escape or drop)."""


def url_path(request: Request) -> str:
    """`request.url.path` without building the whole URL (host, query, a split) for a plain path: every
    request is identified, and the URL was most of it."""
    path: str = request.scope["path"]
    return path if PLAIN_PATH.fullmatch(path) else request.url.path


CREDENTIALS = (b"authorization", b"cookie")
"""The headers that may make a caller more than the public."""


def who_is(request: Request) -> HttpCaller:
    settings: Settings = request.app.state.settings
    if not any(name in CREDENTIALS for name, _ in request.scope["headers"]):  # most questions: no header parsed
        address = request.client.host if request.client else ""
        return _public(settings.secret_key.get_secret_value(), f"{request.method} {url_path(request)}", address)
    session = request.cookies.get(SESSION_COOKIE)
    who = identify(request.headers.get("authorization"), settings, session)
    path = url_path(request)
    who = replace(who, route=f"{request.method} {path}", client=_client(request, who, settings))
    if (
        who.session
        and request.method not in ("GET", "HEAD")
        and not path.startswith(("/coordination", "/organisation/"))
        and path not in ("/logout", "/organisation")
    ):
        return PUBLIC  # a cookie never authorises an API write: API writes need the bearer key
    return who
