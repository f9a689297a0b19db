"""Organisations and services: every write with its checks, its authorisation and its change-log entry."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from pydantic import ValidationError

from graph.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem, Stale
from graph.models import (
    ENTITY_TYPES,
    LINK_TYPES,
    Capacity,
    Link,
    Location,
    Organisation,
    Record,
    Service,
    TermKind,
    UpsertReport,
    Visibility,
)
from graph.reference import Reference, suggest
from graph.referral import visible_contacts
from graph.store import LOCATING_FIELDS, GraphStore
from graph.usecases.caller import LOADER, Caller

Versioned = type[Organisation] | type[Service] | type[Location]


def masked(location: Location) -> Location:
    """A hidden location as its writers see it: that it exists, never where (not even its name)."""
    if location.visibility is not Visibility.HIDDEN:
        return location
    blank = {f: None if f in ("latitude", "longitude") else "" for f in LOCATING_FIELDS}
    return location.model_copy(update=blank)


@dataclass(frozen=True)
class Owned:
    """What an organisation's deletion takes with it, counted (hidden locations included)."""

    services: int
    locations: int
    links: int


def sector_of(reference: Reference, type_code: str) -> str:
    """An organisation's type fixes its sector (a shelter is associative, a police zone is police…)."""
    known = reference.organisation_types.get(type_code)
    if known is None:
        suggestions = suggest(type_code, reference.organisation_types)
        raise InvalidInput(
            [
                Problem(
                    f"unknown organisation type «{type_code}»",
                    column="type",
                    suggestions=suggestions,
                    code="unknown_code",
                )
            ],
            parameter="type",
        )
    return known.sector


def check_service_terms(reference: Reference, service: Service) -> None:
    """Situations, needs and audiences are codes of the taxonomy, each of its own kind; a service saved by
    hand answers at least one situation or need, else no search would ever find it (a bulk load may
    bring services still to be described, such as the justice partners from their official records)."""
    if not service.situations and not service.needs:
        raise InvalidInput(
            "a service answers at least one situation or need: without any, no search finds it",
            parameter="situations",
            code="no_terms",
        )
    for name, kind in (("situations", TermKind.SITUATION), ("needs", TermKind.NEED), ("audiences", TermKind.AUDIENCE)):
        for code in getattr(service, name):
            reference.taxonomy.get(code, kind, parameter=name)


class Validated(Protocol):
    """A directory the loaders read and validated: records in dependency order, then links."""

    @property
    def records(self) -> Sequence[Record]: ...
    @property
    def links(self) -> Sequence[Link]: ...
    @property
    def keep_modified(self) -> bool: ...


@dataclass
class ImportReport:
    per_kind: dict[str, UpsertReport] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, report: UpsertReport) -> None:
        self.per_kind[kind] = self.per_kind.get(kind, UpsertReport()) + report

    @property
    def total(self) -> UpsertReport:
        out = UpsertReport()
        for r in self.per_kind.values():
            out += r
        return out


class DirectoryCases:
    """Reading and keeping the directory's records."""

    def __init__(self, store: GraphStore, reference: Reference) -> None:
        self.store = store
        self.reference = reference

    # --- organisations ------------------------------------------------------------------------------

    def organisations(self) -> list[Organisation]:
        return self.store.list(Organisation)

    def organisation(self, organisation_id: str) -> Organisation:
        return self.store.get(Organisation, organisation_id)

    def create_organisation(self, caller: Caller, org: Organisation) -> UpsertReport:
        caller.require_coordinator("creating an organisation")  # an editor key names an organisation that exists
        if self.store.list(Organisation, ids=[org.id]):
            raise Conflict(f"organisation «{org.id}» exists already: use PUT to change it")
        return self._write_organisation(caller, org)

    def save_organisation(self, caller: Caller, org: Organisation, expected: str | None = None) -> UpsertReport:
        """`expected`: the version the writer started from (If-Match); a stale one writes nothing."""
        caller.require_writer(org.id)
        self._check_version(caller, Organisation, org.id, expected)
        if self.store.get(Organisation, org.id).parent != org.parent:
            caller.require_coordinator("changing «parent»")
        return self._write_organisation(caller, org)

    def _write_organisation(self, caller: Caller, org: Organisation) -> UpsertReport:
        sector = sector_of(self.reference, org.type)
        if sector != org.sector:
            raise InvalidInput(
                f"type «{org.type}» belongs to sector «{sector}», not «{org.sector}»", parameter="sector"
            )
        return self.store.upsert([org], key_id=caller.key_id, route=caller.route)

    def delete_organisation(self, caller: Caller, organisation_id: str, expected: str | None = None) -> None:
        caller.require_coordinator()
        self._check_version(caller, Organisation, organisation_id, expected)
        self.store.delete(Organisation, organisation_id, key_id=caller.key_id, route=caller.route)

    def owned(self, caller: Caller, organisation_id: str) -> Owned:
        """What goes with an organisation if it is deleted, for the confirmation a coordinator reads first."""
        caller.require_coordinator()
        self.store.get(Organisation, organisation_id)
        return Owned(
            services=len(self.store.list(Service, organisation_id=organisation_id)),
            locations=len(self.store.list(Location, organisation_id=organisation_id, clearance=Visibility.HIDDEN)),
            links=sum(len(self.store.links(k, organisation_id=organisation_id)) for k in LINK_TYPES),
        )

    def mark_verified(self, caller: Caller, organisation_id: str, on: date | None = None) -> UpsertReport:
        """The organisation confirmed its record today (or on `on`, never in the future)."""
        caller.require_writer(organisation_id)
        when = on or date.today()
        if when > date.today():
            raise InvalidInput("a verification date cannot be in the future", parameter="verified_at", code="in_future")
        org = self.store.get(Organisation, organisation_id)
        return self.store.upsert(
            [org.model_copy(update={"verified_at": when})], key_id=caller.key_id, route=caller.route
        )

    # --- versions (optimistic concurrency) -----------------------------------------------------------

    def version(self, caller: Caller, kind: Versioned, record_id: str) -> str:
        """A record's version as this caller sees it: the content hash of the view its role may read (so the
        version of a shelter's service says nothing of its hidden site or of the lines the caller may not
        see). It is the ETag a writer sends back in If-Match. A location's is its writers' only."""
        if kind is Service:
            return self.service(caller, record_id).content_hash()
        if kind is Location:
            return self._own_location(caller, record_id).content_hash()
        return self.store.get(Organisation, record_id).content_hash()

    def _check_version(self, caller: Caller, kind: Versioned, record_id: str, expected: str | None) -> None:
        """Two coordinators editing the same record: the second save, based on the old version, is refused.

        `expected` may list several versions («a», «b»), as If-Match may; «*» accepts any."""
        if expected is None or "*" in expected.split(","):
            return
        current = self.version(caller, kind, record_id)
        if current not in {v.strip().removeprefix("W/").strip('"') for v in expected.split(",")}:
            stored = self._current(caller, kind, record_id)
            raise Stale(f"«{record_id}» was changed meanwhile by someone else: nothing was written", stored)

    def _current(self, caller: Caller, kind: Versioned, record_id: str) -> Record:
        if kind is Service:
            return self.service(caller, record_id)
        if kind is Location:
            return self.location(caller, record_id)
        return self.store.get(Organisation, record_id)

    # --- locations ----------------------------------------------------------------------------------

    def locations(self, caller: Caller, organisation_id: str) -> list[Location]:
        """An organisation's locations for its writers: hidden ones listed, masked (`masked`)."""
        caller.require_writer(organisation_id)
        found = self.store.list(Location, organisation_id=organisation_id, clearance=Visibility.HIDDEN)
        return [masked(loc) for loc in found]

    def location(self, caller: Caller, location_id: str) -> Location:
        """One location for a writer of its organisation (masked if hidden); for anyone else, unknown."""
        return masked(self._own_location(caller, location_id))

    def _own_location(self, caller: Caller, location_id: str) -> Location:
        found = self.store.list(Location, ids=[location_id], clearance=Visibility.HIDDEN)
        if not found or not _writes(caller, found[0].organisation_id):
            raise NotFound(f"no Location with id «{location_id}»")  # another's location reads as unknown
        return found[0]

    def save_location(self, caller: Caller, location: Location, expected: str | None = None) -> UpsertReport:
        """Create or change a location of the caller's organisation; the commune must be known."""
        caller.require_writer(location.organisation_id)
        before = next(iter(self.store.list(Location, ids=[location.id], clearance=Visibility.HIDDEN)), None)
        if before is not None:
            self._check_version(caller, Location, location.id, expected)  # NotFound if another's
            if self._own_location(caller, location.id).organisation_id != location.organisation_id:
                raise NotFound(f"no Location with id «{location.id}»")
        if location.commune not in self.reference.geography.communes:
            raise InvalidInput(f"unknown commune «{location.commune}»", parameter="commune", code="unknown_code")
        report = self.store.upsert([location], key_id=caller.key_id, route=caller.route)
        now_secret = location.visibility is Visibility.HIDDEN
        if now_secret and before is not None and before.visibility is not Visibility.HIDDEN and before.address:
            # the address was logged while it was public: it leaves the change log with the secret
            self.store.purge_changes(before.address, key_id=caller.key_id, route=caller.route)
        return report

    def delete_location(self, caller: Caller, location_id: str, expected: str | None = None) -> int:
        """Delete a location; the services held there no longer list it (each change logged). Returns how many
        services it left."""
        loc = self._own_location(caller, location_id)
        self._check_version(caller, Location, location_id, expected)
        held = [
            s.model_copy(update={"location_ids": tuple(i for i in s.location_ids if i != location_id)})
            for s in self.store.list(Service, organisation_id=loc.organisation_id, clearance=Visibility.HIDDEN)
            if location_id in s.location_ids
        ]
        if held:
            self.store.upsert(held, key_id=caller.key_id, route=caller.route)
        self.store.delete(Location, location_id, key_id=caller.key_id, route=caller.route)
        return len(held)

    def placed_at(self, caller: Caller, service_id: str) -> tuple[str, ...]:
        """Every location a service is held at, hidden ones included, for a writer of its organisation (the
        form lists the masked ones, so that they can be ticked off)."""
        stored = self.store.get(Service, service_id, clearance=Visibility.HIDDEN)
        caller.require_writer(stored.organisation_id)
        return stored.location_ids

    # --- services -----------------------------------------------------------------------------------

    def services(self, caller: Caller, organisation_id: str | None = None) -> list[Service]:
        """Services with the locations and contacts the caller may see."""
        found = self.store.list(Service, organisation_id=organisation_id, clearance=caller.role.clearance)
        return [self._shown(caller, s) for s in found]

    def service(self, caller: Caller, service_id: str) -> Service:
        return self._shown(caller, self.store.get(Service, service_id, clearance=caller.role.clearance))

    @staticmethod
    def _shown(caller: Caller, service: Service) -> Service:
        return service.model_copy(update={"contacts": visible_contacts(service.contacts, caller.role)})

    def create_service(self, caller: Caller, service: Service) -> UpsertReport:
        caller.require_writer(service.organisation_id)
        if self.store.list(Service, ids=[service.id]):
            raise Conflict(f"service «{service.id}» exists already: use PUT to change it")
        check_service_terms(self.reference, service)
        self._refuse_foreign_locations(service, attached=())
        return self.store.upsert([service], key_id=caller.key_id, route=caller.route)

    def save_service(
        self, caller: Caller, service: Service, expected: str | None = None, *, every_location: bool = False
    ) -> UpsertReport:
        """`every_location`: the writer was shown every location of the service, masked ones included
        (`placed_at`), so one left out is one taken off."""
        old = self.store.get(Service, service.id)
        caller.require_writer(old.organisation_id)
        caller.require_writer(service.organisation_id)
        self._check_version(caller, Service, service.id, expected)
        check_service_terms(self.reference, service)
        attached = self.store.get(Service, service.id, clearance=Visibility.HIDDEN).location_ids
        self._refuse_foreign_locations(service, attached=attached)
        if not every_location:
            service = self._keep_unseen_locations(service, caller.role.clearance)
        return self.store.upsert([service], key_id=caller.key_id, route=caller.route)

    def _refuse_foreign_locations(self, service: Service, attached: Iterable[str]) -> None:
        """A service is at its own organisation's locations: another organisation's (a shelter's above all)
        answers exactly like an unknown id, so that no answer tells a hidden site exists."""
        wanted = sorted(set(service.location_ids) - set(attached))
        if not wanted:
            return
        of_org = service.organisation_id
        own = self.store.list(Location, ids=wanted, organisation_id=of_org, clearance=Visibility.HIDDEN)
        foreign = set(wanted) - {loc.id for loc in own}
        if foreign:
            self.store.check_references([service], unknown={Location: foreign})

    def _keep_unseen_locations(self, service: Service, clearance: Visibility) -> Service:
        """A writer never sees a shelter's hidden location, so saving what they saw must not unlink it."""
        stored = self.store.list(Service, ids=[service.id], clearance=Visibility.HIDDEN)
        if not stored:
            return service
        seen = set(self.store.get(Service, service.id, clearance=clearance).location_ids)
        unseen = [i for i in stored[0].location_ids if i not in seen and i not in service.location_ids]
        return service.model_copy(update={"location_ids": (*service.location_ids, *unseen)}) if unseen else service

    def delete_service(self, caller: Caller, service_id: str, expected: str | None = None) -> None:
        caller.require_writer(self.store.get(Service, service_id).organisation_id)
        self._check_version(caller, Service, service_id, expected)
        self.store.delete(Service, service_id, key_id=caller.key_id, route=caller.route)

    def set_capacity(self, caller: Caller, service_id: str, available: int, total: int) -> UpsertReport:
        """Free places as of today: the one figure a shelter updates in one tap."""
        old = self.store.get(Service, service_id, clearance=Visibility.HIDDEN)
        caller.require_writer(old.organisation_id)
        try:
            capacity = Capacity(available=available, total=total, updated_at=date.today())
        except ValidationError as exc:
            raise InvalidInput.of(exc, default="available") from exc
        return self.store.upsert(
            [old.model_copy(update={"capacity": capacity})], key_id=caller.key_id, route=caller.route
        )

    # --- bulk import --------------------------------------------------------------------------------

    def import_directory(
        self,
        caller: Caller,
        records: Sequence[Record],
        links: Sequence[Link],
        *,
        keep_modified: bool = False,
        batch_size: int = 2000,
        prune: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> ImportReport:
        """Upsert a validated directory in batches; with `prune`, delete organisations it no longer has."""
        caller.require_coordinator()
        report = ImportReport()
        reference = self.reference.records()
        for kind in dict.fromkeys(type(r) for r in reference):
            report.add(kind.kind, self.store.upsert([r for r in reference if type(r) is kind], key_id=caller.key_id))
        for i in range(0, len(records), batch_size):
            batch = records[i : i + batch_size]
            for kind in (k for k in ENTITY_TYPES if any(type(r) is k for r in batch)):
                chunk = [r for r in batch if type(r) is kind]
                report.add(kind.kind, self.store.upsert(chunk, key_id=caller.key_id, keep_modified=keep_modified))
            if progress:
                progress(len(batch))
        self._import_links(caller, links, report, batch_size, progress)
        if prune:
            wanted = {r.id for r in records if isinstance(r, Organisation)}
            gone = [o.id for o in self.store.list(Organisation) if o.id not in wanted]
            for org_id in gone:
                self.store.delete(Organisation, org_id, key_id=caller.key_id)
            report.removed["Organisation"] = len(gone)
        return report

    def _import_links(
        self,
        caller: Caller,
        links: Sequence[Link],
        report: ImportReport,
        batch_size: int,
        progress: Callable[[int], None] | None,
    ) -> None:
        """Links only refer to records written before, so the next batch is checked and prepared while
        the store writes this one (one write at a time: the store serialises them)."""

        def add(batch: Sequence[Link]) -> list[tuple[str, UpsertReport]]:
            kinds = dict.fromkeys(type(x) for x in batch)
            return [
                (k.kind, self.store.add_links([x for x in batch if type(x) is k], key_id=caller.key_id)) for k in kinds
            ]

        overlap = 1 if self.store.reads_in_memory else 2
        with ThreadPoolExecutor(max_workers=overlap) as pool:
            pending: deque[tuple[int, Future[list[tuple[str, UpsertReport]]]]] = deque()
            for i in range(0, len(links), batch_size):
                batch = links[i : i + batch_size]
                pending.append((len(batch), pool.submit(add, batch)))
                while len(pending) >= overlap or (pending and i + batch_size >= len(links)):
                    size, done = pending.popleft()
                    for kind_name, added in done.result():
                        report.add(kind_name, added)
                    if progress:
                        progress(size)


def _writes(caller: Caller, organisation_id: str) -> bool:
    try:
        caller.require_writer(organisation_id)
    except Forbidden:
        return False
    return True


def import_directory(
    directory: Validated,
    store: GraphStore,
    *,
    reference: Reference,
    batch_size: int = 2000,
    prune: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """A validated directory written through the import use case, as the coordination's loader."""
    return DirectoryCases(store, reference).import_directory(
        LOADER,
        directory.records,
        directory.links,
        keep_modified=directory.keep_modified,
        batch_size=batch_size,
        prune=prune,
        progress=progress,
    )
