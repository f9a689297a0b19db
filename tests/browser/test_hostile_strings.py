"""Issue 15, item 4: an editor plants hostile strings in every field it can write for its own
organisation; a coordinator then opens every page and generated output in the real Chromium, and
nothing runs — no `window.__pwned`, no dialog, no request to another host, no CSP violation (which
would mean a payload reached the HTML parser as markup and only the CSP stopped it).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from api.http.app import create_app
from graph.memory_store import MemoryStore
from graph.models import Location, Visibility
from graph.reference import load_reference
from tests.api.conftest import TOKENS, demo_store, settings
from tests.browser.conftest import ARTEFACTS, _free_port

pytestmark = pytest.mark.browser

PAYLOADS = (
    "</script><script>window.__pwned=1</script>",
    '"><img src=x onerror=window.__pwned=1>',
    "javascript:window.__pwned=1",
    "{{7*7}}",
    "'';!--\"<XSS>=&{()}",
    "\u2028\u2029",
    "<svg onload=window.__pwned=1>",
    '=HYPERLINK("https://evil.example/")',
)
HOSTILE = "Z " + " ".join(PAYLOADS)
"""One line holding every payload (under the 300-character limit of names)."""
HOSTILE_URL = 'https://evil.example/"><svg/onload=window.__pwned=1>'
"""An http(s) address that still tries to leave its attribute."""
ORG = "amb-h-1"
SERVICE = "amb-h-1-svc"


def _plant(base: str) -> None:
    """Write HOSTILE into every field the editor of ORG can write through the API."""
    editor = {"Authorization": f"Bearer {TOKENS['editor']}"}
    with httpx.Client(base_url=base, headers=editor) as api:
        org = api.get(f"/v1/organisations/{ORG}").json()
        org |= {"name": HOSTILE, "description": HOSTILE + "\n" + HOSTILE, "website": HOSTILE_URL}
        assert api.put(f"/v1/organisations/{ORG}", json=org).status_code == 200
        service = api.get(f"/v1/services/{SERVICE}").json()
        contacts = [
            {"kind": "phone", "value": HOSTILE, "label": HOSTILE},
            {"kind": "email", "value": "accueil@exemple.org", "label": HOSTILE},  # an e-mail is one mailbox
            {"kind": "website", "value": HOSTILE_URL, "label": HOSTILE},
            {"kind": "chat", "value": HOSTILE_URL, "label": HOSTILE, "visibility": "professional"},
        ]
        service |= {f: HOSTILE for f in ("name", "description", "hours", "eligibility", "cost")}
        service["contacts"] = contacts
        assert api.put(f"/v1/services/{SERVICE}", json=service).status_code == 200
        link = {"kind": "cooperation", "from": ORG, "to": "cpas-h-1", "cooperation": "informal", "source": HOSTILE}
        assert api.post("/v1/links", json=link).status_code in (200, 201)


@pytest.fixture(scope="module")
def hostile_server() -> Iterator[str]:
    """Relais on the demo whose ORG an editor has filled with hostile strings (its site's name and address
    too: locations come from the loader, so they are written to the store directly)."""
    reference = load_reference()
    store = demo_store(MemoryStore(), reference)
    site = store.get(Location, f"{ORG}-site", clearance=Visibility.HIDDEN)
    store.upsert([site.model_copy(update={"name": HOSTILE, "address": HOSTILE})])
    port = _free_port()
    srv = uvicorn.Server(
        uvicorn.Config(create_app(settings(), store), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started:
        assert time.time() < deadline, "the test server did not start"
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    _plant(base)
    yield base
    srv.should_exit = True
    thread.join(timeout=10)


class Watch:
    """Everything a page may do that it should not: dialogs, foreign requests, CSP violations."""

    def __init__(self, page: Any, base: str) -> None:
        self.events: list[str] = []
        page.on("dialog", self._dialog)
        page.on("request", lambda r: None if r.url.startswith((base, "data:")) else self.events.append(r.url))
        page.on("console", lambda m: self._console(m.text))
        page.on("pageerror", lambda e: self.events.append(f"error {e}"))

    def _dialog(self, dialog: Any) -> None:
        self.events.append(f"dialog {dialog.message}")
        dialog.dismiss()

    def _console(self, text: str) -> None:
        if "Content Security Policy" in text or "__pwned" in text:
            self.events.append(f"console {text}")


def _assert_clean(page: Any, where: str) -> None:
    for frame in page.frames:
        assert frame.evaluate("typeof window.__pwned") == "undefined", f"{where}: a payload ran in {frame.url}"


def _csp_script_src(response: Any) -> str:
    policy = str(response.headers["content-security-policy"])
    return next(p.strip() for p in policy.split(";") if p.strip().startswith("script-src"))


def _sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#key", TOKENS["coordinator"])
    page.click("form.login button")
    page.wait_for_url(f"{base}/coordination**")


PAGES = (
    "/?situation=partner-violence&place=4160&from_org=baj-h-1",
    "/coordination",
    f"/coordination?organisation={ORG}",
    "/v1/map",
    "/v1/map?division=huy",
    "/v1/report?division=huy",
    "/v1/gaps/heatmap.svg",
    f"/v1/organisations/{ORG}",
    f"/v1/services/{SERVICE}",
    "/v1/audit",
)


def test_hostile_strings_never_run_for_a_coordinator(browser: Any, hostile_server: str) -> None:
    base = hostile_server
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-BE")
    page = context.new_page()
    watch = Watch(page, base)
    _sign_in(page, base)
    for path in PAGES:
        response = page.goto(base + path)
        assert response is not None and response.ok, path
        page.wait_for_load_state("load")
        if path.startswith("/v1/map"):
            page.wait_for_function("window.relaisNetwork !== undefined")
        if path == "/coordination":
            page.frame_locator("iframe.map").locator("canvas").first.wait_for()
        if "html" in response.headers.get("content-type", ""):
            assert "unsafe-inline" not in _csp_script_src(response), path
        _assert_clean(page, path)
    page.goto(base + PAGES[0])
    cards = page.locator(f"li.card[data-org={ORG}]")
    assert HOSTILE.split()[1] in cards.inner_text()  # the planted text is shown as text
    page.emulate_media(media="print")
    _assert_clean(page, "print view")
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "hostile-finder.png"), full_page=True)
    assert watch.events == []
    context.close()


def test_map_page_holds_no_script_from_data_and_shows_tooltips_as_text(browser: Any, hostile_server: str) -> None:
    base = hostile_server
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-BE")
    page = context.new_page()
    watch = Watch(page, base)
    _sign_in(page, base)
    html = page.request.get(f"{base}/v1/map?division=huy").text()
    assert "</script><script>window.__pwned" not in html and "\u2028" not in html
    assert len(re.findall(r"</script>", html)) == len(re.findall(r"<script\b", html)) == 3
    page.goto(f"{base}/v1/map?division=huy")
    page.wait_for_function("window.relaisNetwork !== undefined")
    page.wait_for_timeout(1500)  # let the layout settle
    box = page.evaluate(
        f"""() => {{ const n = window.relaisNetwork; const p = n.getPositions(["{ORG}"])["{ORG}"];
        const d = n.canvasToDOM(p); const r = document.querySelector("#map canvas").getBoundingClientRect();
        return {{x: r.left + d.x, y: r.top + d.y}}; }}"""
    )
    page.mouse.move(box["x"], box["y"])
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible")
    assert HOSTILE.splitlines()[0][:40] in tooltip.inner_text()
    assert tooltip.evaluate("e => e.querySelector('img, svg, script, b') === null")
    page.screenshot(path=str(ARTEFACTS / "hostile-map-tooltip.png"))
    _assert_clean(page, "map")
    assert watch.events == []
    context.close()
