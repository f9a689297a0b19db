"""A warm-up's one search of every term gives the lists the store's own searches give, on every store."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from graph.models import Location, Service, ServiceCandidate, Visibility
from graph.reference import Reference
from graph.referral import ReferralEngine, Role
from graph.referral.query import ReferralQuery
from graph.store import GraphStore
from graph.usecases import import_directory
from graph.usecases.referrals import warm_questions
from loaders.directory import read_directory
from loaders.generate import generate_directory

TODAY = date(2026, 11, 26)


def test_the_same_answers_as_one_search_per_list(store: GraphStore, reference: Reference, tmp_path: Path) -> None:
    generate_directory(tmp_path, orgs=150, seed=31, links_per_org=2)
    import_directory(read_directory(tmp_path, reference), store, reference=reference)
    hidden = Visibility.HIDDEN
    served = store.list(Service, clearance=hidden)[::7]  # some serve communes and divisions by list
    places = sorted({loc.commune for loc in store.list(Location, clearance=hidden)})
    area = {"area_communes": (places[0],), "area_divisions": ("verviers",)}
    store.upsert([s.model_copy(update=area) for s in served])
    shown = [loc for loc in store.list(Location, clearance=hidden) if loc.visibility is Visibility.PUBLIC][::9]
    store.upsert([loc.model_copy(update={"visibility": Visibility.NETWORK}) for loc in shown])  # the public sees less
    warm, cold = ReferralEngine(store, reference, today=TODAY), ReferralEngine(store, reference, today=TODAY)
    questions = warm_questions(reference)
    with warm.searching_once():
        for role in (Role.PROFESSIONAL, Role.PUBLIC):
            for q in questions:
                warm.refer(q, role)
    lists = len(warm.cache)
    compared = fallbacks = shown_to_public = 0
    for role in (Role.PROFESSIONAL, Role.PUBLIC):
        for q in questions:
            got, want = warm.refer(q, role), cold.refer(q, role)
            assert [(r.candidate, r.score, r.alternative) for r in got.results] == [
                (r.candidate, r.score, r.alternative) for r in want.results
            ], (q, role)
            assert got.notices == want.notices
            for r in got.results:  # one list serves every clearance: each result as the store shows it to the caller
                sid, terms = r.candidate.service.id, r.candidate.service.terms()
                assert [r.candidate] == store.candidate_services(terms, clearance=role.clearance, among=[sid]), sid
                shown_to_public += (
                    role is Role.PUBLIC
                    and r.candidate != store.candidate_services(terms, clearance=Visibility.NETWORK, among=[sid])[0]
                )
            compared += 1
            fallbacks += any(n.code == "none_here" for n in got.notices)
    assert len(warm.cache) == lists, "every list was warm: none computed again"
    assert compared == 2 * len(questions) and fallbacks > 0
    assert shown_to_public, "some result had a location the public may not see, taken out"


def test_a_list_the_warm_up_left_cold_comes_from_its_search(
    store: GraphStore, reference: Reference, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a warm-up, a list it did not make (a situation with a need) is made from the warm-up's search
    while the directory holds — the same answer as a store search — and from the store again after an edit."""
    generate_directory(tmp_path, orgs=120, seed=32, links_per_org=2)
    import_directory(read_directory(tmp_path, reference), store, reference=reference)
    warm, cold = ReferralEngine(store, reference, today=TODAY), ReferralEngine(store, reference, today=TODAY)
    with warm.searching_once():
        warm.refer(warm_questions(reference)[0], Role.PUBLIC)
    searched: list[object] = []
    search = store.candidate_services

    def counted(*args: Any, **kwargs: Any) -> list[ServiceCandidate]:
        searched.append(args)
        return search(*args, **kwargs)

    monkeypatch.setattr(store, "candidate_services", counted)
    q = ReferralQuery(situation="partner-violence", need="legal-advice", division="huy")
    got = warm.refer(q, Role.PUBLIC)
    assert not searched, "made from the warm-up's search"
    want = cold.refer(q, Role.PUBLIC)
    assert [(r.candidate, r.score) for r in got.results] == [(r.candidate, r.score) for r in want.results]
    assert got.results
    service = store.list(Service, ids=[got.results[0].candidate.service.id])[0]
    store.upsert([service.model_copy(update={"name": "Accueil renommé"})])
    asked = q.model_copy(update={"urgent": True})
    assert [r.candidate for r in warm.refer(asked, Role.PUBLIC).results] == [
        r.candidate for r in cold.refer(asked, Role.PUBLIC).results
    ]
    assert searched, "the directory changed: the store is searched again"
