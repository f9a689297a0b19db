"""Keys in the dashboard (issue 17, item 5): a coordinator creates a key (shown once), lists and revokes keys,
through the same KeyRing and rules as `relais keys`."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from api.http.app import create_app
from api.http.auth import PUBLIC, SESSION_COOKIE, session_cookie, who_is
from api.keys import KeyRing
from api.settings import Settings
from graph.memory_store import MemoryStore
from graph.reference import Reference
from tests.api.conftest import KEYS, TOKENS, csrf_of, demo_store, settings


def keys_settings(keys_file: Path) -> Settings:
    return settings().model_copy(update={"keys_file": keys_file})


@pytest.fixture
def keys_file(tmp_path: Path) -> Path:
    return tmp_path / "keys.json"


@pytest.fixture
def app_client(reference: Reference, keys_file: Path) -> Iterator[TestClient]:
    with TestClient(create_app(keys_settings(keys_file), demo_store(MemoryStore(), reference))) as c:
        yield c


def sign_in(client: TestClient, token: str) -> None:
    answer = client.post("/login", data={"key": token}, follow_redirects=False)
    assert answer.status_code == 303, answer.text


def keys_page(client: TestClient, lang: str = "fr") -> str:
    page = client.get(f"/coordination/keys?lang={lang}")
    assert page.status_code == 200, page.text
    return str(page.text)


def create(client: TestClient, **form: str) -> tuple[int, str]:
    token = csrf_of(keys_page(client))
    answer = client.post("/coordination/keys", data={"csrf": token, **form})
    return answer.status_code, answer.text


def shown_key(page: str) -> str:
    found = re.search(r'id="new-key-value" readonly value="([^"]+)"', page)
    assert found, "the new key is not on the page"
    return html.unescape(found.group(1))


def test_a_coordinator_creates_an_editor_key_shown_once_and_listed_without_it(
    app_client: TestClient, keys_file: Path
) -> None:
    sign_in(app_client, TOKENS["coordinator"])
    status, page = create(app_client, role="editor", organisation="shelter-h-1", label="Accueil de nuit")
    assert status == 200
    token = shown_key(page)
    assert token.startswith("rk_")
    assert "elle ne sera plus jamais affichée" in page
    assert 'id="copy-key"' in page and "/static/keys.js" in page
    (stored,) = KeyRing(keys_file).all()
    assert stored.role == "editor" and stored.organisation_id == "shelter-h-1" and stored.label == "Accueil de nuit"
    assert token not in keys_file.read_text()
    listed = keys_page(app_client)
    assert token not in listed and stored.id in listed
    assert "Accueil de nuit" in listed and "Éditeur d&#39;une organisation" in listed
    assert app_client.get("/static/keys.js").status_code == 200
    with TestClient(app_client.app) as fresh:
        answer = fresh.post("/login", data={"key": token}, follow_redirects=False)
        assert answer.headers["location"].startswith("/organisation")


def test_an_unknown_organisation_is_refused_next_to_the_field_with_the_label_kept(
    app_client: TestClient, keys_file: Path
) -> None:
    sign_in(app_client, TOKENS["coordinator"])
    status, page = create(app_client, role="editor", organisation="no-such-org", label="Service de garde")
    assert status == 422
    assert 'id="error-organisation"' in page
    assert "Aucune organisation «no-such-org» dans l&#39;annuaire" in page
    assert 'value="Service de garde"' in page
    status, page = create(app_client, role="editor", organisation="", label="x")
    assert status == 422 and "choisissez-la" in page
    status, page = create(app_client, role="root", organisation="", label="x")
    assert status == 422 and 'id="error-role"' in page
    assert KeyRing(keys_file).all() == []


@pytest.mark.parametrize("role", ["professional", "editor"])
def test_only_a_coordinator_manages_keys(app_client: TestClient, keys_file: Path, role: str) -> None:
    sign_in(app_client, TOKENS[role])
    assert app_client.get("/coordination/keys", follow_redirects=False).status_code == 303
    cookie = app_client.cookies[SESSION_COOKIE]
    forged = csrf_of(app_client.get("/").text)
    assert app_client.cookies[SESSION_COOKIE] == cookie
    form = {"csrf": forged, "role": "coordinator", "organisation": "", "label": "x"}
    assert app_client.post("/coordination/keys", data=form).status_code == 403
    assert KeyRing(keys_file).all() == []


def test_the_forms_need_the_csrf_token(app_client: TestClient, keys_file: Path) -> None:
    sign_in(app_client, TOKENS["coordinator"])
    form = {"role": "professional", "organisation": "", "label": "x"}
    assert app_client.post("/coordination/keys", data=form).status_code == 403
    assert app_client.post("/coordination/keys", data={**form, "csrf": "forged"}).status_code == 403
    status, _ = create(app_client, **form)
    assert status == 200
    (key,) = KeyRing(keys_file).all()
    answer = app_client.post(f"/coordination/keys/{key.id}/revoke", data={"confirm": "yes"})
    assert answer.status_code == 403
    assert KeyRing(keys_file).active() == [key]


def test_revoking_needs_a_confirmation_and_ends_the_sessions_at_once(app_client: TestClient, keys_file: Path) -> None:
    sign_in(app_client, TOKENS["coordinator"])
    _, page = create(app_client, role="editor", organisation="shelter-h-1", label="Accueil")
    token = shown_key(page)
    (key,) = KeyRing(keys_file).all()
    with TestClient(app_client.app) as editor:
        sign_in(editor, token)
        assert editor.get("/organisation", follow_redirects=False).status_code == 200
        csrf = csrf_of(keys_page(app_client))
        unconfirmed = app_client.post(f"/coordination/keys/{key.id}/revoke", data={"csrf": csrf})
        assert unconfirmed.status_code == 422 and "Cochez « je confirme »" in unconfirmed.text
        assert editor.get("/organisation", follow_redirects=False).status_code == 200
        done = app_client.post(f"/coordination/keys/{key.id}/revoke?lang=nl", data={"csrf": csrf, "confirm": "yes"})
        assert done.status_code == 200 and f"Sleutel {key.id} ingetrokken" in done.text
        assert editor.get("/organisation", follow_redirects=False).headers["location"].startswith("/login")
    (revoked,) = KeyRing(keys_file).all()
    assert revoked.revoked_at is not None
    assert f'id="confirm-{key.id}"' not in keys_page(app_client)
    assert app_client.post("/login", data={"key": token}).status_code == 401


def test_the_keys_page_speaks_four_languages(app_client: TestClient) -> None:
    sign_in(app_client, TOKENS["coordinator"])
    words = {"fr": "Clés d&#39;accès", "nl": "Toegangssleutels", "de": "Zugangsschlüssel", "en": "Access keys"}
    for lang, title in words.items():
        page = keys_page(app_client, lang)
        assert f"<h1>{title}</h1>" in page
        if lang != "fr":
            assert "jamais le nom d&#39;une personne" not in page
    dashboard = Path(__file__).resolve().parents[2] / "api" / "templates" / "coordination.html"
    assert 'href="/coordination/keys?lang={{ lang }}"' in dashboard.read_text(encoding="utf-8")


def _request(method: str, path: str, cookie: str, app: object) -> Request:
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": b"",
        "headers": [(b"cookie", f"{SESSION_COOKIE}={cookie}".encode())],
        "app": app,
    }
    return Request(scope)


def test_a_session_cookie_writes_only_on_the_pages(app_client: TestClient) -> None:
    """The cookie writes under /coordination, /organisation and /logout; never the /v1 API nor other paths."""
    cookie = session_cookie(KEYS["editor"], app_client.app.state.settings)  # type: ignore[attr-defined]
    app = app_client.app
    for path in ("/organisation", "/organisation/places/x", "/coordination/keys", "/logout"):
        assert who_is(_request("POST", path, cookie, app)).key_id == "k-edit", path
    for path in ("/v1/organisations", "/v1/organisations/amb-h-1", "/organisations", "/organisationx", "/v1/links"):
        assert who_is(_request("POST", path, cookie, app)) == PUBLIC, path
    assert who_is(_request("GET", "/v1/organisations", cookie, app)).key_id == "k-edit"
    app_client.cookies.set(SESSION_COOKIE, cookie)
    assert app_client.post("/v1/organisations", json={}).status_code == 401
