"""The bundled directories load cleanly into both stores, and both stores give back the same directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.memory_store import MemoryStore
from graph.reference import Reference
from graph.store import GraphStore
from graph.usecases import import_directory
from loaders.directory import read_directory
from loaders.export import directory_rows

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.parametrize("name", ["liege", "demo"])
def test_bundled_directory_loads_and_reads_back_identically(
    empty_store: GraphStore, reference: Reference, name: str
) -> None:
    directory = read_directory(DATA / name, reference)
    report = import_directory(directory, empty_store, reference=reference)
    assert report.total.updated == 0 and report.total.unchanged == 0
    reference_store = MemoryStore()
    import_directory(directory, reference_store, reference=reference)
    assert directory_rows(empty_store) == directory_rows(reference_store)
    again = import_directory(read_directory(DATA / name, reference, empty_store), empty_store, reference=reference)
    assert again.total.created == again.total.updated == 0
