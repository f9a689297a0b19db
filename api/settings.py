"""Settings from the environment (prefix `RELAIS_`), read once per process."""

from __future__ import annotations

import logging
import os
import secrets
from datetime import datetime
from functools import cache
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.memory_store import MemoryStore
from graph.neo4j_store import Neo4jStore
from graph.referral.scoring import CAPACITY_FRESH_DAYS
from graph.sqlite_store import SqliteStore, convert_json_store
from graph.store import GraphStore

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STORE_FILE = PROJECT_ROOT / "var" / "relais.db"
LEGACY_STORE_FILE = PROJECT_ROOT / "var" / "relais-store.json"
"""Where the embedded store was kept as one JSON file before SQLite: converted once, then renamed."""

log = logging.getLogger("relais")


DEV_SECRET = "development-only-placeholder-secret"


class ApiKey(BaseModel):
    """A key as stored: never the key itself, only its HMAC-SHA256 under the server secret."""

    id: str
    role: str = Field(pattern="^(professional|editor|coordinator)$")
    digest: str = Field(pattern="^[0-9a-f]{64}$")
    organisation_id: str | None = None
    label: str = ""
    created_at: datetime | None = None
    revoked_at: datetime | None = None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RELAIS_", env_file=".env", extra="ignore")

    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("")
    neo4j_database: str = "neo4j"
    neo4j_query_timeout: float = 30.0
    neo4j_connection_timeout: float = 5.0

    store_file: Path | None = DEFAULT_STORE_FILE
    """The embedded store's SQLite file (relative: to the project root), used by `make run`, `relais serve`
    and every CLI command unless RELAIS_NEO4J_URI is set. A name ending in .json is a store of the former
    JSON format: converted once into the same name ending in .db. None (in code only): in memory."""
    data_dir: Path = PROJECT_ROOT / "data" / "demo"
    """Directory loaded into an empty embedded store at start-up."""
    api_keys: list[ApiKey] = []
    """Static keys (JSON list in RELAIS_API_KEYS); `relais keys create` manages the keys file instead."""
    keys_file: Path = PROJECT_ROOT / "var" / "keys.json"
    """Keys created with `relais keys create` (digests only); revocation there is immediate."""
    secret_key: SecretStr = SecretStr("")
    """Signs session cookies and CSRF tokens, and keys' digests. Unset in development: a random secret made
    once for this installation (`secret.key` beside the keys file, mode 600); required in production."""
    environment: str = Field(default="development", pattern="^(development|production)$")
    session_hours: int = Field(default=8, ge=1, le=72)
    max_body_bytes: int = Field(default=1_000_000, ge=1_000)
    public_searches_per_minute: int = Field(default=120, ge=0)
    """Per client address, for callers without a valid key or session; 0 switches the limit off (load tests)."""
    hsds_reads_per_minute: int = Field(default=1200, ge=0)
    """Per client (key, or address without one): high enough for a validator crawling every record one by one."""
    heavy_requests_at_once: int = Field(default=4, ge=1)
    """Analysis, map, report, exports and HSDS answers in progress at once per client: no key can starve the pages."""
    capacity_fresh_days: int = Field(default=CAPACITY_FRESH_DAYS, ge=0)
    """Free places reported longer ago than this many days are shown «à confirmer» and lose their ranking points."""
    counts_kept_months: int = Field(default=36, ge=0, le=600)
    """Referral, outcome and unmet-demand counts older than this many months are dropped (`relais counts
    prune`, and once a day by the server); 0 keeps them for ever (the coordination's choice, docs/security.md)."""
    warm_seconds: float = Field(default=60.0, ge=0)
    """At most this long, each worker asks every situation and need in every division before it serves
    (and again in the background after a bulk load or at a new day), so the first questions after a restart
    are warm (api/http/warming.py); 0: no warm-up (the tests)."""
    workers: int = Field(default=1, ge=1)
    """The worker processes of one server (`relais serve --workers`, which sets it with `ready_dir`)."""
    ready_dir: Path | None = None
    """Where each worker of one server marks itself warm: `/readyz` says 200 once `workers` have (a folder of
    the server's own, made by `relais serve`; api/http/warming.py says why)."""
    cors_origins: list[str] = []
    """Other directories' front ends allowed to read the API from a browser (JSON list)."""

    @field_validator("store_file")
    @classmethod
    def _under_project_root(cls, path: Path | None) -> Path | None:
        """The same file whichever folder a command runs from."""
        return path if path is None or path.is_absolute() else PROJECT_ROOT / path

    @model_validator(mode="after")
    def _a_secret_nobody_else_knows(self) -> Settings:
        """No placeholder in production; in development an installation's own secret, never a shared one:
        a secret written in the code would let anyone forge a coordinator's session cookie."""
        if self.environment == "production" and self.secret_key.get_secret_value() in (DEV_SECRET, ""):
            raise ValueError("RELAIS_SECRET_KEY must be set to a long random value when RELAIS_ENVIRONMENT=production")
        if not self.secret_key.get_secret_value():
            self.secret_key = SecretStr(installation_secret(self.keys_file.parent / "secret.key"))
        return self


def installation_secret(path: Path) -> str:
    """The secret of this installation, made at first use (mode 600). If the folder cannot be written, a
    secret for this process only: sessions then end with it, which is safe."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    except OSError:
        return secrets.token_urlsafe(48)
    secret = secrets.token_urlsafe(48)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it meanwhile
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        log.warning("cannot write %s: sessions will end when this process stops", path)
        return secret
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(secret)
    return secret


@cache
def get_settings() -> Settings:
    return Settings()


def open_store(settings: Settings) -> GraphStore:
    """Neo4j when `RELAIS_NEO4J_URI` is set, else the embedded store. The caller closes it."""
    if settings.neo4j_uri:
        store: GraphStore = Neo4jStore(
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password.get_secret_value(),
            settings.neo4j_database,
            query_timeout=settings.neo4j_query_timeout,
            connection_timeout=settings.neo4j_connection_timeout,
        )
        store.bootstrap()
        return store
    if settings.store_file is None:
        return MemoryStore()
    path, legacy = store_files(settings.store_file)
    if legacy is not None and (message := convert_json_store(legacy, path)):
        log.warning(message)
    return SqliteStore(path)


def store_files(path: Path) -> tuple[Path, Path | None]:
    """The SQLite file for a configured store file, and the JSON store of the former format to convert into
    it (the default JSON file beside the default database, or the configured .json file itself).

    >>> store_files(Path("/srv/relais/store.json"))
    (PosixPath('/srv/relais/store.db'), PosixPath('/srv/relais/store.json'))
    >>> store_files(Path("/srv/relais/relais.db"))
    (PosixPath('/srv/relais/relais.db'), None)
    """
    if path.suffix.lower() == ".json":
        return path.with_suffix(".db"), path
    return path, LEGACY_STORE_FILE if path == DEFAULT_STORE_FILE else None


def store_label(settings: Settings, store: GraphStore) -> str:
    """Which store serves, in words for the console and the pages: «SQLite var/relais.db», «Neo4j bolt://…»."""
    if isinstance(store, SqliteStore):
        path = store.path.resolve()
        return f"SQLite {path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path}"
    if isinstance(store, Neo4jStore):
        return f"Neo4j {settings.neo4j_uri or ''}".rstrip()
    return "mémoire / memory (not saved)"
