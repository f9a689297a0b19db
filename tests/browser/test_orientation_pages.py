"""Two journeys in Chromium: a professional taps «Orientation faite» on a result card and finds the same
results with the confirmation next to that card; a service's editor enters 3 «Pas de place» for this month
and finds them after a reload. Screenshots of the card and of the outcome section at 1280 and 360 px, in
French and Dutch, land in test-artefacts/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from api.http.app import create_app
from api.http.routers.pages.orientations import month_words
from graph.memory_store import MemoryStore
from graph.models import ReferralTally
from graph.reference import load_reference
from tests.api.conftest import TOKENS, demo_store
from tests.api.test_orientation_pages import EDITOR_SERVICE, ROLE_TOKENS, with_pro_org
from tests.browser.conftest import serving, shoot, sign_in

pytestmark = pytest.mark.browser

THIS_MONTH = date.today().strftime("%Y-%m")


@pytest.fixture(scope="module")
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture(scope="module")
def server(store: MemoryStore) -> Iterator[str]:
    """Relais over a fresh demo, with a professional key of a CPAS (cpas-h-1)."""
    with serving(create_app(with_pro_org(), demo_store(store, load_reference()))) as url:
        yield url


def search_huy(page: Any, server: str, lang: str) -> None:
    """The finder's form as a person fills it: partner violence, in Huy."""
    page.goto(f"{server}/?lang={lang}")
    page.select_option("#situation", "partner-violence")
    page.fill("#place", "Huy")
    page.click("form.finder button[type=submit]")
    page.wait_for_selector("ol.cards li.card")


def test_a_professional_counts_a_referral_from_a_card_and_stays_on_the_results(
    page: Any, server: str, store: MemoryStore
) -> None:
    said = {"fr": "Orientation comptée pour {} — merci", "nl": "Doorverwijzing geteld voor {} — bedankt"}
    for lang in ("fr", "nl"):
        page.context.clear_cookies()
        sign_in(page, server, ROLE_TOKENS["pro_org"], lang)
        page.wait_for_url(re.compile(r".*/\?lang=" + lang))
        search_huy(page, server, lang)
        asked = page.url
        names = page.locator("ol.cards li.card h3").all_inner_texts()
        card = page.locator("li.card[data-org=amb-h-1]")
        button = card.locator("form.orientation button")
        assert button.inner_text() == {"fr": "Orientation faite", "nl": "Doorverwijzing gedaan"}[lang]
        shoot(page, "orientation-card-before", lang, target=card)
        button.dblclick()  # a hurried double tap counts once
        page.wait_for_selector(f"#counted-{EDITOR_SERVICE}")
        assert page.url.split("#")[0].startswith(asked.split("#")[0]), "the same question's results"
        assert page.locator("ol.cards li.card h3").all_inner_texts() == names
        card = page.locator("li.card[data-org=amb-h-1]")
        assert card.locator(".counted").inner_text() == "✓ " + said[lang].format(month_words(THIS_MONTH, lang))
        assert page.locator(".counted").count() == 1
        shoot(page, "orientation-card", lang, target=card)
        shoot(page, "orientation-results", lang)
    counted = [t for t in store.tallies(ReferralTally) if t.service_id == EDITOR_SERVICE]
    assert sum(t.count for t in counted) == 2, "one per language, whatever the taps"


def test_the_public_finder_has_no_button(page: Any, server: str) -> None:
    search_huy(page, server, "fr")
    assert page.locator("form.orientation").count() == 0


def test_an_editor_enters_three_no_place_and_sees_them_after_reload(page: Any, server: str) -> None:
    sign_in(page, server, TOKENS["editor"], "fr")
    page.wait_for_url(re.compile(r".*/organisation\?lang=fr"))
    section = page.locator("#outcomes")
    assert section.locator("h2").inner_text() == "Suites des orientations reçues"
    assert section.locator("#outcomes-month option:checked").inner_text() == month_words(THIS_MONTH, "fr")
    field = page.get_by_label("Pas de place", exact=True)
    field.fill("-2")  # refused next to the field, kept
    section.locator(f"#outcomes-{EDITOR_SERVICE} .outcome-form button[type=submit]").click()
    article = page.locator(f"#outcomes-{EDITOR_SERVICE}")
    assert "Au moins 0." in article.locator(f"#oc-{EDITOR_SERVICE}-no-place-error").inner_text()
    assert page.get_by_label("Pas de place", exact=True).input_value() == "-2"
    shoot(page, "outcome-refused", "fr", target=article)
    page.get_by_label("Pas de place", exact=True).fill("3")
    article.locator(".outcome-form button[type=submit]").click()
    page.wait_for_selector(f"#outcomes-{EDITOR_SERVICE} .notice")
    assert f"Chiffres de {month_words(THIS_MONTH, 'fr')} enregistrés" in article.locator(".notice").inner_text()
    page.reload()
    assert page.get_by_label("Pas de place", exact=True).input_value() == "3"
    for lang in ("fr", "nl"):
        page.goto(f"{server}/organisation?lang={lang}#outcomes")
        shoot(page, "outcome-section", lang, target=page.locator("#outcomes"))
    assert page.get_by_label("Geen plaats", exact=True).input_value() == "3"
