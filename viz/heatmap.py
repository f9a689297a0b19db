"""The coverage heatmap (situations and needs × divisions) as SVG or PNG, labelled in fr/nl/de/en."""

from __future__ import annotations

import io
from typing import Any

import matplotlib
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from graph.reference import Reference
from viz.texts import Table, say

matplotlib.rcParams["svg.hashsalt"] = "relais"  # same input, same SVG

HEATMAP: Table = {
    "gap": {"fr": "lacune", "nl": "leemte", "de": "Lücke", "en": "gap"},
    "title": {
        "fr": "Prestataires par situation / besoin et par division (0 = lacune, 1 = fragile)",
        "nl": "Aanbieders per situatie / nood en per afdeling (0 = leemte, 1 = kwetsbaar)",
        "de": "Anbieter nach Situation / Bedarf und Abteilung (0 = Lücke, 1 = fragil)",
        "en": "Providers per situation / need and division (0 = gap, 1 = fragile)",
    },
}
"""The heatmap's own words."""

COLOURS = ListedColormap(["#d7191c", "#fdae61", "#e6f5d0", "#a6d96a", "#1a9641"])


def heatmap(coverage: dict[str, Any], ref: Reference, fmt: str = "svg", lang: str = "fr") -> bytes:
    """Rows: terms (situations first), columns: divisions; 0 = gap (red), 1 = fragile (orange)."""
    divisions = coverage["divisions"]
    terms = list(coverage["matrix"])
    values = [[min(coverage["matrix"][t][d], 4) for d in divisions] for t in terms]
    fig = Figure(figsize=(7.5, 0.28 * len(terms) + 1.6), dpi=110)  # no pyplot: no global state, thread-safe
    ax = fig.subplots()
    ax.imshow(values, cmap=COLOURS, vmin=0, vmax=4, aspect="auto")
    ax.set_xticks(range(len(divisions)), [ref.geography.divisions[d].label(lang) for d in divisions])
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(terms)), [ref.taxonomy.terms[t].label(lang) for t in terms], fontsize=8)
    for i, t in enumerate(terms):
        for j, d in enumerate(divisions):
            n = coverage["matrix"][t][d]
            ax.text(
                j,
                i,
                say(HEATMAP, "gap", lang) if n == 0 else str(n),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if n == 0 or n >= 4 else "black",
            )
    ax.set_title(say(HEATMAP, "title", lang), fontsize=9, pad=28)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return out.getvalue()
