"""Every store runs the GraphStore contract: one factory subclass per backend, listed once in `BACKENDS`.

A new store joins by writing a subclass of `StoreContract` here (its `make_store`, `reopen_store`) and
adding it to `BACKENDS`: its contract tests run from this module, and every test using the `store` or
`empty_store` fixtures of tests/conftest.py (analysis, referrals, bundled data...) runs on it too.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph.memory_store import MemoryStore
from graph.neo4j_store import Neo4jStore
from graph.sqlite_store import SqliteStore
from graph.store import GraphStore
from tests.contract.store_contract import StoreContract, chain, coop, loc, org, svc

__all__ = ["BACKENDS", "chain", "connect_neo4j", "coop", "loc", "org", "svc"]
"""The fixture helpers stay importable from here (tests/unit/test_sqlite_store_file.py uses `org`)."""


def connect_neo4j() -> Neo4jStore | None:
    """A new connection to the test server named by RELAIS_NEO4J_URI (None when it is not set)."""
    uri = os.environ.get("RELAIS_NEO4J_URI")
    if not uri:
        return None
    return Neo4jStore(
        uri,
        os.environ.get("RELAIS_NEO4J_USER", "neo4j"),
        os.environ.get("RELAIS_NEO4J_PASSWORD", ""),
        os.environ.get("RELAIS_NEO4J_DATABASE", "neo4j"),
    )


class TestMemoryStore(StoreContract):
    """The pure in-memory store: its data live in the object, so reopening hands the same object back."""

    backend = "memory"

    def make_store(self) -> GraphStore:
        return MemoryStore()

    def reopen_store(self, store: GraphStore) -> GraphStore:
        return store

    def close_store(self, store: GraphStore) -> None:
        """Nothing to release (and the reopened handle is the store itself)."""


class TestSqliteStore(StoreContract):
    """The embedded store, persisted to an SQLite file of the test's own temporary folder; reopening opens
    a second connection and view on the same file, as another process would."""

    backend = "sqlite"

    def _path(self) -> Path:
        tmp_path = self.fixture("tmp_path")
        assert isinstance(tmp_path, Path)
        return tmp_path / "relais.db"

    def make_store(self) -> GraphStore:
        return SqliteStore(self._path())

    def reopen_store(self, store: GraphStore) -> GraphStore:
        return SqliteStore(self._path())


@pytest.mark.neo4j
class TestNeo4jStore(StoreContract):
    """The session's Neo4j (tests/conftest.py `neo4j_store`), wiped before each test."""

    backend = "neo4j"

    def _server(self) -> Neo4jStore:
        server = self.fixture("neo4j_store")
        assert isinstance(server, Neo4jStore)
        return server

    def make_store(self) -> GraphStore:
        server = self._server()
        server.wipe()
        return server

    def reopen_store(self, store: GraphStore) -> GraphStore:
        again = connect_neo4j()
        assert again is not None, "the neo4j_store fixture already checked RELAIS_NEO4J_URI"
        return again

    def close_store(self, store: GraphStore) -> None:
        if store is not self._server():  # the session's connection outlives the test
            store.close()


BACKENDS: tuple[type[StoreContract], ...] = (TestMemoryStore, TestSqliteStore, TestNeo4jStore)
"""Every store, once. tests/conftest.py builds `empty_store` and `store` from this list."""


def test_every_contract_subclass_is_listed() -> None:
    assert set(StoreContract.__subclasses__()) == set(BACKENDS)
