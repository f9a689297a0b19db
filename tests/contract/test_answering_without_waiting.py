"""An answer at hand is given without waiting (on the API's event loop, on every store); one that needs a round
trip to the store or a list another thread is making is refused before anything is done, then given by `refer`
in a thread: the same answer, its unmet demand counted once."""

from __future__ import annotations

import threading
import time

import pytest

from api.bootstrap import Relais, build
from graph import neo4j_store
from graph.models import UnmetDemand
from graph.neo4j_store import VERSION_READ_EVERY
from graph.reference import Reference
from graph.referral import Role
from graph.referral.cache import RankingKey
from graph.referral.query import ReferralQuery
from graph.store import GraphStore
from graph.usecases import Caller
from tests.api.conftest import demo_store, settings

PROFESSIONAL = Caller(Role.PROFESSIONAL, key_id="k1", client="k1")
UNMET = ReferralQuery.of(situation="forced-marriage", commune="Huy", language="ar", urgent=True)
MATCHED = ReferralQuery.of(situation="partner-violence", commune="Huy")


@pytest.fixture
def steady(monkeypatch: pytest.MonkeyPatch) -> None:
    """The directory version read once holds for the test (a cold list at Neo4j may take longer than it)."""
    monkeypatch.setattr(neo4j_store, "VERSION_READ_EVERY", 60.0)


def served(store: GraphStore, reference: Reference) -> Relais:
    return build(settings(), demo_store(store, reference))


def shown(relais: Relais, query: ReferralQuery) -> list[tuple[str, float, bool]]:
    answer = relais.referrals.refer(PROFESSIONAL, query, count=False)
    return [(r.candidate.service.id, r.score, r.alternative) for r in answer.results]


@pytest.mark.usefixtures("steady")
def test_a_kept_answer_is_given_without_waiting_and_equals_refer(store: GraphStore, reference: Reference) -> None:
    relais = served(store, reference)
    relais.referrals.refer(PROFESSIONAL, MATCHED, count=False)  # its list made, the version read
    found = relais.referrals.refer_without_waiting(PROFESSIONAL, MATCHED)
    assert found is not None, "a kept list answers without waiting"
    answer, unmet = found
    assert [(r.candidate.service.id, r.score, r.alternative) for r in answer.results] == shown(relais, MATCHED)
    assert answer.results and unmet is None


def test_a_list_another_thread_is_making_is_not_waited_for(store: GraphStore, reference: Reference) -> None:
    relais = served(store, reference)
    engine = relais.referrals.engine
    q = engine.question(MATCHED, Role.PROFESSIONAL)
    key = RankingKey(q.asked, q.division, q.query.urgent, q.today, q.query.situation)  # as `_ranked` keys it
    making, release = threading.Event(), threading.Event()

    def make() -> None:
        with engine.cache.making(key):
            making.set()
            release.wait(10)

    other = threading.Thread(target=make)
    other.start()
    try:
        assert making.wait(10)
        assert relais.referrals.refer_without_waiting(PROFESSIONAL, MATCHED) is None
    finally:
        release.set()
        other.join()
    assert shown(relais, MATCHED), "then answered where waiting is fine"


def test_what_would_wait_is_refused_before_it_starts(store: GraphStore, reference: Reference) -> None:
    """A list to rank (cold, even from the warm-up's one search: at 100k a second of CPU), a language its list
    has not met, or — on Neo4j — a directory version read too long ago: refused on every store, then answered
    by `refer` (in a thread), after which the same question is at hand."""
    relais = served(store, reference)
    assert relais.referrals.refer_without_waiting(PROFESSIONAL, MATCHED) is None, "a cold list"
    shown(relais, MATCHED)
    spoken = MATCHED.model_copy(update={"language": "tr"})
    assert relais.referrals.refer_without_waiting(PROFESSIONAL, spoken) is None, "a language the list has not met"
    shown(relais, spoken)
    relais.referrals.warm(60)  # keeps the one search of every term while the directory holds
    never_warmed = ReferralQuery.of(situation="partner-violence", need="shelter", commune="Huy")
    assert relais.referrals.refer_without_waiting(PROFESSIONAL, never_warmed) is None, (
        "ranked from the warm-up's search"
    )
    shown(relais, never_warmed)
    time.sleep(VERSION_READ_EVERY + 0.05)
    stale = relais.referrals.refer_without_waiting(PROFESSIONAL, MATCHED)
    assert (stale is not None) == store.reads_in_memory, "the version read again: a round trip on Neo4j only"
    shown(relais, MATCHED)
    for query in (MATCHED, spoken, never_warmed):
        assert relais.referrals.refer_without_waiting(PROFESSIONAL, query) is not None


def test_questions_asked_steadily_never_wait_for_the_version(
    store: GraphStore, reference: Reference, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Neo4j the version is read again in the background before the one held is too old: a question every
    50 ms is always at hand (on the other stores, reading it never waits). Here a read serves 1 s and is read
    ahead from 0.2 s, so that a loaded machine has 0.8 s to read it; without the read ahead, 2 would wait."""
    monkeypatch.setattr(neo4j_store, "VERSION_READ_EVERY", 1.0)
    monkeypatch.setattr(neo4j_store, "VERSION_READ_AHEAD", 0.2)
    relais = served(store, reference)
    shown(relais, MATCHED)
    refused, end = 0, time.monotonic() + 2.5
    while time.monotonic() < end:
        if relais.referrals.refer_without_waiting(PROFESSIONAL, MATCHED) is None:
            refused += 1
            shown(relais, MATCHED)
        time.sleep(0.05)
    assert refused == 0


@pytest.mark.usefixtures("steady")
def test_unmet_demand_is_decided_with_the_answer_and_counted_once(store: GraphStore, reference: Reference) -> None:
    relais = served(store, reference)
    relais.referrals.refer(PROFESSIONAL, UNMET, count=False)
    found = relais.referrals.refer_without_waiting(PROFESSIONAL, UNMET)
    assert found is not None
    answer, unmet = found
    assert all(r.alternative for r in answer.results)
    assert unmet is not None and store.tallies(UnmetDemand) == [], "decided, not yet written"
    relais.referrals.count_unmet(unmet)
    again = relais.referrals.refer_without_waiting(PROFESSIONAL, UNMET)
    assert again is not None and again[1] is None, "the same client asking again is not a second person"
    relais.outcomes.unmet.flush()
    assert [(c.term, c.division, c.count) for c in store.tallies(UnmetDemand)] == [("forced-marriage", "huy", 1)]
