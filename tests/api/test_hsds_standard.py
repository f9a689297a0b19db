"""HSDS 3.1 (and 3.0 on request) checked the way other directories check it: a crawl validated against the
official compiled schemas, no field outside the standard unless the profile documents it, POST search,
405 with Allow, edge values of page/per_page, capacities and schedules, and hidden shelters nowhere."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, time
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from graph.memory_store import MemoryStore
from graph.models import Capacity, Closure, Contact, ContactKind, Location, OpeningHours, Service, Visibility, Weekday
from graph.reference import Reference
from graph.usecases import import_directory
from loaders.directory import read_directory
from loaders.hsds import hsds_id
from tests.api.conftest import auth, settings

HSDS = Path(__file__).resolve().parents[1] / "hsds"
DATA = Path(__file__).resolve().parents[2] / "data"
PROFILE = Path(__file__).resolve().parents[2] / "docs" / "hsds-profile.md"
LISTS = {
    "services": "service",
    "organizations": "organization",
    "service_at_locations": "service_at_location",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
}
PROFILE_FIELDS = {"relais_labels", "relais_kind"}
"""The only fields outside the standard (on taxonomy terms), each documented in docs/hsds-profile.md."""


def inlined(node: Any, folder: Path) -> Any:
    """A schema with its relative `$ref`s (taxonomy.json, metadata.json) replaced by the files."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.endswith(".json"):
            return inlined(json.loads((folder / ref).read_text(encoding="utf-8")), folder)
        return {k: inlined(v, folder) for k, v in node.items()}
    if isinstance(node, list):
        return [inlined(v, folder) for v in node]
    return node


@cache
def schema(version: str, name: str) -> dict[str, Any]:
    folder = HSDS / version
    return inlined(json.loads((folder / f"{name}.json").read_text(encoding="utf-8")), folder)  # type: ignore[no-any-return]


@cache
def validator(version: str, name: str) -> Any:
    found = schema(version, name)
    return jsonschema.validators.validator_for(found)(found, format_checker=jsonschema.FormatChecker())


def assert_valid(version: str, name: str, doc: dict[str, Any]) -> None:
    errors = [f"{list(e.path)}: {e.message[:200]}" for e in validator(version, name).iter_errors(doc)]
    assert errors == [], (version, name, doc.get("id"), errors[:5])


def outside(node: Any, spec: dict[str, Any], name: str, path: str = "") -> Iterator[str]:
    """The fields of `node` its schema does not name (followed into objects and arrays)."""
    if isinstance(node, list):
        for item in node:
            yield from outside(item, spec.get("items", {}), name, path)
        return
    if not isinstance(node, dict) or "properties" not in spec:
        return
    props = spec["properties"]
    for key, value in node.items():
        if key not in props:
            yield f"{path}{key}"
        else:
            yield from outside(value, props[key], str(props[key].get("name", key)), f"{path}{key}.")


def documented_extra(found: str, name: str) -> bool:
    """A profile field of a taxonomy term (the document itself, or one inside an attribute)."""
    parent, _, field = found.rpartition(".")
    return field in PROFILE_FIELDS and (parent.endswith("taxonomy_term") or (not parent and name == "taxonomy_term"))


@pytest.fixture(scope="module")
def demo(reference: Reference) -> Iterator[TestClient]:
    store = MemoryStore()
    import_directory(read_directory(DATA / "demo", reference), store, reference=reference)
    with TestClient(create_app(settings(), store)) as client:
        yield client


def get(client: TestClient, url: str, role: str = "public") -> Any:
    response = client.get(url, headers=auth(role))
    assert response.status_code == 200, (url, response.text[:300])
    return response.json()


def crawl(client: TestClient, version: str, role: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """As the Open Referral UK validator: the root, first/middle/last page of every list, every id."""
    root = get(client, f"/hsds/?version={version}", role)
    assert root["version"] == version and root["openapi_url"].endswith("/hsds/openapi.json")
    for path, name in LISTS.items():
        first = get(client, f"/hsds/{path}?per_page=7&version={version}", role)
        last = first["total_pages"]
        for number in sorted({1, (last + 1) // 2, last}):
            page = get(client, f"/hsds/{path}?per_page=7&page={number}&version={version}", role)
            assert page["page_number"] == number and page["last_page"] == (number == last)
            yield from ((name, doc) for doc in page["contents"])
        every = get(client, f"/hsds/{path}?per_page=200&version={version}", role)["contents"]
        assert len(every) == first["total_items"]
        for doc in every:
            yield name, get(client, f"/hsds/{path}/{doc['id']}?version={version}", role)
            if name == "organization":
                yield name, get(client, f"/hsds/{path}/{doc['id']}?full_service=true&version={version}", role)


@pytest.mark.parametrize(("version", "role"), [("3.1", "public"), ("3.1", "professional"), ("3.0", "public")])
def test_full_crawl_validates_against_the_compiled_schemas(demo: TestClient, version: str, role: str) -> None:
    seen = 0
    for name, doc in crawl(demo, version, role):
        assert_valid(version, name, doc)
        extra = [f for f in outside(doc, schema(version, name), name) if not documented_extra(f, name)]
        assert extra == [], (name, doc.get("id"), extra)
        seen += 1
    assert seen > 300


def test_profile_documents_every_extension() -> None:
    text = PROFILE.read_text(encoding="utf-8")
    for field in ("relais_labels", "relais_kind", "relais:modified_at", "relais:closures", "version=3.0", "POST"):
        assert field in text, field


def test_capacity_as_31_service_capacity_and_as_30_attribute(demo: TestClient) -> None:
    services = get(demo, "/hsds/services?per_page=200")["contents"]
    with_places = [s for s in services if s.get("capacities")]
    assert with_places, "the demo has shelters with places"
    one = get(demo, f"/hsds/services/{with_places[0]['id']}")
    capacity = one["capacities"][0]
    assert {"available", "maximum", "unit", "updated"} <= set(capacity)
    assert capacity["unit"]["name"] == "place" and capacity["available"] <= capacity["maximum"]
    assert_valid("3.1", "service", one)
    old = get(demo, f"/hsds/services/{one['id']}?version=3.0")
    assert "capacities" not in old and "additional_urls" not in old
    codes = {a["taxonomy_term"]["code"]: a.get("value") for a in old["attributes"]}
    places = json.loads(codes["relais:capacity"])
    assert (places["available"], places["total"]) == (capacity["available"], capacity["maximum"])
    assert_valid("3.0", "service", old)


def test_openapi_of_hsds_alone_and_root(demo: TestClient) -> None:
    root = get(demo, "/hsds/")
    assert root["version"] == "3.1" and root["openapi_url"] == "http://testserver/hsds/openapi.json"
    spec = get(demo, "/hsds/openapi.json")
    assert spec["paths"] and not [p for p in spec["paths"] if not p.startswith("/hsds")]
    assert "/v1/referrals" not in json.dumps(spec)
    assert {"get", "post"} <= set(spec["paths"]["/hsds/services"])
    assert "404" in spec["paths"]["/hsds/services/{id}"]["get"]["responses"]


def test_post_search_keeps_filters_out_of_the_url(demo: TestClient) -> None:
    term = hsds_id("term", "partner-violence")
    by_get = get(demo, f"/hsds/services?taxonomy_term_id={term}&search=accueil&per_page=200")
    response = demo.post("/hsds/services", json={"taxonomy_term_id": term, "search": "accueil", "per_page": 200})
    assert response.status_code == 200 and response.json() == by_get and by_get["total_items"] > 0
    assert response.headers["cache-control"] == "no-store" and "etag" not in response.headers
    sal = demo.post("/hsds/service_at_locations", json={"taxonomy_term_id": term, "postcode": "4500"}).json()
    assert (
        sal["total_items"]
        == get(demo, f"/hsds/service_at_locations?taxonomy_term_id={term}&postcode=4500")["total_items"]
    )
    orgs = demo.post("/hsds/organizations", json={"taxonomy_term_id": term}).json()
    assert 0 < orgs["total_items"] < get(demo, "/hsds/organizations")["total_items"]
    assert orgs == get(demo, f"/hsds/organizations?taxonomy_term_id={term}")
    refused = demo.post("/hsds/services", json={"situation": "partner-violence"})
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"


def test_405_names_the_allowed_methods(demo: TestClient) -> None:
    lists = demo.put("/hsds/services")
    assert lists.status_code == 405 and set(lists.headers["allow"].split(", ")) == {"GET", "POST"}
    one = demo.delete(f"/hsds/services/{hsds_id('service', 'x')}")
    assert one.status_code == 405 and one.headers["allow"] == "GET"


@pytest.mark.parametrize(
    ("query", "page", "size"),
    [("page=0", 1, 50), ("page=-3&per_page=0", 1, 1), ("per_page=100000", 1, 200), ("format=", 1, 50)],
)
def test_page_edges_answer_as_the_standard_allows(demo: TestClient, query: str, page: int, size: int) -> None:
    body = get(demo, f"/hsds/services?{query}")
    assert body["page_number"] == page and body["size"] == min(size, body["total_items"])
    beyond = get(demo, "/hsds/services?page=99999")
    assert beyond["contents"] == [] and beyond["last_page"] and not beyond["empty"]


def test_open_referral_uk_points(demo: TestClient) -> None:
    read = demo.get("/hsds/services", headers={"Origin": "https://directory.example"})
    assert read.status_code == 200 and read.headers["access-control-allow-origin"] == "*"
    assert (
        "access-control-allow-origin" not in demo.get("/v1/taxonomy", headers={"Origin": "https://x.example"}).headers
    )
    at = get(demo, "/hsds/service_at_locations?postcode=4800&per_page=200")["contents"]
    assert at and all(
        s["location"]["addresses"][0]["postal_code"] == "4800"
        or any(
            a["description"] in ("division:verviers", "scope:province", "scope:region", "scope:national")
            or a["description"].startswith("commune:")
            for a in s.get("service_areas", [])
        )
        for s in at
    )
    assert get(demo, "/hsds/service_at_locations?postcode=not-a-postcode")["empty"]


def test_hidden_locations_never_appear(demo: TestClient, reference: Reference) -> None:
    store = demo.app.state.relais.store  # type: ignore[attr-defined]
    hidden = [loc for loc in store.list(Location, clearance=Visibility.HIDDEN) if loc.visibility is Visibility.HIDDEN]
    assert hidden
    seen = ""
    for version in ("3.1", "3.0"):
        for role in ("public", "professional", "coordinator"):
            for path in ("services", "service_at_locations", "organizations?full_service=true&"):
                url = f"/hsds/{path}{'&' if '?' not in path else ''}format=ndjson&version={version}".replace("&&", "&")
                url = url.replace(f"{path}&", f"{path}?") if "?" not in path else url
                seen += demo.get(url, headers=auth(role)).text
    seen += demo.post("/hsds/service_at_locations", json={"postcode": hidden[0].postcode, "per_page": 200}).text
    for loc in hidden:
        assert loc.address not in seen and hsds_id("location", loc.id) not in seen
        sal = hsds_id("service_at_location", f"{loc.organisation_id}-svc:{loc.id}")
        missing = demo.get(f"/hsds/service_at_locations/{sal}", headers=auth("coordinator"))
        unknown = demo.get(f"/hsds/service_at_locations/{hsds_id('service_at_location', 'nothing')}")
        assert missing.status_code == unknown.status_code == 404
        assert missing.json()["title"] == unknown.json()["title"] and loc.id not in missing.text
    public = get(demo, "/hsds/service_at_locations?per_page=1")["total_items"]
    visible = sum(
        1
        for s in store.list(Service, clearance=Visibility.PUBLIC)
        for i in s.location_ids
        if i in {loc.id for loc in store.list(Location, clearance=Visibility.PUBLIC)}
    )
    assert public == visible  # the count leaves the hidden ones out too


def test_schedule_closures_capacity_round_trip_exactly(reference: Reference, tmp_path: Path) -> None:
    store = MemoryStore()
    import_directory(read_directory(DATA / "demo", reference), store, reference=reference)
    shelter = next(s for s in store.list(Service, clearance=Visibility.HIDDEN) if s.capacity)
    rich = shelter.model_copy(
        update={
            "schedule": (
                OpeningHours(days=(Weekday.MONDAY, Weekday.TUESDAY), opens=time(9), closes=time(12, 30)),
                OpeningHours(days=(Weekday.SATURDAY,), opens=time(10), closes=time(11)),
            ),
            "closures": (Closure(start=date(2026, 12, 24), end=date(2026, 12, 26), label="Noël"),),
            "capacity": Capacity(available=2, total=9, updated_at=date(2026, 11, 2)),
            "contacts": (
                *shelter.contacts,
                Contact(kind=ContactKind.WEBSITE, value="https://refuge.example.org"),
                Contact(kind=ContactKind.WEBSITE, value="https://refuge.example.org/nl"),
                Contact(kind=ContactKind.CHAT, value="https://chat.example.org"),
            ),
        }
    )
    store.upsert([rich])
    with TestClient(create_app(settings(), store)) as client:
        doc = get(client, f"/hsds/services/{hsds_id('service', rich.id)}", "professional")
        export = client.get("/hsds/organizations?full_service=true&format=ndjson", headers=auth("coordinator"))
        older = client.get(
            "/hsds/organizations?full_service=true&format=ndjson&version=3.0", headers=auth("coordinator")
        )
    assert [(x["freq"], x["byday"], x["opens_at"], x["closes_at"]) for x in doc["schedules"]] == [
        ("WEEKLY", "MO,TU", "09:00", "12:30"),
        ("WEEKLY", "SA", "10:00", "11:00"),
    ]
    assert doc["capacities"][0]["updated"] == "2026-11-02T00:00:00.000Z"
    assert doc["url"] == "https://refuge.example.org"
    assert [(u["url"], u["label"]) for u in doc["additional_urls"]] == [
        ("https://refuge.example.org/nl", "website"),
        ("https://chat.example.org", "chat"),
    ]
    assert_valid("3.1", "service", doc)
    path = tmp_path / "export.ndjson"
    path.write_bytes(export.content)
    again = MemoryStore()
    import_directory(read_directory(path, reference), again, reference=reference)
    back = next(s for s in again.list(Service, clearance=Visibility.HIDDEN) if s.id == rich.id)
    assert (back.schedule, back.closures, back.capacity) == (rich.schedule, rich.closures, rich.capacity)
    assert sorted(back.contacts, key=str) == sorted(rich.contacts, key=str)
    (tmp_path / "older.ndjson").write_bytes(older.content)
    from_30 = {r.id: r for r in read_directory(tmp_path / "older.ndjson", reference).records}
    same = from_30[rich.id].model_dump(exclude={"contacts"}) == back.model_dump(exclude={"contacts"})
    assert same  # a 3.0 export comes back the same, but for the further web pages (3.1 `additional_urls`)
