"""The alternatives (a term with no service in the division) are ranked once per directory version, like the
rest: the same answers as the old path that searched the store on every question, and every edit that
reaches them shows in the very next answer."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest

from api.bench import every_term_everywhere
from graph.memory_store import MemoryStore
from graph.models import Capacity, Location, Organisation, Service, Status, Visibility
from graph.reference import Reference
from graph.referral import ReferralEngine, ReferralQuery, Role, allowed
from graph.referral.answer import Answer, Notice
from graph.referral.cache import RankingKey
from graph.referral.engine import RANKED_AT
from graph.referral.question import Question
from graph.referral.ranked import Ranked, Ranking
from graph.usecases import import_directory
from loaders.directory import read_directory
from loaders.generate import generate_directory
from tests.contract.store_contract import loc, org, svc
from tests.unit.test_ranking_cache import CountingStore, searches
from tests.unit.test_referral_ranking import _edit

HUY, LIEGE, VERVIERS = "61031", "62063", "63079"
TODAY = date(2026, 11, 26)
PHYSICAL = "partner-violence.physical"
NARROWER = (PHYSICAL, "partner-violence.psychological", "partner-violence.economic", "sexual-violence.recent")


class OldPathEngine(ReferralEngine):
    """The engine as it was: the alternatives searched in the store on every question (the reference)."""

    def _alternatives(
        self, ranking: Ranking, ranked: Iterable[Ranked], top: list[Ranked], q: Question
    ) -> tuple[list[Ranked], list[Notice]]:
        """The old path reads `ranked` alone (not the ranking's kept wanted candidates)."""
        if any(r.wanted for r in top) or any(r.wanted and allowed(r.candidate.service, q) for r in ranked):
            return top, []
        if not q.division:
            return top, []
        here = {r.candidate.service.id for r in ranked}
        elsewhere = [
            c
            for c in self.store.candidate_services(q.terms, clearance=RANKED_AT)
            if c.service.id not in here and c.service.terms() & q.wanted
        ]
        notices = []
        if top or any(allowed(c.service, q) for c in elsewhere):
            notices.append(Notice("none_here", {"term": q.asked, "division": q.division}))
        if elsewhere:
            further = [self._rank(c, q) for c in elsewhere]
            if language := q.query.language:
                further = [r.in_language(language, self.scorer) for r in further]
            top = self._top(sorted([*ranked, *further]), q)
        return top, notices


def seen(answer: Answer) -> tuple[object, ...]:
    """What a person reads: each result (service, score, alternative or not) and the notices."""
    return (
        [(r.candidate.service.id, r.score, r.alternative, r.path) for r in answer.results],
        [(n.code, sorted(n.values.items())) for n in answer.notices],
    )


def test_the_same_answers_as_the_old_path_through_edits(tmp_path: Path, reference: Reference) -> None:
    """Every term in every division (fallback answers included), both roles, after random edits of every kind."""
    generate_directory(tmp_path, orgs=300, seed=21, links_per_org=3)
    store = MemoryStore()
    import_directory(read_directory(tmp_path, reference), store, reference=reference)
    engine, old = ReferralEngine(store, reference, today=TODAY), OldPathEngine(store, reference, today=TODAY)
    engine.cache.size = 4096  # every list of the mix kept (none evicted): the kept lists are what is compared
    rng = random.Random(8)
    services = store.list(Service, clearance=Visibility.HIDDEN)
    store.upsert([s.model_copy(update={"situations": (*s.situations, rng.choice(NARROWER))}) for s in services[::40]])
    terms = sorted({t for s in store.list(Service, clearance=Visibility.HIDDEN) for t in s.situations})
    communes = sorted({x.commune for x in store.list(Location, clearance=Visibility.HIDDEN)})
    mix = every_term_everywhere()
    fallbacks = elsewhere = 0
    for _ in range(6):
        shown: set[str] = set()
        for q in mix:
            for role in (Role.PUBLIC, Role.PROFESSIONAL):
                got = engine.refer(q, role)
                assert seen(got) == seen(old.refer(q, role)), (q, role)
                fallbacks += any(n.code == "none_here" for n in got.notices)
                shown.update(r.candidate.service.id for r in got.results if q.division not in r.divisions)
        for _ in range(rng.randint(1, 3)):
            _edit(store, rng, [*terms, PHYSICAL], communes)
        elsewhere += len(shown)
        _edit_an_alternative(store, rng, sorted(shown), communes)
    assert fallbacks > 50 and elsewhere > 20, "the mix asks terms some divisions lack, answered elsewhere"


def _edit_an_alternative(store: MemoryStore, rng: random.Random, shown: list[str], communes: list[str]) -> None:
    """An edit of a service shown as an alternative (its capacity, status, organisation or location), or a
    service of another term given a narrower one: what the kept alternatives must follow."""
    hidden = Visibility.HIDDEN
    services = {s.id: s for s in store.list(Service, clearance=hidden)}
    s = services[rng.choice(shown)]
    kind = rng.choice(["capacity", "status", "rename", "move", "newcomer"])
    if kind == "capacity":
        places = Capacity(available=rng.randint(0, 3), total=3, updated_at=TODAY)
        store.upsert([s.model_copy(update={"capacity": places})])
    elif kind == "status":
        store.upsert([s.model_copy(update={"status": Status.INACTIVE})])
    elif kind == "rename":
        o = store.list(Organisation, ids=[s.organisation_id])[0]
        store.upsert([o.model_copy(update={"name": "0 " + o.name})])
    elif kind == "move" and s.location_ids:
        place = store.list(Location, ids=[s.location_ids[0]], clearance=hidden)[0]
        store.upsert([place.model_copy(update={"commune": rng.choice(communes)})])
    else:
        other = services[rng.choice(sorted(services))]
        store.upsert([other.model_copy(update={"situations": (*other.situations, PHYSICAL)})])


@pytest.fixture
def store(reference: Reference) -> CountingStore:
    """Huy has a broad partner-violence service only; physical violence is answered in Liège and Verviers."""
    s = CountingStore()
    s.upsert(reference.records())
    s.upsert([org("h", "H fictive"), org("l", "L fictive"), org("m", "M fictive"), org("v", "V fictive")])
    s.upsert([loc("lh", "h", Visibility.PUBLIC, HUY), loc("ll", "l", Visibility.PUBLIC, LIEGE)])
    s.upsert([loc("lm", "m", Visibility.PUBLIC, LIEGE), loc("lv", "v", Visibility.PUBLIC, VERVIERS)])
    s.upsert(
        [
            svc("sh", "h", location_ids=("lh",)),
            svc("sl", "l", location_ids=("ll",), situations=(PHYSICAL,)),
            svc("sm", "m", location_ids=("lm",), situations=(PHYSICAL,)),
            svc("sv", "v", location_ids=("lv",), situations=("sexual-violence",)),
            svc("shelter", "h", location_ids=("lh",), situations=(), needs=("shelter",)),
        ]
    )
    return s


def alternatives(engine: ReferralEngine) -> list[str]:
    answer = engine.refer(ReferralQuery(situation=PHYSICAL, division="huy"), Role.PROFESSIONAL)
    assert [n.code for n in answer.notices] == ["none_here"]
    return [r.candidate.service.id for r in answer.results if r.candidate.service.id != "sh"]


def test_a_fallback_question_asks_the_store_once(store: CountingStore, reference: Reference) -> None:
    engine = ReferralEngine(store, reference, today=TODAY)
    assert alternatives(engine) == ["sl", "sm"]
    cold = searches(store)
    assert alternatives(engine) == ["sl", "sm"]
    assert searches(store) == cold, "warm: no store search"
    key = RankingKey(PHYSICAL, "huy", False, TODAY, PHYSICAL, beyond=True)
    assert engine.cache.get(store.version(), key) is not None
    store.upsert([svc("shelter", "h", location_ids=("lh",), situations=(), needs=("shelter",), open_24_7=True)])
    assert alternatives(engine) == ["sl", "sm"]
    assert searches(store) == cold, "an edit that reaches neither list keeps both"


def test_an_edit_of_an_alternative_shows_in_the_next_answer(store: CountingStore, reference: Reference) -> None:
    engine = ReferralEngine(store, reference, today=TODAY)
    assert alternatives(engine) == ["sl", "sm"], "by name"
    full = Capacity(available=0, total=4, updated_at=TODAY)
    store.upsert([svc("sl", "l", location_ids=("ll",), situations=(PHYSICAL,), capacity=full)])
    assert alternatives(engine) == ["sm", "sl"], "sl is full"
    store.upsert([org("m", "Z fictive")])
    store.upsert([svc("sl", "l", location_ids=("ll",), situations=(PHYSICAL,))])
    assert alternatives(engine) == ["sl", "sm"], "places again, and m renamed after l"
    store.upsert([svc("sv", "v", location_ids=("lv",), situations=(PHYSICAL,))])
    assert alternatives(engine) == ["sl", "sv", "sm"], "a service of Verviers given the term enters at once"
    store.upsert([svc("sl", "l", location_ids=("ll",), situations=(PHYSICAL,), status=Status.INACTIVE)])
    assert alternatives(engine) == ["sv", "sm"], "an inactive alternative is gone at once"
    store.upsert([org("m", "Z fictive", status=Status.INACTIVE)])
    assert alternatives(engine) == ["sv"], "and an inactive organisation's"
    store.upsert([loc("lv", "v", Visibility.PUBLIC, HUY)])
    answer = engine.refer(ReferralQuery(situation=PHYSICAL, division="huy"), Role.PROFESSIONAL)
    assert not answer.notices and answer.results[0].candidate.service.id == "sv", "moved to Huy: no longer elsewhere"
    store.delete(Organisation, "v")
    assert alternatives(engine) == []
