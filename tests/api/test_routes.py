"""Every route of /v1, with good and bad input; errors are RFC 9457 problem+json naming the parameter."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import auth

PROBLEM = "application/problem+json"


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


ORG = {
    "id": "nouvelle-asbl",
    "name": "Nouvelle ASBL fictive",
    "type": "specialised-ambulatory",
    "sector": "associative",
    "source": "test (fictional)",
}
SERVICE = {
    "id": "nouvelle-asbl-ecoute",
    "organisation_id": "nouvelle-asbl",
    "name": "Écoute fictive",
    "situations": ["forced-marriage"],
    "area_divisions": ["huy"],
    "source": "test (fictional)",
}


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "store": None}
    assert client.get("/readyz").json() == {"status": "ready", "store": "MemoryStore"}


@pytest.mark.parametrize(
    ("query", "parameter", "fragment"),
    [
        ("situation=forced-mariage&division=huy", "situation", "forced-marriage"),
        ("division=huy", "situation", "give a situation or a need"),
        ("situation=fgm&postcode=1000", "postcode", "unknown postcode"),
        ("situation=fgm&commune=Eupen", "commune", "arrondissement of Eupen"),
        ("situation=fgm&division=namur", "division", "unknown division"),
        ("situation=fgm&audience=martian", "audience", "unknown audience"),
        ("situation=fgm&lang=xx", "lang", "lang must be one of"),
        ("situation=shelter", "situation", "unknown situation"),
    ],
)
def test_referral_bad_input_names_the_parameter(client: TestClient, query: str, parameter: str, fragment: str) -> None:
    body = problem(client.get(f"/v1/referrals?{query}"), 422)
    assert body["errors"][0]["parameter"] == parameter
    assert fragment in body["detail"] + " ".join(body["errors"][0]["suggestions"])


def test_referral_limit_and_unknown_from_org(client: TestClient) -> None:
    assert problem(client.get("/v1/referrals?situation=fgm&limit=0"), 422)["errors"][0]["parameter"] == "limit"
    problem(client.get("/v1/referrals?situation=fgm&from_org=ghost"), 404)


def test_referral_accept_language(client: TestClient) -> None:
    body = client.get("/v1/referrals?need=shelter&division=huy", headers={"Accept-Language": "nl-BE,nl;q=0.9"}).json()
    assert body["division"]["label"] == "Hoei"


def test_pathways(client: TestClient) -> None:
    body = client.get("/v1/pathways?situation=sexual-violence.recent&division=liege").json()
    assert [s["need"] for s in body["steps"]] == ["forensic-exam", "psychological-support", "legal-advice"]
    assert body["steps"][0]["results"][0]["organisation"]["id"] in {"cpvs-p-1", "hosp-l-1", "hosp-l-2"}
    risk = client.get("/v1/pathways?situation=high-risk&division=huy&lang=de").json()
    assert [f["number"] for f in risk["steps"][0]["fallbacks"]] == ["112", "101"]
    assert risk["steps"][1]["label"] == "Notunterkunft"
    assert client.get("/v1/pathways?situation=partner-violence.physical").json()["id"] == "partner-violence"
    problem(client.get("/v1/pathways?situation=elder-abuse"), 404)
    problem(client.get("/v1/pathways?situation=nope"), 422)


def test_organisation_crud_and_roles(client: TestClient) -> None:
    assert len(client.get("/v1/organisations").json()) == 146
    assert client.get("/v1/organisations/amb-h-1").json()["type"] == "specialised-ambulatory"
    problem(client.get("/v1/organisations/ghost"), 404)
    problem(client.post("/v1/organisations", json=ORG), 401)
    problem(client.post("/v1/organisations", json=ORG, headers=auth("professional")), 403)
    assert client.post("/v1/organisations", json=ORG, headers=auth("coordinator")).json()["created"] == 1
    problem(client.post("/v1/organisations", json=ORG, headers=auth("coordinator")), 409)
    problem(client.put("/v1/organisations/amb-h-1", json=ORG, headers=auth("coordinator")), 422)
    problem(client.put("/v1/organisations/nouvelle-asbl", json=ORG, headers=auth("editor")), 403)
    own = client.get("/v1/organisations/amb-h-1").json() | {"name": "Service d'aide Exemple-Mehaigne (renommé)"}
    assert client.put("/v1/organisations/amb-h-1", json=own, headers=auth("editor")).json()["updated"] == 1
    assert client.get("/v1/organisations/amb-h-1").json()["name"].endswith("(renommé)")
    bad_type = problem(
        client.post("/v1/organisations", json=ORG | {"id": "x1", "type": "shelterr"}, headers=auth("coordinator")), 422
    )
    assert "shelter" in bad_type["errors"][0]["suggestions"]
    problem(
        client.post("/v1/organisations", json=ORG | {"id": "x2", "sector": "police"}, headers=auth("coordinator")), 422
    )
    person = problem(
        client.post("/v1/organisations", json=ORG | {"id": "x3", "victim_name": "X"}, headers=auth("coordinator")), 422
    )
    assert person["errors"][0]["parameter"] == "victim_name"
    problem(client.delete("/v1/organisations/nouvelle-asbl", headers=auth("editor")), 403)
    assert client.delete("/v1/organisations/nouvelle-asbl", headers=auth("coordinator")).status_code == 204
    problem(client.get("/v1/organisations/nouvelle-asbl"), 404)


def test_service_crud(client: TestClient) -> None:
    client.post("/v1/organisations", json=ORG, headers=auth("coordinator"))
    bad = problem(
        client.post("/v1/services", json=SERVICE | {"situations": ["forced-mariage"]}, headers=auth("coordinator")), 422
    )
    assert bad["errors"][0]["parameter"] == "situations" and "forced-marriage" in bad["errors"][0]["suggestions"]
    assert client.post("/v1/services", json=SERVICE, headers=auth("coordinator")).status_code == 201
    answer = client.get("/v1/referrals?situation=forced-marriage&division=huy").json()
    assert answer["results"][0]["organisation"]["id"] == "nouvelle-asbl" and not answer["notices"]
    problem(client.put("/v1/services/nouvelle-asbl-ecoute", json=SERVICE, headers=auth("editor")), 403)
    assert client.get("/v1/services/nouvelle-asbl-ecoute").json()["name"] == "Écoute fictive"
    problem(client.get("/v1/services/ghost"), 404)
    assert client.delete("/v1/services/nouvelle-asbl-ecoute", headers=auth("coordinator")).status_code == 204


def test_services_hide_professional_lines_and_hidden_locations_from_the_public(client: TestClient) -> None:
    public = client.get("/v1/services/shelter-h-1-svc").json()
    pro = client.get("/v1/services/shelter-h-1-svc", headers=auth("professional")).json()
    assert {c["visibility"] for c in public["contacts"]} == {"public"}
    assert "professional" in {c["visibility"] for c in pro["contacts"]}
    assert public["location_ids"] == [] and pro["location_ids"] == []
    pva = client.get("/v1/services/pva-l-1-svc", headers=auth("professional")).json()
    assert pva["location_ids"] == ["pva-l-1-site"]
    assert client.get("/v1/services/pva-l-1-svc").json()["location_ids"] == []
    assert all({c["visibility"] for c in s["contacts"]} <= {"public"} for s in client.get("/v1/services").json())


def test_links_partners_paths(client: TestClient) -> None:
    link = {
        "kind": "cooperation",
        "from": "gp-h-6",
        "to": "amb-h-1",
        "cooperation": "protocol",
        "source": "test (fictional)",
    }
    problem(client.post("/v1/links", json=link), 401)
    problem(client.post("/v1/links", json=link | {"to": "amb-h-2"}, headers=auth("editor")), 403)
    assert client.post("/v1/links", json=link, headers=auth("editor")).json()["created"] == 1
    assert client.post("/v1/links", json=link, headers=auth("editor")).json()["unchanged"] == 1
    assert client.get("/v1/organisations/gp-h-6/partners").json() == []  # pending until the other end agrees
    assert client.post("/v1/links", json=link, headers=auth("coordinator")).json()["updated"] == 1  # confirmed
    assert [p["id"] for p in client.get("/v1/organisations/gp-h-6/partners").json()] == ["amb-h-1"]
    two = client.get("/v1/organisations/gp-h-6/partners?hops=2").json()
    assert len(two) > 1 and {p["distance"] for p in two} == {1, 2}
    problem(client.get("/v1/organisations/gp-h-6/partners?hops=4"), 422)
    problem(client.get("/v1/organisations/ghost/partners"), 404)
    paths = client.get("/v1/paths?from=gp-h-6&to=amb-h-1").json()
    assert paths == [
        {
            "hops": 1,
            "organisations": [
                {"id": "gp-h-6", "name": paths[0]["organisations"][0]["name"]},
                {"id": "amb-h-1", "name": paths[0]["organisations"][1]["name"]},
            ],
        }
    ]
    problem(client.get("/v1/paths?from=gp-h-6&to=ghost"), 404)
    problem(client.get("/v1/paths?from=gp-h-6&to=amb-h-1&max_hops=7"), 422)
    assert any(
        {x["from"], x["to"]} == {"gp-h-6", "amb-h-1"} for x in client.get("/v1/links?organisation_id=gp-h-6").json()
    )
    problem(client.post("/v1/links", json=link | {"to": "ghost"}, headers=auth("coordinator")), 409)
    problem(client.post("/v1/links", json=link | {"to": "gp-h-6"}, headers=auth("coordinator")), 422)
    assert client.request("DELETE", "/v1/links", json=link, headers=auth("editor")).status_code == 204
    problem(client.request("DELETE", "/v1/links", json=link, headers=auth("editor")), 404)
    assert client.get("/v1/organisations/gp-h-6/partners").json() == []


def test_reference_routes(client: TestClient) -> None:
    de = client.get("/v1/taxonomy?kind=situation", headers={"Accept-Language": "de-DE"}).json()
    assert {t["code"]: t["label"] for t in de}["forced-marriage"] == "Zwangsheirat"
    assert len(client.get("/v1/taxonomy").json()) == 48
    assert client.get("/v1/taxonomy?lang=nl").json()[0]["label"] == "Partnergeweld"
    assert [d["label"] for d in client.get("/v1/divisions?lang=de").json()] == ["Huy", "Lüttich", "Verviers"]
    (verviers,) = client.get("/v1/communes?postcode=4800").json()
    assert verviers["name"] == "Verviers" and verviers["division"]["id"] == "verviers"
    assert client.get("/v1/communes?name=Eupen").json()[0]["division"] is None
    assert problem(client.get("/v1/communes?postcode=9999"), 422)["errors"][0]["parameter"] == "postcode"


def test_unknown_route_and_bad_key_are_problems(client: TestClient) -> None:
    problem(client.get("/v1/nothing-here"), 404)
    problem(client.get("/v1/organisations", headers={"Authorization": "Bearer wrong"}), 401)
    problem(client.get("/v1/organisations", headers={"Authorization": "Basic abc"}), 401)


def test_openapi_has_examples_and_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {
        "/v1/referrals",
        "/v1/pathways",
        "/v1/organisations",
        "/v1/organisations/{organisation_id}",
        "/v1/services",
        "/v1/services/{service_id}",
        "/v1/links",
        "/v1/organisations/{organisation_id}/partners",
        "/v1/paths",
        "/v1/taxonomy",
        "/v1/divisions",
        "/v1/communes",
        "/healthz",
        "/readyz",
    } <= set(spec["paths"])
    params = {p["name"]: p for p in spec["paths"]["/v1/referrals"]["get"]["parameters"]}
    assert params["situation"]["schema"]["anyOf"][0] or params["situation"].get("examples")
    assert "forced-marriage" in str(params["situation"])


def test_saving_a_shelter_service_keeps_its_hidden_location(client: TestClient) -> None:
    seen = client.get("/v1/services/shelter-h-1-svc", headers=auth("coordinator")).json()
    assert seen["location_ids"] == []  # the hidden location exists for nobody
    seen["name"] = "Accueil renommé (fictif)"
    assert client.put("/v1/services/shelter-h-1-svc", json=seen, headers=auth("coordinator")).status_code == 200
    answer = client.get("/v1/referrals?need=shelter&division=huy", headers=auth("coordinator")).json()
    shelter = next(r for r in answer["results"] if r["service"]["id"] == "shelter-h-1-svc")
    assert shelter["divisions"] == ["huy"]  # still located in Huy through its (hidden) location


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/v1/organisations"), ("PUT", "/v1/services/amb-h-1-svc"), ("POST", "/v1/links")],
)
def test_a_write_is_judged_by_its_key_before_its_body(client: TestClient, method: str, path: str) -> None:
    """No key: 401 whatever the body (invalid fields, not JSON at all); a reader's key: 403."""
    for body in ({"id": "Not A Slug!", "name": ""}, None):
        kwargs: dict[str, Any] = {"json": body} if body is not None else {"content": b"{not json"}
        problem(client.request(method, path, **kwargs), 401)
        problem(client.request(method, path, headers=auth("professional"), **kwargs), 403)
    # with a writer's key, the body is judged: 422 naming the field
    answer = client.request(method, path, json={"id": "Not A Slug!"}, headers=auth("coordinator"))
    problem(answer, 422)


def test_a_shelter_sets_its_free_places_and_confirms_its_record(client: TestClient) -> None:
    """The one-tap updates: free places as of today, and «our record is right» as of today."""
    today = date.today().isoformat()
    problem(client.put("/v1/services/amb-h-1-svc/capacity", json={"available": 2, "total": 8}), 401)
    other = client.put("/v1/services/amb-l-1-svc/capacity", json={"available": 2, "total": 8}, headers=auth("editor"))
    problem(other, 403)
    too_many = client.put(
        "/v1/services/amb-h-1-svc/capacity", json={"available": 9, "total": 8}, headers=auth("editor")
    )
    detail = problem(too_many, 422)["detail"]
    assert "available places exceed total places" in detail and "pydantic" not in detail
    ok = client.put("/v1/services/amb-h-1-svc/capacity", json={"available": 2, "total": 8}, headers=auth("editor"))
    assert ok.status_code == 200, ok.text
    capacity = client.get("/v1/services/amb-h-1-svc").json()["capacity"]
    assert capacity == {"available": 2, "total": 8, "updated_at": today}
    assert client.post("/v1/organisations/amb-h-1/verified", headers=auth("editor")).status_code == 200
    assert client.get("/v1/organisations/amb-h-1").json()["verified_at"] == today
    problem(client.post("/v1/organisations/amb-l-1/verified", headers=auth("editor")), 403)


def test_a_stale_if_match_writes_nothing(client: TestClient) -> None:
    """Two coordinators read the same record; the first saves; the second's save (and delete) answer 412."""
    coordinator = auth("coordinator")
    first = client.get("/v1/organisations/amb-h-1")
    seen = first.headers["ETag"]
    assert seen.startswith('"') and client.get("/v1/organisations/amb-h-1").headers["ETag"] == seen
    mine = first.json() | {"description": "Permanence le mardi (première modification)"}
    saved = client.put("/v1/organisations/amb-h-1", json=mine, headers=coordinator | {"If-Match": seen})
    assert saved.status_code == 200, saved.text
    now = client.get("/v1/organisations/amb-h-1").headers["ETag"]
    assert now != seen
    theirs = first.json() | {"description": "Permanence le jeudi (deuxième modification, partie d'une copie ancienne)"}
    problem(client.put("/v1/organisations/amb-h-1", json=theirs, headers=coordinator | {"If-Match": seen}), 412)
    problem(client.delete("/v1/organisations/amb-h-1", headers=coordinator | {"If-Match": seen}), 412)
    assert client.get("/v1/organisations/amb-h-1").json()["description"] == mine["description"]
    assert (
        client.put("/v1/organisations/amb-h-1", json=theirs, headers=coordinator | {"If-Match": now}).status_code == 200
    )
    service = client.get("/v1/services/amb-h-1-svc")
    body = service.json() | {"name": "Accueil (fictif, renommé)"}
    assert (
        client.put(
            "/v1/services/amb-h-1-svc", json=body, headers=coordinator | {"If-Match": service.headers["ETag"]}
        ).status_code
        == 200
    )
    problem(
        client.put("/v1/services/amb-h-1-svc", json=body, headers=coordinator | {"If-Match": service.headers["ETag"]}),
        412,
    )


def test_a_version_says_nothing_the_caller_may_not_see(client: TestClient) -> None:
    """The ETag is the hash of the caller's own view: a shelter's hidden site and its professional lines
    cannot be confirmed by hashing guesses (it was the hash of the whole stored record)."""
    from graph.models import Service

    seen = client.get("/v1/services/shelter-h-1-svc", headers=auth("professional"))
    assert "shelter-h-1-site" not in seen.text
    assert seen.headers["ETag"] == f'"{Service.model_validate(seen.json()).content_hash()}"'
    public = client.get("/v1/services/shelter-h-1-svc")
    assert public.headers["ETag"] == f'"{Service.model_validate(public.json()).content_hash()}"'
    # the coordinator's version is of the coordinator's view; an If-Match list is honoured
    body = client.get("/v1/services/amb-h-1-svc", headers=auth("coordinator"))
    both = f'"stale-version", {body.headers["ETag"]}'
    saved = client.put("/v1/services/amb-h-1-svc", json=body.json(), headers=auth("coordinator") | {"If-Match": both})
    assert saved.status_code == 200, saved.text
    assert saved.headers["ETag"] == client.get("/v1/services/amb-h-1-svc", headers=auth("coordinator")).headers["ETag"]


def test_a_service_nobody_could_find_is_refused(client: TestClient) -> None:
    """Emptying situations and needs used to save a service that then dropped out of every search."""
    body = client.get("/v1/services/amb-h-1-svc").json() | {"situations": [], "needs": []}
    refused = problem(client.put("/v1/services/amb-h-1-svc", json=body, headers=auth("coordinator")), 422)
    assert refused["errors"][0]["parameter"] == "situations"
    assert client.get("/v1/services/amb-h-1-svc").json()["situations"]
