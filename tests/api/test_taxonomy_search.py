"""`GET /v1/taxonomy/search` (#18 item 1): everyday words → ranked terms in the caller's language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from graph.memory_store import MemoryStore
from tests.api.conftest import settings


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(settings(), MemoryStore())) as c:
        yield c


def _search(client: TestClient, **params: str) -> dict:  # type: ignore[type-arg]
    answer = client.get("/v1/taxonomy/search", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_violences_conjugales_finds_partner_violence_first(client: TestClient) -> None:
    first = _search(client, q="violences conjugales")["results"][0]
    assert first["code"] == "partner-violence"
    assert first["label"] == "Violence entre partenaires"
    assert first["kind"] == "situation"
    assert 0 < first["score"] <= 100


def test_viol_finds_a_sexual_violence_term_before_partner_violence(client: TestClient) -> None:
    codes = [r["code"] for r in _search(client, q="viol")["results"]]
    assert codes[0].startswith("sexual-violence")
    assert "partner-violence" not in codes[:3]


def test_labels_in_the_asked_language(client: TestClient) -> None:
    assert _search(client, q="verkrachting", lang="de")["results"][0]["label"] == "Sexuelle Gewalt"
    answer = client.get("/v1/taxonomy/search", params={"q": "Zwangsheirat"}, headers={"Accept-Language": "nl-BE"})
    assert answer.json()["results"][0]["label"] == "Gedwongen huwelijk"


def test_typos_and_missing_accents(client: TestClient) -> None:
    assert _search(client, q="mariag force")["results"][0]["code"] == "forced-marriage"
    assert _search(client, q="violance conjugale")["results"][0]["code"] == "partner-violence"


def test_kind_keeps_only_that_kind(client: TestClient) -> None:
    results = _search(client, q="enfant", kind="audience")["results"]
    assert results and {r["kind"] for r in results} == {"audience"}


def test_no_match_is_an_empty_list_with_the_closest_terms(client: TestClient) -> None:
    answer = _search(client, q="violences policières")
    assert answer["results"] == []
    assert answer["suggestions"] and answer["suggestions"][0]["label"]


@pytest.mark.parametrize("q", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "'; DROP TABLE t; --"])
def test_hostile_words_find_nothing_and_are_not_echoed_as_markup(client: TestClient, q: str) -> None:
    answer = client.get("/v1/taxonomy/search", params={"q": q})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json()["results"] == []


@pytest.mark.parametrize(("q", "lang"), [("", "fr"), ("x" * 101, "fr"), ("viol", "xx")])
def test_empty_long_or_bad_language_is_refused_in_words(client: TestClient, q: str, lang: str) -> None:
    answer = client.get("/v1/taxonomy/search", params={"q": q, "lang": lang})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_blank_words_answer_nothing(client: TestClient) -> None:
    assert _search(client, q="   ") == {"query": "   ", "results": [], "suggestions": []}


def test_the_route_is_in_the_openapi(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/v1/taxonomy/search"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "lang", "kind"}
