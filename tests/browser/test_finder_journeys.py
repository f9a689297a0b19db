"""The finder in Chromium as a front-line professional uses it (issue 18): urgent first on a phone, a place
outside the arrondissement, filters without a new search, and the shortlist printed on one A4 page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTEFACTS, shoot

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def below_fold(page: Any, selector: str) -> float:
    """The bottom edge of the first element matching `selector`, in pixels from the top of the page."""
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return float(box["y"] + box["height"])


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_urgent_on_a_phone_shows_112_and_the_first_result_on_the_first_screen(
    page: Any, server: str, lang: str
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{server}/?situation=partner-violence.physical&place=Verviers&urgent=true&lang={lang}")
    assert below_fold(page, 'a[href="tel:112"]') <= PHONE["height"]
    assert below_fold(page, 'a[href="tel:101"]') <= PHONE["height"]
    assert below_fold(page, "li.card h3") <= PHONE["height"], "the first result is below the first screen"
    assert page.locator("#quick-exit").is_visible()
    shoot(page, "finder-urgent", lang)


def test_urgent_with_no_situation_still_shows_the_numbers(page: Any, server: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{server}/?lang=fr")
    page.check("#urgent")
    page.click("form#finder button[type=submit]")
    assert below_fold(page, 'a[href="tel:112"]') <= PHONE["height"]
    assert "Choisissez une situation ou un besoin" in page.inner_text("main")


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_eupen_with_urgent_answers_with_112_and_108(page: Any, server: str, lang: str) -> None:
    response = page.goto(f"{server}/?situation=partner-violence&place=4700&urgent=true&lang={lang}")
    assert response is not None and response.status == 200
    assert page.locator(".error").count() == 0
    assert page.locator('.urgent-first a[href="tel:112"]').is_visible()
    assert page.locator('.urgent-first a[href="tel:108"]').is_visible()
    assert "Eupen" in page.inner_text(".notice.outside")
    shoot(page, "finder-eupen", lang)


def test_filters_narrow_the_results_without_a_new_search(page: Any, server: str) -> None:
    page.goto(f"{server}/?situation=partner-violence&place=Liège&language=de&lang=fr")
    total = page.locator("li.card").count()
    assert page.inner_text("#result-count") == f"{total} résultats"
    page.click("#filters > summary")
    walk_in = page.locator("#filter-walkin")
    walk_in.check()
    shown = page.locator("li.card:visible")
    assert 0 < shown.count() < total
    for i in range(shown.count()):
        assert "Sans rendez-vous" in shown.nth(i).inner_text()
    assert page.inner_text("#result-count") == f"{shown.count()} affichés sur {total}"
    walk_in.uncheck()
    assert page.locator("li.card:visible").count() == total


def test_without_javascript_the_filters_stay_hidden(browser: Any, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server}/?situation=partner-violence&place=Liège&lang=fr")
    assert page.locator("li.card").count() > 0 and not page.locator("#filters").is_visible()
    context.close()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_five_ticked_services_fit_one_a4_page(page: Any, server: str, lang: str) -> None:
    page.goto(f"{server}/?situation=partner-violence&place=Verviers&lang={lang}")
    ticks = page.locator(".pick input[type=checkbox]")
    chosen = [ticks.nth(i).get_attribute("value") for i in range(5)]
    for i in range(5):
        ticks.nth(i).check()
    page.click("#shortlist button[type=submit]")
    page.wait_for_selector("#sheet")
    assert page.locator(".sheet-services > li").count() == 5
    assert page.evaluate("location.search") == f"?lang={lang}", "the sheet's question stays in the history"
    text = page.inner_text(".sheet-question")
    assert ("Violence entre partenaires" if lang == "fr" else "Partnergeweld") in text
    assert re.search(r"20\d\d", page.inner_text(".sheet-made")) and "-" not in page.inner_text(".sheet-made")
    assert len(set(chosen)) == 5
    shoot(page, "finder-sheet", lang)
    page.set_viewport_size({"width": 1280, "height": 800})
    pdf = page.pdf(format="A4")
    (ARTEFACTS / f"finder-sheet-{lang}.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the sheet of five services takes {pages} A4 pages"


def test_the_organisation_page_from_a_card(page: Any, server: str) -> None:
    page.goto(f"{server}/?situation=partner-violence&place=Huy&lang=nl")
    page.locator("li.card h3 a").first.click()
    page.wait_for_selector(".org-page")
    assert "Diensten" in page.inner_text("main") and "Partners" in page.inner_text("main")
    shoot(page, "finder-organisation", "nl")


def test_the_situation_box_understands_everyday_words(page: Any, server: str) -> None:
    page.goto(f"{server}/?lang=fr")
    page.fill("#situation-search", "violences conjugales")
    expect(page.locator("#situation")).to_have_value("partner-violence")
    page.fill("#situation-search", "viol")
    expect(page.locator("#situation")).to_have_value(re.compile(r"^sexual-violence"))
    page.fill("#situation-search", "qqqqzzzz")
    page.wait_for_selector("#situation-matches .lead")
    assert page.input_value("#situation") == "", "an earlier choice stays selected while hidden"
    page.fill("#situation-search", "mariag forcé")
    expect(page.locator("#situation")).to_have_value("forced-marriage")
    shoot(page, "finder-words", "fr")


def test_without_javascript_the_words_are_searched_by_the_page(browser: Any, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server}/?lang=nl")
    page.fill("#situation-search", "verkrachting")
    page.fill("#place", "Luik")
    page.click("form#finder button[type=submit]")
    assert page.locator("li.card").count() > 0
    assert "Seksueel geweld" in page.inner_text(".search-box summary")
    context.close()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_misspelt_place_with_urgent_keeps_the_numbers_first(page: Any, server: str, lang: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{server}/?situation=partner-violence&place=Vervier&urgent=true&lang={lang}")
    assert below_fold(page, 'a[href="tel:112"]') <= PHONE["height"]
    assert below_fold(page, ".error .suggestions a") <= PHONE["height"], "the suggestions are below the first screen"
    shoot(page, "finder-misspelt", lang)
    page.locator(".error .suggestions a", has_text="Verviers").click()
    page.wait_for_selector("li.card")
    assert page.locator('.urgent-first a[href="tel:112"]').is_visible()


@pytest.mark.parametrize(("lang", "german"), [("fr", "allemand"), ("nl", "Duits")])
def test_a_german_speaker_in_verviers_gets_a_german_speaking_service_first_and_108(
    page: Any, server: str, lang: str, german: str
) -> None:
    page.goto(f"{server}/?situation=partner-violence&place=Verviers&language=de&lang={lang}")
    first = page.locator("li.card").first
    assert german in first.locator("mark").all_inner_texts(), "the first service does not speak German"
    assert page.locator('a[href="tel:108"]').first.is_visible()
    shoot(page, "finder-german", lang)
