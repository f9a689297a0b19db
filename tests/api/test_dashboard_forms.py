"""The dashboard's forms through HTTP: a stale save is refused, shows what changed, keeps what was typed."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from tests.api.conftest import TOKENS


def _signed_in(client: TestClient) -> None:
    answer = client.post("/login", data={"key": TOKENS["coordinator"]}, follow_redirects=False)
    assert answer.status_code == 303, answer.text


def _hidden(page: str, name: str, form_action: str) -> str:
    form = page[page.index(f'action="{form_action}"') :]
    found = re.search(rf'name="{name}" value="([^"]*)"', form)
    assert found, f"no {name} in the form {form_action}"
    return html.unescape(found.group(1))


def _organisation_form(client: TestClient) -> dict[str, str]:
    page = client.get("/coordination?organisation=amb-h-1").text
    action = "/coordination/organisations/amb-h-1"
    return {
        "csrf": _hidden(page, "csrf", action),
        "version": _hidden(page, "version", action),
        "name": "Service d'aide Exemple-Mehaigne 1",
        "type": "specialised-ambulatory",
        "status": "active",
        "website": "",
        "source": "Relais — réseau de démonstration FICTIF (fictional demo network)",
        "verified_at": "",
    }


def test_a_stale_dashboard_save_is_refused_and_keeps_what_was_typed(client: TestClient) -> None:
    _signed_in(client)
    first = _organisation_form(client)
    second = dict(first)  # a second coordinator opened the same record at the same time
    first["description"] = "Permanence le mardi matin (saisie A)"
    saved = client.post("/coordination/organisations/amb-h-1", data=first, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    second["description"] = "Permanence le jeudi soir (saisie B)"
    refused = client.post("/coordination/organisations/amb-h-1", data=second)
    assert refused.status_code == 412
    page = html.unescape(refused.text)
    assert "changed meanwhile" in page and "Permanence le mardi matin (saisie A)" in page  # what changed
    assert "Permanence le jeudi soir (saisie B)</textarea>" in page  # what B typed is still in the form
    assert client.get("/v1/organisations/amb-h-1").json()["description"] == "Permanence le mardi matin (saisie A)"
    # B saw the difference; saving again now sends the current version and wins
    again = dict(second, version=_hidden(refused.text, "version", "/coordination/organisations/amb-h-1"))
    assert client.post("/coordination/organisations/amb-h-1", data=again, follow_redirects=False).status_code == 303
    assert client.get("/v1/organisations/amb-h-1").json()["description"] == "Permanence le jeudi soir (saisie B)"


def test_a_refused_dashboard_save_keeps_what_was_typed(client: TestClient) -> None:
    """A bad website: the message names the field and the rest of what was typed stays in the form."""
    _signed_in(client)
    form = _organisation_form(client) | {"website": "pas une url", "description": "Texte tapé à garder (fictif)"}
    refused = client.post("/coordination/organisations/amb-h-1", data=form)
    assert refused.status_code == 422
    page = html.unescape(refused.text)
    assert "website" in page and "Texte tapé à garder (fictif)</textarea>" in page and 'value="pas une url"' in page


def test_a_refused_link_keeps_what_was_typed(client: TestClient) -> None:
    _signed_in(client)
    page = client.get("/coordination?organisation=amb-h-1").text
    form = {
        "csrf": _hidden(page, "csrf", "/coordination/links"),
        "from": "amb-h-1",
        "to": "gp-h-6",
        "cooperation": "protocol",
        "source": "Réunion de plateforme (fictive)\u0007",  # a control character: refused
    }
    refused = client.post("/coordination/links", data=form)
    assert refused.status_code == 422
    page = html.unescape(refused.text)
    assert 'value="Réunion de plateforme (fictive)' in page
    assert '<option value="gp-h-6" selected>' in page and '<option value="protocol" selected>protocole</option>' in page
