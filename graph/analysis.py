"""Where the network has holes: coverage, structure, cross-sector links, participation, freshness.

Everything runs on the store's networkx snapshot (no addresses in it), so it gives the same answer
on both stores and never touches the database per request. The gap analysis reads the snapshot once
(`Network`) and computes components, blocks and degrees with igraph, in C.
"""

from __future__ import annotations

import csv
import gc
import logging
import os
import pickle
import random
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

import igraph as ig
import networkx as nx

from graph.models import Attendance, Membership, Platform, PlatformKind, Training
from graph.reference import Reference
from graph.store import GraphStore

EXACT_BETWEENNESS_MAX = 5000
BETWEENNESS_SAMPLE = 500
BETWEENNESS_PARTS = 2
"""Betweenness is always the sum of this many runs over consecutive slices of its sources, added in order:
a float sum depends on its order, so the figures are the same to the bit on one core or on several."""
PARALLEL_WORK = 50_000_000
"""sources × (vertices + links) from which the runs go to processes of their own (about 1 s of igraph here,
a process costs about 0.15 s): igraph holds the GIL, so threads would only take turns."""
STALE_AFTER_DAYS = 365

log = logging.getLogger("relais")


@dataclass(frozen=True)
class ExpectedLink:
    type_a: str
    type_b: str
    priority: int
    label_fr: str
    label_en: str
    why: str


@cache
def expected_links() -> tuple[ExpectedLink, ...]:
    """The cross-sector links the coordination expects in every division (data/expected_links.csv)."""
    text = resources.files("graph").joinpath("data", "expected_links.csv").read_text(encoding="utf-8")
    rows = [
        ExpectedLink(r["type_a"], r["type_b"], int(r["priority"]), r["label_fr"], r["label_en"], r["why"])
        for r in csv.DictReader(text.splitlines())
    ]
    return tuple(sorted(rows, key=lambda e: e.priority))


def cooperation_graph(snapshot: nx.MultiDiGraph) -> nx.Graph:
    """Organisations and who cooperates with whom, as a simple undirected graph."""
    graph = nx.Graph()
    graph.add_nodes_from(snapshot.nodes(data=True))
    graph.add_edges_from((a, b) for a, b, kind in snapshot.edges(data="kind") if kind == "cooperation")
    return graph


def division_of(snapshot: nx.MultiDiGraph, org: str) -> str | None:
    """The organisation's home division: where its (first) location is."""
    divisions = snapshot.nodes[org].get("divisions") or []
    return str(divisions[0]) if divisions else None


@dataclass(frozen=True)
class Network:
    """The snapshot read in one pass for the gap analysis, so that no part of it walks the multigraph again.

    `home` is each organisation's division (`division_of`); `links` are the cooperation graph's links in the
    order networkx's `cooperation_graph(...).edges()` gives them (the sector matrix keeps that order);
    `cooperations` are the multigraph's cooperation edges (a, b, data), the projects' included; `whole` is
    the cooperation graph in igraph.
    """

    snapshot: nx.MultiDiGraph
    attrs: dict[str, dict[str, Any]]
    home: dict[str, str | None]
    links: list[tuple[str, str]]
    referrals: frozenset[tuple[str, str]]
    cooperations: list[tuple[str, str, dict[str, Any]]]
    whole: Compiled

    @classmethod
    def of(cls, snapshot: nx.MultiDiGraph) -> Network:
        attrs: dict[str, dict[str, Any]] = dict(snapshot.nodes(data=True))
        home = {n: str(d[0]) if (d := data.get("divisions")) else None for n, data in attrs.items()}
        adjacency: dict[str, dict[str, None]] = {n: {} for n in attrs}
        referrals: set[tuple[str, str]] = set()
        cooperations: list[tuple[str, str, dict[str, Any]]] = []
        for a, b, data in snapshot.edges(data=True):
            kind = data.get("kind")
            if kind == "cooperation":
                adjacency[a][b] = adjacency[b][a] = None
                cooperations.append((a, b, data))
            elif kind == "referral":
                referrals.add((a, b))
        links = _links_in_order(adjacency)
        whole = Compiled.of_links(list(attrs), links)
        return cls(snapshot, attrs, home, links, frozenset(referrals), cooperations, whole)

    def members(self, division: str | None) -> list[str]:
        """The organisations of a division (None: all), in the snapshot's order."""
        return [n for n, d in self.home.items() if division is None or d == division]

    def compiled(self, division: str | None) -> Compiled:
        """The division's cooperation graph (None: the whole network) in igraph."""
        if division is None:
            return self.whole
        ids = self.whole.ids
        graph = self.whole.graph.induced_subgraph([i for i, n in enumerate(ids) if self.home[n] == division])
        return Compiled(graph, graph.vs["name"])


def _links_in_order(adjacency: dict[str, dict[str, None]]) -> list[tuple[str, str]]:
    """Each undirected link once, in the order `nx.Graph.edges()` walks the same adjacency."""
    seen: set[str] = set()
    links: list[tuple[str, str]] = []
    for n, neighbours in adjacency.items():
        links.extend((n, m) for m in neighbours if m not in seen)
        seen.add(n)
    return links


# --- coverage -----------------------------------------------------------------------------------------


def served_divisions(service: dict[str, Any], located: list[str], ref: Reference) -> set[str]:
    if service["area_scope"] != "local":
        return set(ref.geography.divisions)
    served = set(service["area_divisions"]) | set(located)
    served |= {d for c in service["area_communes"] if (d := ref.geography.communes[c].division)}
    return served


def coverage(snapshot: nx.MultiDiGraph, ref: Reference) -> dict[str, Any]:
    """Providers per situation/need × division; fragile cells have one, gaps none.

    A service covers a term when it addresses the term or a narrower one, for every division it sits in
    or serves (province-, region- and nation-wide services serve all three).
    """
    divisions = list(ref.geography.divisions)
    terms = [t for t in ref.taxonomy.terms.values() if t.term_kind.value != "audience"]
    providers: dict[tuple[str, str], set[str]] = {}
    round_clock: dict[tuple[str, str], set[str]] = {}
    languages: dict[str, Counter[str]] = {d: Counter() for d in divisions}
    shelters: list[dict[str, Any]] = []
    for org, data in snapshot.nodes(data=True):
        if data.get("status") != "active":
            continue
        for s in data.get("services", []):
            if s["status"] != "active":
                continue
            served = served_divisions(s, data.get("divisions", []), ref)
            codes = set(s["situations"]) | set(s["needs"])
            covered = codes | {a for c in codes if c in ref.taxonomy.terms for a in ref.taxonomy.ancestors(c)}
            for d in served:
                languages[d].update(s["languages"])
                for code in covered:
                    providers.setdefault((code, d), set()).add(org)
                    if s["open_24_7"]:
                        round_clock.setdefault((code, d), set()).add(org)
            if "shelter" in s["needs"] and s.get("capacity"):
                cap = s["capacity"]
                shelters.append(
                    {
                        "organisation": org,
                        "service": s["id"],
                        "divisions": sorted(served),
                        "available": cap["available"],
                        "total": cap["total"],
                        "updated_at": cap["updated_at"],
                    }
                )
    matrix = {t.id: {d: len(providers.get((t.id, d), ())) for d in divisions} for t in terms}
    return {
        "divisions": divisions,
        "matrix": matrix,
        "matrix_24_7": {t.id: {d: len(round_clock.get((t.id, d), ())) for d in divisions} for t in terms},
        "gaps": [{"term": t, "division": d} for t, row in matrix.items() for d, n in row.items() if n == 0],
        "fragile": [
            {"term": t, "division": d, "provider": next(iter(providers[(t, d)]))}
            for t, row in matrix.items()
            for d, n in row.items()
            if n == 1
        ],
        "languages": {d: dict(sorted(c.items())) for d, c in languages.items()},
        "shelter_places": shelters,
    }


# --- structure ------------------------------------------------------------------------------------------


def structure(snapshot: nx.MultiDiGraph, division: str | None = None, network: Network | None = None) -> dict[str, Any]:
    """Density, components, isolates, single points of failure and bridges: the fragile spots.

    Computed by igraph on the cooperation graph (`network` when the caller has read the snapshot already).
    """
    network = network if network is not None else Network.of(snapshot)
    compiled = network.compiled(division)
    graph, ids = compiled.graph, compiled.ids
    n, links = len(ids), graph.ecount()
    blocks = [frozenset(ids[i] for i in b) for b in graph.biconnected_components()]
    cut_off = _cut_offs(blocks)
    degree = dict(sorted(zip(ids, graph.degree(), strict=True)))
    sizes = sorted(graph.connected_components().sizes(), reverse=True)
    return {
        "division": division,
        "organisations": n,
        "links": links,
        "density": round(_density(n, links), 4) if n > 1 else 0.0,
        "components": len(sizes),
        "component_sizes": sizes,
        "isolates": [v for v, d in degree.items() if d == 0],
        "articulation_points": [
            {"organisation": p, "name": network.attrs[p]["name"], "cut_off": cut_off[p]} for p in sorted(cut_off)
        ],
        "bridges": sorted(tuple(sorted(b)) for b in blocks if len(b) == 2),  # a two-node block is one edge
        "degree": degree,
        "referral_reciprocity": referral_reciprocity(snapshot, division, network),
    }


def _density(n: int, links: int) -> float:
    """networkx's `density` of a simple undirected graph, to the same float (and its integer 0 without links)."""
    return 0 if links == 0 or n <= 1 else links / (n * (n - 1)) * 2


def centrality(
    snapshot: nx.MultiDiGraph, division: str | None = None, whole: nx.Graph | None = None, seed: int = 7
) -> dict[str, Any]:
    """Who brokers between the others (betweenness) and which groups work together (communities).

    Kept out of the gap analysis: exact betweenness is quadratic, so it is computed only when a map
    or the metrics are asked for (and cached per directory version by the API). Computed by igraph
    (compiled, ~50× faster than pure-Python networkx) with networkx's figures: same normalisation,
    same sampled sources.
    """
    graph = _division_graph(snapshot, division, whole)
    compiled = Compiled.of(graph)
    sample = None if graph.number_of_nodes() <= EXACT_BETWEENNESS_MAX else BETWEENNESS_SAMPLE
    betweenness = compiled.betweenness(sample, seed)
    communities = compiled.communities(seed) if graph.number_of_edges() else []
    return {
        "betweenness": {k: round(v, 5) for k, v in sorted(betweenness.items())},
        "betweenness_sample": sample,
        "communities": sorted((sorted(c) for c in communities), key=lambda c: (-len(c), c[0])),
    }


_IGRAPH_RANDOM = threading.Lock()
"""igraph draws from one process-wide generator: seeded and restored under this lock."""


@dataclass(frozen=True)
class Compiled:
    """The cooperation graph converted once to igraph; vertex i is the organisation `ids[i]`."""

    graph: ig.Graph
    ids: list[str]

    @classmethod
    def of(cls, graph: nx.Graph) -> Compiled:
        return cls.of_links(list(graph.nodes()), graph.edges())

    @classmethod
    def of_links(cls, ids: list[str], links: Iterable[tuple[str, str]]) -> Compiled:
        """Each vertex also carries its organisation as `name`, so that a subgraph knows its own."""
        index = {n: i for i, n in enumerate(ids)}
        graph = ig.Graph(n=len(ids), edges=[(index[a], index[b]) for a, b in links])
        graph.vs["name"] = ids
        return cls(graph, ids)

    def betweenness(self, sample: int | None, seed: int) -> dict[str, float]:
        """networkx's `betweenness_centrality(normalized=True)`, exact or from `sample` sources with `seed`.

        igraph counts each unordered pair once, networkx each ordered pair (twice), then divides by
        (k or n−1)·(n−2) — with k−1 for a sampled source, which cannot be its own pair's middle.
        The sources are the ones networkx would draw (`random.Random(seed).sample`), so the figures match.
        """
        n = len(self.ids)
        if n < 3:  # networkx leaves them unscaled: nobody lies between two others
            return dict.fromkeys(self.ids, 0.0)
        if sample is None or sample >= n:
            raw = _betweenness(self.graph, list(range(n)))
            return {v: 2 * b / ((n - 1) * (n - 2)) for v, b in zip(self.ids, raw, strict=True)}
        sources = set(random.Random(seed).sample(self.ids, sample))
        raw = _betweenness(self.graph, [i for i, v in enumerate(self.ids) if v in sources])
        scale = {True: 2 / ((sample - 1) * (n - 2)), False: 2 / (sample * (n - 2))}
        return {v: b * scale[v in sources] for v, b in zip(self.ids, raw, strict=True)}

    def communities(self, seed: int) -> list[set[str]]:
        """Louvain (igraph's multilevel, resolution 1 as networkx's), reproducible through `seed`."""
        with _IGRAPH_RANDOM:
            ig.set_random_number_generator(random.Random(seed))
            try:
                parts = self.graph.community_multilevel()
            finally:
                ig.set_random_number_generator(random)
        return [{self.ids[i] for i in part} for part in parts]


_BETWEENNESS_WORKER = """
import pickle, sys
sys.modules["matplotlib"] = None  # igraph's drawing would import it: 0.4 s for nothing
import igraph
n, edges, sources = pickle.load(sys.stdin.buffer)
pickle.dump(igraph.Graph(n=n, edges=edges).betweenness(directed=False, sources=sources), sys.stdout.buffer)
"""
"""A helper process: the graph and its slice of sources in, igraph's raw betweenness out (pickled floats: exact)."""


def _betweenness(graph: ig.Graph, sources: list[int]) -> list[float]:
    """igraph's raw undirected betweenness from `sources`, as the sum of `BETWEENNESS_PARTS` slices.

    From `PARALLEL_WORK` on, with more than one core, each slice runs in a process of its own while this
    one waits without the GIL (the API's other requests go on); otherwise here, one after the other.
    """
    size = max(1, -(-len(sources) // BETWEENNESS_PARTS))
    slices = [sources[i : i + size] for i in range(0, len(sources), size)]
    if len(slices) > 1 and len(sources) * (graph.vcount() + graph.ecount()) >= PARALLEL_WORK and _cores() > 1:
        edges = graph.get_edgelist()
        with ThreadPoolExecutor(len(slices)) as pool:
            raws = list(pool.map(lambda part: _betweenness_apart(graph, edges, part), slices))
    else:
        raws = [graph.betweenness(directed=False, sources=part) for part in slices]
    return [sum(column) for column in zip(*raws, strict=True)] if raws else [0.0] * graph.vcount()


def _betweenness_apart(graph: ig.Graph, edges: list[tuple[int, int]], part: list[int]) -> list[float]:
    """One slice in a helper process; computed here if that process cannot run (same figures, only slower)."""
    job = pickle.dumps((graph.vcount(), edges, part))
    try:
        done = subprocess.run([sys.executable, "-c", _BETWEENNESS_WORKER], input=job, capture_output=True, check=True)
        raw: list[float] = pickle.loads(done.stdout)
        return raw
    except (OSError, subprocess.CalledProcessError, pickle.UnpicklingError, EOFError) as error:
        why = (getattr(error, "stderr", None) or str(error).encode())[-500:].decode(errors="replace")
        log.warning("betweenness: a helper process failed (%s); its slice is computed in this process", why)
        return graph.betweenness(directed=False, sources=part)  # type: ignore[no-any-return]


def _cores() -> int:
    """The cores this process may run on (its affinity, where the system says)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _division_graph(snapshot: nx.MultiDiGraph, division: str | None, whole: nx.Graph | None) -> nx.Graph:
    whole = whole if whole is not None else cooperation_graph(snapshot)
    if division is None:
        return whole
    return whole.subgraph([n for n in whole if division_of(snapshot, n) == division])


TreeNode = tuple[str, Any]
"""A node of the block-cut tree: ("block", index in the blocks list) or ("point", organisation id)."""


def _block_cut_tree(blocks: list[frozenset[str]], points: set[str]) -> nx.Graph:
    """One node per block and per articulation point; a point is linked to every block it is in."""
    tree = nx.Graph()
    for i, block in enumerate(blocks):
        tree.add_node(("block", i))
        tree.add_edges_from((("block", i), ("point", v)) for v in block & points)
    return tree


@dataclass
class _RootedTree:
    """One connected piece of the block-cut tree, rooted at its smallest node, breadth first.

    `own` is what a tree node holds by itself (a block: its organisations that are not articulation
    points; a point: its organisation); `size` counts the organisations in the subtree under a node.
    """

    root: TreeNode
    parent: dict[TreeNode, TreeNode | None]
    order: list[TreeNode]
    children: dict[TreeNode, list[TreeNode]]
    own: dict[TreeNode, frozenset[str]]
    size: dict[TreeNode, int]

    @classmethod
    def of(
        cls, tree: nx.Graph, component: set[TreeNode], blocks: list[frozenset[str]], points: set[str]
    ) -> _RootedTree:
        root = min(component)
        parent: dict[TreeNode, TreeNode | None] = {root: None}
        order = [root]
        for x in order:
            for y in tree[x]:
                if y not in parent:
                    parent[y] = x
                    order.append(y)
        children = {x: [y for y in tree[x] if parent.get(y) == x] for x in order}
        own = {x: (blocks[x[1]] - points) if x[0] == "block" else frozenset({x[1]}) for x in order}
        size: dict[TreeNode, int] = {}
        for x in reversed(order):
            size[x] = len(own[x]) + sum(size[c] for c in children[x])
        return cls(root, parent, order, children, own, size)

    def points(self) -> list[TreeNode]:
        return [x for x in self.order if x[0] == "point"]

    def below(self, top: TreeNode) -> set[str]:
        """Organisations in the subtree under `top`."""
        found: set[str] = set()
        stack = [top]
        while stack:
            x = stack.pop()
            found |= self.own[x]
            stack.extend(self.children[x])
        return found

    def cut_off_by(self, point: TreeNode) -> list[str]:
        """Without `point`, its tree falls into pieces (one per child, and the rest above it): the
        largest piece stays connected to the network, the others are cut off. Between pieces of the
        same size, the one holding the first organisation (by id) stays: the answer does not depend on
        the order in which a library lists the blocks."""
        tops: list[TreeNode | None] = list(self.children[point])
        if self.parent[point] is not None:
            tops.append(None)  # None: everything above the point
        sizes = [self.size[t] if t is not None else self.size[self.root] - self.size[point] for t in tops]

        def piece(i: int) -> set[str]:
            top = tops[i]
            return self.below(top) if top is not None else self.below(self.root) - self.below(point)

        largest = max(sizes)
        tied = [i for i, size in enumerate(sizes) if size == largest]
        keep = tied[0] if len(tied) == 1 else min(tied, key=lambda i: min(piece(i)))
        return sorted(v for i in range(len(tops)) if i != keep for v in piece(i))


def _cut_offs(blocks: list[frozenset[str]]) -> dict[str, list[str]]:
    """For each articulation point, the organisations that lose their only link to the rest if it stops.

    Uses the block-cut tree (one pass, linear), not one connectivity search per articulation point:
    the piece of the tree left largest stays; the other pieces are cut off. The articulation points
    are the organisations in more than one block (biconnected component).

    Parameters
    ----------
    blocks
        The biconnected components of the cooperation graph (igraph's or networkx's, in any order).

    Returns
    -------
    dict
        Articulation point -> the sorted organisations cut off when it stops.

    Examples
    --------
    The CPAS, the police, the hospital and a GP cooperate in a ring; only the CPAS knows the
    shelter, and only the shelter knows the helpline:

    >>> graph = nx.Graph([("cpas", "police"), ("police", "hospital"), ("hospital", "gp"), ("gp", "cpas"),
    ...                   ("cpas", "shelter"), ("shelter", "helpline")])
    >>> blocks = [frozenset(b) for b in nx.biconnected_components(graph)]
    >>> dict(sorted(_cut_offs(blocks).items()))
    {'cpas': ['helpline', 'shelter'], 'shelter': ['helpline']}

    In the ring alone, nobody depends on one partner:

    >>> _cut_offs([frozenset({"cpas", "police", "hospital", "gp"})])
    {}
    """
    points = {v for v, n in Counter(v for b in blocks for v in b).items() if n > 1}
    tree = _block_cut_tree(blocks, points)
    out: dict[str, list[str]] = {}
    for component in nx.connected_components(tree):
        rooted = _RootedTree.of(tree, component, blocks, points)
        for x in rooted.points():
            out[x[1]] = rooted.cut_off_by(x)
    return out


def referral_reciprocity(
    snapshot: nx.MultiDiGraph, division: str | None = None, network: Network | None = None
) -> dict[str, Any]:
    """Share of referral pairs that go both ways; one-way pairs listed (A refers to B, B never to A)."""
    network = network if network is not None else Network.of(snapshot)
    home = network.home
    pairs = {(a, b) for a, b in network.referrals if division is None or home[a] == division}
    one_way = sorted((a, b) for a, b in pairs if (b, a) not in pairs)
    return {
        "pairs": len(pairs),
        "reciprocity": round(1 - len(one_way) / len(pairs), 3) if pairs else None,
        "one_way": one_way,
    }


# --- cross-sector links ------------------------------------------------------------------------------------


def cross_sector(snapshot: nx.MultiDiGraph, ref: Reference, network: Network | None = None) -> dict[str, Any]:
    """Sector × sector link counts per division, and the expected links that are missing.

    `network` is the snapshot already read by the caller. The links inside a division are counted per
    (division, sector, type) of their two ends first, in the links' order, so each table keeps the order
    in which its rows and columns first appear."""
    network = network if network is not None else Network.of(snapshot)
    home = network.home
    profile = {n: (d, data["sector"], data["type"]) for n, data in network.attrs.items() if (d := home[n])}
    joined = Counter(
        (profile[a], profile[b])
        for a, b in network.links
        if a in profile and b in profile and profile[a][0] == profile[b][0]
    )
    matrices: dict[str, dict[str, dict[str, int]]] = {d: {} for d in ref.geography.divisions}
    type_pairs: dict[str, set[frozenset[str]]] = {d: set() for d in ref.geography.divisions}
    present_types: dict[str, set[str]] = {d: set() for d in ref.geography.divisions}
    for d, _, kind in profile.values():
        present_types[d].add(kind)
    for ((d, sa, ta), (_, sb, tb)), count in joined.items():
        low, high = sorted((sa, sb))
        row = matrices[d].setdefault(low, {})
        row[high] = row.get(high, 0) + count
        type_pairs[d].add(frozenset((ta, tb)))
    return {
        "sector_matrix": matrices,
        "missing_expected": _missing_expected(ref, present_types, type_pairs),
        "bridged_by_projects": bridged_by_projects(snapshot, network),
    }


def _missing_expected(
    ref: Reference, present_types: dict[str, set[str]], type_pairs: dict[str, set[frozenset[str]]]
) -> list[dict[str, Any]]:
    """The expected links between two types present in a division that no cooperation there joins."""
    return [
        {
            "division": d,
            "type_a": e.type_a,
            "type_b": e.type_b,
            "priority": e.priority,
            "label": e.label_fr,
            "why": e.why,
        }
        for d in ref.geography.divisions
        for e in expected_links()
        if {e.type_a, e.type_b} <= present_types[d] and frozenset((e.type_a, e.type_b)) not in type_pairs[d]
    ]


def bridged_by_projects(snapshot: nx.MultiDiGraph, network: Network | None = None) -> list[dict[str, Any]]:
    """Sector pairs that only a joint project links (no other cooperation joins them): what projects add."""
    network = network if network is not None else Network.of(snapshot)
    sector = {n: data["sector"] for n, data in network.attrs.items()}
    pairs = {(sector[a], sector[b]) for a, b, data in network.cooperations if not data.get("project")}
    linked = {frozenset(pair) for pair in pairs}
    by_project: dict[frozenset[str], set[str]] = {}
    for a, b, data in network.cooperations:
        if data.get("project"):
            by_project.setdefault(frozenset((sector[a], sector[b])), set()).add(str(data["project"]))
    return [
        {"sectors": sorted(pair), "projects": sorted(projects)}
        for pair, projects in sorted(by_project.items(), key=lambda kv: sorted(kv[0]))
        if pair not in linked and len(pair) == 2
    ]


# --- participation, training, freshness -------------------------------------------------------------------------


def participation(
    store: GraphStore, snapshot: nx.MultiDiGraph, ref: Reference, network: Network | None = None
) -> dict[str, Any]:
    """Organisations outside their division's platform, and divisions with nobody trained on a topic."""
    network = network if network is not None else Network.of(snapshot)
    attrs, home = network.attrs, network.home
    platforms = {p.id: p for p in store.list(Platform)}
    platform_of_division = {
        p.division: p.id for p in platforms.values() if p.platform_kind is PlatformKind.DIVISION_PLATFORM and p.division
    }
    members = {(m.organisation_id, m.platform_id) for m in store.links(Membership)}
    outside = [
        {"organisation": n, "division": d}
        for n in sorted(home)
        if (d := home[n]) and d in platform_of_division and (n, platform_of_division[d]) not in members
    ]
    trainings = {t.id: t for t in store.list(Training)}
    topics = sorted({code for t in trainings.values() for code in t.terms})
    trained: dict[tuple[str, str], set[str]] = {}
    by_sector: dict[tuple[str, str], set[str]] = {}
    for a in store.links(Attendance):
        d = home.get(a.organisation_id)
        for code in trainings[a.training_id].terms:
            if d:
                trained.setdefault((d, code), set()).add(a.organisation_id)
            by_sector.setdefault((attrs[a.organisation_id]["sector"], code), set()).add(a.organisation_id)
    sectors = sorted({data["sector"] for data in attrs.values()})
    coverage = training_coverage(snapshot, ref, trained, topics, network)
    return {
        "outside_platform": outside,
        "training_topics": topics,
        "training_by_division": {d: {t: len(trained.get((d, t), ())) for t in topics} for d in ref.geography.divisions},
        "training_gaps": [
            {"division": d, "topic": t} for d in ref.geography.divisions for t in topics if not trained.get((d, t))
        ],
        "training_by_sector": {s: {t: len(by_sector.get((s, t), ())) for t in topics} for s in sectors},
        "training_coverage": coverage,
        "training_targets": training_targets(coverage),
    }


TARGETS_PER_DIVISION = 5


def training_coverage(
    snapshot: nx.MultiDiGraph,
    ref: Reference,
    trained: dict[tuple[str, str], set[str]],
    topics: list[str],
    network: Network | None = None,
) -> dict[str, dict[str, dict[str, Any]]]:
    """Per division and topic (every broad situation of the taxonomy, every topic of a training): how many of
    its active organisations were trained, and the organisation types present there none of whose
    organisations was — «no hospital of Verviers was trained on pregnancy and post-partum»."""
    situations = {t.id for t in ref.taxonomy.terms.values() if t.term_kind.value == "situation" and not t.parent}
    wanted = sorted(situations | set(topics))
    network = network if network is not None else Network.of(snapshot)
    attrs = network.attrs
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for d in ref.geography.divisions:
        members = [n for n in network.members(d) if attrs[n]["status"] == "active"]
        by_type: dict[str, set[str]] = {}
        for n in members:
            by_type.setdefault(str(attrs[n]["type"]), set()).add(n)
        out[d] = {}
        for topic in wanted:
            done = trained.get((d, topic), set())
            missing = sorted((t for t, orgs in by_type.items() if not orgs & done), key=lambda t: (-len(by_type[t]), t))
            out[d][topic] = {
                "organisations": len(members),
                "trained": len(done),
                "share": round(len(done) / len(members), 3) if members else None,
                "missing_types": missing,
            }
    return out


def training_targets(coverage: dict[str, dict[str, dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Per division, the topics where the fewest of its organisations were trained: the next trainings' aims."""
    return {
        d: sorted(
            ({"topic": topic, **row} for topic, row in topics.items()),
            key=lambda r: (r["trained"], -r["organisations"], r["topic"]),
        )[:TARGETS_PER_DIVISION]
        for d, topics in coverage.items()
    }


def stale_records(snapshot: nx.MultiDiGraph, as_of: date, days: int = STALE_AFTER_DAYS) -> dict[str, Any]:
    limit = as_of - timedelta(days=days)
    stale, never = [], []
    for n, data in sorted(snapshot.nodes(data=True)):
        verified = data.get("verified_at")
        if verified is None:
            never.append(n)
        elif date.fromisoformat(verified) < limit:
            stale.append({"organisation": n, "name": data["name"], "verified_at": verified})
    return {"as_of": as_of.isoformat(), "days": days, "stale": stale, "never_verified": never}


@dataclass
class GapReport:
    """Everything a coordinator needs to see, computed once per version of the directory."""

    coverage: dict[str, Any]
    structure: dict[str, Any]
    structure_by_division: dict[str, dict[str, Any]]
    cross_sector: dict[str, Any]
    participation: dict[str, Any]
    freshness: dict[str, Any]
    summary: list[dict[str, Any]] = field(default_factory=list)

    def for_division(self, division: str) -> list[dict[str, Any]]:
        return [g for g in self.summary if g.get("division") in (division, None)]

    def highlights(self) -> dict[str, str]:
        """Organisations the map marks: isolated, or a single point of failure in its division."""
        marks = {o: "isolated" for o in self.structure["isolates"]}
        for s in self.structure_by_division.values():
            marks.update({p["organisation"]: "cut" for p in s["articulation_points"]})
        return marks


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector held off while a snapshot is built and analysed.

    Both allocate hundreds of thousands of small objects that all stay alive until the report is done,
    so each collection they trigger walks the whole heap (the store's records included) and finds nothing
    to free: at 5,000 organisations that was a third of the analysis' time. Reference counting still frees
    what it can; the collector resumes (if it was running) at the end, also on error.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def analyse(
    store: GraphStore, ref: Reference, as_of: date | None = None, snapshot: nx.MultiDiGraph | None = None
) -> GapReport:
    with gc_paused():
        snapshot = snapshot if snapshot is not None else store.snapshot()
        network = Network.of(snapshot)
        whole = structure(snapshot, network=network)
        by_division = {d: structure(snapshot, d, network) for d in ref.geography.divisions}
        report = GapReport(
            coverage(snapshot, ref),
            whole,
            by_division,
            cross_sector(snapshot, ref, network),
            participation(store, snapshot, ref, network),
            stale_records(snapshot, as_of or date.today()),
        )
        report.summary = _summary(report, network)
        return report


def _summary(report: GapReport, network: Network) -> list[dict[str, Any]]:
    """Every gap of the report as one list, kind by kind: what the gaps page and the report go through."""
    cov, cross, part, home = report.coverage, report.cross_sector, report.participation, network.home
    summary: list[dict[str, Any]] = []
    summary += [{"kind": "coverage-gap", **g} for g in cov["gaps"]]
    summary += [{"kind": "fragile", **g} for g in cov["fragile"]]
    summary += [{"kind": "isolated", "organisation": o, "division": home[o]} for o in report.structure["isolates"]]
    for d, s in report.structure_by_division.items():
        summary += [{"kind": "single-point-of-failure", "division": d, **p} for p in s["articulation_points"]]
    summary += [{"kind": "missing-link", **m} for m in cross["missing_expected"]]
    summary += [{"kind": "outside-platform", **o} for o in part["outside_platform"]]
    summary += [{"kind": "training-gap", **t} for t in part["training_gaps"]]
    named = {d["project"]: d.get("project_name", d["project"]) for *_, d in network.cooperations if "project" in d}
    summary += [
        {"kind": "bridged-by-project", **b, "names": [named[p] for p in b["projects"]]}
        for b in cross["bridged_by_projects"]
    ]
    summary += [{"kind": "stale", "division": home[s["organisation"]], **s} for s in report.freshness["stale"]]
    return summary
