"""API fixtures: the app over the demo directory, on the memory store and on a real Neo4j."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.keys import key_digest
from api.settings import DEV_SECRET, ApiKey, Settings
from graph.memory_store import MemoryStore
from graph.neo4j_store import Neo4jStore
from graph.reference import Reference
from graph.store import GraphStore
from graph.usecases import import_directory
from loaders.directory import read_directory

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
DEMO_PLACES_ON = date(2026, 11, 3)
"""The day of the demo's shelter places (data/demo/services.csv): the tests count them as fresh, whatever the
day the suite runs, so the scenarios rank as written; the freshness tests set their own threshold."""
KEYS = {
    "professional": ApiKey(id="k-pro", role="professional", digest=key_digest("pro-secret-token", DEV_SECRET)),
    "editor": ApiKey(
        id="k-edit", role="editor", digest=key_digest("editor-secret-token", DEV_SECRET), organisation_id="amb-h-1"
    ),
    "editor_b": ApiKey(
        id="k-edit-b", role="editor", digest=key_digest("editor-b-secret-token", DEV_SECRET), organisation_id="amb-l-1"
    ),
    "coordinator": ApiKey(id="k-coord", role="coordinator", digest=key_digest("coord-secret-token", DEV_SECRET)),
}
TOKENS = {
    "professional": "pro-secret-token",
    "editor": "editor-secret-token",
    "editor_b": "editor-b-secret-token",
    "coordinator": "coord-secret-token",
}


def auth(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[role]}"} if role in TOKENS else {}


def settings() -> Settings:
    return Settings(
        secret_key=DEV_SECRET,  # the keys above are digests under it
        neo4j_uri=None,
        api_keys=list(KEYS.values()),
        data_dir=DEMO,
        keys_file=Path("/nonexistent/keys.json"),
        public_searches_per_minute=0,  # the rate limits have their own tests
        hsds_reads_per_minute=0,
        capacity_fresh_days=max(7, (date.today() - DEMO_PLACES_ON).days),
    )


def demo_store(store: GraphStore, reference: Reference) -> GraphStore:
    import_directory(read_directory(DEMO, reference), store, reference=reference)
    return store


@pytest.fixture(scope="module")
def demo_neo4j(neo4j_store: Neo4jStore, reference: Reference) -> Neo4jStore:
    neo4j_store.wipe()
    demo_store(neo4j_store, reference)
    return neo4j_store


@pytest.fixture(scope="module", params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def demo_client(request: pytest.FixtureRequest, reference: Reference) -> Iterator[TestClient]:
    """Read-only client over the demo, once per store kind."""
    store = demo_store(MemoryStore(), reference) if request.param == "memory" else request.getfixturevalue("demo_neo4j")
    with TestClient(create_app(settings(), store)) as client:
        yield client


@pytest.fixture
def client(reference: Reference) -> Iterator[TestClient]:
    """A client over a fresh memory copy of the demo, for tests that write."""
    with TestClient(create_app(settings(), demo_store(MemoryStore(), reference))) as c:
        yield c


def signed_in(client: TestClient, role: str = "coordinator") -> TestClient:
    """The client signed in through the sign-in form (a session cookie, as a browser holds it)."""
    assert client.post("/login", data={"key": TOKENS[role]}, follow_redirects=False).status_code == 303
    return client


def csrf_of(page: str) -> str:
    """The CSRF token of the first form of a page."""
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "a form with a CSRF token"
    return html.unescape(found.group(1))
