"""A real Relais server on loopback and Debian's Chromium driven by Playwright.

Chromium comes from Debian (`apt-get install chromium`, done by `make test`); Playwright cannot
download browsers here. With CI=true a missing browser fails the run; elsewhere the tests skip loudly.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from api.http.app import create_app
from graph.memory_store import MemoryStore
from graph.reference import load_reference
from tests.api.conftest import demo_store, settings

CHROMIUM = os.environ.get("RELAIS_CHROMIUM", "/usr/bin/chromium")
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """`app` served on a free loopback port in a thread, until the block ends; yields its base URL."""
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started:
        if time.time() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """Relais on a free loopback port, on a fresh memory copy of the demo."""
    with serving(create_app(settings(), demo_store(MemoryStore(), load_reference()))) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        message = f"BROWSER TESTS SKIPPED: no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="fr-BE")  # type: ignore[attr-defined]
    pg = context.new_page()
    yield pg
    ARTEFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTEFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


WIDTHS = {"1280": 1280, "360": 360}


def shoot(page: Any, name: str, lang: str, widths: tuple[str, ...] = ("1280", "360"), target: Any = None) -> None:
    """Screenshots of a journey's step at each width into test-artefacts/{name}-{lang}-{width}.png; at 360 px
    the page must not scroll sideways (a person on a phone would have to pan to read it)."""
    ARTEFACTS.mkdir(exist_ok=True)
    for width in widths:
        pixels = WIDTHS[width]
        page.set_viewport_size({"width": pixels, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= pixels, f"{name} scrolls sideways at {width}"
        path = str(ARTEFACTS / f"{name}-{lang}-{width}.png")
        (target or page).screenshot(path=path, **({} if target else {"full_page": True}))


def sign_in(page: Any, server: str, token: str, lang: str) -> None:
    """Signs in with a key through the sign-in form (the page the key's role lands on is then shown)."""
    page.goto(f"{server}/login?lang={lang}")
    page.fill("#key", token)
    page.click("form.login button")
