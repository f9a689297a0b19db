"""The ranking cache: ranked candidate lists kept per directory version."""

from __future__ import annotations

import threading
from datetime import date
from typing import Generic, NamedTuple, TypeVar

from graph.models import Visibility

T = TypeVar("T")

RANKING_CACHE_SIZE = 256


class RankingKey(NamedTuple):
    """What a ranked list depends on besides the directory: the rest is the question's own points."""

    term: str
    division: str | None
    clearance: Visibility
    urgent: bool
    day: date


class RankingCache(Generic[T]):
    """Ranked lists per `RankingKey`, for one directory version at a time; bounded and thread-safe.

    A new version empties it; a list computed for an older version is not kept; when full, the
    oldest entry goes.

    >>> cache: RankingCache[list[str]] = RankingCache(size=2)
    >>> key = RankingKey("shelter", "huy", Visibility.PUBLIC, False, date(2026, 11, 3))
    >>> cache.get(1, key) is None
    True
    >>> cache.put(1, key, ["refuge-svc"])
    >>> cache.get(1, key)
    ['refuge-svc']
    >>> cache.get(2, key) is None  # the directory changed
    True
    >>> cache.put(1, key, ["stale"])  # computed before the change: dropped
    >>> len(cache)
    0
    """

    def __init__(self, size: int = RANKING_CACHE_SIZE) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._version: int | None = None
        self._lists: dict[RankingKey, T] = {}

    def get(self, version: int, key: RankingKey) -> T | None:
        """The list kept for `key` at this version (a newer version first empties the cache)."""
        with self._lock:
            if version != self._version:
                self._lists.clear()
                self._version = version
            return self._lists.get(key)

    def put(self, version: int, key: RankingKey, ranked: T) -> None:
        """Keep a list computed at `version`, unless the directory has moved on since."""
        with self._lock:
            if version != self._version:
                return
            if key not in self._lists and len(self._lists) >= self.size:
                self._lists.pop(next(iter(self._lists)))
            self._lists[key] = ranked

    def __len__(self) -> int:
        with self._lock:
            return len(self._lists)
