"""Two API processes on one Neo4j: an edit made through one is in the other's answers within the
version read interval, and in its own at once."""

from __future__ import annotations

import os
import threading
import time
from datetime import date
from typing import Any

import pytest

from graph.models import Visibility
from graph.neo4j_store import VERSION_READ_EVERY, Neo4jStore
from graph.reference import Reference
from graph.referral import ReferralEngine, ReferralQuery, Role
from tests.contract.store_contract import loc, org, referred, svc

pytestmark = pytest.mark.neo4j
HUY_COMMUNE = "61031"


def answer_ids(engine: ReferralEngine) -> list[str]:
    answer = engine.refer(ReferralQuery(situation="partner-violence", division="huy"), Role.PROFESSIONAL)
    return [r.candidate.service.id for r in answer.results]


def another_process() -> Neo4jStore:
    """A second store on the same server, as another API process holds one."""
    return Neo4jStore(
        os.environ["RELAIS_NEO4J_URI"],
        os.environ.get("RELAIS_NEO4J_USER", "neo4j"),
        os.environ.get("RELAIS_NEO4J_PASSWORD", ""),
        os.environ.get("RELAIS_NEO4J_DATABASE", "neo4j"),
    )


def test_an_edit_through_one_replica_reaches_the_other(neo4j_store: Neo4jStore, reference: Reference) -> None:
    neo4j_store.wipe()
    neo4j_store.upsert(reference.records())
    neo4j_store.upsert([org("a", "A fictive"), loc("la", "a", Visibility.PUBLIC, HUY_COMMUNE)])
    neo4j_store.upsert([svc("sa", "a", location_ids=("la",))])
    other = another_process()
    try:
        here = ReferralEngine(neo4j_store, reference, today=date(2026, 11, 26))
        there = ReferralEngine(other, reference, today=date(2026, 11, 26))
        assert answer_ids(here) == answer_ids(there) == ["sa"]

        neo4j_store.upsert([svc("sb", "a", location_ids=("la",), open_24_7=True)])
        assert answer_ids(here) == ["sb", "sa"], "the writing process sees its edit at once"
        time.sleep(VERSION_READ_EVERY + 0.05)
        assert answer_ids(there) == ["sb", "sa"], "the other process within the version read interval"
    finally:
        other.close()


def test_the_writer_knows_the_version_it_wrote(
    neo4j_store: Neo4jStore, reference: Reference, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After its own write a process answers with that write's version without reading it (one round trip
    less on the first question after an edit): the version another process reads, never an older one."""
    neo4j_store.wipe()
    neo4j_store.upsert(reference.records())
    other = another_process()
    try:
        for writer, reader in ((neo4j_store, other), (other, neo4j_store), (neo4j_store, other)):
            before = reader.version()
            writer.upsert([org("a", f"A fictive {before}")])
            read = writer._read
            monkeypatch.setattr(writer, "_read", lambda *a, **kw: pytest.fail("the writer read its version"))
            known = writer.version()
            monkeypatch.setattr(writer, "_read", read)
            time.sleep(VERSION_READ_EVERY + 0.05)
            assert known == reader.version() > before
    finally:
        other.close()


def test_a_count_leaves_the_version_known(neo4j_store: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A referral counted (a tally, not in the change log) does not move the directory's version: the next
    question does not read it again (each unmet demand counted through the API did, on Neo4j)."""
    known = neo4j_store.version()
    neo4j_store.add_tallies([referred()])
    monkeypatch.setattr(neo4j_store, "_read", lambda *a, **kw: pytest.fail("the version read again"))
    assert neo4j_store.version() == known


def test_a_slow_version_read_never_takes_the_version_back(
    neo4j_store: Neo4jStore, reference: Reference, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read ahead that read before another process's edit and answers late does not replace the version a
    later read found: the edit, once in an answer, stays in the next ones."""
    neo4j_store.wipe()
    neo4j_store.upsert(reference.records())
    before = neo4j_store.version()
    real = neo4j_store._read
    read, late = threading.Event(), threading.Event()

    def slow(*args: Any, **params: Any) -> Any:
        rows = real(*args, **params)
        read.set()
        late.wait(10)
        return rows

    monkeypatch.setattr(neo4j_store, "_read", slow)
    ahead = threading.Thread(target=neo4j_store._read_version)
    ahead.start()
    assert read.wait(10)
    monkeypatch.setattr(neo4j_store, "_read", real)
    other = another_process()
    try:
        other.upsert([org("b", "B fictive")])
        edited = neo4j_store._read_version()  # a question that reads it meanwhile
        assert edited > before
    finally:
        late.set()
        ahead.join(10)
        other.close()
    assert neo4j_store.version() == edited
