"""The referral finder at /: the question from the form, the answer, the pathway, and the printable sheet.

Urgent comes first whatever happens: with «urgent» ticked the emergency numbers are on top of the page even
when there is no situation yet, the question is wrong, or the place lies outside the arrondissement.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.bootstrap import Relais
from api.forms import say
from api.http.auth import HttpCaller
from api.http.deps import CallerDep, RelaisDep
from api.http.routers.pages.common import page_language, render
from api.http.routers.pages.orientations import counted
from api.i18n import SPOKEN, language_name, t
from api.presenters import answer_out, pathway_out
from api.schemas import FallbackOut, PathwayOut, ReferralAnswerOut, ReferralResultOut
from graph.errors import InvalidInput, NotFound, Problem, RelaisError
from graph.models import Access, TermKind
from graph.referral import ReferralQuery, Role, fallbacks
from graph.referral.query import MAX_LIMIT
from graph.usecases.referrals import Elsewhere
from graph.vocabulary import search as vocabulary_search

router = APIRouter(include_in_schema=False)

FIELDS = ("situation", "need", "place", "language", "audience", "from_org")
"""The finder's question, as the form and the sheet send it."""
SHEET_MOST = 10
TRAITS = ("h24", "open", "walkin", "free", "speaks")
FREE_WORDS = ("gratuit", "gratis", "free", "kostenlos", "0 €", "0€")


@dataclass
class Found:
    """What the page shows under the form: an answer, or an error in the page's language (never both empty
    when a question was asked)."""

    answer: ReferralAnswerOut | None = None
    outside: Elsewhere | None = None
    pathway: PathwayOut | None = None
    error: str | None = None
    suggestions: list[tuple[str, str]] = field(default_factory=list)
    about: str = ""
    """The form's field the error is about, to say it there too."""


def finder_query(
    who: HttpCaller, params: Mapping[str, str], lang: str, limit: int | None = None
) -> tuple[dict[str, Any], ReferralQuery | None, InvalidInput | None]:
    """(what was typed, the question, its problem) from the finder's form; no question before a term is chosen."""
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
        "limit": limit,
    }
    if not (values["situation"] or values["need"]):
        return values, None, None
    try:
        return values, ReferralQuery.of(**values), None
    except InvalidInput as exc:
        return values, None, exc


def from_words(relais: Relais, params: Mapping[str, str], lang: str) -> tuple[dict[str, str], Found | None]:
    """The question with the situation the typed words name, when no term was chosen (the page without
    JavaScript sends the words); or «no situation matches» with the closest ones as links."""
    asked = dict(params)
    words = asked.get("words", "").strip()
    if not words or asked.get("situation") or asked.get("need"):
        return asked, None
    found = vocabulary_search(relais.reference.taxonomy, words, lang, TermKind.SITUATION, limit=1)
    if found.matches:
        return asked | {"situation": found.matches[0].code}, None
    kept = {k: params[k] for k in (*FIELDS, "urgent", "lang") if params.get(k)}
    links = [(m.label, "/?" + urlencode(kept | {"situation": m.code})) for m in found.suggestions]
    return asked, Found(error=t("finder_no_situation", lang).format(words=words), suggestions=links, about="words")


def problem_said(problem: Problem, typed: Mapping[str, Any], lang: str) -> str:
    """A problem of the question in the page's language (the engine's messages are for logs and the API)."""
    column = problem.column or ""
    place = str(typed.get("commune") or typed.get("postcode") or "")[:80]
    if column in ("commune", "postcode"):
        if "spans" in problem.message:
            return t("finder_postcode_spans", lang).format(place=place)
        key = "finder_unknown_place" if problem.suggestions else "finder_unknown_place_plain"
        return t(key, lang).format(place=place)
    if column in ("situation", "need", "audience"):
        return t("finder_unknown_term", lang)
    if column == "language":
        return t("finder_bad_language", lang)
    return say(problem, lang) if problem.code else t("finder_failed", lang)


def problem_found(problem: Problem, typed: Mapping[str, Any], params: Mapping[str, str], lang: str) -> Found:
    """A problem of the question said in the page's language, with its suggestions and the field it is about."""
    column = problem.column or ""
    where = {"commune": "place", "postcode": "place"}.get(column, column)
    return Found(error=problem_said(problem, typed, lang), suggestions=place_links(problem, params), about=where)


def place_links(problem: Problem, params: Mapping[str, str]) -> list[tuple[str, str]]:
    """The suggested communes of a misspelt place, each a link to the same question there."""
    if (problem.column or "") not in ("commune", "postcode"):
        return []
    kept = {k: params[k] for k in (*FIELDS, "urgent", "lang") if params.get(k)}
    return [(name, "/?" + urlencode(kept | {"place": name})) for name in problem.suggestions]


def search(
    relais: Relais, who: HttpCaller, q: ReferralQuery, params: Mapping[str, str], *, count: bool = True
) -> Found:
    """The answer to a well-formed question (for any Belgian place), or why there is none; `count`: a
    question that found nothing adds to unmet demand (not when the shortlist sheet asks it again)."""
    lang = q.lang
    typed = q.model_dump()
    try:
        answer, outside = relais.referrals.refer_anywhere(who, q, count=count)
    except InvalidInput as exc:
        first = exc.problems[0]
        return problem_found(first, typed, params, lang)
    except NotFound:
        return Found(error=t("finder_unknown_org", lang))
    except RelaisError:
        return Found(error=t("finder_failed", lang))
    shown = answer_out(relais.reference, answer)
    pathway = None
    if q.situation and shown.division:
        pathway = _pathway(relais, who, q.situation, shown.division.id, lang)
    return Found(answer=shown, outside=outside, pathway=pathway)


def urgent_lines(found: Found, language: str | None, lang: str) -> tuple[list[FallbackOut], list[FallbackOut]]:
    """(112 and 101, the helplines) for the top of an urgent page: the lines in the person's language or the
    place's first (108 for Eupen), whatever the answer was — or when there was none."""
    first = set(found.outside.languages if found.outside else ()) | ({language} if language else set())
    items = [
        FallbackOut(kind=f.kind, number=f.number, label=f.labels[lang], languages=list(f.languages), source=f.source)
        for f in fallbacks()
    ]
    lines = sorted((f for f in items if f.kind == "helpline"), key=lambda f: not first & set(f.languages))
    return [f for f in items if f.kind == "emergency"], lines


@router.get("/", response_class=HTMLResponse)
def finder(request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    lang = page_language(request)
    params, unmatched = from_words(relais, request.query_params, lang)
    typed, q, invalid = finder_query(who, params, lang)
    found = Found()
    if unmatched is not None:
        found = unmatched
    elif q is not None:  # back from «Orientation faite» (`counted`): the same question, not counted again
        found = search(relais, who, q, params, count=counted(params, lang) is None)
    elif invalid is not None:
        found = problem_found(invalid.problems[0], typed, params, lang)
    response = render(
        request,
        "finder.html",
        who,
        status=422 if found.error else 200,
        q=typed,
        place=params.get("place", "").strip(),
        words=params.get("words", "").strip(),
        found=found,
        answer=found.answer,
        counted=counted(params, lang),
        **_page_context(relais, who, found, typed, lang),
    )
    response.headers["Cache-Control"] = "no-store"  # Back after «Quitter vite» must not bring a search back
    return response


def _page_context(relais: Relais, who: HttpCaller, found: Found, typed: Mapping[str, Any], lang: str) -> dict[str, Any]:
    taxonomy = relais.reference.taxonomy
    emergency, helplines = urgent_lines(found, typed.get("language"), lang)
    return {
        "emergency_numbers": emergency,
        "helplines": helplines,
        "no_term": typed["urgent"] and not (typed["situation"] or typed["need"]) and not found.error,
        "situations": taxonomy.of_kind(TermKind.SITUATION),
        "needs": taxonomy.of_kind(TermKind.NEED),
        "audiences": taxonomy.of_kind(TermKind.AUDIENCE),
        "spoken": {code: language_name(code, lang) for code in SPOKEN},
        "language_name": lambda code: language_name(code, lang),
        "organisations": relais.directory.organisations() if who.role is not Role.PUBLIC else [],
        "communes": sorted(relais.reference.geography.communes.values(), key=lambda c: c.name),
        "term_label": lambda code: taxonomy.terms[code].label(lang) if code in taxonomy.terms else "",
        "codes": lambda r: {c.code for c in r.reason_codes},
        "traits": lambda r: traits(r, typed.get("language")),
        "filters": filters(found.answer, typed.get("language"), lang) if found.answer else [],
        "hour": lambda hhmm: hour(hhmm, lang),
        "today": date.today(),
    }


def is_free(cost: str) -> bool:
    """A service says it costs nothing (the cost is free text in the organisation's words)."""
    folded = cost.casefold()
    return any(word in folded for word in FREE_WORDS)


def traits(r: ReferralResultOut, language: str | None) -> list[str]:
    """What the result filters look at, as words on the card (`data-traits`), read by finder.js."""
    s = r.service
    found = {
        "h24": s.open_24_7,
        "open": s.open_24_7 or bool(s.open_now),
        "walkin": s.access == Access.WALK_IN.value,
        "free": is_free(s.cost),
        "speaks": bool(language) and language in s.languages,
    }
    return [key for key in TRAITS if found[key]]


def filters(answer: ReferralAnswerOut, language: str | None, lang: str) -> list[tuple[str, str, int]]:
    """(trait, label, how many results have it) for the filters worth offering: at least one result has it."""
    counts = Counter(key for r in answer.results for key in traits(r, language))
    labels = {key: t(f"finder_f_{key}", lang) for key in TRAITS}
    labels["speaks"] = labels["speaks"].format(language=language_name(language or "", lang))
    return [(key, labels[key], counts[key]) for key in TRAITS if counts[key]]


def hour(hhmm: str, lang: str) -> str:
    """A closing time as people write it: «17 h», «17 h 30», «17.00 uur», «17:00 Uhr», «17:00»."""
    h, m = (int(x) for x in hhmm.split(":"))
    return {
        "fr": f"{h} h" + (f" {m:02d}" if m else ""),
        "nl": f"{h}.{m:02d} uur",
        "de": f"{h}:{m:02d} Uhr",
    }.get(lang, f"{h}:{m:02d}")


@router.get("/fiche", response_class=HTMLResponse)
def sheet(request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    """The shortlist as one page to print or copy: the question, the chosen services only, dates in words."""
    lang = page_language(request)
    params = request.query_params
    chosen = list(dict.fromkeys(params.getlist("s")))[:SHEET_MOST]
    typed, q, _ = finder_query(who, params, lang, limit=MAX_LIMIT)
    found = search(relais, who, q, params, count=False) if q is not None and chosen else Found()
    results = [r for r in found.answer.results if r.service.id in chosen] if found.answer else []
    taxonomy = relais.reference.taxonomy
    response = render(
        request,
        "finder/sheet.html",
        who,
        q=typed,
        place=params.get("place", "").strip(),
        found=found,
        results=results,
        today=date.today(),
        situation=" · ".join(taxonomy.terms[c].label(lang) for c in (q.situation, q.need) if c in taxonomy.terms)
        if q
        else "",
        language_name=lambda code: language_name(code, lang),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _pathway(relais: Relais, who: HttpCaller, situation: str, division: str | None, lang: str) -> PathwayOut | None:
    try:
        found, steps, division_id = relais.referrals.pathway(who, situation, division, lang)
    except NotFound:
        return None
    return pathway_out(relais.reference, found, steps, division_id, lang)
