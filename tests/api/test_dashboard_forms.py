"""The dashboard's edit section: an organisation picker sorted by name (accents aside) that opens the
organisation's page, and the way to create one; no crude form of codes is left."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from api.http.routers.pages.common import folded
from tests.api.conftest import TOKENS


def _signed_in(client: TestClient) -> None:
    answer = client.post("/login", data={"key": TOKENS["coordinator"]}, follow_redirects=False)
    assert answer.status_code == 303, answer.text


def _organisation_form(client: TestClient) -> dict[str, str]:
    """amb-h-1's record form as its page fills it (tests/api/test_person_data_refused.py types into it)."""
    page = client.get("/organisation?organisation=amb-h-1").text
    form = page[page.index('action="/coordination/organisations/amb-h-1') :]

    def hidden(name: str) -> str:
        found = re.search(rf'name="{name}" value="([^"]*)"', form)
        assert found, name
        return html.unescape(found.group(1))

    return {
        "csrf": hidden("csrf"),
        "version": hidden("version"),
        "name": "Service d'aide Exemple-Mehaigne 1",
        "type": "specialised-ambulatory",
        "status": "active",
        "website": "",
        "source": "Relais — réseau de démonstration FICTIF (fictional demo network)",
        "verified_at": "",
    }


def test_the_dashboard_picks_organisations_by_name(client: TestClient) -> None:
    _signed_in(client)
    page = client.get("/coordination?lang=nl").text
    section = page[page.index('id="edit"') : page.index('id="changes"')]
    names = [html.unescape(n) for n in re.findall(r'name="organisation" value="[^"]*"[^>]*> ([^<]*)</label>', section)]
    assert len(names) > 100
    assert names == sorted(names, key=folded)
    assert 'type="search"' in section and 'action="/organisation"' in section
    assert 'href="/coordination/organisations/new?lang=nl"' in section
    assert ";" not in "".join(re.findall(r'<input[^>]*type="text"[^>]*>', section))  # no list of codes to type


def test_a_chosen_organisation_opens_its_page(client: TestClient) -> None:
    _signed_in(client)
    page = client.get("/coordination?organisation=amb-h-1").text
    assert 'name="organisation" value="amb-h-1" checked' in page
    opened = client.get("/organisation?organisation=amb-h-1&lang=nl")
    assert opened.status_code == 200
    assert 'action="/coordination/organisations/amb-h-1?lang=nl"' in opened.text
    assert 'href="/coordination/links?organisation=amb-h-1&amp;lang=nl"' in opened.text


def test_the_new_organisation_form_is_for_coordinators(client: TestClient) -> None:
    _signed_in(client)
    page = client.get("/coordination/organisations/new?lang=nl")
    assert page.status_code == 200 and 'id="new-organisation"' in page.text
    client.post("/logout", data={}, follow_redirects=False)
    answer = client.post("/login", data={"key": TOKENS["editor"]}, follow_redirects=False)
    assert answer.status_code == 303
    assert client.get("/coordination/organisations/new").status_code == 403
