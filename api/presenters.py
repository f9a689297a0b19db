"""How the engine's answers are shown: the API's response models, shared by the JSON API and the pages.

A referral answer is built once as plain data (`answer_doc`): the pages and the CLI validate it into
`ReferralAnswerOut`, the JSON API writes it straight out with orjson (`answer_json`) — the same document
without a second pass through the response models on the hot path."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import orjson
from pydantic import BaseModel

from api.reasons import Words
from api.schemas import (
    DivisionOut,
    FallbackOut,
    PathwayOut,
    PathwayStepOut,
    ReasonValue,
    ReferralAnswerOut,
)
from graph.opening import BELGIUM, opening_at
from graph.pathways import Pathway, Step
from graph.reference import Reference
from graph.referral import Answer, Fallback, Result, fallbacks


def division_out(reference: Reference, division: str | None, lang: str) -> DivisionOut | None:
    if division is None:
        return None
    return DivisionOut(id=division, label=reference.geography.divisions[division].label(lang))


def _fallbacks_doc(items: tuple[Fallback, ...], lang: str) -> list[dict[str, Any]]:
    return [
        {
            "kind": f.kind,
            "number": f.number,
            "label": f.labels[lang],
            "languages": list(f.languages),
            "source": f.source,
        }
        for f in items
    ]


def _raw(value: object) -> ReasonValue:
    """A reason's value as JSON: dates in ISO form, lists of codes as lists."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [str(v) for v in value]
    if isinstance(value, str | int | float):
        return value
    return str(value)


def _capacity_doc(r: Result) -> dict[str, Any] | None:
    """The places with the engine's verdict on them: an old figure came with `capacity_unconfirmed`."""
    c = r.candidate.service.capacity
    if c is None:
        return None
    fresh = not any(reason.code == "capacity_unconfirmed" for reason in r.reasons)
    return {"available": c.available, "total": c.total, "updated_at": c.updated_at, "fresh": fresh}


def _service_doc(r: Result) -> dict[str, Any]:
    s = r.candidate.service
    opening = opening_at(s, datetime.now(BELGIUM))
    return {
        "id": s.id,
        "name": s.name,
        "description": s.description,
        "languages": list(s.languages),
        "access": s.access.value,
        "hours": s.hours,
        "open_24_7": s.open_24_7,
        "cost": s.cost,
        "eligibility": s.eligibility,
        "capacity": _capacity_doc(r),
        "open_now": opening.open if opening.known else None,
        "closes_at": opening.until.strftime("%H:%M") if opening.until else None,
    }


def _result_doc(words: Words, rank: int, r: Result, names: dict[str, str]) -> dict[str, Any]:
    """One result as `ReferralResultOut` reads it: every field, contacts kept as their model."""
    s = r.candidate.service
    o = r.organisation
    communes = words.ref.geography.communes
    return {
        "rank": rank,
        "score": r.score,
        "organisation": {"id": o.id, "name": o.name, "type": o.type, "sector": o.sector, "website": o.website},
        "service": _service_doc(r),
        "reasons": [words.say(reason.code, reason.values) for reason in r.reasons],
        "reason_codes": [
            {"code": reason.code, "values": {k: _raw(v) for k, v in reason.values.items()}} for reason in r.reasons
        ],
        "contacts": list(r.contacts),
        "locations": [
            {
                "name": loc.name,
                "address": loc.address,
                "postcode": loc.postcode,
                "commune": loc.commune,
                "commune_name": communes[loc.commune].name if loc.commune in communes else "",
                "visibility": loc.visibility,
            }
            for loc in r.candidate.locations
        ],
        "divisions": list(r.divisions),
        "path": [{"id": i, "name": names.get(i, i)} for i in r.path],
        "alternative": r.alternative,
        "verified_at": max((d for d in (s.verified_at, o.verified_at) if d is not None), default=None),
    }


def answer_doc(reference: Reference, a: Answer) -> dict[str, Any]:
    """The engine's answer in the query's language, as the fields of `ReferralAnswerOut`: reasons, notices
    and warnings rendered as sentences; dates, enums and contacts left for the serialiser."""
    lang = a.query.lang
    words = Words(reference, lang)
    division = division_out(reference, a.division, lang)
    return {
        "division": division.model_dump() if division else None,
        "terms": list(a.terms),
        "results": [_result_doc(words, i, r, a.names) for i, r in enumerate(a.results, start=1)],
        "notices": [words.say(n.code, n.values) for n in a.notices],
        "warnings": [words.say(w.code, w.values) for w in a.warnings],
        "fallbacks": _fallbacks_doc(a.fallbacks, lang),
        "language": _language_doc(words, a),
    }


def answer_out(reference: Reference, a: Answer) -> ReferralAnswerOut:
    """The answer as its response model, for the pages and the CLI."""
    return ReferralAnswerOut.model_validate(answer_doc(reference, a))


def _model_json(value: object) -> object:
    """What orjson cannot write itself: the records' own models (a service's contacts)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(type(value).__name__)


def answer_json(reference: Reference, a: Answer) -> bytes:
    """The answer as the JSON document `ReferralAnswerOut` describes, written once by orjson (dates in ISO
    form and enums by value, as pydantic writes them)."""
    return orjson.dumps(answer_doc(reference, a), default=_model_json)


def _language_doc(words: Words, a: Answer) -> dict[str, Any] | None:
    """What the answer offers for the person's language: spoken here or not, its helplines, interpreting."""
    if a.language is None:
        return None
    return {
        "code": a.language.language,
        "name": words.value("language", a.language.language),
        "spoken_here": a.language.spoken_here,
        "helplines": _fallbacks_doc(a.language.helplines, words.lang),
        "interpreting": [_result_doc(words, i, r, a.names) for i, r in enumerate(a.language.interpreting, start=1)],
    }


def pathway_out(
    reference: Reference, p: Pathway, steps: list[tuple[Step, Answer | None]], division: str | None, lang: str
) -> PathwayOut:
    """Each step with its organisations; a step without a need shows the emergency numbers."""
    emergency = tuple(f for f in fallbacks() if f.kind == "emergency")
    emergency_out = [FallbackOut.model_validate(f) for f in _fallbacks_doc(emergency, lang)]
    out = []
    for step, answer in steps:
        shown = answer_out(reference, answer) if answer else None
        out.append(
            PathwayStepOut(
                number=step.number,
                label=step.labels[lang],
                need=step.need,
                results=shown.results if shown else [],
                fallbacks=shown.fallbacks if shown else emergency_out,
            )
        )
    return PathwayOut(
        id=p.id, situation=p.situation, division=division_out(reference, division, lang), steps=out, source=p.source
    )
