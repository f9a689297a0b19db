"""The ranking cache: ranked candidate lists kept across directory versions, dropped where an edit reaches.

When the directory version moves, the cache asks the store what changed since the version it holds
(`GraphStore.changed_since`) and drops only the lists an edit can reach (`Reach`): those holding a
changed service, organisation or location, and those a service may now enter (a service newly given
the term, an organisation re-activated, a location moved into the division). A service edited where it
stays (a capacity, a language, hours: `same_place`) is re-ranked in place in the lists holding it
(`Kept.rescored`) — a shelter's daily places do not throw its lists back to cold. Reference data
(communes, divisions, terms), a deleted organisation or location, or too many changes at once empty
it. Links (cooperations, referral flows, memberships, attendances), platforms and trainings leave it as
it is: the ranked lists hold no partner (partners are the question's own points).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, NamedTuple, Protocol, Self, TypeVar

from graph.models import (
    LINK_TYPES,
    AreaScope,
    Commune,
    Location,
    Organisation,
    Platform,
    Service,
    Status,
    Training,
    Visibility,
)
from graph.store import GraphStore


class Kept(Protocol):
    """A kept list that can take a service's new record in place (`graph.referral.ranked.Ranking`)."""

    def rescored(self, service: Service) -> Self | None:
        """The list with `service` re-ranked; None when the edit moved it (the list is then dropped)."""


T = TypeVar("T", bound=Kept)

RANKING_CACHE_SIZE = 4096
"""Lists kept per process: every term × division × urgency × clearance asked, and their alternatives."""
CHANGES_LIMIT = 500
"""More changes than this between two questions (a load, an import): the cache empties instead."""

Entity = tuple[str, str]
"""(kind, id) of a record, as the change log names it."""

RANKED_KINDS = frozenset({Service.kind, Organisation.kind, Location.kind})
"""What a ranked list holds: its services, their organisations and their locations."""
UNRANKED_KINDS = frozenset({Platform.kind, Training.kind, *(t.kind for t in LINK_TYPES), "Change", "ErrorReport"})
"""Kinds no ranked list reads (links: partners are question-time points; "Change": a purge of the log;
"ErrorReport": a report accepted or dismissed — the record it names changes by its own entry).
Any other kind (Commune, Division, Term: reference data; or one this module does not know) empties it."""


class RankingKey(NamedTuple):
    """What a ranked list depends on besides the directory: the rest is the question's own points."""

    term: str
    division: str | None
    clearance: Visibility
    urgent: bool
    day: date
    situation: str | None = None
    """The situation asked with a need: whether a service's type is specialised in it is a static point."""
    beyond: bool = False
    """The alternatives: the services of the term asked in every division, ranked for `division` (asked when
    none there answers); any division's newcomer may enter them."""

    @property
    def reach(self) -> str | None:
        """The division a newcomer must reach to enter the list (None: any)."""
        return None if self.beyond else self.division


@dataclass(frozen=True, slots=True)
class Contents:
    """What a ranked list was computed from: the terms asked of the store, and every service, organisation
    and location of its candidates."""

    terms: frozenset[str]
    entities: frozenset[Entity]


@dataclass(frozen=True, slots=True)
class Newcomer:
    """An active service that may now answer questions it did not: its terms, and the divisions it
    reaches (None: any, a service wider than local)."""

    entity: Entity
    terms: frozenset[str]
    reach: frozenset[str] | None


@dataclass(frozen=True, slots=True)
class Reach:
    """What some changes reach: a list holding one of `entities`, or one that a newcomer may now enter (a
    list already holding it keeps it: either it is in `entities` too, or it is re-ranked in place)."""

    entities: frozenset[Entity]
    newcomers: tuple[Newcomer, ...]
    rescored: tuple[Service, ...] = ()
    """Active services edited where they stay (perhaps: `Kept.rescored` checks it list by list)."""

    def reaches(self, division: str | None, contents: Contents) -> bool:
        if not self.entities.isdisjoint(contents.entities):
            return True
        return any(
            n.entity not in contents.entities
            and not n.terms.isdisjoint(contents.terms)
            and (division is None or n.reach is None or division in n.reach)
            for n in self.newcomers
        )


def reach_of(store: GraphStore, changed: Sequence[Entity]) -> Reach | None:
    """What these changes reach, read from the store as it is now; None when it may be anything.

    An active service edited alone (not its organisation, nor one of its locations) is re-ranked in the
    lists holding it, and reaches those it may now enter; an inactive one is dropped where held."""
    ids: dict[str, set[str]] = {kind: set() for kind in RANKED_KINDS}
    for kind, id_ in changed:
        if kind in RANKED_KINDS:
            ids[kind].add(id_)
        elif kind not in UNRANKED_KINDS:
            return None
    organisations = _listed(store, Organisation, ids)
    locations = _listed(store, Location, ids)
    if len(organisations) < len(ids[Organisation.kind]) or len(locations) < len(ids[Location.kind]):
        return None  # deleted: what held a deleted location (hidden from the list) cannot be found
    maybe = {s.id: s for s in _listed(store, Service, ids)}
    alone = tuple(
        s
        for s in maybe.values()
        if s.status is Status.ACTIVE
        and s.organisation_id not in ids[Organisation.kind]
        and ids[Location.kind].isdisjoint(s.location_ids)
    )
    ids[Service.kind] -= {s.id for s in alone}
    for o in organisations:
        if o.status is Status.ACTIVE:  # re-activated, perhaps: its services may enter lists
            maybe.update((s.id, s) for s in _services_of(store, o.id))
    for loc in locations:  # moved, perhaps: its services may enter lists, and leave those holding them
        at = [s for s in _services_of(store, loc.organisation_id) if loc.id in s.location_ids]
        ids[Service.kind].update(s.id for s in at)
        maybe.update((s.id, s) for s in at)
    entities = frozenset((kind, id_) for kind, found in ids.items() for id_ in found)
    return Reach(entities, newcomers(store, [s for s in maybe.values() if s.status is Status.ACTIVE]), alone)


R = TypeVar("R", Organisation, Location, Service)


def _listed(store: GraphStore, kind: type[R], ids: dict[str, set[str]]) -> list[R]:
    """The records of `kind` among the changed ones, as they are now, hidden ones included (no store
    round trip for none)."""
    wanted = sorted(ids[kind.kind])
    return store.list(kind, ids=wanted, clearance=Visibility.HIDDEN) if wanted else []


def _services_of(store: GraphStore, organisation_id: str) -> list[Service]:
    return store.list(Service, organisation_id=organisation_id, clearance=Visibility.HIDDEN)


def newcomers(store: GraphStore, services: Iterable[Service]) -> tuple[Newcomer, ...]:
    """Each service's terms and the divisions it reaches, as the store's candidate search places it: the
    divisions of its locations and of the communes it serves, and the divisions it lists."""
    services = list(services)
    local = [s for s in services if s.area_scope is AreaScope.LOCAL]
    location_ids = sorted({i for s in local for i in s.location_ids})
    at = {
        loc.id: loc.commune
        for loc in (store.list(Location, ids=location_ids, clearance=Visibility.HIDDEN) if location_ids else [])
    }
    commune_ids = sorted(set(at.values()) | {c for s in local for c in s.area_communes})
    division_of = {c.id: c.division for c in (store.list(Commune, ids=commune_ids) if commune_ids else [])}
    out = []
    for s in services:
        if s.area_scope is not AreaScope.LOCAL:
            out.append(Newcomer((Service.kind, s.id), s.terms(), None))
            continue
        communes = {at[i] for i in s.location_ids if i in at} | set(s.area_communes)
        reach = {d for c in communes if (d := division_of.get(c))} | set(s.area_divisions)
        out.append(Newcomer((Service.kind, s.id), s.terms(), frozenset(reach)))
    return tuple(out)


class RankingCache(Generic[T]):
    """Ranked lists per `RankingKey`, kept across directory versions; bounded and thread-safe.

    With a `store`, a new version drops only the lists that the changes since the version held reach
    (see the module); without one, a new version empties the cache. A list computed for another version
    than the one held is not kept; when full, the oldest entry goes.

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

    def __init__(
        self, size: int = RANKING_CACHE_SIZE, store: GraphStore | None = None, changes_limit: int = CHANGES_LIMIT
    ) -> None:
        self.size = size
        self.store = store
        self.changes_limit = changes_limit
        self._lock = threading.Lock()
        """Guards the lists and the version: held for dictionary work only, never across a store call."""
        self._moving = threading.Lock()
        """One thread at a time works out what a new version reaches (the others wait for it)."""
        self._version: int | None = None
        self._lists: dict[RankingKey, tuple[T, Contents]] = {}

    def get(self, version: int, key: RankingKey) -> T | None:
        """The list kept for `key` at this version (a newer version first drops what its changes reach)."""
        with self._lock:
            if version == self._version:
                found = self._lists.get(key)
                return found[0] if found else None
        self._move(version)
        with self._lock:
            found = self._lists.get(key) if version == self._version else None
            return found[0] if found else None

    def put(
        self, version: int, key: RankingKey, ranked: T, terms: Iterable[str] = (), entities: Iterable[Entity] = ()
    ) -> None:
        """Keep a list computed at `version` from the candidates of `terms`, holding `entities` (each
        candidate's service, organisation and locations), unless the directory has moved on since."""
        contents = Contents(frozenset(terms), frozenset(entities))
        with self._lock:
            if version != self._version:
                return
            if key not in self._lists and len(self._lists) >= self.size:
                self._lists.pop(next(iter(self._lists)))
            self._lists[key] = (ranked, contents)

    def _move(self, version: int) -> None:
        """Hold `version`: drop what the changes since the version held reach (store reads outside `_lock`)."""
        with self._moving:
            with self._lock:
                held = self._version
            if held == version:
                return  # another thread moved it meanwhile
            if held is not None and version < held and self.store is not None and self.store.version() >= held:
                return  # a question that read the version before the last move: it computes its own list
            reach = self._reach(held, version)
            with self._lock:
                if reach is None:
                    self._lists.clear()
                else:
                    self._follow(reach)
                self._version = version

    def _follow(self, reach: Reach) -> None:
        """Drop the lists `reach` reaches, re-rank in place the services edited where they stay (under `_lock`)."""
        for key, (kept, contents) in list(self._lists.items()):
            if reach.reaches(key.reach, contents):
                del self._lists[key]
                continue
            for service in reach.rescored:
                if (Service.kind, service.id) in contents.entities:
                    rescored = kept.rescored(service)
                    if rescored is None:
                        del self._lists[key]
                        break
                    kept = rescored
                    self._lists[key] = (kept, contents)

    def _reach(self, held: int | None, version: int) -> Reach | None:
        if self.store is None or held is None or version < held:
            return None
        changed = self.store.changed_since(held, self.changes_limit)
        return None if changed is None else reach_of(self.store, changed)

    def __len__(self) -> int:
        with self._lock:
            return len(self._lists)
