"""Verification that reaches professionals (issue 17, item 4): records not verified for a year listed on the
dashboard, «Vérifié aujourd'hui» per record and in bulk, and the finder's «vérifié le» is the latest
verification of what its card shows (the service or its organisation)."""

from __future__ import annotations

import html
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from api.bootstrap import Relais
from api.reasons import readable_date
from graph.errors import Forbidden, NotFound
from graph.models import Organisation, Service, Visibility
from graph.referral import Role
from graph.usecases import Caller
from tests.api.conftest import TOKENS, csrf_of

COORDINATOR = Caller(Role.COORDINATOR, key_id="k-coord", route="test")
TODAY = date.today()
LONG_AGO = date(2024, 9, 1)


def relais_of(client: TestClient) -> Relais:
    relais: Relais = client.app.state.relais  # type: ignore[attr-defined]
    return relais


def dashboard(client: TestClient, lang: str = "fr") -> str:
    assert client.post("/login", data={"key": TOKENS["coordinator"]}, follow_redirects=False).status_code == 303
    page = client.get(f"/coordination?lang={lang}")
    assert page.status_code == 200
    return str(page.text)


def stale_section(page: str) -> str:
    return page[page.index('<section id="stale">') : page.index('<section id="expired-places">')]


def test_organisations_and_services_not_verified_for_a_year_are_listed_in_words(client: TestClient) -> None:
    section = stale_section(dashboard(client, "nl"))
    muni = relais_of(client).store.get(Organisation, "muni-h-1")
    service = relais_of(client).store.list(Service, organisation_id="muni-h-1")[0]
    assert 'value="organisation:muni-h-1"' in section and f'value="service:{service.id}"' in section
    assert f">{muni.name}</label>" in html.unescape(section)
    assert "gecontroleerd op 1 september 2024" in section, "the last verification as people write it"
    assert 'href="/organisation?organisation=muni-h-1&amp;lang=nl#record"' in section
    assert f'href="/organisation?organisation=muni-h-1&amp;lang=nl#svc-{service.id}"' in section
    assert section.count('class="stale-record"') == 10, "five organisations and their five services"
    assert "amb-h-1" not in section, "a record verified this year is not listed"


def test_one_record_verified_today_leaves_the_list(client: TestClient) -> None:
    page = dashboard(client)
    answer = client.post(
        "/coordination/verify?lang=fr",
        data={"csrf": csrf_of(page), "one": "organisation:gp-l-3", "record": "organisation:muni-h-1"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    after = client.get(answer.headers["location"]).text
    assert "1 fiche(s) marquée(s) comme vérifiée(s) aujourd&#39;hui." in after
    store = relais_of(client).store
    assert store.get(Organisation, "gp-l-3").verified_at == TODAY
    assert store.get(Organisation, "muni-h-1").verified_at == LONG_AGO, "only the row's own button counted"
    assert 'value="organisation:gp-l-3"' not in stale_section(after)


def test_ticked_records_are_verified_in_bulk_in_one_write(client: TestClient) -> None:
    page = dashboard(client)
    store = relais_of(client).store
    service = store.list(Service, organisation_id="cpas-v-2")[0]
    before = store.version()
    answer = client.post(
        "/coordination/verify?lang=fr",
        data={"csrf": csrf_of(page), "record": ["organisation:pva-v-1", f"service:{service.id}"]},
    )
    assert "2 fiche(s) marquée(s)" in html.unescape(answer.text)
    assert store.get(Organisation, "pva-v-1").verified_at == TODAY
    assert store.get(Service, service.id).verified_at == TODAY
    assert store.get(Organisation, "cpas-v-2").verified_at != TODAY, "not ticked, not verified"
    written = store.changes(limit=store.version() - before)
    assert {c.entity_id for c in written} == {"pva-v-1", service.id}
    assert len({(c.at, c.key_id, c.route) for c in written}) == 1, "one write, by the coordinator's key"
    assert written[0].key_id == "k-coord" and written[0].route == "POST /coordination/verify"


def test_bulk_refuses_without_a_choice_a_token_or_a_record_that_exists(client: TestClient) -> None:
    page = dashboard(client)
    empty = client.post("/coordination/verify?lang=nl", data={"csrf": csrf_of(page)})
    assert "Vink minstens één fiche aan." in html.unescape(empty.text)
    before = relais_of(client).store.version()
    assert client.post("/coordination/verify", data={"record": "organisation:pva-v-1"}).status_code == 403
    gone = client.post(
        "/coordination/verify?lang=fr", data={"csrf": csrf_of(page), "record": ["organisation:pva-v-1", "service:nope"]}
    )
    assert "rien n&#39;a été écrit" in gone.text
    assert relais_of(client).store.version() == before, "nothing written"


def test_bulk_is_for_coordinators_and_a_service_is_verified_by_its_own_editor(client: TestClient) -> None:
    upkeep = relais_of(client).upkeep
    editor = Caller(Role.EDITOR, key_id="k-edit", organisation_id="amb-h-1")
    with pytest.raises(Forbidden):
        upkeep.mark_verified(editor, [("organisation", "amb-h-1")])
    with pytest.raises(Forbidden):
        upkeep.mark_service_verified(editor, "shelter-h-1-svc")
    own = relais_of(client).store.list(Service, organisation_id="amb-h-1")[0]
    upkeep.mark_service_verified(editor, own.id)
    assert relais_of(client).store.get(Service, own.id).verified_at == TODAY
    with pytest.raises(NotFound):
        upkeep.mark_verified(COORDINATOR, [("service", "nope")])


def test_verifying_a_shelters_service_keeps_its_hidden_site(client: TestClient) -> None:
    store = relais_of(client).store
    hidden = store.get(Service, "shelter-h-1-svc", clearance=Visibility.HIDDEN).location_ids
    assert hidden and store.get(Service, "shelter-h-1-svc").location_ids == ()
    relais_of(client).upkeep.mark_verified(COORDINATOR, [("service", "shelter-h-1-svc")])
    after = store.get(Service, "shelter-h-1-svc", clearance=Visibility.HIDDEN)
    assert (after.verified_at, after.location_ids) == (TODAY, hidden)


@pytest.mark.parametrize("newer", ["organisation", "service"])
def test_the_finder_shows_the_latest_verification_of_the_service_or_its_organisation(
    client: TestClient, newer: str
) -> None:
    """Re-verifying an organisation reaches its cards, and so does re-verifying the service itself."""
    first = client.get("/v1/referrals?situation=partner-violence&commune=Huy").json()["results"][0]
    store = relais_of(client).store
    org = store.get(Organisation, first["organisation"]["id"])
    service = store.get(Service, first["service"]["id"], clearance=Visibility.HIDDEN)
    store.upsert(
        [org.model_copy(update={"verified_at": LONG_AGO}), service.model_copy(update={"verified_at": LONG_AGO})]
    )
    recent = TODAY - timedelta(days=3)
    if newer == "organisation":
        relais_of(client).directory.mark_verified(COORDINATOR, org.id, on=recent)
    else:
        relais_of(client).upkeep.mark_service_verified(COORDINATOR, service.id, on=recent)
    again = client.get("/v1/referrals?situation=partner-violence&commune=Huy").json()["results"]
    shown = next(r for r in again if r["service"]["id"] == service.id)
    assert shown["verified_at"] == recent.isoformat()
    page = client.get("/?situation=partner-violence&place=Huy&lang=fr").text
    card = page[page.index(f'data-org="{org.id}"') :]
    verified = card[card.index('<p class="verified">') :]
    assert verified[: verified.index("</p>")] == f'<p class="verified">Vérifié le {readable_date(recent, "fr")}'
