"""Who is calling: an `Authorization: Bearer <key>` header mapped to a role (no header: public)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from fastapi import Request

from api.settings import Settings
from graph.errors import Forbidden, RelaisError
from graph.referral import Role


class Unauthorized(RelaisError):
    status = 401
    title = "Unauthorized"


@dataclass(frozen=True)
class Caller:
    role: Role
    key_id: str = "anonymous"
    organisation_id: str | None = None

    def require_writer(self, organisation_id: str) -> None:
        """Coordinators write everything; editors only their own organisation's records."""
        if self.role is Role.COORDINATOR:
            return
        if self.role is Role.EDITOR and self.organisation_id == organisation_id:
            return
        if self.role is Role.EDITOR:
            raise Forbidden(f"this key edits «{self.organisation_id}» only, not «{organisation_id}»")
        raise Forbidden("writing needs an editor or coordinator key")

    def require_professional(self) -> None:
        """Network analyses and maps are for the network's members, not the public."""
        if self.role is Role.PUBLIC:
            raise Forbidden("this needs a professional, editor or coordinator key")

    def require_coordinator(self) -> None:
        if self.role is not Role.COORDINATOR:
            raise Forbidden("this needs a coordinator key")


PUBLIC = Caller(Role.PUBLIC)


def key_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def identify(authorization: str | None, settings: Settings) -> Caller:
    if not authorization:
        return PUBLIC
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("use «Authorization: Bearer <API key>»")
    digest = key_digest(token.strip())
    match = None
    for key in settings.api_keys:  # compare with every key, in constant time each
        if hmac.compare_digest(digest, key.sha256):
            match = key
    if match is None:
        raise Unauthorized("unknown or revoked API key")
    return Caller(Role(match.role), match.id, match.organisation_id)


def caller(request: Request) -> Caller:
    settings: Settings = request.app.state.settings
    return identify(request.headers.get("authorization"), settings)
