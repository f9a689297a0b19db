"""The embedded store persisted in SQLite (standard library `sqlite3`), read from an in-memory view.

Why this shape: the directory is small enough to hold in memory (10k organisations), and a referral must
not wait on disk, so reads are served by the `MemoryStore` view this class extends (`reads_in_memory`).
The file is the truth shared by every process (several uvicorn workers, the CLI):

- A write is **one transaction** (`BEGIN IMMEDIATE`: one writer at a time across processes, waiting up to
  `BUSY_TIMEOUT_MS`) that writes only the rows it changes — records, links, tombstones of what it deleted,
  and its change-log entries — so its cost follows the size of the change, not of the directory.
- Every row carries the `seq` of the change-log entry of the write that last touched it; `version()` is the
  change log's largest `seq`, the same number in every process, so every process's caches follow it.
- Before each read, `PRAGMA data_version` (a shared-memory read, microseconds) tells whether another
  connection committed; if so the view catches up with the rows and tombstones whose `seq` is above the
  last one seen (`_catch_up`) — a full reload only if the file went backwards (replaced). A process's own
  writes reach its view when they commit. So another process's edit is in the very next read.
- WAL journal (readers never block the writer, nor the writer readers) with `synchronous=FULL`: every
  commit is on disk before the write is acknowledged, so an edit a coordinator saw saved survives a power
  cut too, not only a crash (NORMAL would keep the file sound but could lose the last commits). Writes are
  human edits and batched loads, so the fsync per commit is cheap where it is paid (see
  docs/performance.md).
- Error reports and counts (`Tally`: referrals made, their outcomes, unmet demand) sit beside the directory,
  never in the view: they are read from the file (counts on the read-only connection, which never waits for
  a write), so every process counts on the same cells and sees the others' counts at once; an increment is
  one `INSERT … ON CONFLICT DO UPDATE`, a compare-and-set one write transaction. Counts never write a
  change-log entry nor move `version()`.
- A file that is not a Relais store (another application's database, a text file, a corrupt page or row)
  is refused with `InvalidInput` naming the file, and never written to.

Values are stored as JSON text (the models' own serialisation), so no record value meets SQLite's
64-bit integer limit; driver errors become the project's errors (`_errors`).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from graph.errors import Conflict, InvalidInput, Problem, StoreError, StoreUnavailable
from graph.memory_store import MemoryStore
from graph.models import (
    ENTITY_TYPES,
    LINK_TYPES,
    MAX_COUNT,
    Change,
    ErrorReport,
    Link,
    Record,
    ReportStatus,
    ServiceCandidate,
    Tally,
    link_ends,
)
from graph.privacy import STORED_CONTEXT
from graph.store import KINDS, LINK_KINDS, Changed, Wanted, changed_fields, purge_diff

R = TypeVar("R", bound=Record)
L = TypeVar("L", bound=Link)
T = TypeVar("T")
C = TypeVar("C", bound=Tally)

APPLICATION_ID = 0x52454C53
"""`PRAGMA application_id` of a Relais store ("RELS"): how a foreign SQLite file is told apart."""
SCHEMA_VERSION = "1"
BUSY_TIMEOUT_MS = 10_000
"""How long a write waits for another process's write transaction before answering `StoreUnavailable`."""
SQLITE_HEADER = b"SQLite format 3\x00"

SCHEMA: tuple[str, ...] = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE records (kind TEXT NOT NULL, id TEXT NOT NULL, organisation_id TEXT, seq INTEGER NOT NULL,"
    " data TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID",
    "CREATE INDEX records_seq ON records (seq)",
    "CREATE INDEX records_organisation ON records (organisation_id) WHERE organisation_id IS NOT NULL",
    "CREATE TABLE links (kind TEXT NOT NULL, key TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL,"
    " seq INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID",
    "CREATE INDEX links_seq ON links (seq)",
    "CREATE INDEX links_a ON links (a)",
    "CREATE INDEX links_b ON links (b)",
    "CREATE TABLE gone (kind TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL,"
    " PRIMARY KEY (kind, key)) WITHOUT ROWID",
    "CREATE INDEX gone_seq ON gone (seq)",
    "CREATE TABLE changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL)",
)
"""`gone` holds a tombstone per deleted record or link (removed when it is written again), so that other
processes drop it from their view; `changes` is the change log, one row per entry."""

PUT_RECORD = (
    "INSERT INTO records (kind, id, organisation_id, seq, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, id)"
    " DO UPDATE SET organisation_id = excluded.organisation_id, seq = excluded.seq, data = excluded.data"
)
PUT_LINK = (
    "INSERT INTO links (kind, key, a, b, seq, data) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, key)"
    " DO UPDATE SET seq = excluded.seq, data = excluded.data"
)
UNBURY = "DELETE FROM gone WHERE kind = ? AND key = ?"
BURY = "INSERT INTO gone (kind, key, seq) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET seq = excluded.seq"
PUT_META = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
TOP_SEQ = "SELECT coalesce(max(seq), 0) FROM changes"
CHANGED_SINCE = (
    "SELECT json_extract(data, '$.entity'), json_extract(data, '$.entity_id'), json_extract(data, '$.diff')"
    " FROM changes"
    " WHERE seq > ? ORDER BY seq LIMIT ?"
)
"""(kind, id, diff) of the change-log entries after a version, from the primary key (seq) onwards."""
REPORTS_TABLE = (
    "CREATE TABLE IF NOT EXISTS reports (id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL,"
    " status TEXT NOT NULL, data TEXT NOT NULL) WITHOUT ROWID"
)
"""Error reports (`ErrorReport`): beside the directory, read from the file (never in the view); created on
opening in files of schema 1 that predate them."""
FETCH_REPORTS = (
    "SELECT data FROM reports WHERE (:status IS NULL OR status = :status)"
    " AND (:org IS NULL OR organisation_id = :org) AND (:id IS NULL OR id = :id)"
)
TALLY_TABLES = (
    "CREATE TABLE IF NOT EXISTS tallies (kind TEXT NOT NULL, key TEXT NOT NULL, scope TEXT NOT NULL,"
    " month TEXT NOT NULL, count INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS tallies_scope ON tallies (kind, scope)",
    "CREATE INDEX IF NOT EXISTS tallies_month ON tallies (month)",
    "CREATE TABLE IF NOT EXISTS tally_clock (kind TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID",
)
"""Counts beside the directory (`Tally`): one row per cell, its fields as JSON without the count; read from the
file, never from the view, so every process counts on the same cells. `tally_clock` holds each kind's tally
version. Created on opening in files of schema 1 that predate them; no change-log entry ever names them."""
ADD_TALLY = (
    "INSERT INTO tallies (kind, key, scope, month, count, data) VALUES (:kind, :key, :scope, :month, :count, :data)"
    " ON CONFLICT (kind, key) DO UPDATE SET count = min(tallies.count + excluded.count, :max)"
)
"""An increment, capped at `MAX_COUNT`, in the same statement that reads the cell: no count is lost."""
PUT_TALLY = (
    "INSERT INTO tallies (kind, key, scope, month, count, data) VALUES (:kind, :key, :scope, :month, :count, :data)"
    " ON CONFLICT (kind, key) DO UPDATE SET count = excluded.count"
)
TICK_TALLY_CLOCK = (
    "INSERT INTO tally_clock (kind, version) VALUES (?, 1) ON CONFLICT (kind) DO UPDATE SET version = version + 1"
)
SCOPE_TALLIES = "SELECT key, count FROM tallies WHERE kind = ? AND scope = ?"
FETCH_TALLIES = "SELECT data, count FROM tallies WHERE kind = :kind AND (:scope IS NULL OR scope = :scope)"
DROP_TALLIES = "DELETE FROM tallies WHERE month < ? RETURNING kind"
TALLY_VERSION = "SELECT coalesce(max(version), 0) FROM tally_clock WHERE kind = ?"
DELETE_OWNED = "DELETE FROM records WHERE kind IN ('Service', 'Location') AND organisation_id = ? RETURNING kind, id"
"""What an organisation takes with it, as the view's `_drop` does (its links are deleted by their ends)."""


def link_key(link: Link) -> str:
    """The link's key without its kind, as the change log names it ("a/b/informal")."""
    return "/".join(link.key()[1:])


def tally_row(tally: Tally) -> dict[str, Any]:
    """A cell's row: its key as JSON (a field may be empty, or hold any character a later kind allows)."""
    return {
        "kind": tally.kind,
        "key": json.dumps(tally.key()),
        "scope": tally.scope(),
        "month": tally.month,
        "count": tally.count,
        "data": tally.model_dump_json(exclude={"count"}),
        "max": MAX_COUNT,
    }


class SqliteStore(MemoryStore):
    """The embedded store: the `MemoryStore` view, kept in step with one SQLite file shared by processes."""

    reads_in_memory = True

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._sync = threading.Lock()
        """Held by a write transaction and by a catch-up: they change `_seen` and the view in order."""
        self._seen = 0
        """The largest change-log `seq` the view reflects."""
        self._data_version = -1
        self._closed = False
        self._reader: sqlite3.Connection | None = None
        """A read-only connection of its own for `_changed_since` (opened at its first use)."""
        self._reader_lock = threading.Lock()
        self._db = self._open()
        try:
            with self._sync, self._errors():
                self._reload()
        except BaseException:
            self._db.close()
            raise

    # --- opening ---------------------------------------------------------------------------------------

    def _refuse(self, why: str) -> InvalidInput:
        return InvalidInput(
            [Problem(f"{why}; it was left untouched (move it away, or set RELAIS_STORE_FILE)", file=str(self.path))]
        )

    def _open(self) -> sqlite3.Connection:
        """Connect, refusing a file that is not a Relais store; create the schema in a new, empty file."""
        if self.path.exists() and self.path.stat().st_size > 0:
            with self.path.open("rb") as f:
                if f.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                    raise self._refuse("not a Relais store (not an SQLite database)")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # hidden addresses: readable by the owner only (WAL files follow)
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            db.execute("PRAGMA busy_timeout = 10000")
            application, tables = self._identity(db)
            if application != APPLICATION_ID and (application != 0 or tables):
                raise self._refuse("not a Relais store (an SQLite database of another application)")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
            if not tables:
                self._create(db)
            found = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if found is None or found[0] != SCHEMA_VERSION:
                raise self._refuse(f"a Relais store of schema {found[0] if found else '?'} (this Relais reads 1)")
            for statement in (REPORTS_TABLE, *TALLY_TABLES):
                db.execute(statement)
        except sqlite3.DatabaseError as exc:
            db.close()
            raise self._refuse(f"not a readable Relais store ({exc})") from exc
        except BaseException:
            db.close()
            raise
        return db

    @staticmethod
    def _identity(db: sqlite3.Connection) -> tuple[int, int]:
        application = db.execute("PRAGMA application_id").fetchone()[0]
        tables = db.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
        return int(application), int(tables)

    def _create(self, db: sqlite3.Connection) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            if self._identity(db)[1] == 0:  # another process may have created it meanwhile
                for statement in SCHEMA:
                    db.execute(statement)
                db.execute("INSERT INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    # --- plumbing ------------------------------------------------------------------------------------

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """sqlite3's errors become the project's: a busy or unwritable file is `StoreUnavailable` (try
        again), a row the models cannot read is `InvalidInput` naming the file, anything else `StoreError`."""
        try:
            yield
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"the store refused a duplicate ({exc})") from exc
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(f"the store file {self.path} cannot be used now ({exc})") from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"the store file {self.path} refused a statement ({exc})") from exc
        except OverflowError as exc:
            raise StoreError("a value is out of the range SQLite can store") from exc
        except ValueError as exc:  # a stored row the models refuse: written by something else, or damaged
            raise self._refuse(f"a stored row is not a valid record ({str(exc).splitlines()[0]})") from exc

    def _transaction(self, changes: Sequence[Change], work: Callable[[sqlite3.Connection, int], bool]) -> bool:
        """Log `changes` and run `work(db, seq)` in one write transaction; when `work` returns False, roll
        back (nothing written, nothing logged). Others' commits reach the view first, then this one."""
        entries = [(c.model_dump_json(),) for c in changes]
        with self._sync, self._errors():
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                self._catch_up(db)
                db.executemany("INSERT INTO changes (data) VALUES (?)", entries)
                seq = int(db.execute(TOP_SEQ).fetchone()[0])
                done = work(db, seq)
                db.execute("COMMIT" if done else "ROLLBACK")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            if done:
                self._seen = seq
            return done

    # --- keeping the view in step ----------------------------------------------------------------------

    def _fresh(self) -> None:
        """Bring the view up to date if another connection committed. Skipped while this process is writing
        or catching up in another thread: that one brings the view up to date when it ends."""
        if self._closed or not self._sync.acquire(blocking=False):
            return
        try:
            with self._errors():
                version = self._db.execute("PRAGMA data_version").fetchone()[0]
                if version != self._data_version:
                    self._data_version = version
                    self._db.execute("BEGIN")  # one snapshot for the rows, the tombstones and the top seq
                    try:
                        self._catch_up(self._db)
                    finally:
                        self._db.execute("COMMIT")
        finally:
            self._sync.release()

    def _catch_up(self, db: sqlite3.Connection) -> None:
        """Apply what was committed since `_seen`: tombstones first, then records (in dependency order) and
        links. The caller holds `_sync` and a transaction (one snapshot)."""
        top = int(db.execute(TOP_SEQ).fetchone()[0])
        if top < self._seen:  # the file went backwards (replaced by another one): start again
            self._reload_in(db)
            return
        self._read_meta(db)
        if top == self._seen:
            return
        after = (self._seen,)
        gone = db.execute("SELECT kind, key FROM gone WHERE seq > ?", after).fetchall()
        records = self._parse_records(db.execute("SELECT kind, data FROM records WHERE seq > ?", after))
        links = self._parse_links(db.execute("SELECT kind, data FROM links WHERE seq > ?", after))
        with self._lock:
            for kind_name, key in gone:
                if kind_name in KINDS:
                    self._drop(KINDS[kind_name], key)
                elif kind_name in LINK_KINDS:
                    self._drop_link(LINK_KINDS[kind_name], (kind_name, *key.split("/")))
            self._apply(records, links)
        self._seen = top

    def _apply(self, records: dict[type[Record], list[Record]], links: dict[type[Link], list[Link]]) -> None:
        for kind in ENTITY_TYPES:
            if records.get(kind):
                self._put(kind, records[kind])
        for link_kind in LINK_TYPES:
            if links.get(link_kind):
                self._put_links(link_kind, links[link_kind])

    @staticmethod
    def _parse_records(rows: Iterator[Any]) -> dict[type[Record], list[Record]]:
        out: dict[type[Record], list[Record]] = {}
        for kind_name, data in rows:
            kind = KINDS[kind_name]
            out.setdefault(kind, []).append(kind.model_validate_json(data, context=STORED_CONTEXT))
        return out

    @staticmethod
    def _parse_links(rows: Iterator[Any]) -> dict[type[Link], list[Link]]:
        out: dict[type[Link], list[Link]] = {}
        for kind_name, data in rows:
            kind = LINK_KINDS[kind_name]
            out.setdefault(kind, []).append(kind.model_validate_json(data, context=STORED_CONTEXT))
        return out

    def _read_meta(self, db: sqlite3.Connection) -> None:
        found = dict(db.execute("SELECT key, value FROM meta WHERE key != 'schema'").fetchall())
        with self._lock:
            self._meta = found

    def _reload(self) -> None:
        """The whole view from the file (at opening; the caller holds `_sync`)."""
        self._data_version = self._db.execute("PRAGMA data_version").fetchone()[0]
        self._db.execute("BEGIN")
        try:
            self._reload_in(self._db)
        finally:
            self._db.execute("COMMIT")

    def _reload_in(self, db: sqlite3.Connection) -> None:
        records = self._parse_records(db.execute("SELECT kind, data FROM records"))
        links = self._parse_links(db.execute("SELECT kind, data FROM links"))
        with self._lock:
            self._clear()
            self._apply(records, links)
        self._read_meta(db)
        self._seen = int(db.execute(TOP_SEQ).fetchone()[0])

    # --- lifecycle -----------------------------------------------------------------------------------

    def ping(self) -> None:
        with self._sync, self._errors():
            self._db.execute("SELECT 1").fetchone()

    def close(self) -> None:
        """Close the connection (the last one to close folds the WAL back into the file)."""
        with self._sync:
            if not self._closed:
                self._closed = True
                self._db.close()
        with self._reader_lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None

    def meta(self) -> dict[str, str]:
        self._fresh()
        return super().meta()

    def set_meta(self, values: dict[str, str]) -> None:
        rows = [(k, str(v)) for k, v in values.items() if k != "schema"]
        with self._sync, self._errors():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(PUT_META, rows)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            super().set_meta(dict(rows))

    # --- writes ----------------------------------------------------------------------------------------

    def _write(self, kind: type[Record], records: Sequence[Record], changes: Sequence[Change]) -> None:
        rows = [(kind.kind, r.id, getattr(r, "organisation_id", None), r.model_dump_json()) for r in records]

        def work(db: sqlite3.Connection, seq: int) -> bool:
            db.executemany(PUT_RECORD, [(k, i, o, seq, data) for k, i, o, data in rows])
            db.executemany(UNBURY, [(k, i) for k, i, _, _ in rows])
            return True

        if self._transaction(changes, work):
            with self._lock:
                self._put(kind, records)

    def _delete(self, kind: type[Record], id: str, changes: Sequence[Change]) -> bool:
        def work(db: sqlite3.Connection, seq: int) -> bool:
            gone = db.execute("DELETE FROM records WHERE kind = ? AND id = ? RETURNING kind, id", (kind.kind, id))
            buried = gone.fetchall()
            if not buried:
                return False
            if kind.kind == "Organisation":
                buried += db.execute(DELETE_OWNED, (id,)).fetchall()
                buried += db.execute("DELETE FROM links WHERE a = ? OR b = ? RETURNING kind, key", (id, id)).fetchall()
            db.executemany(BURY, [(k, key, seq) for k, key in buried])
            return True

        done = self._transaction(changes, work)
        if done:
            with self._lock:
                self._drop(kind, id)
        return done

    def _write_links(self, kind: type[Link], links: Sequence[Link], changes: Sequence[Change]) -> None:
        rows = [(kind.kind, link_key(x), *link_ends(x), x.model_dump_json()) for x in links]

        def work(db: sqlite3.Connection, seq: int) -> bool:
            db.executemany(PUT_LINK, [(k, key, a, b, seq, data) for k, key, a, b, data in rows])
            db.executemany(UNBURY, [(k, key) for k, key, _, _, _ in rows])
            return True

        if self._transaction(changes, work):
            with self._lock:
                self._put_links(kind, links)

    def _remove_link(self, link: Link, change: Change) -> bool:
        key = (link.kind, link_key(link))

        def work(db: sqlite3.Connection, seq: int) -> bool:
            if not db.execute("DELETE FROM links WHERE kind = ? AND key = ? RETURNING 1", key).fetchall():
                return False
            db.execute(BURY, (*key, seq))
            return True

        done = self._transaction([change], work)
        if done:
            with self._lock:
                self._drop_link(type(link), link.key())
        return done

    def _purge_changes(self, text: str, log: Callable[[int], Change]) -> int:
        """Rewrite the entries whose diff holds `text` (as typed or as JSON escapes it), in place, and log
        the purge, in one transaction. Records are untouched, so no other process's view has to move."""
        needles = sorted({text, json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1]})
        purged: list[tuple[str, int]] = []

        def work(db: sqlite3.Connection, seq: int) -> bool:
            where = " OR ".join("instr(data, ?) > 0" for _ in needles)
            for row_seq, data in db.execute(f"SELECT seq, data FROM changes WHERE {where}", needles).fetchall():  # noqa: S608
                change = Change.model_validate_json(data)
                cleaned = purge_diff(change.diff, text)
                if cleaned is not None:
                    purged.append((change.model_copy(update={"diff": cleaned}).model_dump_json(), row_seq))
            db.executemany("UPDATE changes SET data = ? WHERE seq = ?", purged)
            db.execute("UPDATE changes SET data = ? WHERE seq = ?", (log(len(purged)).model_dump_json(), seq))
            return True

        self._transaction([log(0)], work)
        return len(purged)

    def _add_report(self, report: ErrorReport) -> None:
        row = (report.id, report.organisation_id, report.status.value, report.model_dump_json())

        def work(db: sqlite3.Connection, seq: int) -> bool:
            db.execute("INSERT INTO reports (id, organisation_id, status, data) VALUES (?, ?, ?, ?)", row)
            return True

        self._transaction([], work)

    def _fetch_reports(
        self, status: ReportStatus | None, organisation_id: str | None, report_id: str | None
    ) -> list[ErrorReport]:
        wanted = {"status": status.value if status else None, "org": organisation_id, "id": report_id}
        with self._sync, self._errors():
            rows = self._db.execute(FETCH_REPORTS, wanted).fetchall()
            return [ErrorReport.model_validate_json(data, context=STORED_CONTEXT) for (data,) in rows]

    def _close_report(self, closed: ErrorReport, change: Change) -> bool:
        row = (closed.status.value, closed.model_dump_json(), closed.id)

        def work(db: sqlite3.Connection, seq: int) -> bool:
            sql = "UPDATE reports SET status = ?, data = ? WHERE id = ? AND status = 'open' RETURNING 1"
            return bool(db.execute(sql, row).fetchall())

        return self._transaction([change], work)

    # --- tallies: rows of the file, never in the view, never in the change log -------------------------

    def _add_tallies(self, tallies: Sequence[Tally]) -> None:
        rows = [tally_row(t) for t in tallies]
        kinds = sorted({t.kind for t in tallies})

        def work(db: sqlite3.Connection, seq: int) -> bool:
            db.executemany(ADD_TALLY, rows)
            db.executemany(TICK_TALLY_CLOCK, [(k,) for k in kinds])
            return True

        self._transaction([], work)

    def _replace_tallies(self, kind: type[Tally], scope: str, expected: Sequence[Tally], new: Sequence[Tally]) -> bool:
        """Compare and swap in one write transaction: `BEGIN IMMEDIATE` keeps every other writer out between
        the comparison and the swap."""
        wanted = {json.dumps(t.key()): t.count for t in expected if t.count}
        rows = [tally_row(t) for t in new]

        def work(db: sqlite3.Connection, seq: int) -> bool:
            if dict(db.execute(SCOPE_TALLIES, (kind.kind, scope)).fetchall()) != wanted:
                return False
            db.execute("DELETE FROM tallies WHERE kind = ? AND scope = ?", (kind.kind, scope))
            db.executemany(PUT_TALLY, rows)
            db.execute(TICK_TALLY_CLOCK, (kind.kind,))
            return True

        return self._transaction([], work)

    def _fetch_tallies(self, kind: type[C], scope: str | None) -> list[C]:
        rows = self._read_file(FETCH_TALLIES, {"kind": kind.kind, "scope": scope})
        with self._errors():
            return [kind.model_validate({**json.loads(data), "count": count}) for data, count in rows]

    def _drop_tallies(self, before: str) -> int:
        gone: list[str] = []

        def work(db: sqlite3.Connection, seq: int) -> bool:
            gone.extend(kind for (kind,) in db.execute(DROP_TALLIES, (before,)).fetchall())
            db.executemany(TICK_TALLY_CLOCK, [(k,) for k in sorted(set(gone))])
            return True

        self._transaction([], work)
        return len(gone)

    def tally_version(self, kind: type[Tally]) -> int:
        return int(self._read_file(TALLY_VERSION, (kind.kind,))[0][0])

    def import_rows(self, records: Sequence[Record], links: Sequence[Link], changes: Sequence[Change]) -> None:
        """Write records, links and an existing change log as they are (modification times and log kept),
        in one transaction: the conversion of a former JSON store."""
        record_rows = [(type(r).kind, r.id, getattr(r, "organisation_id", None), r.model_dump_json()) for r in records]
        link_rows = [(x.kind, link_key(x), *link_ends(x), x.model_dump_json()) for x in links]

        def work(db: sqlite3.Connection, seq: int) -> bool:
            db.executemany(PUT_RECORD, [(k, i, o, seq, data) for k, i, o, data in record_rows])
            db.executemany(PUT_LINK, [(k, key, a, b, seq, data) for k, key, a, b, data in link_rows])
            return True

        self._transaction(changes, work)
        with self._sync, self._errors():
            self._reload()

    # --- reads: the view, once brought up to date ------------------------------------------------------

    def _fetch(self, kind: type[R], ids: Sequence[str] | None, organisation_id: str | None) -> list[R]:
        self._fresh()
        return super()._fetch(kind, ids, organisation_id)

    def _hashes(self, kind: type[Record], ids: Sequence[str]) -> dict[str, str]:
        self._fresh()
        return super()._hashes(kind, ids)

    def _link_hashes(self, kind: type[Link], keys: Sequence[tuple[str, ...]]) -> dict[tuple[str, ...], str]:
        self._fresh()
        return super()._link_hashes(kind, keys)

    def _fetch_links(self, kind: type[L], organisation_id: str | None) -> list[L]:
        self._fresh()
        return super()._fetch_links(kind, organisation_id)

    def _partner_tree(self, organisation_id: str, hops: int) -> dict[str, tuple[int, str]] | None:
        self._fresh()
        return super()._partner_tree(organisation_id, hops)

    def _shortest_paths(self, from_id: str, to_id: str, max_hops: int) -> list[list[str]]:
        self._fresh()
        return super()._shortest_paths(from_id, to_id, max_hops)

    def _candidates(self, wanted: Wanted) -> list[ServiceCandidate]:
        self._fresh()
        return super()._candidates(wanted)

    def counts(self) -> dict[str, int]:
        self._fresh()
        return super().counts()

    def version(self) -> int:
        """The change log's largest `seq`: the same in every process that has caught up."""
        self._fresh()
        return self._seen

    def _changed_since(self, version: int, limit: int) -> list[Changed] | None:
        """From the change table by `seq`, on the read-only connection (`_read_file`): the question asking this
        must not wait for a write's fsync. It may list entries the view has yet to catch up with: more, never
        less."""
        rows = self._read_file(CHANGED_SINCE, (version, limit))
        return [Changed(str(kind), str(id_), changed_fields(json.loads(d) if d else None)) for kind, id_, d in rows]

    def _read_file(self, sql: str, params: Sequence[Any] | dict[str, Any]) -> list[Any]:
        """Rows read from the file on a read-only connection of its own, committed by any process: a write
        holds `_sync` (and `_db`) through its fsync, and a read must not wait for it (in WAL mode a reader
        never waits on the writer)."""
        with self._reader_lock, self._errors():
            if self._closed:
                raise StoreUnavailable(f"the store file {self.path} is closed")
            if self._reader is None:
                self._reader = sqlite3.connect(
                    f"{self.path.resolve().as_uri()}?mode=ro",
                    uri=True,
                    isolation_level=None,
                    check_same_thread=False,
                    timeout=BUSY_TIMEOUT_MS / 1000,
                )
            return self._reader.execute(sql, params).fetchall()

    def changes(self, limit: int = 100) -> list[Change]:
        if limit <= 0:
            return []
        with self._sync, self._errors():
            rows = self._db.execute("SELECT data FROM changes ORDER BY seq DESC LIMIT ?", (limit,)).fetchall()
            return [Change.model_validate_json(data) for (data,) in rows]


# --- the former JSON store file --------------------------------------------------------------------

JSON_FORMAT = 1
"""The `format` of the JSON file the embedded store wrote before SQLite (records, links, change log)."""


def read_json_store(path: Path) -> tuple[list[Record], list[Link], list[Change]]:
    """Records, links and change log of a JSON store file; a damaged file is `InvalidInput` naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != JSON_FORMAT:
            raise ValueError(f"unknown format {data.get('format')!r}")
        records = [
            kind.model_validate(raw, context=STORED_CONTEXT)
            for kind in ENTITY_TYPES
            for raw in data["records"].get(kind.kind, [])
        ]
        links = [
            kind.model_validate(raw, context=STORED_CONTEXT)
            for kind in LINK_TYPES
            for raw in data["links"].get(kind.kind, [])
        ]
        changes = [Change.model_validate(raw) for raw in data["changes"]]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InvalidInput(
            [Problem(f"the JSON store file is corrupt and was left untouched: {exc}", file=str(path))]
        ) from exc
    return records, links, changes


def convert_json_store(json_path: Path, db_path: Path) -> str | None:
    """Convert a JSON store file into the SQLite store once, and rename it `*.converted`; the message to
    show, or None when there is nothing to convert. A database that already holds something is left as
    it is (and the JSON file too): the message says so."""
    if not json_path.is_file():
        return None
    records, links, changes = read_json_store(json_path)
    store = SqliteStore(db_path)
    try:
        if store.version() or store.counts().get("Organisation"):
            return f"{json_path} was not converted: {db_path} already holds a directory (both left as they are)"
        converted = Change(
            at=datetime.now(UTC), key_id="system", action="convert", entity="Store", entity_id=json_path.name
        )
        store.import_rows(records, links, [*changes, converted])  # its own entry: the version moves
    finally:
        store.close()
    kept = json_path.with_name(json_path.name + ".converted")
    json_path.rename(kept)
    organisations = sum(type(r).kind == "Organisation" for r in records)
    return (
        f"converted the JSON store {json_path} ({organisations} organisations, {len(links)} links, "
        f"{len(changes)} changes) into {db_path}; the JSON file is kept as {kept.name}"
    )
