"""`GraphStore.changed_since`: what changed after a version, on every store (and, on Neo4j, from the index)."""

from __future__ import annotations

from datetime import date
from typing import Any, LiteralString

import pytest

from graph import cypher
from graph.models import Capacity, Location, Organisation, Service, Visibility
from graph.neo4j_store import Neo4jStore
from graph.store import Changed, Edits, GraphStore
from tests.contract.store_contract import coop, loc, org, svc

HUY_COMMUNE = "61031"


def pairs(changed: list[Changed] | None) -> list[tuple[str, str]]:
    assert changed is not None
    return [(c.kind, c.id) for c in changed]


def test_the_fields_each_entry_changed(store: GraphStore) -> None:
    """What lets a kept ranking re-rank a shelter whose places changed without reading anything else."""
    store.upsert([org("a"), loc("la", "a", Visibility.HIDDEN, HUY_COMMUNE), svc("sa", "a", location_ids=("la",))])
    start = store.version()
    places = Capacity(available=2, total=8, updated_at=date(2026, 11, 28))
    store.upsert([svc("sa", "a", location_ids=("la",), capacity=places)])
    store.upsert([loc("la", "a", Visibility.HIDDEN, "62063")])
    store.upsert([svc("sb", "a")])
    found = store.changed_since(start)
    assert found is not None and [c.fields for c in found[:2]] == [frozenset({"capacity"}), frozenset({"commune"})]
    assert found[2] == Changed("Service", "sb", None), "a new record's entry says no field: it may be anywhere"


def test_the_entries_after_a_version(store: GraphStore) -> None:
    start = store.version()
    assert store.changed_since(start) == []
    store.upsert([org("a"), org("b")])
    after_orgs = store.version()
    store.upsert([loc("la", "a", Visibility.PUBLIC, HUY_COMMUNE)])
    store.upsert([svc("sa", "a", location_ids=("la",))])
    store.add_links([coop("a", "b")])
    store.delete(Organisation, "a")
    link = ("COOPERATES_WITH", "a/b/informal")
    took = [("Organisation", "a"), ("Service", "sa"), ("Location", "la"), link]  # what the deletion took
    assert pairs(store.changed_since(after_orgs)) == [("Location", "la"), ("Service", "sa"), link, *took]
    found = pairs(store.changed_since(start))
    assert found[:2] == [("Organisation", "a"), ("Organisation", "b")]
    assert store.changed_since(start, limit=3) is None, "more than the limit: None"
    assert store.changed_since(store.version()) == []


def test_the_records_the_entries_name_come_with_them(store: GraphStore) -> None:
    """`edits_since`: the entries of `changed_since` and the organisations, locations and services they name as
    they are now, hidden places included and deleted records absent (one round trip on Neo4j: what the first
    question after a shelter's places changed waits for)."""
    hidden = Visibility.HIDDEN
    store.upsert([org("a"), org("b"), loc("la", "a", hidden, HUY_COMMUNE), svc("sa", "a", location_ids=("la",))])
    store.upsert([org("z")])  # the version's own write: what it names is not read again
    start = store.version()
    places = Capacity(available=2, total=8, updated_at=date(2026, 11, 28))
    store.upsert([svc("sa", "a", location_ids=("la",), capacity=places)])
    store.upsert([loc("la", "a", hidden, "62063"), org("b", "Renamed")])
    store.upsert([svc("sb", "b")])
    store.delete(Service, "sb")
    edits = store.edits_since(start)
    assert edits is not None and edits.changed == store.changed_since(start)
    assert edits.services == store.list(Service, ids=["sa"], clearance=hidden) and edits.services[0].capacity == places
    assert (
        edits.locations == store.list(Location, ids=["la"], clearance=hidden) and edits.locations[0].commune == "62063"
    )
    assert [o.name for o in edits.organisations] == ["Renamed"]
    assert store.edits_since(start, limit=3) is None, "more than the limit: None, as changed_since"
    assert store.edits_since(store.version()) == Edits([], [], [], [])


@pytest.mark.neo4j
def test_edits_since_seeks_the_seq_index_and_the_records_ids(neo4j_store: Neo4jStore) -> None:
    used = _plan(neo4j_store, cypher.EDITS_SINCE)
    assert "NodeIndexSeekByRange" in used and "NodeUniqueIndexSeek" in used, sorted(used)
    assert not used & {"NodeByLabelScan", "AllNodesScan", "Sort", "Top"}, sorted(used)


@pytest.mark.neo4j
def test_changed_since_reads_the_seq_index(neo4j_store: Neo4jStore) -> None:
    """A range read of the `change_seq` index, in its order: no label scan, no sort of the log."""
    used = _plan(neo4j_store, cypher.CHANGED_SINCE)
    assert "NodeIndexSeekByRange" in used, sorted(used)
    assert not used & {"NodeByLabelScan", "AllNodesScan", "Sort", "Top"}, sorted(used)


def _plan(neo4j_store: Neo4jStore, text: LiteralString) -> set[str]:
    """The operators Neo4j plans for `text` (EXPLAIN: nothing run)."""
    params: dict[str, Any] = {"since": 1, "limit": 10, "entries": 10}
    _, summary, _ = neo4j_store._driver.execute_query("EXPLAIN " + text, params, database_=neo4j_store.database)
    assert summary.plan is not None
    return _operators(summary.plan)


def _operators(plan: dict[str, Any]) -> set[str]:
    found = {str(plan.get("operatorType", "")).split("@")[0]}
    for child in plan.get("children", []):
        found |= _operators(child)
    return found
