"""The engine keeps ranked candidates per directory version: every edit shows in the very next answer."""

from __future__ import annotations

from datetime import date

from graph.models import Capacity, Commune, Location, Organisation, Service, Status, Visibility
from graph.reference import Reference
from graph.referral import ReferralEngine, ReferralQuery, Role
from graph.store import GraphStore
from tests.contract.store_contract import coop, loc, org, svc

HUY_COMMUNE = "61031"  # Huy


def ids(engine: ReferralEngine, **kw: object) -> list[str]:
    asked: dict[str, object] = {"situation": "partner-violence", "division": "huy", **kw}
    answer = engine.refer(ReferralQuery(**asked), Role.PROFESSIONAL)
    return [r.candidate.service.id for r in answer.results if not r.alternative]


def test_every_edit_shows_in_the_next_answer(store: GraphStore, reference: Reference) -> None:
    store.upsert([org("a", "A fictive"), org("b", "B fictive")])
    store.upsert([loc("la", "a", Visibility.PUBLIC, HUY_COMMUNE), loc("lb", "b", Visibility.PUBLIC, HUY_COMMUNE)])
    store.upsert([svc("sa", "a", location_ids=("la",)), svc("sb", "b", location_ids=("lb",))])
    engine = ReferralEngine(store, reference, today=date(2026, 11, 26))
    assert ids(engine) == ["sa", "sb"]

    store.upsert([svc("sb", "b", location_ids=("lb",), open_24_7=True)])
    assert ids(engine) == ["sb", "sa"], "a 24/7 line now scores higher"

    store.upsert([svc("sa", "a", location_ids=("la",), status=Status.INACTIVE)])
    assert ids(engine) == ["sb"], "an inactive service is gone at once"

    store.upsert([svc("sc", "a", location_ids=("la",), languages=("fr", "ar"))])
    assert ids(engine, language="ar")[0] == "sc", "a new service is found at once"

    store.delete(Organisation, "b")
    assert ids(engine) == ["sc"]
    assert [s.id for s in store.list(Service)] == ["sa", "sc"]


LIEGE_COMMUNE = "62063"  # Liège: another division


def two_services(store: GraphStore, reference: Reference, **b: object) -> ReferralEngine:
    """Services sa (organisation a) and sb (organisation b), both at a public location in Huy unless `b`
    says otherwise for sb; and an engine whose cache already holds the lists of the questions below."""
    store.upsert([org("a", "A fictive"), org("b", "B fictive")])
    store.upsert([loc("la", "a", Visibility.PUBLIC, HUY_COMMUNE), loc("lb", "b", Visibility.PUBLIC, HUY_COMMUNE)])
    store.upsert([svc("sa", "a", location_ids=("la",)), svc("sb", "b", **{"location_ids": ("lb",), **b})])
    engine = ReferralEngine(store, reference, today=date(2026, 11, 26))
    for need in ("shelter", "legal-advice"):  # other lists in the cache, that the edits must not disturb
        engine.refer(ReferralQuery(need=need, division="huy"), Role.PROFESSIONAL)
    return engine


def test_a_service_given_the_term_shows_at_once(store: GraphStore, reference: Reference) -> None:
    engine = two_services(store, reference, situations=(), needs=("shelter",))
    assert ids(engine) == ["sa"]
    store.upsert([svc("sb", "b", location_ids=("lb",), needs=("shelter",))])  # partner-violence added
    assert ids(engine) == ["sa", "sb"]


def test_a_capacity_change_shows_at_once(store: GraphStore, reference: Reference) -> None:
    engine = two_services(store, reference)
    assert ids(engine) == ["sa", "sb"], "a tie: by organisation name"
    today = date(2026, 11, 26)
    store.upsert([svc("sb", "b", location_ids=("lb",), capacity=Capacity(available=3, total=10, updated_at=today))])
    assert ids(engine) == ["sb", "sa"], "free places"
    store.upsert([svc("sb", "b", location_ids=("lb",), capacity=Capacity(available=0, total=10, updated_at=today))])
    assert ids(engine) == ["sa", "sb"], "full"
    store.upsert([svc("sa", "a", location_ids=("la",), capacity=Capacity(available=0, total=5, updated_at=today))])
    assert ids(engine) == ["sa", "sb"], "both full: by name again"


def test_a_service_edited_in_place_or_moved(store: GraphStore, reference: Reference) -> None:
    """Edits of a service alone: what re-ranks it where it is (languages, 24/7, places) and what moves it
    (its area, its locations, its terms, its status) — each in the next answer of every list it was or is now in."""
    engine = two_services(store, reference)
    liege = {"situation": "partner-violence", "division": "liege"}
    assert ids(engine, language="ar") == ["sa", "sb"] and ids(engine, **liege) == []

    store.upsert([svc("sb", "b", location_ids=("lb",), languages=("fr", "ar"), open_24_7=True)])
    assert ids(engine, language="ar") == ["sb", "sa"], "speaks Arabic, a 24/7 line"
    assert ids(engine, urgent=True) == ["sb", "sa"]

    store.upsert([svc("sb", "b", location_ids=("lb",), area_divisions=("liege",))])
    assert ids(engine, **liege) == ["sb"], "now serves Liège"
    assert ids(engine, language="ar") == ["sa", "sb"], "no longer speaks Arabic"
    store.upsert([svc("sb", "b", location_ids=())])
    assert ids(engine, **liege) == [] and ids(engine) == ["sa"], "no place, no area: in no division"
    store.upsert([svc("sb", "b", location_ids=("lb",), situations=("sexual-violence",))])
    assert ids(engine) == ["sa"] and ids(engine, situation="sexual-violence")[0] == "sb", "another situation"
    store.upsert([svc("sb", "b", location_ids=("lb",), status=Status.INACTIVE)])
    assert ids(engine, situation="sexual-violence") == []
    store.delete(Service, "sa")
    assert ids(engine) == [] and ids(engine, language="ar") == [], "a deleted service is gone at once"


def test_an_organisation_deactivated_then_reactivated(store: GraphStore, reference: Reference) -> None:
    engine = two_services(store, reference)
    assert ids(engine) == ["sa", "sb"]
    store.upsert([org("b", "B fictive", status=Status.INACTIVE)])
    assert ids(engine) == ["sa"], "an inactive organisation's services are gone at once"
    store.upsert([org("b", "B fictive", status=Status.ACTIVE)])
    assert ids(engine) == ["sa", "sb"], "and back at once"
    store.upsert([org("b", "Avant B fictive")])
    assert ids(engine) == ["sa", "sb"], "renamed: still after A by name"
    store.upsert([org("b", "0 B fictive")])
    assert ids(engine) == ["sb", "sa"], "renamed before A"


def test_a_location_moved_to_another_division(store: GraphStore, reference: Reference) -> None:
    engine = two_services(store, reference)
    assert ids(engine) == ["sa", "sb"]
    store.upsert([loc("lb", "b", Visibility.PUBLIC, LIEGE_COMMUNE)])
    assert ids(engine) == ["sa"], "sb now only in Liège"
    store.upsert([loc("lb", "b", Visibility.PUBLIC, HUY_COMMUNE)])
    assert ids(engine) == ["sa", "sb"], "back in Huy"
    store.upsert([svc("sb", "b", location_ids=())])  # as `delete_location` does: its services first
    store.delete(Location, "lb")
    assert ids(engine) == ["sa"], "its location deleted: in no division"


def test_a_hidden_location_moved_to_another_division(store: GraphStore, reference: Reference) -> None:
    """A hidden location is in no list (nobody sees it through a referral), but it places its service."""
    engine = two_services(store, reference)
    store.upsert([loc("lb", "b", Visibility.HIDDEN, LIEGE_COMMUNE)])
    assert ids(engine) == ["sa"]
    store.upsert([loc("lb", "b", Visibility.HIDDEN, HUY_COMMUNE)])
    assert ids(engine) == ["sa", "sb"]
    store.upsert([loc("lb", "b", Visibility.HIDDEN, LIEGE_COMMUNE)])
    assert ids(engine) == ["sa"]


def test_links_and_reference_data(store: GraphStore, reference: Reference) -> None:
    """A cooperation leaves the ranked lists as they are (partners are the question's own points); a
    commune moved to another division empties them."""
    engine = two_services(store, reference)
    store.add_links([coop("a", "b")])
    assert ids(engine) == ["sa", "sb"]
    assert ids(engine, from_org="a") == ["sb", "sa"], "sb is now a's partner"
    huy = next(c for c in reference.records() if isinstance(c, Commune) and c.id == HUY_COMMUNE)
    store.upsert([huy.model_copy(update={"division": "liege"})])
    answer = engine.refer(ReferralQuery(situation="partner-violence", division="huy"), Role.PROFESSIONAL)
    assert [n.code for n in answer.notices] == ["none_here"], "nothing is in Huy any more"
    assert all(r.alternative for r in answer.results)
