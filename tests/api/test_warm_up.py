"""Warm before ready (api/http/warming.py): a worker serves only once every situation and need of every
division is in its referral cache, within RELAIS_WARM_SECONDS; a bulk load is warmed again behind a 200."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from itertools import cycle
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.bootstrap import build
from api.http import warming
from api.http.app import create_app
from api.http.warming import WARM_LANGUAGES, Warmer
from graph.memory_store import MemoryStore
from graph.models import ServiceCandidate, UnmetDemand
from graph.reference import Reference
from graph.referral import ReferralQuery
from graph.usecases import import_directory
from graph.usecases.referrals import URGENT_EARLY, WARMING, warm_questions
from loaders.directory import read_directory
from loaders.generate import generate_directory
from tests.api.conftest import auth, demo_store, settings


class Watched(MemoryStore):
    """The demo's store, counting the candidate searches (each one a ranked list computed, not read from the
    cache); `gate` cleared holds every search until it is set again, `slow` makes each one take that long."""

    def __init__(self) -> None:
        super().__init__()
        self.searches = 0
        self.waiting = threading.Event()
        self.gate = threading.Event()
        self.gate.set()
        self.slow = 0.0

    def candidate_services(self, *args: Any, **kwargs: Any) -> list[ServiceCandidate]:
        self.searches += 1
        if not self.gate.is_set():
            self.waiting.set()
            self.gate.wait(20)
        time.sleep(self.slow)
        return super().candidate_services(*args, **kwargs)


@pytest.fixture
def store(reference: Reference) -> Watched:
    found = demo_store(Watched(), reference)
    assert isinstance(found, Watched)
    return found


def app_on(store: Watched, warm_seconds: float) -> FastAPI:
    return create_app(settings().model_copy(update={"warm_seconds": warm_seconds}), store)


def warmer_of(client: TestClient) -> Warmer:
    app = client.app
    assert isinstance(app, FastAPI)
    warmer = app.state.warmer
    assert isinstance(warmer, Warmer)
    return warmer


def path_of(query: ReferralQuery) -> str:
    values = {"situation": query.situation, "need": query.need, "division": query.division, "urgent": query.urgent}
    return "/v1/referrals?" + urlencode({k: str(v).lower() for k, v in values.items() if v is not None})


def wait_for(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.02)


@contextmanager
def served(app: FastAPI) -> Iterator[tuple[uvicorn.Server, str]]:
    """`app` on a free loopback port, as `relais serve` runs it (the lifespan first, then the socket)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_a_worker_answers_nothing_before_it_is_warm(store: Watched) -> None:
    store.gate.clear()
    with served(app_on(store, 60)) as (server, url):
        assert store.waiting.wait(20), "the warm-up asks the store"
        for path in ("/readyz", "/healthz"):
            with pytest.raises(httpx.ConnectError):
                httpx.get(url + path, timeout=2)
        store.gate.set()
        wait_for(lambda: server.started)
        ready = httpx.get(url + "/readyz", timeout=5)
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        assert httpx.get(url + "/healthz", timeout=5).status_code == 200
        app = server.config.app
        assert isinstance(app, FastAPI) and app.state.warmer.last.finished


def test_the_server_is_ready_once_every_worker_is_warm(store: Watched, tmp_path: Path) -> None:
    """Two workers of one server: the first warm says «warming» (503) until the second is warm too, so a
    balancer does not pile its connections on the first."""
    two = settings().model_copy(update={"warm_seconds": 60, "workers": 2, "ready_dir": tmp_path})
    with TestClient(create_app(two, store)) as first:
        waiting = first.get("/readyz")
        assert waiting.status_code == 503 and waiting.json() == {"status": "warming", "store": "Watched"}
        with TestClient(create_app(two, store)) as second:
            for worker in (first, second):
                ready = worker.get("/readyz")
                assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_every_warmed_question_is_answered_from_the_cache_as_it_would_be_cold(
    store: Watched, reference: Reference
) -> None:
    questions = warm_questions(reference)
    with TestClient(app_on(store, 60)) as warm:
        warmth = warmer_of(warm).last
        assert warmth is not None and warmth.finished
        assert warmth.questions == len(questions) * len(WARMING) * (1 + len(WARM_LANGUAGES)) == 39 * 3 * 2 * 2 * 7
        assert warmth.lists >= 39 * 3 * 2
        searched = store.searches
        answers = {q: warm.get(path_of(q)).json() for q in questions}
        for q in questions[::7]:
            assert warm.get(path_of(q), headers=auth("professional")).status_code == 200
        for q, language in zip(questions[::5], cycle(WARM_LANGUAGES), strict=False):  # interpreting lists too
            assert warm.get(f"{path_of(q)}&language={language}").status_code == 200
        assert store.searches == searched, "a warmed question searched the store again"
    fell_back = [q for q, a in answers.items() if a["results"] and all(r["alternative"] for r in a["results"])]
    assert fell_back, "the demo has questions answered by other divisions' services: their alternatives are warm"
    cold_store = Watched()
    with TestClient(app_on(demo_store(cold_store, reference), 0)) as cold:  # type: ignore[arg-type]
        for q in [*fell_back[:5], *questions[:: len(questions) // 10]]:
            assert cold.get(path_of(q)).json() == answers[q]
        assert cold_store.searches > 0


def test_the_warm_up_counts_no_unmet_demand(store: Watched, reference: Reference) -> None:
    with TestClient(app_on(store, 60)) as client:
        assert warmer_of(client).last is not None
        client.app.state.relais.outcomes.unmet.flush()  # type: ignore[attr-defined]
        assert store.tallies(UnmetDemand) == []
        unmet = next(q for q in warm_questions(reference) if not client.get(path_of(q)).json()["results"])
        client.app.state.relais.outcomes.unmet.flush()  # type: ignore[attr-defined]
        assert store.tallies(UnmetDemand), f"a person's question that found nothing counts ({unmet})"


def test_the_deadline_is_kept_and_the_worker_is_ready(store: Watched, caplog: pytest.LogCaptureFixture) -> None:
    store.slow = 0.2  # each store search: the warm-up makes one per clearance
    with caplog.at_level(logging.INFO, logger="relais.warm"), TestClient(app_on(store, 0.25)) as client:
        warmth = warmer_of(client).last
        assert warmth is not None and not warmth.finished
        assert 0 < warmth.questions < 39 * 3 * 2 * 2
        assert warmth.seconds < 0.25 + 0.2 + 0.15  # one question (and its search) past the deadline at most
        assert client.get("/readyz").status_code == 200
    (line,) = [r.getMessage() for r in caplog.records if r.name == "relais.warm"]
    assert line.startswith(f"warm-up (start-up): {warmth.questions} questions, ")
    assert line.endswith("stopped at RELAIS_WARM_SECONDS=0.25")


def test_the_warm_up_logs_its_figures_and_no_question(store: Watched, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="relais.warm"), TestClient(app_on(store, 60)) as client:
        warmth = warmer_of(client).last
    assert warmth is not None
    (line,) = [r.getMessage() for r in caplog.records if r.name == "relais.warm"]
    assert (
        line
        == f"warm-up (start-up): {warmth.questions} questions, {warmth.lists} ranked lists in {warmth.seconds:.2f} s"
    )


def test_zero_seconds_serves_at_once_without_warming(store: Watched) -> None:
    with TestClient(app_on(store, 0)) as client:
        assert client.get("/readyz").status_code == 200
        assert store.searches == 0 and warmer_of(client).count == 0


def test_a_bulk_load_is_warmed_again_while_readyz_stays_200(
    store: Watched, reference: Reference, tmp_path: Path
) -> None:
    generate_directory(tmp_path, orgs=250, seed=5, links_per_org=1)
    bulk = read_directory(tmp_path, reference)
    question = warm_questions(reference)[40]
    with TestClient(app_on(store, 60)) as client:
        warmer = warmer_of(client)
        store.gate.clear()
        import_directory(bulk, store, reference=reference)  # more changes than the cache follows: it empties
        assert store.waiting.wait(20), "the worker warms again"
        assert client.get("/readyz").status_code == 200  # while it warms: no replica leaves the balancer
        store.gate.set()
        wait_for(lambda: warmer.count == 2)
        assert warmer.last is not None and warmer.last.finished
        searched = store.searches
        assert client.get(path_of(question)).status_code == 200
        assert store.searches == searched


def test_a_new_day_is_warmed_again(store: Watched, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ranked lists are kept per day: at midnight the worker warms the new day's."""
    relais = build(settings(), store)
    warmer = Warmer(relais, 60, every_s=0.02)
    warmer.warm("start-up")
    warmer.watch()
    try:
        time.sleep(0.1)
        assert warmer.count == 1, "nothing changed: no warm-up"
        monkeypatch.setattr(warming, "date", type("Tomorrow", (), {"today": staticmethod(lambda: date.max)}))
        wait_for(lambda: warmer.count == 2)
    finally:
        warmer.stop()


def test_the_situations_come_first_then_the_urgent_emergencies(reference: Reference) -> None:
    """Cut short, the warm-up has asked what professionals start from; every question once."""
    questions = warm_questions(reference)
    situations = 17 * 3
    assert all(q.situation and not q.urgent for q in questions[:situations])
    assert all(q.urgent for q in questions[situations : situations + len(URGENT_EARLY) * 3])
    assert {q.need or q.situation for q in questions[situations : situations + len(URGENT_EARLY) * 3]} == URGENT_EARLY
    assert len(set(questions)) == len(questions) == 39 * 3 * 2
