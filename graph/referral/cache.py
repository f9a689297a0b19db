"""The ranking cache: ranked candidate lists kept across directory versions, brought up to date where an
edit reaches them.

When the directory version moves, the cache asks the store what changed since the version it holds
(`GraphStore.edits_since`) and works out what the edits reach (`Reach`): the lists holding a changed
service, organisation or location, and those a service may now enter (a service newly given the term,
an organisation re-activated, a location moved into the division). Such a list is not dropped: it
notes the services touched, and its next question re-reads only those from the store (`Kept.updated`:
one lookup by id, not a search over every service of the term). A service edited where it stays (its
places, languages, hours: `same_place`) is re-ranked in place in the lists holding it, with no store
read at all — a shelter's daily places do not send anyone back to the store. Reference
data (communes, divisions, terms), or too many changes at once empty
it. Links (cooperations, referral flows, memberships, attendances), platforms and trainings leave it as
it is: the ranked lists hold no partner (partners are the question's own points).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, NamedTuple, Protocol, Self, TypeVar

from graph import waiting
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
from graph.referral.ranked import PLACEMENT
from graph.store import Changed, Edits, GraphStore


class Kept(Protocol):
    """A kept list that follows edits (`graph.referral.ranked.Ranking`)."""

    def holds(self, service_id: str) -> bool:
        """Whether one of its candidates is this service."""

    def updated(self, edited: Mapping[str, tuple[Service, bool] | None]) -> Self:
        """The list with these services re-ranked in place (a new record, and whether it stayed where it
        stood) or read again from the store (None, or it moved): gone, changed, or new in it."""


T = TypeVar("T", bound=Kept)

RANKING_CACHE_SIZE = 4096
"""Lists kept per process: every term × division × urgency asked, and their alternatives."""
CHANGES_LIMIT = 500
"""More changes than this between two questions (a load, an import): the cache empties instead."""
PENDING_LIMIT = 200
"""More services to re-read than this in one list (asked rarely, edited often): it is dropped instead."""

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
    urgent: bool
    day: date
    situation: str | None = None
    """The situation asked with a need: whether a service's type is specialised in it is a static point."""
    beyond: bool = False
    """The alternatives: the services of the term asked in every division, ranked for `division` (asked when
    none there answers); any division's newcomer may enter them."""

    @property
    def reach(self) -> str | None:
        """The division a newcomer must reach to enter the list (None: any).

        >>> RankingKey("shelter", "huy", False, date(2026, 11, 3)).reach
        'huy'
        >>> RankingKey("shelter", "huy", False, date(2026, 11, 3), beyond=True).reach is None
        True
        """
        return None if self.beyond else self.division


@dataclass(frozen=True, slots=True)
class Entry(Generic[T]):
    """A kept list, the terms it was asked of the store for, and the services it must read again before its
    next answer."""

    kept: T
    terms: frozenset[str]
    pending: Mapping[str, tuple[Service, bool] | None] = field(default_factory=dict)
    """Service id → its new record to re-rank in place (and whether it stayed where it stood), or None: read
    it again from the store. Applied by the list's next question (`updated`), so an edit costs each list a
    note, and only the lists asked pay for it."""

    def updated(self) -> T:
        """The list with what is pending applied."""
        return self.kept.updated(self.pending) if self.pending else self.kept


@dataclass(frozen=True, slots=True)
class Newcomer:
    """An active service that may now answer questions it did not: its terms, and the divisions it
    reaches (None: any, a service wider than local)."""

    service_id: str
    terms: frozenset[str]
    reach: frozenset[str] | None


@dataclass(frozen=True, slots=True)
class Reach:
    """What some changes reach: a list holding one of the services `held`, or one that a newcomer may now enter
    (a list holding the newcomer has it re-ranked in place, or re-read)."""

    held: frozenset[str]
    """The services edited (not in place), and those of the organisations and locations edited: a list is made
    of its services, their organisations and their locations."""
    newcomers: tuple[Newcomer, ...]
    services: frozenset[str]
    """Every service whose candidate may have changed: what a reached list reads again."""
    terms: frozenset[str] = field(init=False)
    """The newcomers' terms: a list asked for none of them is not entered."""
    rescored: tuple[Service, ...] = ()
    """Active services edited alone (perhaps where they stay: `Kept.updated` checks it list by list)."""
    stayed: frozenset[str] = frozenset()
    """Those of them whose edits, the change log says, left them where they stood."""

    touching: frozenset[str] = field(init=False)
    """Every service a list holding one of them must note: `held` and the services re-ranked in place."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", frozenset(t for n in self.newcomers for t in n.terms))
        object.__setattr__(self, "touching", self.held | {s.id for s in self.rescored})

    def passes_by(self, entry: Entry[T]) -> bool:
        """Whether it leaves this list as it is for certain: none of the services it touches is held and no
        newcomer has its terms (a move visits every kept list: a lookup per service touched, one set operation)."""
        return self.terms.isdisjoint(entry.terms) and not any(map(entry.kept.holds, self.touching))

    def reaches(self, division: str | None, entry: Entry[T]) -> bool:
        if any(map(entry.kept.holds, self.held)):
            return True
        if entry.terms.isdisjoint(self.terms):
            return False
        return any(
            not entry.kept.holds(n.service_id)
            and not n.terms.isdisjoint(entry.terms)
            and (division is None or n.reach is None or division in n.reach)
            for n in self.newcomers
        )


def reach_of(store: GraphStore, edits: Edits) -> Reach | None:
    """What these changes reach, read from the store as it is now; None when it may be anything.

    An active service edited alone (not its organisation, nor one of its locations) is re-ranked in the
    lists holding it; unless the change log says none of its edits touched where it stands (`PLACEMENT`),
    it also reaches the lists it may now enter. An inactive one is read again where held."""
    changed = edits.changed
    ids = _changed_ids(changed)
    if ids is None:
        return None
    organisations, locations = edits.organisations, edits.locations
    # deleted: an organisation's services go with it, and a location is deleted once the services naming it
    # no longer do (`DirectoryCases.delete_location`), each logged: read again, they leave the lists
    maybe = {s.id: s for s in edits.services}
    alone = tuple(
        s
        for s in maybe.values()
        if s.status is Status.ACTIVE
        and s.organisation_id not in ids[Organisation.kind]
        and ids[Location.kind].isdisjoint(s.location_ids)
    )
    stayed = frozenset(s.id for s in alone) - _moved(changed)
    touched = set(ids[Service.kind])  # deleted ones included: read again, they leave the lists
    for sid in stayed:  # where it stood: no list it was not in can take it now
        del maybe[sid]
    for o in organisations:  # renamed, (de)activated: its services are read again where it is held
        of = _services_of(store, o.id)
        touched.update(s.id for s in of)
        if o.status is Status.ACTIVE:  # re-activated, perhaps: its services may enter lists
            maybe.update((s.id, s) for s in of)
    for loc in locations:  # moved, perhaps: its services may enter lists, and leave those holding them
        at = [s for s in _services_of(store, loc.organisation_id) if loc.id in s.location_ids]
        touched.update(s.id for s in at)
        maybe.update((s.id, s) for s in at)
    arriving = newcomers(store, [s for s in maybe.values() if s.status is Status.ACTIVE])
    held = frozenset(touched) - {s.id for s in alone}  # those re-ranked in place, where held, are `rescored`
    return Reach(held, arriving, frozenset(touched), alone, stayed)


def _changed_ids(changed: Sequence[Changed]) -> dict[str, set[str]] | None:
    """The ids of the changed services, organisations and locations; None when a change of another kind may
    reach anything (reference data)."""
    ids: dict[str, set[str]] = {kind: set() for kind in RANKED_KINDS}
    for c in changed:
        if c.kind in RANKED_KINDS:
            ids[c.kind].add(c.id)
        elif c.kind not in UNRANKED_KINDS:
            return None
    return ids


MOVING = frozenset({"id", *PLACEMENT})
"""Fields whose change may move a service to other lists (a new record names its id)."""


def _moved(changed: Sequence[Changed]) -> set[str]:
    """The services a change may have moved (one that the log does not say the fields of, among them)."""
    return {c.id for c in changed if c.kind == Service.kind and (c.fields is None or not c.fields.isdisjoint(MOVING))}


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
            out.append(Newcomer(s.id, s.terms(), None))
            continue
        communes = {at[i] for i in s.location_ids if i in at} | set(s.area_communes)
        reach = {d for c in communes if (d := division_of.get(c))} | set(s.area_divisions)
        out.append(Newcomer(s.id, s.terms(), frozenset(reach)))
    return tuple(out)


class RankingCache(Generic[T]):
    """Ranked lists per `RankingKey`, kept across directory versions; bounded and thread-safe.

    With a `store`, a new version brings up to date only the lists that the changes since the version
    held reach (see the module); without one, a new version empties the cache. A list computed for
    another version than the one held is not kept; when full, the oldest entry goes.
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
        self._lists: dict[RankingKey, Entry[T]] = {}
        self._making: dict[RankingKey, tuple[threading.Lock, int]] = {}
        """The lists being made, each with its lock and the threads wanting it (`making`)."""

    def get(self, version: int, key: RankingKey) -> T | None:
        """The list kept for `key` at this version (a newer version first works out what its changes
        reach; a list they reached reads its touched services again, here, outside the lock)."""
        with self._lock:
            entry = self._lists.get(key) if version == self._version else None
        if entry is None and version != self._version:
            self._move(version)
            with self._lock:
                entry = self._lists.get(key) if version == self._version else None
        if entry is None or not entry.pending:
            return None if entry is None else entry.kept
        kept = entry.updated()
        with self._lock:
            if version == self._version and self._lists.get(key) is entry:  # no edit since: keep it
                self._lists[key] = Entry(kept, entry.terms)
        return kept

    @contextmanager
    def making(self, key: RankingKey) -> Iterator[None]:
        """One thread at a time makes the list of `key`; the others wanting it wait here, then find it kept
        (`get` again). At 100k a broad term's list is a second or more of CPU: four request threads missing it at
        once each made it, holding every thread four times as long."""
        with self._lock:
            lock, wanting = self._making.get(key, (threading.Lock(), 0))
            self._making[key] = (lock, wanting + 1)
        try:
            with waiting.held(lock):
                yield
        finally:
            with self._lock:
                lock, wanting = self._making[key]
                if wanting == 1:
                    del self._making[key]
                else:
                    self._making[key] = (lock, wanting - 1)

    def put(self, version: int, key: RankingKey, ranked: T, terms: Iterable[str] = ()) -> None:
        """Keep a list computed at `version` from the candidates of `terms`, unless the directory has moved
        on since."""
        entry = Entry(ranked, frozenset(terms))
        with self._lock:
            if version != self._version:
                return
            if key not in self._lists and len(self._lists) >= self.size:
                self._lists.pop(next(iter(self._lists)))
            self._lists[key] = entry

    def _move(self, version: int) -> None:
        """Hold `version`: note in each list what the changes since the version held reach (store reads
        outside `_lock`)."""
        with waiting.held(self._moving):
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
                    passes_by = reach.passes_by
                    for key, entry in [(k, e) for k, e in self._lists.items() if not passes_by(e)]:
                        followed = _followed(entry, reach, key.reach)
                        if followed is None:
                            del self._lists[key]
                        elif followed is not entry:
                            self._lists[key] = followed
                self._version = version

    def _reach(self, held: int | None, version: int) -> Reach | None:
        if self.store is None or held is None or version < held:
            return None
        edits = self.store.edits_since(held, self.changes_limit)
        return None if edits is None else reach_of(self.store, edits)

    def __len__(self) -> int:
        with self._lock:
            return len(self._lists)


def _followed(entry: Entry[T], reach: Reach, division: str | None) -> Entry[T] | None:
    """The entry with what `reach` changes noted as pending: its services edited alone to re-rank in
    place, and every touched service to read again if the edits reach it; None when too many are
    pending (the list is computed afresh when next asked)."""
    held = [s for s in reach.rescored if entry.kept.holds(s.id)]
    reached = reach.reaches(division, entry)
    if not held and not reached:
        return entry
    pending = dict(entry.pending)
    for service in held:
        noted = pending.get(service.id, (service, True))
        if noted is not None:  # a read already pending reads the newest; an earlier move is not forgotten
            pending[service.id] = (service, noted[1] and service.id in reach.stayed)
    if reached:
        pending.update(dict.fromkeys(reach.services))
    if len(pending) > PENDING_LIMIT:
        return None
    return Entry(entry.kept, entry.terms, pending)
