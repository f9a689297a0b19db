"""Coordinators' analysis routes and commands: gaps, metrics, map, heatmap, report, exports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app as cli
from tests.api.conftest import DEMO, auth

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
