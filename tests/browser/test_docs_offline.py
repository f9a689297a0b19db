"""/docs in Chromium (#18 item 9): the API's documentation renders from files Relais serves itself,
with no request leaving the machine and nothing refused by the CSP (`script-src 'self'`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import shoot

pytestmark = pytest.mark.browser


def _watch(page: Any) -> tuple[list[str], list[str]]:
    """Every request the page makes, and every console error (a CSP refusal is one)."""
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return requests, errors


def _elsewhere(requests: list[str]) -> list[str]:
    return [u for u in requests if urlsplit(u).hostname != "127.0.0.1" and not u.startswith(("data:", "blob:"))]


def test_docs_render_the_operations_offline_under_the_csp(page: Any, server: str) -> None:
    requests, errors = _watch(page)
    answer = page.goto(f"{server}/docs")
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/v1/referrals" in p for p in paths)
    assert any("/v1/taxonomy/search" in p for p in paths)
    page.locator(".opblock-summary-path", has_text="/v1/taxonomy/search").first.click()
    page.wait_for_selector("text=everyday words")
    assert _elsewhere(requests) == [], "requests left the machine"
    assert errors == [], errors
    shoot(page, "docs", "en")


def test_docs_try_it_out_reaches_the_api(page: Any, server: str) -> None:
    requests, errors = _watch(page)
    page.goto(f"{server}/docs#/reference/taxonomy_search_v1_taxonomy_search_get")
    block = page.locator(".opblock", has_text="/v1/taxonomy/search").first
    block.locator("button.try-out__btn").click()
    block.locator("input[placeholder='q']").fill("violences conjugales")
    block.locator("button.execute").click()
    page.wait_for_selector(".response .microlight, .responses-table .highlight-code", timeout=15000)
    assert "partner-violence" in block.inner_text()
    assert _elsewhere(requests) == []
    assert errors == [], errors


def test_no_redoc_page_that_would_call_a_cdn(page: Any, server: str) -> None:
    """Redoc always fetches its logo from its CDN: there is no /redoc rather than one that leaks."""
    assert page.request.get(f"{server}/redoc").status == 404


def test_docs_files_are_served_by_name_only(page: Any, server: str) -> None:
    assert page.request.get(f"{server}/docs-assets/swagger-ui-bundle.js").ok
    for name in ("..%2F..%2Fcore.py", "core.py", "%2Fetc%2Fpasswd", "redoc.standalone.js"):
        assert page.request.get(f"{server}/docs-assets/{name}").status == 404
