"""Answering without waiting: the API answers a question on its event loop when the engine has it at hand,
and in a thread when it would wait (a round trip to Neo4j, a list to rank, another thread making it).

A thread hop costs ~0.2 ms, as much as a kept answer itself; most questions need neither the store nor
another thread. Within `without_waiting`, what would wait raises `WouldWait` before it starts (no query
sent, no lock held, nothing written), and the caller asks again where waiting is fine.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

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
