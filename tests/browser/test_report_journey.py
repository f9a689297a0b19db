"""«Signaler une erreur» in Chromium (issue 17, items 7 and 4): a professional reports an error from a finder
card, a coordinator finds it in the queue, accepts it (the organisation's page opens at the service) and
dismisses another, then verifies two old records in bulk. Screenshots at 1280 and 360 px, fr and nl."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from api.http.app import create_app
from graph.memory_store import MemoryStore
from graph.models import Organisation, ReportStatus
from graph.reference import load_reference
from graph.store import GraphStore
from tests.api.conftest import TOKENS, demo_store, settings
from tests.browser.conftest import serving, shoot, sign_in

CARD = "li.card:not([data-org^='shelter'])"
"""A card whose organisation's address is public (a shelter's card offers no «wrong address»)."""

pytestmark = pytest.mark.browser

SEARCH = "/?situation=partner-violence&place=Huy"


@pytest.fixture(scope="module")
def journey() -> Iterator[tuple[str, GraphStore]]:
    store = demo_store(MemoryStore(), load_reference())
    with serving(create_app(settings(), store)) as url:
        yield url, store


def open_report_form(page: Any, server: str, lang: str) -> Any:
    """The first card's «Signaler une erreur», as a person taps it; the form on its own page."""
    page.goto(f"{server}{SEARCH}&lang={lang}")
    page.locator(CARD).first.locator("p.report-error a").click()
    page.wait_for_selector("form.report-form")
    return page.locator("form.report-form")


def test_a_professional_reports_an_error_from_a_finder_card(page: Any, journey: tuple[str, GraphStore]) -> None:
    server, store = journey
    sign_in(page, server, TOKENS["professional"], "fr")
    page.wait_for_load_state()
    page.goto(f"{server}{SEARCH}&lang=nl")
    shoot(page, "report-card", "nl", target=page.locator(CARD).first)
    form = open_report_form(page, server, "nl")
    assert form.locator("legend").inner_text() == "Wat klopt er niet?"
    shoot(page, "report-form", "nl")
    form.get_by_label("Adres klopt niet").check()
    form.get_by_label("Licht toe (optioneel, hoogstens 500 tekens)").fill("Bel Mevr. Janssens op 0470 12 34 56")
    form.get_by_role("button", name="Melding versturen").click()
    page.wait_for_selector(".field-error")
    said = page.inner_text(".field-error")
    assert "geen gegevens over een geholpen persoon (aanspreking gevolgd door een naam" in said
    assert "Afmelden" in page.inner_text("header"), "still shown as signed in"
    shoot(page, "report-refused", "nl")
    page.goto(f"{server}{SEARCH}&lang=fr")
    first = page.locator(CARD).first
    shoot(page, "report-card", "fr", target=first)
    service_id = first.locator("p.report-error a").get_attribute("href").split("service=")[1].split("&")[0]
    form = open_report_form(page, server, "fr")
    form.get_by_label("Horaires erronés").check()
    typed = "Mme Dupont, née le 12/03/1980, a trouvé porte close"
    form.get_by_label("Précisez (facultatif, 500 caractères au plus)").fill(typed)
    shoot(page, "report-form", "fr")
    form.get_by_role("button", name="Envoyer le signalement").click()
    page.wait_for_selector(".field-error")
    assert "pas de données sur une personne aidée (date de naissance)" in page.inner_text(".field-error")
    assert page.locator("textarea[name=text]").input_value() == typed, "what was typed is kept"
    assert page.locator("input[value=hours]").is_checked()
    assert store.reports() == []
    shoot(page, "report-refused", "fr")
    page.locator("textarea[name=text]").fill("Fermé le mercredi après-midi depuis septembre.")
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.wait_for_url(re.compile(r".*/report/sent\?.*"))
    assert page.inner_text("h1") == "Merci : votre signalement est transmis"
    shoot(page, "report-sent", "fr")
    page.goto(page.url.replace("lang=fr", "lang=nl"))
    assert page.inner_text("h1") == "Bedankt: uw melding is doorgegeven"
    shoot(page, "report-sent", "nl")
    [report] = store.reports()
    assert report.text == "Fermé le mercredi après-midi depuis septembre." and report.reason.value == "hours"
    assert report.service_id == service_id
    page.get_by_role("link", name="Terug naar de resultaten").click()
    page.wait_for_selector("li.card")  # the same search again (the finder then drops it from the address bar)


def test_a_coordinator_accepts_dismisses_and_verifies_in_bulk(page: Any, journey: tuple[str, GraphStore]) -> None:
    server, store = journey
    if not store.reports():
        store_report(server, page)
    store_report(server, page, reason="Adresse erronée", text="La rue a changé de nom.")
    by_reason = {r.reason.value: r for r in store.reports()}
    first, second = by_reason["hours"], by_reason["address"]
    sign_in(page, server, TOKENS["coordinator"], "fr")
    page.wait_for_url(re.compile(r".*/coordination.*"))
    queue = page.locator("#reports")
    assert "Horaires erronés" in queue.inner_text() and "Adresse erronée" in queue.inner_text()
    shoot(page, "report-queue", "fr", target=None)
    page.goto(f"{server}/coordination?lang=nl")
    assert "Gemelde fouten" in page.locator("#reports h2").inner_text()
    assert "Openingsuren kloppen niet" in page.locator("#reports").inner_text()
    shoot(page, "report-queue", "nl")
    page.goto(f"{server}/coordination?lang=fr")

    page.locator(f"#report-{second.id}").get_by_role("button", name="Rejeter").click()
    page.wait_for_selector(".notice")
    assert page.inner_text(".notice") == "Signalement rejeté."
    assert store.report(second.id).status is ReportStatus.DISMISSED

    page.locator(f"#report-{first.id}").get_by_role("link", name="Accepter").click()
    page.wait_for_url(re.compile(rf".*/organisation\?organisation={first.organisation_id}.*#svc-{first.service_id}"))
    assert page.locator(f"#svc-{first.service_id}").is_visible()
    shown = page.locator("#reports")
    assert "Fermé le mercredi après-midi" in shown.inner_text(), "the report at the top of the organisation's page"
    assert "Horaires erronés" in shown.inner_text()
    shoot(page, "report-accepted", "fr")
    page.goto(page.url.replace("lang=fr", "lang=nl"))
    assert "Openingsuren kloppen niet" in page.locator("#reports").inner_text()
    shoot(page, "report-accepted", "nl")
    page.locator("#reports").get_by_role("button", name="Verbeterd").click()  # the record fixed: «Corrigé»
    page.wait_for_load_state()
    assert store.report(first.id).status is ReportStatus.ACCEPTED
    assert page.locator("#reports").count() == 0

    page.goto(f"{server}/coordination?lang=fr#stale")
    stale = page.locator("#stale")
    stale.get_by_label(store.get(Organisation, "muni-h-1").name, exact=True).check()
    stale.get_by_label(store.get(Organisation, "gp-l-3").name, exact=True).check()
    shoot(page, "verify-bulk", "fr")
    stale.get_by_role("button", name="Marquer comme vérifiés aujourd'hui").click()
    page.wait_for_selector(".notice")
    assert page.inner_text(".notice") == "2 fiche(s) marquée(s) comme vérifiée(s) aujourd'hui."
    assert page.locator("#stale input[value='organisation:muni-h-1']").count() == 0
    assert page.locator("#stale input[value='organisation:gp-l-3']").count() == 0
    page.goto(f"{server}/coordination?lang=nl#stale")
    shoot(page, "verify-bulk", "nl")


def store_report(
    server: str, page: Any, reason: str = "Horaires erronés", text: str = "Fermé le mercredi après-midi"
) -> None:
    """A report sent through the card, as anyone would (the journey's first test may have been deselected)."""
    form = open_report_form(page, server, "fr")
    form.get_by_label(reason).check()
    form.get_by_label("Précisez (facultatif, 500 caractères au plus)").fill(text)
    form.get_by_role("button", name="Envoyer le signalement").click()
    page.wait_for_url(re.compile(r".*/report/sent\?.*"))
