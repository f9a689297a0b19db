"""One client cannot starve the others: rate limits only spare valid credentials, heavy views are rendered
once per directory version and a few at a time per client, bodies are capped however they are sent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.guards import InFlight
from graph.memory_store import MemoryStore
from graph.reference import load_reference
from tests.api.conftest import auth, demo_store, settings
from viz.heatmap import heatmap

SEARCH = "/v1/referrals?situation=fgm&division=huy"


def _client(**limits: int) -> TestClient:
    return TestClient(create_app(settings().model_copy(update=limits), demo_store(MemoryStore(), load_reference())))


@pytest.mark.parametrize(
    "disguise",
    [
        {"Cookie": "x=relais_session"},
        {"Cookie": "relais_session=forged.0000"},
        {"Authorization": "Bearer not-a-key"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
)
def test_a_junk_credential_does_not_escape_the_public_limit(disguise: dict[str, str]) -> None:
    with _client(public_searches_per_minute=3) as c:
        codes = [c.get(SEARCH, headers=disguise).status_code for _ in range(5)]
        assert codes[3:] == [429, 429], codes
        assert c.get(SEARCH, headers=auth("professional")).status_code == 200  # a valid key is not limited


def test_a_crawl_of_every_hsds_service_one_by_one_is_never_refused() -> None:
    """The default limits, as an HSDS validator meets them: list, then read every record one by one."""
    with TestClient(
        create_app(
            settings().model_copy(update={"public_searches_per_minute": 120, "hsds_reads_per_minute": 1200}),
            demo_store(MemoryStore(), load_reference()),
        )
    ) as c:
        ids = [s["id"] for s in c.get("/hsds/services?per_page=200").json()["contents"]]
        assert len(ids) > 100
        codes = {c.get(f"/hsds/services/{i}").status_code for i in ids}
        codes |= {c.get(f"/hsds/services/{i}?format=json").status_code for i in ids}
        assert codes == {200}


def test_a_chunked_body_over_the_cap_answers_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"id": "x", "name": "'
        for _ in range(300):
            yield b"y" * 10_000
        yield b'"}'

    answer = client.post(
        "/v1/organisations", content=chunks(), headers=auth("coordinator") | {"Content-Type": "application/json"}
    )
    assert answer.status_code == 413, answer.text
    small = client.post("/v1/organisations", content=iter([b"{}"]), headers=auth("coordinator"))
    assert small.status_code == 422  # a small chunked body still reaches the route


def test_405_says_what_is_allowed(client: TestClient) -> None:
    answer = client.put("/v1/taxonomy")
    assert answer.status_code == 405 and answer.headers["allow"] == "GET"
    every = client.request("PATCH", "/v1/organisations/amb-h-1")
    assert every.status_code == 405 and every.headers["allow"] == "DELETE, GET, PUT"


def test_heavy_views_are_rendered_once_per_directory_version(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def counted(*args: Any, **kwargs: Any) -> bytes:
        calls.append("heatmap")
        return heatmap(*args, **kwargs)

    monkeypatch.setattr("api.http.routers.analysis.heatmap", counted)
    member = auth("professional")
    for _ in range(5):
        assert client.get("/v1/gaps/heatmap.svg", headers=member).status_code == 200
        assert client.get("/v1/export?format=graphml", headers=member).status_code == 200
    assert calls == ["heatmap"]
    edit = client.post("/v1/organisations/amb-h-1/verified", headers=auth("coordinator"))
    assert edit.status_code == 200
    assert client.get("/v1/gaps/heatmap.svg", headers=member).status_code == 200
    assert calls == ["heatmap", "heatmap"]  # a new version, rendered again once


def test_a_client_has_only_a_few_heavy_requests_at_once() -> None:
    """The gate the guard waits on (10 s at most, then 429): per client, the others are not affected."""
    gate = InFlight(2)
    assert gate.enter("key:a") and gate.enter("key:a")
    assert not gate.enter("key:a")  # the third waits outside (429), the others are not affected
    assert gate.enter("key:b")
    gate.leave("key:a")
    assert gate.enter("key:a")
