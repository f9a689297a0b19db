"""The network's forms in Chromium (issue 17, item 1): a coordinator adds a «convention» with a partner found
by typing its name and sees it listed in words; creates a platform and adds a member (trainings are events now:
tests/browser/test_event_journeys.py). Screenshots at 1280 and 360 px, fr and
nl, in test-artefacts/network-*.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from api.http.app import create_app
from api.i18n import UI
from graph.memory_store import MemoryStore
from graph.models import Organisation
from graph.reference import load_reference
from tests.api.conftest import TOKENS, demo_store, settings
from tests.browser.conftest import serving, shoot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def network() -> Iterator[tuple[str, MemoryStore]]:
    store = MemoryStore()
    demo_store(store, load_reference())
    with serving(create_app(settings(), store)) as url:
        yield url, store


def said(key: str, lang: str) -> str:
    return UI[key][lang]


def name_of(store: MemoryStore, organisation_id: str) -> str:
    return store.get(Organisation, organisation_id).name


def _pick(page: Any, picker: str, typed: str, label: str) -> None:
    """Types in a picker's search box, then ticks the one choice that shows."""
    page.fill(f"#{picker}-search", typed)
    shown = page.locator(f"#{picker} .picker-option:visible")
    assert label in shown.all_inner_texts()
    exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
    page.locator(f"#{picker} .picker-option:visible", has_text=exact).click()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_coordinator_adds_a_convention_and_reads_it_in_words(
    network: tuple[str, MemoryStore], page: Any, lang: str
) -> None:
    server, store = network
    sign_in(page, server, TOKENS["coordinator"], lang)
    page.goto(f"{server}/coordination?lang={lang}")
    page.click(f"nav.tabs a[href='/coordination/links?lang={lang}']")
    _pick(page, "org-picker", "Mehaigne 1", name_of(store, "amb-h-1"))
    page.click("button.primary")
    partner_id = {"fr": "cpas-h-2", "nl": "cpas-h-3"}[lang]
    partner = name_of(store, partner_id)
    _pick(page, "add-partner", partner[:12], partner)
    page.select_option("#add-cooperation", "convention")
    page.fill("#add-since", "2024-01-15")
    page.fill("#add-source", "Convention signée (démo)")
    page.click("#add-link-button")
    page.wait_for_selector(".notice")
    assert said("link_added", lang) in page.inner_text(".notice")
    card = page.locator(f"#link-{partner_id}-convention")
    assert said("link_convention", lang) in card.inner_text()
    assert said("net_status_confirmed", lang) in card.inner_text()
    card.scroll_into_view_if_needed()
    shoot(page, "network-links", lang)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_coordinator_creates_a_platform_and_adds_a_member(
    network: tuple[str, MemoryStore], page: Any, lang: str
) -> None:
    server, store = network
    sign_in(page, server, TOKENS["coordinator"], lang)
    page.goto(f"{server}/coordination?lang={lang}")
    page.click(f"nav.tabs a[href='/coordination/platforms?lang={lang}']")
    page.fill("#new-platform-name", f"Concertation Ourthe {lang}")
    page.select_option("#new-platform-platform_kind", "case-conference")
    page.select_option("#new-platform-division", "liege")
    page.fill("#new-platform-source", "Réunion de plateforme (démo)")
    page.click("#new-platform-form button[type=submit]")
    page.wait_for_selector(".notice")
    platform = page.locator(f"#platform-concertation-ourthe-{lang}")
    assert said("net_pk_case-conference", lang) in platform.inner_text()
    platform.locator("details.members > summary").click()
    member = name_of(store, "cpas-l-5")
    _pick(page, f"members-concertation-ourthe-{lang}-org", member, member)
    page.fill(f"#members-concertation-ourthe-{lang}-role", "présidence")
    platform.locator(f"#members-concertation-ourthe-{lang}-form button[type=submit]").click()
    page.wait_for_selector(".notice")
    assert said("net_done_member_added", lang) in page.inner_text(".notice")
    assert page.locator(f"#platform-concertation-ourthe-{lang} details.members").get_attribute("open") is not None
    assert f"{member} — présidence" in page.locator(f"#platform-concertation-ourthe-{lang} li.member").inner_text()
    shoot(page, "network-platforms", lang)
