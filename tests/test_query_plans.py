"""The referral and lookup queries use index seeks, never label scans (checked with EXPLAIN on Neo4j)."""

from __future__ import annotations

from typing import Any

import pytest

from graph import cypher
from graph.neo4j_store import Neo4jStore

pytestmark = pytest.mark.neo4j
SCANS = {"NodeByLabelScan", "AllNodesScan", "DirectedAllRelationshipsScan", "UndirectedAllRelationshipsScan"}

QUERIES: dict[str, tuple[str, dict[str, Any]]] = {
    "candidates": (cypher.CANDIDATES, {"terms": ["fgm"], "divisions": ["huy"], "audiences": None, "language": None}),
    "candidates among": (
        cypher.CANDIDATES_AMONG,
        {"ids": ["s1"], "terms": ["fgm"], "divisions": ["huy"], "audiences": None, "language": None},
    ),
    "partner_tree": (cypher.PARTNER_TREE, {"id": "a", "hops": 3}),
    "shortest_paths": (cypher.SHORTEST_PATHS, {"from": "a", "to": "b", "max_hops": 3}),
    **{f"fetch_ids[{k}]": (q, {"ids": ["a"]}) for k, q in cypher.FETCH_IDS.items()},
    **{f"fetch_ids_packed[{k}]": (q, {"ids": ["a"]}) for k, q in cypher.FETCH_IDS_PACKED.items()},
    **{f"fetch_of_organisation[{k}]": (q, {"org": "a"}) for k, q in cypher.FETCH_OF_ORGANISATION.items()},
    **{f"hashes[{k}]": (q, {"ids": ["a"]}) for k, q in cypher.HASHES.items()},
    **{f"missing[{k}]": (q, {"ids": ["a"]}) for k, q in cypher.MISSING.items()},
    **{
        f"link_hashes[{k}]": (q, {"rows": [{"start": "a", "end": "b", "key": "x"}]})
        for k, q in cypher.LINK_HASHES.items()
    },
}


def operators(plan: dict[str, Any]) -> set[str]:
    found = {str(plan.get("operatorType", "")).split("@")[0]}
    for child in plan.get("children", []):
        found |= operators(child)
    return found


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_plan_uses_index_seeks(neo4j_store: Neo4jStore, name: str) -> None:
    text, params = QUERIES[name]
    _, summary, _ = neo4j_store._driver.execute_query("EXPLAIN " + text, params, database_=neo4j_store.database)
    assert summary.plan is not None
    used = operators(summary.plan)
    assert not used & SCANS, (name, sorted(used))
    assert any("Seek" in op for op in used), (name, sorted(used))


def test_directory_version_reads_one_index_entry(neo4j_store: Neo4jStore) -> None:
    """Every referral checks the version: it must read the end of the `change_seq` index, not sort the log."""
    _, summary, _ = neo4j_store._driver.execute_query(
        "EXPLAIN " + cypher.DIRECTORY_VERSION, {}, database_=neo4j_store.database
    )
    assert summary.plan is not None
    used = operators(summary.plan)
    assert "NodeIndexScan" in used and "Limit" in used, sorted(used)
    assert not used & (SCANS | {"Sort", "Top", "EagerAggregation"}), sorted(used)
