"""Answering without waiting: the API answers a question on its event loop when the engine has it at hand,
and in a thread when it would wait (a round trip to Neo4j, a list to rank, another thread making it).

A thread hop costs ~0.2 ms, as much as a kept answer itself; most questions need neither the store nor
another thread. Within `without_waiting`, what would wait raises `WouldWait` before it starts (no query
sent, no lock held, nothing written), and the caller asks again where waiting is fine. What may be done after
the answer (a version read ahead, a count) is asked of a `Background` thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger("relais")
_here = threading.local()


class WouldWait(Exception):
    """This thread asked not to wait, and the answer needs to: a signal to its caller, never an error shown
    (outside the error tree, `graph/errors.py`)."""


@contextmanager
def without_waiting() -> Iterator[None]:
    """Within it, this thread's `may_wait` and `held` raise `WouldWait` instead of waiting."""
    before = getattr(_here, "refused", False)
    _here.refused = True
    try:
        yield
    finally:
        _here.refused = before


def may_wait() -> None:
    """Called before a round trip to a server or long work: `WouldWait` if this thread must not wait."""
    if getattr(_here, "refused", False):
        raise WouldWait


@contextmanager
def held(lock: threading.Lock) -> Iterator[None]:
    """`with lock`, for a lock held across store reads or long work: within `without_waiting`, taken only
    when free (`WouldWait` otherwise)."""
    if not lock.acquire(blocking=not getattr(_here, "refused", False)):
        raise WouldWait
    try:
        yield
    finally:
        lock.release()


class Background:
    """`work` done in one long-lived thread each time it is asked, never by the asker: `ask` only sets an
    event (starting a thread on each ask would wait for the new thread to get the GIL, ~5 ms on a busy
    event loop). Asks made while it works are one more turn. A failure is logged and the thread goes on."""

    def __init__(self, work: Callable[[], None], name: str) -> None:
        self._work = work
        self._name = name
        self._asked = threading.Event()
        self._starting = threading.Lock()
        self._generation = 0
        """Bumped by `close`: the thread of an older generation ends; the next ask starts one of this."""
        self._running = -1
        """The generation of the thread started last."""

    def ask(self) -> None:
        self._asked.set()
        if self._running != self._generation:  # the first ask, or the first after `close`, starts the thread
            with self._starting:
                if self._running != self._generation:
                    self._running = self._generation
                    threading.Thread(target=self._run, args=(self._generation,), name=self._name, daemon=True).start()

    def close(self) -> None:
        """The thread ends after its current turn (a later ask starts another)."""
        with self._starting:
            self._generation += 1
        self._asked.set()

    def _run(self, generation: int) -> None:
        while True:
            self._asked.wait()
            if generation != self._generation:
                return  # the event is left set for the thread that follows
            self._asked.clear()
            try:
                self._work()
            except Exception:  # a bug: logged, and the next ask is served
                log.exception("%s failed", self._name)
