"""The record forms in Chromium (issue 17, item 10): a coordinator creates an organisation, adds a service
(situations ticked from the picker after typing in its search box, a weekly slot, a contact) and a hidden
location, and finds the service in the finder; a typo keeps every typed value and is explained next to the
field, in French and in Dutch; an editor edits its own service and gets no form for another organisation's.
Screenshots at 1280 and 360 px, fr and nl, in test-artefacts/records-*.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from api.http.app import create_app
from api.i18n import UI
from graph.memory_store import MemoryStore
from graph.models import Location, Organisation, Service, Visibility
from graph.reference import load_reference
from tests.api.conftest import TOKENS, demo_store, settings
from tests.browser.conftest import serving, shoot, sign_in

pytestmark = pytest.mark.browser

WORDS = {
    "fr": {"search": "mariage", "situation": "Mariage forcé", "type": "Maison d'accueil / refuge", "commune": "Amay"},
    "nl": {"search": "huwelijk", "situation": "Gedwongen huwelijk", "type": "Opvanghuis", "commune": "Amay"},
}


@pytest.fixture(scope="module")
def records() -> Iterator[tuple[str, MemoryStore]]:
    store = MemoryStore()
    demo_store(store, load_reference())
    with serving(create_app(settings(), store)) as url:
        yield url, store


def said(key: str, lang: str) -> str:
    return UI[key][lang]


def _create_organisation(page: Any, lang: str, name: str) -> None:
    page.click("#create-organisation")
    page.fill("#new-org-name", name)
    page.select_option("#new-org-type", "shelter")
    assert WORDS[lang]["type"] in page.inner_text("#new-org-type option:checked")
    page.fill("#new-org-source", "Réunion de plateforme (fictive)")
    page.click("#new-organisation button[type=submit]")
    page.wait_for_selector(".notice")


def _add_service(page: Any, lang: str) -> None:
    page.click("#new-service > summary")
    form = page.locator("#svc-new-form")
    form.locator("#svc-new-name").fill("Écoute et hébergement (fictif)")
    form.locator("#svc-new-situations-search").fill(WORDS[lang]["search"])
    choice = form.locator("#svc-new-situations .picker-option:visible")
    assert [text.strip() for text in choice.all_inner_texts()] == [WORDS[lang]["situation"]]  # the others hide
    form.locator("#svc-new-situations label", has_text=WORDS[lang]["situation"]).click()
    for day in ("MO", "TU", "TH"):
        form.locator(f"input[name=slot-0-days][value={day}]").check()
    form.locator("#svc-new-slot-0-opens").fill("09:00")
    form.locator("#svc-new-slot-0-closes").fill("17:00")
    form.locator("#svc-new-contact-0-value").fill("+32 4 000 11 22")
    form.locator("#svc-new-contact-0-label").fill("permanence")
    form.locator("input[name=area_divisions][value=huy]").check()
    shoot(page, "records-new-service", lang)
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".notice")
    assert page.inner_text(".notice") == said("rec_done_service_created", lang)


def _add_hidden_location(page: Any, lang: str) -> None:
    page.click("#new-location > summary")
    form = page.locator("#loc-new-form")
    form.locator("#loc-new-address").fill("Rue Secrète 9")
    form.locator("#loc-new-commune-search").fill(WORDS[lang]["commune"])
    form.locator("#loc-new-commune label", has_text=WORDS[lang]["commune"]).click()
    form.locator("input[name=visibility][value=hidden]").check()
    assert said("rec_visibility_hidden_hint", lang) in form.inner_text()
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".notice")
    assert "Rue Secrète" not in page.content()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_coordinator_creates_an_organisation_with_a_service_and_a_hidden_location(
    page: Any, records: tuple[str, MemoryStore], lang: str
) -> None:
    server, store = records
    sign_in(page, server, TOKENS["coordinator"], lang)
    page.wait_for_url(re.compile(r".*/coordination.*"))
    name = f"Refuge Les Aulnes ({lang}, fictif)"
    _create_organisation(page, lang, name)
    shoot(page, "records-created", lang)
    org = next(o for o in store.list(Organisation) if o.name == name)
    _add_service(page, lang)
    _add_hidden_location(page, lang)
    (service,) = store.list(Service, organisation_id=org.id, clearance=Visibility.HIDDEN)
    (site,) = store.list(Location, organisation_id=org.id, clearance=Visibility.HIDDEN)
    assert site.visibility is Visibility.HIDDEN and site.postcode == "4540"
    # the service is held at the hidden site: ticked in its form, where the site shows masked
    article = page.locator(f"#svc-{service.id}")
    article.locator("details.edit-service > summary").click()
    article.locator(f"input[name=location_ids][value={site.id}]").check()
    article.locator(f"#svc-{service.id}-form button[type=submit]").click()
    page.wait_for_selector(".notice")
    assert store.get(Service, service.id, clearance=Visibility.HIDDEN).location_ids == (site.id,)
    assert [s.opens.isoformat() for s in service.schedule] == ["09:00:00"] and service.contacts[0].label == "permanence"
    shoot(page, "records-organisation", lang)
    page.goto(f"{server}/?situation=forced-marriage&place=Amay&lang={lang}")
    card = page.locator(f"li.card[data-org={org.id}]")
    assert card.count() == 1 and "Rue Secrète" not in page.content()
    shoot(page, "records-finder", lang)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_typo_keeps_every_typed_value_and_explains(page: Any, records: tuple[str, MemoryStore], lang: str) -> None:
    server, store = records
    sign_in(page, server, TOKENS["coordinator"], lang)
    page.wait_for_url(re.compile(r".*/coordination.*"))
    before = len(store.list(Organisation))
    page.click("#create-organisation")
    page.fill("#new-org-name", "Centre à garder (fictif)")
    page.fill("#new-org-website", "pas une url")
    page.fill("#new-org-description", "Texte tapé à garder")
    page.fill("#new-org-source", "Source à garder")
    page.click("#new-organisation button[type=submit]")
    assert page.inner_text("#new-org-website-error") == said("err_not_web_address", lang)
    assert page.input_value("#new-org-website") == "pas une url"
    assert page.input_value("#new-org-description") == "Texte tapé à garder"
    assert page.input_value("#new-org-name") == "Centre à garder (fictif)"
    assert len(store.list(Organisation)) == before
    shoot(page, "records-typo-website", lang)

    page.goto(f"{server}/organisation?organisation=amb-h-1&new_service_situation=forced-marriage&lang={lang}")
    form = page.locator("#svc-new-form")
    assert form.locator("input[name=situations][value=forced-marriage]").is_checked()
    form.locator("#svc-new-name").fill("Permanence du soir (fictive)")
    form.locator("input[name=slot-0-days][value=FR]").check()
    form.locator("#svc-new-slot-0-opens").fill("18:00")
    form.locator("#svc-new-slot-0-closes").fill("08:00")
    form.locator("fieldset[data-rows=slot] .add-row").click()  # a second slot, typed with JavaScript
    form.locator("input[name=slot-1-days][value=SA]").check()
    form.locator("#svc-new-slot-1-opens").fill("10:00")
    form.locator("#svc-new-slot-1-closes").fill("12:00")
    form.locator("button[type=submit]").click()
    form = page.locator("#svc-new-form")
    assert form.locator("#svc-new-schedule-0-error").inner_text() == said("err_closes_before_opens", lang)
    assert form.locator("input[name=situations][value=forced-marriage]").is_checked()
    assert form.locator("input[name=slot-0-days][value=FR]").is_checked()
    assert form.locator("#svc-new-slot-0-closes").input_value() == "08:00"
    assert form.locator("input[name=slot-1-days][value=SA]").is_checked()
    assert form.locator("#svc-new-slot-1-opens").input_value() == "10:00"
    assert form.locator("#svc-new-name").input_value() == "Permanence du soir (fictive)"
    shoot(page, "records-typo-hours", lang)
    page.goto(f"{server}/coordination/organisations/amb-h-1/delete?lang={lang}")
    assert said("rec_delete_yes", lang) == page.inner_text("#confirm-delete")
    shoot(page, "records-confirm-delete", lang)
    page.goto(f"{server}/coordination?lang={lang}")
    page.fill("#org-pick-search", "exemple-mehaigne 1")
    page.locator("#org-pick label:visible", has_text="Service d'aide Exemple-Mehaigne 1").click()
    page.click("#organisation-picker button[type=submit]")
    page.wait_for_url(re.compile(r".*/organisation\?.*organisation=amb-h-1.*"))


def test_an_editor_edits_its_own_service_only(page: Any, records: tuple[str, MemoryStore]) -> None:
    server, store = records
    sign_in(page, server, TOKENS["editor"], "fr")
    page.wait_for_url(re.compile(r".*/organisation.*"))
    article = page.locator("#svc-amb-h-1-svc")
    article.locator("details.edit-service > summary").click()
    article.locator("#svc-amb-h-1-svc-name").fill("Accueil du service (nom revu)")
    article.locator("#svc-amb-h-1-svc-form button[type=submit]").click()
    page.wait_for_selector(".notice")
    assert store.get(Service, "amb-h-1-svc").name == "Accueil du service (nom revu)"
    page.goto(f"{server}/organisation?organisation=amb-l-1&lang=fr")
    assert page.locator("#svc-amb-l-1-svc").count() == 0 and page.locator("#svc-amb-h-1-svc").count() == 1
    assert page.locator("#delete-organisation").count() == 0 and page.locator("select[name=parent]").count() == 0
    shoot(page, "records-editor", "fr")
