"""Unmet demand is written after the answer (graph.usecases.outcomes.UnmetWriter): a slow or refusing store
never holds an answer back, every count decided reaches the store, many in one write."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence

import pytest

from api.bootstrap import build
from graph.errors import StoreUnavailable
from graph.memory_store import MemoryStore
from graph.models import Tally, UnmetDemand
from graph.reference import load_reference
from graph.referral import ReferralQuery, Role
from graph.usecases import Caller
from graph.usecases.outcomes import UnmetWriter
from tests.api.conftest import demo_store, settings
from tests.api.test_warm_up import wait_for

NOTHING_IN_HUY = ReferralQuery.of(situation="forced-marriage", commune="Huy", language="ar", urgent=True)


class SlowStore(MemoryStore):
    """Counts wait until `go` is set (a busy server), and each write is recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.go = threading.Event()
        self.go.set()
        self.entered = threading.Event()
        self.writes: list[int] = []
        self.refuse = False

    def _add_tallies(self, tallies: Sequence[Tally]) -> None:
        self.entered.set()
        self.go.wait(10)
        if self.refuse:
            raise StoreUnavailable("Neo4j is unreachable (test)")
        self.writes.append(len(tallies))
        super()._add_tallies(tallies)


def counted(store: MemoryStore) -> int:
    return sum(t.count for t in store.tallies(UnmetDemand))


def cell(term: str = "fgm") -> UnmetDemand:
    return UnmetDemand(month="2026-11", term=term, division="huy")


def test_an_answer_that_found_nothing_does_not_wait_for_its_count() -> None:
    store = SlowStore()
    relais = build(settings(), demo_store(store, load_reference()))
    store.go.clear()
    started = time.monotonic()
    answer = relais.referrals.refer(Caller(Role.PROFESSIONAL, key_id="k", client="k"), NOTHING_IN_HUY)
    assert time.monotonic() - started < 5, "the answer came before the count was written"
    assert answer.results and all(r.alternative for r in answer.results)
    assert counted(store) == 0
    store.go.set()
    relais.close()  # the process ending writes what it decided
    assert counted(store) == 1


def test_counts_decided_during_a_write_go_in_the_next_one_summed() -> None:
    store = SlowStore()
    writer = UnmetWriter(store)
    store.go.clear()
    writer.add(cell())
    assert store.entered.wait(5), "its write started, and waits for the store"
    for _ in range(40):
        writer.add(cell())
    writer.add(cell("forced-marriage"))
    store.go.set()
    writer.flush()
    assert counted(store) == 42
    assert store.writes == [1, 2], "the 41 cells decided meanwhile: one write of two cells"


def test_counts_added_from_many_threads_are_all_written() -> None:
    store = SlowStore()
    writer = UnmetWriter(store)

    def ask() -> None:
        for _ in range(200):
            writer.add(cell())

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wait_for(lambda: counted(store) >= 800, 5)  # no flush: the writing thread gets them all
    assert counted(store) == 800


def test_a_refused_write_is_logged_and_the_next_counts_are_written(caplog: pytest.LogCaptureFixture) -> None:
    store = SlowStore()
    writer = UnmetWriter(store)
    store.refuse = True
    with caplog.at_level(logging.WARNING, logger="relais"):
        writer.add(cell())
        writer.flush()
    assert "1 unmet demand counts not written" in caplog.text
    assert "fgm" not in caplog.text and "huy" not in caplog.text
    store.refuse = False
    writer.add(cell())
    writer.flush()
    assert counted(store) == 1


def test_a_writer_closed_then_asked_again_still_writes() -> None:
    """A Relais closed by one app's lifespan and served again by another (the tests, the bench) keeps counting."""
    store = SlowStore()
    writer = UnmetWriter(store)
    writer.add(cell())
    writer.close()
    assert counted(store) == 1, "closing writes what is pending"
    writer.add(cell())
    wait_for(lambda: counted(store) >= 2, 5)  # no flush: a writing thread again
    assert counted(store) == 2
