"""The embedded store: records in memory, the cooperation network in networkx, optional JSON file.

The file is replaced atomically (temp file + fsync + rename), so a crash during a save leaves the
previous version; a corrupt file is refused with a clear error and never overwritten.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import networkx as nx

from graph.errors import InvalidInput, Problem
from graph.models import (
    ENTITY_TYPES,
    LINK_TYPES,
    Change,
    Commune,
    Cooperation,
    CooperationKind,
    Link,
    LinkStatus,
    Location,
    Organisation,
    Record,
    Service,
    ServiceCandidate,
    Status,
    link_ends,
)
from graph.store import GraphStore, purge_diff

R = TypeVar("R", bound=Record)
L = TypeVar("L", bound=Link)

FILE_FORMAT = 1


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

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._records: dict[type[Record], dict[str, Record]] = {k: {} for k in ENTITY_TYPES}
        self._links: dict[type[Link], dict[tuple[str, ...], Link]] = {k: {} for k in LINK_TYPES}
        self._changes: list[Change] = []
        self._cooperation = nx.Graph()
        self._services_by_term: dict[str, set[str]] = {}
        """Candidate lookup: term -> ids of the services that address or meet it."""
        self._placement: dict[str, tuple[tuple[Location, ...], tuple[str, ...], frozenset[str]]] = {}
        """Derived from services, locations and communes; emptied by every write."""
        if path is not None:
            for stale in path.parent.glob(f"{path.name}*.tmp"):  # left by a save that was killed
                stale.unlink(missing_ok=True)
            if path.exists():
                self._read_file(path)

    # --- persistence ---------------------------------------------------------------------------

    def _read_file(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FILE_FORMAT:
                raise ValueError(f"unknown format {data.get('format')!r}")
            for kind in ENTITY_TYPES:
                for raw in data["records"].get(kind.kind, []):
                    record = kind.model_validate(raw)
                    self._records[kind][record.id] = record
            for link_kind in LINK_TYPES:
                for raw in data["links"].get(link_kind.kind, []):
                    link = link_kind.model_validate(raw)
                    self._links[link_kind][link.key()] = link
            self._changes = [Change.model_validate(c) for c in data["changes"]]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InvalidInput(
                [Problem(f"the store file is corrupt and was left untouched: {exc}", file=str(path))]
            ) from exc
        for coop in self._links[Cooperation].values():
            assert isinstance(coop, Cooperation)
            self._follow_cooperation(coop.a, coop.b)
        for service in self._records[Service].values():
            self._index(None, service)

    def _index(self, old: Record | None, new: Record | None) -> None:
        """Keep the term index in step with a service being replaced, added or removed."""
        if isinstance(old, Service):
            for term in old.terms():
                self._services_by_term.get(term, set()).discard(old.id)
        if isinstance(new, Service):
            for term in new.terms():
                self._services_by_term.setdefault(term, set()).add(new.id)

    def _save(self) -> None:
        if self.path is None:
            return
        data: dict[str, Any] = {
            "format": FILE_FORMAT,
            "records": {k.kind: [r.model_dump(mode="json") for r in v.values()] for k, v in self._records.items()},
            "links": {k.kind: [x.model_dump(mode="json") for x in v.values()] for k, v in self._links.items()},
            "changes": [c.model_dump(mode="json") for c in self._changes],
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=self.path.name, suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    # --- lifecycle -----------------------------------------------------------------------------------

    def bootstrap(self) -> None:
        """Nothing to create: the memory store has no schema."""

    def ping(self) -> None:
        """Always reachable."""

    def close(self) -> None:
        """Nothing to release: every write is already saved."""

    # --- primitives ----------------------------------------------------------------------------------

    def _fetch(self, kind: type[R], ids: Sequence[str] | None, organisation_id: str | None) -> list[R]:
        with self._lock:
            table = self._records[kind]
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
            self._placement.clear()
            for r in records:
                if kind is Service:
                    self._index(self._records[kind].get(r.id), r)
                self._records[kind][r.id] = r
                if kind is Organisation:
                    self._cooperation.add_node(r.id)
            self._changes.extend(changes)
            self._save()

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

    def _delete(self, kind: type[Record], id: str, changes: Sequence[Change]) -> bool:
        with self._lock:
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
            self._changes.extend(changes)
            self._save()
            return True

    def _link_hashes(self, kind: type[Link], keys: Sequence[tuple[str, ...]]) -> dict[tuple[str, ...], str]:
        with self._lock:
            table = self._links[kind]
            return {k: table[k].content_hash() for k in keys if k in table}

    def _write_links(self, kind: type[Link], links: Sequence[Link], changes: Sequence[Change]) -> None:
        with self._lock:
            for link in links:
                self._links[kind][link.key()] = link
                if isinstance(link, Cooperation):
                    self._follow_cooperation(link.a, link.b)
            self._changes.extend(changes)
            self._save()

    def _remove_link(self, link: Link, change: Change) -> bool:
        with self._lock:
            if self._links[type(link)].pop(link.key(), None) is None:
                return False
            if isinstance(link, Cooperation):
                self._follow_cooperation(link.a, link.b)
            self._changes.append(change)
            self._save()
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
            self._save()
            return purged

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

    def _candidates(
        self,
        terms: Sequence[str],
        divisions: Sequence[str] | None,
        audiences: Sequence[str] | None,
        language: str | None,
    ) -> list[ServiceCandidate]:
        with self._lock:
            orgs = self._records[Organisation]
            wanted = set(terms)
            services = self._records[Service]
            ids = sorted({i for term in wanted for i in self._services_by_term.get(term, ())})
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
