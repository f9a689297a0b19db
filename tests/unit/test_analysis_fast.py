"""The gap analysis read through igraph and one pass over the snapshot says what networkx said.

The whole report (every field, in the same order) is compared, on the demo and on a generated 1,000-organisation
directory, with one whose structure (components, single points of failure and what each cuts off, bridges,
degrees, referral reciprocity) and cross-sector links are computed here with networkx from their definitions,
and whose other parts read the snapshot through networkx's own views.
"""

from __future__ import annotations

import dataclasses
import gc
import json
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph import analysis
from graph.analysis import Compiled, GapReport, Network, cooperation_graph, division_of, expected_links
from graph.memory_store import MemoryStore
from graph.reference import Reference
from graph.store import GraphStore
from graph.usecases import import_directory
from loaders.directory import read_directory
from loaders.generate import generate_directory

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
AS_OF = date(2026, 11, 26)


@pytest.fixture(scope="module")
def demo(reference: Reference) -> MemoryStore:
    store = MemoryStore()
    import_directory(read_directory(DEMO, reference), store, reference=reference)
    return store


@pytest.fixture(scope="module")
def generated(reference: Reference, tmp_path_factory: pytest.TempPathFactory) -> MemoryStore:
    """1,000 organisations as the bench builds them (seed 4, 10 links each)."""
    folder = tmp_path_factory.mktemp("generated-1k")
    generate_directory(folder, orgs=1000, seed=4, links_per_org=10)
    store = MemoryStore()
    import_directory(read_directory(folder, reference), store, reference=reference, batch_size=10_000)
    return store


# --- the reference, with networkx ------------------------------------------------------------------------------


def nx_network(snapshot: nx.MultiDiGraph) -> Network:
    """The snapshot read through networkx's views, edge by edge, as the analysis read it before."""
    graph = cooperation_graph(snapshot)
    return Network(
        snapshot,
        {n: snapshot.nodes[n] for n in snapshot},
        {n: division_of(snapshot, n) for n in snapshot},
        list(graph.edges()),
        frozenset((a, b) for a, b, kind in snapshot.edges(data="kind") if kind == "referral"),
        [(a, b, d) for a, b, d in snapshot.edges(data=True) if d.get("kind") == "cooperation"],
        Compiled.of(graph),
    )


def nx_cut_off(graph: nx.Graph, point: str) -> list[str]:
    """By definition: without the point, its component falls into pieces; the largest stays (the one holding
    the first organisation between equals), the others are cut off."""
    rest = graph.subgraph(nx.node_connected_component(graph, point) - {point})
    pieces = sorted(nx.connected_components(rest), key=lambda c: (-len(c), min(c)))
    return sorted(v for piece in pieces[1:] for v in piece)


def nx_structure(snapshot: nx.MultiDiGraph, division: str | None) -> dict[str, Any]:
    whole = cooperation_graph(snapshot)
    graph = whole if division is None else whole.subgraph(n for n in whole if division_of(snapshot, n) == division)
    pairs = {
        (a, b)
        for a, b, kind in snapshot.edges(data="kind")
        if kind == "referral" and division in (None, division_of(snapshot, a))
    }
    one_way = sorted((a, b) for a, b in pairs if (b, a) not in pairs)
    return {
        "division": division,
        "organisations": graph.number_of_nodes(),
        "links": graph.number_of_edges(),
        "density": round(nx.density(graph), 4) if len(graph) > 1 else 0.0,
        "components": nx.number_connected_components(graph),
        "component_sizes": sorted((len(c) for c in nx.connected_components(graph)), reverse=True),
        "isolates": sorted(nx.isolates(graph)),
        "articulation_points": [
            {"organisation": p, "name": snapshot.nodes[p]["name"], "cut_off": nx_cut_off(graph, p)}
            for p in sorted(nx.articulation_points(graph))
        ],
        "bridges": sorted(tuple(sorted(b)) for b in nx.bridges(graph)),
        "degree": dict(sorted(graph.degree())),
        "referral_reciprocity": {
            "pairs": len(pairs),
            "reciprocity": round(1 - len(one_way) / len(pairs), 3) if pairs else None,
            "one_way": one_way,
        },
    }


def nx_cross_sector(snapshot: nx.MultiDiGraph, ref: Reference) -> dict[str, Any]:
    graph, sector = cooperation_graph(snapshot), snapshot.nodes
    matrices: dict[str, dict[str, dict[str, int]]] = {d: {} for d in ref.geography.divisions}
    joined: set[tuple[str, frozenset[str]]] = set()
    for a, b in graph.edges():
        if (d := division_of(snapshot, a)) and d == division_of(snapshot, b):
            sa, sb = sorted((sector[a]["sector"], sector[b]["sector"]))
            row = matrices[d].setdefault(sa, {})
            row[sb] = row.get(sb, 0) + 1
            joined.add((d, frozenset((sector[a]["type"], sector[b]["type"]))))
    present = {(division_of(snapshot, n), sector[n]["type"]) for n in snapshot}
    pairs = {(e.type_a, e.type_b): e for e in expected_links()}
    by_project: dict[frozenset[str], set[str]] = {}
    linked: set[frozenset[str]] = set()
    for a, b, data in snapshot.edges(data=True):
        pair = frozenset((sector[a]["sector"], sector[b]["sector"]))
        if data.get("kind") == "cooperation" and data.get("project"):
            by_project.setdefault(pair, set()).add(data["project"])
        elif data.get("kind") == "cooperation":
            linked.add(pair)
    return {
        "sector_matrix": matrices,
        "missing_expected": [
            {"division": d, "type_a": x, "type_b": y, "priority": e.priority, "label": e.label_fr, "why": e.why}
            for d in ref.geography.divisions
            for (x, y), e in pairs.items()
            if {(d, x), (d, y)} <= present and (d, frozenset((x, y))) not in joined
        ],
        "bridged_by_projects": [
            {"sectors": sorted(pair), "projects": sorted(projects)}
            for pair, projects in sorted(by_project.items(), key=lambda kv: sorted(kv[0]))
            if pair not in linked and len(pair) == 2
        ],
    }


def nx_report(store: GraphStore, ref: Reference) -> GapReport:
    snapshot = store.snapshot()
    network = nx_network(snapshot)
    report = GapReport(
        analysis.coverage(snapshot, ref),
        nx_structure(snapshot, None),
        {d: nx_structure(snapshot, d) for d in ref.geography.divisions},
        nx_cross_sector(snapshot, ref),
        analysis.participation(store, snapshot, ref, network),
        analysis.stale_records(snapshot, AS_OF),
    )
    report.summary = analysis._summary(report, network)
    return report


# --- the comparisons ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["demo", "generated"])
def test_the_whole_report_is_what_networkx_gives(
    name: str, request: pytest.FixtureRequest, reference: Reference
) -> None:
    store = request.getfixturevalue(name)
    ours = dataclasses.asdict(analysis.analyse(store, reference, AS_OF))
    theirs = dataclasses.asdict(nx_report(store, reference))
    for part in theirs:
        assert ours[part] == theirs[part], part
    assert json.dumps(ours, default=str) == json.dumps(theirs, default=str)  # the same order too (tables, lists)
    assert ours["structure"]["articulation_points"] or any(
        s["articulation_points"] for s in ours["structure_by_division"].values()
    ), "a network with no single point of failure proves little"


@pytest.mark.parametrize("name", ["demo", "generated"])
def test_the_snapshot_read_once_is_what_networkx_reads(name: str, request: pytest.FixtureRequest) -> None:
    snapshot = request.getfixturevalue(name).snapshot()
    ours, theirs = Network.of(snapshot), nx_network(snapshot)
    assert (ours.attrs, ours.home, ours.links) == (theirs.attrs, theirs.home, theirs.links)
    assert (ours.referrals, ours.cooperations) == (theirs.referrals, theirs.cooperations)
    assert ours.whole.ids == theirs.whole.ids and ours.whole.graph.get_edgelist() == theirs.whole.graph.get_edgelist()


def snapshot_of(edges: list[tuple[str, str]], order: list[str]) -> nx.MultiDiGraph:
    """A snapshot of organisations (all in Huy) added in `order`, cooperating along `edges`."""
    snapshot = nx.MultiDiGraph()
    for n in order:
        snapshot.add_node(n, name=f"Org {n}", divisions=["huy"])
    snapshot.add_edges_from((a, b, {"kind": "cooperation"}) for a, b in edges)
    return snapshot


def test_between_equal_pieces_the_first_organisation_stays_whatever_the_order() -> None:
    """A chain a–b–c–d–e (c splits it in two equal halves) and a hub h with three single partners: the piece
    holding the first organisation by id stays, the others are cut off — in every order of nodes and links."""
    edges = [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("h", "x"), ("h", "y"), ("h", "z")]
    expected = {"b": ["a"], "c": ["d", "e"], "d": ["e"], "h": ["y", "z"]}
    for order, links in [("abcdehxyz", edges), ("zyxhedcba", edges[::-1]), ("hzcaxbyed", edges[3:] + edges[:3])]:
        snapshot = snapshot_of(links, list(order))
        for division in (None, "huy"):
            found = analysis.structure(snapshot, division)
            assert {p["organisation"]: p["cut_off"] for p in found["articulation_points"]} == expected
            assert found == nx_structure(snapshot, division)


def test_the_collector_runs_again_after_the_analysis(demo: MemoryStore, reference: Reference) -> None:
    """Held off while the report is built, never left off: a server that stopped collecting would grow."""
    assert gc.isenabled()
    analysis.analyse(demo, reference, AS_OF)
    assert gc.isenabled()
    with pytest.raises(RuntimeError), analysis.gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("a failure half-way")
    assert gc.isenabled()
    gc.disable()
    try:
        analysis.analyse(demo, reference, AS_OF)
        assert not gc.isenabled()  # whoever turned it off keeps it off
    finally:
        gc.enable()
