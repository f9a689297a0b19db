"""An old figure of places says it is old: no `places` bonus, no `full` penalty, a reason saying so."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from api.reasons import Words, day_month
from graph.memory_store import MemoryStore
from graph.models import Capacity, ServiceCandidate, Visibility
from graph.reference import Reference
from graph.referral import ReferralEngine, ReferralQuery, Role, Scorer, capacity_fresh, weights
from graph.referral.question import Question
from tests.contract.store_contract import loc, org, svc

TODAY = date(2026, 11, 27)
HUY_COMMUNE = "61031"


def candidate(capacity: Capacity | None) -> ServiceCandidate:
    service = svc("refuge-svc", "refuge", situations=(), needs=("shelter",), capacity=capacity, verified_at=TODAY)
    return ServiceCandidate(organisation=org("refuge"), service=service, locations=(), located_in=("huy",))


def question(reference: Reference, today: date = TODAY) -> Question:
    return Question.of(ReferralQuery(need="shelter", division="huy"), Role.PUBLIC, reference.taxonomy, today=today)


def places(days_old: int, available: int = 2) -> Capacity:
    return Capacity(available=available, total=8, updated_at=TODAY - timedelta(days=days_old))


def capacity_reasons(reference: Reference, capacity: Capacity, fresh_days: int = 7) -> list[tuple[str, float]]:
    scorer = Scorer(reference.geography, capacity_fresh_days=fresh_days)
    reasons = scorer.static(candidate(capacity), question(reference))
    return [(r.code, r.points) for r in reasons if r.code in ("places", "full", "capacity_unconfirmed")]


@pytest.mark.parametrize(
    ("days_old", "available", "expected"),
    [
        (0, 2, [("places", 1.0)]),
        (7, 2, [("places", 1.0)]),  # seven days old: still believed
        (8, 2, [("capacity_unconfirmed", 0.0)]),
        (0, 0, [("full", -1.0)]),
        (7, 0, [("full", -1.0)]),
        (30, 0, [("capacity_unconfirmed", 0.0)]),  # an old «full» costs nothing either
    ],
)
def test_a_stale_figure_earns_neither_bonus_nor_penalty(
    reference: Reference, days_old: int, available: int, expected: list[tuple[str, float]]
) -> None:
    assert capacity_reasons(reference, places(days_old, available)) == expected


def test_the_threshold_is_the_callers(reference: Reference) -> None:
    assert capacity_reasons(reference, places(20), fresh_days=30) == [("places", 1.0)]
    assert capacity_reasons(reference, places(1), fresh_days=0) == [("capacity_unconfirmed", 0.0)]
    assert capacity_fresh(places(3), TODAY, 3) and not capacity_fresh(places(4), TODAY, 3)


def test_the_unconfirmed_row_is_data_with_its_why() -> None:
    row = next(w for w in weights().rows if w.reason == "capacity_unconfirmed")
    assert (row.group, row.part, row.points) == ("capacity", "static", 0.0)
    assert "RELAIS_CAPACITY_FRESH_DAYS" in row.why


def test_the_unconfirmed_reason_in_four_languages(reference: Reference) -> None:
    values = {"available": 2, "total": 8, "on": date(2026, 11, 3)}
    said = {lang: Words(reference, lang).say("capacity_unconfirmed", values) for lang in ("fr", "nl", "de", "en")}
    assert said["fr"].startswith("places à confirmer : 2 sur 8 au 3 novembre 2026")
    assert said["nl"].startswith("plaatsen te bevestigen")
    assert said["de"].startswith("Plätze zu bestätigen")
    assert said["en"].startswith("places to be confirmed")
    assert day_month(date(2026, 11, 3), "de", TODAY) == "3. November"


def shelters(reference: Reference, old_on: date) -> MemoryStore:
    """Two shelters in Huy alike but for their places: «a» has none free today, «b» had two long ago."""
    store = MemoryStore()
    store.upsert(reference.records())
    store.upsert([org("a", "A fictive"), org("b", "B fictive")])
    store.upsert([loc(f"l{i}", i, Visibility.PUBLIC, HUY_COMMUNE) for i in "ab"])
    full_today = Capacity(available=0, total=4, updated_at=TODAY)
    free_long_ago = Capacity(available=2, total=4, updated_at=old_on)
    store.upsert(
        [
            svc("sa", "a", location_ids=("la",), situations=(), needs=("shelter",), capacity=full_today),
            svc("sb", "b", location_ids=("lb",), situations=(), needs=("shelter",), capacity=free_long_ago),
        ]
    )
    return store


def ask(engine: ReferralEngine) -> list[tuple[str, float]]:
    answer = engine.refer(ReferralQuery(need="shelter", division="huy"), Role.PROFESSIONAL)
    return [(r.candidate.service.id, r.score) for r in answer.results]


def test_ranking_fresh_and_stale(reference: Reference) -> None:
    """Fresh, the free places lift «b» above the full «a»; stale, the difference is «a»'s penalty only."""
    fresh = ReferralEngine(shelters(reference, TODAY - timedelta(days=2)), reference, today=TODAY)
    (first, high), (second, low) = ask(fresh)
    assert (first, second) == ("sb", "sa") and high - low == 2.0

    stale = ReferralEngine(shelters(reference, TODAY - timedelta(days=20)), reference, today=TODAY)
    (first, high), (second, low) = ask(stale)
    assert (first, second) == ("sb", "sa") and high - low == 1.0, "b keeps no bonus, a keeps its penalty"

    lenient = ReferralEngine(
        shelters(reference, TODAY - timedelta(days=20)), reference, today=TODAY, capacity_fresh_days=30
    )
    assert [s for s, _ in ask(lenient)] == ["sb", "sa"] and ask(lenient)[0][1] - ask(lenient)[1][1] == 2.0


def test_the_next_day_ranks_again(reference: Reference) -> None:
    """Staleness moves with the day, which is in the ranking cache's key: no list of yesterday is reused."""
    engine = ReferralEngine(shelters(reference, TODAY - timedelta(days=7)), reference, today=TODAY)
    before = dict(ask(engine))
    engine.today = TODAY + timedelta(days=1)
    after = dict(ask(engine))
    assert before["sb"] - after["sb"] == 1.0 and before["sa"] == after["sa"]
    assert len(engine.cache) == 2
