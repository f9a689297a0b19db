"""The journey «a key created in the dashboard signs in» in Chromium: a coordinator creates an editor key,
copies it from the page (shown once), and the key signs in, in a fresh browser, on the organisation's page.
Screenshots at 1280 and 360 px, in French and Dutch, land in test-artefacts/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.http.app import create_app
from graph.memory_store import MemoryStore
from graph.reference import load_reference
from tests.api.conftest import TOKENS, demo_store, settings
from tests.browser.conftest import serving, shoot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def keys_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Relais over the demo, with a keys file of its own (empty)."""
    keys_file: Path = tmp_path_factory.mktemp("keys") / "keys.json"
    app = create_app(
        settings().model_copy(update={"keys_file": keys_file}), demo_store(MemoryStore(), load_reference())
    )
    with serving(app) as url:
        yield url


def create_key(page: Any, server: str, lang: str, label: str) -> str:
    """As a coordinator: an editor key for shelter-h-1; the key read from the page, after the copy button."""
    from playwright.sync_api import expect

    page.goto(f"{server}/coordination/keys?lang={lang}")
    page.select_option("#key-role", "editor")
    page.select_option("#key-org", "shelter-h-1")
    page.fill("#key-label", label)
    page.click("#key-form button[type=submit]")
    page.wait_for_selector("#new-key")
    token = str(page.input_value("#new-key-value"))
    assert token.startswith("rk_")
    copy = page.locator("#copy-key")
    assert copy.is_visible()
    copy.click()
    expect(copy).to_have_text({"fr": "copié", "nl": "gekopieerd"}[lang])
    assert page.evaluate("navigator.clipboard.readText()") == token
    return token


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_key_created_in_the_dashboard_signs_in(browser: Any, keys_server: str, lang: str) -> None:
    coordinator = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-BE")
    coordinator.grant_permissions(["clipboard-read", "clipboard-write"], origin=keys_server)
    page = coordinator.new_page()
    try:
        sign_in(page, keys_server, TOKENS["coordinator"], lang)
        page.wait_for_url(re.compile(r".*/coordination\?lang=" + lang))
        page.goto(f"{keys_server}/coordination/keys?lang={lang}")
        shoot(page, "keys-page", lang)
        token = create_key(page, keys_server, lang, f"Accueil de nuit ({lang})")
        once = {"fr": "elle ne sera plus jamais affichée", "nl": "hij wordt nooit meer getoond"}[lang]
        assert once in page.inner_text("#new-key")
        shoot(page, "keys-created", lang)
        page.goto(f"{keys_server}/coordination/keys?lang={lang}")
        assert token not in page.content()
    finally:
        coordinator.close()

    fresh = browser.new_context(viewport={"width": 360, "height": 800}, locale="nl-BE")
    editor = fresh.new_page()
    try:
        sign_in(editor, keys_server, token, lang)
        editor.wait_for_url(re.compile(r".*/organisation\?lang=" + lang))
        assert editor.inner_text("h1") == {"fr": "Mon organisation", "nl": "Mijn organisatie"}[lang]
        assert "Maison d'accueil" in editor.inner_text("main") or editor.locator("#svc-shelter-h-1-svc").count() == 1
        shoot(editor, "keys-signed-in", lang)
    finally:
        fresh.close()
