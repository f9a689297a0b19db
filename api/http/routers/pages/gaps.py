"""The dashboard's gap list, network map and coverage heatmap."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from api.bootstrap import Relais
from api.http.auth import HttpCaller
from api.reasons import readable_date
from viz.report import describe_gap, kind_label
from viz.texts import division as division_label


def section(request: Request, relais: Relais, who: HttpCaller, lang: str) -> dict[str, Any]:
    """What templates/dashboard/gaps.html shows."""
    report, snapshot = relais.analysis.get()
    names = {n: d["name"] for n, d in snapshot.nodes(data=True)}
    return {
        "gaps": report.summary,
        "kind": lambda k: kind_label(k, lang),
        "describe": lambda g: describe_gap(g, relais.reference, names, lang, lambda d: readable_date(d, lang)),
        "division_name": lambda d: division_label(relais.reference, d, lang) if d else "—",
        "divisions": list(relais.reference.geography.divisions.values()),
    }
