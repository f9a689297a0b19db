"""API keys: created once and shown once, stored as HMAC-SHA256 under the server secret, revocable.

The keys file is re-read whenever it changes on disk, so a revocation takes effect on the next
request of every API process.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from api.settings import ApiKey, Settings
from graph.errors import InvalidInput, NotFound, Problem

ROLES = ("professional", "editor", "coordinator")
logger = logging.getLogger(__name__)


def key_digest(token: str, secret: str) -> str:
    return hmac.new(secret.encode(), token.strip().encode(), hashlib.sha256).hexdigest()


class KeyRing:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._keys: list[ApiKey] = []

    def all(self) -> list[ApiKey]:
        with self._lock:
            try:
                stat = self.path.stat()
            except FileNotFoundError:
                self._stamp, self._keys = None, []
                return []
            stamp = (stat.st_mtime_ns, stat.st_size)
            if stamp != self._stamp:
                try:
                    raw = json.loads(self.path.read_text(encoding="utf-8"))
                    self._keys = [ApiKey.model_validate(k) for k in raw]
                except (ValueError, TypeError) as exc:
                    raise InvalidInput([Problem(f"the keys file is corrupt: {exc}", file=str(self.path))]) from exc
                self._stamp = stamp
            return list(self._keys)

    def active(self) -> list[ApiKey]:
        return [k for k in self.all() if k.revoked_at is None]

    def _save(self, keys: list[ApiKey]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=self.path.name, dir=self.path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump([k.model_dump(mode="json") for k in keys], f, indent=1)
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)

    def create(
        self,
        settings: Settings,
        role: str,
        organisation_id: str | None,
        label: str,
        *,
        organisation_exists: Callable[[str], bool],
    ) -> tuple[ApiKey, str]:
        """A new key; the token is returned once and never stored. An editor key names an organisation
        of the directory (`organisation_exists`): a key for a missing one would later create it."""
        if role not in ROLES:
            raise InvalidInput(f"role must be one of {', '.join(ROLES)}", parameter="role")
        if (role == "editor") != bool(organisation_id):
            raise InvalidInput("an editor key needs --org, and only an editor key takes one", parameter="org")
        if organisation_id and not organisation_exists(organisation_id):
            raise InvalidInput(
                f"no organisation «{organisation_id}» in the directory: load or create it first", parameter="org"
            )
        token = "rk_" + secrets.token_urlsafe(32)
        key = ApiKey(
            id="k-" + secrets.token_hex(4),
            role=role,
            organisation_id=organisation_id,
            label=label,
            digest=key_digest(token, settings.secret_key.get_secret_value()),
            created_at=datetime.now(UTC),
        )
        self._save([*self.all(), key])
        return key, token

    def revoke(self, key_id: str) -> ApiKey:
        keys = self.all()
        found = next((k for k in keys if k.id == key_id), None)
        if found is None:
            raise NotFound(f"no key «{key_id}»")
        revoked = found.model_copy(update={"revoked_at": datetime.now(UTC)})
        self._save([revoked if k.id == key_id else k for k in keys])
        return revoked


class EndedSessions:
    """Sessions ended by a logout, kept until their cookie would have expired anyway.

    A JSON object {session id: expiry (epoch seconds)} beside the keys file (`keys.json.sessions`, mode
    600), re-read whenever it changes on disk, so every API process refuses an ended session from its
    next request on. Ended ids are also kept in this process, should the file not be writable.
    """

    def __init__(self, keys_file: Path) -> None:
        self.path = keys_file.with_name(keys_file.name + ".sessions")
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._on_disk: dict[str, int] = {}
        self._here: dict[str, int] = {}

    def _read(self) -> dict[str, int]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._stamp, self._on_disk = None, {}
            return {}
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            try:
                raw = json.loads(self.path.read_text(encoding="utf-8"))
                self._on_disk = {str(k): int(v) for k, v in raw.items()}
            except (ValueError, TypeError, AttributeError) as exc:
                raise InvalidInput([Problem(f"the sessions file is corrupt: {exc}", file=str(self.path))]) from exc
            self._stamp = stamp
        return self._on_disk

    def ended(self, session_id: str) -> bool:
        with self._lock:
            return session_id in self._here or session_id in self._read()

    def end(self, session_id: str, expires: int) -> None:
        """Refuse this session from now on; entries past their expiry are dropped."""
        now = int(time.time())
        with self._lock:
            self._here[session_id] = expires
            kept = {k: v for k, v in {**self._read(), session_id: expires}.items() if v >= now}
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=self.path.name, dir=self.path.parent)
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump(kept, f)
                os.chmod(tmp, 0o600)
                os.replace(tmp, self.path)
            except OSError as exc:
                logger.warning("logout kept in this process only: cannot write %s (%s)", self.path, exc)
