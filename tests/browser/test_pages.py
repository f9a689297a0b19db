"""The pages as people use them, in a real headless Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import TOKENS

pytestmark = pytest.mark.browser


def search(page: Any, server: str, text: str, place: str, lang: str = "fr", urgent: bool = False) -> None:
    page.goto(f"{server}/?lang={lang}")
    page.fill("#situation-search", text)
    page.fill("#place", place)
    if urgent:
        page.check("#urgent")
    page.click("form#finder button[type=submit]")
    page.wait_for_selector("section.answer")


def test_search_by_postcode_in_french(page: Any, server: str) -> None:
    page.goto(server)
    assert page.locator("html").get_attribute("lang") == "fr"
    search(page, server, "mariage forcé", "4500")
    assert page.locator("#situation").input_value() == "forced-marriage"
    assert "Aucun service pour «Mariage forcé» dans la division de Huy" in page.inner_text(".notice")
    cards = page.locator("li.card")
    assert cards.count() == 4 and "hors de votre division" in cards.first.inner_text()
    cards.first.locator("summary").click()
    assert "hors de votre division (Liège)" in cards.first.inner_text()
    assert "0800 30 030" in page.inner_text(".fallbacks")
    assert "Parcours de prise en charge" in page.inner_text(".pathway")


def test_search_in_german_changes_the_labels(page: Any, server: str) -> None:
    page.goto(server)
    page.click("text=Deutsch")
    assert page.inner_text("label[for=situation-search]") == "Situation suchen (alle Sprachen)"
    assert "Zwangsheirat" in page.inner_text("#situation")
    search(page, server, "Partnerschaft", "4800", lang="de")
    assert page.locator("#situation").input_value() == "partner-violence"
    assert "Ergebnisse — Verviers" in page.inner_text("#results-title")
    page.locator("li.card summary").first.click()
    assert "Abteilung Verviers" in page.locator("li.card").first.inner_text()
    page.goto(server)  # the choice is remembered
    assert page.locator("html").get_attribute("lang") == "de"


def test_urgent_shows_112_and_101(page: Any, server: str) -> None:
    search(page, server, "violence physique", "Verviers", urgent=True)
    alert = page.inner_text(".emergency")
    assert "112" in alert and "101" in alert
    assert page.locator("li.card .badge.h24").first.is_visible()
    first_numbers = page.locator(".fallbacks li").all_inner_texts()[:2]
    assert first_numbers[0].startswith("112") and first_numbers[1].startswith("101")


def test_print_view_has_no_personal_field(page: Any, server: str) -> None:
    from tests.browser.conftest import ARTEFACTS

    search(page, server, "grossesse", "Huy")
    page.emulate_media(media="print")
    assert not page.locator("form#finder").is_visible()
    visible_fields = [e for e in page.locator("input, textarea, select").all() if e.is_visible()]
    assert visible_fields == []
    assert page.locator(".printed").is_visible()
    assert "aucune donnée sur la personne" in page.inner_text(".printed")
    ARTEFACTS.mkdir(exist_ok=True)
    page.pdf(path=str(ARTEFACTS / "fiche-orientation.pdf"))
    assert page.locator("textarea").count() == 0  # the finder never asks for free text about a person


def test_public_never_sees_a_hidden_address(page: Any, server: str) -> None:
    page.goto(f"{server}/?need=shelter&place=Huy")
    text = page.inner_text("body")
    assert "Maison d'accueil Exemple-Mehaigne" in text
    assert "Adresse secrète" not in page.content() and "(pro)" not in text
    page.goto(f"{server}/?need=listening-orientation&place=Liège")
    assert "Assistance policière" in page.inner_text("body")
    assert "Site Assistance policière" not in page.inner_text("body")  # network addresses: professionals only


def test_professional_sees_network_addresses_but_never_hidden_ones(page: Any, server: str) -> None:
    page.goto(f"{server}/login")
    page.fill("#key", TOKENS["professional"])
    page.click("form.login button")
    page.wait_for_url(f"{server}/?lang=fr")
    page.goto(f"{server}/?need=listening-orientation&place=Liège")
    assert "Site Assistance policière" in page.inner_text("body")
    page.goto(f"{server}/?need=shelter&place=Huy")
    assert "Adresse secrète" not in page.content() and "(pro)" in page.inner_text("body")
    cookie = next(c for c in page.context.cookies() if c["name"] == "relais_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"


def test_coordinator_edits_an_organisation_and_sees_it_on_the_map(page: Any, server: str) -> None:
    page.goto(f"{server}/coordination")
    assert page.url.startswith(f"{server}/login")
    page.fill("#key", TOKENS["coordinator"])
    page.click("form.login button")
    page.wait_for_url(f"{server}/coordination**")
    assert "Mariage forcé" in page.inner_text("#gaps")
    page.fill("#org-pick-search", "Exemple-Mehaigne 1")
    page.check("#org-pick input[value=amb-h-1]")
    page.click("#organisation-picker button[type=submit]")
    page.click("#edit-organisation > summary")
    page.fill("#org-name", "Service d'aide Exemple-Mehaigne (renommé)")
    page.click("#organisation-form button[type=submit]")
    assert "enregistrée" in page.inner_text(".notice")
    page.click("#edit-organisation > summary")
    page.fill("#org-website", "pas-une-adresse")
    page.click("#organisation-form button[type=submit]")
    assert page.inner_text("#org-website-error") == "Une adresse web complète, par exemple https://www.exemple.be."
    page.goto(f"{server}/coordination")
    assert "k-coord" in page.inner_text("#changes")
    page.goto(f"{server}/v1/map?division=huy")
    page.wait_for_function("typeof vis !== 'undefined'")
    assert "Service d'aide Exemple-Mehaigne (renommé)" in page.content()


def test_forged_form_without_csrf_is_refused(page: Any, server: str) -> None:
    page.goto(f"{server}/login")
    page.fill("#key", TOKENS["coordinator"])
    page.click("form.login button")
    page.wait_for_url(f"{server}/coordination**")
    response = page.request.post(f"{server}/coordination/organisations/amb-h-2", form={"name": "Piraté"})
    assert response.status == 403
    assert page.request.get(f"{server}/v1/organisations/amb-h-2").json()["name"] != "Piraté"


def test_quick_exit_leaves_and_phone_width_fits(page: Any, server: str) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    search(page, server, "violence sexuelle", "4000")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.route("https://www.meteo.be/**", lambda route: route.fulfill(body="<p>météo</p>", content_type="text/html"))
    page.keyboard.press("Escape")
    page.wait_for_url("https://www.meteo.be/**")
