"""The events, news and projects write routes (api/http/routers/events.py) over the demo: who may write what,
versions that refuse a stale change, registrations by head count with a waiting list, attendances that move
the training coverage in /v1/gaps, and the hostile inputs (another organisation's event, person data in a
news post, a signed-in browser's cookie on /v1)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.keys import key_digest
from api.settings import DEV_SECRET, ApiKey
from graph.memory_store import MemoryStore
from graph.models import Training
from graph.reference import load_reference
from graph.referral import Role
from graph.usecases import Caller
from tests.api.conftest import KEYS, TOKENS, auth, demo_store, settings

HOSPITALS = {"hosp-v-1": "hosp-v-1-token", "hosp-v-2": "hosp-v-2-token"}
"""Editors of the two Verviers hospitals of the demo (keys of this test only)."""
TOPIC = "pregnancy-postpartum"
SOON = (date.today() + timedelta(days=40)).isoformat()


def hospital(org: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {HOSPITALS[org]}"}


@pytest.fixture
def api() -> Iterator[TestClient]:
    keys = [
        *KEYS.values(),
        *(
            ApiKey(id=f"k-{org}", role="editor", digest=key_digest(token, DEV_SECRET), organisation_id=org)
            for org, token in HOSPITALS.items()
        ),
    ]
    with TestClient(
        create_app(settings().model_copy(update={"api_keys": keys}), demo_store(MemoryStore(), load_reference()))
    ) as client:
        yield client


def event(**fields: Any) -> dict[str, Any]:
    return {
        "id": "grossesse-verviers",
        "title": "Grossesse et post-partum : repérer les violences (fictif)",
        "held_on": SOON,
        "starts_at": "09:30",
        "ends_at": "12:30",
        "terms": [TOPIC],
        "divisions": ["verviers"],
        "audience_types": ["hospital"],
        "capacity": 10,
        "source": "test (fictional)",
    } | fields


def stored(api: TestClient, event_id: str) -> bool:
    return bool(api.app.state.relais.store.list(Training, ids=[event_id]))  # type: ignore[attr-defined]


def places_left(api: TestClient, event_id: str) -> int | None:
    """As the use case counts them (the read routes are another module's)."""
    relais = api.app.state.relais  # type: ignore[attr-defined]
    return relais.events.event(Caller(Role.COORDINATOR), event_id).places_left  # type: ignore[no-any-return]


def coverage(api: TestClient) -> dict[str, Any]:
    gaps = api.get("/v1/gaps?division=verviers", headers=auth("coordinator")).json()
    return dict(gaps["participation"]["training_coverage"]["verviers"][TOPIC])


def test_a_training_for_verviers_hospitals_shrinks_their_gap_once_attendance_is_confirmed(api: TestClient) -> None:
    before = coverage(api)
    assert "hospital" in before["missing_types"]

    early = api.post("/v1/events", json=event(id="plus-tard"), headers=auth("coordinator"))
    assert early.status_code == 201
    too_soon = api.put("/v1/events/plus-tard/attendance", json={"counts": {"hosp-v-1": 3}}, headers=auth("coordinator"))
    assert too_soon.status_code == 422  # attendance is confirmed from the event's day, not before

    created = api.post("/v1/events", json=event(held_on=date.today().isoformat()), headers=auth("coordinator"))
    assert created.status_code == 201, created.text
    for org, count in (("hosp-v-1", 3), ("hosp-v-2", 2)):
        registered = api.post(
            "/v1/events/grossesse-verviers/registrations", json={"participants": count}, headers=hospital(org)
        )
        assert registered.status_code == 201, registered.text
    assert registered.json() == {
        "organisation_id": "hosp-v-2",
        "event_id": "grossesse-verviers",
        "participants": 2,
        "waiting": 0,
        "places_left": 5,
    }
    assert coverage(api) == before  # registering is not attending

    confirmed = api.put(
        "/v1/events/grossesse-verviers/attendance",
        json={"counts": {"hosp-v-1": 3, "hosp-v-2": 1}},
        headers=auth("coordinator"),
    )
    assert confirmed.json() == {"created": 2, "updated": 0, "unchanged": 0}
    after = coverage(api)
    assert after["trained"] == before["trained"] + 2
    assert "hospital" not in after["missing_types"]
    late = api.post(
        "/v1/events/grossesse-verviers/registrations?lang=fr", json={"participants": 1}, headers=auth("editor")
    )
    assert late.status_code == 422  # the event is held now
    assert late.json()["detail"].startswith("Cet événement n'accepte plus d'inscriptions")


def test_a_full_event_puts_the_organisation_on_the_waiting_list(api: TestClient) -> None:
    waiting = api.post(
        "/v1/events/ev-premiers-gestes-huy/registrations?lang=fr", json={"participants": 2}, headers=auth("editor")
    )
    assert waiting.status_code == 201
    assert (waiting.json()["waiting"], waiting.json()["places_left"]) == (2, 0)
    open_day = api.post(
        "/v1/events/ev-journee-apres-la-plainte/registrations", json={"participants": 4}, headers=auth("editor")
    )
    assert (open_day.json()["waiting"], open_day.json()["places_left"]) == (0, 31)
    fewer = api.post(
        "/v1/events/ev-journee-apres-la-plainte/registrations", json={"participants": 1}, headers=auth("editor")
    )
    assert fewer.json()["places_left"] == 34  # the organisation's count replaced, not added
    assert api.delete("/v1/events/ev-journee-apres-la-plainte/registrations", headers=auth("editor")).status_code == 204
    again = api.delete("/v1/events/ev-journee-apres-la-plainte/registrations", headers=auth("editor"))
    assert again.status_code == 404


@pytest.mark.parametrize(
    ("role", "body", "status", "said"),
    [
        ("public", {"participants": 2}, 401, None),
        ("professional", {"participants": 2}, 422, "aucune organisation"),  # the shared key has no organisation
        ("editor", {"participants": 0}, 422, None),
        ("editor", {"participants": 2, "names": ["x"]}, 422, None),  # no room for a name
        ("professional", "not json", 422, None),  # a member's key: its malformed body is judged, not refused
    ],
)
def test_registrations_refused_by_their_reason(
    api: TestClient, role: str, body: Any, status: int, said: str | None
) -> None:
    path = "/v1/events/ev-journee-apres-la-plainte/registrations?lang=fr"
    sent = (
        api.post(path, json=body, headers=auth(role))
        if isinstance(body, dict)
        else api.post(path, content=body, headers=auth(role) | {"Content-Type": "application/json"})
    )
    assert sent.status_code == status, sent.text
    assert sent.headers["content-type"] == "application/problem+json"
    if said:
        assert said in sent.json()["detail"]
    assert places_left(api, "ev-journee-apres-la-plainte") == 35  # nothing written


def test_a_held_event_takes_no_registration(api: TestClient) -> None:
    closed = api.post("/v1/events/t-medecins/registrations?lang=nl", json={"participants": 1}, headers=auth("editor"))
    assert closed.status_code == 422
    assert "geen inschrijvingen meer" in closed.json()["detail"]


def test_versions_refuse_a_stale_change_and_write_nothing(api: TestClient) -> None:
    coordinator = auth("coordinator")
    first = api.post("/v1/events", json=event(), headers=coordinator).json()
    assert api.post("/v1/events", json=event(), headers=coordinator).status_code == 422  # the id exists already
    saved = api.put(
        f"/v1/events/grossesse-verviers?version={first['version']}",
        json=event(title="Grossesse et post-partum (fictif, modifié)"),
        headers=coordinator,
    )
    assert saved.status_code == 200 and saved.json()["updated"] == 1
    assert saved.json()["version"] != first["version"]
    stale = api.put(
        f"/v1/events/grossesse-verviers?version={first['version']}", json=event(title="Écrasé"), headers=coordinator
    )
    assert stale.status_code == 412 and stale.headers["content-type"] == "application/problem+json"
    unversioned = api.put("/v1/events/grossesse-verviers?lang=fr", json=event(title="Écrasé"), headers=coordinator)
    assert unversioned.status_code == 422
    assert unversioned.json()["errors"][0]["parameter"] == "version"
    other_id = api.put(
        f"/v1/events/autre?version={saved.json()['version']}", json=event(title="Écrasé"), headers=coordinator
    )
    assert other_id.status_code == 422
    assert (
        api.delete(f"/v1/events/grossesse-verviers?version={first['version']}", headers=coordinator).status_code == 412
    )
    if_match = {"If-Match": f'"{saved.json()["version"]}"'}
    assert api.delete("/v1/events/grossesse-verviers", headers=coordinator | if_match).status_code == 204
    assert not stored(api, "grossesse-verviers")


def test_deleting_an_event_takes_its_registrations_with_it(api: TestClient) -> None:
    coordinator = auth("coordinator")
    first = api.post("/v1/events", json=event(), headers=coordinator).json()
    api.post("/v1/events/grossesse-verviers/registrations", json={"participants": 2}, headers=hospital("hosp-v-1"))
    assert (
        api.delete(f"/v1/events/grossesse-verviers?version={first['version']}", headers=coordinator).status_code == 204
    )
    again = api.post("/v1/events", json=event(), headers=coordinator)
    assert again.status_code == 201
    assert places_left(api, "grossesse-verviers") == 10  # the old registration went with the old event


def test_an_organisers_editor_keeps_its_own_events_and_nothing_else(api: TestClient) -> None:
    mine = event(id="atelier-amb-h-1", organiser_id="amb-h-1", divisions=["huy"])
    created = api.post("/v1/events", json=mine, headers=auth("editor"))
    assert created.status_code == 201
    version = created.json()["version"]
    other = api.put(f"/v1/events/atelier-amb-h-1?version={version}", json=mine, headers=auth("editor_b"))
    assert other.status_code == 403
    hijack = api.put(
        f"/v1/events/atelier-amb-h-1?version={version}",
        json=mine | {"organiser_id": "amb-l-1"},
        headers=auth("editor_b"),
    )
    assert hijack.status_code == 403  # the stored event is amb-h-1's, whatever the body says
    for_another = api.post("/v1/events", json=event(id="x-1", organiser_id="amb-l-1"), headers=auth("editor"))
    assert for_another.status_code == 403
    assert api.post("/v1/events", json=event(id="x-2"), headers=auth("editor")).status_code == 403  # no organiser
    news = {"id": "n-1", "title": "Fictif", "body": "Texte fictif.", "published_on": "2026-11-01", "source": "test"}
    assert api.post("/v1/news", json=news, headers=auth("editor")).status_code == 403
    hidden = api.post(
        "/v1/events", json=mine | {"id": "x-3", "location_id": "shelter-h-1-site"}, headers=auth("editor")
    )
    unknown = api.post("/v1/events", json=mine | {"id": "x-3", "location_id": "lieu-inconnu"}, headers=auth("editor"))
    assert hidden.status_code == unknown.status_code == 409
    assert hidden.json()["detail"].replace("shelter-h-1-site", "X") == unknown.json()["detail"].replace(
        "lieu-inconnu", "X"
    )
    network = api.post("/v1/events", json=mine | {"id": "x-4", "location_id": "pva-h-1-site"}, headers=auth("editor"))
    assert network.status_code == 201  # another organisation's place that members read: fine
    confirm = api.put("/v1/events/atelier-amb-h-1/attendance", json={"counts": {"gp-h-1": 2}}, headers=auth("editor"))
    assert confirm.status_code == 403  # attendances are the coordination's


@pytest.mark.parametrize(
    ("fields", "parameter"),
    [
        ({"audience_types": ["hopital"]}, "audience_types"),
        ({"audience_sectors": ["medicall"]}, "audience_sectors"),
        ({"terms": ["pregnancy"]}, "terms"),
        ({"ends_at": "08:00"}, None),
        ({"registration_deadline": (date.today() + timedelta(days=60)).isoformat()}, None),
        ({"title": "<script>alert(1)</script>", "description": "Madame Dupont, née le 03/04/1980"}, "description"),
    ],
)
def test_a_refused_event_names_its_field_and_writes_nothing(
    api: TestClient, fields: dict[str, Any], parameter: str | None
) -> None:
    refused = api.post("/v1/events?lang=fr", json=event(**fields), headers=auth("coordinator"))
    assert refused.status_code == 422, refused.text
    if parameter:
        assert parameter in {e["parameter"].split(".")[0] for e in refused.json()["errors"]}
    assert "pattern" not in refused.json()["detail"]
    assert not stored(api, "grossesse-verviers")


def test_news_kept_by_the_coordination_with_versions(api: TestClient) -> None:
    coordinator = auth("coordinator")
    post = {
        "id": "news-campagne",
        "title": "Campagne <b>fictive</b> de sensibilisation",
        "body": "Affiches et dépliants fictifs disponibles pour les membres.",
        "title_nl": "Fictieve sensibiliseringscampagne",
        "body_nl": "Fictieve affiches en folders voor de leden.",
        "published_on": date.today().isoformat(),
        "divisions": ["huy"],
        "source": "test (fictional)",
    }
    created = api.post("/v1/news", json=post, headers=coordinator)
    assert created.status_code == 201
    personal = api.put(
        f"/v1/news/news-campagne?version={created.json()['version']}&lang=fr",
        json=post | {"body": "Madame Dupont, née le 03/04/1980, témoigne."},
        headers=coordinator,
    )
    assert personal.status_code == 422 and personal.json()["errors"][0]["parameter"] == "body"
    deleted = api.delete(f"/v1/news/news-campagne?version={created.json()['version']}", headers=coordinator)
    assert deleted.status_code == 204
    assert (
        api.delete(f"/v1/news/news-campagne?version={created.json()['version']}", headers=coordinator).status_code
        == 404
    )


def test_a_running_project_bridges_two_sectors_in_the_gaps(api: TestClient) -> None:
    coordinator = auth("coordinator")
    project = {
        "id": "projet-mediation",
        "name": "Médiation et coordination (fictif)",
        "partner_ids": ["med-h-1", "pole-p-9"],
        "starts_on": "2026-09-01",
        "status": "planned",
        "source": "test (fictional)",
    }
    alone = api.post("/v1/projects?lang=fr", json=project | {"partner_ids": ["med-h-1"]}, headers=coordinator)
    assert alone.status_code == 422 and alone.json()["errors"][0]["parameter"].startswith("partner_ids")
    unknown = api.post("/v1/projects", json=project | {"partner_ids": ["med-h-1", "inconnue"]}, headers=coordinator)
    assert unknown.status_code in (404, 409, 422)
    created = api.post("/v1/projects", json=project, headers=coordinator).json()

    def bridged() -> list[dict[str, Any]]:
        return list(api.get("/v1/gaps", headers=coordinator).json()["cross_sector"]["bridged_by_projects"])

    assert bridged() == []  # planned: its partners do not work together yet
    running = api.put(
        f"/v1/projects/projet-mediation?version={created['version']}",
        json=project | {"status": "running"},
        headers=coordinator,
    )
    assert running.status_code == 200
    assert bridged() == [{"sectors": ["coordination", "mediation"], "projects": ["projet-mediation"]}]
    assert api.post("/v1/projects", json=project | {"id": "p-2"}, headers=auth("editor")).status_code == 403
    gone = api.delete(f"/v1/projects/projet-mediation?version={running.json()['version']}", headers=coordinator)
    assert gone.status_code == 204 and bridged() == []


def test_a_signed_in_browser_cookie_writes_no_event_through_v1(api: TestClient) -> None:
    assert api.post("/login", data={"key": TOKENS["coordinator"]}, follow_redirects=False).status_code == 303
    sent = api.post("/v1/events", json=event())
    assert sent.status_code in (401, 403)
    assert not stored(api, "grossesse-verviers")
