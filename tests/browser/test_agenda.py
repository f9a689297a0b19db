"""The agenda and the news in Chromium (issue 21): a member subscribes to a division's calendar from the page
(the .ics downloaded through the page's link and parsed back with `icalendar`), an organisation's editor
registers a head count with the keyboard, changes it and cancels, a reader reads the news in Dutch with the
French fallback said. Screenshots at 1280 and 360 px, fr and nl, in test-artefacts/agenda-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from api.http.app import create_app
from api.i18n import UI
from graph.memory_store import MemoryStore
from graph.models import NewsPost, Training
from graph.reference import load_reference
from graph.referral import Role
from graph.usecases import Caller
from tests.api.conftest import TOKENS, demo_store, settings
from tests.browser.conftest import serving, shoot, sign_in

pytestmark = pytest.mark.browser

SOON = date.today() + timedelta(days=30)
SOURCE = "test (fictional)"
RECORDS = (
    Training(
        id="e1-grossesse",
        title="Grossesse et post-partum : repérer les violences",
        held_on=SOON,
        starts_at=time(9, 30),
        ends_at=time(12, 0),
        terms=("pregnancy-postpartum",),
        divisions=("verviers",),
        audience_types=("hospital",),
        location_id="hosp-v-1-site",
        organiser_id="pole-p-9",
        capacity=4,
        registration_deadline=SOON - timedelta(days=5),
        description="Une matinée pour les équipes des maternités (événement fictif).",
        source=SOURCE,
    ),
    Training(
        id="e1-refuge",
        title="Visite d'un refuge",
        held_on=SOON + timedelta(days=2),
        divisions=("verviers",),
        location_id="shelter-v-1-site",
        source=SOURCE,
    ),
    NewsPost(
        id="e1-traduite",
        title="Un nouveau service à Huy",
        body="Texte en français.",
        title_nl="Een nieuwe dienst in Hoei",
        body_nl="Tekst in het Nederlands.",
        published_on=date.today(),
        divisions=("huy",),
        source=SOURCE,
    ),
    NewsPost(
        id="e1-francais",
        title="Campagne de novembre",
        body="Seulement en français.",
        published_on=date.today() - timedelta(days=1),
        source=SOURCE,
    ),
)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    app = create_app(settings(), demo_store(MemoryStore(), load_reference()))
    with serving(app) as url:
        for record in RECORDS:
            app.state.relais.events.save(Caller(Role.COORDINATOR, key_id="test", route="test"), record)
        yield url


def said(key: str, lang: str, **values: object) -> str:
    return UI[key][lang].format(**values)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_member_subscribes_to_a_division_s_calendar_from_the_agenda(
    server: str, page: Any, lang: str, tmp_path: Path
) -> None:
    page.goto(f"{server}/agenda?lang={lang}")
    page.select_option("#agenda-division", "verviers")
    page.click(".agenda-filters button")
    event = page.locator("#event-e1-grossesse")
    assert said("agenda_places_left", lang, n=4) in event.inner_text()
    assert said("agenda_place_private", lang) in page.locator("#event-e1-refuge").inner_text()
    shoot(page, "agenda", lang)

    division_feed = page.locator(".agenda-feed").nth(1)
    assert said("agenda_subscribe_division", lang, division="Verviers") in division_feed.inner_text()
    webcal = division_feed.locator(".subscribe-link").get_attribute("href")
    assert webcal.startswith("webcal://") and "division=verviers" in webcal
    with page.expect_download() as download:
        division_feed.locator(".https-link").click()
    saved = tmp_path / "agenda.ics"
    download.value.save_as(saved)
    cal = Calendar.from_ical(saved.read_bytes())
    assert said("agenda_subscribe_division", lang, division="Verviers") in str(cal["X-WR-CALNAME"])
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert events["e1-grossesse@relais"]["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert "Adresse secrète" not in saved.read_text(encoding="utf-8")
    assert "LOCATION" not in events["e1-refuge@relais"]


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_an_editor_registers_a_head_count_with_the_keyboard_changes_it_and_cancels(
    server: str, page: Any, lang: str
) -> None:
    sign_in(page, server, TOKENS["editor"], lang)
    page.goto(f"{server}/agenda/e1-grossesse?lang={lang}")
    page.fill("#register-participants", "3")
    page.press("#register-participants", "Enter")
    state = page.locator(".registration-state")
    expected = f"{said('agenda_yours', lang, n=3)} — {said('agenda_places_left_one', lang)}"
    assert state.inner_text() == expected
    assert page.locator(".registration [role=status]").inner_text() == said("agenda_done_registered", lang)
    shoot(page, "agenda-event", lang)

    page.fill("#register-participants", "0")
    page.press("#register-participants", "Enter")
    assert page.locator("#register-participants-error").is_visible()
    assert page.input_value("#register-participants") == "0"
    shoot(page, "agenda-event-refused", lang, widths=("360",))

    page.fill("#register-participants", "6")
    page.press("#register-participants", "Enter")
    assert said("agenda_yours_waiting", lang, n=2) in state.inner_text()

    page.click(f"text={said('agenda_unregister_button', lang)}")
    assert page.locator(".registration [role=status]").inner_text() == said("agenda_done_unregistered", lang)
    assert page.locator(".registration-state").count() == 0


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_news_read_in_the_page_s_language_with_the_french_fallback_said(server: str, page: Any, lang: str) -> None:
    page.goto(f"{server}/agenda?lang={lang}")
    page.click(f"text={said('agenda_news', lang)}")
    translated = page.locator("#post-e1-traduite h2").inner_text()
    assert translated == ("Een nieuwe dienst in Hoei" if lang == "nl" else "Un nouveau service à Huy")
    fallback = page.locator("#post-e1-francais h2").inner_text()
    assert fallback == ("Campagne de novembre (in het Frans)" if lang == "nl" else "Campagne de novembre")
    assert page.locator(f"a[href='{server}/v1/news.atom?lang={lang}']").count() == 1
    shoot(page, "actualites", lang)
    page.click("#post-e1-francais h2 a")
    assert page.locator("h1").inner_text() == "Campagne de novembre"
    assert "Seulement en français." in page.locator(".news-body").inner_text()
    shoot(page, "actualites-post", lang, widths=("360",))
