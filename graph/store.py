"""The store interface, `GraphStore`: the rules every adapter shares, over each adapter's primitives.

`GraphStore` holds the rules that must not differ between Neo4j and the in-memory store (reference
checks, visibility, change detection, partner search, snapshot); each adapter only supplies the
primitives (`_fetch`, `_hashes`, `_write`, ...). Both run through the same contract suite.
"""

from __future__ import annotations

import builtins
import json
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import combinations
from typing import Any, ClassVar, NamedTuple, TypeVar

import networkx as nx

from graph.errors import Conflict, InvalidInput, NotFound, Problem
from graph.models import (
    ENTITY_TYPES,
    LINK_TYPES,
    VISIBLE_AT,
    Attendance,
    Change,
    Commune,
    Cooperation,
    Division,
    ErrorReport,
    Link,
    LinkStatus,
    Location,
    Membership,
    NewsPost,
    Organisation,
    Platform,
    Project,
    ProjectStatus,
    Record,
    ReferralFlow,
    ReferralTally,
    Registration,
    ReportStatus,
    Service,
    ServiceCandidate,
    Tally,
    Term,
    Training,
    UpsertReport,
    Visibility,
    diff,
)

R = TypeVar("R", bound=Record)
L = TypeVar("L", bound=Link)
T = TypeVar("T", bound=Tally)

MAX_PATH_HOPS = 6
"""Hard cap on path and partner searches, whatever the caller asks."""

KINDS: dict[str, type[Record]] = {t.kind: t for t in ENTITY_TYPES}
LINK_KINDS: dict[str, type[Link]] = {t.kind: t for t in LINK_TYPES}


class Changed(NamedTuple):
    """A change-log entry after a version: the record's (or link's) kind and id, and the fields the change
    set (None: the entry does not say)."""

    kind: str
    id: str
    fields: frozenset[str] | None


class Edits(NamedTuple):
    """The change-log entries after a version (`GraphStore.changed_since`) and the organisations, locations and
    services they name, as they are now, by id (hidden locations included; a deleted one is not there)."""

    changed: list[Changed]
    organisations: Sequence[Organisation]
    locations: Sequence[Location]
    services: Sequence[Service]


def changed_fields(diff: dict[str, Any] | None) -> frozenset[str] | None:
    """The fields a change-log diff names (None when it names none: a purge of its values keeps the names)."""
    return frozenset(diff) if diff else None


@dataclass(frozen=True)
class Wanted:
    """What a candidate search asks an adapter for (sorted, without duplicates; None: no filter)."""

    terms: tuple[str, ...]
    divisions: tuple[str, ...] | None
    audiences: tuple[str, ...] | None
    language: str | None
    services: tuple[str, ...] | None = None
    """Only among these services (a kept ranking re-reading the ones an edit touched)."""


POINTERS: dict[type[Record], tuple[tuple[str, type[Record]], ...]] = {
    Commune: (("division", Division),),
    Term: (("parent", Term),),
    Organisation: (("parent", Organisation),),
    Location: (("organisation_id", Organisation), ("commune", Commune)),
    Service: (
        ("organisation_id", Organisation),
        ("situations", Term),
        ("needs", Term),
        ("audiences", Term),
        ("area_divisions", Division),
        ("area_communes", Commune),
        ("location_ids", Location),
    ),
    Platform: (("division", Division),),
    Training: (
        ("terms", Term),
        ("divisions", Division),
        ("organiser_id", Organisation),
        ("location_id", Location),
        ("project_id", Project),
    ),
    NewsPost: (("terms", Term), ("divisions", Division)),
    Project: (("partner_ids", Organisation), ("terms", Term)),
}
"""The fields of each kind that hold ids of other records (one id, none, or a tuple of them)."""


def references(record: Record) -> list[tuple[type[Record], str, str]]:
    """(kind, id, field) of every record this one points to."""
    refs: list[tuple[type[Record], str, str]] = []
    for field, kind in POINTERS.get(type(record), ()):
        value = getattr(record, field)
        refs += [(kind, v, field) for v in (value if isinstance(value, tuple) else (value,) if value else ())]
    return refs


def link_references(link: Link) -> list[tuple[type[Record], str, str]]:
    match link:
        case Cooperation():
            return [(Organisation, link.a, "a"), (Organisation, link.b, "b")]
        case ReferralFlow():
            return [(Organisation, link.from_id, "from_id"), (Organisation, link.to_id, "to_id")]
        case Membership():
            return [
                (Organisation, link.organisation_id, "organisation_id"),
                (Platform, link.platform_id, "platform_id"),
            ]
        case Attendance() | Registration():
            return [
                (Organisation, link.organisation_id, "organisation_id"),
                (Training, link.training_id, "training_id"),
            ]
    raise TypeError(type(link).__name__)


def _now() -> datetime:
    return datetime.now(UTC)


REDACTED = "[adresse masquée]"
"""What the change log shows instead of anything that locates a hidden location."""
LOCATING_FIELDS = frozenset({"name", "address", "postcode", "commune", "latitude", "longitude"})
"""A location's fields that say where it is (a shelter's name often names its street)."""
PURGED = "[valeur purgée]"
"""What the change log shows instead of a value a coordinator purged."""
MIN_PURGE_LENGTH = 3


def logged_diff(before: Record | Link | None, after: Record | Link | None) -> dict[str, tuple[Any, Any]]:
    """The change log's diff: a hidden location's side never shows where it is.

    Each side is judged on its own visibility: a location made public shows its new address, not the
    hidden one it had; a location made hidden shows the public address it had, not the new one.

    >>> from graph.models import Location, Visibility
    >>> old = Location(id="x", organisation_id="o", commune="61028", address="Rue publique 1",
    ...                visibility=Visibility.PUBLIC, source="doctest")
    >>> logged_diff(old, old.model_copy(update={"address": "Rue secrète 2", "visibility": Visibility.HIDDEN}))
    {'address': ('Rue publique 1', '[adresse masquée]'), 'visibility': ('public', 'hidden')}
    """
    found = diff(before, after)

    def hidden(side: Record | Link | None) -> bool:
        return isinstance(side, Location) and side.visibility is Visibility.HIDDEN

    if not (hidden(before) or hidden(after)):
        return found
    return {
        k: (
            REDACTED if k in LOCATING_FIELDS and hidden(before) and old is not None else old,
            REDACTED if k in LOCATING_FIELDS and hidden(after) and new is not None else new,
        )
        for k, (old, new) in found.items()
    }


def purge_diff(entry: Mapping[str, Sequence[Any]], text: str) -> dict[str, tuple[Any, Any]] | None:
    """A diff with every value containing `text` replaced by `PURGED`; None when nothing contains it.

    >>> purge_diff({"name": ("Refuge", "Refuge (Mme X)"), "status": ("active", "inactive")}, "Mme X")
    {'name': ('Refuge', '[valeur purgée]'), 'status': ('active', 'inactive')}
    """

    def holds(value: Any) -> bool:
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return value is not None and text in shown

    if not any(holds(v) for pair in entry.values() for v in pair):
        return None
    return {k: (PURGED if holds(old) else old, PURGED if holds(new) else new) for k, (old, new) in entry.items()}


def unknown_reference(item: Record | Link, field: str, kind: type[Record], id_: str) -> Problem:
    """The one wording of a dangling reference (also used for what exists but must look unknown)."""
    return Problem(f"{type(item).kind} {_label(item)}: {field} refers to unknown {kind.kind} «{id_}»", column=field)


def check_since(version: int, limit: int) -> None:
    if version < 0 or limit < 0:
        raise InvalidInput("version and limit must not be negative")


class GraphStore(ABC):
    """What Relais needs from a store: shared behaviour on top of each adapter's primitives."""

    reads_in_memory: ClassVar[bool] = False
    """True when reads never wait on I/O (the API then answers them on its event loop, without a thread hop)."""

    # --- primitives -------------------------------------------------------------------------------

    @abstractmethod
    def bootstrap(self) -> None: ...

    @abstractmethod
    def ping(self) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def _fetch(self, kind: type[R], ids: Sequence[str] | None, organisation_id: str | None) -> list[R]:
        """Records of a kind, unfiltered by visibility, sorted by id."""

    @abstractmethod
    def _hashes(self, kind: type[Record], ids: Sequence[str]) -> dict[str, str]:
        """Content hash of the stored records among `ids` (absent ids are missing)."""

    def _missing(self, kind: type[Record], ids: Sequence[str]) -> set[str]:
        """The ids that are not stored."""
        return set(ids) - set(self._hashes(kind, ids))

    @abstractmethod
    def _write(self, kind: type[Record], records: Sequence[Record], changes: Sequence[Change]) -> None:
        """Create or replace records (with their derived relationships) and log the changes, atomically."""

    @abstractmethod
    def _delete(self, kind: type[Record], id: str, changes: Sequence[Change]) -> bool:
        """Delete a record (an organisation with its services, locations and links) and log `changes`,
        atomically; False (nothing logged) when it does not exist."""

    @abstractmethod
    def _purge_changes(self, text: str, log: Callable[[int], Change]) -> int:
        """Replace, in every stored change, the diff by `purge_diff(diff, text)` where that is not None, and
        log `log(number of entries changed)`, atomically; return that number."""

    @abstractmethod
    def _link_hashes(self, kind: type[Link], keys: Sequence[tuple[str, ...]]) -> dict[tuple[str, ...], str]: ...

    @abstractmethod
    def _write_links(self, kind: type[Link], links: Sequence[Link], changes: Sequence[Change]) -> None: ...

    @abstractmethod
    def _remove_link(self, link: Link, change: Change) -> bool: ...

    @abstractmethod
    def _fetch_links(self, kind: type[L], organisation_id: str | None) -> list[L]: ...

    @abstractmethod
    def _partner_tree(self, organisation_id: str, hops: int) -> dict[str, tuple[int, str]] | None:
        """(distance, parent) of every organisation within `hops` cooperation links, in one call.

        The parent is the smallest id among the organisations one link closer to the origin; None when the
        origin does not exist. Any order: `partner_tree` sorts.
        """

    @abstractmethod
    def _shortest_paths(self, from_id: str, to_id: str, max_hops: int) -> list[list[str]]: ...

    @abstractmethod
    def _candidates(self, wanted: Wanted) -> list[ServiceCandidate]:
        """Active services of active organisations matching the filters, with all their locations."""

    @abstractmethod
    def counts(self) -> dict[str, int]: ...

    @abstractmethod
    def changes(self, limit: int = 100) -> list[Change]: ...

    @abstractmethod
    def version(self) -> int:
        """Changes with every write that changed something: what caches of derived views key on."""

    @abstractmethod
    def _changed_since(self, version: int, limit: int) -> list[Changed] | None:
        """The change-log entries after `version`, oldest first: all of them, or at least `limit` when there are
        more; None when the log no longer reaches back to `version` (wiped)."""

    @abstractmethod
    def meta(self) -> dict[str, str]:
        """What the store says about the directory it holds (`DIRECTORY_META` keys; empty when unknown),
        so that every process and page can say which directory is served and whether it is fictional."""

    @abstractmethod
    def set_meta(self, values: dict[str, str]) -> None:
        """Set some of those keys (a load, the demo seeding); the others are kept."""

    @abstractmethod
    def _add_report(self, report: ErrorReport) -> None:
        """Keep an error report (`Conflict` on a duplicate id); not logged: a report names nobody and changes
        nothing in the directory, so the version does not move."""

    @abstractmethod
    def _fetch_reports(
        self, status: ReportStatus | None, organisation_id: str | None, report_id: str | None
    ) -> list[ErrorReport]:
        """The error reports matching every filter given (None: any), in any order."""

    @abstractmethod
    def _close_report(self, closed: ErrorReport, change: Change) -> bool:
        """Replace the report of `closed.id` by `closed` and log `change`, atomically, only if it is still open;
        False (nothing written) otherwise."""

    @abstractmethod
    def _add_tallies(self, tallies: Sequence[Tally]) -> None:
        """Add each tally's count to its cell (created at 0, capped at `MAX_COUNT`), atomically, and move the
        tally version of each kind written; never logged (a change's time is finer than the month)."""

    @abstractmethod
    def _replace_tallies(self, kind: type[Tally], scope: str, expected: Sequence[Tally], new: Sequence[Tally]) -> bool:
        """Replace the cells of `kind` in `scope` by `new`, atomically, only if they are exactly `expected`
        (same keys, same counts); False (nothing written) when someone changed them meanwhile."""

    @abstractmethod
    def _fetch_tallies(self, kind: type[T], scope: str | None) -> list[T]:
        """The cells of a kind (of one scope when given), in any order."""

    @abstractmethod
    def _drop_tallies(self, before: str) -> int:
        """Delete the cells of every kind whose month is before `before` («2024-11»); how many went."""

    @abstractmethod
    def tally_version(self, kind: type[Tally]) -> int:
        """Moves with every write of a kind of tally: what the analysis cache keys recorded referrals on."""

    def changed_since(self, version: int, limit: int = 1000) -> list[Changed] | None:
        """Every change-log entry after `version` (a value `version()` gave): its kind, id and the fields it
        changed, oldest first, as many as there are entries (an organisation's deletion lists it, then each
        service, location and link it took); None when there are more than `limit`, or when the log no longer
        reaches back to `version`: the caller must then assume that everything changed. What lets a cache
        keyed on the version keep what an edit does not reach (`graph.referral.cache`).

        >>> from graph.memory_store import MemoryStore
        >>> from graph.models import Organisation
        >>> store = MemoryStore()
        >>> before = store.version()
        >>> made = [Organisation(id=i, name=i, type="shelter", sector="associative", source="doctest") for i in "ab"]
        >>> _ = store.upsert(made)
        >>> [(c.kind, c.id) for c in store.changed_since(before)]
        [('Organisation', 'a'), ('Organisation', 'b')]
        >>> store.changed_since(before, limit=1) is None
        True
        >>> renamed = store.version()
        >>> _ = store.upsert([made[0].model_copy(update={"name": "A"})])
        >>> store.changed_since(renamed)
        [Changed(kind='Organisation', id='a', fields=frozenset({'name'}))]
        """
        check_since(version, limit)
        found = self._changed_since(version, limit + 1)
        if found is None or len(found) > limit:
            return None
        return found

    def edits_since(self, version: int, limit: int = 1000) -> Edits | None:
        """`changed_since`, with the records it names as they are now: what a ranking cache works out an edit's
        reach from, read together (a store on a server answers both in one round trip)."""
        changed = self.changed_since(version, limit)
        if changed is None:
            return None

        def named(kind: type[R]) -> builtins.list[R]:
            ids = sorted({c.id for c in changed if c.kind == kind.kind})
            return self.list(kind, ids=ids, clearance=Visibility.HIDDEN) if ids else []

        return Edits(changed, named(Organisation), named(Location), named(Service))

    # --- records ------------------------------------------------------------------------------------

    def upsert(
        self, records: Sequence[Record], *, key_id: str = "system", keep_modified: bool = False, route: str = ""
    ) -> UpsertReport:
        """Create or update records; unchanged ones are not written. Dangling references are refused.

        `keep_modified` keeps the records' own `modified_at` (a sync from another directory), else now.
        """
        by_kind: dict[type[Record], list[Record]] = {}
        for r in records:
            by_kind.setdefault(type(r), []).append(r)
        for kind, batch in by_kind.items():
            dupes = sorted(i for i, n in Counter(r.id for r in batch).items() if n > 1)
            if dupes:
                raise Conflict(f"duplicate {kind.kind} id in one batch: {', '.join(dupes[:5])}")
        self._check_references(by_kind, [(r, references(r)) for r in records])
        report = UpsertReport()
        now = _now()
        for kind in ENTITY_TYPES:
            batch = by_kind.get(kind, [])
            if not batch:
                continue
            stored = self._hashes(kind, [r.id for r in batch])
            updated = [r.id for r in batch if r.id in stored and stored[r.id] != r.content_hash()]
            before = {old.id: old for old in self._fetch(kind, updated, None)} if updated else {}
            changed: list[Record] = []
            changes: list[Change] = []
            for r in batch:
                old = stored.get(r.id)
                if old == r.content_hash():
                    continue
                changed.append(r if keep_modified and r.modified_at else r.model_copy(update={"modified_at": now}))
                action = "create" if old is None else "update"
                changes.append(
                    Change(
                        at=now,
                        key_id=key_id,
                        action=action,
                        entity=kind.kind,
                        entity_id=r.id,
                        route=route,
                        # a bulk load's creations are the file itself: only API writes and updates carry a diff
                        diff=logged_diff(before.get(r.id), r) if old is not None or route else {},
                    )
                )
            if changed:
                self._write(kind, changed, changes)
            created = sum(c.action == "create" for c in changes)
            report += UpsertReport(created=created, updated=len(changes) - created, unchanged=len(batch) - len(changes))
        return report

    def check_references(self, records: Sequence[Record], *, unknown: Mapping[type[Record], set[str]]) -> None:
        """Refuse records that refer to a missing record or to one of `unknown` (ids that exist but must
        answer exactly like missing ones), with the same `Conflict` as `upsert`."""
        by_kind: dict[type[Record], list[Record]] = {}
        for r in records:
            by_kind.setdefault(type(r), []).append(r)
        self._check_references(by_kind, [(r, references(r)) for r in records], unknown)

    def _check_references(
        self,
        batch: dict[type[Record], list[Record]],
        items: Sequence[tuple[Record | Link, list[tuple[type[Record], str, str]]]],
        unknown: Mapping[type[Record], set[str]] | None = None,
    ) -> None:
        wanted: dict[type[Record], set[str]] = {}
        for _, refs in items:
            for kind, id_, _field in refs:
                wanted.setdefault(kind, set()).add(id_)
        present: dict[type[Record], set[str]] = {}
        for kind, ids in wanted.items():
            in_batch = {r.id for r in batch.get(kind, [])}
            present[kind] = ids - self._missing(kind, sorted(ids - in_batch)) - (unknown or {}).get(kind, set())
        problems = [
            unknown_reference(item, field, kind, id_)
            for item, refs in items
            for kind, id_, field in refs
            if id_ not in present[kind]
        ]
        if problems:
            raise Conflict("\n".join(str(p) for p in problems[:20]))

    def get(self, kind: type[R], id: str, *, clearance: Visibility = Visibility.PUBLIC) -> R:
        found = self.list(kind, ids=[id], clearance=clearance)
        if not found:
            raise NotFound(f"no {kind.kind} with id «{id}»")
        return found[0]

    def list(
        self,
        kind: type[R],
        *,
        ids: Sequence[str] | None = None,
        organisation_id: str | None = None,
        clearance: Visibility = Visibility.PUBLIC,
    ) -> builtins.list[R]:
        """Records of a kind; locations above the caller's clearance do not exist for them."""
        records = self._fetch(kind, ids, organisation_id)
        if kind is Location:
            allowed = VISIBLE_AT[clearance]
            return [r for r in records if isinstance(r, Location) and r.visibility in allowed]
        if kind is Service:
            return [self._visible_service(r, clearance) for r in records]  # type: ignore[arg-type, misc]
        return records

    def _visible_service(self, service: Service, clearance: Visibility) -> Service:
        if clearance is Visibility.HIDDEN or not service.location_ids:
            return service
        visible = {loc.id for loc in self.list(Location, ids=service.location_ids, clearance=clearance)}
        return service.model_copy(update={"location_ids": tuple(i for i in service.location_ids if i in visible)})

    def delete(self, kind: type[Record], id: str, *, key_id: str = "system", route: str = "") -> None:
        """Delete a record; an organisation takes its services, locations and links with it, each logged."""
        now = _now()
        before = self._fetch(kind, [id], None)
        gone: list[Record | Link] = [*before]
        if kind is Organisation and before:
            gone += [*self._fetch(Service, None, id), *self._fetch(Location, None, id)]
            gone += [x for link_kind in LINK_TYPES for x in self._fetch_links(link_kind, id)]
        changes = [
            Change(
                at=now,
                key_id=key_id,
                action="delete",
                entity=x.kind,
                entity_id=x.id if isinstance(x, Record) else "/".join(x.key()[1:]),
                route=route,
                diff=logged_diff(x, None),
            )
            for x in gone
        ] or [Change(at=now, key_id=key_id, action="delete", entity=kind.kind, entity_id=id, route=route)]
        if not self._delete(kind, id, changes):
            raise NotFound(f"no {kind.kind} with id «{id}»")

    def purge_changes(self, text: str, *, key_id: str = "system", route: str = "") -> int:
        """Replace every change-log value containing `text` by `PURGED` (e.g. something about a person typed
        by mistake); the purge is logged with how many entries it changed, never with the value."""
        text = text.strip()
        if len(text) < MIN_PURGE_LENGTH:
            raise InvalidInput(f"the text to purge needs at least {MIN_PURGE_LENGTH} characters", parameter="text")

        def log(entries: int) -> Change:
            return Change(
                at=_now(),
                key_id=key_id,
                action="purge",
                entity="Change",
                entity_id="",
                route=route,
                diff={"entries": (None, entries)},
            )

        return self._purge_changes(text, log)

    # --- error reports: kept beside the directory, never part of it (no snapshot, export or analysis) ---

    def add_report(self, report: ErrorReport) -> None:
        """Queue a new error report for the coordinators."""
        if report.status is not ReportStatus.OPEN or report.closed_on is not None:
            raise InvalidInput("a new report is open", parameter="status")
        self._add_report(report)

    def reports(
        self, *, status: ReportStatus | None = ReportStatus.OPEN, organisation_id: str | None = None
    ) -> builtins.list[ErrorReport]:
        """Error reports (open ones unless told), oldest first."""
        return sorted(self._fetch_reports(status, organisation_id, None), key=lambda r: (r.reported_on, r.id))

    def report(self, report_id: str) -> ErrorReport:
        found = self._fetch_reports(None, None, report_id)
        if not found:
            raise NotFound(f"no error report with id «{report_id}»")
        return found[0]

    def close_report(
        self, report_id: str, status: ReportStatus, *, key_id: str = "system", route: str = ""
    ) -> ErrorReport:
        """Accept or dismiss an open report, logged with the coordinator's key: its status only, never its text."""
        if status is ReportStatus.OPEN:
            raise InvalidInput("a report is closed as accepted or dismissed", parameter="status")
        report = self.report(report_id)
        closed = report.model_copy(update={"status": status, "closed_on": _now().date()})
        change = Change(
            at=_now(),
            key_id=key_id,
            action="accept" if status is ReportStatus.ACCEPTED else "dismiss",
            entity="ErrorReport",
            entity_id=report_id,
            route=route,
            diff={"status": (ReportStatus.OPEN.value, status.value)},
        )
        if report.status is not ReportStatus.OPEN or not self._close_report(closed, change):
            raise Conflict(f"the report «{report_id}» was handled already")
        return closed

    # --- tallies: counts beside the directory (docs/security.md), read by the coordinators' views ---------

    def add_tallies(self, tallies: Sequence[Tally]) -> None:
        """Count: each tally's count is added to its cell (a month's referrals, a question found nothing).
        Adding 0 writes nothing (no cell at 0 is kept, and the tally version stays)."""
        counted = [t for t in tallies if t.count]
        if counted:
            self._add_tallies(counted)

    def replace_tallies(self, kind: type[Tally], scope: str, expected: Sequence[Tally], new: Sequence[Tally]) -> None:
        """Set a scope's cells as a whole (a service's outcomes of a month), `Conflict` if they changed since
        they were read as `expected`. Cells at 0 are not kept."""
        if any(type(t) is not kind or t.scope() != scope for t in (*expected, *new)):
            raise InvalidInput(f"every cell must be a {kind.__name__} of «{scope}»", parameter="scope")
        if len({t.key() for t in new}) != len(new):
            raise InvalidInput("each cell is given once", parameter="counts")
        if not self._replace_tallies(kind, scope, expected, [t for t in new if t.count]):
            raise Conflict("these counts were changed meanwhile: read them again")

    def tallies(self, kind: type[T], *, scope: str | None = None) -> builtins.list[T]:
        """The cells of a kind, by month then key."""
        return sorted(self._fetch_tallies(kind, scope), key=lambda t: t.key())

    def drop_tallies(self, before: str) -> int:
        """Retention: the counts of the months before `before` go (the coordination's choice of N months)."""
        return self._drop_tallies(before)

    # --- links --------------------------------------------------------------------------------------

    def add_links(self, links: Sequence[Link], *, key_id: str = "system", route: str = "") -> UpsertReport:
        self._check_references({}, [(link, link_references(link)) for link in links])
        report = UpsertReport()
        now = _now()
        for kind in LINK_TYPES:
            batch = {link.key(): link for link in links if type(link) is kind}
            if not batch:
                continue
            stored = self._link_hashes(kind, list(batch))
            changed = [link for k, link in batch.items() if stored.get(k) != link.content_hash()]
            changes = [
                Change(
                    at=now,
                    key_id=key_id,
                    action="create" if link.key() not in stored else "update",
                    entity=kind.kind,
                    entity_id="/".join(link.key()[1:]),
                    route=route,
                    diff=diff(None, link) if route else {},
                )
                for link in changed
            ]
            if changed:
                self._write_links(kind, changed, changes)
            created = sum(c.action == "create" for c in changes)
            report += UpsertReport(created=created, updated=len(changes) - created, unchanged=len(batch) - len(changed))
        return report

    def remove_link(self, link: Link, *, key_id: str = "system", route: str = "") -> None:
        change = Change(
            at=_now(),
            key_id=key_id,
            action="delete",
            entity=link.kind,
            entity_id="/".join(link.key()[1:]),
            route=route,
            diff=logged_diff(link, None),
        )
        if not self._remove_link(link, change):
            raise NotFound(f"no {link.kind} link {' → '.join(link.key()[1:])}")

    def links(self, kind: type[L], *, organisation_id: str | None = None) -> builtins.list[L]:
        return self._fetch_links(kind, organisation_id)

    # --- graph questions ----------------------------------------------------------------------------

    def _require_organisation(self, id: str) -> None:
        if not self._hashes(Organisation, [id]):
            raise NotFound(f"no Organisation with id «{id}»")

    def partner_tree(self, organisation_id: str, hops: int = 1) -> dict[str, tuple[int, str]]:
        """Organisations reachable through cooperation links within `hops` (1 to 6), with (distance, parent).

        The parent is the organisation before it on a shortest path from the origin (the origin itself at
        distance 1), the smallest id when there are several, so that following parents rebuilds a path with
        no further query. Ordered by (distance, id). One adapter call.

        >>> from graph.memory_store import MemoryStore
        >>> from graph.models import Cooperation, Organisation
        >>> store = MemoryStore()
        >>> _ = store.upsert([Organisation(id=i, name=f"Org {i}", type="shelter", sector="associative",
        ...                                source="doctest") for i in "abcd"])
        >>> _ = store.add_links([Cooperation(a=a, b=b, cooperation="informal", source="doctest")
        ...                      for a, b in ("ab", "ac", "bd", "cd")])
        >>> store.partner_tree("a", hops=2)
        {'b': (1, 'a'), 'c': (1, 'a'), 'd': (2, 'b')}
        """
        _check_hops(hops, "hops")
        tree = self._partner_tree(organisation_id, hops)
        if tree is None:
            raise NotFound(f"no Organisation with id «{organisation_id}»")
        return dict(sorted(tree.items(), key=lambda kv: (kv[1][0], kv[0])))

    def partners(self, organisation_id: str, hops: int = 1) -> dict[str, int]:
        """Organisations reachable through cooperation links, with their distance (≤ hops, capped at 6)."""
        return {id_: distance for id_, (distance, _) in self.partner_tree(organisation_id, hops).items()}

    def paths(self, from_id: str, to_id: str, max_hops: int = 3, limit: int = 5) -> builtins.list[builtins.list[str]]:
        """The shortest cooperation paths between two organisations, if no longer than `max_hops`."""
        _check_hops(max_hops, "max_hops")
        self._require_organisation(from_id)
        self._require_organisation(to_id)
        if from_id == to_id:
            return [[from_id]]
        return sorted(self._shortest_paths(from_id, to_id, max_hops))[:limit]

    def candidate_services(
        self,
        terms: Iterable[str],
        *,
        divisions: Iterable[str] | None = None,
        audiences: Iterable[str] | None = None,
        language: str | None = None,
        clearance: Visibility = Visibility.PUBLIC,
        among: Iterable[str] | None = None,
    ) -> builtins.list[ServiceCandidate]:
        """Services answering any of `terms` that serve or sit in one of `divisions` (None: anywhere); with
        `among`, only those of these service ids (one indexed lookup each, not a search of the term)."""
        found = self._candidates(
            Wanted(
                tuple(sorted(set(terms))),
                tuple(sorted(set(divisions))) if divisions is not None else None,
                tuple(sorted(set(audiences))) if audiences is not None else None,
                language,
                tuple(sorted(set(among))) if among is not None else None,
            )
        )
        return sorted((c.seen_at(clearance) for c in found), key=lambda c: c.service.id)

    def snapshot(self) -> nx.MultiDiGraph:
        """The organisation graph for analysis and maps: no addresses, only what may be shown to members."""
        graph = nx.MultiDiGraph()
        division_of = {c.id: c.division for c in self._fetch(Commune, None, None)}
        located: dict[str, set[str]] = {}
        for loc in self._fetch(Location, None, None):
            if division_of.get(loc.commune) and loc.visibility is not Visibility.HIDDEN:  # not even its division
                located.setdefault(loc.organisation_id, set()).add(division_of[loc.commune] or "")
        services: dict[str, list[Service]] = {}
        for s in self._fetch(Service, None, None):
            services.setdefault(s.organisation_id, []).append(s)
        for o in self._fetch(Organisation, None, None):
            graph.add_node(
                o.id,
                name=o.name,
                type=o.type,
                sector=o.sector,
                status=o.status.value,
                divisions=sorted(located.get(o.id) or _served(services.get(o.id, []), division_of)),
                verified_at=o.verified_at.isoformat() if o.verified_at else None,
                services=[
                    s.model_dump(mode="json", exclude={"contacts", "location_ids", "modified_at"})
                    for s in services.get(o.id, [])
                ],
            )
        for link in self._fetch_links(Cooperation, None):
            if link.status is LinkStatus.PENDING:
                continue  # not agreed by both ends: not part of the network yet
            graph.add_edge(
                link.a,
                link.b,
                key=f"cooperation:{link.cooperation}",
                kind="cooperation",
                cooperation=link.cooperation.value,
                confidence=link.confidence,
            )
        for flow in self._fetch_links(ReferralFlow, None):
            graph.add_edge(
                flow.from_id,
                flow.to_id,
                key=f"referral:{flow.period}",
                kind="referral",
                period=flow.period,
                count=flow.count,
            )
        self._add_project_edges(graph)
        self._add_recorded_referrals(graph)
        return graph

    def _add_project_edges(self, graph: nx.MultiDiGraph) -> None:
        """A running or ended project's partners cooperate: an edge between each two of them."""
        for project in self._fetch(Project, None, None):
            if project.status is ProjectStatus.PLANNED:
                continue  # partners of a project still to begin do not work together yet
            for a, b in combinations(sorted(p for p in project.partner_ids if graph.has_node(p)), 2):
                graph.add_edge(
                    a,
                    b,
                    key=f"project:{project.id}",
                    kind="cooperation",
                    cooperation="project",
                    project=project.id,
                    project_name=project.name,  # the map's tooltip and the analysis' sentences name it
                )

    def _add_recorded_referrals(self, graph: nx.MultiDiGraph) -> None:
        """«Orientation faite» counts as referral edges, summed per (from, to, month) over services and
        situations (what the analysis reads of declared flows); none to an organisation no longer there."""
        recorded: Counter[tuple[str, str, str]] = Counter()
        for tally in self._fetch_tallies(ReferralTally, None):
            recorded[tally.from_id, tally.to_id, tally.month] += tally.count
        for (from_id, to_id, month), count in sorted(recorded.items()):
            if graph.has_node(from_id) and graph.has_node(to_id):
                key = f"referral:{month}:recorded"
                graph.add_edge(from_id, to_id, key=key, kind="referral", period=month, count=count, recorded=True)


def _served(services: list[Service], division_of: dict[str, str | None]) -> set[str]:
    """The divisions an organisation's services declare they serve: where a shelter (whose only site is
    hidden) belongs in the analysis, without its site saying anything."""
    served = {d for s in services for d in s.area_divisions}
    return served | {d for s in services for c in s.area_communes if (d := division_of.get(c))}


def _check_hops(hops: int, parameter: str) -> None:
    if not 1 <= hops <= MAX_PATH_HOPS:
        raise InvalidInput(f"{parameter} must be between 1 and {MAX_PATH_HOPS}, got {hops}", parameter=parameter)


def _label(item: Record | Link) -> str:
    return item.id if isinstance(item, Record) else " → ".join(item.key()[1:])
