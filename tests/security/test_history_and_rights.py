"""Hidden stays hidden in history (the change log), and rights that match the field (issue 15, items 5 and 8).

Everything here is fictional: organisations of the demo directory and made-up strings.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from typer.testing import CliRunner

from api.bootstrap import build
from api.cli import app as cli
from api.http.app import create_app
from api.http.auth import SESSION_COOKIE, csrf_token
from api.keys import EndedSessions, key_digest
from api.settings import DEV_SECRET, ApiKey, Settings, get_settings
from graph.memory_store import MemoryStore
from graph.models import (
    Capacity,
    Cooperation,
    CooperationKind,
    Location,
    Organisation,
    ReferralFlow,
    Visibility,
)
from graph.reference import Reference
from graph.referral import Role
from graph.store import PURGED, REDACTED, GraphStore
from graph.usecases import Caller, DirectoryCases, NetworkCases
from graph.usecases.caller import LOADER
from tests.api.conftest import auth, demo_store, settings

SOURCE = "test (fictional)"
OLD_ADDRESS = "Adresse secrète fictive shelter-h-1"
NEW_ADDRESS = "Rue Imaginaire 99 (fictive)"
GP_TOKEN = "editor-gp-h-6-secret-token"
GHOST_TOKEN = "editor-ghost-secret-token"


def _settings(keys_file: Path | None = None) -> Settings:
    extra = [
        ApiKey(id="k-gp", role="editor", digest=key_digest(GP_TOKEN, DEV_SECRET), organisation_id="gp-h-6"),
        ApiKey(id="k-ghost", role="editor", digest=key_digest(GHOST_TOKEN, DEV_SECRET), organisation_id="ghost-org"),
    ]
    base = settings()
    update: dict[str, Any] = {"api_keys": [*base.api_keys, *extra]}
    if keys_file is not None:
        update["keys_file"] = keys_file
    return base.model_copy(update=update)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def demo(request: pytest.FixtureRequest, reference: Reference) -> GraphStore:
    """The demo directory, fresh, on each store."""
    if request.param == "memory":
        return demo_store(MemoryStore(), reference)
    server: GraphStore = request.getfixturevalue("neo4j_store")
    server.wipe()  # type: ignore[attr-defined]
    return demo_store(server, reference)


@pytest.fixture
def client(reference: Reference) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(), demo_store(MemoryStore(), reference))) as c:
        yield c


# --- item 5: hidden stays hidden in history -----------------------------------------------------------


def _relocated(store: GraphStore, reference: Reference, address: str, visibility: Visibility) -> None:
    """The coordination's loader moves the shelter's site (as `relais load` of an edited file would)."""
    site = store.get(Location, "shelter-h-1-site", clearance=Visibility.HIDDEN)
    moved = site.model_copy(update={"address": address, "latitude": 50.5, "visibility": visibility})
    DirectoryCases(store, reference).import_directory(LOADER, [moved], [])


def test_a_hidden_address_change_shows_in_the_audit_as_neither_old_nor_new(
    demo: GraphStore, reference: Reference
) -> None:
    _relocated(demo, reference, NEW_ADDRESS, Visibility.HIDDEN)
    with TestClient(create_app(_settings(), demo)) as c:
        log = c.get("/v1/audit", headers=auth("coordinator")).text
    assert OLD_ADDRESS not in log and NEW_ADDRESS not in log
    entry = next(e for e in json.loads(log) if e["entity_id"] == "shelter-h-1-site")
    assert entry["diff"]["address"] == [REDACTED, REDACTED] and entry["diff"]["latitude"] == [None, REDACTED]


def test_a_visibility_change_redacts_the_hidden_side_only(demo: GraphStore, reference: Reference) -> None:
    _relocated(demo, reference, "Rue Publique 1 (fictive)", Visibility.PUBLIC)
    made_public = demo.changes(limit=1)[0].diff
    assert made_public["address"] == (REDACTED, "Rue Publique 1 (fictive)")
    _relocated(demo, reference, NEW_ADDRESS, Visibility.HIDDEN)
    made_hidden = demo.changes(limit=1)[0].diff
    assert made_hidden["address"] == ("Rue Publique 1 (fictive)", REDACTED)
    assert NEW_ADDRESS not in json.dumps([c.model_dump(mode="json") for c in demo.changes(limit=500)])


def test_deleting_an_organisation_logs_what_went_with_it(demo: GraphStore, reference: Reference) -> None:
    coordinator = Caller(Role.COORDINATOR, key_id="k-coord", route="DELETE /v1/organisations/shelter-h-1")
    links = [x for x in NetworkCases(demo).links(coordinator, "shelter-h-1") if isinstance(x, Cooperation)]
    DirectoryCases(demo, reference).delete_organisation(coordinator, "shelter-h-1")
    logged = {(c.entity, c.entity_id): c for c in demo.changes(limit=100) if c.route == coordinator.route}
    assert ("Organisation", "shelter-h-1") in logged and ("Service", "shelter-h-1-svc") in logged
    site = logged[("Location", "shelter-h-1-site")]
    assert site.diff["address"] == (REDACTED, None) and site.diff["visibility"] == ("hidden", None)
    assert links and all(("COOPERATES_WITH", "/".join(x.key()[1:])) in logged for x in links)


def test_a_purge_replaces_every_value_holding_the_text_and_is_logged_without_it(
    demo: GraphStore, reference: Reference
) -> None:
    mistake = "Mme Fictivé-Exemple"  # a person's name typed by mistake (fictional, non-ASCII on purpose)
    editor = Caller(Role.EDITOR, key_id="k-edit", organisation_id="amb-h-1", route="PUT /v1/organisations/amb-h-1")
    cases = DirectoryCases(demo, reference)
    org = demo.get(Organisation, "amb-h-1")
    cases.save_organisation(editor, org.model_copy(update={"description": f"Suivi de {mistake} ce mardi"}))
    cases.save_organisation(editor, org.model_copy(update={"description": "Accueil (fictif)"}))
    coordinator = Caller(Role.COORDINATOR, key_id="k-coord", route="POST /v1/audit/purge")
    with pytest.raises(Exception, match="coordinator"):
        NetworkCases(demo).purge_changes(editor, mistake)
    assert NetworkCases(demo).purge_changes(coordinator, mistake) == 2
    log = demo.changes(limit=500)
    text = json.dumps([c.model_dump(mode="json") for c in log], ensure_ascii=False)
    assert mistake not in text and json.dumps(mistake)[1:-1] not in text
    assert [c.diff["description"] for c in log[1:3]] == [(PURGED, "Accueil (fictif)"), (org.description, PURGED)]
    assert (log[0].action, log[0].entity, log[0].diff) == ("purge", "Change", {"entries": (None, 2)})


def test_purge_route_is_for_coordinators_and_logs_no_value(client: TestClient) -> None:
    org = client.get("/v1/organisations/amb-h-1").json()
    titled = org | {"description": "Note sur Mme Zzyzx (fictif)"}  # a title and a name: refused before the log
    assert client.put("/v1/organisations/amb-h-1", json=titled, headers=auth("editor")).status_code == 422
    # a name alone slips past the person-data check (graph/privacy.py): the purge is the remedy
    client.put(
        "/v1/organisations/amb-h-1", json=org | {"description": "Note sur Zzyzx (fictif)"}, headers=auth("editor")
    )
    body = {"text": "Zzyzx"}
    assert client.post("/v1/audit/purge", json=body).status_code == 401
    assert client.post("/v1/audit/purge", json=body, headers=auth("editor")).status_code == 403
    done = client.post("/v1/audit/purge", json=body, headers=auth("coordinator"))
    assert done.status_code == 200 and done.json() == {"purged": 1}
    log = client.get("/v1/audit", headers=auth("coordinator")).text
    assert "Zzyzx" not in log and PURGED in log
    assert client.post("/v1/audit/purge", json={"text": "ab"}, headers=auth("coordinator")).status_code == 422


# --- item 8: authorisation that matches the field -------------------------------------------------------


LINK = {"kind": "cooperation", "from": "amb-h-1", "to": "gp-h-6", "source": SOURCE}


def _linked(c: TestClient, org: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = c.get(f"/v1/links?organisation_id={org}", headers=headers).json()
    return [x for x in found if {x["from"], x["to"]} == {"amb-h-1", "gp-h-6"}]


def test_a_cooperation_declared_by_one_end_waits_for_the_other(client: TestClient) -> None:
    assert client.post("/v1/links", json=LINK, headers=auth("editor")).status_code == 201
    assert _linked(client, "amb-h-1", {}) == []  # pending: not for the public
    assert _linked(client, "amb-h-1", auth("editor_b")) == []  # nor for a third organisation
    mine = _linked(client, "amb-h-1", auth("editor"))
    assert [(x["status"], x["requested_by"]) for x in mine] == [("pending", "amb-h-1")]
    assert _linked(client, "gp-h-6", bearer(GP_TOKEN))[0]["status"] == "pending"
    partners = client.get("/v1/organisations/amb-h-1/partners").json()
    assert "gp-h-6" not in {p["id"] for p in partners}
    assert client.get("/v1/paths?from=amb-h-1&to=gp-h-6&max_hops=1").json() == []
    kumu = client.get("/v1/export?format=kumu", headers=auth("professional")).text
    assert "gp-h-6" not in {line.split(",")[1] for line in kumu.splitlines() if line.startswith("amb-h-1,")}
    # posting it again from the same end changes nothing; the other end confirms it
    assert client.post("/v1/links", json=LINK, headers=auth("editor")).json()["unchanged"] == 1
    assert client.post("/v1/links", json=LINK, headers=bearer(GP_TOKEN)).json()["updated"] == 1
    assert [x["status"] for x in _linked(client, "amb-h-1", {})] == ["confirmed"]
    assert "gp-h-6" in {p["id"] for p in client.get("/v1/organisations/amb-h-1/partners").json()}


def test_a_coordinators_cooperation_is_confirmed_at_once(client: TestClient) -> None:
    assert client.post("/v1/links", json=LINK, headers=auth("coordinator")).status_code == 201
    assert [x["status"] for x in _linked(client, "amb-h-1", {})] == ["confirmed"]


def test_pending_links_are_left_out_of_the_partner_tree_and_the_snapshot(demo: GraphStore) -> None:
    editor = Caller(Role.EDITOR, key_id="k-edit", organisation_id="amb-h-1", route="POST /v1/links")
    link = Cooperation(a="amb-h-1", b="gp-h-6", cooperation=CooperationKind.PROTOCOL, source=SOURCE)
    NetworkCases(demo).add_link(editor, link)
    assert "gp-h-6" not in demo.partners("amb-h-1", 1)
    assert not demo.snapshot().has_edge("amb-h-1", "gp-h-6")
    assert all(len(p) > 2 for p in demo.paths("amb-h-1", "gp-h-6", max_hops=3))
    other_end = Caller(Role.EDITOR, key_id="k-gp", organisation_id="gp-h-6", route="POST /v1/links")
    NetworkCases(demo).add_link(other_end, link)
    assert demo.partners("amb-h-1", 1)["gp-h-6"] == 1 and demo.snapshot().has_edge("amb-h-1", "gp-h-6")
    assert demo.paths("amb-h-1", "gp-h-6", max_hops=3) == [["amb-h-1", "gp-h-6"]]


def test_referral_counts_only_from_the_sending_side(client: TestClient) -> None:
    flow = {"kind": "referral", "from": "gp-h-6", "to": "amb-h-1", "period": "2025", "count": 7, "source": SOURCE}
    assert client.post("/v1/links", json=flow, headers=auth("editor")).status_code == 403
    assert client.post("/v1/links", json=flow, headers=bearer(GP_TOKEN)).status_code == 201
    assert client.request("DELETE", "/v1/links", json=flow, headers=auth("editor")).status_code == 403
    assert (
        client.post("/v1/links", json=flow | {"from": "amb-h-1", "to": "gp-h-6"}, headers=auth("editor")).status_code
        == 201
    )


def test_parent_is_set_by_coordinators_only(client: TestClient) -> None:
    org = client.get("/v1/organisations/amb-h-1").json()
    refused = client.put("/v1/organisations/amb-h-1", json=org | {"parent": "amb-h-2"}, headers=auth("editor"))
    assert refused.status_code == 403 and "parent" in refused.json()["detail"]
    assert (
        client.put("/v1/organisations/amb-h-1", json=org | {"name": "Nom (fictif)"}, headers=auth("editor")).status_code
        == 200
    )
    ok = client.put("/v1/organisations/amb-h-1", json=org | {"parent": "amb-h-2"}, headers=auth("coordinator"))
    assert ok.status_code == 200


@pytest.mark.parametrize("role", ["editor", "coordinator"])
def test_another_organisations_location_answers_like_an_unknown_one(client: TestClient, role: str) -> None:
    def attach(location: str, service_id: str) -> tuple[int, str]:
        body: dict[str, object] = {"id": service_id, "organisation_id": "amb-h-1", "name": "Permanence (fictive)"}
        body |= {"source": SOURCE, "situations": ["partner-violence"]}
        answer = client.post("/v1/services", json=body | {"location_ids": [location]}, headers=auth(role))
        return answer.status_code, answer.json()["detail"].replace(location, "X")

    hidden = attach("shelter-h-1-site", "amb-h-1-new")
    public = attach("amb-l-1-site", "amb-h-1-new")
    unknown = attach("no-such-site", "amb-h-1-new")
    assert hidden == public == unknown and unknown[0] == 409, (hidden, public, unknown)
    service = client.get("/v1/services/amb-h-1-svc").json()
    moved = client.put(
        "/v1/services/amb-h-1-svc", json=service | {"location_ids": ["shelter-h-1-site"]}, headers=auth(role)
    )
    assert moved.status_code == 409 and "shelter-h-1-site" in moved.json()["detail"]
    own = client.put("/v1/services/amb-h-1-svc", json=service | {"location_ids": ["amb-h-1-site"]}, headers=auth(role))
    assert own.status_code == 200


def test_a_key_bound_to_a_missing_organisation_cannot_create_it(client: TestClient) -> None:
    ghost = {
        "id": "ghost-org",
        "name": "Fantôme (fictif)",
        "type": "shelter",
        "sector": "associative",
        "source": SOURCE,
    }
    assert client.post("/v1/organisations", json=ghost, headers=bearer(GHOST_TOKEN)).status_code == 403
    assert client.post("/v1/organisations", json=ghost, headers=auth("coordinator")).status_code == 201


def test_editor_keys_only_for_existing_organisations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference: Reference
) -> None:
    monkeypatch.setenv("RELAIS_KEYS_FILE", str(tmp_path / "keys.json"))
    monkeypatch.delenv("RELAIS_NEO4J_URI", raising=False)
    get_settings.cache_clear()
    served = demo_store(MemoryStore(), reference)  # the directory `relais serve` would serve
    monkeypatch.setattr("api.cli._relais", lambda *_, **__: build(_settings(), served))
    try:
        runner = CliRunner()
        refused = runner.invoke(cli, ["keys", "create", "--role", "editor", "--org", "no-such-org"])
        assert refused.exit_code == 1 and "no-such-org" in refused.output
        assert not (tmp_path / "keys.json").exists()
        made = runner.invoke(cli, ["keys", "create", "--role", "editor", "--org", "amb-h-1"])
        assert made.exit_code == 0, made.output
    finally:
        get_settings.cache_clear()


def test_logout_ends_the_session_on_the_server(tmp_path: Path, reference: Reference) -> None:
    app_settings = _settings(tmp_path / "keys.json")
    with TestClient(create_app(app_settings, demo_store(MemoryStore(), reference))) as c:
        c.post("/login", data={"key": "coord-secret-token"}, follow_redirects=False)
        cookie = c.cookies[SESSION_COOKIE]
        assert c.get("/coordination", follow_redirects=False).status_code == 200
        out = c.post("/logout", data={"csrf": csrf_token(cookie, app_settings)}, follow_redirects=False)
        assert out.status_code == 303
    with TestClient(create_app(app_settings, demo_store(MemoryStore(), reference))) as replay:
        replay.cookies.set(SESSION_COOKIE, cookie)
        assert replay.get("/coordination", follow_redirects=False).status_code == 303  # anonymous: to sign-in
        assert replay.get("/v1/audit").status_code == 403
    ended = json.loads((tmp_path / "keys.json.sessions").read_text())
    assert len(ended) == 1 and EndedSessions(tmp_path / "keys.json").ended(next(iter(ended)))  # other processes
    assert (tmp_path / "keys.json.sessions").stat().st_mode & 0o077 == 0


def test_future_verification_dates_are_refused(client: TestClient) -> None:
    future = (date.today() + timedelta(days=1)).isoformat()  # at run time: a run may cross midnight
    org = client.get("/v1/organisations/amb-h-1").json()
    service = client.get("/v1/services/amb-h-1-svc").json()
    for method, path, body in [
        ("PUT", "/v1/organisations/amb-h-1", org | {"verified_at": "9999-12-31"}),
        ("PUT", "/v1/services/amb-h-1-svc", service | {"verified_at": future}),
        ("POST", "/v1/links", LINK | {"verified_at": future}),
    ]:
        answer = client.request(method, path, json=body, headers=auth("coordinator"))
        assert answer.status_code == 422 and "verified_at" in answer.text, (path, answer.text)


def test_out_of_range_integers_are_refused_on_both_stores(demo: GraphStore) -> None:
    with TestClient(create_app(_settings(), demo)) as c:
        flow = {"kind": "referral", "from": "amb-h-1", "to": "gp-h-6", "period": "2025", "source": SOURCE}
        huge = c.post("/v1/links", json=flow | {"count": 2**63}, headers=auth("coordinator"))
        assert huge.status_code == 422 and "1000000" in huge.text, huge.text
        service = c.get("/v1/services/amb-h-1-svc").json()
        places = {"available": 1, "total": 2**31, "updated_at": date.today().isoformat()}
        answer = c.put("/v1/services/amb-h-1-svc", json=service | {"capacity": places}, headers=auth("coordinator"))
        assert answer.status_code == 422 and "1000000" in answer.text, answer.text
        assert c.post("/v1/links", json=flow | {"count": 1_000_000}, headers=auth("coordinator")).status_code == 201
    with pytest.raises(ValidationError, match="1000000"):
        Capacity(available=0, total=1_000_001, updated_at=date.today())
    with pytest.raises(ValidationError, match="1000000"):
        ReferralFlow(from_id="a", to_id="b", period="2025", count=2**63, source=SOURCE)
