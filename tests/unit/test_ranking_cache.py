"""The ranking cache keeps, across versions, the lists an edit does not reach; it drops the others."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pytest

from graph.memory_store import MemoryStore
from graph.models import Capacity, Commune, Organisation, Service, ServiceCandidate, Status, Visibility
from graph.reference import Reference
from graph.referral import ReferralEngine, ReferralQuery, Role
from graph.referral.cache import RankingCache, RankingKey
from tests.contract.store_contract import coop, loc, org, svc

HUY_COMMUNE = "61031"
TODAY = date(2026, 11, 26)


class CountingStore(MemoryStore):
    """A memory store that counts candidate searches by the term asked first, and the services read again
    by id (a kept list following an edit)."""

    def __init__(self) -> None:
        super().__init__()
        self.searches: Counter[str] = Counter()
        self.reread: list[str] = []

    def candidate_services(self, terms: Iterable[str], **kw: object) -> list[ServiceCandidate]:
        terms = sorted(terms)
        among = kw.get("among")
        if among is None:
            self.searches[",".join(terms)] += 1
        else:
            self.reread.extend(among)  # type: ignore[arg-type]
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


class Names(list[str]):
    """A kept list of service ids, for the cache alone (these tests edit no service it holds)."""

    def holds(self, service_id: str) -> bool:
        return service_id in self

    def updated(self, edited: Mapping[str, tuple[Service, bool] | None]) -> Names:
        return self


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
    assert ask(engine, situation="partner-violence") == ["sb", "sa"], "the full service goes down at once"
    assert searches(store) == 2, "re-ranked in place: a capacity does not move a service to other lists"
    assert store.reread == [], "nor is it read again"

    store.upsert([svc("sa", "a", location_ids=("la",), capacity=full, needs=("legal-advice",))])
    assert ask(engine, situation="partner-violence") == ["sb", "sa"]
    assert searches(store) == 2 and store.reread == ["sa"], "a term given: its list reads it again, alone"
    assert ask(engine, need="shelter") == ["sc"]
    assert searches(store) == 2 and store.reread == ["sa"], "one that does not hold it and that it cannot enter"
    assert ask(engine, need="legal-advice") == ["sa"]

    store.upsert([org("b", "0 B fictive")])
    assert ask(engine, situation="partner-violence") == ["sb", "sa"], "renamed: before A"
    assert searches(store) == 3 and store.reread == ["sa", "sb"], "its services read again in the lists holding it"


def test_an_edit_in_place_reorders_each_language_kept(store: CountingStore, reference: Reference) -> None:
    """A service that now speaks Arabic comes first for an Arabic speaker, and its 24/7 line first when
    urgent: each list and each language's order follow, without a store search."""
    engine = ReferralEngine(store, reference, today=TODAY)
    assert ask(engine, situation="partner-violence", language="ar") == ["sa", "sb"]
    assert ask(engine, situation="partner-violence", urgent="true") == ["sa", "sb"]
    made = searches(store)  # the two lists, and the interpreting services' (nobody speaks Arabic yet)

    store.upsert([svc("sb", "b", location_ids=("lb",), languages=("fr", "ar"))])
    assert ask(engine, situation="partner-violence", language="ar") == ["sb", "sa"]
    assert ask(engine, situation="partner-violence") == ["sa", "sb"], "no language asked: as before"
    store.upsert([svc("sb", "b", location_ids=("lb",), languages=("fr", "ar"), open_24_7=True)])
    assert ask(engine, situation="partner-violence", urgent="true") == ["sb", "sa"]
    assert searches(store) == made

    store.upsert([svc("sb", "b", location_ids=("lb",), status=Status.INACTIVE)])
    assert ask(engine, situation="partner-violence", language="ar") == ["sa"], "inactive: gone at once"
    store.upsert([svc("sb", "b", location_ids=("lb",))])
    assert ask(engine, situation="partner-violence", language="ar") == ["sa", "sb"], "active again: back"


def test_a_shelter_at_a_hidden_address_is_re_ranked_in_place(store: CountingStore, reference: Reference) -> None:
    """Its candidate lists no hidden location (nobody's clearance shows it), yet the change log says only its
    places changed: re-ranked where it is, nothing read again, and still no address."""
    store.upsert([loc("lh", "b", Visibility.HIDDEN, HUY_COMMUNE)])
    full = Capacity(available=0, total=6, updated_at=TODAY)
    store.upsert([svc("sh", "b", location_ids=("lh",), situations=(), needs=("shelter",), capacity=full)])
    engine = ReferralEngine(store, reference, today=TODAY)
    public = engine.refer(ReferralQuery(need="shelter", division="huy"), Role.PUBLIC)
    assert [r.candidate.service.id for r in public.results] == ["sc", "sh"], "full: after"
    made = searches(store)
    free = Capacity(available=2, total=6, updated_at=TODAY)
    store.upsert([svc("sh", "b", location_ids=("lh",), situations=(), needs=("shelter",), capacity=free)])
    public = engine.refer(ReferralQuery(need="shelter", division="huy"), Role.PUBLIC)
    assert [r.candidate.service.id for r in public.results] == ["sh", "sc"], "free places: first"
    assert public.results[0].candidate.locations == () and public.results[0].candidate.service.location_ids == ()
    assert searches(store) == made and store.reread == []


def test_a_deleted_organisation_leaves_the_lists_holding_it(store: CountingStore, reference: Reference) -> None:
    """Its services and locations were deleted with it, each logged: the lists holding them read them again
    (gone); the others are kept."""
    engine = ReferralEngine(store, reference, today=TODAY)
    ask(engine, situation="partner-violence")
    ask(engine, need="shelter")
    store.delete(Organisation, "b")
    assert ask(engine, situation="partner-violence") == ["sa"]
    assert ask(engine, need="shelter") == ["sc"]
    assert searches(store) == 2 and store.reread == ["sb"]


def test_links_platforms_and_purges_keep_every_list(store: CountingStore, reference: Reference) -> None:
    engine = ReferralEngine(store, reference, today=TODAY)
    ask(engine, situation="partner-violence")
    ask(engine, need="shelter")
    store.add_links([coop("a", "b")])
    store.purge_changes("Rue Exemple")
    assert ask(engine, situation="partner-violence", from_org="a") == ["sb", "sa"], "the partner's points"
    ask(engine, need="shelter")
    assert searches(store) == 2 and store.reread == []


@pytest.mark.parametrize("edit", ["commune", "too many"])
def test_what_empties_the_cache(store: CountingStore, reference: Reference, edit: str) -> None:
    engine = ReferralEngine(store, reference, today=TODAY)
    engine.cache.changes_limit = 5
    ask(engine, situation="partner-violence")
    ask(engine, need="shelter")
    if edit == "commune":
        other = next(r for r in reference.records() if isinstance(r, Commune) and r.id != HUY_COMMUNE)
        store.upsert([other.model_copy(update={"name": other.name + " (bis)"})])
    else:
        store.upsert([org(f"x{i}") for i in range(6)])  # six new organisations, with no service
    ask(engine, need="shelter")
    assert searches(store) == 3
    assert len(engine.cache) == 1


def test_a_late_question_does_not_take_the_cache_back(store: CountingStore) -> None:
    """A question that read the version before another question moved the cache on computes its own list
    and keeps nothing; the cache stays at the newer version with its lists."""
    cache: RankingCache[Names] = RankingCache(store=store)
    key = RankingKey("partner-violence", "huy", False, TODAY)
    old = store.version()
    store.upsert([org("d", "D fictive")])
    new = store.version()
    assert cache.get(new, key) is None
    cache.put(new, key, Names(["sa"]))
    assert cache.get(old, key) is None
    cache.put(old, key, Names(["stale"]))
    assert cache.get(new, key) == ["sa"]


def test_a_store_that_went_back_empties_the_cache(store: CountingStore) -> None:
    cache: RankingCache[Names] = RankingCache(store=store)
    key = RankingKey("partner-violence", "huy", False, TODAY)
    cache.get(store.version() + 10, key)
    cache.put(store.version() + 10, key, Names(["from another store"]))
    assert cache.get(store.version(), key) is None
    assert len(cache) == 0


def test_two_threads_missing_one_list_make_it_once(store: CountingStore, reference: Reference) -> None:
    """A second question for a list being made waits for it instead of searching the store again (at 100k each
    search and ranking of a broad term is a second or more), and gets the same answer."""
    engine = ReferralEngine(store, reference, today=TODAY)
    entered, release = threading.Event(), threading.Event()
    search = store.candidate_services

    def slow(*args: Any, **kwargs: Any) -> list[ServiceCandidate]:
        entered.set()
        release.wait(5)
        return search(*args, **kwargs)

    store.candidate_services = slow  # type: ignore[method-assign]
    answers: dict[str, list[str]] = {}

    def asks(name: str) -> None:
        answers[name] = ask(engine, situation="partner-violence")

    first = threading.Thread(target=asks, args=("first",))
    first.start()
    assert entered.wait(5)
    entered.clear()
    second = threading.Thread(target=asks, args=("second",))
    second.start()
    searched_twice = entered.wait(0.5)  # without one maker, the second thread is in the store by now
    release.set()
    first.join(5)
    second.join(5)
    assert not searched_twice and searches(store) == 1
    assert answers == {"first": ["sa", "sb"], "second": ["sa", "sb"]}
