"""Gap analysis on the demo finds every planted gap and nothing else, on both stores."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from graph.analysis import analyse
from graph.reference import Reference
from graph.store import GraphStore
from graph.usecases import import_directory
from loaders.directory import read_directory

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"

PLANTED = sorted(
    [
        ("coverage-gap", "huy", "forced-marriage"),
        ("fragile", "verviers", "shelter"),
        ("isolated", "huy", "gp-h-6"),
        ("single-point-of-failure", "verviers", "cpas-v-4"),
        ("missing-link", "huy", "hospital/shelter"),
        ("outside-platform", "huy", "gp-h-6"),
        ("training-gap", "huy", "forced-marriage"),
        ("training-gap", "huy", "honour-related-violence"),
        ("stale", "liege", "gp-l-3"),
        ("stale", "verviers", "cpas-v-2"),
        ("stale", "huy", "muni-h-1"),
        ("stale", "liege", "mhs-l-1"),
        ("stale", "verviers", "pva-v-1"),
    ]
)


def key(gap: dict[str, object]) -> tuple[str, str, str]:
    what = gap.get("term") or gap.get("topic") or gap.get("organisation") or f"{gap.get('type_a')}/{gap.get('type_b')}"
    return str(gap["kind"]), str(gap["division"]), str(what)


def test_planted_gaps_and_nothing_else(empty_store: GraphStore, reference: Reference) -> None:
    import_directory(read_directory(DEMO, reference), empty_store, reference=reference)
    report = analyse(empty_store, reference, as_of=date(2026, 11, 26))
    assert sorted(key(g) for g in report.summary) == PLANTED
    (cut,) = report.structure_by_division["verviers"]["articulation_points"]
    assert cut["cut_off"] == ["fp-v-2", "gp-v-6", "gp-v-7", "muni-v-3"]
    assert report.coverage["fragile"] == [{"term": "shelter", "division": "verviers", "provider": "shelter-v-1"}]
    assert report.structure["referral_reciprocity"]["pairs"] == 9
