"""The coordination's events in Chromium (issue 21): from the dashboard's proposal «no hospital of Verviers was
trained on pregnancy and post-partum», a coordinator opens the pre-filled form, completes and creates the
training; a hospital registers two people; on the day the coordinator confirms the attendance of two
hospitals (the registered one corrected, the other added from the list) — the event is held and /v1/gaps no
longer names hospitals among Verviers' untrained types. Screenshots of the event form and the attendance
form at 1280 and 360 px, fr and nl, in test-artefacts/events-*.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from api.http.app import create_app
from api.i18n import UI
from graph.memory_store import MemoryStore
from graph.models import Attendance, EventStatus, Organisation, Training
from graph.reference import load_reference
from graph.referral import Role
from graph.usecases import Caller
from graph.usecases.events import EventCases
from tests.api.conftest import TOKENS, demo_store, settings
from tests.browser.conftest import serving, shoot, sign_in

pytestmark = pytest.mark.browser

PROPOSAL = "/coordination/events/new?topic=pregnancy-postpartum&division=verviers&audience_type=hospital&lang={lang}"
TOPIC = {"fr": "Grossesse et post-partum", "nl": "Zwangerschap en postpartum"}
HELD = {"fr": "Tenu", "nl": "Gehouden"}


@pytest.fixture
def events() -> Iterator[tuple[str, MemoryStore]]:
    store = MemoryStore()
    demo_store(store, load_reference())
    with serving(create_app(settings(), store)) as url:
        yield url, store


def said(key: str, lang: str) -> str:
    return UI[key][lang]


def missing_in_verviers(page: Any, server: str) -> list[str]:
    """The organisation types of Verviers nobody of which was trained on pregnancy, as /v1/gaps says."""
    answer = page.request.get(f"{server}/v1/gaps", headers={"Authorization": f"Bearer {TOKENS['coordinator']}"})
    coverage = answer.json()["participation"]["training_coverage"]["verviers"]["pregnancy-postpartum"]
    return list(coverage["missing_types"])


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_coordinator_creates_the_proposed_training_and_confirms_two_hospitals(
    events: tuple[str, MemoryStore], page: Any, lang: str
) -> None:
    server, store = events
    assert "hospital" in missing_in_verviers(page, server)
    sign_in(page, server, TOKENS["coordinator"], lang)
    page.goto(f"{server}/coordination?lang={lang}")
    page.click("#targets-verviers > summary")  # the division's proposals, folded
    page.click(f"a[href='{PROPOSAL.format(lang=lang)}']")
    assert said("ev_prefilled", lang) in page.inner_text("main")
    topic = page.locator("#event-terms .picker-option", has_text=re.compile(rf"^\s*{TOPIC[lang]}\s*$"))
    assert topic.locator("input").is_checked()
    assert page.locator("#event-divisions input[value=verviers]").is_checked()
    assert page.locator("#event-audience_types input[value=hospital]").is_checked()
    page.fill("#event-title", f"Grossesse : repérer les violences ({lang})")
    page.fill("#event-held_on", date.today().isoformat())
    page.fill("#event-starts_at", "09:00")
    page.fill("#event-ends_at", "12:30")
    page.fill("#event-capacity", "12")
    hospital = store.get(Organisation, "hosp-v-1").name
    page.fill("#event-location_id-search", hospital)
    page.locator("#event-location_id .picker-option:visible", has_text=f"{hospital} — ").click()
    shoot(page, "events-form", lang)
    page.click("#event-form button[type=submit]")
    page.wait_for_selector(".notice")
    assert said("ev_done_events_created", lang) in page.inner_text(".notice")
    event_id = re.search(r"/coordination/events/([^/?#]+)", page.url)
    assert event_id
    stored = store.get(Training, event_id[1])
    assert stored.terms == ("pregnancy-postpartum",) and stored.divisions == ("verviers",)
    assert stored.audience_types == ("hospital",) and stored.location_id == "hosp-v-1-site"

    EventCases(store, load_reference()).register(
        Caller(Role.EDITOR, key_id="k", organisation_id="hosp-v-1"), stored.id, 2
    )
    page.reload()
    count = page.locator("#attendance-hosp-v-1")
    assert count.input_value() == "2"  # pre-filled with the registered head count
    count.fill("3")
    page.locator("#attendance form details.add-organisation > summary").click()
    other = store.get(Organisation, "hosp-v-2").name
    page.fill("#attendance-extra-org-search", "Vesdre 2")
    page.locator("#attendance-extra-org .picker-option:visible", has_text=other).click()
    page.fill("#attendance-extra_n", "4")
    shoot(page, "events-attendance", lang, target=None)
    page.click("#attendance-form button[type=submit]")
    page.wait_for_selector(".notice")
    assert said("ev_done_attendance", lang) in page.inner_text(".notice")
    assert HELD[lang] in page.inner_text("p.summary")
    assert said("ev_attended", lang).format(n=7, orgs=2) in page.inner_text("#attendance")
    counted = {a.organisation_id: a.participants for a in store.links(Attendance) if a.training_id == stored.id}
    assert counted == {"hosp-v-1": 3, "hosp-v-2": 4}
    assert store.get(Training, stored.id).status is EventStatus.HELD
    assert "hospital" not in missing_in_verviers(page, server)
    shoot(page, "events-held", lang)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_coordinator_writes_news_and_records_a_project(events: tuple[str, MemoryStore], page: Any, lang: str) -> None:
    server, store = events
    sign_in(page, server, TOKENS["coordinator"], lang)
    page.goto(f"{server}/coordination/events?lang={lang}")
    shoot(page, "events-list", lang)
    members_only = page.locator("#event-ev-plateforme-verviers-mars .members-only")
    assert members_only.inner_text() == said("ev_members_only", lang)
    assert members_only.evaluate("e => getComputedStyle(e).color") != "rgb(255, 255, 255)"  # readable on white
    page.click(f"nav a[href='/coordination/news?lang={lang}']")
    page.click(f"a[href='/coordination/news/new?lang={lang}']")
    page.fill("#news-title", "Nouvelle ligne d'écoute à Verviers")
    page.fill("#news-body", "Une permanence téléphonique ouvre le mardi.")
    page.click("#news-form details > summary")
    page.fill("#news-title_nl", "Nieuwe hulplijn in Verviers")
    page.check("#news-divisions input[value=verviers]")
    shoot(page, "events-news-form", lang)
    page.click("#news-form button[type=submit]")
    page.wait_for_selector(".notice")
    assert said("ev_done_news_created", lang) in page.inner_text(".notice")
    page.goto(f"{server}/coordination/projects/new?lang={lang}")
    page.fill("#project-name", "Maternités et refuges")
    for organisation in ("hosp-v-1", "amb-v-1"):
        name = store.get(Organisation, organisation).name
        page.fill("#project-partner_ids-search", name)
        page.locator("#project-partner_ids .picker-option:visible", has_text=name).first.click()
    shoot(page, "events-project-form", lang)
    page.click("#project-form button[type=submit]")
    page.wait_for_selector(".notice")
    assert said("ev_done_projects_created", lang) in page.inner_text(".notice")
    page.goto(f"{server}/coordination/projects?lang={lang}")
    assert store.get(Organisation, "amb-v-1").name in page.inner_text("#projects")
