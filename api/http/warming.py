"""Warm before ready: each worker fills its referral ranking cache before it serves, and again after a bulk load.

**At start-up, in the lifespan** (`create_app`), not in a background thread behind a «warming» `/readyz`:
a uvicorn worker starts accepting connections only once its lifespan has finished, and the workers share
one listening socket, so no question ever reaches a cold worker — the warm ones serve, and a restarted
worker joins when it is warm. With a thread, a warm worker's `/readyz` 200 would let the balancer send
traffic that the kernel hands to the cold worker beside it (the first seconds' p99 of 1.5–3.9 s on Neo4j
at 10k). The lists made then are also long-lived objects that `gc.freeze` keeps out of later collections,
and the warm-up does not take turns on the GIL with requests. The price: while a worker warms (at most
`RELAIS_WARM_SECONDS`, then it serves whatever is done), it answers nothing, `/healthz` included — give
the process manager a start period of that length (a Kubernetes startupProbe); the load balancer sees
`/readyz` 200 only from a warm worker.

**The server is ready when every worker is** (`mark_warm`, `server_warm`): the workers warm side by side,
and the first one warm would otherwise answer `/readyz` 200 alone; a balancer's keep-alive connections then
all land on it and stay there, the others warm but idle (at Neo4j 10k: half the throughput for as long as
the connections live). Each worker of one `relais serve` leaves a mark in a folder of the server's own once
warm; `/readyz` says 503 «warming» until `RELAIS_WORKERS` marks are there. A worker replaced later adds its
own: readiness, once reached, stays (the replaced worker's connections go to the others meanwhile).

**After a bulk load, in the background** (`Warmer.watch`): when the directory's version moves and the
cache has lost at least half of its lists (an import of more than `CHANGES_LIMIT` changes, or reference
data, empties it), or at a new day (the lists are kept per day), the same questions are asked again in a
thread. `/readyz` stays 200 meanwhile: every replica sees the same import at the same moment, so a
«warming» 503 would take all of them out of the balancer at once — an outage to avoid a few slow answers,
which are still right answers. A small edit drops only the lists it reaches; those refill on demand.
"""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import date
from pathlib import Path

from api.bootstrap import Relais
from api.i18n import SPOKEN
from api.settings import Settings
from graph.errors import RelaisError
from graph.usecases.referrals import WARMING, Warmth, warm_questions

WARM_LANGUAGES = tuple(SPOKEN)[:6]
"""The languages the finder offers first (French, Dutch, German, English, Arabic, Turkish): each list's order
for a person speaking one is made on its first question, a sort of every candidate — made in the warm-up
instead, after every list in no language."""

log = logging.getLogger("relais.warm")

WATCH_EVERY_S = 1.0
"""How often a worker looks at the directory's version (one index read on Neo4j, cached 0.25 s anyway)."""


class Warmer:
    """Warms one process's referral cache (`ReferralCases.warm`), logging one line of figures each time."""

    def __init__(self, relais: Relais, seconds: float, every_s: float = WATCH_EVERY_S) -> None:
        self.relais = relais
        self.seconds = seconds
        self.every_s = every_s
        self.last: Warmth | None = None
        self.count = 0
        """Warm-ups done (the start-up's included)."""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def warm(self, why: str) -> Warmth | None:
        """One warm-up, bounded by `RELAIS_WARM_SECONDS`; its figures in the log (counts only). The store
        failing stops it (None): a worker serves cold rather than not at all, and `/readyz` tells the store's state."""
        try:
            warmth = self.relais.referrals.warm(self.seconds, self._stop.is_set, WARM_LANGUAGES)
        except RelaisError as exc:
            log.warning("warm-up (%s) stopped: %s", why, type(exc).__name__)
            return None
        level = logging.INFO if warmth.finished else logging.WARNING
        log.log(
            level,
            "warm-up (%s): %d questions, %d ranked lists in %.2f s%s",
            why,
            warmth.questions,
            warmth.lists,
            warmth.seconds,
            "" if warmth.finished else f", stopped at RELAIS_WARM_SECONDS={self.seconds:g}",
        )
        self.last = warmth
        self.count += 1
        return warmth

    def watch(self) -> None:
        """Re-warm in a background thread after a bulk load or at a new day, until `stop`."""
        self._thread = threading.Thread(target=self._watch, name="relais-warm", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _watch(self) -> None:
        version, day, kept = self.relais.store.version(), date.today(), len(self.relais.engine.cache)
        while not self._stop.wait(self.every_s):
            try:
                now, today = self.relais.store.version(), date.today()
                emptied = now != version and self._emptied(kept)
                if emptied or today != day:
                    self.warm("bulk load" if emptied else "new day")
                version, day, kept = now, today, len(self.relais.engine.cache)
            except RelaisError as exc:  # the store is away: /readyz says so; try again at the next look
                if not self._stop.is_set():
                    log.warning("warm-up watch: %s", type(exc).__name__)

    def _emptied(self, kept: int) -> bool:
        """Whether the changes since the last look took at least half of the `kept` lists: one question
        first, so the cache follows the changes as it would for a person's."""
        first = warm_questions(self.relais.reference)[0]
        self.relais.referrals.refer(WARMING[0], first, count=False)
        return len(self.relais.engine.cache) < kept / 2


def mark_warm(settings: Settings) -> None:
    """This worker is warm: its mark in the server's folder (nothing for a server of one worker)."""
    if settings.ready_dir is not None:
        (settings.ready_dir / uuid.uuid4().hex).touch()


_warm_servers: set[Path] = set()
"""The servers this process has seen warm: readiness, once reached, stays (a folder in /tmp may be cleaned)."""


def server_warm(settings: Settings) -> bool:
    """Whether every worker of the server has been warm: `settings.workers` marks in its folder (its folder gone:
    each worker serves only once warm anyway)."""
    folder = settings.ready_dir
    if folder is None or folder in _warm_servers:
        return True
    try:
        if sum(1 for _ in folder.iterdir()) < settings.workers:
            return False
    except OSError:
        pass
    _warm_servers.add(folder)
    return True
