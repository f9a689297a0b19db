"""Coordinators' views of the network: gaps, metrics, map, heatmap, report, exports.

The analysis is computed once per version of the directory (`GraphStore.version`) and kept,
so no request recomputes it while nothing changed.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.http.auth import Caller, caller
from graph.analysis import GapReport, analyse, centrality
from graph.errors import InvalidInput
from graph.reference import Reference
from graph.store import GraphStore
from viz.exports import FORMATS, export
from viz.heatmap import heatmap
from viz.network_map import VIS_JS, render_map, vis_script
from viz.report import render_report

ASSET_URL = f"/static/{VIS_JS}"


class AnalysisCache:
    """The gap analysis per directory version and day; centrality (slow) only once somebody asks for it."""

    def __init__(self, store: GraphStore, reference: Reference) -> None:
        self.store = store
        self.reference = reference
        self._lock = threading.Lock()
        self._centrality_lock = threading.Lock()
        self._key: tuple[int, date] | None = None
        self._value: tuple[GapReport, Any] | None = None
        self._centrality: dict[str | None, dict[str, Any]] = {}

    def get(self) -> tuple[GapReport, Any]:
        """(report, snapshot) for the current version of the directory."""
        report, snapshot, _ = self._current()
        return report, snapshot

    def centrality(self, division: str | None) -> dict[str, Any]:
        """Under its own lock: minutes of betweenness must not hold up the gaps (`get`)."""
        _, snapshot, computed = self._current()
        with self._centrality_lock:
            if division not in computed:  # `computed` belongs to this snapshot, even if a newer one came
                computed[division] = centrality(snapshot, division)
            return computed[division]

    def _current(self) -> tuple[GapReport, Any, dict[str | None, dict[str, Any]]]:
        key = (self.store.version(), date.today())
        with self._lock:
            if self._value is None or key != self._key:
                snapshot = self.store.snapshot()
                self._value = (analyse(self.store, self.reference, snapshot=snapshot), snapshot)
                self._key = key
                self._centrality = {}
            return (*self._value, self._centrality)


async def _cache(request: Request) -> AnalysisCache:
    return request.app.state.analysis  # type: ignore[no-any-return]


CacheDep = Annotated[AnalysisCache, Depends(_cache)]
CallerDep = Annotated[Caller, Depends(caller)]


def register_analysis_routes(app: FastAPI, reference: Reference) -> None:
    def division_id(value: str | None) -> str | None:
        return reference.geography.division(value).id if value else None

    @app.get(ASSET_URL, include_in_schema=False)
    def vis_asset() -> Response:
        return Response(vis_script(), media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/v1/gaps", tags=["analysis"])
    def gaps(cache: CacheDep, who: CallerDep, division: str | None = None) -> dict[str, Any]:
        """Every gap found: coverage gaps, fragile cells, isolates, single points of failure, missing
        expected links, organisations outside their platform, training gaps, stale records."""
        who.require_professional()
        report, _ = cache.get()
        d = division_id(division)
        return {
            "division": d,
            "gaps": report.for_division(d) if d else report.summary,
            "coverage": report.coverage,
            "cross_sector": report.cross_sector,
            "participation": report.participation,
            "freshness": report.freshness,
        }

    @app.get("/v1/metrics", tags=["analysis"])
    def metrics(cache: CacheDep, who: CallerDep, division: str | None = None) -> dict[str, Any]:
        """Structure of the cooperation network, whole or per division, with betweenness and communities."""
        who.require_professional()
        report, _ = cache.get()
        d = division_id(division)
        return {**(report.structure_by_division[d] if d else report.structure), **cache.centrality(d)}

    @app.get("/v1/map", response_class=HTMLResponse, tags=["analysis"])
    def network_map(
        cache: CacheDep, who: CallerDep, division: str | None = None, sector: str | None = None
    ) -> HTMLResponse:
        """Interactive network map (offline: the script is served by Relais)."""
        who.require_professional()
        report, snapshot = cache.get()
        sectors = {t.sector for t in reference.organisation_types.values()}
        if sector and sector not in sectors:
            raise InvalidInput(f"unknown sector «{sector}» (one of {', '.join(sorted(sectors))})", parameter="sector")
        page = render_map(
            snapshot,
            asset_url=ASSET_URL,
            division=division_id(division),
            sector=sector,
            betweenness=cache.centrality(None)["betweenness"],
            highlights=report.highlights(),
        )
        return HTMLResponse(page)

    @app.get("/v1/gaps/heatmap.{fmt}", tags=["analysis"])
    def coverage_heatmap(
        fmt: str, cache: CacheDep, who: CallerDep, lang: Annotated[str, Query(pattern="^(fr|nl|de|en)$")] = "fr"
    ) -> Response:
        who.require_professional()
        if fmt not in {"svg", "png"}:
            raise InvalidInput("the heatmap comes as .svg or .png", parameter="fmt")
        report, _ = cache.get()
        media = "image/svg+xml" if fmt == "svg" else "image/png"
        return Response(heatmap(report.coverage, reference, fmt, lang), media_type=media)

    @app.get("/v1/report", response_class=HTMLResponse, tags=["analysis"])
    def division_report(cache: CacheDep, who: CallerDep, division: str) -> HTMLResponse:
        """Printable one-page gap report of a division."""
        who.require_professional()
        report, snapshot = cache.get()
        names = {n: d["name"] for n, d in snapshot.nodes(data=True)}
        return HTMLResponse(render_report(report, reference.geography.division(division).id, reference, names))

    @app.get("/v1/export", tags=["analysis"])
    def export_network(cache: CacheDep, who: CallerDep, format: str = "graphml") -> Response:
        """GraphML / GEXF (Gephi), Kumu JSON, CSV (zip). Never any address."""
        who.require_professional()
        if format not in FORMATS:
            raise InvalidInput(f"format must be one of {', '.join(FORMATS)}", parameter="format")
        _, snapshot = cache.get()
        content, media, name = export(snapshot, format)
        return Response(content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
