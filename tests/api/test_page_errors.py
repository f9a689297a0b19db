"""A refused page request reads as a page in the page's language, with a way back to the form (whose typed
values the browser keeps); the API keeps answering problem+json. Page forms never overwrite blindly: a form
without the record's version is refused like a stale one."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from api.i18n import UI
from tests.api.conftest import signed_in

PAGE = {"accept": "text/html,application/xhtml+xml"}


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_page_the_key_may_not_open_says_so_in_words(client: TestClient, lang: str) -> None:
    signed_in(client, "professional")
    answer = client.get(f"/coordination/platforms?lang={lang}", headers=PAGE)
    assert answer.status_code == 403 and answer.headers["content-type"].startswith("text/html")
    assert UI["page_err_403"][lang] in html.unescape(answer.text) and "Forbidden" not in answer.text


def test_an_expired_form_says_nothing_was_saved_and_links_back(client: TestClient) -> None:
    signed_in(client, "coordinator")
    back = "http://testserver/organisation?organisation=amb-h-1"
    answer = client.post(
        "/coordination/organisations/amb-h-1?lang=de",
        data={"csrf": "expired", "name": "X"},
        headers=PAGE | {"referer": back},
    )
    assert answer.status_code == 403
    assert UI["page_err_kept"]["de"] in html.unescape(answer.text)
    assert f'href="{back}"' in html.unescape(answer.text)
    assert client.get("/v1/organisations/amb-h-1").json()["name"] != "X"


def test_a_link_back_never_leads_elsewhere(client: TestClient) -> None:
    answer = client.get("/nowhere", headers=PAGE | {"referer": "https://evil.example/phish"})
    assert answer.status_code == 404 and "evil.example" not in answer.text
    assert UI["page_err_404"]["fr"] in html.unescape(answer.text)


def test_the_api_still_answers_problem_json(client: TestClient) -> None:
    answer = client.get("/v1/organisations/nowhere", headers=PAGE)
    assert answer.status_code == 404 and answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("version", ["", "*"])
def test_a_form_without_the_records_version_overwrites_nothing(client: TestClient, version: str) -> None:
    signed_in(client, "coordinator")
    page = client.get("/organisation?organisation=amb-h-1").text
    csrf = re.search(r'name="csrf" value="([^"]*)"', page)
    assert csrf
    form = {"csrf": csrf.group(1), "name": "Écrasé sans version", "type": "specialised-ambulatory", "source": "x"}
    answer = client.post(
        "/coordination/organisations/amb-h-1", data=form | {"version": version}, follow_redirects=False
    )
    assert answer.status_code == 412
    assert client.get("/v1/organisations/amb-h-1").json()["name"] != "Écrasé sans version"
