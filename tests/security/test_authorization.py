"""The authorisation matrix (docs/security.md): every route × every role.

Roles: public (no key), professional, editor of org A (amb-h-1), editor of org B (amb-l-1), coordinator.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.auth import SESSION_COOKIE, csrf_token
from graph.memory_store import MemoryStore
from graph.models import OutcomeReason
from graph.reference import load_reference
from loaders.directory import read_directory
from loaders.hsds import hsds_id
from tests.api.conftest import DEMO, TOKENS, auth, demo_store, settings

ROLES = ["public", "professional", "editor", "editor_b", "coordinator"]
READ = dict.fromkeys(ROLES, 200)
MEMBERS = {"public": 403, "professional": 200, "editor": 200, "editor_b": 200, "coordinator": 200}
COORDINATOR = {"public": 403, "professional": 403, "editor": 403, "editor_b": 403, "coordinator": 200}


def writer(ok: int, a: int, b: int) -> dict[str, int]:
    """Writes on org A's records: no key 401, A's editor gets `a`, B's editor `b`, coordinator `ok`."""
    return {"public": 401, "professional": 403, "editor": a, "editor_b": b, "coordinator": ok}


ORG_A = {
    "id": "amb-h-1",
    "name": "Service d'aide Exemple-Mehaigne 1 (modifié)",
    "type": "specialised-ambulatory",
    "sector": "associative",
    "source": "test (fictional)",
}
NEW_ORG = ORG_A | {"id": "nouvelle-asbl"}
SERVICE_A = {
    "id": "amb-h-1-svc",
    "organisation_id": "amb-h-1",
    "name": "Accueil modifié (fictif)",
    "situations": ["partner-violence"],
    "source": "test (fictional)",
}
NEW_SERVICE_A = SERVICE_A | {"id": "amb-h-1-nouveau"}
LINK_A = {"kind": "cooperation", "from": "amb-h-1", "to": "gp-h-6", "source": "test (fictional)"}
"""An editor's cooperation is written pending (201) until the other end confirms it."""
REFERRALS_FROM_A = {
    "kind": "referral",
    "from": "amb-h-1",
    "to": "gp-h-6",
    "period": "2025",
    "count": 4,
    "source": "test (fictional)",
}
REFERRALS_TO_A = REFERRALS_FROM_A | {"from": "gp-h-6", "to": "amb-h-1"}
HIDDEN_SAL = hsds_id("service_at_location", "shelter-h-1-svc:shelter-h-1-site")
ORIENTATION = {"service_id": "shelter-h-1-svc", "situation": "partner-violence"}
"""A referral counted for the key's organisation: the shared professional and coordinator keys have none (422)."""
THIS_MONTH = date.today().strftime("%Y-%m")
NO_OUTCOMES = ",".join(f"{r.value}=0" for r in OutcomeReason)
"""The version of a service's month with nothing entered yet."""
OUTCOMES_A = {"month": THIS_MONTH, "counts": {"no-place": 3}, "version": NO_OUTCOMES}


DEMO_RECORDS = {r.id: r for r in read_directory(DEMO, load_reference()).records}


def _demo_record(record_id: str, **changes: Any) -> tuple[str, dict[str, Any]]:
    """A demo event, news post or project as a write's body (with `changes`), and its version to send back."""
    found = DEMO_RECORDS[record_id]
    return found.content_hash(), found.model_dump(mode="json", exclude={"modified_at"}) | changes


EVENT_A_VERSION, EVENT_A = _demo_record("ev-premiers-gestes-huy", title="Premiers gestes (modifié, fictif)")
"""An event organised by org A (amb-h-1): its editor keeps it."""
NEW_EVENT = {"id": "nouvel-evenement", "title": "Événement fictif", "held_on": "2027-05-04", "source": "fictional"}
NEWS_VERSION, NEWS = _demo_record("news-ecoute-verviers", title="Permanences d'écoute (modifié, fictif)")
PROJECT_VERSION, PROJECT = _demo_record("proj-urgences-verviers", name="Urgences (modifié, fictif)")
OPEN_EVENT = "/v1/events/ev-journee-apres-la-plainte"
"""Org B (amb-l-1) is registered for it in the demo, org A is not; the shared keys have no organisation (422)."""
HIDDEN = "shelter-h-1-site"
MEMBER_OWN = {"public": 401, "professional": 422, "editor": 201, "editor_b": 201, "coordinator": 422}

MATRIX: list[tuple[str, str, Any, dict[str, int]]] = [
    ("GET", "/healthz", None, READ),
    ("GET", "/readyz", None, READ),
    ("GET", "/v1/referrals?situation=fgm&division=huy", None, READ),
    ("GET", "/v1/pathways?situation=high-risk&division=huy", None, READ),
    ("GET", "/v1/organisations", None, READ),
    ("GET", "/v1/organisations/amb-h-1", None, READ),
    ("GET", "/v1/organisations/amb-h-1/partners", None, READ),
    ("GET", "/v1/services", None, READ),
    ("GET", "/v1/services/amb-h-1-svc", None, READ),
    ("GET", "/v1/links?organisation_id=amb-h-1", None, READ),
    ("GET", "/v1/paths?from=amb-h-1&to=amb-h-2", None, READ),
    ("GET", "/v1/taxonomy", None, READ),
    ("GET", "/v1/divisions", None, READ),
    ("GET", "/v1/communes?postcode=4500", None, READ),
    ("GET", "/v1/gaps", None, MEMBERS),
    ("GET", "/v1/metrics", None, MEMBERS),
    ("GET", "/v1/map", None, MEMBERS),
    ("GET", "/v1/gaps/heatmap.svg", None, MEMBERS),
    ("GET", "/v1/report?division=huy", None, MEMBERS),
    ("GET", "/v1/export?format=kumu", None, MEMBERS),
    ("GET", "/v1/audit", None, COORDINATOR),
    ("GET", "/hsds/", None, READ),
    ("GET", "/hsds/services", None, READ),
    ("GET", "/hsds/organizations", None, READ),
    ("GET", "/hsds/service_at_locations", None, READ),
    ("GET", "/hsds/taxonomies", None, READ),
    ("GET", "/hsds/taxonomy_terms", None, READ),
    ("GET", f"/hsds/service_at_locations/{HIDDEN_SAL}", None, dict.fromkeys(ROLES, 404)),
    ("GET", "/", None, READ),
    ("PUT", "/v1/organisations/amb-h-1", ORG_A, writer(200, 200, 403)),
    ("PUT", "/v1/organisations/amb-h-1", ORG_A | {"parent": "amb-h-2"}, writer(200, 403, 403)),
    ("POST", "/v1/organisations", NEW_ORG, writer(201, 403, 403)),
    ("DELETE", "/v1/organisations/amb-h-2", None, writer(204, 403, 403)),
    ("POST", "/v1/services", NEW_SERVICE_A, writer(201, 201, 403)),
    # another organisation's (here a shelter's hidden) location: exactly like an unknown id
    ("POST", "/v1/services", NEW_SERVICE_A | {"location_ids": ["shelter-h-1-site"]}, writer(409, 409, 403)),
    ("PUT", "/v1/services/amb-h-1-svc", SERVICE_A, writer(200, 200, 403)),
    ("DELETE", "/v1/services/amb-h-1-svc", None, writer(204, 204, 403)),
    ("POST", "/v1/links", LINK_A, writer(201, 201, 403)),
    ("POST", "/v1/links", REFERRALS_FROM_A, writer(201, 201, 403)),
    ("POST", "/v1/links", REFERRALS_TO_A, writer(201, 403, 403)),
    ("DELETE", "/v1/links", {**LINK_A, "to": "amb-h-2", "from": "amb-h-1"}, writer(404, 404, 403)),
    ("POST", "/v1/audit/purge", {"text": "texte fictif"}, writer(200, 403, 403)),
    ("POST", "/v1/orientations", ORIENTATION, {**writer(422, 201, 201), "professional": 422}),
    ("GET", "/v1/services/amb-h-1-svc/outcomes", None, {**writer(200, 200, 403), "public": 403}),
    ("PUT", "/v1/services/amb-h-1-svc/outcomes", OUTCOMES_A, writer(200, 200, 403)),
    ("GET", "/v1/outcomes", None, COORDINATOR),
    ("GET", "/v1/outcomes.csv?division=huy", None, COORDINATOR),
    ("GET", "/coordination/outcomes", None, COORDINATOR),
    ("GET", "/coordination/activity?year=2025&division=verviers", None, COORDINATOR),
    ("POST", "/v1/events", NEW_EVENT | {"organiser_id": "amb-h-1"}, writer(201, 201, 403)),
    ("POST", "/v1/events", NEW_EVENT, writer(201, 403, 403)),
    # a shelter's hidden location as an editor's event place: exactly like an unknown id
    ("POST", "/v1/events", NEW_EVENT | {"organiser_id": "amb-h-1", "location_id": HIDDEN}, writer(201, 409, 403)),
    ("PUT", f"/v1/events/ev-premiers-gestes-huy?version={EVENT_A_VERSION}", EVENT_A, writer(200, 200, 403)),
    ("PUT", "/v1/events/ev-premiers-gestes-huy?version=0", EVENT_A, writer(412, 412, 403)),
    ("DELETE", f"/v1/events/ev-premiers-gestes-huy?version={EVENT_A_VERSION}", None, writer(204, 204, 403)),
    ("POST", f"{OPEN_EVENT}/registrations", {"participants": 2}, MEMBER_OWN),
    ("DELETE", f"{OPEN_EVENT}/registrations", None, MEMBER_OWN | {"editor": 404, "editor_b": 204}),
    ("PUT", "/v1/events/t-perinatalite/attendance", {"counts": {"amb-l-1": 2}}, writer(200, 403, 403)),  # a past one
    ("POST", "/v1/news", NEWS | {"id": "nouvelle-actualite"}, writer(201, 403, 403)),
    ("PUT", f"/v1/news/news-ecoute-verviers?version={NEWS_VERSION}", NEWS, writer(200, 403, 403)),
    ("DELETE", f"/v1/news/news-ecoute-verviers?version={NEWS_VERSION}", None, writer(204, 403, 403)),
    ("POST", "/v1/projects", PROJECT | {"id": "nouveau-projet"}, writer(201, 403, 403)),
    ("PUT", f"/v1/projects/proj-urgences-verviers?version={PROJECT_VERSION}", PROJECT, writer(200, 403, 403)),
    ("DELETE", f"/v1/projects/proj-urgences-verviers?version={PROJECT_VERSION}", None, writer(204, 403, 403)),
]


@pytest.fixture(scope="module")
def reader() -> Iterator[TestClient]:
    with TestClient(create_app(settings(), demo_store(MemoryStore(), load_reference()))) as c:
        yield c


@pytest.mark.parametrize(("method", "path", "body", "expected"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_route_by_role(
    reader: TestClient, method: str, path: str, body: Any, expected: dict[str, int], role: str
) -> None:
    if method == "GET":
        response = reader.get(path, headers=auth(role))
    else:
        with TestClient(create_app(settings(), demo_store(MemoryStore(), load_reference()))) as writer_client:
            response = writer_client.request(method, path, json=body, headers=auth(role))
    assert response.status_code == expected[role], (role, response.text[:300])
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json"


PAGE_FORMS: list[tuple[str, dict[str, str], dict[str, int]]] = [
    (
        "/coordination/orientations",
        {"service": "shelter-h-1-svc", "situation": "partner-violence", "back": "/?need=shelter&place=Huy"},
        {"public": 403, "professional": 422, "editor": 303, "editor_b": 303, "coordinator": 422},
    ),
    (
        "/coordination/outcomes",
        {
            "service": "amb-h-1-svc",
            "month": THIS_MONTH,
            "version": NO_OUTCOMES,
            "count-no-place": "3",
        },
        {"public": 403, "professional": 403, "editor": 303, "editor_b": 403, "coordinator": 303},
    ),
    (
        "/coordination/registrations",
        {"event": "ev-journee-apres-la-plainte", "participants": "2"},
        {"public": 403, "professional": 422, "editor": 303, "editor_b": 303, "coordinator": 422},
    ),
]
"""The counting forms of the pages, posted by a signed-in browser with its CSRF token (the shared professional
and coordinator keys have no organisation to count a referral for: 422)."""


@pytest.mark.parametrize(("path", "form", "expected"), PAGE_FORMS, ids=[p for p, _, _ in PAGE_FORMS])
@pytest.mark.parametrize("role", ROLES)
def test_page_form_by_role(path: str, form: dict[str, str], expected: dict[str, int], role: str) -> None:
    with TestClient(create_app(settings(), demo_store(MemoryStore(), load_reference()))) as browser:
        csrf = ""
        if role in TOKENS:
            assert browser.post("/login", data={"key": TOKENS[role]}, follow_redirects=False).status_code == 303
            csrf = csrf_token(browser.cookies[SESSION_COOKIE], settings())
        response = browser.post(path, data=form | {"csrf": csrf}, follow_redirects=False)
    assert response.status_code == expected[role], (role, response.text[:300])


def test_hidden_location_looks_exactly_like_an_unknown_one(reader: TestClient) -> None:
    hidden = reader.get(f"/hsds/service_at_locations/{HIDDEN_SAL}", headers=auth("coordinator")).json()
    unknown_id = "00000000-0000-0000-0000-000000000000"
    unknown = reader.get(f"/hsds/service_at_locations/{unknown_id}", headers=auth("coordinator")).json()
    assert hidden["detail"].replace(HIDDEN_SAL, "X") == unknown["detail"].replace(unknown_id, "X")
