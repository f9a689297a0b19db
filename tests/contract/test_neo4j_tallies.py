"""The counts in Neo4j: one :Tally node per cell, unique by its key, linked to nothing; a database of
schema 2 gets the constraints at bootstrap."""

from __future__ import annotations

import pytest
from neo4j.exceptions import ConstraintError

from graph import cypher
from graph.models import OutcomeReason, OutcomeTally, ReferralTally, UnmetDemand
from graph.neo4j_store import Neo4jStore, tally_key
from tests.contract.store_contract import outcome, referred, unmet

pytestmark = pytest.mark.neo4j


def test_a_cell_is_one_node_linked_to_nothing_and_holding_only_its_fields(neo4j_store: Neo4jStore) -> None:
    neo4j_store.wipe()
    neo4j_store.add_tallies([referred(), referred(count=2), unmet(language="tr")])
    neo4j_store.replace_tallies(OutcomeTally, "sb/2026-10", [], [outcome(OutcomeReason.NO_PLACE, 3)])
    rows, _, _ = neo4j_store._driver.execute_query(
        "MATCH (t:Tally) RETURN t.kind AS kind, keys(t) AS keys, COUNT { (t)--() } AS linked ORDER BY kind",
        database_=neo4j_store.database,
    )
    common = {"key", "kind", "scope", "month", "count"}
    assert [(r["kind"], set(r["keys"]), r["linked"]) for r in rows] == [
        ("outcome", common | {"organisation_id", "service_id", "reason"}, 0),
        ("referral", common | {"from_id", "to_id", "service_id", "situation"}, 0),
        ("unmet", common | {"term", "division", "language", "urgent"}, 0),
    ]
    assert tally_key(referred()) == "referral:2026-10/a/b/sb/partner-violence"


def test_the_key_is_unique_across_kinds(neo4j_store: Neo4jStore) -> None:
    neo4j_store.wipe()
    neo4j_store.add_tallies([referred()])
    with pytest.raises(ConstraintError):
        neo4j_store._driver.execute_query(
            "CREATE (:Tally {key: $key, kind: 'referral', count: 1})",
            key=tally_key(referred()),
            database_=neo4j_store.database,
        )
    assert [t.count for t in neo4j_store.tallies(ReferralTally)] == [1]


def test_schema_3_adds_the_tally_constraints_to_a_database_of_schema_2(neo4j_store: Neo4jStore) -> None:
    driver, database = neo4j_store._driver, neo4j_store.database
    for name in ("tally_key", "tally_clock_kind"):
        driver.execute_query(f"DROP CONSTRAINT {name} IF EXISTS", database_=database)
    driver.execute_query(cypher.SCHEMA_SET_VERSION, version=2, database_=database)
    neo4j_store.bootstrap()
    rows, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names", database_=database)
    assert {"tally_key", "tally_clock_kind"} <= set(rows[0]["names"])
    assert neo4j_store.schema_version() == cypher.SCHEMA_VERSION
    neo4j_store.wipe()
    neo4j_store.add_tallies([unmet(), unmet()])
    assert [t.count for t in neo4j_store.tallies(UnmetDemand)] == [2]
