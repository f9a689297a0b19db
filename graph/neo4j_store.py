"""The Neo4j adapter: the only module that imports the `neo4j` driver.

Reads run in `execute_read`, writes in `execute_write`; results are consumed inside the transaction
function. Every query is a constant of `graph.cypher`; driver errors become the project's errors.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from operator import attrgetter
from typing import Any, LiteralString, TypeVar

import neo4j
from neo4j import GraphDatabase, ManagedTransaction, unit_of_work
from neo4j import exceptions as neo4j_errors

from graph import cypher
from graph.errors import Conflict, RelaisError, StoreError, StoreUnavailable
from graph.models import (
    MAX_COUNT,
    Change,
    ErrorReport,
    Link,
    Location,
    Organisation,
    Record,
    ReportStatus,
    Service,
    ServiceCandidate,
    Tally,
)
from graph.privacy import STORED_CONTEXT
from graph.store import Changed, Edits, GraphStore, Wanted, changed_fields, check_since, purge_diff
from graph.waiting import Background, may_wait

R = TypeVar("R", bound=Record)
L = TypeVar("L", bound=Link)
T = TypeVar("T")
C = TypeVar("C", bound=Tally)

MODEL_CACHE_SIZE = 1_000_000
"""Validated records kept by content, so hot reads skip pydantic validation (records are immutable): room for
the services, organisations and locations of a 100k directory several times over (the candidate searches
answer only keys, and read by id what is not kept)."""
PACKED_BATCH = 5_000
"""Records read by id per query (`cypher.FETCH_IDS_PACKED`): one row of a few megabytes each."""
VERSION_READ_EVERY = 0.25
"""Seconds a version read serves before the next one: other processes' edits show within this delay,
this process's own writes at once (each write forgets the version read)."""
VERSION_READ_AHEAD = 0.15
"""A version read this old is read again in a background thread by the next question, which answers from
the one held: under steady traffic no question waits for that round trip (at Neo4j 10k, 32 questions a
second per worker did, p50 14 ms, p99 47 ms, against 0.5 ms answered at hand)."""

JSON_FIELDS = frozenset({"contacts", "capacity", "schedule", "closures"})
"""Nested values stored as JSON text: Neo4j properties hold only scalars and flat lists."""


def to_props(record: Record | Link) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for key, value in record.model_dump(mode="json").items():
        if value is None:
            continue
        props[key] = json.dumps(value, sort_keys=True) if key in JSON_FIELDS else value
    props["hash"] = record.content_hash()
    return props


def from_props(kind: type[T], props: dict[str, Any]) -> T:
    data = {k: json.loads(v) if k in JSON_FIELDS else v for k, v in props.items() if k != "hash"}
    return kind.model_validate(data, context=STORED_CONTEXT)  # type: ignore[attr-defined, no-any-return]


TALLY_NODE_FIELDS = frozenset({"key", "kind", "scope"})
"""What a :Tally node holds beside the model's fields: its key unique across kinds, its kind and scope."""


def tally_key(tally: Tally) -> str:
    """The cell's key, unique across kinds: «referral:2026-11/cpas-v/refuge/refuge-1/partner-violence»."""
    return f"{tally.kind}:" + "/".join(tally.key())


def tally_row(tally: Tally) -> dict[str, Any]:
    fields = {k: v for k, v in tally.model_dump(mode="json", exclude={"count"}).items() if v is not None}
    props = {**fields, "key": tally_key(tally), "kind": tally.kind, "scope": tally.scope()}
    return {"key": props["key"], "count": tally.count, "props": props}


class _Changed(Exception):
    """Raised inside a compare-and-set transaction to roll it back: the cells are not what was expected."""


def _link_row(link: Link) -> dict[str, Any]:
    start, end = _link_ends(link)
    key = link.key()[3] if len(link.key()) > 3 else ""
    return {"start": start, "end": end, "key": key, "props": to_props(link)}


def _link_ends(link: Link) -> tuple[str, str]:
    key = link.key()
    return key[1], key[2]


def _changes(rows: Sequence[Mapping[str, Any]], version: int) -> list[Changed] | None:
    """The change-log nodes read from `version`'s on: one node per write, its entries in a list (`limit` nodes
    hold at least `limit` entries). The node of `version` itself comes first unless the log was wiped since
    (None: everything may have changed)."""
    if version and (not rows or rows[0]["seq"] != version):
        return None
    return [
        Changed(row["entity"], id_, changed_fields(json.loads(diff)))
        for row in rows
        if row["seq"] != version
        for id_, diff in zip(row["entity_ids"], row["diffs"], strict=True)
    ]


class Neo4jStore(GraphStore):
    def __init__(
        self,
        uri: str,
        user: str,
        password: str,
        database: str = "neo4j",
        *,
        query_timeout: float = 30.0,
        connection_timeout: float = 5.0,
    ) -> None:
        self.database = database
        self.query_timeout = query_timeout
        self._models: dict[tuple[str, str, str | None, str | None], Record] = {}
        self._write_lock = threading.Lock()
        self._version_read: tuple[float, int] | None = None
        """(when it was read, the version): see `version`."""
        self._ahead = Background(self._read_ahead, "relais-version")
        """Reads the version again once the one held is `VERSION_READ_AHEAD` old."""
        self._writes = 0
        self._logged: int | None = None
        """The change log's newest `seq` of the write in progress (writes are one at a time: `_write_lock`)."""
        self._driver = GraphDatabase.driver(
            uri,
            auth=(user, password),
            connection_timeout=connection_timeout,
            connection_acquisition_timeout=connection_timeout,
            max_transaction_retry_time=min(connection_timeout, 2.0),
            notifications_min_severity="OFF",
        )

    # --- plumbing ------------------------------------------------------------------------------------

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Driver errors become the project's: a duplicate is the caller's `Conflict`; an unreachable, busy
        or timed-out server (or refused credentials) is `StoreUnavailable`; anything else Neo4j refuses is
        our bug, `StoreError`, whose message carries the error code but never the query or its values.
        Every round trip starts here: a thread answering without waiting gets `WouldWait` instead."""
        may_wait()
        try:
            yield
        except neo4j_errors.ConstraintError as exc:
            raise Conflict(f"the store refused a duplicate: {exc.message}") from exc
        except neo4j_errors.AuthError as exc:
            raise StoreUnavailable("Neo4j refused the credentials") from exc
        except (
            neo4j_errors.ServiceUnavailable,
            neo4j_errors.SessionExpired,
            neo4j_errors.ConnectionAcquisitionTimeoutError,
            OSError,
        ) as exc:
            raise StoreUnavailable(f"Neo4j is unreachable ({type(exc).__name__})") from exc
        except neo4j_errors.TransientError as exc:
            raise StoreUnavailable(f"Neo4j is busy ({exc.code})") from exc
        except neo4j_errors.Neo4jError as exc:
            if exc.code and "TransactionTimedOut" in exc.code:
                raise StoreUnavailable(f"Neo4j query timed out after {self.query_timeout} s") from exc
            raise StoreError(f"Neo4j refused a query ({exc.code})") from exc
        except neo4j_errors.DriverError as exc:
            raise StoreError(f"the Neo4j driver failed ({type(exc).__name__})") from exc
        except OverflowError as exc:  # an integer beyond 64 bits: the models should have refused it
            raise StoreError("a value is out of the range Neo4j can store") from exc

    def _read(self, text: LiteralString, **params: Any) -> list[neo4j.Record]:
        """One read in an auto-commit transaction (one round trip instead of a managed transaction's two: the
        reads a kept ranking makes after an edit are a few milliseconds of the next answer); a transient
        failure is tried again as a managed read, which the driver retries."""

        def work(tx: ManagedTransaction) -> list[neo4j.Record]:
            return list(tx.run(text, params))

        with self._errors(), self._driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as s:
            statement = neo4j.Query(text, timeout=self.query_timeout)  # the constant, with the store's timeout
            try:
                return list(s.run(statement, params))
            except (neo4j_errors.TransientError, neo4j_errors.SessionExpired, neo4j_errors.ServiceUnavailable):
                return s.execute_read(unit_of_work(timeout=self.query_timeout)(work))

    def _write_tx(self, work: Callable[[ManagedTransaction], T]) -> T:
        """One write transaction at a time from this process: concurrent batches on the same organisations
        would only wait on each other's locks (or deadlock); their reads and preparation still overlap."""
        with self._write_lock, self._errors(), self._driver.session(database=self.database) as session:
            self._logged = None
            try:
                done = session.execute_write(unit_of_work(timeout=self.query_timeout)(work))
            except BaseException:
                self._writes += 1  # it may have been written: a version read that overlapped it is not kept
                self._version_read = None  # and the next question reads the version
                raise
            # nothing logged (a count, an error report): the directory's version has not moved, the one read holds
            if self._logged is not None:  # its own seq is the version now: no round trip to read it
                self._writes += 1  # a version read that overlapped this write is not kept (`_read_version`)
                known = self._version_read
                self._version_read = (time.monotonic(), max(self._logged, known[1] if known else 0))
            return done

    def _log(self, tx: ManagedTransaction, changes: Sequence[Change]) -> None:
        writes: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        base = time.time_ns()
        for c in changes:
            row = c.model_dump(mode="json")
            key = (row["at"], row["key_id"], row["entity"], row["route"])
            if key not in writes:
                common = dict(zip(("at", "key_id", "entity", "route"), key, strict=True))
                writes[key] = {**common, "seq": base + len(writes), "actions": [], "entity_ids": [], "diffs": []}
            writes[key]["actions"].append(row["action"])
            writes[key]["entity_ids"].append(row["entity_id"])
            writes[key]["diffs"].append(json.dumps(row["diff"]))
        tx.run(cypher.LOG_CHANGES, writes=list(writes.values())).consume()
        self._logged = base + len(writes) - 1 if writes else self._logged

    # --- lifecycle -----------------------------------------------------------------------------------

    def bootstrap(self) -> None:
        """Create constraints and indexes up to `cypher.SCHEMA_VERSION` (running it twice changes nothing), and
        have Neo4j plan the change-log read that follows every edit."""
        with self._errors(), self._driver.session(database=self.database) as session:
            current = session.run(cypher.SCHEMA_CURRENT_VERSION).single(strict=True)["version"] or 0
            for version in sorted(v for v in cypher.SCHEMA if v > current):
                for statement in cypher.SCHEMA[version]:
                    session.run(statement).consume()
                session.run(cypher.SCHEMA_SET_VERSION, version=version).consume()
            # planned now, not by the first question after the first edit (80 ms of it at 100k)
            session.run(cypher.EDITS_SINCE, since=-1, limit=0, entries=0).consume()

    def schema_version(self) -> int:
        return int(self._read(cypher.SCHEMA_CURRENT_VERSION)[0]["version"] or 0)

    def ping(self) -> None:
        """One round trip without retries, so readiness answers fast when Neo4j is down."""
        with self._errors(), self._driver.session(database=self.database) as session:
            session.run(cypher.PING).consume()

    def close(self) -> None:
        self._ahead.close()
        self._driver.close()

    def wipe(self) -> None:
        """Delete every node but the schema version (tests, and full reloads)."""
        with self._errors(), self._driver.session(database=self.database) as session:
            session.run(cypher.WIPE).consume()
        self._writes += 1
        self._version_read = None

    # --- primitives ----------------------------------------------------------------------------------

    def _record(self, kind: type[R], props: dict[str, Any]) -> R:
        """A record from node properties; the same content (id, hash, modified_at) is validated only once."""
        key = (kind.kind, props["id"], props.get("hash"), props.get("modified_at"))
        found = self._models.get(key)
        if found is None:
            found = from_props(kind, props)
            if len(self._models) >= MODEL_CACHE_SIZE:
                self._models.clear()
            self._models[key] = found
        return found  # type: ignore[return-value]

    def _fetch(self, kind: type[R], ids: Sequence[str] | None, organisation_id: str | None) -> list[R]:
        if ids is not None:
            rows = self._read(cypher.FETCH_IDS[kind.kind], ids=list(ids))
        elif organisation_id is not None and kind.kind in cypher.FETCH_OF_ORGANISATION:
            rows = self._read(cypher.FETCH_OF_ORGANISATION[kind.kind], org=organisation_id)
        else:
            rows = self._read(cypher.FETCH_ALL[kind.kind])
        found = [self._record(kind, row["p"]) for row in rows]
        if organisation_id is not None:
            found = [r for r in found if getattr(r, "organisation_id", None) == organisation_id]
        return found

    def _hashes(self, kind: type[Record], ids: Sequence[str]) -> dict[str, str]:
        if not ids:
            return {}
        return {row["id"]: row["hash"] for row in self._read(cypher.HASHES[kind.kind], ids=list(ids))}

    def _missing(self, kind: type[Record], ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        return {row["id"] for row in self._read(cypher.MISSING[kind.kind], ids=list(ids))}

    def _write(self, kind: type[Record], records: Sequence[Record], changes: Sequence[Change]) -> None:
        rows = [{"id": r.id, "props": to_props(r)} for r in records]

        def work(tx: ManagedTransaction) -> None:
            tx.run(cypher.WRITE[kind.kind], rows=rows).consume()
            self._log(tx, changes)

        self._write_tx(work)

    def _delete(self, kind: type[Record], id: str, changes: Sequence[Change]) -> bool:
        def work(tx: ManagedTransaction) -> bool:
            deleted = int(tx.run(cypher.DELETE[kind.kind], id=id).single(strict=True)["deleted"])
            if deleted:
                self._log(tx, changes)
            return deleted > 0

        return self._write_tx(work)

    def _purge_changes(self, text: str, log: Callable[[int], Change]) -> int:
        needles = sorted({text, json.dumps(text)[1:-1]})  # the log's JSON escapes non-ASCII characters

        def work(tx: ManagedTransaction) -> int:
            purged, rows = 0, []
            for row in tx.run(cypher.CHANGES_CONTAINING, needles=needles):
                diffs = [purge_diff(json.loads(d), text) for d in row["diffs"]]
                purged += sum(d is not None for d in diffs)
                pairs = zip(row["diffs"], diffs, strict=True)
                kept = [json.dumps(new) if new is not None else old for old, new in pairs]
                rows.append({"id": row["id"], "diffs": kept})
            tx.run(cypher.SET_CHANGE_DIFFS, rows=rows).consume()
            self._log(tx, [log(purged)])
            return purged

        return self._write_tx(work)

    def _add_report(self, report: ErrorReport) -> None:
        if self._fetch_reports(None, None, report.id):
            raise Conflict(f"an error report «{report.id}» exists already")
        props = {k: v for k, v in report.model_dump(mode="json").items() if v is not None}
        self._write_tx(lambda tx: tx.run(cypher.ADD_REPORT, props=props).consume())

    def _fetch_reports(
        self, status: ReportStatus | None, organisation_id: str | None, report_id: str | None
    ) -> list[ErrorReport]:
        rows = self._read(cypher.REPORTS, status=status.value if status else None, org=organisation_id, id=report_id)
        return [ErrorReport.model_validate(row["p"], context=STORED_CONTEXT) for row in rows]

    def _close_report(self, closed: ErrorReport, change: Change) -> bool:
        props = {k: v for k, v in closed.model_dump(mode="json").items() if v is not None}

        def work(tx: ManagedTransaction) -> bool:
            done = int(tx.run(cypher.CLOSE_REPORT, id=closed.id, props=props).single(strict=True)["closed"]) > 0
            if done:
                self._log(tx, [change])
            return done

        return self._write_tx(work)

    # --- tallies ----------------------------------------------------------------------------------------

    def _add_tallies(self, tallies: Sequence[Tally]) -> None:
        rows = [tally_row(t) for t in tallies]
        kinds = sorted({t.kind for t in tallies})

        def work(tx: ManagedTransaction) -> None:
            tx.run(cypher.TICK_TALLY_CLOCKS, kinds=kinds).consume()
            tx.run(cypher.ADD_TALLIES, rows=rows, max=MAX_COUNT).consume()

        self._write_tx(work)

    def _replace_tallies(self, kind: type[Tally], scope: str, expected: Sequence[Tally], new: Sequence[Tally]) -> bool:
        """The kind's clock first: no other tally write of the kind runs between the comparison and the swap."""
        wanted = {tally_key(t): t.count for t in expected if t.count}
        rows = [tally_row(t) for t in new]

        def work(tx: ManagedTransaction) -> None:
            tx.run(cypher.TICK_TALLY_CLOCKS, kinds=[kind.kind]).consume()
            stored = {row["key"]: row["count"] for row in tx.run(cypher.SCOPE_TALLIES, kind=kind.kind, scope=scope)}
            if stored != wanted:
                raise _Changed
            tx.run(cypher.REPLACE_TALLIES, kind=kind.kind, scope=scope, rows=rows).consume()

        try:
            self._write_tx(work)
        except _Changed:
            return False
        return True

    def _fetch_tallies(self, kind: type[C], scope: str | None) -> list[C]:
        rows = self._read(cypher.FETCH_TALLIES, kind=kind.kind, scope=scope)
        return [kind.model_validate({k: v for k, v in row["p"].items() if k not in TALLY_NODE_FIELDS}) for row in rows]

    def _drop_tallies(self, before: str) -> int:
        def work(tx: ManagedTransaction) -> int:
            kinds = [row["kind"] for row in tx.run(cypher.OLD_TALLY_KINDS, before=before)]
            if not kinds:
                return 0
            tx.run(cypher.TICK_TALLY_CLOCKS, kinds=kinds).consume()
            return int(tx.run(cypher.DROP_TALLIES, before=before, kinds=kinds).single(strict=True)["dropped"])

        return self._write_tx(work)

    def tally_version(self, kind: type[Tally]) -> int:
        return int(self._read(cypher.TALLY_VERSION, kind=kind.kind)[0]["version"] or 0)

    def _link_hashes(self, kind: type[Link], keys: Sequence[tuple[str, ...]]) -> dict[tuple[str, ...], str]:
        rows = [{"start": k[1], "end": k[2], "key": k[3] if len(k) > 3 else ""} for k in keys]
        found = self._read(cypher.LINK_HASHES[kind.kind], rows=rows)
        out: dict[tuple[str, ...], str] = {}
        for row in found:
            key = (
                (kind.kind, row["start"], row["end"], row["key"])
                if row["key"]
                else (kind.kind, row["start"], row["end"])
            )
            out[key] = row["hash"]
        return out

    def _write_links(self, kind: type[Link], links: Sequence[Link], changes: Sequence[Change]) -> None:
        rows = [_link_row(link) for link in links]

        def work(tx: ManagedTransaction) -> None:
            tx.run(cypher.WRITE_LINKS[kind.kind], rows=rows).consume()
            self._log(tx, changes)

        self._write_tx(work)

    def _remove_link(self, link: Link, change: Change) -> bool:
        row = _link_row(link)

        def work(tx: ManagedTransaction) -> bool:
            result = tx.run(cypher.REMOVE_LINK[link.kind], start=row["start"], end=row["end"], key=row["key"])
            deleted = int(result.single(strict=True)["deleted"])
            if deleted:
                self._log(tx, [change])
            return deleted > 0

        return self._write_tx(work)

    def _fetch_links(self, kind: type[L], organisation_id: str | None) -> list[L]:
        rows = self._read(cypher.FETCH_LINKS[kind.kind], org=organisation_id)
        return sorted((from_props(kind, row["p"]) for row in rows), key=lambda x: x.key())

    def _partner_tree(self, organisation_id: str, hops: int) -> dict[str, tuple[int, str]] | None:
        rows = self._read(cypher.PARTNER_TREE, id=organisation_id, hops=hops)
        if not rows:
            return None
        return {
            id_: (distance, parent) for distance, level in enumerate(rows[0]["found"], start=1) for id_, parent in level
        }

    def _shortest_paths(self, from_id: str, to_id: str, max_hops: int) -> list[list[str]]:
        rows = self._read(cypher.SHORTEST_PATHS, **{"from": from_id, "to": to_id, "max_hops": max_hops})
        return [list(row["ids"]) for row in rows]

    def _candidates(self, wanted: Wanted) -> list[ServiceCandidate]:
        """The search answers the keys of the candidates' records; those not validated yet are read by id."""
        divisions = list(wanted.divisions) if wanted.divisions is not None else None
        audiences = list(wanted.audiences) if wanted.audiences is not None else None
        asked = {"terms": list(wanted.terms), "divisions": divisions, "audiences": audiences}
        if wanted.services is None:
            rows = self._read(cypher.CANDIDATES, language=wanted.language, **asked)
        else:
            rows = self._read(cypher.CANDIDATES_AMONG, language=wanted.language, ids=list(wanted.services), **asked)
        records = self._known(rows)
        out = []
        for row in rows:
            service = records[Service].get(row["service"][0])
            organisation = records[Organisation].get(row["organisation"][0])
            if service is None or organisation is None:  # deleted between the search and the read
                continue
            by_id = {key[0]: loc for key in row["locations"] if (loc := records[Location].get(key[0]))}
            out.append(
                ServiceCandidate(
                    service=service,
                    organisation=organisation,
                    locations=tuple(by_id[i] for i in service.location_ids if i in by_id),
                    located_in=tuple(sorted(set(row["located_in"]))),
                )
            )
        return out

    def _known(self, rows: list[neo4j.Record]) -> dict[type[Record], dict[str, Any]]:
        """The records the candidate rows name, by kind and id: the validated ones of the same content from the
        model cache, the others read by id (then cached). A record edited between the two reads comes as read
        the second time, like any record of a list that the change log then brings up to date."""
        named: dict[type[Record], list[list[Any]]] = {
            Service: [row["service"] for row in rows],
            Organisation: [row["organisation"] for row in rows],
            Location: [key for row in rows for key in row["locations"]],
        }
        out: dict[type[Record], dict[str, Any]] = {}
        for kind, keys in named.items():
            found: dict[str, Any] = {}
            missing = set()
            for id_, hash_, modified in keys:
                model = self._models.get((kind.kind, id_, hash_, modified))
                if model is None:
                    missing.add(id_)
                else:
                    found[id_] = model
            ids = sorted(missing)
            for start in range(0, len(ids), PACKED_BATCH):
                (row,) = self._read(cypher.FETCH_IDS_PACKED[kind.kind], ids=ids[start : start + PACKED_BATCH])
                found.update((p["id"], self._record(kind, p)) for p in row["ps"])
            out[kind] = found
        return out

    def counts(self) -> dict[str, int]:
        return {kind: int(n) for kind, n in dict(self._read(cypher.COUNTS)[0]).items()}

    def meta(self) -> dict[str, str]:
        rows = self._read(cypher.DIRECTORY_META)
        found = rows[0]["p"] if rows and rows[0]["p"] else {}
        return {str(k): str(v) for k, v in found.items() if k != "id"}

    def set_meta(self, values: dict[str, str]) -> None:
        with self._errors(), self._driver.session(database=self.database) as session:
            session.run(cypher.SET_DIRECTORY_META, values=dict(values)).consume()

    def memory_settings(self) -> dict[str, str]:
        return {row["name"]: str(row["value"]) for row in self._read(cypher.MEMORY_SETTINGS)}

    def version(self) -> int:
        """Read at most every `VERSION_READ_EVERY` seconds: every referral asks, and under load a round
        trip per question to a busy server was the tail of the latency. Read ahead in the background from
        `VERSION_READ_AHEAD` on."""
        read = self._version_read
        if read is not None:
            age = time.monotonic() - read[0]
            if age < VERSION_READ_EVERY:
                if age >= VERSION_READ_AHEAD:
                    self._ahead.ask()
                return read[1]
        return self._read_version()

    def _read_version(self) -> int:
        """The version now; kept unless a write of ours or a read started later (a slow read ahead, a question)
        came meanwhile: the version held never goes back."""
        started, writes = time.monotonic(), self._writes
        rows = self._read(cypher.DIRECTORY_VERSION)
        version = int(rows[0]["seq"]) if rows else 0
        held = self._version_read
        if writes == self._writes and (held is None or held[0] <= started):
            self._version_read = (started, version)
        return version

    def _read_ahead(self) -> None:
        with suppress(RelaisError):  # Neo4j away: the next question that needs the version reads it and says so
            self._read_version()

    def _changed_since(self, version: int, limit: int) -> list[Changed] | None:
        return _changes(self._read(cypher.CHANGED_SINCE, since=version, limit=limit + 1), version)

    def edits_since(self, version: int, limit: int = 1000) -> Edits | None:
        check_since(version, limit)
        (row,) = self._read(
            cypher.EDITS_SINCE, since=version, limit=limit + 2, entries=limit
        )  # as `_changed_since(.., limit + 1)`
        changed = _changes(row["log"], version)
        if changed is None or len(changed) > limit:
            return None

        def named(kind: type[R], column: str) -> list[R]:
            return sorted((self._record(kind, p) for p in row[column]), key=attrgetter("id"))

        return Edits(
            changed, named(Organisation, "organisations"), named(Location, "locations"), named(Service, "services")
        )

    def changes(self, limit: int = 100) -> list[Change]:
        out: list[Change] = []
        for row in self._read(cypher.CHANGES, limit=limit):
            p = row["p"]
            common = {k: p[k] for k in ("at", "key_id", "entity", "route")}
            entries = list(zip(p["actions"], p["entity_ids"], p["diffs"], strict=True))
            for action, entity_id, diff in reversed(entries):  # newest first, as the log reads
                out.append(
                    Change.model_validate(
                        {**common, "action": action, "entity_id": entity_id, "diff": json.loads(diff)}
                    )
                )
        return out[:limit]
