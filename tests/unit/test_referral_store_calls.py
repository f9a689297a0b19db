"""A referral question costs a handful of store round trips, whatever the number of results.

The store adapter's primitives of a real store are wrapped and counted (on Neo4j each is a round trip):
a question with `from_org` and `limit=10` makes at most 6, paths included.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

import pytest

from graph.reference import Reference
from graph.referral import ReferralEngine, ReferralQuery, Role
from graph.store import GraphStore
from tests.api.conftest import demo_store

MOST_CALLS = 6
QUESTIONS = [
    ReferralQuery(need="psychological-support", division="verviers", from_org="gp-v-1", limit=10),
    ReferralQuery(situation="partner-violence", division="verviers", language="ar", from_org="gp-v-1", limit=10),
    ReferralQuery(situation="forced-marriage", division="huy", from_org="gp-v-1", limit=10),  # the alternatives
]


def primitives(store: GraphStore) -> list[str]:
    """What an adapter supplies (each a round trip on Neo4j): the abstract methods, and `_missing`."""
    names = set(GraphStore.__abstractmethods__) | {"_missing"}
    return sorted(n for n in names if callable(getattr(store, n, None)) and n not in ("close", "bootstrap"))


def spy(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    calls: Counter[str] = Counter()
    for name in primitives(store):
        method: Callable[..., Any] = getattr(store, name)

        def counted(*args: Any, _name: str = name, _method: Callable[..., Any] = method, **kw: Any) -> Any:
            calls[_name] += 1
            return _method(*args, **kw)

        monkeypatch.setattr(store, name, wraps(method)(counted))
    return calls


@pytest.mark.parametrize("query", QUESTIONS, ids=["need", "language", "alternatives"])
def test_a_question_from_an_organisation_makes_few_store_calls(
    store: GraphStore, reference: Reference, monkeypatch: pytest.MonkeyPatch, query: ReferralQuery
) -> None:
    demo_store(store, reference)
    engine = ReferralEngine(store, reference, today=date(2026, 11, 26))  # a cold ranking cache
    calls = spy(store, monkeypatch)
    answer = engine.refer(query, Role.PROFESSIONAL)
    assert len(answer.results) >= 2 and any(r.path for r in answer.results)
    assert sum(calls.values()) <= MOST_CALLS, calls
    calls.clear()
    engine.refer(query, Role.PROFESSIONAL)  # warm: the rankings (the alternatives too) are kept for this version
    assert calls["_candidates"] == 0, calls


def test_another_language_reorders_the_kept_ranking_without_a_store_query(
    store: GraphStore, reference: Reference, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The person's language is not part of the ranking's key: a German speaker after a French one costs no query."""
    demo_store(store, reference)
    engine = ReferralEngine(store, reference, today=date(2026, 11, 26))
    asked = ReferralQuery(situation="partner-violence", division="verviers", limit=10)
    engine.refer(asked, Role.PROFESSIONAL)
    calls = spy(store, monkeypatch)
    german = engine.refer(asked.model_copy(update={"language": "de"}), Role.PROFESSIONAL)
    assert calls["_candidates"] == 0, calls
    assert "de" in german.results[0].candidate.service.languages
    assert german.language is not None and german.language.spoken_here
