"""Each metric against a value computed by hand on a small graph; exports, map and heatmap as files."""

from __future__ import annotations

import re
import xml.dom.minidom
from pathlib import Path

import networkx as nx
import pytest

from graph.analysis import centrality, coverage, cross_sector, structure
from graph.memory_store import MemoryStore
from graph.models import Cooperation, CooperationKind, Location, Organisation, ReferralFlow, Service, Visibility
from graph.reference import Reference
from viz.exports import FORMATS, export
from viz.heatmap import heatmap
from viz.network_map import MAX_NODES, render_map

SRC = "analysis test (fictional)"


def small(reference: Reference) -> MemoryStore:
    """a—b—c—d, b—d (a triangle b-c-d with a tail a), e alone; a, b in Huy, c, d, e in Verviers (b, a shelter,
    only at a hidden site: its division comes from the area its service serves).

    Hand-computed: 5 nodes, 4 links, density 4/10 = 0.4; components 2 (sizes 4, 1); isolate e;
    articulation point b (cuts off a); bridge a—b; betweenness(b): the pairs (a, c) and (a, d) pass
    through b, normalised by (n-1)(n-2)/2 = 6 for n = 5 -> 2/6 = 0.33333.
    """
    store = MemoryStore()
    store.upsert(reference.records())
    types = {"a": "hospital", "b": "shelter", "c": "general-practice", "d": "specialised-ambulatory", "e": "helpline"}
    sectors = {
        "hospital": "medical",
        "shelter": "associative",
        "general-practice": "medical",
        "specialised-ambulatory": "associative",
        "helpline": "associative",
    }
    commune = {"a": "61031", "b": "61031", "c": "63079", "d": "63079", "e": "63079"}
    store.upsert([Organisation(id=i, name=f"Org {i}", type=t, sector=sectors[t], source=SRC) for i, t in types.items()])
    store.upsert(
        [
            Location(
                id=f"{i}-l",
                organisation_id=i,
                commune=commune[i],
                visibility=Visibility.HIDDEN if i == "b" else Visibility.NETWORK,  # b is a shelter
                address=f"Adresse secrète fictive {i}",
                source=SRC,
            )
            for i in types
        ]
    )
    store.upsert(
        [
            Service(
                id=f"{i}-s",
                organisation_id=i,
                name=f"S {i}",
                situations=("forced-marriage",) if i in "ab" else ("fgm",),
                location_ids=(f"{i}-l",),
                area_divisions=("huy",) if i == "b" else (),  # the shelter's division comes from what it serves
                source=SRC,
            )
            for i in types
        ]
    )
    store.add_links(
        [
            Cooperation(a=x, b=y, cooperation=CooperationKind.INFORMAL, source=SRC)
            for x, y in [("a", "b"), ("b", "c"), ("c", "d"), ("b", "d")]
        ]
    )
    store.add_links(
        [
            ReferralFlow(from_id="a", to_id="b", period="2025", count=2, source=SRC),
            ReferralFlow(from_id="b", to_id="a", period="2025", count=1, source=SRC),
            ReferralFlow(from_id="c", to_id="d", period="2025", count=4, source=SRC),
        ]
    )
    return store


def test_structure_metrics_by_hand(reference: Reference) -> None:
    s = structure(small(reference).snapshot())
    assert (s["organisations"], s["links"], s["density"]) == (5, 4, 0.4)
    assert (s["components"], s["component_sizes"], s["isolates"]) == (2, [4, 1], ["e"])
    assert s["articulation_points"] == [{"organisation": "b", "name": "Org b", "cut_off": ["a"]}]
    assert s["bridges"] == [("a", "b")]
    assert s["degree"] == {"a": 1, "b": 3, "c": 2, "d": 2, "e": 0}
    assert s["referral_reciprocity"] == {"pairs": 3, "reciprocity": 0.667, "one_way": [("c", "d")]}  # 2 of 3 returned
    c = centrality(small(reference).snapshot())
    assert c["betweenness"]["b"] == 0.33333 and c["betweenness"]["c"] == 0.0
    assert c["betweenness_sample"] is None
    assert c["communities"] == [["a", "b"], ["c", "d"], ["e"]]
    huy = structure(small(reference).snapshot(), "huy")
    assert (huy["organisations"], huy["links"], huy["articulation_points"]) == (2, 1, [])


def test_coverage_and_cross_sector_by_hand(reference: Reference) -> None:
    snap = small(reference).snapshot()
    cov = coverage(snap, reference)
    assert cov["matrix"]["forced-marriage"] == {"huy": 2, "liege": 0, "verviers": 0}
    assert cov["matrix"]["fgm"] == {"huy": 0, "liege": 0, "verviers": 3}
    assert {"term": "forced-marriage", "division": "verviers"} in cov["gaps"]
    cross = cross_sector(snap, reference)
    assert cross["sector_matrix"]["verviers"] == {"associative": {"medical": 1}}
    assert cross["sector_matrix"]["huy"] == {"associative": {"medical": 1}}
    missing = {(m["division"], m["type_a"], m["type_b"]) for m in cross["missing_expected"]}
    assert missing == set()  # hospital–shelter linked in Huy; GP–ambulatory linked in Verviers


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_reimport_with_same_counts_and_no_address(reference: Reference, tmp_path: Path, fmt: str) -> None:
    snap = small(reference).snapshot()
    content, _, _ = export(snap, fmt)
    assert b"Adresse" not in content and b"secr" not in content
    if fmt == "graphml":
        again = nx.read_graphml(_file(tmp_path, content))
    elif fmt == "gexf":
        again = nx.read_gexf(_file(tmp_path, content))
    elif fmt == "kumu":
        import json

        doc = json.loads(content)
        again = nx.Graph([(c["from"], c["to"]) for c in doc["connections"]])
        again.add_nodes_from(e["id"] for e in doc["elements"])
    else:
        import csv
        import io
        import zipfile

        z = zipfile.ZipFile(io.BytesIO(content))
        again = nx.Graph(
            [(r["source"], r["target"]) for r in csv.DictReader(io.StringIO(z.read("edges.csv").decode()))]
        )
        again.add_nodes_from(r["id"] for r in csv.DictReader(io.StringIO(z.read("nodes.csv").decode())))
    assert (again.number_of_nodes(), again.number_of_edges()) == (5, 4)


def _file(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "export"
    path.write_bytes(content)
    return path


def test_map_is_offline_small_stable_and_does_not_mutate(reference: Reference) -> None:
    snap = small(reference).snapshot()
    before = nx.to_dict_of_dicts(snap), dict(snap.nodes(data=True))
    page = render_map(snap, asset_url="/static/vis-network.min.js", highlights={"e": "isolated", "b": "cut"})
    assert (nx.to_dict_of_dicts(snap), dict(snap.nodes(data=True))) == before
    assert page == render_map(snap, asset_url="/static/vis-network.min.js", highlights={"e": "isolated", "b": "cut"})
    assert not re.search(r"(src|href)=[\"']?https?://", page) and "cdn" not in page.lower()
    assert '"randomSeed": 42' in page and '<script src="/static/relais-map.js">' in page
    assert "Adresse" not in page and '"shape": "star"' in page


def test_large_map_aggregates(tmp_path: Path, reference: Reference) -> None:
    from graph.usecases import import_directory
    from loaders.directory import read_directory
    from loaders.generate import generate_directory

    generate_directory(tmp_path / "g", orgs=MAX_NODES + 200, seed=2, links_per_org=3)
    store = MemoryStore()
    import_directory(read_directory(tmp_path / "g", reference), store, reference=reference)
    page = render_map(store.snapshot(), asset_url="x.js")
    assert "vue agrégée" in page and len(page.encode()) < 500_000


def test_heatmap_svg_and_png_with_french_labels(reference: Reference) -> None:
    cov = coverage(small(reference).snapshot(), reference)
    svg = heatmap(cov, reference, "svg")
    xml.dom.minidom.parseString(svg)
    assert b"Mariage forc" in svg or b"glyph" in svg
    assert heatmap(cov, reference, "png").startswith(b"\x89PNG")
    assert heatmap(cov, reference, "svg") == svg
