"""The dashboard and the editor's page on a phone (360 px) and an office screen (1280 px), in French and Dutch:
no horizontal scrolling at 360 px (issue 17, item 9). Screenshots land in test-artefacts/."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.api.conftest import TOKENS
from tests.browser.conftest import ARTEFACTS

pytestmark = pytest.mark.browser

PAGES = {
    "dashboard": "/coordination?organisation=amb-h-1",
    "editor-page": "/organisation?organisation=shelter-h-1",
}


def sign_in_as_coordinator(page: Any, server: str, lang: str) -> None:
    page.goto(f"{server}/login?lang={lang}")
    page.fill("#key", TOKENS["coordinator"])
    page.click("form.login button")
    page.wait_for_url(re.compile(r".*/coordination\?lang=" + lang))


def overflow(page: Any) -> list[str]:
    """What sticks out to the right of the window (tag#id.class and width), for the failure message."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                 .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                 .slice(0, 8)
                 .map(e => `${e.tagName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""
        )
    )


@pytest.mark.parametrize("lang", ["fr", "nl"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_horizontal_scrolling_at_360_px(page: Any, server: str, lang: str, name: str) -> None:
    sign_in_as_coordinator(page, server, lang)
    ARTEFACTS.mkdir(exist_ok=True)
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{server}{PAGES[name]}&lang={lang}")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(ARTEFACTS / f"narrow-{name}-{lang}-{width}.png"), full_page=True)
        wide, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert wide <= window, f"{name} ({lang}) is {wide} px wide at {width} px: {overflow(page)}"
    assert page.evaluate("document.documentElement.lang") == lang
