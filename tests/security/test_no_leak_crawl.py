"""No leak, proved by a crawl: every GET route of the OpenAPI document (and the pages), as every role.

Nobody ever receives a hidden address; the public never receives a network address or a professional
phone line — in JSON, HTML, exports, the map or HSDS.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from graph.memory_store import MemoryStore
from graph.models import (
    ContactKind,
    ContactVisibility,
    Location,
    OutcomeReason,
    OutcomeTally,
    Service,
    Visibility,
)
from graph.reference import load_reference
from loaders.hsds import hsds_id
from loaders.hsds_mapping import TAXONOMY
from tests.api.conftest import auth, demo_store, settings

ROLES = ["public", "professional", "editor", "coordinator"]
STORE = demo_store(MemoryStore(), load_reference())
LOCATIONS = STORE.list(Location, clearance=Visibility.HIDDEN)
HIDDEN = [s for loc in LOCATIONS if loc.visibility is Visibility.HIDDEN for s in (loc.address, loc.name) if s]
NETWORK = [s for loc in LOCATIONS if loc.visibility is Visibility.NETWORK for s in (loc.address, loc.name) if s]
PRO_PHONES = [
    c.value
    for s in STORE.list(Service, clearance=Visibility.HIDDEN)
    for c in s.contacts
    if c.kind is ContactKind.PHONE and c.visibility is ContactVisibility.PROFESSIONAL
]

OUTCOMES = 4321
"""A shelter's «no place» count this month: distinctive, so a crawl finds it wherever it is shown."""
AS_A_FIGURE = re.compile(rf"(?<![\w.-]){OUTCOMES}(?![\w.-])")
"""The count as a figure, not inside an id or a coordinate."""
STORE.add_tallies(
    [
        OutcomeTally(
            month=date.today().strftime("%Y-%m"),
            organisation_id="shelter-h-1",
            service_id="shelter-h-1-svc",
            reason=OutcomeReason.NO_PLACE,
            count=OUTCOMES,
        )
    ]
)

PATH_VALUES = {
    "organisation_id": ["shelter-h-1", "pva-l-1"],
    "service_id": ["shelter-h-1-svc", "pva-l-1-svc"],
    "fmt": ["svg", "png"],
    "event_id": ["ev-journee-apres-la-plainte", "ev-plateforme-verviers-mars"],  # at a network site; members-only
    "post_id": ["news-ecoute-verviers"],
}
HSDS_IDS = {
    "/hsds/services/{id}": [hsds_id("service", "shelter-h-1-svc"), hsds_id("service", "pva-l-1-svc")],
    "/hsds/organizations/{id}": [hsds_id("organisation", "shelter-h-1")],
    "/hsds/service_at_locations/{id}": [
        hsds_id("service_at_location", "pva-l-1-svc:pva-l-1-site"),
        hsds_id("service_at_location", "shelter-h-1-svc:shelter-h-1-site"),
    ],
    "/hsds/taxonomies/{id}": [hsds_id("taxonomy", TAXONOMY)],
    "/hsds/taxonomy_terms/{id}": [hsds_id("term", "shelter")],
}
QUERIES = {
    "/v1/referrals": [
        "need=shelter&division=huy&limit=50",
        "need=listening-orientation&division=liege&limit=50",
        "situation=partner-violence&division=verviers&urgent=true&limit=50",
    ],
    "/v1/pathways": ["situation=high-risk&division=huy", "situation=partner-violence&division=liege"],
    "/v1/report": ["division=huy", "division=verviers"],
    "/v1/paths": ["from=shelter-h-1&to=pva-l-1&max_hops=6"],
    "/v1/export": ["format=graphml", "format=gexf", "format=kumu", "format=csv"],
    "/hsds/services": ["per_page=200", "format=ndjson"],
    "/hsds/organizations": ["full_service=true&per_page=200", "full_service=true&format=ndjson"],
    "/hsds/service_at_locations": ["per_page=200", "format=ndjson"],
    "/v1/services": ["limit=200"],
    "/v1/links": ["organisation_id=shelter-h-1"],
    "/v1/outcomes": ["months=1", "division=huy"],
}
PAGES = [
    "/?need=shelter&place=Huy",
    "/?need=listening-orientation&place=Li%C3%A8ge&urgent=true",
    "/login",
    "/coordination?organisation=shelter-h-1",
    "/coordination?organisation=pva-l-1",
    "/coordination/outcomes?months=3",
    "/organisation",
    "/agenda",
    "/agenda/ev-journee-apres-la-plainte",
    "/actualites",
]


def urls(client: TestClient) -> Iterator[str]:
    for path, item in client.get("/openapi.json").json()["paths"].items():
        if "get" not in item:
            continue
        if path in HSDS_IDS:
            yield from (path.replace("{id}", v) for v in HSDS_IDS[path])
            continue
        names = re.findall(r"{(\w+)}", path)
        filled = [path]
        for name in names:
            filled = [p.replace("{" + name + "}", v) for p in filled for v in PATH_VALUES[name]]
        for url in filled:
            yield from ([f"{url}?{q}" for q in QUERIES[path]] if path in QUERIES else [url])
    yield from PAGES


def text_of(content: bytes) -> str:
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            return "".join(z.read(n).decode() for n in z.namelist())
    return content.decode("utf-8", errors="replace")


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(settings(), STORE)) as c:
        yield c


def test_the_crawl_knows_the_secrets() -> None:
    assert len(HIDDEN) >= 6 and len(NETWORK) >= 8 and len(PRO_PHONES) >= 6


@pytest.mark.parametrize("role", ROLES)
def test_no_hidden_address_anywhere_and_no_network_data_for_the_public(client: TestClient, role: str) -> None:
    crawled = 0
    for url in urls(client):
        response = client.get(url, headers=auth(role))
        assert response.status_code < 500, url
        body = text_of(response.content)
        leaks = [s for s in HIDDEN if s in body]
        if role == "public":
            leaks += [s for s in NETWORK + PRO_PHONES if s in body]
        assert leaks == [], (role, url, leaks[:3])
        crawled += 1
    assert crawled > 50


@pytest.mark.parametrize("role", ["public", "professional", "editor"])
def test_nobody_but_the_coordination_and_the_service_s_own_editors_reads_its_outcome_counts(
    client: TestClient, role: str
) -> None:
    """The shelter's «no place» count: the coordinator's crawl finds it (so the search would see it), the
    others' crawls — a professional's, another organisation's editor's — never do."""
    seen = [url for url in urls(client) if AS_A_FIGURE.search(text_of(client.get(url, headers=auth(role)).content))]
    assert seen == [], (role, seen[:3])
    coordinator = [url for url in urls(client) if AS_A_FIGURE.search(client.get(url, headers=auth("coordinator")).text)]
    assert {"/v1/outcomes?months=1", "/coordination/outcomes?months=3"} <= set(coordinator)
