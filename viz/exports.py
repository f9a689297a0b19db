"""Exports for coordinators' own tools: GraphML and GEXF (Gephi), Kumu JSON, CSV.

They are made from the snapshot, which holds no address at all; nested service data is flattened
to text because these formats take only scalar attributes. The snapshot is copied, never mutated.
Text is made writable first (no control character: GraphML/GEXF must parse even with records older
than the input rules), and CSV cells that a spreadsheet would run as formulas get a leading `'`.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import networkx as nx

from graph.analysis import cooperation_graph, division_of
from graph.cells import spreadsheet_safe, writable

FORMATS = ("graphml", "gexf", "kumu", "csv")


def flat_graph(snapshot: nx.MultiDiGraph) -> nx.Graph:
    graph = nx.Graph()
    for n, data in snapshot.nodes(data=True):
        graph.add_node(
            n,
            label=writable(data["name"]),
            type=data["type"],
            sector=data["sector"],
            status=data["status"],
            division=division_of(snapshot, n) or "",
            services=writable("; ".join(s["name"] for s in data.get("services", []))),
            verified_at=data.get("verified_at") or "",
        )
    for a, b in cooperation_graph(snapshot).edges():
        kinds = sorted(
            {d.get("cooperation", "") for d in snapshot.get_edge_data(a, b, default={}).values()}
            | {d.get("cooperation", "") for d in snapshot.get_edge_data(b, a, default={}).values()}
        )
        graph.add_edge(a, b, cooperation=", ".join(k for k in kinds if k))
    return graph


def export(snapshot: nx.MultiDiGraph, fmt: str) -> tuple[bytes, str, str]:
    """(content, media type, file name) for one of FORMATS."""
    graph = flat_graph(snapshot)
    if fmt == "graphml":
        out = io.BytesIO()
        nx.write_graphml(graph, out)
        return out.getvalue(), "application/graphml+xml", "relais.graphml"
    if fmt == "gexf":
        out = io.BytesIO()
        nx.write_gexf(graph, out)
        return out.getvalue(), "application/gexf+xml", "relais.gexf"
    if fmt == "kumu":
        doc = {
            "elements": [
                {
                    "id": n,
                    "label": d["label"],
                    "type": d["sector"],
                    "tags": [d["type"], d["division"]],
                    "description": d["services"],
                }
                for n, d in graph.nodes(data=True)
            ],
            "connections": [
                {"from": a, "to": b, "type": d["cooperation"] or "cooperation", "direction": "undirected"}
                for a, b, d in graph.edges(data=True)
            ],
        }
        return json.dumps(doc, ensure_ascii=False, indent=1).encode(), "application/json", "relais-kumu.json"
    if fmt == "csv":
        return _csv_zip(graph), "application/zip", "relais-csv.zip"
    raise ValueError(fmt)


def _csv_zip(graph: nx.Graph) -> bytes:
    """nodes.csv and edges.csv in a zip, every cell safe to open in a spreadsheet."""
    columns = ["label", "type", "sector", "division", "status", "services", "verified_at"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        nodes = io.StringIO()
        w = csv.writer(nodes)
        w.writerow(["id", *columns])
        w.writerows([spreadsheet_safe(str(x)) for x in (n, *map(d.get, columns))] for n, d in graph.nodes(data=True))
        z.writestr("nodes.csv", nodes.getvalue())
        edges = io.StringIO()
        w = csv.writer(edges)
        w.writerow(["source", "target", "cooperation"])
        w.writerows([spreadsheet_safe(str(x)) for x in (a, b, d["cooperation"])] for a, b, d in graph.edges(data=True))
        z.writestr("edges.csv", edges.getvalue())
    return out.getvalue()
