"""The counts in the embedded store's file: a file from before them opens and counts, a damaged cell is
refused naming the file, and two OS processes counting the same cell lose nothing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from graph.errors import InvalidInput
from graph.models import ReferralTally, UnmetDemand
from graph.sqlite_store import SqliteStore
from tests.contract.store_contract import referred, unmet

ROOT = Path(__file__).resolve().parents[2]

COUNTER = """
import sys
from pathlib import Path
from graph.sqlite_store import SqliteStore
from tests.contract.store_contract import referred

store = SqliteStore(Path(sys.argv[1]))
for _ in range(int(sys.argv[2])):  # one write transaction each, interleaved with the other process's
    store.add_tallies([referred()])
store.close()
"""


def test_a_file_from_before_the_counts_opens_and_keeps_them(tmp_path: Path) -> None:
    path = tmp_path / "relais.db"
    SqliteStore(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("DROP TABLE tallies")
        raw.execute("DROP TABLE tally_clock")
    raw.close()
    store = SqliteStore(path)
    assert store.tallies(ReferralTally) == [] and store.tally_version(ReferralTally) == 0
    store.add_tallies([referred(count=3), unmet()])
    store.close()
    again = SqliteStore(path)
    assert [(t.service_id, t.count) for t in again.tallies(ReferralTally)] == [("sb", 3)]
    assert [(t.term, t.division) for t in again.tallies(UnmetDemand)] == [("forced-marriage", "huy")]
    assert again.tally_version(ReferralTally) == 1
    again.close()


def test_a_damaged_cell_is_refused_naming_the_file(tmp_path: Path) -> None:
    """A cell whose month was made finer than the month (by hand, or another program) is not read back."""
    path = tmp_path / "relais.db"
    store = SqliteStore(path)
    store.add_tallies([referred()])
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE tallies SET data = json_set(data, '$.month', '2026-10-14')")
    raw.close()
    with pytest.raises(InvalidInput, match="not a valid record") as refused:
        store.tallies(ReferralTally)
    assert str(path) in str(refused.value)
    store.close()


def test_two_processes_counting_one_cell_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "relais.db"
    here = SqliteStore(path)
    counters = [subprocess.Popen([sys.executable, "-c", COUNTER, str(path), "200"], cwd=ROOT) for _ in range(2)]
    assert [c.wait(timeout=120) for c in counters] == [0, 0]
    assert [(t.month, t.count) for t in here.tallies(ReferralTally)] == [("2026-10", 400)]
    assert here.version() == 0 and here.changes() == [], "counted, never logged"
    here.close()
