"""Every page in nl, de and en holds no text of the French catalogue (issue 17, item 9).

The French catalogue: the fr values of `api.i18n.UI` and of the viz text tables (gap kinds and sentences, the
report, the map, the heatmap), each cut at its placeholders. Left out: texts identical in another language
(«Organisation», «Source», «Public»: any text of the other languages), short fragments (a word of four
letters or less means little) and the directory's own words (organisations and services are named in French
whatever the page's language).
"""

from __future__ import annotations

import csv
import html
import json
import re
from collections.abc import Iterable
from datetime import date

import pytest
from fastapi.testclient import TestClient

from api.i18n import UI
from api.reasons import readable_date
from tests.api.conftest import DEMO, TOKENS
from viz.heatmap import HEATMAP
from viz.network_map import MAP, SECTOR_NAMES
from viz.report import REPORT
from viz.texts import GAP_DETAILS, GAP_KINDS, Table

TABLES: tuple[Table, ...] = (UI, GAP_KINDS, GAP_DETAILS, REPORT, MAP, SECTOR_NAMES, HEATMAP)
OTHERS = ("nl", "de", "en")


def french_catalogue() -> set[str]:
    """The French texts worth looking for: cut at placeholders and markup, not shared with another language."""
    found: set[str] = set()
    others = " ".join(texts.get(lang, "") for table in TABLES for texts in table.values() for lang in OTHERS)
    for table in TABLES:
        for texts in table.values():
            for piece in re.split(r"\{[^}]*\}|<[^>]*>|\n", texts["fr"]):
                piece = piece.strip(" «»:;,.—()·")
                if len(piece) > 4 and piece not in others:
                    found.add(piece)
    return found


def visible_text(page: str, names: Iterable[str]) -> str:
    """The page's text and attributes people see (alt, title, aria-label), without the directory's names."""
    text = html.unescape(re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S))
    shown = " ".join(re.findall(r'(?:alt|title|aria-label|placeholder)="([^"]*)"', text))
    text = re.sub(r"<[^>]+>", " ", text) + " " + shown
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return re.sub(r"\s+", " ", text)


def french_in(page: str, names: Iterable[str]) -> list[str]:
    text = visible_text(page, names)
    return sorted(s for s in french_catalogue() if s in text)


def names_of(_: TestClient) -> set[str]:
    """The directory's own words: every text cell of the demo's files (names, addresses, descriptions, hours)."""
    found: set[str] = set()
    for path in DEMO.glob("*.csv"):
        with path.open(encoding="utf-8") as rows:
            found |= {cell for row in csv.reader(rows) for cell in row if len(cell) > 4}
    return found


def _sign_in(client: TestClient, role: str) -> None:
    answer = client.post("/login", data={"key": TOKENS[role]}, follow_redirects=False)
    assert answer.status_code == 303, answer.text


PAGES_COORDINATOR = (
    "/coordination?organisation=amb-h-1&message=x",
    "/organisation?organisation=shelter-h-1",
    "/v1/report?division=huy",
    "/v1/report?division=liege",
    "/v1/map",
    "/coordination/keys",
    "/coordination/organisations/new",
    "/coordination/links?organisation=amb-h-1",
    "/coordination/platforms",
    "/coordination/trainings",
    "/coordination/reports",
    "/organisations/amb-h-1",
    "/report?organisation=amb-h-1",
    "/?urgent=true",
    "/?situation=partner-violence&place=Eupen&urgent=true",
    "/",
    "/?situation=partner-violence&place=4500",
)


def test_the_french_catalogue_is_not_empty() -> None:
    catalogue = french_catalogue()
    assert "Lacunes du réseau" in catalogue and "Clé inconnue ou révoquée" in catalogue and "lacune" in catalogue
    assert "Organisation" not in catalogue  # the same in German and English


@pytest.mark.parametrize("lang", OTHERS)
def test_no_french_on_the_coordinators_pages(client: TestClient, lang: str) -> None:
    names = names_of(client)
    _sign_in(client, "coordinator")
    for path in PAGES_COORDINATOR:
        sep = "&" if "?" in path else "?"
        answer = client.get(f"{path}{sep}lang={lang}")
        assert answer.status_code == 200, (path, answer.status_code)
        assert french_in(answer.text, names) == [], (path, lang)


def test_coordination_in_dutch_has_no_french_catalogue_string(client: TestClient) -> None:
    """The issue's «Must show»: `/coordination?lang=nl`."""
    names = names_of(client)
    _sign_in(client, "coordinator")
    page = client.get("/coordination?lang=nl").text
    assert french_in(page, names) == []
    assert "Leemten in het netwerk" in page and "(coördinator)" in page  # the role in words, not its code
    fr = client.get("/coordination?lang=fr").text
    assert "Lacunes du réseau" in fr and "(coordinatrice·teur)" in fr


@pytest.mark.parametrize("lang", OTHERS)
def test_no_french_on_the_editors_page_login_and_heatmap(client: TestClient, lang: str) -> None:
    names = names_of(client)
    assert french_in(client.get(f"/login?lang={lang}").text, names) == []
    refused = client.post(f"/login?lang={lang}", data={"key": "wrong"})
    assert refused.status_code == 401 and french_in(refused.text, names) == []
    svg = client.get(f"/v1/gaps/heatmap.svg?lang={lang}").text
    assert french_in(svg, names) == [], lang
    _sign_in(client, "editor")
    assert french_in(client.get(f"/organisation?lang={lang}").text, names) == []


@pytest.mark.parametrize("lang", OTHERS)
def test_save_messages_follow_the_page_language(client: TestClient, lang: str) -> None:
    _sign_in(client, "coordinator")
    page = client.get(f"/coordination?organisation=amb-h-1&lang={lang}").text
    csrf = re.search(r'name="csrf" value="([^"]*)"', page)
    assert csrf
    link = {"csrf": csrf.group(1), "organisation": "amb-h-1", "partner": "gp-h-6", "cooperation": "protocol"}
    saved = client.post(f"/coordination/links/add?lang={lang}", data=link | {"source": "Réunion"})
    assert saved.status_code == 200
    notice = re.search(r'<p class="notice" role="status">([^<]*)</p>', saved.text)
    assert notice and notice.group(1) in {UI["link_added"][lang], UI["link_existed"][lang]}


def test_gap_list_shows_labels_not_codes(client: TestClient) -> None:
    _sign_in(client, "coordinator")
    page = client.get("/coordination?lang=nl").text
    cells = re.findall(r'<tr data-kind="[^"]*"><td>([^<]*)</td><td>([^<]*)</td>', page)
    assert cells
    assert not {d for d, _ in cells} & {"liege", "huy", "verviers"}
    assert not {k for _, k in cells} & {"coverage-gap", "fragile", "missing-link", "stale"}


@pytest.mark.parametrize(("lang", "said"), [("fr", "Vérifié le"), ("nl", "Gecontroleerd op"), ("en", "Verified on")])
def test_a_card_shows_the_newest_verification_as_a_readable_date(client: TestClient, lang: str, said: str) -> None:
    """Re-verifying an organisation reaches the cards of its services (item 4), in the page's words."""
    _sign_in(client, "coordinator")
    page = client.get("/organisation?organisation=shelter-h-1").text
    csrf = re.search(r'name="csrf" value="([^"]*)"', page)
    assert csrf
    answer = client.post("/coordination/verified/shelter-h-1", data={"csrf": csrf.group(1)}, follow_redirects=False)
    assert answer.status_code == 303
    found = client.get(f"/?situation=partner-violence&place=4500&lang={lang}").text
    card = re.search(r'data-org="shelter-h-1">.*?<p class="verified">([^<]*)</p>', found, flags=re.S)
    assert card, "shelter-h-1 has no card"
    assert card.group(1) == f"{said} {readable_date(date.today(), lang)}"


def test_map_tooltips_and_stale_dates_use_words(client: TestClient) -> None:
    """Types and divisions in the map's tooltips, dates in the gap list: words of the page's language."""
    _sign_in(client, "coordinator")
    data = re.search(r'id="relais-map-data">(.*?)</script>', client.get("/v1/map?lang=nl").text, flags=re.S)
    assert data
    tooltips = [n["title"] for n in json.loads(data.group(1))["nodes"]]
    assert any("Opvanghuis / vluchthuis · Hoei" in x for x in tooltips)
    assert not [x for x in tooltips if re.search(r"· (liege|huy|verviers)\b|shelter ·", x)]
    page = html.unescape(client.get("/coordination?lang=nl").text)
    assert "gecontroleerd op 2025-" not in page and re.search(r"gecontroleerd op \d+ \w+ 20\d\d\)", page)
