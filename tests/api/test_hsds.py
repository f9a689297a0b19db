"""HSDS 3.0: every response validates against the official compiled schemas, on both stores, for the
real and the demo directory; visibility as in /v1; sync headers; import round trip."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from graph.memory_store import MemoryStore
from graph.neo4j_store import Neo4jStore
from graph.reference import Reference
from graph.usecases import import_directory
from loaders.directory import read_directory
from tests.api.conftest import auth, settings

SCHEMAS = Path(__file__).resolve().parents[1] / "hsds" / "3.1"
DATA = Path(__file__).resolve().parents[2] / "data"


@cache
def validator(name: str) -> Any:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker())


def assert_valid(name: str, doc: dict[str, Any]) -> None:
    errors = [f"{list(e.path)}: {e.message[:200]}" for e in validator(name).iter_errors(doc)]
    assert errors == [], (name, doc.get("id"), errors[:5])


@pytest.fixture(
    scope="module",
    params=[
        ("memory", "demo"),
        ("memory", "liege"),
        pytest.param(("neo4j", "demo"), marks=pytest.mark.neo4j),
        pytest.param(("neo4j", "liege"), marks=pytest.mark.neo4j),
    ],
    ids=lambda p: f"{p[0]}-{p[1]}",
)
def hsds_client(request: pytest.FixtureRequest, reference: Reference) -> Iterator[TestClient]:
    kind, dataset = request.param
    if kind == "memory":
        store: Any = MemoryStore()
    else:
        store = request.getfixturevalue("neo4j_store")
        assert isinstance(store, Neo4jStore)
        store.wipe()
    import_directory(read_directory(DATA / dataset, reference), store, reference=reference)
    with TestClient(create_app(settings(), store)) as client:
        yield client


def pages(client: TestClient, url: str, role: str = "public") -> list[dict[str, Any]]:
    out, page = [], 1
    while True:
        body = client.get(f"{url}{'&' if '?' in url else '?'}page={page}&per_page=50", headers=auth(role)).json()
        assert set(body) >= {
            "total_items",
            "total_pages",
            "page_number",
            "size",
            "first_page",
            "last_page",
            "empty",
            "contents",
        }
        out += body["contents"]
        if body["last_page"]:
            return out
        page += 1


@pytest.mark.parametrize("role", ["public", "professional"])
def test_every_response_validates(hsds_client: TestClient, role: str) -> None:
    services = pages(hsds_client, "/hsds/services", role)
    assert services
    for doc in services:
        assert_valid("service", doc)
        detail = hsds_client.get(f"/hsds/services/{doc['id']}", headers=auth(role)).json()
        assert detail == doc
    for doc in pages(hsds_client, "/hsds/organizations?full_service=true", role):
        assert_valid("organization", doc)
        one = hsds_client.get(f"/hsds/organizations/{doc['id']}?full_service=true", headers=auth(role)).json()
        assert one == doc
    for doc in pages(hsds_client, "/hsds/service_at_locations", role):
        assert_valid("service_at_location", doc)
        one = hsds_client.get(f"/hsds/service_at_locations/{doc['id']}", headers=auth(role)).json()
        assert one == doc


def test_visibility_follows_the_caller(hsds_client: TestClient) -> None:
    public = json.dumps(pages(hsds_client, "/hsds/service_at_locations"))
    pro = json.dumps(pages(hsds_client, "/hsds/service_at_locations", "professional"))
    everything = public + pro + json.dumps(pages(hsds_client, "/hsds/services", "coordinator"))
    assert (
        '"relais:visibility", "name": "Address visibility", "description": "Address visibility", '
        '"taxonomy": "relais-profile"'
        not in everything
        or '"value": "hidden"' not in everything
    )
    assert '"value": "hidden"' not in everything and "Adresse secrète" not in everything
    assert '"value": "network"' not in public
    services = json.dumps(pages(hsds_client, "/hsds/services"))
    assert '"description": "professional"' not in services


def test_filters_pagination_and_errors(hsds_client: TestClient, reference: Reference) -> None:
    from loaders.hsds import hsds_id

    first = hsds_client.get("/hsds/services?per_page=2").json()
    assert first["size"] <= 2 and first["first_page"]
    term = hsds_id("term", "partner-violence")
    tagged = pages(hsds_client, f"/hsds/services?taxonomy_term_id={term}")
    assert tagged and all(any(a["taxonomy_term_id"] == term for a in s["attributes"]) for s in tagged)
    org = tagged[0]["organization_id"]
    both = pages(hsds_client, f"/hsds/services?taxonomy_term_id={term}&organization_id={org}")
    assert both and all(s["organization_id"] == org for s in both) and len(both) <= len(tagged)
    assert hsds_client.get("/hsds/services?modified_after=2999-01-01T00:00:00Z").json()["empty"]
    assert hsds_client.get("/hsds/services?modified_after=yesterday").status_code == 422
    minimal = hsds_client.get("/hsds/services?minimal=true&per_page=1").json()["contents"][0]
    assert "attributes" not in minimal and minimal["name"]
    missing = hsds_client.get("/hsds/services/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    terms = hsds_client.get(f"/hsds/taxonomy_terms?lang=de&parent_id={hsds_id('term', 'sexual-violence')}").json()
    assert {t["code"] for t in terms["contents"]} == {"sexual-violence.recent", "sexual-violence.past"}
    assert terms["contents"][0]["relais_labels"]["nl"]
    tax = hsds_client.get("/hsds/taxonomies").json()["contents"][0]
    assert hsds_client.get(f"/hsds/taxonomies/{tax['id']}").json()["name"] == tax["name"]
    assert hsds_client.get("/hsds/").json()["version"] == "3.1"


def test_etag_304_last_modified_and_cache_control(hsds_client: TestClient) -> None:
    first = hsds_client.get("/hsds/services?per_page=50")
    assert first.headers["last-modified"] and "max-age" in first.headers["cache-control"]
    again = hsds_client.get("/hsds/services?per_page=50", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    other_page = hsds_client.get("/hsds/services?per_page=49", headers={"If-None-Match": first.headers["etag"]})
    assert other_page.status_code == 200
    one = first.json()["contents"][0]["id"]
    detail = hsds_client.get(f"/hsds/services/{one}")
    assert (
        hsds_client.get(f"/hsds/services/{one}", headers={"If-None-Match": detail.headers["etag"]}).status_code == 304
    )


def test_ndjson_streams_everything(hsds_client: TestClient) -> None:
    with hsds_client.stream("GET", "/hsds/services?format=ndjson") as response:
        assert response.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(x) for x in response.iter_lines() if x]
    assert len(lines) == hsds_client.get("/hsds/services").json()["total_items"]


def test_export_import_export_is_identical(hsds_client: TestClient, reference: Reference, tmp_path: Path) -> None:
    export = hsds_client.get("/hsds/organizations?full_service=true&format=ndjson", headers=auth("professional"))
    path = tmp_path / "export.ndjson"
    path.write_bytes(export.content)
    fresh = MemoryStore()
    import_directory(read_directory(path, reference), fresh, reference=reference)
    with TestClient(create_app(settings(), fresh)) as second:
        again = second.get("/hsds/organizations?full_service=true&format=ndjson", headers=auth("professional"))
    assert again.content == export.content


def test_openapi_matches_the_standard_for_implemented_paths(client: TestClient) -> None:
    standard = json.loads((SCHEMAS / "openapi.json").read_text(encoding="utf-8"))
    root = client.get("/hsds/").json()
    assert root["version"] == "3.1" and root["openapi_url"].endswith("/hsds/openapi.json")
    ours = client.get("/hsds/openapi.json").json()["paths"]
    assert ours and all(path.startswith("/hsds") for path in ours), [p for p in ours if not p.startswith("/hsds")]
    components = standard["components"]["parameters"]
    for path, item in standard["paths"].items():
        mine = ours.get("/hsds" + path)
        for method in ("get", "post"):
            if method not in item:
                continue
            assert mine and method in mine, (method, path)
            wanted = {
                p["name"] if "name" in p else components[p["$ref"].split("/")[-1]]["name"]
                for p in item[method].get("parameters", []) + item.get("parameters", [])
            }
            have = {p["name"] for p in mine[method].get("parameters", [])}
            assert wanted <= have, (method, path, wanted - have)


def test_cors_for_other_directories(reference: Reference) -> None:
    cors = settings().model_copy(update={"cors_origins": ["https://annuaire.example.org"]})
    with TestClient(create_app(cors, MemoryStore())) as c:
        r = c.get("/hsds/", headers={"Origin": "https://annuaire.example.org"})
        assert r.headers["access-control-allow-origin"] == "https://annuaire.example.org"
        anywhere = c.get("/hsds/", headers={"Origin": "https://elsewhere.example"})
        assert anywhere.headers["access-control-allow-origin"] == "*"  # public reads: Open Referral UK
        assert (
            "access-control-allow-origin"
            not in c.get("/v1/taxonomy", headers={"Origin": "https://evil.example"}).headers
        )
