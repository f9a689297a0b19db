"""Several OS processes on one SQLite store file, as uvicorn workers and the CLI are: a write in one is in
the other's next read, concurrent writers never lose each other's writes, and every process reports the
same version."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from graph.models import Organisation, Service, Visibility
from graph.reference import Reference
from graph.sqlite_store import SqliteStore
from tests.contract.test_store_contract import chain, loc, org, svc

ROOT = Path(__file__).resolve().parents[2]

WRITER = """
import sys
from pathlib import Path
from graph.sqlite_store import SqliteStore
from tests.contract.test_store_contract import org

path, prefix, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
store = SqliteStore(path)
for i in range(n):  # one write transaction each, interleaved with the other writer's
    store.upsert([org(f"{prefix}-{i:03d}")], key_id=prefix)
    if i == 0:
        store.upsert([org("shared", name=f"Nom fictif de {prefix}")], key_id=prefix)
store.close()
"""


def run(code: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT)


def test_a_write_in_another_process_is_in_the_next_read(tmp_path: Path, reference: Reference) -> None:
    path = tmp_path / "relais.db"
    here = SqliteStore(path)
    here.upsert(reference.records())
    chain(here, ["a", "b", "c"])
    here.upsert([loc("la", "a", Visibility.PUBLIC), svc("sa", "a", location_ids=("la",))])
    assert here.candidate_services(["partner-violence"])[0].service.id == "sa"
    before = here.version()
    code = (
        "import sys; from pathlib import Path; from graph.sqlite_store import SqliteStore\n"
        "from graph.models import Organisation\n"
        "from tests.contract.test_store_contract import org, coop\n"
        "s = SqliteStore(Path(sys.argv[1]))\n"
        "s.upsert([org('b', name='Nom changé fictif'), org('d')])\n"
        "s.add_links([coop('c', 'd')])\n"
        "s.delete(Organisation, 'a')\n"
        "print(s.version()); s.close()\n"
    )
    other = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, capture_output=True, text=True)
    assert other.returncode == 0, other.stderr
    # no waiting: the process that wrote has committed, so this process's next read sees it
    assert here.get(Organisation, "b").name == "Nom changé fictif"
    assert here.version() == int(other.stdout.strip()) > before
    assert here.partners("b", hops=2) == {"c": 1, "d": 2}
    assert here.list(Service) == [] and here.candidate_services(["partner-violence"]) == []
    assert here.counts()["Organisation"] == 3
    here.close()


def test_concurrent_writers_never_lose_each_others_writes(tmp_path: Path, reference: Reference) -> None:
    path = tmp_path / "relais.db"
    here = SqliteStore(path)
    here.upsert(reference.records())
    writers = [run(WRITER, str(path), prefix, "40") for prefix in ("p1", "p2")]
    deadline = time.monotonic() + 60
    seen_growing: set[int] = set()
    while any(w.poll() is None for w in writers) and time.monotonic() < deadline:
        here.upsert([org(f"here-{len(seen_growing):03d}")], key_id="here")  # a third writer, this process
        seen_growing.add(here.counts()["Organisation"])
        time.sleep(0.01)
    assert [w.wait(timeout=60) for w in writers] == [0, 0]
    ours = len(seen_growing)
    assert here.counts()["Organisation"] == 80 + 1 + ours
    fresh = SqliteStore(path)
    assert {o.id for o in fresh.list(Organisation)} == {o.id for o in here.list(Organisation)}
    assert fresh.get(Organisation, "shared").name in ("Nom fictif de p1", "Nom fictif de p2")
    assert here.get(Organisation, "shared") == fresh.get(Organisation, "shared")
    assert fresh.version() == here.version()
    assert len(fresh.changes(limit=1000)) == len(reference.records()) + 80 + 2 + ours
    fresh.close()
    here.close()
