"""The embedded store's file: edits survive a restart, a corrupt file is refused and left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import InvalidInput
from graph.memory_store import MemoryStore
from graph.models import Organisation
from graph.reference import Reference
from tests.contract.test_store_contract import org


def test_memory_store_file_survives_restart_and_corruption_is_refused(tmp_path: Path, reference: Reference) -> None:
    path = tmp_path / "relais.json"
    first = MemoryStore(path)
    first.upsert([*reference.records(), org("a")])
    assert MemoryStore(path).get(Organisation, "a").name == "Organisation fictive a"
    path.write_text('{"format": 1, "records": {"Organisation": [{"id": 3}]}', encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(InvalidInput, match="corrupt"):
        MemoryStore(path)
    assert path.read_bytes() == before
