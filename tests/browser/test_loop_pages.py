"""The coordinator's view of referral outcomes in Chromium (issue 20, item 3): from the dashboard's section to
/coordination/outcomes, switching division, reading the Huy shelter's «Pas de place» as a capacity gap.
Screenshots at 1280 and 360 px, fr and nl (at 360 px the tables stack: nothing scrolls sideways)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from graph.memory_store import MemoryStore
from graph.reference import load_reference
from tests.api.conftest import TOKENS, auth, demo_store, settings
from tests.api.test_loop_views import _record_must_show
from tests.browser.conftest import serving, shoot, sign_in

pytestmark = pytest.mark.browser

WORDS = {
    "fr": {
        "open": "Voir les orientations, refus et demandes non rencontrées",
        "no_place": "Pas de place — manque de places",
    },
    "nl": {
        "open": "Doorverwijzingen, weigeringen en onbeantwoorde vragen bekijken",
        "no_place": "Geen plaats — plaatstekort",
    },
}
DIVISION = {"fr": ("Huy", "Liège"), "nl": ("Hoei", "Luik")}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The demo with the must-show counts, and one question in Huy that found nothing there."""
    app = create_app(settings(), demo_store(MemoryStore(), load_reference()))
    with TestClient(app) as client:
        _record_must_show(client)
        client.get("/v1/referrals?situation=forced-marriage&commune=Huy&language=ar", headers=auth("professional"))
        with serving(app) as url:
            yield url


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_coordinator_reads_the_shelters_no_place_from_the_dashboard(page: Any, server: str, lang: str) -> None:
    sign_in(page, server, TOKENS["coordinator"], lang)
    page.goto(f"{server}/coordination?lang={lang}#outcomes")
    section = page.locator("section#outcomes")
    assert "Mariage forcé" in section.inner_text() if lang == "fr" else "Gedwongen huwelijk" in section.inner_text()
    shoot(page, "loop-dashboard", lang, target=section)
    section.get_by_role("link", name=WORDS[lang]["open"]).click()
    page.wait_for_url("**/coordination/outcomes**")

    huy, liege = DIVISION[lang]
    page.get_by_label({"fr": "Division", "nl": "Afdeling"}[lang], exact=True).select_option(label=liege)
    page.get_by_role("button", name={"fr": "Filtrer", "nl": "Filteren"}[lang]).click()
    page.wait_for_url("**division=liege**")
    assert WORDS[lang]["no_place"] not in page.inner_text("main")

    page.get_by_label({"fr": "Division", "nl": "Afdeling"}[lang], exact=True).select_option(label=huy)
    page.get_by_role("button", name={"fr": "Filtrer", "nl": "Filteren"}[lang]).click()
    page.wait_for_url("**division=huy**")
    row = page.locator("#table-by-service tr.capacity-gap")
    assert row.count() == 1 and WORDS[lang]["no_place"] in row.inner_text()
    assert "60" in row.inner_text()
    assert page.locator("p.loop-why").count() == 1
    shoot(page, "loop-page", lang)


def test_the_coordinators_division_report_has_the_outcomes_section(page: Any, server: str) -> None:
    sign_in(page, server, TOKENS["coordinator"], "nl")
    page.goto(f"{server}/v1/report?division=huy&lang=nl")
    section = page.locator("section.loop")
    assert "Geen plaats — plaatstekort" in section.locator("tr.capacity-gap").first.inner_text()
    shoot(page, "loop-report", "nl")
