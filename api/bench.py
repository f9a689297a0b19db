"""`relais bench`: load, referral latency, API overhead, HTTP throughput, analysis and map figures.

One command, one run: a table on screen and the raw figures as JSON. The machine has 2 cores and the
load generator shares them with the server; every figure says so in the JSON (`machine`).
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.bootstrap import Relais, build
from api.settings import PROJECT_ROOT, Settings
from graph.analysis import analyse, centrality
from graph.memory_store import MemoryStore
from graph.models import Organisation, Service, ServiceCandidate, TermKind, Visibility
from graph.neo4j_store import Neo4jStore
from graph.reference import Reference, load_reference
from graph.referral import ReferralQuery, Role
from graph.sqlite_store import SqliteStore
from graph.store import GraphStore
from graph.usecases import ANONYMOUS, Caller, import_directory
from loaders.directory import Directory, read_directory
from loaders.generate import PROFILES, generate_directory
from viz.network_map import render_map

TARGETS: dict[str, tuple[str, str, Callable[[float], bool]]] = {
    "load_100k_s": ("load 100k organisations + 1M links", "≤ 120 s", lambda v: v <= 120),
    "second_load_changes": ("a second identical load changes nothing", "0 changes", lambda v: v == 0),
    "referral_p95_memory_10k_ms": (
        "warm referral p95 over every situation and need × division + profiles, memory store, 10k",
        "≤ 2 ms",
        lambda v: v <= 2,
    ),
    "referral_p95_neo4j_100k_ms": (
        "warm referral p95 over every situation and need × division + profiles, Neo4j, 100k",
        "≤ 5 ms",
        lambda v: v <= 5,
    ),
    "after_capacity_update_p95_neo4j_100k_ms": (
        "referral p95, first question after one capacity update, Neo4j, 100k",
        "≤ 5 ms",
        lambda v: v <= 5,
    ),
    "after_any_edit_p95_neo4j_100k_ms": (
        "referral p95 cold after any single edit, Neo4j, 100k",
        "≤ 20 ms",
        lambda v: v <= 20,
    ),
    "restart_first_20s_p99_neo4j_10k_ms": (
        "HTTP p99 during the first 20 s of traffic after a restart (2 workers), Neo4j, 10k",
        "≤ 50 ms",
        lambda v: v <= 50,
    ),
    "centrality_5k_s": ("exact betweenness and communities at 5k organisations", "≤ 5 s", lambda v: v <= 5),
    "api_overhead_ratio": ("API overhead: API p50 / raw p50 (worst store and size)", "≤ 1.5×", lambda v: v <= 1.5),
    "gap_analysis_5k_s": ("full gap analysis at 5k organisations", "≤ 1 s", lambda v: v <= 1),
    "http_rps_100k": ("referral requests/s, 2 workers, Neo4j, 100k", "≥ 1,000/s", lambda v: v >= 1000),
    "http_p99_100k_ms": ("referral p99 under load, 2 workers, Neo4j, 100k", "≤ 50 ms", lambda v: v <= 50),
    "worker_rss_100k_mb": (
        "one API worker's memory at 100k (peak RSS, the larger of the 2 workers, Neo4j)",
        "≤ 1.5 GB",
        lambda v: v <= 1536,
    ),
    "http_rps_10k": ("referral requests/s, 2 workers, 10k", "≥ 500/s", lambda v: v >= 500),
    "http_p99_10k_ms": ("referral p99 under load, 10k", "≤ 100 ms", lambda v: v <= 100),
    "sqlite_write_p95_10k_ms": ("embedded (SQLite) store: one write p95 at 10k", "≤ 10 ms", lambda v: v <= 10),
    "sqlite_write_p95_100k_ms": ("embedded (SQLite) store: one write p95 at 100k", "≤ 10 ms", lambda v: v <= 10),
    "sqlite_writers_p99_ratio_10k": (
        "embedded store: referral p99 with 4 writers / without, 10k",
        "≤ 2×",
        lambda v: v <= 2,
    ),
    "map_1000_bytes": ("1,000-node map page size", "≤ 0.5 MB", lambda v: v <= 500_000),
    "map_1000_s": ("1,000-node map build time", "≤ 0.5 s", lambda v: v <= 0.5),
    "map_20000_s": ("20,000-node map build time", "≤ 5 s", lambda v: v <= 5),
}


@dataclass
class Run:
    quick: bool
    results: dict[str, Any] = field(default_factory=dict)
    targets: dict[str, float] = field(default_factory=dict)
    log: Callable[[str], None] = print


@contextmanager
def timer() -> Iterator[list[float]]:
    out: list[float] = []
    start = time.perf_counter()
    yield out
    out.append(time.perf_counter() - start)


def percentiles(samples_s: list[float]) -> dict[str, float]:
    ms = sorted(x * 1000 for x in samples_s)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {"p50_ms": round(q[49], 3), "p95_ms": round(q[94], 3), "p99_ms": round(q[98], 3), "n": len(ms)}


def questions(n: int, seed: int = 5) -> list[ReferralQuery]:
    """A fixed, realistic mix: situations and needs of the generated profiles, every division, some languages."""
    rng = random.Random(seed)
    situations = sorted({s for p in PROFILES.values() for s in p[0].split(";") if s})
    needs = sorted({s for p in PROFILES.values() for s in p[1].split(";") if s} - {"perpetrator-programme"})
    out = []
    for _ in range(n):
        by_need = rng.random() < 0.4
        out.append(
            ReferralQuery(
                situation=None if by_need else rng.choice(situations),
                need=rng.choice(needs) if by_need else None,
                division=rng.choice(["huy", "liege", "verviers"]),
                language=rng.choice([None, None, "nl", "de", "ar"]),
                urgent=rng.random() < 0.2,
                limit=10,
            )
        )
    return out


def every_term_everywhere(seed: int = 7) -> list[ReferralQuery]:
    """Every situation and need of the taxonomy in every division: the answers that fall back to other
    divisions are measured with the matched ones (some with a language, some urgent, as seeded)."""
    reference = load_reference()
    rng = random.Random(seed)
    return [
        ReferralQuery(
            situation=term.id if term.term_kind is TermKind.SITUATION else None,
            need=term.id if term.term_kind is TermKind.NEED else None,
            division=division,
            language=rng.choice([None, None, "nl", "de", "ar"]),
            urgent=rng.random() < 0.2,
            limit=10,
        )
        for kind in (TermKind.SITUATION, TermKind.NEED)
        for term in reference.taxonomy.of_kind(kind)
        for division in sorted(reference.geography.divisions)
    ]


def question_mix(n: int) -> list[ReferralQuery]:
    """The bench's questions: every term in every division, then `n` of the generated profiles' own."""
    return [*every_term_everywhere(), *questions(n)]


def peak_rss_mb(pid: int | None = None) -> float:
    if pid is None:
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return float("nan")
    match = re.search(r"VmHWM:\s+(\d+) kB", text)
    return round(int(match.group(1)) / 1024, 1) if match else float("nan")


def neo4j_pid() -> int | None:
    pidfile = Path(os.environ.get("RELAIS_NEO4J_HOME", Path.home() / ".cache/relais/neo4j-5.26")) / "run/neo4j.pid"
    return int(pidfile.read_text()) if pidfile.exists() else None


def open_neo4j() -> Neo4jStore | None:
    uri = os.environ.get("RELAIS_NEO4J_URI")
    if not uri:
        return None
    store = Neo4jStore(
        uri,
        os.environ.get("RELAIS_NEO4J_USER", "neo4j"),
        os.environ.get("RELAIS_NEO4J_PASSWORD", ""),
        query_timeout=600,
    )
    store.bootstrap()
    return store


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


WARM_UP_ROUNDS = (5, 12)
"""Warm-up: rounds of 5 s, at most 12, until a round's p99 is within 3× its p50 (every worker has met
every question of the mix and filled its ranking cache); the rounds are kept in the JSON."""


def _wrk_result(out: str) -> str:
    return next((x for x in out.splitlines() if x.startswith("RESULT")), "no result")


def _start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """`relais serve` with 2 workers, the public rate limit off."""
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", "2"],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env, "RELAIS_PUBLIC_SEARCHES_PER_MINUTE": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def warm_seconds() -> float:
    """The workers' warm-up bound (`RELAIS_WARM_SECONDS`) the bench gives the server: `RELAIS_BENCH_WARM_SECONDS`
    if set, else the server's own default of 60 s (the bench process's `RELAIS_WARM_SECONDS` is not passed on)."""
    return float(os.environ.get("RELAIS_BENCH_WARM_SECONDS", "60"))


READY_MARGIN_S = 600
"""Beyond the warm-up bound, what a worker may take to start (a memory-store worker loads the CSV folder)."""


def _wait_until_ready(server: subprocess.Popen[bytes], port: int, timeout_s: float) -> float | None:
    """Seconds from now until `/readyz` answers 200 (asked every 0.5 s); None if the server exits or takes too
    long. A warming worker answers nothing, not even a refusal: a connection error or a timeout is «not yet»."""
    import httpx

    started = time.monotonic()
    while time.monotonic() - started < timeout_s and server.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return round(time.monotonic() - started, 1)
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    return None


def _referral_path(q: ReferralQuery) -> str:
    """The GET path of a question of the mix.

    >>> _referral_path(ReferralQuery(need="shelter", division="huy", language="nl", urgent=True))
    '/v1/referrals?need=shelter&division=huy&language=nl&urgent=true'
    """
    return (
        f"/v1/referrals?{'need' if q.need else 'situation'}={q.need or q.situation}&division={q.division}"
        + (f"&language={q.language}" if q.language else "")
        + ("&urgent=true" if q.urgent else "")
    )


def _wrk_script(paths: list[str]) -> Path:
    """A wrk Lua script that cycles through `paths` and prints one `RESULT` line (see `_wrk_figures`)."""
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(
        "local q = {" + ",".join(json.dumps(p) for p in paths) + "}\nlocal i = 0\n"
        "request = function() i = i + 1 return wrk.format('GET', q[(i % #q) + 1]) end\n"
        "done = function(s, l, r) io.write(string.format('RESULT %d %f %f %f %d %d\\n', "
        "s.requests, s.duration / 1e6, l:percentile(50) / 1000, l:percentile(99) / 1000, "
        "s.errors.status, s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout)) "
        "end\n"
    )
    return script


def _warm_up(load: Callable[[int], str]) -> list[str]:
    """The `RESULT` lines of the warm-up rounds (see `WARM_UP_ROUNDS`)."""
    rounds: list[str] = []
    while len(rounds) < WARM_UP_ROUNDS[1]:
        rounds.append(_wrk_result(load(WARM_UP_ROUNDS[0])))
        fields = rounds[-1].split()
        if len(fields) == 7 and float(fields[4]) <= 3 * float(fields[3]):
            break
    return rounds


def _wrk_figures(line: str) -> dict[str, Any]:
    """The figures of wrk's `RESULT` line (requests, seconds, p50 ms, p99 ms, non-2xx, errors).

    >>> _wrk_figures("RESULT 1000 2.0 1.25 9.5 0 0")
    {'requests': 1000, 'rps': 500.0, 'p50_ms': 1.2, 'p99_ms': 9.5, 'non_2xx': 0, 'errors': 0}
    """
    if not line.startswith("RESULT"):
        return {"failed": line}
    requests, duration, p50, p99, non2xx, errors = line.split()[1:]
    return {
        "requests": int(requests),
        "rps": round(int(requests) / float(duration), 1),
        "p50_ms": round(float(p50), 1),
        "p99_ms": round(float(p99), 1),
        "non_2xx": int(non2xx),
        "errors": int(errors),
    }


def _worker_pids(server: subprocess.Popen[bytes]) -> list[int]:
    """The server's uvicorn workers: its spawned children (not multiprocessing's resource tracker)."""
    found = subprocess.run(["pgrep", "-P", str(server.pid), "-f", "spawn_main"], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


FIRST_SECONDS = 20
"""After a restart, the first seconds of traffic measured at once (no warm-up round before them)."""


def http_throughput(run: Run, env: dict[str, str], seconds: int) -> dict[str, Any]:
    """2 uvicorn workers and wrk on loopback (both on the same 2 cores): the time from start to `/readyz` 200
    (`ready_s`), the first `FIRST_SECONDS` of traffic right then (`first_20s`), then the warm-up rounds and
    the steady figures; and the workers' peak RSS."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return {"skipped": "wrk not installed (apt-get install wrk)"}
    port = _free_port()
    warm = warm_seconds()
    server = _start_server({**env, "RELAIS_WARM_SECONDS": f"{warm:g}"}, port)
    script = _wrk_script([_referral_path(q) for q in question_mix(200)])
    try:
        ready_s = _wait_until_ready(server, port, warm + READY_MARGIN_S)
        if ready_s is None:
            return {"skipped": "the server did not become ready", "warm_seconds": warm}

        def load(duration: int) -> str:
            command = [wrk, "-t2", "-c16", f"-d{duration}s", "--timeout", "5s", "-s", str(script)]
            return subprocess.run(
                [*command, f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=False
            ).stdout

        first = _wrk_figures(_wrk_result(load(FIRST_SECONDS)))
        warm_up = _warm_up(load)
        out = load(seconds)
        return {
            "warm_seconds": warm,
            "ready_s": ready_s,
            "first_20s": first,
            "warm_up_rounds": {"seconds_each": WARM_UP_ROUNDS[0], "wrk": warm_up},
            **_wrk_figures(_wrk_result(out)),
            "seconds": seconds,
            "connections": 16,
            "worker_peak_rss_mb": [peak_rss_mb(w) for w in _worker_pids(server)],
        }
    finally:
        script.unlink()
        _stop(server)


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Stop the server and its workers; a worker still warming answers no signal until its warm-up ends, so
    after 30 s they are killed (the 100k run of 2026-11-28 lost its figures to that)."""
    workers = _worker_pids(server)
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        server.kill()
        server.wait(timeout=30)


def api_latency(relais: Relais, mix: list[ReferralQuery]) -> dict[str, float]:
    """The same questions through the whole ASGI app (routing, auth, validation, answer, JSON), called
    in-process on one event loop: no socket and no test-client thread in the figure. The app is given
    the Relais (and its warm engine) measured raw, so the ratio between the two is the API's own cost.

    Like for like with the raw figure, which is its mix's second pass: the mix goes through the app once
    untimed (the presenter's services and reasons met, unmet demand counted once per question, as a served
    app has done after its first minutes), then once timed. The timed pass does every step a served request
    does; only what the first pass already did is not done again, as in a served app."""
    import asyncio

    from fastapi.testclient import TestClient

    from api.http.app import create_app

    app = create_app(relais=relais)

    async def call(query: ReferralQuery) -> None:
        params = {"situation": query.situation, "need": query.need, "division": query.division}
        params |= {"language": query.language, "urgent": "true" if query.urgent else None}
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": "/v1/referrals",
            "raw_path": b"/v1/referrals",
            "query_string": "&".join(f"{k}={v}" for k, v in params.items() if v).encode(),
            "headers": [(b"host", b"bench")],
            "client": ("127.0.0.1", 1),
            "server": ("bench", 80),
            "root_path": "",
            "state": {},
        }
        status: list[int] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])

        await app(scope, receive, send)
        assert status == [200], (query, status)

    async def timed() -> list[float]:
        for q in mix:  # the untimed first pass
            await call(q)
        relais.outcomes.unmet.flush()  # its counts written, as a served app's are long before its first minutes end
        samples = []
        for q in mix:
            with timer() as t:
                await call(q)
            samples.append(t[0])
        return samples

    with TestClient(app), ThreadPoolExecutor(1) as loop_thread:
        # a loop of its own, in a thread of its own: the caller may already run one (pytest, Playwright)
        return percentiles(loop_thread.submit(asyncio.run, timed()).result())


BENCH_SETTINGS = Settings(
    neo4j_uri=None,
    public_searches_per_minute=0,
    keys_file=Path("/nonexistent"),
    secret_key="bench-only-no-keys",
    warm_seconds=0,
)
"""No rate limit, no keys: the bench asks as the public does. No warm-up in the in-process app of `api_latency`:
it is given the engine already warm (a warm-up there cost a minute per store and size, and at 100k ran into the
figures after it); the served workers of `http_throughput` warm as configured."""


def bench_store(
    run: Run, n: int, kind: str, store: GraphStore, directory: Directory, folder: Path, reference: Reference
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    relais = build(BENCH_SETTINGS, store)
    rows = len(directory.records) + len(directory.links)
    with timer() as t:
        relais.load(directory, batch_size=5000)
    out["load_s"] = round(t[0], 2)
    out["load_rows_per_s"] = round(rows / t[0])
    with timer() as t:
        second = relais.load(read_directory(folder, reference), batch_size=5000)
    out["second_load_s"] = round(t[0], 2)
    out["second_load_changes"] = second.total.created + second.total.updated
    run.log(f"  {kind} {n}: load {out['load_s']} s ({out['load_rows_per_s']} rows/s), second {out['second_load_s']} s")
    with long_lived():
        _referral_figures(run, n, kind, relais, out)
    with timer() as t:
        analyse(store, reference)
    out["gap_analysis_s"] = round(t[0], 2)
    return out


@contextmanager
def long_lived() -> Iterator[None]:
    """What is loaded kept out of the collector's passes, as the served app does once loaded (`gc.freeze` in
    api/http/app.py): at 100k a full collection walks millions of records for seconds. Released after (the
    bench drops each store)."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _referral_figures(run: Run, n: int, kind: str, relais: Relais, out: dict[str, Any]) -> None:
    """Cold, warm, through the ASGI app, and after an edit: the referral figures of one store and size."""
    mix = question_mix(50 if run.quick else 200)
    for phase in ("referral_cold", "referral_raw"):  # first meeting of each question, then the steady state
        samples = []
        for q in mix:
            with timer() as t:
                relais.referrals.refer(ANONYMOUS, q, count=False)  # as the API below answers an anonymous caller
            samples.append(t[0])
        out[phase] = percentiles(samples)
        if phase == "referral_cold":  # what it kept is long-lived, as the app freezes after its warm-up
            gc.collect()
            gc.freeze()
    out["referral_api"] = api_latency(relais, mix)
    out["api_overhead_ratio"] = round(out["referral_api"]["p50_ms"] / out["referral_raw"]["p50_ms"], 2)
    # the first edits after a load meet a store whose write path is new to it (Neo4j's JIT compiles it after some
    # hundreds of writes: at 100k, 100 capacity updates right after the load p95 6.2 ms, then 3.6 ms): kept
    # apart, then the steady state that the targets read, 100 edits of each kind
    out["after_edit_first"] = after_edit_figures(relais, mix, 25 if run.quick else 200)
    out["after_edit"] = after_edit_figures(relais, mix, 25 if run.quick else 500, seed=4)
    run.log(
        f"  {kind} {n}: referral p95 cold {out['referral_cold']['p95_ms']} ms, warm {out['referral_raw']['p95_ms']} ms,"
        f" API {out['referral_api']['p95_ms']} ms; first question after a capacity update"
        f" {out['after_edit']['capacity_update']['p95_ms']} ms, any edit {out['after_edit']['any_edit']['p95_ms']} ms"
    )


BENCH_WRITER = Caller(Role.COORDINATOR, key_id="bench", route="relais bench")
WRITER_THREADS = 4
WRITER_PAUSES_S = {"stress": 0.01, "steady": 1.0}
"""Each writer thread writes, pauses, writes again: 10 ms ("stress": as fast as 4 clients can, about 30
writes/s here) or 1 s ("steady": 4 coordinators each saving every second, far above a real day)."""


@dataclass(frozen=True)
class Targets:
    """What the writers edit, read once (listing 10k services per writer would be the figure)."""

    organisations: list[Organisation]
    services: list[Service]

    @classmethod
    def of(cls, relais: Relais) -> Targets:
        hidden = Visibility.HIDDEN
        return cls(relais.store.list(Organisation), relais.store.list(Service, clearance=hidden))


def _edits(relais: Relais, targets: Targets, count: int, seed: int) -> Iterator[Callable[[], object]]:
    """Single writes through the use cases, alternating an organisation update and a capacity update."""
    rng = random.Random(seed)
    orgs, services = targets.organisations, targets.services
    for i in range(count):
        if i % 2 == 0:
            org = rng.choice(orgs)
            renamed = org.model_copy(update={"name": f"{org.name.split(' ·')[0]} · {seed}-{i}"})
            yield lambda org=renamed: relais.directory.save_organisation(BENCH_WRITER, org)  # type: ignore[misc]
        else:
            sid, places = rng.choice(services).id, rng.randint(0, 20)
            yield lambda sid=sid, n=places: relais.directory.set_capacity(BENCH_WRITER, sid, n, 20)  # type: ignore[misc]


EDIT_KINDS = ("capacity", "language", "organisation renamed", "need given", "location moved")
"""The single edits measured: a shelter's places and a service's languages (re-ranked in place), an
organisation renamed (its lists computed again), a need given to a service (it moves: the lists it was
in and those it may enter), a location moved to another commune (its services' lists)."""


def after_edit_figures(relais: Relais, mix: list[ReferralQuery], rounds: int, seed: int = 3) -> dict[str, Any]:
    """The first question after one edit that reaches its answer (the edit itself not timed): warm, then
    an edit of a service, organisation or location that answer shows, then the same question again."""
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {kind: [] for kind in EDIT_KINDS}
    geography = relais.reference.geography
    communes = sorted(c.id for c in geography.communes.values() if c.division in geography.divisions)
    for i in range(rounds):
        q = rng.choice(mix)
        shown = relais.referrals.refer(ANONYMOUS, q, count=False).results
        if not shown:
            continue
        kind = EDIT_KINDS[i % len(EDIT_KINDS)]
        _edit_shown(relais, kind, rng.choice(shown).candidate, rng, communes)
        with timer() as t:
            relais.referrals.refer(ANONYMOUS, q, count=False)
        samples[kind].append(t[0])
    every = [x for kind in EDIT_KINDS for x in samples[kind]]
    return {
        "capacity_update": percentiles(samples["capacity"]),
        "any_edit": percentiles(every),
        "by_kind": {kind: percentiles(found) for kind, found in samples.items() if len(found) > 1},
    }


def _edit_shown(relais: Relais, kind: str, shown: ServiceCandidate, rng: random.Random, communes: list[str]) -> None:
    """One edit of `kind` through the use cases, of what a shown candidate is made of."""
    directory, service = relais.directory, relais.directory.service(BENCH_WRITER, shown.service.id)
    if kind == "capacity":
        directory.set_capacity(BENCH_WRITER, service.id, rng.randint(0, 20), 20)
    elif kind == "language":
        languages = tuple(sorted({*service.languages, rng.choice(["nl", "de", "ar", "en"])}))
        directory.save_service(BENCH_WRITER, service.model_copy(update={"languages": languages}))
    elif kind == "organisation renamed":
        org = directory.organisation(shown.organisation.id)
        directory.save_organisation(
            BENCH_WRITER, org.model_copy(update={"name": f"{org.name.split(' ·')[0]} · {kind}"})
        )
    elif kind == "need given":
        needs = tuple(sorted({*service.needs, rng.choice(["legal-advice", "psychological-support"])}))
        directory.save_service(BENCH_WRITER, service.model_copy(update={"needs": needs}))
    elif shown.locations:
        place = directory.location(BENCH_WRITER, shown.locations[0].id)
        directory.save_location(BENCH_WRITER, place.model_copy(update={"commune": rng.choice(communes)}))


def _referral_samples(relais: Relais, mix: list[ReferralQuery], seconds: float) -> list[float]:
    """The mix, round after round, until `seconds` have passed (the writers need time to write); the clock
    is read after every question, not every round: at 100k a round of cold questions would take minutes."""
    samples: list[float] = []
    ends = time.monotonic() + seconds
    while True:
        for q in mix:
            with timer() as t:
                relais.referrals.refer(ANONYMOUS, q, count=False)
            samples.append(t[0])
            if time.monotonic() >= ends:
                return samples


def embedded_store_figures(run: Run, n: int, directory: Directory, folder: Path) -> dict[str, Any]:
    """The SQLite store at `n` organisations: load, one write's latency (organisation update, capacity
    update; each one transaction with its fsync), and the referral p99 alone and with 4 writer threads
    (each phase bounded in time, 100k included)."""
    store = SqliteStore(folder / "bench-store.db")
    relais = build(BENCH_SETTINGS, store)
    try:
        out: dict[str, Any] = {}
        with timer() as t:
            relais.load(directory, batch_size=5000)
        out["load_s"] = round(t[0], 2)
        writes = {"organisation_update": [], "capacity_update": []}  # type: dict[str, list[float]]
        targets = Targets.of(relais)
        for i, edit in enumerate(_edits(relais, targets, 100 if run.quick else 400, seed=1)):
            with timer() as t:
                edit()
            writes["organisation_update" if i % 2 == 0 else "capacity_update"].append(t[0])
        out["write"] = {kind: percentiles(samples) for kind, samples in writes.items()}
        out["write_all"] = percentiles(writes["organisation_update"] + writes["capacity_update"])
        mix = question_mix(50 if run.quick else 200)
        seconds = 1.0 if run.quick else 10.0
        for q in mix:  # warm: every question once
            relais.referrals.refer(ANONYMOUS, q, count=False)
        out["referral_alone"] = percentiles(_referral_samples(relais, mix, seconds))
        for pace, pause in WRITER_PAUSES_S.items():
            figures, writes_made = _with_writers(relais, targets, mix, seconds, pause)
            out[f"referral_with_writers_{pace}"] = {**figures, "writes": writes_made}
        alone, busy = out["referral_alone"]["p99_ms"], out["referral_with_writers_stress"]["p99_ms"]
        out["writers_p99_ratio"] = round(busy / alone, 2)
        out["writers_p99_ratio_steady"] = round(out["referral_with_writers_steady"]["p99_ms"] / alone, 2)
        out["file_mb"] = round(store.path.stat().st_size / 1e6, 1)
        run.log(
            f"  sqlite {n}: load {out['load_s']} s, write p95 {out['write_all']['p95_ms']} ms;"
            f" referral p99 {alone} ms alone,"
            f" {busy} ms with {WRITER_THREADS} writers ({out['referral_with_writers_stress']['writes']} writes),"
            f" {out['referral_with_writers_steady']['p99_ms']} ms with steady writers"
        )
        return out
    finally:
        relais.close()


def _with_writers(
    relais: Relais, targets: Targets, mix: list[ReferralQuery], seconds: float, pause: float
) -> tuple[dict[str, float], int]:
    """Referral latency while `WRITER_THREADS` threads write; and how many writes they made meanwhile."""
    stop = threading.Event()
    done = [0] * WRITER_THREADS

    def writer(k: int) -> None:
        for edit in _edits(relais, targets, 10**9, seed=100 + k):
            if stop.is_set():
                return
            edit()
            done[k] += 1
            stop.wait(pause)

    threads = [threading.Thread(target=writer, args=(k,), daemon=True) for k in range(WRITER_THREADS)]
    for th in threads:
        th.start()
    try:
        samples = _referral_samples(relais, mix, seconds)
    finally:
        stop.set()
        for th in threads:
            th.join()
    return percentiles(samples), sum(done)


def _machine(neo4j: Neo4jStore | None) -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "note": "load generator and server share the same 2 cores",
        "neo4j": neo4j.memory_settings() if neo4j is not None else None,
    }


def _empty_store(neo4j: Neo4jStore | None) -> GraphStore:
    """The Neo4j store wiped, or a new memory store when there is no server."""
    if neo4j is None:
        return MemoryStore()
    neo4j.wipe()
    return neo4j


def _stores(neo4j: Neo4jStore | None) -> list[tuple[str, GraphStore]]:
    """The stores to measure: always a memory store, and the wiped Neo4j store when there is a server."""
    stores: list[tuple[str, GraphStore]] = [("memory", MemoryStore())]
    if neo4j is not None:
        stores.append(("neo4j", _empty_store(neo4j)))
    return stores


def _server_env(kind: str, folder: Path) -> dict[str, str]:
    """What `relais serve` needs to answer from the same data: the Neo4j server, or the generated folder."""
    if kind == "neo4j":
        return {"RELAIS_NEO4J_URI": os.environ["RELAIS_NEO4J_URI"]}
    # a file of its own, seeded from the generated folder (never the user's var/relais.db)
    return {"RELAIS_NEO4J_URI": "", "RELAIS_DATA_DIR": str(folder), "RELAIS_STORE_FILE": str(folder / "served.db")}


def _per_row_vs_batched(directory: Directory, neo4j: Neo4jStore | None, reference: Reference) -> dict[str, Any]:
    """The first 1,000 records written one per batch, then in one batch, each into an empty store."""
    sample = Directory(directory.records[:1000], [], {})
    per_row = _empty_store(neo4j)
    with timer() as t1:
        import_directory(sample, per_row, reference=reference, batch_size=1)
    batched = _empty_store(neo4j)
    with timer() as t2:
        import_directory(sample, batched, reference=reference, batch_size=1000)
    return {
        "store": "neo4j" if neo4j else "memory",
        "per_row_s": round(t1[0], 2),
        "batched_s": round(t2[0], 2),
        "ratio": round(t1[0] / t2[0], 1),
    }


def bench_size(run: Run, n: int, folder: Path, reference: Reference, neo4j: Neo4jStore | None) -> dict[str, Any]:
    """Generate and validate `n` organisations, then measure every store; in a full run HTTP too (Neo4j at
    every size: its workers read the store; the memory store up to 10k: its workers each load the CSV)."""
    with timer() as t:
        counts = generate_directory(folder, orgs=n, seed=1, links_per_org=10)
    run.log(f"generated {n} organisations, {counts['links']} links in {t[0]:.1f} s")
    with timer() as t:
        directory = read_directory(folder, reference)
    entry: dict[str, Any] = {"generated": counts, "validate_s": round(t[0], 2)}
    entry["sqlite"] = embedded_store_figures(run, n, directory, folder)
    for kind, store in _stores(neo4j):
        entry[kind] = bench_store(run, n, kind, store, directory, folder, reference)
        if not run.quick and (kind == "neo4j" or n <= 10_000):  # a memory-store worker would load 100k from CSV
            entry[kind]["http"] = http_throughput(run, _server_env(kind, folder), 20)
            run.log(f"  {kind} {n}: HTTP {_http_line(entry[kind]['http'])}")
    if n == 1000:
        entry["per_row_vs_batched"] = _per_row_vs_batched(directory, neo4j, reference)
    entry["peak_rss_mb"] = {"bench_process": peak_rss_mb(), "neo4j": peak_rss_mb(neo4j_pid())}
    return entry


def _http_line(http: dict[str, Any]) -> str:
    """The HTTP figures of the run's log, one line.

    >>> line = _http_line({"ready_s": 4.5, "first_20s": {"rps": 900.0, "p50_ms": 10.0, "p99_ms": 40.0},
    ...     "rps": 1200.0, "p50_ms": 12.0, "p99_ms": 30.0, "non_2xx": 0, "errors": 0, "worker_peak_rss_mb": [300.0]})
    >>> line.split("; ")[:2]
    ['ready in 4.5 s', 'first 20 s: 900.0/s, p50 10.0 ms, p99 40.0 ms']
    """
    if "rps" not in http:
        return str(http)
    first = http["first_20s"]
    return (
        f"ready in {http['ready_s']} s; first {FIRST_SECONDS} s: {first.get('rps')}/s, p50 {first.get('p50_ms')} ms,"
        f" p99 {first.get('p99_ms')} ms; steady: {http['rps']}/s, p50 {http['p50_ms']} ms, p99 {http['p99_ms']} ms"
        f" ({http['non_2xx']} non-2xx, {http['errors']} errors);"
        f" workers peak RSS {', '.join(str(m) for m in http['worker_peak_rss_mb'])} MB"
    )


def bench(quick: bool, sizes: list[int], out_dir: Path, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Every figure of the run, with the targets evaluated; saved as JSON in `out_dir` (its path under "json")."""
    run = Run(quick=quick, log=log)
    partial = out_dir / "bench-partial.json"
    reference = load_reference()
    neo4j = open_neo4j()
    try:
        started = datetime.now(UTC).isoformat(timespec="seconds")
        results: dict[str, Any] = {"date": started, "quick": quick, "machine": _machine(neo4j), "runs": {}}
        with tempfile.TemporaryDirectory() as tmp:
            # first, while the process holds nothing else: later it holds the 100k stores, whose millions
            # of objects every garbage collection walks (the gap analysis at 5k: 1.6 s alone, 2.0 s then)
            results["maps"] = map_figures(reference, Path(tmp), quick)
            results["analysis"] = analysis_figures(reference, Path(tmp), quick, log)
            for n in sizes:
                results["runs"][str(n)] = bench_size(run, n, Path(tmp) / f"gen-{n}", reference, neo4j)
                save(results, partial)  # a long run keeps what it measured so far
        results["targets"] = evaluate(results)
        path = out_dir / f"bench-{'quick' if quick else 'full'}-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
        save(results, path)
        partial.unlink(missing_ok=True)
        results["json"] = str(path)
        return results
    finally:  # also when a measurement fails: no driver left open
        if neo4j is not None:
            neo4j.close()


def save(results: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")


def _cpu_s() -> float:
    """This process's CPU time and its finished children's: at 5k the betweenness runs in two helper processes."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def generated_store(folder: Path, orgs: int, seed: int, links_per_org: int, reference: Reference) -> MemoryStore:
    generate_directory(folder, orgs=orgs, seed=seed, links_per_org=links_per_org)
    store = MemoryStore()
    import_directory(read_directory(folder, reference), store, reference=reference, batch_size=10_000)
    return store


def map_figures(reference: Reference, tmp: Path, quick: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for nodes in (1000,) if quick else (1000, 20_000):
        snapshot = generated_store(tmp / f"map-{nodes}", nodes, 3, 5, reference).snapshot()
        with timer() as t:
            page = render_map(snapshot, asset_url="/static/vis-network.min.js")
        out[str(nodes)] = {"build_s": round(t[0], 3), "bytes": len(page.encode()), "aggregated": "vue agrégée" in page}
    return out


def analysis_figures(reference: Reference, tmp: Path, quick: bool, log: Callable[[str], None]) -> dict[str, Any]:
    """Gap analysis (snapshot included) and centrality (exact betweenness ≤ 5,000, Louvain), on the memory store."""
    out: dict[str, Any] = {}
    for orgs in (1000,) if quick else (1000, 5000):
        store = generated_store(tmp / f"analysis-{orgs}", orgs, 4, 10, reference)
        with timer() as t:
            analyse(store, reference)
        snapshot = store.snapshot()
        cpu = _cpu_s()  # beside the wall time: the machine is shared with the load generators
        with timer() as c:
            metrics = centrality(snapshot)
        cpu = _cpu_s() - cpu
        out[str(orgs)] = {
            "gap_analysis_s": round(t[0], 2),
            "centrality_s": round(c[0], 3),  # igraph: tens of milliseconds at 1k
            "centrality_cpu_s": round(cpu, 3),
            "betweenness_sample": metrics["betweenness_sample"],
        }
        log(f"analysis {orgs}: {out[str(orgs)]}")
    return out


def _worker_rss(http: Any) -> float | None:
    """The larger peak RSS of the HTTP workers (MB), None when HTTP was not measured."""
    sizes = http.get("worker_peak_rss_mb", []) if isinstance(http, dict) else []
    return max((m for m in sizes if m == m), default=None)  # m == m: NaN (a worker gone) left out


def _measured(results: dict[str, Any]) -> dict[str, float | None]:
    """Each target's figure in the run's results (None: not measured by this run)."""
    runs = results["runs"]

    def get(*path: str) -> float | None:
        value: Any = runs
        for p in path:
            if not isinstance(value, dict) or p not in value:
                return None
            value = value[p]
        return float(value) if isinstance(value, int | float) else None

    def worst(*path: str) -> float | None:
        return max((v for k in runs for s in ("memory", "neo4j") if (v := get(k, s, *path)) is not None), default=None)

    after_edit = ("100000", "neo4j", "after_edit")
    return {
        "load_100k_s": get("100000", "neo4j", "load_s"),
        "second_load_changes": worst("second_load_changes"),
        "referral_p95_memory_10k_ms": get("10000", "memory", "referral_raw", "p95_ms"),
        "referral_p95_neo4j_100k_ms": get("100000", "neo4j", "referral_raw", "p95_ms"),
        "after_capacity_update_p95_neo4j_100k_ms": get(*after_edit, "capacity_update", "p95_ms"),
        "after_any_edit_p95_neo4j_100k_ms": get(*after_edit, "any_edit", "p95_ms"),
        "restart_first_20s_p99_neo4j_10k_ms": get("10000", "neo4j", "http", "first_20s", "p99_ms"),
        "centrality_5k_s": results["analysis"].get("5000", {}).get("centrality_s"),
        "api_overhead_ratio": worst("api_overhead_ratio"),
        "gap_analysis_5k_s": results["analysis"].get("5000", {}).get("gap_analysis_s"),
        "http_rps_100k": get("100000", "neo4j", "http", "rps"),
        "http_p99_100k_ms": get("100000", "neo4j", "http", "p99_ms"),
        "worker_rss_100k_mb": _worker_rss(runs.get("100000", {}).get("neo4j", {}).get("http")),
        "http_rps_10k": get("10000", "neo4j", "http", "rps") or get("10000", "memory", "http", "rps"),
        "http_p99_10k_ms": get("10000", "neo4j", "http", "p99_ms") or get("10000", "memory", "http", "p99_ms"),
        "sqlite_write_p95_10k_ms": get("10000", "sqlite", "write_all", "p95_ms"),
        "sqlite_write_p95_100k_ms": get("100000", "sqlite", "write_all", "p95_ms"),
        "sqlite_writers_p99_ratio_10k": get("10000", "sqlite", "writers_p99_ratio"),
        "map_1000_bytes": results["maps"].get("1000", {}).get("bytes"),
        "map_1000_s": results["maps"].get("1000", {}).get("build_s"),
        "map_20000_s": results["maps"].get("20000", {}).get("build_s"),
    }


def evaluate(results: dict[str, Any]) -> dict[str, Any]:
    """Every target of `TARGETS`: what, wanted, measured, and met / missed / not measured."""
    measured = _measured(results)

    def status(key: str) -> str:
        value = measured[key]
        return "not measured" if value is None else ("met" if TARGETS[key][2](value) else "missed")

    return {
        key: {"what": what, "target": wanted, "measured": measured[key], "status": status(key)}
        for key, (what, wanted, _) in TARGETS.items()
    }
