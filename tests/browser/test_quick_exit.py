"""«Quitter vite» (issue 18, item 5) in Chromium: it leaves without keeping the search in the history, Esc in a
field does not leave (the person is typing), and without JavaScript the button is still a link that leaves."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import shoot

pytestmark = pytest.mark.browser

ELSEWHERE = "https://www.meteo.be/**"


def neutral_page(page: Any) -> None:
    """The neutral site, served by the test itself (no network here)."""
    page.route(ELSEWHERE, lambda route: route.fulfill(body="<p>météo</p>", content_type="text/html"))


def test_back_after_leaving_shows_no_search(page: Any, server: str) -> None:
    neutral_page(page)
    page.goto(f"{server}/?lang=fr")
    page.goto(f"{server}/?situation=partner-violence&place=4500&language=ar&lang=fr")
    assert page.locator(".card").count() > 0
    assert page.evaluate("location.search") == "?lang=fr", "the question stays in the address bar and the history"
    page.click("#quick-exit")
    page.wait_for_url(ELSEWHERE)
    page.go_back()
    page.wait_for_load_state()
    assert "situation" not in page.url and "language" not in page.url
    assert page.locator(".card").count() == 0, "Back brought the results back"
    assert page.input_value("#situation") == ""


def test_escape_in_a_field_does_not_leave(page: Any, server: str) -> None:
    neutral_page(page)
    page.goto(f"{server}/?lang=fr")
    page.fill("#situation-search", "violence")
    page.focus("#situation-search")
    page.keyboard.press("Escape")
    page.focus("#place")
    page.keyboard.press("Escape")
    assert page.url.startswith(server), "Esc while typing left the page"
    page.locator("h1").click()  # nothing focused any more: Esc leaves
    page.keyboard.press("Escape")
    page.wait_for_url(ELSEWHERE)


def test_without_javascript_the_button_still_leaves(browser: Any, server: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    neutral_page(page)
    page.goto(f"{server}/?situation=partner-violence&place=4500&lang=nl")
    exit_button = page.locator("#quick-exit")
    assert exit_button.is_visible()
    page.mouse.wheel(0, 3000)  # scrolled down among the results, the button is still on the screen
    box = exit_button.bounding_box()
    assert box is not None and 0 <= box["y"] < 740
    shoot(page, "quick-exit", "nl", ("360",))
    exit_button.click()
    page.wait_for_url(ELSEWHERE)
    context.close()
