"""The platforms' year for the coordination: the dashboard's «Formations à proposer» and the activity report.

«Formations à proposer» (`targets_section`) puts the training-coverage analysis into sentences per division
(the topics the fewest organisations were trained on, the organisation types absent from trainings already
given), each with a link to a new training pre-filled with its topic, division and audience.
/coordination/activity is one printable page per year and division (`viz.activity` counts, the template
says): coordinators only, since it reads the change log.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

import networkx as nx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.bootstrap import Relais
from api.http.deps import CallerDep, RelaisDep
from api.http.routers.pages.common import page_language, render
from api.i18n import t
from graph.analysis import division_of
from graph.models import Project, Training
from graph.reference import Reference
from viz.activity import Activity, Sources, activity
from viz.texts import organisation_types, sector

router = APIRouter(include_in_schema=False)

TYPES_PER_TOPIC = 2
"""How many absent organisation types a topic already given proposes (the types with most organisations)."""
CHANGE_LOG_READ = 1_000_000
"""The change log entries the report reads back (newest first): years of a large directory's edits."""
NEW_EVENT = "/coordination/events/new"


# --- the dashboard's section ----------------------------------------------------------------------------


def targets_section(relais: Relais, lang: str) -> dict[str, Any]:
    """What templates/dashboard/targets.html shows: per division, sentences and the link creating the event."""
    report, snapshot = relais.analysis.get()
    participation = report.participation
    counts = _type_counts(snapshot)
    ref = relais.reference
    divisions = []
    for d, division in ref.geography.divisions.items():
        label = division.label(lang)
        least = [_least(row, d, label, ref, lang) for row in participation["training_targets"].get(d, [])]
        absent = _absent(participation["training_coverage"].get(d, {}), counts.get(d, {}), d, label, ref, lang)
        divisions.append(
            {
                "id": d,
                "summary": t("act_targets_summary", lang).format(division=label, topics=len(least), types=len(absent)),
                "least": least,
                "absent": absent,
            }
        )
    return {"targets": divisions}


def _type_counts(snapshot: nx.MultiDiGraph) -> dict[str, dict[str, int]]:
    """Division → organisation type → its active organisations (the «sur 3» of a sentence)."""
    found: dict[str, dict[str, int]] = {}
    for n, data in snapshot.nodes(data=True):
        d = division_of(snapshot, n)
        if d and data.get("status") == "active":
            mine = found.setdefault(d, {})
            mine[str(data["type"])] = mine.get(str(data["type"]), 0) + 1
    return found


def _new_event(topic: str, division: str, audience_type: str | None, lang: str) -> str:
    """The new event form, pre-filled (the events page reads these parameters)."""
    wanted = {"topic": topic, "division": division} | ({"audience_type": audience_type} if audience_type else {})
    return f"{NEW_EVENT}?{urlencode(wanted | {'lang': lang})}"


def _topic(ref: Reference, code: str, lang: str) -> str:
    term = ref.taxonomy.terms.get(code)
    return term.label(lang) if term else code


def _least(row: dict[str, Any], division: str, label: str, ref: Reference, lang: str) -> tuple[str, str]:
    """A topic the fewest were trained on: nobody («Aucune organisation…»), or how few; the link invites its
    largest absent type when some organisations were trained, everyone otherwise."""
    topic = _topic(ref, row["topic"], lang)
    if row["trained"] == 0:
        said = t("act_target_nobody", lang).format(division=label, topic=topic, of=row["organisations"])
        return said, _new_event(row["topic"], division, None, lang)
    said = t("act_target_few", lang).format(
        division=label, topic=topic, trained=row["trained"], of=row["organisations"]
    )
    first = row["missing_types"][0] if row["missing_types"] else None
    return said, _new_event(row["topic"], division, first, lang)


def _absent(
    coverage: dict[str, dict[str, Any]],
    counts: dict[str, int],
    division: str,
    label: str,
    ref: Reference,
    lang: str,
) -> list[tuple[str, str]]:
    """Topics some of the division were trained on, and the types none of whose organisations were: «Aucune
    formation sur «Grossesse et post-partum» n'a été suivie par les hôpitaux de la division de Verviers»."""
    given = sorted(
        ((code, row) for code, row in coverage.items() if row["trained"]), key=lambda c: (c[1]["share"], c[0])
    )
    found = []
    for code, row in given:
        for kind in row["missing_types"][:TYPES_PER_TOPIC]:
            said = t("act_target_type", lang).format(
                topic=_topic(ref, code, lang),
                types=organisation_types(ref, kind, lang),
                division=label,
                of=counts.get(kind, 0),
            )
            found.append((said, _new_event(code, division, kind, lang)))
    return found


# --- the activity report --------------------------------------------------------------------------------


@router.get("/coordination/activity", response_class=HTMLResponse)
def activity_page(request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    who.require_coordinator("the activity report")
    lang = page_language(request)
    today = date.today()
    events = relais.platforms.trainings()
    years = _years(events, today)
    year, division = _chosen(request, relais, years, today)
    came = [a for e in events if e.held_on.year <= year for a in relais.platforms.attendances(e.id)]
    _, snapshot = relais.analysis.get()
    sources = Sources(
        events=events,
        attendances=came,
        changes=relais.network.changes(who, limit=CHANGE_LOG_READ),
        projects=relais.events.projects(),
        news=relais.events.news(who),
        snapshot=snapshot,
    )
    found = activity(year, division, sources)
    return render(
        request,
        "activity/report.html",
        who,
        report=found,
        words=_words(relais, found, lang),
        years=years,
        divisions=list(relais.reference.geography.divisions.values()),
        today=today,
    )


def _years(events: list[Training], today: date) -> list[int]:
    """The years a report can be asked for, latest first: from the first event's to the current one."""
    first = min((e.held_on.year for e in events), default=today.year)
    return list(range(today.year, min(first, today.year) - 1, -1))


def _chosen(request: Request, relais: Relais, years: list[int], today: date) -> tuple[int, str | None]:
    """The asked year (one of `years`, the current one otherwise) and division (a known one, or all)."""
    params = request.query_params
    asked = params.get("year", "")
    year = int(asked) if asked.isdigit() and int(asked) in years else today.year
    division = params.get("division") or None
    return year, division if division in relais.reference.geography.divisions else None


def _words(relais: Relais, report: Activity, lang: str) -> dict[str, Any]:
    """The report's codes in words: topics, sectors, event kinds, the scope, a project's period and partners."""
    ref = relais.reference
    _, snapshot = relais.analysis.get()
    scope = (
        t("act_scope_division", lang).format(division=ref.geography.divisions[report.division].label(lang))
        if report.division
        else t("act_scope_all", lang)
    )

    def partners(project: Project) -> str:
        present = [p for p in project.partner_ids if snapshot.has_node(p)]
        sectors = {snapshot.nodes[p]["sector"] for p in present}
        return t("act_partners_sectors", lang).format(partners=len(project.partner_ids), sectors=len(sectors))

    return {
        "scope": scope,
        "topic": lambda code: _topic(ref, code, lang),
        "sector": lambda code: sector(code, lang),
        "kind": lambda kind: t(f"act_kind_{kind.value}", lang),
        "partners": partners,
        "share": lambda n, of: round(100 * n / of) if of else 0,
    }
