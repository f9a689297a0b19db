"""The in-memory store: records in dicts, the cooperation network in networkx, a term index.

Nothing is persisted: it is the store of unit tests and benchmarks, and the in-memory view that the
SQLite store (`graph.sqlite_store`) serves its reads from. The view is changed only through `_put`,
`_drop`, `_put_links` and `_drop_link`, which keep the term index and the cooperation graph in step;
the primitives add the change log, so a persistent subclass can reuse the view and log elsewhere.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

import networkx as nx

from graph.errors import Conflict
from graph.models import (
    ENTITY_TYPES,
    LINK_TYPES,
    MAX_COUNT,
    TALLY_TYPES,
    Change,
    Commune,
    Cooperation,
    CooperationKind,
    ErrorReport,
    Link,
    LinkStatus,
    Location,
    Organisation,
    Platform,
    Record,
    ReportStatus,
    Service,
    ServiceCandidate,
    Status,
    Tally,
    Term,
    Training,
    link_ends,
)
from graph.store import Changed, GraphStore, Wanted, changed_fields, purge_diff

R = TypeVar("R", bound=Record)
L = TypeVar("L", bound=Link)
T = TypeVar("T", bound=Tally)

PLACEMENT_FREE: frozenset[type[Record]] = frozenset({Organisation, Platform, Training, Term})
"""Kinds a service's placement (its locations, their divisions, the divisions it reaches) never reads."""


def bfs_tree(graph: nx.Graph, origin: str, hops: int) -> dict[str, tuple[int, str]]:
    """(distance, parent) of the nodes within `hops` of `origin`, level by level; the parent is the smallest
    id among the neighbours one level closer.

    >>> bfs_tree(nx.Graph([("a", "c"), ("a", "b"), ("b", "d"), ("c", "d"), ("d", "e")]), "a", 2)
    {'c': (1, 'a'), 'b': (1, 'a'), 'd': (2, 'b')}
    """
    tree: dict[str, tuple[int, str]] = {}
    seen = {origin}
    frontier = [origin] if origin in graph else []
    for distance in range(1, hops + 1):
        parents: dict[str, str] = {}
        for node in frontier:
            for n in graph.neighbors(node):
                if n not in seen and (n not in parents or node < parents[n]):
                    parents[n] = node
        seen.update(parents)
        tree.update((n, (distance, parent)) for n, parent in parents.items())
        frontier = list(parents)
    return tree


class MemoryStore(GraphStore):
    reads_in_memory = True

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._records: dict[type[Record], dict[str, Record]] = {k: {} for k in ENTITY_TYPES}
        self._links: dict[type[Link], dict[tuple[str, ...], Link]] = {k: {} for k in LINK_TYPES}
        self._changes: list[Change] = []
        self._meta: dict[str, str] = {}
        self._reports: dict[str, ErrorReport] = {}
        self._tallies: dict[type[Tally], dict[tuple[str, ...], Tally]] = {k: {} for k in TALLY_TYPES}
        self._tally_versions: dict[type[Tally], int] = dict.fromkeys(TALLY_TYPES, 0)
        self._cooperation = nx.Graph()
        self._services_by_term: dict[str, set[str]] = {}
        """Candidate lookup: term -> ids of the services that address or meet it."""
        self._owned: dict[type[Record], dict[str, set[str]]] = {Service: {}, Location: {}}
        """An organisation's services and locations: kind -> organisation id -> ids (a list by organisation
        reads its own, not every service)."""
        self._placement: dict[str, tuple[tuple[Location, ...], tuple[str, ...], frozenset[str]]] = {}
        """Derived from services, locations and communes; emptied by every write."""

    # --- the view ----------------------------------------------------------------------------------

    def _index(self, old: Record | None, new: Record | None) -> None:
        """Keep the term and organisation indexes in step with a service or location being replaced, added
        or removed."""
        if isinstance(old, Service | Location):
            self._owned[type(old)].get(old.organisation_id, set()).discard(old.id)
        if isinstance(new, Service | Location):
            self._owned[type(new)].setdefault(new.organisation_id, set()).add(new.id)
        if isinstance(old, Service):
            for term in old.terms():
                self._services_by_term.get(term, set()).discard(old.id)
        if isinstance(new, Service):
            for term in new.terms():
                self._services_by_term.setdefault(term, set()).add(new.id)

    def _put(self, kind: type[Record], records: Sequence[Record]) -> None:
        """Create or replace records in the view (the caller holds the lock). The placement cache loses
        only what the records change: a service its own entry (a capacity update must not make every
        candidate's placement be computed again), an organisation, platform or training nothing."""
        if kind is Service:
            for r in records:
                self._placement.pop(r.id, None)
        elif kind not in PLACEMENT_FREE:
            self._placement.clear()
        for r in records:
            if kind is Service or kind is Location:
                self._index(self._records[kind].get(r.id), r)
            self._records[kind][r.id] = r
            if kind is Organisation:
                self._cooperation.add_node(r.id)

    def _drop(self, kind: type[Record], id: str) -> bool:
        """Remove a record from the view; an organisation takes its services, locations and links."""
        self._placement.clear()
        if id not in self._records[kind]:
            return False
        self._index(self._records[kind].pop(id), None)
        if kind is Organisation:
            for owned in (Service, Location):
                table = self._records[owned]
                for rid in [rid for rid, r in table.items() if getattr(r, "organisation_id", None) == id]:
                    self._index(table.pop(rid), None)
            for link_kind, table_links in self._links.items():
                for key in [k for k, x in table_links.items() if id in link_ends(x)]:
                    del self._links[link_kind][key]
            if id in self._cooperation:
                self._cooperation.remove_node(id)
        return True

    def _put_links(self, kind: type[Link], links: Sequence[Link]) -> None:
        for link in links:
            self._links[kind][link.key()] = link
            if isinstance(link, Cooperation):
                self._follow_cooperation(link.a, link.b)

    def _drop_link(self, kind: type[Link], key: tuple[str, ...]) -> bool:
        link = self._links[kind].pop(key, None)
        if link is None:
            return False
        if isinstance(link, Cooperation):
            self._follow_cooperation(link.a, link.b)
        return True

    def _follow_cooperation(self, a: str, b: str) -> None:
        """The networkx view has an edge where a confirmed cooperation joins a and b (pending ones wait)."""
        table = self._links[Cooperation]
        confirmed = any(
            isinstance(x := table.get((Cooperation.kind, a, b, kind)), Cooperation) and x.status is LinkStatus.CONFIRMED
            for kind in CooperationKind
        )
        if confirmed:
            self._cooperation.add_edge(a, b)
        elif self._cooperation.has_edge(a, b):
            self._cooperation.remove_edge(a, b)

    def _clear(self) -> None:
        """Empty the view (a persistent subclass reloading everything)."""
        for table in self._records.values():
            table.clear()
        for links in self._links.values():
            links.clear()
        self._cooperation.clear()
        self._services_by_term.clear()
        for owned in self._owned.values():
            owned.clear()
        self._placement.clear()

    # --- lifecycle -----------------------------------------------------------------------------------

    def bootstrap(self) -> None:
        """Nothing to create: the memory store has no schema."""

    def ping(self) -> None:
        """Always reachable."""

    def close(self) -> None:
        """Nothing to release."""

    def meta(self) -> dict[str, str]:
        with self._lock:
            return dict(self._meta)

    def set_meta(self, values: dict[str, str]) -> None:
        with self._lock:
            self._meta.update(values)

    # --- primitives ----------------------------------------------------------------------------------

    def _fetch(self, kind: type[R], ids: Sequence[str] | None, organisation_id: str | None) -> list[R]:
        with self._lock:
            table = self._records[kind]
            if organisation_id is not None and kind in self._owned:
                owned = self._owned[kind].get(organisation_id, set())
                ids = [i for i in ids if i in owned] if ids is not None else list(owned)
            found = [table[i] for i in ids if i in table] if ids is not None else list(table.values())
        if organisation_id is not None:
            found = [r for r in found if getattr(r, "organisation_id", None) == organisation_id]
        return sorted(found, key=lambda r: r.id)  # type: ignore[arg-type]

    def _hashes(self, kind: type[Record], ids: Sequence[str]) -> dict[str, str]:
        with self._lock:
            table = self._records[kind]
            return {i: table[i].content_hash() for i in ids if i in table}

    def _write(self, kind: type[Record], records: Sequence[Record], changes: Sequence[Change]) -> None:
        with self._lock:
            self._put(kind, records)
            self._changes.extend(changes)

    def _delete(self, kind: type[Record], id: str, changes: Sequence[Change]) -> bool:
        with self._lock:
            if not self._drop(kind, id):
                return False
            self._changes.extend(changes)
            return True

    def _purge_changes(self, text: str, log: Callable[[int], Change]) -> int:
        with self._lock:
            purged = 0
            for i, change in enumerate(self._changes):
                cleaned = purge_diff(change.diff, text)
                if cleaned is not None:
                    self._changes[i] = change.model_copy(update={"diff": cleaned})
                    purged += 1
            self._changes.append(log(purged))
            return purged

    def _add_report(self, report: ErrorReport) -> None:
        with self._lock:
            if report.id in self._reports:
                raise Conflict(f"an error report «{report.id}» exists already")
            self._reports[report.id] = report

    def _fetch_reports(
        self, status: ReportStatus | None, organisation_id: str | None, report_id: str | None
    ) -> list[ErrorReport]:
        with self._lock:
            if report_id is not None:
                found = [self._reports[report_id]] if report_id in self._reports else []
            else:
                found = list(self._reports.values())
            return [
                r
                for r in found
                if (status is None or r.status is status) and organisation_id in (None, r.organisation_id)
            ]

    def _close_report(self, closed: ErrorReport, change: Change) -> bool:
        with self._lock:
            stored = self._reports.get(closed.id)
            if stored is None or stored.status is not ReportStatus.OPEN:
                return False
            self._reports[closed.id] = closed
            self._changes.append(change)
            return True

    def _add_tallies(self, tallies: Sequence[Tally]) -> None:
        with self._lock:
            for tally in tallies:
                cells, key = self._tallies[type(tally)], tally.key()
                count = min(MAX_COUNT, (cells[key].count if key in cells else 0) + tally.count)
                cells[key] = tally.model_copy(update={"count": count})
                self._tally_versions[type(tally)] += 1

    def _replace_tallies(self, kind: type[Tally], scope: str, expected: Sequence[Tally], new: Sequence[Tally]) -> bool:
        with self._lock:
            cells = self._tallies[kind]
            stored = {k: t.count for k, t in cells.items() if t.scope() == scope}
            if stored != {t.key(): t.count for t in expected if t.count}:
                return False
            for key in stored:
                del cells[key]
            cells.update((t.key(), t) for t in new)
            self._tally_versions[kind] += 1
            return True

    def _fetch_tallies(self, kind: type[T], scope: str | None) -> list[T]:
        with self._lock:
            cells = self._tallies[kind].values()
            return [t for t in cells if scope is None or t.scope() == scope]  # type: ignore[misc]

    def _drop_tallies(self, before: str) -> int:
        with self._lock:
            gone = 0
            for kind, cells in self._tallies.items():
                old = [k for k, t in cells.items() if t.month < before]
                for key in old:
                    del cells[key]
                gone += len(old)
                self._tally_versions[kind] += bool(old)
            return gone

    def tally_version(self, kind: type[Tally]) -> int:
        with self._lock:
            return self._tally_versions[kind]

    def _link_hashes(self, kind: type[Link], keys: Sequence[tuple[str, ...]]) -> dict[tuple[str, ...], str]:
        with self._lock:
            table = self._links[kind]
            return {k: table[k].content_hash() for k in keys if k in table}

    def _write_links(self, kind: type[Link], links: Sequence[Link], changes: Sequence[Change]) -> None:
        with self._lock:
            self._put_links(kind, links)
            self._changes.extend(changes)

    def _remove_link(self, link: Link, change: Change) -> bool:
        with self._lock:
            if not self._drop_link(type(link), link.key()):
                return False
            self._changes.append(change)
            return True

    def _fetch_links(self, kind: type[L], organisation_id: str | None) -> list[L]:
        with self._lock:
            found = [
                x for x in self._links[kind].values() if organisation_id is None or organisation_id in link_ends(x)
            ]
        return sorted(found, key=lambda x: x.key())  # type: ignore[arg-type]

    def _partner_tree(self, organisation_id: str, hops: int) -> dict[str, tuple[int, str]] | None:
        with self._lock:
            if organisation_id not in self._records[Organisation]:
                return None
            return bfs_tree(self._cooperation, organisation_id, hops)

    def _shortest_paths(self, from_id: str, to_id: str, max_hops: int) -> list[list[str]]:
        with self._lock:
            try:
                paths = [list(p) for p in nx.all_shortest_paths(self._cooperation, from_id, to_id)]
            except nx.NetworkXNoPath:
                return []
        return [p for p in paths if len(p) - 1 <= max_hops]

    def _candidates(self, wanted: Wanted) -> list[ServiceCandidate]:
        divisions, audiences, language = wanted.divisions, wanted.audiences, wanted.language
        with self._lock:
            orgs = self._records[Organisation]
            services = self._records[Service]
            if wanted.services is None:
                ids = sorted({i for term in wanted.terms for i in self._services_by_term.get(term, ())})
            else:  # a kept ranking re-reading a few services: by id, not the whole term
                terms = set(wanted.terms)
                ids = [
                    i
                    for i in wanted.services
                    if isinstance(found := services.get(i), Service) and not terms.isdisjoint(found.terms())
                ]
            out = []
            for s in (services[i] for i in ids):
                assert isinstance(s, Service)
                org = orgs[s.organisation_id]
                assert isinstance(org, Organisation)
                if s.status is not Status.ACTIVE or org.status is not Status.ACTIVE:
                    continue
                if audiences is not None and s.audiences and not set(s.audiences) & set(audiences):
                    continue
                if language is not None and language not in s.languages:
                    continue
                locs, located_in, reach = self._placed(s)
                if divisions is not None and s.area_scope.value == "local" and not reach & set(divisions):
                    continue
                out.append(ServiceCandidate(service=s, organisation=org, locations=locs, located_in=located_in))
            return out

    def _placed(self, s: Service) -> tuple[tuple[Location, ...], tuple[str, ...], frozenset[str]]:
        """A service's locations, the divisions they are in, and every division it reaches (cached)."""
        cached = self._placement.get(s.id)
        if cached is None:
            communes = self._records[Commune]
            locs = tuple(loc for i in s.location_ids if isinstance(loc := self._records[Location].get(i), Location))
            located_in = {d for loc in locs if (d := getattr(communes.get(loc.commune), "division", None))}
            served = {d for c in s.area_communes if (d := getattr(communes.get(c), "division", None))}
            cached = (locs, tuple(sorted(located_in)), frozenset(located_in | served | set(s.area_divisions)))
            self._placement[s.id] = cached
        return cached

    def counts(self) -> dict[str, int]:
        with self._lock:
            out = {k.kind: len(v) for k, v in self._records.items()}
            out.update({k.kind: len(v) for k, v in self._links.items()})
            return out

    def changes(self, limit: int = 100) -> list[Change]:
        with self._lock:
            return list(reversed(self._changes[-limit:])) if limit > 0 else []

    def version(self) -> int:
        return len(self._changes)

    def _changed_since(self, version: int, limit: int) -> list[Changed] | None:
        with self._lock:  # the version is the length of the log: entry i has version i + 1
            entries = self._changes[version : version + limit]
        return [Changed(c.entity, c.entity_id, changed_fields(c.diff)) for c in entries]
