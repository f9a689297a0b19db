"""The ranking cache keeps, across versions, the lists an edit does not reach; it drops the others."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

import pytest

from graph.memory_store import MemoryStore
from graph.models import Capacity, Commune, Organisation, ServiceCandidate, Visibility
from graph.reference import Reference
from graph.referral import ReferralEngine, ReferralQuery, Role
from graph.referral.cache import RankingCache, RankingKey
from tests.contract.store_contract import coop, loc, org, svc

HUY_COMMUNE = "61031"
TODAY = date(2026, 11, 26)


class CountingStore(MemoryStore):
    """A memory store that counts candidate searches by the term asked first."""

    def __init__(self) -> None:
        super().__init__()
        self.searches: Counter[str] = Counter()

    def candidate_services(self, terms: Iterable[str], **kw: object) -> list[ServiceCandidate]:
        terms = sorted(terms)
        self.searches[",".join(terms)] += 1
        return super().candidate_services(terms, **kw)  # type: ignore[arg-type]


@pytest.fixture
def store(reference: Reference) -> CountingStore:
    s = CountingStore()
    s.upsert(reference.records())
    s.upsert([org("a", "A fictive"), org("b", "B fictive"), org("c", "C fictive")])
    s.upsert([loc(f"l{i}", i, Visibility.PUBLIC, HUY_COMMUNE) for i in "abc"])
    s.upsert(
        [
            svc("sa", "a", location_ids=("la",)),
            svc("sb", "b", location_ids=("lb",)),
            svc("sc", "c", location_ids=("lc",), situations=(), needs=("shelter",)),
        ]
    )
    return s


def ask(engine: ReferralEngine, **kw: str) -> list[str]:
    answer = engine.refer(ReferralQuery(division="huy", **kw), Role.PROFESSIONAL)
    return [r.candidate.service.id for r in answer.results]


def searches(store: CountingStore) -> int:
    return sum(store.searches.values())


def test_an_edit_keeps_the_lists_it_does_not_reach(store: CountingStore, reference: Reference) -> None:
    engine = ReferralEngine(store, reference, today=TODAY)
    assert ask(engine, situation="partner-violence") == ["sa", "sb"]
    assert ask(engine, need="shelter") == ["sc"]
    assert searches(store) == 2 and len(engine.cache) == 2

    full = Capacity(available=0, total=4, updated_at=TODAY)
    store.upsert([svc("sa", "a", location_ids=("la",), capacity=full)])
    assert ask(engine, need="shelter") == ["sc"]
    assert searches(store) == 2, "the shelter list is kept: no store search"
    assert ask(engine, situation="partner-violence") == ["sb", "sa"], "the edited list is computed again"
    assert searches(store) == 3
    assert ask(engine, situation="partner-violence") == ["sb", "sa"]
    assert searches(store) == 3


def test_links_platforms_and_purges_keep_every_list(store: CountingStore, reference: Reference) -> None:
    engine = ReferralEngine(store, reference, today=TODAY)
    ask(engine, situation="partner-violence")
    ask(engine, need="shelter")
    store.add_links([coop("a", "b")])
    store.purge_changes("Rue Exemple")
    assert ask(engine, situation="partner-violence", from_org="a") == ["sb", "sa"], "the partner's points"
    ask(engine, need="shelter")
    assert searches(store) == 2


@pytest.mark.parametrize("edit", ["commune", "deleted organisation", "too many"])
def test_what_empties_the_cache(store: CountingStore, reference: Reference, edit: str) -> None:
    engine = ReferralEngine(store, reference, today=TODAY)
    engine.cache.changes_limit = 5
    ask(engine, situation="partner-violence")
    ask(engine, need="shelter")
    if edit == "commune":
        other = next(r for r in reference.records() if isinstance(r, Commune) and r.id != HUY_COMMUNE)
        store.upsert([other.model_copy(update={"name": other.name + " (bis)"})])
    elif edit == "deleted organisation":
        store.upsert([org("d", "D fictive")])
        store.delete(Organisation, "d")
    else:
        store.upsert([org(f"x{i}") for i in range(6)])  # six new organisations, with no service
    ask(engine, need="shelter")
    assert searches(store) == 3
    assert len(engine.cache) == 1


def test_a_late_question_does_not_take_the_cache_back(store: CountingStore) -> None:
    """A question that read the version before another question moved the cache on computes its own list
    and keeps nothing; the cache stays at the newer version with its lists."""
    cache: RankingCache[list[str]] = RankingCache(store=store)
    key = RankingKey("partner-violence", "huy", Visibility.NETWORK, False, TODAY)
    old = store.version()
    store.upsert([org("d", "D fictive")])
    new = store.version()
    assert cache.get(new, key) is None
    cache.put(new, key, ["sa"])
    assert cache.get(old, key) is None
    cache.put(old, key, ["stale"])
    assert cache.get(new, key) == ["sa"]


def test_a_store_that_went_back_empties_the_cache(store: CountingStore) -> None:
    cache: RankingCache[list[str]] = RankingCache(store=store)
    key = RankingKey("partner-violence", "huy", Visibility.NETWORK, False, TODAY)
    cache.get(store.version() + 10, key)
    cache.put(store.version() + 10, key, ["from another store"])
    assert cache.get(store.version(), key) is None
    assert len(cache) == 0
