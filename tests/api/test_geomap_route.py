"""GET /v1/gaps/map.svg: the coverage map on real boundaries, members only, once per directory version."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient

from tests.api.conftest import auth
from viz.geomap import COLOURS

SVG = "{http://www.w3.org/2000/svg}"


def test_the_coverage_map_shows_huy_as_the_forced_marriage_gap_of_the_demo(client: TestClient) -> None:
    assert client.get("/v1/gaps/map.svg?situation=forced-marriage").status_code == 403
    answer = client.get("/v1/gaps/map.svg?situation=forced-marriage&lang=nl", headers=auth("professional"))
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(answer.text)
    red = {p.findtext(f"{SVG}title", "") for p in root.iter(f"{SVG}path") if p.get("fill") == COLOURS[0]}
    assert red and all(title.endswith("— Hoei") for title in red)
    assert "leemte" in answer.text
    again = client.get("/v1/gaps/map.svg?term=forced-marriage&lang=nl", headers=auth("professional"))
    assert again.text == answer.text


def test_the_coverage_map_refuses_what_it_cannot_draw(client: TestClient) -> None:
    pro = auth("professional")
    assert client.get("/v1/gaps/map.svg", headers=pro).status_code == 422
    assert client.get("/v1/gaps/map.svg?term=victim", headers=pro).status_code == 422
    assert client.get("/v1/gaps/map.svg?need=shelter&lang=xx", headers=pro).status_code == 422


def test_the_division_report_includes_the_map(client: TestClient) -> None:
    report = client.get("/v1/report?division=huy", headers=auth("professional")).text
    assert '<figure class="geomap"><svg' in report and "<script" not in report


def test_the_network_map_can_start_organisations_in_their_division(client: TestClient) -> None:
    """`by_division=true`: every organisation starts near its division's centre (x, y given to vis-network)."""
    member = auth("professional")
    free = client.get("/v1/map", headers=member).text
    placed = client.get("/v1/map?by_division=true", headers=member).text
    assert '"x":' not in free.replace(" ", "") and '"x":' in placed.replace(" ", "")
