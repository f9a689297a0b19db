"""The engine keeps ranked candidates per directory version: every edit shows in the very next answer."""

from __future__ import annotations

from datetime import date

from graph.models import Organisation, Service, Status, Visibility
from graph.reference import Reference
from graph.referral import ReferralEngine, ReferralQuery, Role
from graph.store import GraphStore
from tests.contract.store_contract import loc, org, svc

HUY_COMMUNE = "61031"  # Huy


def ids(engine: ReferralEngine, **kw: object) -> list[str]:
    answer = engine.refer(ReferralQuery(situation="partner-violence", division="huy", **kw), Role.PROFESSIONAL)
    return [r.candidate.service.id for r in answer.results]


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
