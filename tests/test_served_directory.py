"""`make run` serves what the user loaded, from the one SQLite file every command uses (issue 15, item 1
and 2): `relais load data/liege` then the app serves Liège, not the demo; an edit through the API survives
a restart; with `relais serve --workers 2`, an edit is in every one of the 20 reads right after it."""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.bootstrap import Served
from api.cli import app as cli
from api.http.app import create_app
from api.settings import DEV_SECRET, Settings, get_settings
from tests.api.conftest import DEMO, KEYS, auth, settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def store_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "relais.db"
    monkeypatch.setenv("RELAIS_STORE_FILE", str(path))
    monkeypatch.setenv("RELAIS_DATA_DIR", str(DEMO))
    monkeypatch.delenv("RELAIS_NEO4J_URI", raising=False)
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def on_file(path: Path) -> Settings:
    """The tests' API settings (keys, no rate limit) over the store file, as `make run` would open it."""
    return settings().model_copy(update={"store_file": path})


def test_loaded_directory_is_served_not_the_demo(store_file: Path) -> None:
    loaded = CliRunner().invoke(cli, ["load", str(ROOT / "data" / "liege")], env={"COLUMNS": "200"})
    assert loaded.exit_code == 0, loaded.output
    assert "Arrondissement judiciaire de Liège" in loaded.output and f"SQLite {store_file}" in loaded.output
    with TestClient(create_app(on_file(store_file))) as client:
        served = client.app.state.relais.served  # type: ignore[attr-defined]
        assert served == Served(
            name="Arrondissement judiciaire de Liège (data/liege)", fictional=False, store=f"SQLite {store_file}"
        )
        ids = {o["id"] for o in client.get("/v1/organisations", params={"limit": 200}).json()}
    with (ROOT / "data" / "liege" / "organisations.csv").open(encoding="utf-8") as f:
        liege = {row["id"] for row in csv.DictReader(f)}
    assert ids == liege and "amb-h-1" not in ids, "the demo must not be seeded into a loaded store"


def test_an_edit_through_the_api_survives_a_restart(store_file: Path) -> None:
    with TestClient(create_app(on_file(store_file))) as client:
        served = client.app.state.relais.served  # type: ignore[attr-defined]
        assert served.fictional and served.name == "Démonstration (data/demo)"
        org = client.get("/v1/organisations/amb-h-1").json()
        saved = client.put(
            "/v1/organisations/amb-h-1",
            json={**org, "name": "Nom après redémarrage (fictif)"},
            headers=auth("coordinator"),
        )
        assert saved.status_code == 200, saved.text
    with TestClient(create_app(on_file(store_file))) as again:
        assert again.get("/v1/organisations/amb-h-1").json()["name"] == "Nom après redémarrage (fictif)"
        assert again.app.state.relais.served.fictional  # type: ignore[attr-defined]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_with_two_workers_shows_an_edit_in_the_next_twenty_reads(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "RELAIS_STORE_FILE": str(tmp_path / "relais.db"),
        "RELAIS_DATA_DIR": str(DEMO),
        "RELAIS_NEO4J_URI": "",
        "RELAIS_PUBLIC_SEARCHES_PER_MINUTE": "0",
        "RELAIS_API_KEYS": json.dumps([KEYS["coordinator"].model_dump(mode="json")]),
        "RELAIS_KEYS_FILE": str(tmp_path / "keys.json"),
        "RELAIS_SECRET_KEY": DEV_SECRET,  # the key above is a digest under it
        "COLUMNS": "200",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:  # ready: both workers warm (api/http/warming.py), not only the first
            try:
                if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        for round_ in range(2):
            org = httpx.get(f"{base}/v1/organisations/amb-h-1", timeout=5).json()
            name = f"Nom fictif, tour {round_}"
            put = httpx.put(
                f"{base}/v1/organisations/amb-h-1", json={**org, "name": name}, headers=auth("coordinator"), timeout=5
            )
            assert put.status_code == 200, put.text
            # a new connection per read: the kernel hands them to either worker
            names = [httpx.get(f"{base}/v1/organisations/amb-h-1", timeout=5).json()["name"] for _ in range(20)]
            assert names == [name] * 20
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert "Démonstration (data/demo)" in output and "données fictives" in output, output
    assert f"SQLite {tmp_path / 'relais.db'}" in " ".join(output.split()), output
