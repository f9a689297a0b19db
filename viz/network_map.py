"""The interactive network map, built with pyvis, working offline.

pyvis' own HTML template loads vis-network from a CDN and its `add_edge` is quadratic, so Relais
fills a pyvis `Network` directly (nodes and edges lists, options) and renders its JSON into a small
page of its own whose scripts come from beside `asset_url` (served by the API, or copied beside a file).
The snapshot is copied, never mutated. Beyond `MAX_NODES` organisations the map aggregates by
division and sector instead of freezing the browser.

No script is ever built from data: names are written by editors, and a name like
`</script><script>…` must stay a name. The data travel in a `<script type="application/json">` block
(never run, with `<`, `>`, `&`, U+2028/2029 escaped so nothing can close it), read by a fixed script
file (viz/static/relais-map.js), which lets the Content-Security-Policy refuse every inline script.
Tooltips are plain text (vis-network shows a string title with `innerText`), never HTML.

For a platform meeting (projected, or on a phone) the page has a side panel: a search that focuses an
organisation and its partners, filters (division, sector, type, link kind) in words, a legend, a panel per
organisation; and the same facts as a list beside the map, for the keyboard and screen readers. The page
stays small (a 1,000-organisation map under 0.5 MB): the data hold each fact once (a link is a pair of
node indices and its kinds; colours, shapes and partners follow from them), and the fixed script builds
the list, the panel and the names to search as DOM text (never HTML) from the data. The snapshot holds no
address (a hidden site does not even give its division), so nothing here can place a shelter.
"""

from __future__ import annotations

import html
import json
import math
import unicodedata
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
from pyvis.network import Network

from graph.analysis import cooperation_graph, division_of
from viz.texts import GAP_KINDS, Table, say
from viz.texts import SECTOR_NAMES as SECTOR_NAMES  # the map's legend; kept importable from here

MAX_NODES = 1000
VIS_JS = "vis-network.min.js"
MAP_JS = "relais-map.js"
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
        "seul lien) ; ▲ bordure rouge : organisation isolée.",
        "nl": "★ rode rand: enig breekpunt (als de organisatie stopt, verliezen partners hun enige band); "
        "▲ rode rand: geïsoleerde organisatie.",
        "de": "★ roter Rand: einziger Bruchpunkt (hört die Organisation auf, verlieren Partner ihre einzige "
        "Verbindung); ▲ roter Rand: isolierte Organisation.",
        "en": "★ red border: single point of failure (if the organisation stops, partners lose their only link); "
        "▲ red border: isolated organisation.",
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
    "map_label": {
        "fr": "Carte du réseau ; la liste « Organisations et leurs partenaires » donne les mêmes informations",
        "nl": "Kaart van het netwerk; de lijst «Organisaties en hun partners» geeft dezelfde informatie",
        "de": "Karte des Netzwerks; die Liste «Organisationen und ihre Partner» enthält dieselben Angaben",
        "en": "Map of the network; the list «Organisations and their partners» gives the same information",
    },
    "controls": {
        "fr": "Recherche et filtres",
        "nl": "Zoeken en filters",
        "de": "Suche und Filter",
        "en": "Search and filters",
    },
    "search": {
        "fr": "Rechercher une organisation",
        "nl": "Een organisatie zoeken",
        "de": "Eine Organisation suchen",
        "en": "Find an organisation",
    },
    "search_button": {"fr": "Montrer", "nl": "Tonen", "de": "Zeigen", "en": "Show"},
    "search_none": {
        "fr": "Aucune organisation ne correspond à «{q}».",
        "nl": "Geen organisatie komt overeen met «{q}».",
        "de": "Keine Organisation passt zu «{q}».",
        "en": "No organisation matches «{q}».",
    },
    "filters": {"fr": "Filtres", "nl": "Filters", "de": "Filter", "en": "Filters"},
    "division": {"fr": "Division", "nl": "Afdeling", "de": "Abteilung", "en": "Division"},
    "all_divisions": {
        "fr": "Toutes les divisions",
        "nl": "Alle afdelingen",
        "de": "Alle Abteilungen",
        "en": "All divisions",
    },
    "sector": {"fr": "Secteur", "nl": "Sector", "de": "Sektor", "en": "Sector"},
    "all_sectors": {"fr": "Tous les secteurs", "nl": "Alle sectoren", "de": "Alle Sektoren", "en": "All sectors"},
    "type": {
        "fr": "Type d'organisation",
        "nl": "Soort organisatie",
        "de": "Art der Organisation",
        "en": "Type of organisation",
    },
    "all_types": {"fr": "Tous les types", "nl": "Alle soorten", "de": "Alle Arten", "en": "All types"},
    "kinds": {
        "fr": "Liens montrés (couleur et trait)",
        "nl": "Getoonde banden (kleur en lijn)",
        "de": "Gezeigte Verbindungen (Farbe und Linie)",
        "en": "Links shown (colour and line)",
    },
    "shown": {
        "fr": "{n} organisations affichées",
        "nl": "{n} organisaties getoond",
        "de": "{n} Organisationen angezeigt",
        "en": "{n} organisations shown",
    },
    "sectors": {
        "fr": "Secteurs (couleur des points)",
        "nl": "Sectoren (kleur van de punten)",
        "de": "Sektoren (Farbe der Punkte)",
        "en": "Sectors (colour of the dots)",
    },
    "list_title": {
        "fr": "Organisations et leurs partenaires",
        "nl": "Organisaties en hun partners",
        "de": "Organisationen und ihre Partner",
        "en": "Organisations and their partners",
    },
    "list_hint": {
        "fr": "Les mêmes informations que la carte, filtrées de la même façon, pour le clavier et les lecteurs "
        "d'écran.",
        "nl": "Dezelfde informatie als de kaart, op dezelfde manier gefilterd, voor toetsenbord en schermlezers.",
        "de": "Dieselben Angaben wie die Karte, gleich gefiltert, für Tastatur und Bildschirmleser.",
        "en": "The same information as the map, filtered the same way, for keyboard and screen-reader users.",
    },
    "noscript": {
        "fr": "La carte et cette liste sont dessinées par JavaScript, désactivé dans ce navigateur ; chaque "
        "organisation a sa fiche dans l'annuaire.",
        "nl": "De kaart en deze lijst worden getekend met JavaScript, dat in deze browser uitgeschakeld is; elke "
        "organisatie heeft haar fiche in de gids.",
        "de": "Karte und Liste werden mit JavaScript gezeichnet, das in diesem Browser ausgeschaltet ist; jede "
        "Organisation hat ihren Eintrag im Verzeichnis.",
        "en": "The map and this list are drawn by JavaScript, which is off in this browser; each organisation has "
        "its record in the directory.",
    },
    "show_on_map": {
        "fr": "Voir sur la carte",
        "nl": "Op de kaart tonen",
        "de": "Auf der Karte zeigen",
        "en": "Show on the map",
    },
    "no_partner": {
        "fr": "Aucun partenaire dans le réseau.",
        "nl": "Geen partner in het netwerk.",
        "de": "Kein Partner im Netzwerk.",
        "en": "No partner in the network.",
    },
    "record": {
        "fr": "Fiche de l'organisation",
        "nl": "Fiche van de organisatie",
        "de": "Eintrag der Organisation",
        "en": "The organisation's record",
    },
    "manage_links": {
        "fr": "Gérer ses liens",
        "nl": "Haar banden beheren",
        "de": "Ihre Verbindungen verwalten",
        "en": "Manage its links",
    },
    "close": {"fr": "Fermer la fiche", "nl": "Fiche sluiten", "de": "Eintrag schließen", "en": "Close the record"},
    "panel": {
        "fr": "Organisation choisie",
        "nl": "Gekozen organisatie",
        "de": "Gewählte Organisation",
        "en": "Chosen organisation",
    },
    "size": {
        "fr": "Taille : intermédiarité (les organisations qui relient les autres sont plus grandes ; leur nom "
        "s'affiche, les autres en zoomant).",
        "nl": "Grootte: tussenpositie (organisaties die de andere verbinden zijn groter; hun naam staat er, de "
        "andere bij het inzoomen).",
        "de": "Größe: Zwischenzentralität (Organisationen, die andere verbinden, sind größer; ihr Name steht da, "
        "die anderen beim Hineinzoomen).",
        "en": "Size: betweenness (organisations that connect the others are larger; their name shows, the others' "
        "when zooming in).",
    },
}
"""The map page's own words in fr/nl/de/en (the caller gives the language)."""
KIND_NAMES: Table = {
    kind: {"fr": fr, "nl": nl, "de": de, "en": en}
    for kind, fr, nl, de, en in (
        ("convention", "Convention", "Overeenkomst", "Vereinbarung", "Agreement"),
        ("protocol", "Protocole", "Protocol", "Protokoll", "Protocol"),
        ("case-conference", "Concertation de cas", "Casusoverleg", "Fallbesprechung", "Case conference"),
        ("informal", "Informel", "Informeel", "Informell", "Informal"),
        ("project", "Projet commun", "Gezamenlijk project", "Gemeinsames Projekt", "Joint project"),
    )
}
"""The cooperation kinds in words: the legend, the filter and the partners of each organisation."""
KIND_STYLES = {
    # colour-blind-safe colours (Okabe-Ito), and a line style so the kind never rests on colour alone
    "convention": ("#0072b2", False),
    "protocol": ("#009e73", False),
    "case-conference": ("#d55e00", False),
    "informal": ("#6b6b6b", True),
    "project": ("#cc79a7", True),
}
"""Kind → (colour, dashed). A joint project's partners (`cooperation="project"` in the snapshot) are linked by a
kind of their own: one per project in the page's data (`project_kinds`), so a link's tooltip names its project."""
PROJECT = "project"


def vis_script() -> bytes:
    """The vis-network script shipped inside the pyvis package (no CDN)."""
    return resources.files("pyvis").joinpath("lib", "vis-9.1.2", VIS_JS).read_bytes()


def map_script() -> bytes:
    """The fixed script that draws a map page from its JSON block and keeps the panel and list in step."""
    return resources.files("viz").joinpath("static", MAP_JS).read_bytes()


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
    """The tooltip of an organisation under its name (the script puts the name, its label, first), as plain
    text: vis-network shows it with innerText, never as HTML.

    >>> org = {"name": "<b>CVFE</b>", "type": "association", "divisions": ["liege"], "services": [{"name": "Écoute"}]}
    >>> print(_card(org))
    association · liege
    • Écoute
    >>> print(_card(org, {"association": "Vereniging", "liege": "Luik"}).splitlines()[0])
    Vereniging · Luik
    """
    said = labels or {}
    services = "".join(f"\n• {s['name']}" for s in data.get("services", []))
    where = ", ".join(said.get(d, d) for d in data.get("divisions", [])) or "—"
    return f"{said.get(data['type'], data['type'])} · {where}{services}"


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
    n: str,
    data: dict[str, Any],
    betweenness: float,
    mark: str | None,
    labels: dict[str, str] | None = None,
    division: str | None = None,
) -> dict[str, Any]:
    """One organisation as the script reads it: only what it cannot compute. Its colour follows from its
    sector, a size of 1 and the dot shape are the default, a marked one is a star or a triangle (the script
    borders it in red and names the mark in the list).

    >>> node = _organisation_node("cvfe", {"name": "CVFE", "type": "x", "sector": "associative"}, 0.25, "cut")
    >>> node["value"], node["shape"], node["mark"], "color" in node
    (26.0, 'star', 'single-point-of-failure', False)
    >>> sorted(_organisation_node("a", {"name": "A", "type": "x", "sector": "police"}, 0.0, None))
    ['id', 'label', 'sector', 'title', 'type']
    """
    node: dict[str, Any] = {
        "id": n,
        "label": data["name"],
        "title": _card(data, labels),
        "sector": data["sector"],  # not vis' "group": a group's colours would win over the sector's
        "type": data["type"],
    }
    if division:
        node["division"] = division
    if betweenness:
        node["value"] = 1 + round(100 * betweenness, 2)
    if mark:
        node["mark"] = "single-point-of-failure" if mark == "cut" else "isolated"
        node["shape"] = "star" if mark == "cut" else "triangle"
    return node


def cooperation_kinds(snapshot: nx.MultiDiGraph) -> dict[frozenset[str], list[str]]:
    """The cooperation kinds of each pair of organisations (a pair may have a convention and a protocol).

    >>> g = nx.MultiDiGraph([("a", "b", {"kind": "cooperation", "cooperation": "protocol"}),
    ...                      ("b", "a", {"kind": "cooperation", "cooperation": "convention"}),
    ...                      ("a", "b", {"kind": "referral"})])
    >>> cooperation_kinds(g)[frozenset("ab")]
    ['convention', 'protocol']
    >>> g.add_edge("a", "b", kind="cooperation", cooperation="project", project="p1")
    2
    >>> cooperation_kinds(g)[frozenset("ab")]
    ['convention', 'protocol', 'project:p1']
    """
    found: dict[frozenset[str], set[str]] = {}
    for a, b, data in snapshot.edges(data=True):
        if data.get("kind") == "cooperation":
            found.setdefault(frozenset((a, b)), set()).add(_kind_of(data))
    order = list(KIND_STYLES)
    return {
        pair: sorted(kinds, key=lambda k: (order.index(k) if k in order else len(order), k))
        for pair, kinds in found.items()
    }


def _kind_of(edge: dict[str, Any]) -> str:
    """A cooperation edge's kind on the map: its cooperation kind, or «project:<id>» for a joint project's."""
    if edge.get("project"):
        return f"{PROJECT}:{edge['project']}"
    return str(edge.get("cooperation", "informal"))


def project_kinds(snapshot: nx.MultiDiGraph) -> dict[str, str]:
    """The joint projects linking organisations, as map kinds («project:<id>») with the project's name.

    >>> g = nx.MultiDiGraph([("a", "b", {"kind": "cooperation", "project": "p1", "project_name": "Pont"})])
    >>> project_kinds(g)
    {'project:p1': 'Pont'}
    """
    found = {
        _kind_of(data): str(data.get("project_name") or "")
        for _, _, data in snapshot.edges(data=True)
        if data.get("kind") == "cooperation" and data.get("project")
    }
    return dict(sorted(found.items()))


def _map_kinds(snapshot: nx.MultiDiGraph, lang: str) -> list[dict[str, Any]]:
    """The kinds the script styles links by, in the order of their indices: the cooperation kinds, then one
    per project (the «project» look, its name in the tooltip and the partners list; the «project» filter)."""
    kinds = [
        {"id": k, "words": say(KIND_NAMES, k, lang), "color": colour, "dashes": dashed}
        for k, (colour, dashed) in KIND_STYLES.items()
    ]
    colour, dashed = KIND_STYLES[PROJECT]
    for name in project_kinds(snapshot).values():
        words = say(KIND_NAMES, PROJECT, lang) + (f" «{name}»" if name else "")
        kinds.append({"id": PROJECT, "words": words, "color": colour, "dashes": dashed})
    return kinds


def _organisation_elements(
    graph: nx.Graph,
    betweenness: dict[str, float],
    highlights: dict[str, str],
    labels: dict[str, str] | None = None,
    kinds: dict[frozenset[str], list[str]] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One node per organisation, one edge per cooperating pair with its kinds (the script styles it by its
    first kind, in the legend's order); `labels` names types and divisions."""
    nodes = [
        _organisation_node(n, graph.nodes[n], betweenness.get(n, 0.0), highlights.get(n), labels, division_of(graph, n))
        for n in graph
    ]
    said = kinds or {}
    edges = [
        {"from": a, "to": b, "kinds": said.get(frozenset((a, b)), [])} for a, b in sorted(map(sorted, graph.edges()))
    ]
    return nodes, edges


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
            "label": f"{_sector(s, lang)} · {_said(labels, None if d == '?' else d)} ({len(members)})",
            "value": len(members),
            "title": say(MAP, "organisations", lang).format(n=len(members)),
            "sector": s,
        }
        | ({} if d == "?" else {"division": d})
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
    """vis-network options: a fixed layout seed (the same map each time); careful layout only when small.

    Readable labels in a meeting: the nodes repel each other and keep apart (`avoidOverlap`), names have a
    white halo, and a name scales with its node, so at the default zoom only the larger organisations
    (those that connect the others) are named; the others' names appear when zooming in on them.
    """
    return {
        "layout": {"randomSeed": 42, "improvedLayout": nodes <= 300},
        "physics": {
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -110, "springLength": 120, "avoidOverlap": 0.8},
            "stabilization": {"iterations": 300, "fit": True},
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False, "keyboard": False},
        "nodes": {
            "shape": "dot",
            "font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 4, "strokeColor": "#ffffff"},
            "scaling": {
                "min": 8,
                "max": 40,
                "label": {"enabled": True, "min": 14, "max": 40, "maxVisible": 26, "drawThreshold": 9},
            },
        },
        "edges": {"smooth": False, "hoverWidth": 1.5, "selectionWidth": 2},
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
    return _network(graph, snapshot, betweenness, highlights, anchors, labels, lang)


def _network(
    graph: nx.Graph,
    snapshot: nx.MultiDiGraph,
    betweenness: dict[str, float] | None,
    highlights: dict[str, str] | None,
    anchors: dict[str, tuple[float, float]] | None,
    labels: dict[str, str] | None,
    lang: str,
) -> tuple[Network, bool]:
    net = Network(height="100%", width="100%", directed=False, cdn_resources="remote")
    aggregated = graph.number_of_nodes() > MAX_NODES
    if aggregated:
        nodes, edges = _aggregated_elements(graph, snapshot, labels, lang)
    else:
        kinds = cooperation_kinds(snapshot)
        nodes, edges = _organisation_elements(graph, betweenness or {}, highlights or {}, labels, kinds)
        if anchors:
            place_by_division(nodes, snapshot, anchors)
    net.nodes.extend(nodes)
    net.edges.extend(edges)
    net.set_options(json.dumps(_options(graph.number_of_nodes())))
    return net, aggregated


STYLE = """
 html,body{margin:0;font-family:system-ui,sans-serif;color:#1a1a1a;background:#fff;line-height:1.4}
 *{box-sizing:border-box} a{color:#0b5394}
 a:focus,button:focus,input:focus,select:focus,summary:focus,h2:focus{outline:3px solid #ffbf47;outline-offset:2px}
 .page{display:grid;grid-template-columns:minmax(0,17rem) minmax(0,1fr) minmax(0,19rem);
  grid-template-areas:"head head head" "side map list";gap:.5rem 1rem;padding:.5rem}
 main{display:contents} header{grid-area:head} aside{grid-area:side;font-size:.9rem}
 #map-wrap{grid-area:map;min-width:0} #list{grid-area:list;min-width:0}
 #list-box{max-height:72vh;overflow:auto;border:1px solid #c8ccd2;border-radius:.3rem;padding:.3rem}
 h1{font-size:1.15rem;margin:.2rem 0} h2{font-size:1rem;margin:.6rem 0 .3rem} h3{font-size:.95rem;margin:.2rem 0}
 header p{margin:.1rem 0;font-size:.9rem}
 #map{height:72vh;min-height:22rem;border:1px solid #c8ccd2;border-radius:.3rem}
 label,legend{font-weight:600} fieldset{border:1px solid #c8ccd2;border-radius:.3rem;margin:.4rem 0;padding:.3rem .5rem}
 select,input[type=search]{font:inherit;width:100%;padding:.35rem;border:1px solid #767676;border-radius:.25rem;
  min-height:2.2rem;background:#fff;color:#1a1a1a}
 .row{display:flex;gap:.4rem} .row input{flex:1 1 auto;min-width:0}
 button{font:inherit;min-height:2.2rem;cursor:pointer} button.go{background:#0b5394;color:#fff;border:0;
  border-radius:.3rem;padding:.3rem .8rem;font-weight:700}
 button.link{background:none;border:0;color:#0b5394;text-decoration:underline;padding:0;min-height:1.6rem;
  text-align:left}
 .kind{display:flex;gap:.4rem;align-items:center;font-weight:400} .kind input{width:1.2rem;height:1.2rem}
 .line{display:inline-block;width:1.8rem;border-top-width:3px;border-top-style:solid;vertical-align:middle}
 .line.dashed{border-top-style:dashed}
 .dot{display:inline-block;width:.8rem;height:.8rem;border-radius:50%;margin-right:.4rem;vertical-align:middle}
 .legend ul,#org-list{list-style:none;padding:0;margin:0}
 #org-list{display:grid;gap:.5rem}
 #org-list>li,#org-panel{border:1px solid #c8ccd2;border-radius:.3rem;padding:.4rem .6rem}
 #org-panel{border-color:#0b5394;border-width:2px;background:#f7f9fc}
 .facts{margin:.1rem 0;color:#444} dl{margin:.2rem 0} dt{font-weight:600} dd{margin:0 0 .2rem .4rem}
 dd ul{list-style:none;margin:0;padding:0}
 dd,li,h1,h2,h3,p{overflow-wrap:anywhere}
 div.vis-tooltip{position:absolute;background:#fff;border:1px solid #888;padding:.4rem;max-width:22rem;
  font-size:.8rem;white-space:pre-line;box-shadow:0 2px 6px rgba(0,0,0,.2)}
 .banner{margin:0 0 .3rem;padding:.3rem .4rem;background:#eef3f8;border-left:4px solid #2166ac;font-size:.85rem}
 .banner strong{margin-left:.5rem;color:#7a3b00}
 .status{min-height:1.2rem;margin:.2rem 0}
 @media (max-width:70rem){.page{grid-template-columns:minmax(0,17rem) minmax(0,1fr);
  grid-template-areas:"head head" "side map" "side list"} #list-box{max-height:30rem}}
 @media (max-width:48rem){.page{grid-template-columns:minmax(0,1fr);grid-template-areas:"head" "side" "map" "list"}
  #map{height:60vh}}
"""
"""The map page's style (inline styles are allowed by the CSP; scripts are not)."""

PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style></head>
<body><div class="page">
<header>{banner}<h1>{title}</h1><p>{subtitle}</p></header>
<aside aria-label="{controls}">
<form id="map-search" role="search"><label for="q">{search}</label>
<div class="row"><input id="q" type="search" list="org-names" autocomplete="off">
<button type="submit" class="go">{search_button}</button></div>
<datalist id="org-names"></datalist><p id="search-status" class="status" role="status"></p></form>
<section id="org-panel" hidden aria-labelledby="panel-title"><h2 id="panel-title" tabindex="-1">{panel}</h2>
<div class="panel-body"></div><button type="button" id="panel-close" class="link">{close}</button></section>
<form id="map-filters"><h2>{filters}</h2>{selects}{kinds}
<p id="shown" class="status" role="status"></p></form>
<section class="legend" aria-labelledby="legend-title"><h2 id="legend-title">{legend_title}</h2>
<h3>{sectors_title}</h3><ul>{legend}</ul><p>{marks}</p><p>{size}</p></section>
</aside>
<main><div id="map-wrap"><div id="map" role="img" aria-label="{map_label}"></div></div>
<section id="list" aria-labelledby="list-title"><h2 id="list-title">{list_title}</h2><p>{list_hint}</p>
<noscript><p>{noscript}</p></noscript>
<div id="list-box"><ul id="org-list"></ul></div></section></main>
</div>
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


def _h(text: str) -> str:
    """Text from the directory as HTML text or attribute: escaped, and the JavaScript line separators as
    character references (harmless in HTML, but a page should hold none raw).

    >>> _h('"><img src=x onerror=alert(1)>\u2028')
    '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#8232;'
    """
    return html.escape(text).replace("\u2028", "&#8232;").replace("\u2029", "&#8233;")


def _said(labels: dict[str, str] | None, code: str | None) -> str:
    return (labels or {}).get(code, code) if code else "—"


def _select(field: str, every: str, choices: list[tuple[str, str]], lang: str) -> str:
    """A labelled choice among the values present on the map, «all» first, sorted by their words."""
    options = "".join(
        f'<option value="{_h(v)}">{_h(w)}</option>' for v, w in sorted(choices, key=lambda c: _folded(c[1]))
    )
    return (
        f'<label for="f-{field}">{say(MAP, field, lang)}</label><select id="f-{field}">'
        f'<option value="">{say(MAP, every, lang)}</option>{options}</select>'
    )


def _selects(nodes: list[dict[str, Any]], labels: dict[str, str] | None, lang: str, aggregated: bool) -> str:
    """The filters, with the values present on the map; the script also takes the list's words from them."""
    divisions = {(n["division"], _said(labels, n["division"])) for n in nodes if n.get("division")}
    sectors = {(n["sector"], _sector(n["sector"], lang)) for n in nodes}
    html_ = _select("division", "all_divisions", list(divisions), lang)
    html_ += _select("sector", "all_sectors", list(sectors), lang)
    if not aggregated:
        types = {(n["type"], _said(labels, n["type"])) for n in nodes}
        html_ += _select("type", "all_types", list(types), lang)
    return html_


def _line(kind: str) -> str:
    colour, dashed = KIND_STYLES[kind]
    return (
        f'<span class="line{" dashed" if dashed else ""}" style="border-top-color:{colour}" aria-hidden="true"></span>'
    )


def _kinds_fieldset(lang: str) -> str:
    """The link kinds as checkboxes, each with its colour and line: the filter is also the links' legend."""
    boxes = "".join(
        f'<label class="kind"><input type="checkbox" name="kind" value="{k}" checked>{_line(k)}'
        f"{_h(say(KIND_NAMES, k, lang))}</label>"
        for k in KIND_STYLES
    )
    return f"<fieldset><legend>{say(MAP, 'kinds', lang)}</legend>{boxes}</fieldset>"


def _links(
    nodes: list[dict[str, Any]], edges: list[dict[str, Any]], snapshot: nx.MultiDiGraph
) -> tuple[list[list[int]], list[str]]:
    """The links as `[a, b, kind…]` (indices into the nodes, then into `KIND_STYLES`), and the names of the
    partners off this map (another division or sector): a link to one of them has an index past the nodes,
    stays off the drawing and still shows in the organisation's partners.

    >>> g = nx.MultiDiGraph([("a", "b", {"kind": "cooperation", "cooperation": "protocol"}),
    ...                      ("a", "z", {"kind": "cooperation", "cooperation": "informal"})])
    >>> g.nodes["z"]["name"] = "Zed"
    >>> _links([{"id": "a"}, {"id": "b"}], [{"from": "a", "to": "b", "kinds": ["protocol"]}], g)
    ([[0, 1, 1], [0, 2, 3]], ['Zed'])
    """
    index = {str(n["id"]): i for i, n in enumerate(nodes)}
    order = [*KIND_STYLES, *project_kinds(snapshot)]
    pairs = [(e["from"], e["to"], e["kinds"]) for e in edges]
    off: dict[str, int] = {}
    across = [
        (sorted(pair, key=lambda n: n not in index), kinds) for pair, kinds in cooperation_kinds(snapshot).items()
    ]
    for (inside, other), kinds in sorted((p, k) for p, k in across if p[0] in index and p[1] not in index):
        off.setdefault(other, len(index) + len(off))
        pairs.append((inside, other, kinds))
    where = index | off
    links = [[where[a], where[b], *(order.index(k) for k in kinds if k in order)] for a, b, kinds in pairs]
    return links, [str(snapshot.nodes[n].get("name", n)) for n in off]


def _data(net: Network, snapshot: nx.MultiDiGraph, aggregated: bool, lang: str) -> dict[str, Any]:
    """What the script draws and lists: nodes, links (vis edges already for an aggregated map's few groups),
    the kinds' and sectors' looks, the words it writes."""
    edges, outside = (net.edges, []) if aggregated else _links(net.nodes, net.edges, snapshot)
    options = json.loads(net.options.to_json()) if hasattr(net.options, "to_json") else net.options
    words = {
        k: say(MAP, k, lang) for k in ("shown", "search_none", "show_on_map", "no_partner", "record", "manage_links")
    }
    return {
        "nodes": net.nodes,
        "edges": edges,
        "outside": outside,
        "aggregated": aggregated,
        "kinds": _map_kinds(snapshot, lang),
        "sectors": SECTOR_COLOURS,
        "marks": {k: say(GAP_KINDS, k, lang) for k in ("single-point-of-failure", "isolated")},
        "options": options,
        "words": words,
    }


def _folded(text: str) -> str:
    return unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode().casefold()


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
    organisation types and divisions in `lang` (codes otherwise)."""
    graph = _filtered(snapshot, division, sector)
    net, aggregated = _network(graph, snapshot, betweenness, highlights, anchors, labels, lang)
    return PAGE.format(
        title=_h(title or say(MAP, "title", lang)),
        lang=_h(lang),
        style=STYLE,
        banner=banner,
        subtitle=_h(_subtitle(net, aggregated, division, sector, labels, lang)),
        selects=_selects(net.nodes, labels, lang, aggregated),
        kinds="" if aggregated else _kinds_fieldset(lang),
        legend=_legend(net, lang),
        legend_title=say(MAP, "legend", lang),
        sectors_title=say(MAP, "sectors", lang),
        asset_url=_h(asset_url),
        map_url=_h(f"{asset_url.rpartition('/')[0] or '.'}/{MAP_JS}"),
        data=json_for_script(_data(net, snapshot, aggregated, lang)),
        **{k: say(MAP, k, lang) for k in TEXT_KEYS},
    )


TEXT_KEYS = (
    "controls",
    "search",
    "search_button",
    "panel",
    "close",
    "filters",
    "marks",
    "size",
    "map_label",
    "list_title",
    "list_hint",
    "noscript",
)
"""The words the page template takes as they are (they hold no markup: the catalogue is ours)."""


def _legend(net: Network, lang: str) -> str:
    used = sorted({n.get("sector") for n in net.nodes} - {None} or set(SECTOR_COLOURS))
    return "".join(
        f'<li><span class="dot" style="background:{SECTOR_COLOURS.get(s, "#999")}" aria-hidden="true"></span>'
        f"{_h(_sector(s, lang))}</li>"
        for s in used
    )


def _subtitle(
    net: Network, aggregated: bool, division: str | None, sector: str | None, labels: dict[str, str] | None, lang: str
) -> str:
    if aggregated:
        return say(MAP, "aggregated", lang).format(groups=len(net.nodes), most=MAX_NODES)
    named = [_said(labels, division)] if division else []
    scope = ", ".join([*named, *([_sector(sector, lang)] if sector else [])]) or say(MAP, "arrondissement", lang)
    return say(MAP, "counts", lang).format(organisations=len(net.nodes), links=len(net.edges), scope=scope)


def write_map(page: str, path: Path) -> Path:
    """Write the page and its scripts beside it, so the file opens offline."""
    assets = path.parent / "relais-assets"
    assets.mkdir(parents=True, exist_ok=True)
    (assets / VIS_JS).write_bytes(vis_script())
    (assets / MAP_JS).write_bytes(map_script())
    path.write_text(page, encoding="utf-8")
    return path
