"""What coordinators see of the counts that close the loop: /coordination/outcomes and its dashboard section.

Refusal rates per division and per service with their reasons, capacity gaps, referral flows against the
declared agreements, unmet demand ranked — all read from `relais.outcomes.loop`, which suppresses the small
counts; this page only puts them into words (`viz.loop`): names, term and division labels, months, reasons.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.bootstrap import Relais
from api.http.auth import HttpCaller
from api.http.deps import CallerDep, RelaisDep
from api.http.routers.pages.common import page_language, render
from api.i18n import language_name, t
from api.reasons import MONTHS
from graph.usecases.outcomes import DEFAULT_MONTHS
from viz.loop import Words, period, tables

router = APIRouter(include_in_schema=False)

PERIODS = (3, 6, 12, 24)
"""The months a coordinator may look back on the page (the API takes 1 to 60)."""
DASHBOARD_TOP = 5
"""How many unmet demands and capacity gaps the dashboard's section lists before the link to the page."""


def month_words(month: str, lang: str) -> str:
    """«2026-11» → «novembre 2026» (a month, never a day).

    >>> month_words("2026-03", "de"), month_words("2025-12", "nl")
    ('März 2026', 'december 2025')
    """
    return f"{MONTHS[lang].split()[int(month[5:]) - 1]} {month[:4]}"


def loop_words(relais: Relais, lang: str) -> Words:
    """The loop's codes in `lang`: names from the analysis snapshot, labels from the reference data."""
    _, snapshot = relais.analysis.get()
    names: dict[str, str] = {}
    for node, data in snapshot.nodes(data=True):
        names[node] = data["name"]
        names |= {s["id"]: s["name"] for s in data.get("services", [])}
    terms, divisions = relais.reference.taxonomy.terms, relais.reference.geography.divisions
    gone = t("loop_gone", lang)
    return Words(
        say=lambda key: t(key, lang),
        name=lambda id_: names.get(id_, gone),
        term=lambda code: terms[code].label(lang) if code in terms else gone,
        division=lambda d: divisions[d].label(lang) if d in divisions else t("loop_no_division", lang),
        language=lambda code: language_name(code, lang) if code else t("loop_any_language", lang),
        month=lambda m: month_words(m, lang),
    )


def chosen(relais: Relais, request: Request) -> tuple[str | None, int]:
    """The page's filters: a known division or all of them, one of PERIODS or the default (never an error)."""
    params = request.query_params
    division = params.get("division") or None
    months = params.get("months", "")
    return (
        division if division in relais.reference.geography.divisions else None,
        int(months) if months.isdigit() and int(months) in PERIODS else DEFAULT_MONTHS,
    )


@router.get("/coordination/outcomes", response_class=HTMLResponse)
def outcomes_page(request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    lang = page_language(request)
    division, months = chosen(relais, request)
    loop = relais.outcomes.loop(who, division, months)
    words = loop_words(relais, lang)
    return render(
        request,
        "loop/page.html",
        who,
        tables=tables(loop, words),
        period=period(loop, words),
        division=division or "",
        months=months,
        periods=PERIODS,
        divisions=list(relais.reference.geography.divisions.values()),
    )


def section(relais: Relais, who: HttpCaller, lang: str) -> dict[str, Any]:
    """What templates/dashboard/loop.html shows: the top unmet demands and capacity gaps of the default months."""
    loop = relais.outcomes.loop(who)
    loop["capacity_gaps"] = sorted(loop["capacity_gaps"], key=lambda g: (-g["no_place"], g["month"]))
    words = loop_words(relais, lang)
    found = {table.id: table for table in tables(loop, words)}
    return {
        "loop_unmet": found["unmet"],
        "loop_capacity": found["capacity"],
        "loop_top": DASHBOARD_TOP,
        "loop_period": period(loop, words),
    }
