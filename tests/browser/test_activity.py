"""The coordinator's year in Chromium (issue 21, items 5-6): from the dashboard's «Formations à proposer» to a
pre-filled training, and the year's activity report chosen by year and division, on screen and printed (A4).
Screenshots at 1280 and 360 px, fr and nl, and the print preview."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from graph.memory_store import MemoryStore
from graph.reference import load_reference
from tests.api.conftest import TOKENS, demo_store, settings
from tests.api.test_activity import YEAR, held_training, relais_of
from tests.browser.conftest import ARTEFACTS, serving, shoot, sign_in

pytestmark = pytest.mark.browser

WORDS = {
    "fr": {
        "proposal": "n'a été suivie par les hôpitaux de la division de Verviers (0 sur 2).",
        "create": "Créer cette formation",
        "report": "Rapport d'activité de l'année",
        "year": "Année",
        "division": "Division",
        "show": "Afficher",
        "coverage": "Couverture des formations, avant et après l'année",
        "print": "Imprimer le rapport",
    },
    "nl": {
        "proposal": "gevolgd door de ziekenhuizen van de afdeling Verviers (0 van 2).",
        "create": "Deze opleiding aanmaken",
        "report": "Activiteitenverslag van het jaar",
        "year": "Jaar",
        "division": "Afdeling",
        "show": "Tonen",
        "coverage": "Dekking van de opleidingen, voor en na het jaar",
        "print": "Verslag afdrukken",
    },
}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The demo with a training on pregnancy and post-partum held in Huy this year (a hospital, a police service)."""
    app = create_app(settings(), demo_store(MemoryStore(), load_reference()))
    with TestClient(app) as client:
        held_training(relais_of(client), {"hosp-h-1": 2, "pva-h-1": 3}, id="perinatalite-huy", divisions=("huy",))
        with serving(app) as url:
            yield url


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_proposal_opens_the_training_prefilled(page: Any, server: str, lang: str) -> None:
    sign_in(page, server, TOKENS["coordinator"], lang)
    page.goto(f"{server}/coordination?lang={lang}#targets")
    section = page.locator("section#targets")
    section.locator("summary", has_text="Verviers").click()
    verviers = section.locator("#targets-verviers")
    proposal = verviers.locator("li", has_text=WORDS[lang]["proposal"]).filter(
        has_text={"fr": "Grossesse", "nl": "Zwangerschap"}[lang]
    )
    assert proposal.count() == 1
    shoot(page, "activity-targets", lang, target=section)
    proposal.get_by_role("link", name=WORDS[lang]["create"]).click()
    page.wait_for_url("**/coordination/events/new?**")
    assert "topic=pregnancy-postpartum" in page.url and "audience_type=hospital" in page.url
    assert page.locator('input[value="pregnancy-postpartum"]').first.is_checked()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_years_report_for_a_division_on_screen_and_printed(page: Any, server: str, lang: str) -> None:
    words = WORDS[lang]
    sign_in(page, server, TOKENS["coordinator"], lang)
    page.goto(f"{server}/coordination?lang={lang}#targets")
    page.locator("section#targets").get_by_role("link", name=words["report"]).click()
    page.wait_for_url("**/coordination/activity**")
    page.get_by_label(words["year"], exact=True).select_option(str(YEAR))
    page.get_by_label(words["division"], exact=True).select_option(label={"fr": "Huy", "nl": "Hoei"}[lang])
    page.get_by_role("button", name=words["show"]).click()
    page.wait_for_url("**division=huy**")
    coverage = page.locator("#act-coverage")
    assert words["coverage"] in coverage.inner_text()
    assert "Grossesse et post-partum : repérer les violences" in page.locator("#act-events").inner_text()
    shoot(page, "activity-report", lang)

    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    assert not page.get_by_role("button", name=words["print"]).is_visible()
    assert not page.locator("header .top").is_visible()
    page.screenshot(path=str(ARTEFACTS / f"activity-report-print-{lang}.png"), full_page=True)
    page.pdf(path=str(ARTEFACTS / f"activity-report-{lang}.pdf"), format="A4")
    assert (ARTEFACTS / f"activity-report-{lang}.pdf").stat().st_size > 1000
    assert str(YEAR) in page.locator("h1").inner_text() and date.today().year == YEAR
