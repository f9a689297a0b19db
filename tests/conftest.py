"""Shared fixtures. `empty_store` and `store` run a test on every store of
tests/contract/test_store_contract.py's `BACKENDS` (the memory store and a real Neo4j), through the same
factories as the contract suite.

Neo4j comes from RELAIS_NEO4J_URI (set by `make test`, which starts the local server). With CI=true
an unreachable server fails the run, printing the end of the Neo4j log; elsewhere the tests skip loudly.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.neo4j_store import Neo4jStore
from graph.reference import Reference, load_reference
from graph.store import GraphStore
from tests.contract.store_contract import StoreContract
from tests.contract.test_store_contract import BACKENDS, connect_neo4j

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("RELAIS_WARM_SECONDS", "0")  # every app of the suite serves at once (tests/api/test_warm_up.py)


def _neo4j_log_tail() -> str:
    result = subprocess.run(
        [str(ROOT / "scripts" / "neo4j"), "logs", "40"], capture_output=True, text=True, check=False
    )
    return result.stdout + result.stderr


@pytest.fixture(scope="session")
def neo4j_store() -> Iterator[Neo4jStore]:
    uri = os.environ.get("RELAIS_NEO4J_URI")
    in_ci = os.environ.get("CI", "").lower() == "true"
    store = connect_neo4j()
    if store is None:
        if in_ci:
            pytest.fail("CI=true but RELAIS_NEO4J_URI is not set: Neo4j tests are mandatory in CI")
        pytest.skip("NEO4J TESTS SKIPPED: RELAIS_NEO4J_URI is not set (run `make test` to start a local Neo4j)")
    try:
        store.ping()
    except Exception as exc:
        store.close()
        message = f"Neo4j at {uri} is unreachable: {exc}\n{_neo4j_log_tail()}"
        if in_ci:
            pytest.fail(message)
        pytest.skip(message)
    store.bootstrap()
    yield store
    store.close()


@pytest.fixture(scope="session")
def reference() -> Reference:
    return load_reference()


@pytest.fixture(params=[pytest.param(b, marks=getattr(b, "pytestmark", ()), id=b.backend) for b in BACKENDS])
def empty_store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """An empty store of each kind, made by its contract class's `make_store()`."""
    backend: StoreContract = request.param().bind(request)
    store = backend.make_store()
    yield store
    backend.close_store(store)


@pytest.fixture
def store(empty_store: GraphStore, reference: Reference) -> GraphStore:
    """A store of each kind holding the reference data (divisions, communes, taxonomy)."""
    empty_store.upsert(reference.records())
    return empty_store
