"""Limits, security headers, the audit trail, API keys, and Cypher that is never built from request data."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app as cli
from api.http.app import create_app
from api.settings import DEV_SECRET, Settings, get_settings
from graph.memory_store import MemoryStore
from graph.reference import load_reference
from tests.api.conftest import auth, demo_store, settings

ROOT = Path(__file__).resolve().parents[2]


def test_body_size_cap(client: TestClient) -> None:
    big = {"id": "x", "name": "y" * 2_000_000}
    response = client.post("/v1/organisations", json=big, headers=auth("coordinator"))
    assert response.status_code == 413 and response.headers["content-type"] == "application/problem+json"


def test_public_search_rate_limit_per_client() -> None:
    limited = settings().model_copy(update={"public_searches_per_minute": 5})
    with TestClient(create_app(limited, demo_store(MemoryStore(), load_reference()))) as c:
        codes = [c.get("/v1/referrals?situation=fgm&division=huy").status_code for _ in range(8)]
        assert codes[:5] == [200] * 5 and codes[5:] == [429] * 3
        assert c.get("/v1/referrals?situation=fgm&division=huy", headers=auth("professional")).status_code == 200
        assert c.get("/v1/taxonomy").status_code == 200  # only searches are limited


def test_security_headers_on_pages(client: TestClient) -> None:
    page = client.get("/")
    assert "frame-ancestors 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "SAMEORIGIN"
    assert "content-security-policy" not in client.get("/v1/divisions").headers


def test_page_sizes_and_hops_are_capped(client: TestClient) -> None:
    assert client.get("/v1/organisations?limit=201").status_code == 422
    assert client.get("/hsds/services?per_page=201").status_code == 200  # HSDS: brought within 200 (issue 19)
    assert client.get("/v1/paths?from=amb-h-1&to=amb-h-2&max_hops=7").status_code == 422


def test_every_write_is_audited_with_route_and_diff(client: TestClient) -> None:
    org = client.get("/v1/organisations/amb-h-1").json()
    org["name"] = "Nom changé (fictif)"
    client.put("/v1/organisations/amb-h-1", json=org, headers=auth("editor"))
    link = {"kind": "cooperation", "from": "amb-h-1", "to": "gp-h-6", "source": "test"}
    client.post("/v1/links", json=link, headers=auth("editor"))
    assert client.get("/v1/audit", headers=auth("editor")).status_code == 403
    log = client.get("/v1/audit?limit=2", headers=auth("coordinator")).json()
    assert [(e["key_id"], e["route"], e["action"]) for e in log] == [
        ("k-edit", "POST /v1/links", "create"),
        ("k-edit", "PUT /v1/organisations/amb-h-1", "update"),
    ]
    assert log[1]["diff"] == {"name": ["Service d'aide Exemple-Mehaigne 1", "Nom changé (fictif)"]}
    assert "gp-h-6" in json.dumps(log[0]["diff"])


def test_keys_created_shown_once_stored_hashed_revoked_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keys_file = tmp_path / "keys.json"
    monkeypatch.setenv("RELAIS_KEYS_FILE", str(keys_file))
    monkeypatch.delenv("RELAIS_NEO4J_URI", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()
    created = runner.invoke(cli, ["keys", "create", "--role", "coordinator", "--label", "Coordination (test)"])
    get_settings.cache_clear()
    assert created.exit_code == 0, created.output
    token = next(w for w in created.output.split() if w.startswith("rk_"))
    key_id = next(w for w in created.output.split() if w.startswith("k-"))
    assert token not in keys_file.read_text() and keys_file.stat().st_mode & 0o077 == 0
    assert token not in runner.invoke(cli, ["keys", "list"]).output
    bad = runner.invoke(cli, ["keys", "create", "--role", "editor"])
    assert bad.exit_code == 1 and "--org" in bad.output
    app_settings = Settings(neo4j_uri=None, keys_file=keys_file, public_searches_per_minute=0)
    with TestClient(create_app(app_settings, demo_store(MemoryStore(), load_reference()))) as c:
        bearer = {"Authorization": f"Bearer {token}"}
        assert c.get("/v1/audit", headers=bearer).status_code == 200
        c.post("/login", data={"key": token}, follow_redirects=False)
        assert c.get("/coordination", follow_redirects=False).status_code == 200
        assert runner.invoke(cli, ["keys", "revoke", key_id]).exit_code == 0
        assert c.get("/v1/audit", headers=bearer).status_code == 401
        assert c.get("/coordination", follow_redirects=False).status_code == 303  # the session died with its key
    get_settings.cache_clear()


def test_placeholder_secret_refused_in_production() -> None:
    with pytest.raises(ValueError, match="RELAIS_SECRET_KEY"):
        Settings(environment="production", secret_key=DEV_SECRET)
    assert Settings(environment="production", secret_key="x" * 40).environment == "production"


def _constant(node: ast.expr, module: ast.Module) -> bool:
    """A constant, a constant of the module itself, or an operation on constants (`A + B * 6`)."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        defined = {t.id for n in module.body if isinstance(n, ast.AnnAssign | ast.Assign) for t in _targets(n)}
        return node.id in defined
    if isinstance(node, ast.BinOp):
        return _constant(node.left, module) and _constant(node.right, module)
    return False


def _targets(node: ast.AnnAssign | ast.Assign) -> list[ast.Name]:
    targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
    return [t for t in targets if isinstance(t, ast.Name)]


def test_no_cypher_is_built_from_request_data() -> None:
    """Only graph/cypher.py holds Cypher, as plain string constants; the adapter only passes them on."""
    cypher = ast.parse((ROOT / "graph" / "cypher.py").read_text())
    for node in ast.walk(cypher):
        assert not isinstance(node, ast.JoinedStr), f"f-string in cypher.py line {node.lineno}"
        assert not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") in {"format", "join", "replace"})
        if isinstance(node, ast.BinOp):
            assert _constant(node, cypher), f"Cypher built from something else than constants, line {node.lineno}"
    adapter = ast.parse((ROOT / "graph" / "neo4j_store.py").read_text())
    for call in (n for n in ast.walk(adapter) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "run"):
        query = call.args[0]
        assert (
            (isinstance(query, ast.Attribute) and getattr(query.value, "id", "") == "cypher")
            or (isinstance(query, ast.Subscript) and getattr(getattr(query.value, "value", None), "id", "") == "cypher")
            or (isinstance(query, ast.Name) and query.id in {"text", "statement"})
        ), ast.unparse(call)
    for path in [*ROOT.glob("api/*.py"), *ROOT.glob("graph/*.py"), *ROOT.glob("loaders/*.py"), *ROOT.glob("viz/*.py")]:
        if path.name not in {"cypher.py"}:
            text = path.read_text()
            assert not any(w in text for w in ("MATCH (", "MERGE (", "DETACH DELETE")), path


def test_an_installation_signs_with_its_own_secret(tmp_path: Path) -> None:
    """Nobody can forge a session with a secret written in the code: without RELAIS_SECRET_KEY, an
    installation makes its own (mode 600) and keeps it across restarts."""
    keys_file = tmp_path / "var" / "keys.json"
    first = Settings(neo4j_uri=None, keys_file=keys_file).secret_key.get_secret_value()
    assert first != DEV_SECRET and len(first) >= 40
    assert (tmp_path / "var" / "secret.key").stat().st_mode & 0o077 == 0
    assert Settings(neo4j_uri=None, keys_file=keys_file).secret_key.get_secret_value() == first
    assert Settings(neo4j_uri=None, keys_file=tmp_path / "other" / "keys.json").secret_key.get_secret_value() != first
