"""Two journeys in Chromium: a shelter's editor updates its places and the finder shows the new figure with
today's date; a figure older than RELAIS_CAPACITY_FRESH_DAYS shows as «à confirmer». Screenshots at 1280 and
360 px, in French and Dutch, land in test-artefacts/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from api.http.app import create_app
from api.reasons import day_month
from graph.memory_store import MemoryStore
from graph.models import Capacity, Service, Visibility
from graph.reference import load_reference
from tests.api.conftest import demo_store
from tests.api.test_my_organisation import SHELTER_TOKEN, fresh_days_settings
from tests.browser.conftest import serving, shoot, sign_in

pytestmark = pytest.mark.browser

TODAY = date.today()
LONG_AGO = TODAY - timedelta(days=30)


@pytest.fixture(scope="module")
def places_server() -> Iterator[str]:
    """Relais with a 7-day threshold over the demo, shelter-h-2's places reported 30 days ago."""
    store = MemoryStore()
    demo_store(store, load_reference())
    old = store.get(Service, "shelter-h-2-svc", clearance=Visibility.HIDDEN)
    store.upsert([old.model_copy(update={"capacity": Capacity(available=2, total=10, updated_at=LONG_AGO)})])
    with serving(create_app(fresh_days_settings(7), store)) as url:
        yield url


def sign_in_shelter(page: Any, server: str, lang: str) -> None:
    sign_in(page, server, SHELTER_TOKEN, lang)
    page.wait_for_url(re.compile(r".*/organisation\?lang=" + lang))


def test_an_editor_updates_its_places_and_the_finder_shows_them(page: Any, places_server: str) -> None:
    sign_in_shelter(page, places_server, "fr")
    assert page.inner_text("h1") == "Mon organisation"
    shelter = page.locator("#svc-shelter-h-1-svc")
    assert "à confirmer (au 3 novembre" in shelter.inner_text() or TODAY - date(2026, 11, 3) <= timedelta(days=7)
    field = shelter.locator("input[name=available]")
    field.fill("12")  # more than the 8 places in total: explained next to the field, kept
    shelter.locator(".places-form button[type=submit]").click()
    shelter = page.locator("#svc-shelter-h-1-svc")
    assert "Plus de places libres que de places au total (8)" in shelter.locator(".field-error").inner_text()
    assert shelter.locator("input[name=available]").input_value() == "12"
    shelter.locator("input[name=available]").fill("3")
    shelter.locator(".places-form button[type=submit]").click()
    page.wait_for_selector(".notice")
    assert "Enregistré : 3 place(s) libre(s) sur 8" in page.inner_text(".notice")
    assert f"3/8 places libres — au {day_month(TODAY, 'fr')}" in page.inner_text("#svc-shelter-h-1-svc")
    for lang in ("fr", "nl"):
        page.goto(f"{places_server}/organisation?lang={lang}")
        shoot(page, "editor-page", lang)
    assert "Vrije plaatsen vandaag" in page.inner_text("#svc-shelter-h-1-svc")

    page.goto(f"{places_server}/?need=shelter&place=Huy&lang=fr")
    card = page.locator("li.card[data-org=shelter-h-1]")
    assert f"3/8 places libres (au {day_month(TODAY, 'fr')})" in card.locator(".badge.places").inner_text()


def test_an_expired_figure_shows_as_to_be_confirmed(page: Any, places_server: str) -> None:
    words = {
        "fr": f"2/10 places libres — à confirmer (au {day_month(LONG_AGO, 'fr')})",
        "nl": f"2/10 vrije plaatsen — te bevestigen (op {day_month(LONG_AGO, 'nl')})",
    }
    for lang, expected in words.items():
        page.goto(f"{places_server}/?need=shelter&place=Huy&lang={lang}")
        card = page.locator("li.card[data-org=shelter-h-2]")
        assert card.locator(".badge.places").inner_text() == expected
        card.locator("summary").first.click()  # «Pourquoi» (then «Signaler une erreur»)
        because = card.inner_text()
        assert ("places à confirmer" if lang == "fr" else "plaatsen te bevestigen") in because
        shoot(page, "finder-stale-card", lang, target=card)
        shoot(page, "finder-stale", lang, ("360",))
