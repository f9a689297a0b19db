"""Centrality through igraph gives networkx's figures: the map's sizes and /v1/metrics must not move.

Betweenness is compared with networkx's own (exact and sampled, abs tol 1e-9, and the rounded figures
the API shows, equal); the communities are a partition of the same organisations, as modular as
networkx's Louvain (within 0.02) and the same from one call to the next.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph import analysis
from graph.analysis import Compiled, centrality, cooperation_graph, division_of
from graph.memory_store import MemoryStore
from graph.reference import Reference
from graph.usecases import import_directory
from loaders.directory import read_directory
from loaders.generate import generate_directory

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


@pytest.fixture(scope="module")
def demo(reference: Reference) -> nx.MultiDiGraph:
    store = MemoryStore()
    import_directory(read_directory(DEMO, reference), store, reference=reference)
    return store.snapshot()


@pytest.fixture(scope="module")
def generated(reference: Reference, tmp_path_factory: pytest.TempPathFactory) -> nx.MultiDiGraph:
    """1,000 organisations as the bench builds them (seed 4, 10 links each)."""
    folder = tmp_path_factory.mktemp("generated-1k")
    generate_directory(folder, orgs=1000, seed=4, links_per_org=10)
    store = MemoryStore()
    import_directory(read_directory(folder, reference), store, reference=reference, batch_size=10_000)
    return store.snapshot()


def graphs(snapshot: nx.MultiDiGraph) -> list[nx.Graph]:
    """The whole cooperation graph and each division's (a subgraph view, isolates included)."""
    whole = cooperation_graph(snapshot)
    divisions = sorted({d for n in whole if (d := division_of(snapshot, n))})
    return [whole, *(whole.subgraph([n for n in whole if division_of(snapshot, n) == d]) for d in divisions)]


def assert_same(ours: dict[str, float], theirs: dict[str, float]) -> None:
    assert ours.keys() == theirs.keys()
    assert max(abs(ours[v] - theirs[v]) for v in theirs) <= 1e-9
    assert any(theirs.values()), "a graph where nobody brokers proves nothing"


@pytest.mark.parametrize("name", ["demo", "generated"])
def test_exact_betweenness_is_networkx(name: str, request: pytest.FixtureRequest) -> None:
    """Whole and per division; what the API shows (rounded to 5 decimals) is exactly what networkx's path showed."""
    snapshot = request.getfixturevalue(name)
    whole, *divisions = graphs(snapshot)
    before = nx.betweenness_centrality(whole)
    assert_same(Compiled.of(whole).betweenness(None, 7), before)
    shown = centrality(snapshot)
    assert shown["betweenness"] == {k: round(v, 5) for k, v in sorted(before.items())}
    assert shown["betweenness_sample"] is None
    for graph in divisions:
        assert_same(Compiled.of(graph).betweenness(None, 7), nx.betweenness_centrality(graph))


def test_sampled_betweenness_is_networkx(generated: nx.MultiDiGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the exact limit, the same sources as networkx's `k` sample with the same seed, hence its figures."""
    graph = cooperation_graph(generated)
    assert_same(Compiled.of(graph).betweenness(100, 3), nx.betweenness_centrality(graph, k=100, seed=3))
    monkeypatch.setattr(analysis, "EXACT_BETWEENNESS_MAX", 500)
    monkeypatch.setattr(analysis, "BETWEENNESS_SAMPLE", 50)
    shown = centrality(generated)
    assert shown["betweenness_sample"] == 50
    expected = nx.betweenness_centrality(graph, k=50, seed=7)
    assert shown["betweenness"] == {k: round(v, 5) for k, v in sorted(expected.items())}


def test_tiny_graphs(reference: Reference) -> None:
    """Two organisations, or none: nobody in between, as networkx says (no division by zero)."""
    pair = nx.Graph([("a", "b")])
    assert Compiled.of(pair).betweenness(None, 7) == nx.betweenness_centrality(pair) == {"a": 0.0, "b": 0.0}
    assert Compiled.of(nx.Graph()).betweenness(None, 7) == {}
    assert centrality(MemoryStore().snapshot()) == {"betweenness": {}, "betweenness_sample": None, "communities": []}


@pytest.mark.parametrize("name", ["demo", "generated"])
def test_communities_as_good_as_networkx(name: str, request: pytest.FixtureRequest) -> None:
    snapshot = request.getfixturevalue(name)
    graph = cooperation_graph(snapshot)
    ours = centrality(snapshot)["communities"]
    members = [o for c in ours for o in c]
    assert sorted(members) == sorted(graph) and len(members) == len(set(members)), "a partition of every organisation"
    theirs = nx.community.louvain_communities(graph, seed=7)
    assert nx.community.modularity(graph, ours) >= nx.community.modularity(graph, theirs) - 0.02
    assert len(ours) > 1
    assert centrality(snapshot)["communities"] == ours, "the same seed gives the same communities"


def test_communities_per_division(demo: nx.MultiDiGraph) -> None:
    """A division's communities hold that division's organisations only, every one of them."""
    whole = cooperation_graph(demo)
    for division in sorted({d for n in whole if (d := division_of(demo, n))}):
        found = centrality(demo, division, whole)
        inside = {n for n in whole if division_of(demo, n) == division}
        assert set(found["betweenness"]) == inside
        if found["communities"]:
            assert sorted(o for c in found["communities"] for o in c) == sorted(inside)


def betweenness_by_path(
    graph: nx.Graph, sample: int | None, parallel: bool, monkeypatch: pytest.MonkeyPatch
) -> dict[str, float]:
    """`Compiled.betweenness` with its slices in helper processes (`parallel`) or here, one after the other."""
    monkeypatch.setattr(analysis, "PARALLEL_WORK", 0 if parallel else 10**18)
    monkeypatch.setattr(analysis, "_cores", lambda: 2)
    return Compiled.of(graph).betweenness(sample, 7)


@pytest.mark.parametrize("sample", [None, 100])
def test_helper_processes_give_the_same_figures_to_the_bit(
    generated: nx.MultiDiGraph, sample: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two cores or one, the same floats (whole graph and each division): the slices are summed in one order."""
    started: list[object] = []
    run = subprocess.run

    def spied(*args: Any, **kwargs: Any) -> Any:
        started.append(args)
        return run(*args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spied)
    for graph in graphs(generated):
        serial = betweenness_by_path(graph, sample, False, monkeypatch)
        assert not started
        assert betweenness_by_path(graph, sample, True, monkeypatch) == serial
        assert len(started) == analysis.BETWEENNESS_PARTS, "each slice ran in a helper process"
        started.clear()


@pytest.mark.parametrize("name", ["demo", "generated"])
def test_slices_show_what_one_whole_run_showed(name: str, request: pytest.FixtureRequest) -> None:
    """The sum of the slices is igraph's single run to the last bits; the figures shown (5 decimals) are identical."""
    for graph in graphs(request.getfixturevalue(name)):
        compiled, n = Compiled.of(graph), graph.number_of_nodes()
        whole = compiled.graph.betweenness(directed=False)
        ours = compiled.betweenness(None, 7)
        assert whole == pytest.approx([ours[v] * (n - 1) * (n - 2) / 2 for v in compiled.ids], rel=1e-12, abs=1e-12)
        assert {v: round(ours[v], 5) for v in ours} == {
            v: round(2 * b / ((n - 1) * (n - 2)), 5) for v, b in zip(compiled.ids, whole, strict=True)
        }


def test_a_failed_helper_process_costs_time_not_figures(
    generated: nx.MultiDiGraph, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """No Python to start, or a helper that dies: the slice is computed here, same figures, and it is logged."""
    graph = cooperation_graph(generated)
    serial = betweenness_by_path(graph, None, False, monkeypatch)
    python = sys.executable
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    assert betweenness_by_path(graph, None, True, monkeypatch) == serial
    assert "helper process failed" in caplog.text and "nonexistent" in caplog.text
    caplog.clear()
    monkeypatch.setattr(sys, "executable", python)
    monkeypatch.setattr(analysis, "_BETWEENNESS_WORKER", "import sys; sys.exit('igraph is missing')")
    assert betweenness_by_path(graph, None, True, monkeypatch) == serial
    assert "igraph is missing" in caplog.text
