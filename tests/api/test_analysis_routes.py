"""Coordinators' analysis routes and commands: gaps, metrics, map, heatmap, report, exports."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.bench import generated_store
from api.cli import app as cli
from graph.reference import Reference
from tests.api.conftest import DEMO, TOKENS, auth
from viz.network_map import render_map

ROUTES = [
    "/v1/gaps",
    "/v1/metrics",
    "/v1/map",
    "/v1/gaps/heatmap.svg",
    "/v1/report?division=huy",
    "/v1/export?format=graphml",
]


@pytest.mark.parametrize("route", ROUTES)
def test_analysis_is_for_network_members(client: TestClient, route: str) -> None:
    assert client.get(route).status_code == 403
    assert client.get(route, headers=auth("professional")).status_code == 200


def test_gaps_and_metrics(client: TestClient) -> None:
    pro = auth("professional")
    gaps = client.get("/v1/gaps?division=huy", headers=pro).json()
    kinds = {(g["kind"], g.get("term") or g.get("organisation") or g.get("type_a")) for g in gaps["gaps"]}
    assert ("coverage-gap", "forced-marriage") in kinds and ("missing-link", "hospital") in kinds
    assert not any(g["division"] == "verviers" for g in gaps["gaps"])
    metrics = client.get("/v1/metrics?division=verviers", headers=pro).json()
    assert [p["organisation"] for p in metrics["articulation_points"]] == ["cpas-v-4"]
    broker = max(metrics["betweenness"], key=metrics["betweenness"].get)
    assert broker == "cpas-v-4", "the single point of failure is the one every path goes through"
    assert set(metrics["betweenness"]) == {o for c in metrics["communities"] for o in c}
    assert client.get("/v1/metrics?division=namur", headers=pro).status_code == 422


def test_map_report_heatmap_export(client: TestClient) -> None:
    pro = auth("professional")
    page = client.get("/v1/map?division=verviers&sector=medical", headers=pro).text
    assert not re.search(r"(src|href)=[\"']?https?://", page)
    assert "/static/vis-network.min.js" in page
    assert client.get("/static/vis-network.min.js").content.startswith(b"/**")
    assert client.get("/v1/map?sector=nope", headers=pro).status_code == 422
    report = client.get("/v1/report?division=huy", headers=pro).text
    assert "Mariage forcé" in report and "@media print" in report
    assert client.get("/v1/gaps/heatmap.png", headers=pro).content.startswith(b"\x89PNG")
    assert client.get("/v1/gaps/heatmap.gif", headers=pro).status_code == 422
    for fmt in ("graphml", "gexf", "kumu", "csv"):
        body = client.get(f"/v1/export?format={fmt}", headers=pro).content
        assert b"Adresse" not in body
    assert client.get("/v1/export?format=pdf", headers=pro).status_code == 422


def test_analysis_follows_edits(client: TestClient) -> None:
    pro, coord = auth("professional"), auth("coordinator")
    assert client.get("/v1/metrics", headers=pro).json()["isolates"] == ["gp-h-6"]
    client.post(
        "/v1/links", json={"kind": "cooperation", "from": "gp-h-6", "to": "amb-h-1", "source": "test"}, headers=coord
    )
    assert client.get("/v1/metrics", headers=pro).json()["isolates"] == []


def test_cli_gaps_names_the_planted_gaps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.settings import get_settings

    monkeypatch.delenv("RELAIS_NEO4J_URI", raising=False)
    monkeypatch.setenv("RELAIS_STORE_FILE", str(tmp_path / "s.json"))
    monkeypatch.setenv("RELAIS_DATA_DIR", str(DEMO))
    get_settings.cache_clear()
    runner = CliRunner()
    out = " ".join(runner.invoke(cli, ["gaps", "--as-of", "2026-11-26"], env={"COLUMNS": "200"}).output.split())
    get_settings.cache_clear()
    for needle in (
        "«Mariage forcé» : aucun service actif",
        "Un seul prestataire",
        "Maison d'accueil / refuge",
        "Hôpital (maternité) ↔ maison d'accueil",
        "CPAS Exemple-Vesdre 4 s'arrête",
        "Cabinet médical Exemple-Mehaigne 6",
    ):
        assert needle in out, needle
    result = runner.invoke(cli, ["map", "-o", str(tmp_path / "map.html")])
    assert result.exit_code == 0
    assert (tmp_path / "map.html").stat().st_size < 500_000
    assert (tmp_path / "relais-assets" / "vis-network.min.js").exists()
    get_settings.cache_clear()


def _map_data(page: str) -> dict[str, Any]:
    found = re.search(r'id="relais-map-data">(.*?)</script>', page, flags=re.S)
    assert found
    return dict(json.loads(found.group(1)))


def test_the_map_page_has_search_filters_legend_and_the_list_in_words(client: TestClient) -> None:
    page = client.get("/v1/map?lang=nl", headers=auth("coordinator")).text
    data = _map_data(page)
    assert len(data["nodes"]) > 100 and '<ul id="org-list"></ul>' in page, "the script builds the list from the data"
    assert "<noscript><p>De kaart en deze lijst worden getekend met JavaScript" in page
    for words in ('<label for="q">Een organisatie zoeken', '<label for="f-division">Afdeling', "Alle sectoren"):
        assert words in page
    assert '<option value="huy">Hoei</option>' in page and '<option value="shelter">Opvanghuis / vluchthuis' in page
    assert all(k in page for k in ("Overeenkomst", "Protocol", "Casusoverleg", "Informeel", "Verenigingen"))
    kinds = [k["id"] for k in data["kinds"]]
    used = {kinds[k] for link in data["edges"] for k in link[2:]}
    assert used <= {"convention", "protocol", "case-conference", "informal", "project"} and len(used) > 1
    assert len({k["color"] for k in data["kinds"]}) == 5, "one colour per link kind, joint projects' included"
    kind_words = ["Overeenkomst", "Protocol", "Casusoverleg", "Informeel", "Gezamenlijk project"]
    assert [k["words"] for k in data["kinds"]][:5] == kind_words  # then one per project, named
    ids = [n["id"] for n in data["nodes"]]
    assert all(0 <= a < len(ids) and 0 <= b < len(ids) for a, b, *_ in data["edges"]), "the whole map: none off it"
    cpas = next(n for n in data["nodes"] if n["id"] == "cpas-v-4")
    assert cpas["shape"] == "star" and data["marks"][cpas["mark"]] == "Enig breekpunt"
    assert {data["words"][w] for w in ("record", "manage_links")} == {"Fiche van de organisatie", "Haar banden beheren"}


def test_a_division_map_keeps_partners_from_elsewhere_in_the_list(client: TestClient) -> None:
    """A link to an organisation off a division's map is not drawn, but its name stays among the partners."""
    data = _map_data(client.get("/v1/map?division=huy", headers=auth("coordinator")).text)
    count = len(data["nodes"])
    assert {n.get("division") for n in data["nodes"]} == {"huy"}
    away = [link for link in data["edges"] if max(link[:2]) >= count]
    assert away and all(min(link[:2]) < count for link in away)
    assert len(data["outside"]) == len({max(link[:2]) for link in away}) > 0
    assert not {n["label"] for n in data["nodes"]} & set(data["outside"])


def test_the_thousand_organisation_map_stays_under_half_a_megabyte(reference: Reference, tmp_path: Path) -> None:
    """docs/performance.md: a meeting opens the whole map on a phone; each fact travels once."""
    snapshot = generated_store(tmp_path / "m", 1000, 3, 5, reference).snapshot()
    page = render_map(snapshot, asset_url="/static/vis-network.min.js")
    data = _map_data(page)
    assert len(data["nodes"]) == 1000 and len(data["edges"]) > 3000
    assert len(page.encode()) < 500_000
    assert "<script>" not in page.replace('<script type="application/json"', "")


def test_hidden_locations_never_reach_the_map(client: TestClient) -> None:
    page = client.get("/v1/map?division=huy", headers=auth("coordinator")).text
    assert "shelter-h-1" in page, "the shelter is on the map, by the divisions it serves"
    assert "Adresse secrète" not in page and "4260" not in page and "latitude" not in page


def test_a_hostile_name_stays_text_in_the_list_and_the_panel(client: TestClient) -> None:
    coord = auth("coordinator")
    current = client.get("/v1/organisations/amb-h-1", headers=coord)
    body = {**current.json(), "name": '"><img src=x onerror=alert(1)></script><script>alert(2)</script>'}
    saved = client.put("/v1/organisations/amb-h-1", json=body, headers={**coord, "If-Match": current.headers["etag"]})
    assert saved.status_code == 200, saved.text
    page = client.get("/v1/map?division=huy", headers=coord).text
    assert "<img src=x" not in page and "<script>alert" not in page
    assert page.count("\\u003cimg src=x onerror=alert(1)\\u003e") == 1, "the name once, in the escaped data"
    data = _map_data(page)
    assert next(n for n in data["nodes"] if n["id"] == "amb-h-1")["label"] == body["name"]


def test_a_heatmap_cell_lists_its_providers(client: TestClient) -> None:
    pro = auth("professional")
    assert client.get("/v1/gaps/providers?term=forced-marriage&division=liege").status_code == 403
    page = client.get("/v1/gaps/providers?term=forced-marriage&division=liege&lang=nl", headers=pro).text
    assert "Gedwongen huwelijk" in page and "Luik" in page
    counted = client.get("/v1/gaps", headers=pro).json()["coverage"]["matrix"]["forced-marriage"]["liege"]
    assert len(re.findall(r'<li><a href="/organisation\?organisation=', page)) == counted == 2
    gap = client.get("/v1/gaps/providers?term=forced-marriage&division=huy&lang=fr", headers=pro).text
    assert "Aucun prestataire actif" in gap
    assert client.get("/v1/gaps/providers?term=nope&division=huy", headers=pro).status_code == 422
    assert client.get("/v1/gaps/providers?term=forced-marriage&division=namur", headers=pro).status_code == 422
    svg = client.get("/v1/gaps/heatmap.svg?lang=nl", headers=pro).text
    assert "/v1/gaps/providers?term=forced-marriage&amp;division=huy&amp;lang=nl" in svg
    assert "geen (leemte)" in svg and "4 en meer" in svg


def _sign_in(client: TestClient) -> None:
    assert client.post("/login", data={"key": TOKENS["coordinator"]}, follow_redirects=False).status_code == 303


def test_the_gap_list_filters_and_opens_the_form_that_fixes_each_gap(client: TestClient) -> None:
    _sign_in(client)
    page = html.unescape(client.get("/coordination?lang=nl&gap_division=huy").text)
    gaps = page[page.index('<section id="gaps">') : page.index('<section id="map">')]
    assert "Verviers" not in re.sub(r"<(option|a)\b.*?</\1>", "", gaps, flags=re.S)
    assert not re.search(r">\s*(huy|liege|verviers)\s*<", gaps), "a division's code shown"
    assert (
        'action="/organisation#new-service"' in gaps and 'name="new_service_situation" value="forced-marriage"' in gaps
    )
    assert "/coordination/links?organisation=gp-h-6&lang=nl" in gaps
    pair = re.search(
        r'<select id="fix-a-\d+" name="organisation">(.*?)</select>.*?name="with">(.*?)</select>', gaps, re.S
    )
    assert pair and "Hôpital" in pair.group(1) and "Maison d'accueil" in pair.group(2)
    only = html.unescape(client.get("/coordination?lang=fr&gap_kind=stale").text)
    rows = re.findall(r'<tr data-kind="([^"]+)"', only)
    assert rows and set(rows) == {"stale"}
    assert "/organisation?organisation=" in only and "Vérifier la fiche" in only
    assert client.get("/coordination?gap_kind=<script>&gap_division=nope").status_code == 200
