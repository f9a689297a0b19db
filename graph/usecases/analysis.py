"""Coordinators' questions about the network: the gap analysis and centrality, once per directory version
(and per version of the recorded referrals, which the snapshot's referral flows include).

Computed when a directory version is first asked about and kept, so no request recomputes it while
nothing changed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any, TypeVar

from graph.analysis import GapReport, analyse, centrality, gc_paused
from graph.models import ReferralTally
from graph.reference import Reference
from graph.store import GraphStore

T = TypeVar("T")


class AnalysisCache:
    """The gap analysis per directory version and day; centrality (slow) only once somebody asks for it."""

    def __init__(self, store: GraphStore, reference: Reference) -> None:
        self.store = store
        self.reference = reference
        self._lock = threading.Lock()
        self._centrality_lock = threading.Lock()
        self._key: tuple[int, int, date] | None = None
        self._value: tuple[GapReport, Any] | None = None
        self._centrality: dict[str | None, dict[str, Any]] = {}
        self._rendered: dict[Hashable, Any] = {}
        self._rendered_lock = threading.Lock()

    def get(self) -> tuple[GapReport, Any]:
        """(report, snapshot) for the current version of the directory."""
        report, snapshot, _ = self._current()
        return report, snapshot

    def centrality(self, division: str | None) -> dict[str, Any]:
        """Under its own lock: seconds of betweenness at a few thousand organisations must not hold up the gaps."""
        _, snapshot, computed = self._current()
        with self._centrality_lock:
            if division not in computed:  # `computed` belongs to this snapshot, even if a newer one came
                computed[division] = centrality(snapshot, division)
            return computed[division]

    def rendered(self, key: Hashable, render: Callable[[GapReport, Any], T]) -> T:
        """A view of the analysis (heatmap, map, report, export) rendered once per directory version:
        a client asking for it again and again costs a dictionary lookup, not a rendering."""
        report, snapshot, _ = self._current()
        with self._lock:
            views = self._rendered
        with self._rendered_lock:
            if key not in views:
                views[key] = render(report, snapshot)
            return views[key]  # type: ignore[no-any-return]

    def _current(self) -> tuple[GapReport, Any, dict[str | None, dict[str, Any]]]:
        key = (self.store.version(), self.store.tally_version(ReferralTally), date.today())
        with self._lock:
            if self._value is None or key != self._key:
                with gc_paused():  # the snapshot too: it is most of the objects the analysis allocates
                    snapshot = self.store.snapshot()
                    self._value = (analyse(self.store, self.reference, snapshot=snapshot), snapshot)
                self._key = key
                self._centrality = {}
                self._rendered = {}
            return (*self._value, self._centrality)
