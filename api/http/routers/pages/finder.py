"""The referral finder at /: the question from the form, the answer and the pathway."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.bootstrap import Relais
from api.http.auth import HttpCaller
from api.http.deps import CallerDep, RelaisDep
from api.http.routers.pages.common import page_language, render
from api.i18n import SPOKEN, language_name
from api.presenters import answer_out, pathway_out
from graph.errors import InvalidInput, NotFound, RelaisError
from graph.models import TermKind
from graph.referral import ReferralQuery, Role

router = APIRouter(include_in_schema=False)


def finder_query(
    who: HttpCaller, params: Mapping[str, str], lang: str
) -> tuple[dict[str, Any], ReferralQuery | None, str | None]:
    """(what was typed, the question, an error) from the finder's form; no question before a term is chosen."""
    place = params.get("place", "").strip()
    values = {
        "situation": params.get("situation"),
        "need": params.get("need"),
        "postcode": place if place.isdigit() else None,
        "commune": place if place and not place.isdigit() else None,
        "language": params.get("language"),
        "audience": params.get("audience"),
        "urgent": params.get("urgent") == "true",
        "from_org": params.get("from_org") if who.role is not Role.PUBLIC else None,
        "lang": lang,
    }
    if not (values["situation"] or values["need"]):
        return values, None, None
    try:
        return values, ReferralQuery.of(**values), None
    except InvalidInput as exc:
        return values, None, exc.problems[0].message


@router.get("/", response_class=HTMLResponse)
def finder(request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    lang = page_language(request)
    typed, q, error = finder_query(who, request.query_params, lang)
    answer = pathway = None
    suggestions: tuple[str, ...] = ()
    if q is not None:
        try:
            answer = answer_out(relais.reference, relais.referrals.refer(who, q))
            if q.situation:
                pathway = _pathway(relais, who, q.situation, answer.division.id if answer.division else None, lang)
        except InvalidInput as exc:
            error, suggestions = exc.problems[0].message, exc.problems[0].suggestions
        except RelaisError as exc:
            error = str(exc)
    taxonomy = relais.reference.taxonomy
    response = render(
        request,
        "finder.html",
        who,
        status=422 if error else 200,
        q=typed,
        place=request.query_params.get("place", "").strip(),
        answer=answer,
        pathway=pathway,
        error=error,
        suggestions=suggestions,
        today=date.today().isoformat(),
        situations=taxonomy.of_kind(TermKind.SITUATION),
        needs=taxonomy.of_kind(TermKind.NEED),
        audiences=taxonomy.of_kind(TermKind.AUDIENCE),
        spoken={code: language_name(code, lang) for code in SPOKEN},
        organisations=relais.directory.organisations() if who.role is not Role.PUBLIC else [],
        communes=sorted(relais.reference.geography.communes.values(), key=lambda c: c.name),
    )
    response.headers["Cache-Control"] = "no-store"  # Back after «Quitter vite» must not bring a search back
    return response


def _pathway(relais: Relais, who: HttpCaller, situation: str, division: str | None, lang: str) -> Any:
    try:
        found, steps, division_id = relais.referrals.pathway(who, situation, division, lang)
    except NotFound:
        return None
    return pathway_out(relais.reference, found, steps, division_id, lang)
