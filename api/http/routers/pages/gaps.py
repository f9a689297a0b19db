"""The dashboard's gap list, network map and coverage table.

Each gap opens the form that fixes it: a missing service → a chooser of the division's organisations, each
opening its new-service form with the situation chosen; an isolated organisation or a single point of
failure → its links; a missing expected link → the two organisations to link; a stale record → the record.
The list filters by division and kind with a plain GET form (the page stays the dashboard, at #gaps).
"""

from __future__ import annotations

from typing import Any

import networkx as nx
from fastapi import Request

from api.bootstrap import Relais
from api.http.auth import HttpCaller
from api.i18n import t
from api.reasons import readable_date
from graph.analysis import division_of
from graph.reference import Reference
from viz.geomap import COLOURS
from viz.report import describe_gap, kind_label
from viz.texts import GAP_KINDS, organisation_type
from viz.texts import division as division_label

Choice = tuple[str, str]
"""(organisation id, name)."""


def section(request: Request, relais: Relais, who: HttpCaller, lang: str) -> dict[str, Any]:
    """What templates/dashboard/gaps.html shows."""
    report, snapshot = relais.analysis.get()
    names = {n: d["name"] for n, d in snapshot.nodes(data=True)}
    ref = relais.reference
    params = request.query_params
    chosen_division = params.get("gap_division") if params.get("gap_division") in ref.geography.divisions else ""
    chosen_kind = params.get("gap_kind") if params.get("gap_kind") in GAP_KINDS else ""
    shown = [
        g
        for g in report.summary
        if (not chosen_division or g.get("division") in (chosen_division, None))
        and (not chosen_kind or g["kind"] == chosen_kind)
    ]
    members = _members(snapshot)
    return {
        "gaps": shown,
        "gaps_total": len(report.summary),
        "gap_division": chosen_division,
        "gap_kind": chosen_kind,
        "gap_kinds": [(k, kind_label(k, lang)) for k in GAP_KINDS if any(g["kind"] == k for g in report.summary)],
        "kind": lambda k: kind_label(k, lang),
        "describe": lambda g: describe_gap(g, ref, names, lang, lambda d: readable_date(d, lang)),
        "fix": lambda g: fix(g, ref, members, lang),
        "division_name": lambda d: division_label(ref, d, lang) if d else "—",
        "divisions": list(ref.geography.divisions.values()),
        "edit_organisation": params.get("organisation", ""),
        "heat": _heat(report.coverage, ref, lang),
        "heat_colours": COLOURS,
    }


Members = dict[str, list[tuple[str, str, str]]]
"""Division → its active organisations as (id, name, type), sorted by name."""


def _members(snapshot: nx.MultiDiGraph) -> Members:
    found: Members = {}
    for n, data in snapshot.nodes(data=True):
        d = division_of(snapshot, n)
        if d and data.get("status") == "active":
            found.setdefault(d, []).append((n, str(data["name"]), str(data["type"])))
    return {d: sorted(orgs, key=lambda o: o[1].casefold()) for d, orgs in found.items()}


def fix(gap: dict[str, Any], ref: Reference, members: Members, lang: str) -> dict[str, Any]:
    """How the gap list's «fix it» column opens the form that closes this gap (its template decides the markup).

    `service`: choose one of the division's organisations, then its new-service form for the term;
    `pair`: choose two organisations of the expected types, then the links page for that pair;
    `link`: a single link; `note`: words only (nothing to fill in here)."""
    kind, org = gap["kind"], str(gap.get("organisation", ""))
    division = str(gap.get("division") or "")
    if kind in ("coverage-gap", "fragile"):
        term = ref.taxonomy.terms.get(str(gap["term"]))
        label = term.label(lang) if term else str(gap["term"])
        orgs = [(o, name) for o, name, _ in members.get(division, [])]
        return {"form": "service", "term": gap["term"], "label": label, "orgs": orgs}
    if kind in ("isolated", "single-point-of-failure"):
        return {"form": "link", "href": f"/coordination/links?organisation={org}", "text": t("gapl_add_links", lang)}
    if kind in ("stale", "outside-platform"):
        return {"form": "link", "href": f"/organisation?organisation={org}", "text": t("gapl_open_record", lang)}
    if kind == "missing-link":
        return _pair(gap, ref, members.get(division, []), lang)
    if kind == "training-gap":
        return {"form": "note", "text": t("gapl_training", lang)}
    return {"form": "none"}


def _pair(gap: dict[str, Any], ref: Reference, orgs: list[tuple[str, str, str]], lang: str) -> dict[str, Any]:
    """The two ends of a missing expected link: the division's organisations of each type."""
    a, b = str(gap["type_a"]), str(gap["type_b"])
    return {
        "form": "pair",
        "a": [(o, name) for o, name, kind in orgs if kind == a],
        "b": [(o, name) for o, name, kind in orgs if kind == b],
        "a_label": t("gapl_link_from", lang).format(type=organisation_type(ref, a, lang)),
        "b_label": t("gapl_link_with", lang).format(type=organisation_type(ref, b, lang)),
    }


def _heat(coverage: dict[str, Any], ref: Reference, lang: str) -> dict[str, Any]:
    """The coverage matrix in words: situations first, then needs; each cell's count and colour step."""
    divisions = [(d, ref.geography.divisions[d].label(lang)) for d in coverage["divisions"]]
    rows = [
        (code, ref.taxonomy.terms[code].label(lang), [(d, coverage["matrix"][code][d]) for d, _ in divisions])
        for code in coverage["matrix"]
        if code in ref.taxonomy.terms
    ]
    return {"divisions": divisions, "rows": rows}
