"""The interactive network map, built with pyvis, working offline.

pyvis' own HTML template loads vis-network from a CDN and its `add_edge` is quadratic, so Relais
fills a pyvis `Network` directly (nodes and edges lists, options) and renders its JSON into a small
page of its own whose scripts come from beside `asset_url` (served by the API, or copied beside a file).
The snapshot is copied, never mutated. Beyond `MAX_NODES` organisations the map aggregates by
division and sector instead of freezing the browser.

No script is ever built from data: names are written by editors, and a name like
`</script><script>…` must stay a name. The data travel in a `<script type="application/json">` block
(never run, with `<`, `>`, `&`, U+2028/2029 escaped so nothing can close it), read by a fixed script
file (`MAP_SCRIPT`), which lets the Content-Security-Policy refuse every inline script. Tooltips are
plain text (vis-network shows a string title with `innerText`), never HTML.
"""

from __future__ import annotations

import html
import json
import math
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
from pyvis.network import Network

from graph.analysis import cooperation_graph, division_of
from viz.texts import Table, say

MAX_NODES = 1000
VIS_JS = "vis-network.min.js"
MAP_JS = "relais-map.js"
MAP_SCRIPT = """// Draws the map from the JSON block of the page (no inline script: the CSP forbids them).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("relais-map-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(document.getElementById("map"), {nodes: nodes, edges: edges}, data.options);
  network.once("stabilizationIterationsDone", function () { network.setOptions({physics: false}); });
  window.relaisNetwork = network;  // for the browser tests and the curious: the map is data, not code
})();
"""
SECTOR_COLOURS = {
    "associative": "#7b3294",
    "coordination": "#1b7837",
    "medical": "#d6604d",
    "police": "#2166ac",
    "justice": "#4d4d4d",
    "social": "#e08214",
    "mediation": "#878787",
    "public": "#5aae61",
}
SECTOR_LABELS = {
    "associative": "Associatif",
    "coordination": "Coordination",
    "medical": "Médical",
    "police": "Police",
    "justice": "Justice",
    "social": "Social / CPAS",
    "mediation": "Médiation",
    "public": "Communes",
}
SECTOR_NAMES: Table = {
    sector: {"fr": fr, "nl": nl, "de": de, "en": en}
    for sector, fr, nl, de, en in (
        ("associative", "Associatif", "Verenigingen", "Vereine", "Associations"),
        ("coordination", "Coordination", "Coördinatie", "Koordination", "Coordination"),
        ("medical", "Médical", "Medisch", "Medizin", "Medical"),
        ("police", "Police", "Politie", "Polizei", "Police"),
        ("justice", "Justice", "Justitie", "Justiz", "Justice"),
        ("social", "Social / CPAS", "Sociaal / OCMW", "Soziales / ÖSHZ", "Social / welfare centre"),
        ("mediation", "Médiation", "Bemiddeling", "Mediation", "Mediation"),
        ("public", "Communes", "Gemeenten", "Gemeinden", "Municipalities"),
    )
}
MAP: Table = {
    "title": {
        "fr": "Réseau des Plateformes Violences",
        "nl": "Netwerk van de Platforms Geweld",
        "de": "Netzwerk der Plattformen Gewalt",
        "en": "Network of the violence platforms",
    },
    "legend": {"fr": "Légende", "nl": "Legende", "de": "Legende", "en": "Legend"},
    "marks": {
        "fr": "★ bordure rouge : point unique de rupture (si l'organisation s'arrête, des partenaires perdent leur "
        "seul lien)<br>\n▲ bordure rouge : organisation isolée</p><p>Taille : intermédiarité (betweenness).",
        "nl": "★ rode rand: enig breekpunt (als de organisatie stopt, verliezen partners hun enige band)<br>\n"
        "▲ rode rand: geïsoleerde organisatie</p><p>Grootte: tussenpositie (betweenness).",
        "de": "★ roter Rand: einziger Bruchpunkt (hört die Organisation auf, verlieren Partner ihre einzige "
        "Verbindung)<br>\n▲ roter Rand: isolierte Organisation</p><p>Größe: Zwischenzentralität (betweenness).",
        "en": "★ red border: single point of failure (if the organisation stops, partners lose their only link)<br>\n"
        "▲ red border: isolated organisation</p><p>Size: betweenness.",
    },
    "aggregated": {
        "fr": "{groups} groupes (vue agrégée au-delà de {most} organisations)",
        "nl": "{groups} groepen (samengevatte weergave boven {most} organisaties)",
        "de": "{groups} Gruppen (zusammengefasste Ansicht ab {most} Organisationen)",
        "en": "{groups} groups (aggregated view above {most} organisations)",
    },
    "counts": {
        "fr": "{organisations} organisations, {links} liens — {scope}",
        "nl": "{organisations} organisaties, {links} banden — {scope}",
        "de": "{organisations} Organisationen, {links} Verbindungen — {scope}",
        "en": "{organisations} organisations, {links} links — {scope}",
    },
    "organisations": {
        "fr": "{n} organisations",
        "nl": "{n} organisaties",
        "de": "{n} Organisationen",
        "en": "{n} organisations",
    },
    "links": {"fr": "{n} liens", "nl": "{n} banden", "de": "{n} Verbindungen", "en": "{n} links"},
    "arrondissement": {"fr": "arrondissement", "nl": "arrondissement", "de": "Bezirk", "en": "arrondissement"},
}
"""The map page's own words in fr/nl/de/en (the caller gives the language)."""


def vis_script() -> bytes:
    """The vis-network script shipped inside the pyvis package (no CDN)."""
    return resources.files("pyvis").joinpath("lib", "vis-9.1.2", VIS_JS).read_bytes()


def map_script() -> bytes:
    """The fixed script that draws a map page from its JSON block."""
    return MAP_SCRIPT.encode()


def json_for_script(value: Any) -> str:
    """JSON that can sit inside a `<script type="application/json">` element: `<`, `>`, `&` and the
    JavaScript line separators escaped, so no string can end the element or open a comment.

    >>> print(json_for_script({"name": "X</script><script>alert(1)</script>&"}))
    {"name": "X\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\\u0026"}
    """
    text = json.dumps(value, ensure_ascii=False)
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        text = text.replace(raw, f"\\u{ord(raw):04x}")
    return text


def _card(data: dict[str, Any], labels: dict[str, str] | None = None) -> str:
    """The tooltip of an organisation as plain text (vis-network shows it with innerText, never as HTML).

    >>> org = {"name": "<b>CVFE</b>", "type": "association", "divisions": ["liege"], "services": [{"name": "Écoute"}]}
    >>> print(_card(org))
    <b>CVFE</b>
    association · liege
    • Écoute
    >>> print(_card(org, {"association": "Vereniging", "liege": "Luik"}).splitlines()[1])
    Vereniging · Luik
    """
    said = labels or {}
    services = "".join(f"\n• {s['name']}" for s in data.get("services", []))
    where = ", ".join(said.get(d, d) for d in data.get("divisions", [])) or "—"
    return f"{data['name']}\n{said.get(data['type'], data['type'])} · {where}{services}"


def _filtered(snapshot: nx.MultiDiGraph, division: str | None, sector: str | None) -> nx.Graph:
    """The cooperation graph of a copy of the snapshot, restricted to a division and a sector if given."""
    graph = cooperation_graph(snapshot.copy())
    keep = [
        n
        for n in sorted(graph)
        if (division is None or division_of(snapshot, n) == division)
        and (sector is None or graph.nodes[n]["sector"] == sector)
    ]
    return graph.subgraph(keep)


def _organisation_node(
    n: str, data: dict[str, Any], betweenness: float, mark: str | None, labels: dict[str, str] | None = None
) -> dict[str, Any]:
    """One organisation: coloured by sector, sized by betweenness; a marked one bordered in red.

    >>> node = _organisation_node("cvfe", {"name": "CVFE", "type": "x", "sector": "associative"}, 0.25, "cut")
    >>> node["value"], node["shape"], node["color"]["border"]
    (26.0, 'star', '#d7191c')
    """
    colour = SECTOR_COLOURS.get(data["sector"], "#999")
    node: dict[str, Any] = {
        "id": n,
        "label": data["name"],
        "title": _card(data, labels),
        "shape": "dot",
        "color": colour,
        "value": 1 + round(100 * betweenness, 2),
        "group": data["sector"],
    }
    if mark:
        node.update(
            {
                "borderWidth": 4,
                "shape": "star" if mark == "cut" else "triangle",
                "color": {"background": colour, "border": "#d7191c"},
            }
        )
    return node


def _organisation_elements(
    graph: nx.Graph, betweenness: dict[str, float], highlights: dict[str, str], labels: dict[str, str] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One node per organisation, one edge per cooperating pair; `labels` names types and divisions."""
    nodes = [_organisation_node(n, graph.nodes[n], betweenness.get(n, 0.0), highlights.get(n), labels) for n in graph]
    return nodes, [{"from": a, "to": b} for a, b in sorted(graph.edges())]


Group = tuple[str, str]
"""(division, sector) of an aggregated map."""


def _sector(sector: str, lang: str) -> str:
    return say(SECTOR_NAMES, sector, lang) if sector in SECTOR_NAMES else sector


def _aggregated_elements(
    graph: nx.Graph, snapshot: nx.MultiDiGraph, labels: dict[str, str] | None = None, lang: str = "fr"
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One node per (division, sector) sized by its members, one edge per pair of groups weighted by links."""
    groups: dict[Group, list[str]] = {}
    for n in graph:
        groups.setdefault((division_of(snapshot, n) or "?", graph.nodes[n]["sector"]), []).append(n)
    nodes = [
        {
            "id": f"{d}/{s}",
            "label": f"{_sector(s, lang)} · {(labels or {}).get(d, d)} ({len(members)})",
            "color": SECTOR_COLOURS.get(s, "#999"),
            "value": len(members),
            "shape": "dot",
            "title": say(MAP, "organisations", lang).format(n=len(members)),
        }
        for (d, s), members in sorted(groups.items())
    ]
    group_of = {n: key for key, members in groups.items() for n in members}
    weights: dict[tuple[Group, Group], int] = {}
    for a, b in graph.edges():
        ga, gb = sorted((group_of[a], group_of[b]))
        if ga != gb:
            weights[(ga, gb)] = weights.get((ga, gb), 0) + 1
    edges = [
        {"from": "/".join(a), "to": "/".join(b), "value": w, "title": say(MAP, "links", lang).format(n=w)}
        for (a, b), w in sorted(weights.items())
    ]
    return nodes, edges


def _options(nodes: int) -> dict[str, Any]:
    """vis-network options: a fixed layout seed (the same map each time); careful layout only when small."""
    return {
        "layout": {"randomSeed": 42, "improvedLayout": nodes <= 300},
        "physics": {"solver": "forceAtlas2Based", "stabilization": {"iterations": 250, "fit": True}},
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False},
        "nodes": {"font": {"size": 12, "face": "sans-serif"}, "scaling": {"min": 6, "max": 40}},
        "edges": {"color": {"color": "#b0b0b0"}, "smooth": False},
    }


def place_by_division(
    nodes: list[dict[str, Any]], snapshot: nx.MultiDiGraph, anchors: dict[str, tuple[float, float]]
) -> None:
    """Start each organisation near its division's centre (`anchors`: division → x, y, e.g.
    `viz.geomap.division_anchors()`), on a small spiral so none overlap; physics then moves them.

    >>> g = nx.MultiDiGraph(); g.add_node("a", divisions=["huy"]); g.add_node("b", divisions=["huy"])
    >>> nodes = [{"id": "a"}, {"id": "b"}, {"id": "c"}]
    >>> place_by_division(nodes, g, {"huy": (100.0, 50.0)})
    >>> [(n.get("x"), n.get("y")) for n in nodes]
    [(100.0, 50.0), (92.6, 56.8), (None, None)]
    """
    seen: dict[str, int] = {}
    for node in nodes:
        where = division_of(snapshot, node["id"]) if node["id"] in snapshot else None
        if where not in anchors:
            continue
        assert where is not None
        i = seen[where] = seen.get(where, -1) + 1
        x, y = anchors[where]
        angle, radius = i * 2.39996, 10.0 * math.sqrt(i)
        node["x"], node["y"] = round(x + radius * math.cos(angle), 1), round(y + radius * math.sin(angle), 1)


def build_network(
    snapshot: nx.MultiDiGraph,
    *,
    division: str | None = None,
    sector: str | None = None,
    betweenness: dict[str, float] | None = None,
    highlights: dict[str, str] | None = None,
    anchors: dict[str, tuple[float, float]] | None = None,
    labels: dict[str, str] | None = None,
    lang: str = "fr",
) -> tuple[Network, bool]:
    """A pyvis network of the (filtered) cooperation graph; True when it had to aggregate.

    `highlights` marks organisations: "cut" (a single point of failure) as a star, anything else
    as a triangle. `anchors` (division → x, y) starts each organisation in its division's area.
    """
    graph = _filtered(snapshot, division, sector)
    net = Network(height="100%", width="100%", directed=False, cdn_resources="remote")
    aggregated = graph.number_of_nodes() > MAX_NODES
    if aggregated:
        nodes, edges = _aggregated_elements(graph, snapshot, labels, lang)
    else:
        nodes, edges = _organisation_elements(graph, betweenness or {}, highlights or {}, labels)
        if anchors:
            place_by_division(nodes, snapshot, anchors)
    net.nodes.extend(nodes)
    net.edges.extend(edges)
    net.set_options(json.dumps(_options(graph.number_of_nodes())))
    return net, aggregated


PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
 html,body{{margin:0;height:100%;font-family:system-ui,sans-serif;color:#1a1a1a}}
 #map{{position:absolute;top:0;bottom:0;left:0;right:16rem}} aside{{position:absolute;top:0;right:0;width:15rem;
 padding:.5rem;font-size:.85rem;overflow:auto;height:100%;box-sizing:border-box;border-left:1px solid #ccc}}
 .dot{{display:inline-block;width:.8rem;height:.8rem;border-radius:50%;margin-right:.4rem;vertical-align:middle}}
 div.vis-tooltip{{position:absolute;background:#fff;border:1px solid #888;padding:.4rem;max-width:22rem;
 font-size:.8rem;white-space:pre-line;box-shadow:0 2px 6px rgba(0,0,0,.2)}}
 .banner{{margin:0 0 .5rem;padding:.3rem .4rem;background:#eef3f8;border-left:4px solid #2166ac}}
 .banner strong{{display:block;color:#7a3b00}}
 @media (max-width:700px){{#map{{right:0;bottom:40%}} aside{{top:60%;width:100%;height:40%;border:0}}}}
</style></head>
<body><div id="map" role="img" aria-label="{title}"></div>
<aside>{banner}<h1 style="font-size:1rem">{title}</h1><p>{subtitle}</p>
<h2 style="font-size:.9rem">{legend_title}</h2>{legend}
<p>{marks}</p></aside>
<script type="application/json" id="relais-map-data">{data}</script>
<script src="{asset_url}"></script>
<script src="{map_url}"></script></body></html>
"""


def banner_html(served: str, warning: str = "") -> str:
    """The line saying which directory is served, and a visible warning for fictional data.

    >>> banner_html("Démo <x>", "Données fictives de démonstration")
    '<p class="banner" role="note">Démo &lt;x&gt;<strong>Données fictives de démonstration</strong></p>'
    """
    if not served and not warning:
        return ""
    strong = f"<strong>{html.escape(warning)}</strong>" if warning else ""
    return f'<p class="banner" role="note">{html.escape(served)}{strong}</p>'


def render_map(
    snapshot: nx.MultiDiGraph,
    *,
    asset_url: str,
    division: str | None = None,
    sector: str | None = None,
    betweenness: dict[str, float] | None = None,
    highlights: dict[str, str] | None = None,
    title: str | None = None,
    banner: str = "",
    anchors: dict[str, tuple[float, float]] | None = None,
    lang: str = "fr",
    labels: dict[str, str] | None = None,
) -> str:
    """The map page as a string; its scripts are `asset_url` (vis-network) and `MAP_JS` beside it.

    `banner` is ready HTML from `banner_html` (which directory is served, fictional or not); `labels` names
    organisation types and divisions in `lang` for the tooltips (codes otherwise)."""
    net, aggregated = build_network(
        snapshot,
        division=division,
        sector=sector,
        betweenness=betweenness,
        highlights=highlights,
        anchors=anchors,
        labels=labels,
        lang=lang,
    )
    used = sorted({n.get("group") for n in net.nodes if n.get("group")} or SECTOR_COLOURS)
    legend = "".join(
        f'<div><span class="dot" style="background:{SECTOR_COLOURS.get(s, "#999")}"></span>'
        f"{html.escape(say(SECTOR_NAMES, s, lang) if s in SECTOR_NAMES else s)}</div>"
        for s in used
    )
    named = [(labels or {}).get(division, division)] if division else []
    scope = ", ".join([*named, *([say(SECTOR_NAMES, sector, lang)] if sector in SECTOR_NAMES else [])])
    scope = scope or say(MAP, "arrondissement", lang)
    subtitle = (
        say(MAP, "aggregated", lang).format(groups=len(net.nodes), most=MAX_NODES)
        if aggregated
        else say(MAP, "counts", lang).format(organisations=len(net.nodes), links=len(net.edges), scope=scope)
    )
    options = json.loads(net.options.to_json()) if hasattr(net.options, "to_json") else net.options
    return PAGE.format(
        title=html.escape(title or say(MAP, "title", lang)),
        lang=html.escape(lang),
        legend_title=say(MAP, "legend", lang),
        marks=say(MAP, "marks", lang),
        subtitle=html.escape(subtitle),
        legend=legend,
        banner=banner,
        asset_url=html.escape(asset_url),
        map_url=html.escape(f"{asset_url.rpartition('/')[0] or '.'}/{MAP_JS}"),
        data=json_for_script({"nodes": net.nodes, "edges": net.edges, "options": options}),
    )


def write_map(page: str, path: Path) -> Path:
    """Write the page and its scripts beside it, so the file opens offline."""
    assets = path.parent / "relais-assets"
    assets.mkdir(parents=True, exist_ok=True)
    (assets / VIS_JS).write_bytes(vis_script())
    (assets / MAP_JS).write_bytes(map_script())
    path.write_text(page, encoding="utf-8")
    return path
