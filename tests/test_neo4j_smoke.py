"""Smoke test through the real server: schema bootstrap, a parameterised write, the uniqueness constraint."""

from __future__ import annotations

import pytest
from neo4j.exceptions import ConstraintError

from graph import cypher
from graph.errors import StoreUnavailable
from graph.models import Organisation
from graph.neo4j_store import Neo4jStore

pytestmark = pytest.mark.neo4j


def test_bootstrap_is_idempotent_and_versioned(neo4j_store: Neo4jStore) -> None:
    neo4j_store.bootstrap()
    neo4j_store.bootstrap()
    assert neo4j_store.schema_version() == cypher.SCHEMA_VERSION


def test_write_read_and_constraint_rejects_duplicate(neo4j_store: Neo4jStore) -> None:
    neo4j_store.wipe()
    neo4j_store.upsert(
        [
            Organisation(
                id="smoke-org",
                name="Organisation fictive",
                type="helpline",
                sector="associative",
                source="smoke test (fictional)",
            )
        ]
    )
    assert neo4j_store.get(Organisation, "smoke-org").name == "Organisation fictive"
    # A second node with the same id, written directly, must be refused by the constraint itself.
    driver = neo4j_store._driver
    with pytest.raises(ConstraintError):
        driver.execute_query("CREATE (:Organisation {id: $id})", id="smoke-org", database_=neo4j_store.database)
    records, _, _ = driver.execute_query(
        "MATCH (o:Organisation {id: $id}) RETURN count(o) AS n", id="smoke-org", database_=neo4j_store.database
    )
    assert records[0]["n"] == 1


def test_wrong_password_is_a_clear_store_error(neo4j_store: Neo4jStore) -> None:
    uri = neo4j_store._driver.get_server_info().address
    bad = Neo4jStore(f"bolt://{uri[0]}:{uri[1]}", "relais-nobody", "wrong-password", connection_timeout=2)
    with pytest.raises(StoreUnavailable, match="credentials"):
        bad.ping()
    bad.close()


def test_schema_2_turns_old_change_entries_into_one_entry_writes(neo4j_store: Neo4jStore) -> None:
    """A database written before schema 2 (one :Change node per record) keeps its audit log readable."""
    neo4j_store.wipe()
    driver = neo4j_store._driver
    driver.execute_query(
        "CREATE (:Change {seq: 1, at: '2026-01-02T03:04:05+00:00', key_id: 'key-old', action: 'update', "
        "entity: 'Organisation', entity_id: 'old-org', route: 'PUT /v1/organisations/old-org', "
        'diff: \'{"name": ["Ancien", "Nouveau"]}\'})',
        database_=neo4j_store.database,
    )
    driver.execute_query(cypher.SCHEMA_SET_VERSION, version=1, database_=neo4j_store.database)
    neo4j_store.bootstrap()
    assert neo4j_store.schema_version() == cypher.SCHEMA_VERSION
    [entry] = neo4j_store.changes()
    assert (entry.key_id, entry.action, entry.entity_id, entry.diff) == (
        "key-old",
        "update",
        "old-org",
        {"name": ("Ancien", "Nouveau")},
    )
