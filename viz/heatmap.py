"""The coverage heatmap (situations and needs × divisions) as SVG or PNG, labelled in fr/nl/de/en, with a
colour legend; in the SVG each count links to the page of that cell's providers (`providers_page`)."""

from __future__ import annotations

import html
import io
from typing import Any
from urllib.parse import urlencode

import matplotlib
import networkx as nx
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from graph.analysis import served_divisions
from graph.reference import Reference
from viz.geomap import COLOURS as STEPS
from viz.geomap import LEGEND
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
    "providers": {
        "fr": "Prestataires : {term} — division de {division}",
        "nl": "Aanbieders: {term} — afdeling {division}",
        "de": "Anbieter: {term} — Abteilung {division}",
        "en": "Providers: {term} — division of {division}",
    },
    "count": {
        "fr": "{n} organisation(s) active(s) avec un service actif pour cette situation ou ce besoin.",
        "nl": "{n} actieve organisatie(s) met een actieve dienst voor deze situatie of nood.",
        "de": "{n} aktive Organisation(en) mit einem aktiven Dienst für diese Situation oder diesen Bedarf.",
        "en": "{n} active organisation(s) with an active service for this situation or need.",
    },
    "none": {
        "fr": "Aucun prestataire actif : c'est une lacune.",
        "nl": "Geen actieve aanbieder: dit is een leemte.",
        "de": "Kein aktiver Anbieter: das ist eine Lücke.",
        "en": "No active provider: this is a gap.",
    },
    "back": {
        "fr": "Retour au tableau de bord",
        "nl": "Terug naar het dashboard",
        "de": "Zurück zur Übersicht",
        "en": "Back to the dashboard",
    },
    "legend": {"fr": "Prestataires", "nl": "Aanbieders", "de": "Anbieter", "en": "Providers"},
}
"""The heatmap's own words."""

COLOURS = ListedColormap(list(STEPS))


def heatmap(coverage: dict[str, Any], ref: Reference, fmt: str = "svg", lang: str = "fr") -> bytes:
    """Rows: terms (situations first), columns: divisions; 0 = gap (red), 1 = fragile (orange); a colour
    legend beside it; in the SVG each count links to its cell's providers (`cell_url`)."""
    divisions = coverage["divisions"]
    terms = list(coverage["matrix"])
    values = [[min(coverage["matrix"][t][d], 4) for d in divisions] for t in terms]
    fig = Figure(figsize=(8.5, 0.28 * len(terms) + 1.6), dpi=110)  # no pyplot: no global state, thread-safe
    ax = fig.subplots()
    image = ax.imshow(values, cmap=COLOURS, vmin=0, vmax=4, aspect="auto")
    bar = fig.colorbar(
        image, ax=ax, ticks=[0.4, 1.2, 2.0, 2.8, 3.6], fraction=0.05, pad=0.03, shrink=0.3, anchor=(0.0, 1.0)
    )
    bar.ax.set_yticklabels(LEGEND.get(lang, LEGEND["fr"]), fontsize=7)
    bar.set_label(say(HEATMAP, "legend", lang), fontsize=8)
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
                color="white" if n == 0 else "black",
                url=cell_url(t, d, lang),
            )
    ax.set_title(say(HEATMAP, "title", lang), fontsize=9, pad=28)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return out.getvalue()


def cell_url(term: str, division: str, lang: str) -> str:
    """The page listing the providers of one cell.

    >>> cell_url("forced-marriage", "huy", "nl")
    '/v1/gaps/providers?term=forced-marriage&division=huy&lang=nl'
    """
    return "/v1/gaps/providers?" + urlencode({"term": term, "division": division, "lang": lang})


Provider = tuple[str, str, list[str]]
"""(organisation id, name, the names of its services that count)."""


def providers(snapshot: nx.MultiDiGraph, ref: Reference, term: str, division: str) -> list[Provider]:
    """The organisations a heatmap cell counts: active, with an active service addressing the term or a
    narrower one, in or serving the division (the rule of `graph.analysis.coverage`)."""
    found: list[Provider] = []
    for org, data in snapshot.nodes(data=True):
        if data.get("status") != "active":
            continue
        services = [
            str(s["name"])
            for s in data.get("services", [])
            if s["status"] == "active"
            and division in served_divisions(s, data.get("divisions", []), ref)
            and term in _covered(s, ref)
        ]
        if services:
            found.append((org, str(data["name"]), sorted(services)))
    return sorted(found, key=lambda p: p[1].casefold())


def _covered(service: dict[str, Any], ref: Reference) -> set[str]:
    codes = set(service["situations"]) | set(service["needs"])
    return codes | {a for c in codes if c in ref.taxonomy.terms for a in ref.taxonomy.ancestors(c)}


def providers_page(
    found: list[Provider], term_label: str, division_label: str, lang: str = "fr", banner: str = ""
) -> str:
    """The providers of one heatmap cell as a page (no script): each organisation links to its record."""
    title = html.escape(say(HEATMAP, "providers", lang).format(term=term_label, division=division_label))
    items = "".join(
        f'<li><a href="/organisation?{html.escape(urlencode({"organisation": org, "lang": lang}))}">'
        f"{html.escape(name)}</a> — {html.escape(', '.join(services))}</li>"
        for org, name, services in found
    )
    body = f"<p>{say(HEATMAP, 'count', lang).format(n=len(found))}</p><ul>{items}</ul>" if found else ""
    return f"""<!doctype html>
<html lang="{html.escape(lang)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<style>
 body{{font-family:system-ui,sans-serif;max-width:48rem;margin:1rem auto;padding:0 .8rem;color:#111;line-height:1.4}}
 h1{{font-size:1.3rem}} li{{margin:.3rem 0;overflow-wrap:anywhere}} a{{color:#0b5394}}
 .banner{{padding:.3rem .5rem;background:#eef3f8;border-left:4px solid #2166ac}} .banner strong{{margin-left:.6rem}}
</style></head><body>
<header>{banner}</header>
<main><h1>{title}</h1>{body or f"<p>{say(HEATMAP, 'none', lang)}</p>"}
<p><a href="/coordination?lang={html.escape(lang)}#heatmap">{say(HEATMAP, "back", lang)}</a></p></main>
</body></html>"""
