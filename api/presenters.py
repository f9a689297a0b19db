"""How the engine's answers are shown: the API's response models, shared by the JSON API and the pages."""

from __future__ import annotations

from datetime import date, datetime

from api.reasons import Words
from api.schemas import (
    CapacityOut,
    DivisionOut,
    FallbackOut,
    LanguageHelpOut,
    LocationOut,
    Named,
    OrganisationBrief,
    PathwayOut,
    PathwayStepOut,
    ReasonCodeOut,
    ReasonValue,
    ReferralAnswerOut,
    ReferralResultOut,
    ServiceBrief,
)
from graph.opening import BELGIUM, opening_at
from graph.pathways import Pathway, Step
from graph.reference import Reference
from graph.referral import Answer, Fallback, Reason, Result, fallbacks


def division_out(reference: Reference, division: str | None, lang: str) -> DivisionOut | None:
    if division is None:
        return None
    return DivisionOut(id=division, label=reference.geography.divisions[division].label(lang))


def _fallbacks_out(items: tuple[Fallback, ...], lang: str) -> list[FallbackOut]:
    return [
        FallbackOut(
            kind=f.kind,
            number=f.number,
            label=f.labels[lang],
            languages=list(f.languages),
            source=f.source,
        )
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


def reason_code_out(reason: Reason) -> ReasonCodeOut:
    return ReasonCodeOut(code=reason.code, values={k: _raw(v) for k, v in reason.values.items()})


def _capacity_out(r: Result) -> CapacityOut | None:
    """The places with the engine's verdict on them: an old figure came with `capacity_unconfirmed`."""
    c = r.candidate.service.capacity
    if c is None:
        return None
    fresh = not any(reason.code == "capacity_unconfirmed" for reason in r.reasons)
    return CapacityOut(available=c.available, total=c.total, updated_at=c.updated_at, fresh=fresh)


def _result_out(words: Words, rank: int, r: Result, names: dict[str, str]) -> ReferralResultOut:
    s = r.candidate.service
    o = r.organisation
    communes = words.ref.geography.communes
    opening = opening_at(s, datetime.now(BELGIUM))
    return ReferralResultOut(
        rank=rank,
        score=r.score,
        organisation=OrganisationBrief(id=o.id, name=o.name, type=o.type, sector=o.sector, website=o.website),
        service=ServiceBrief(
            id=s.id,
            name=s.name,
            description=s.description,
            languages=list(s.languages),
            access=s.access.value,
            hours=s.hours,
            open_24_7=s.open_24_7,
            cost=s.cost,
            eligibility=s.eligibility,
            capacity=_capacity_out(r),
            open_now=opening.open if opening.known else None,
            closes_at=opening.until.strftime("%H:%M") if opening.until else None,
        ),
        reasons=[words.say(reason.code, reason.values) for reason in r.reasons],
        reason_codes=[reason_code_out(reason) for reason in r.reasons],
        contacts=list(r.contacts),
        locations=[
            LocationOut(
                name=loc.name,
                address=loc.address,
                postcode=loc.postcode,
                commune=loc.commune,
                commune_name=communes[loc.commune].name if loc.commune in communes else "",
                visibility=loc.visibility,
            )
            for loc in r.candidate.locations
        ],
        divisions=list(r.divisions),
        path=[Named(id=i, name=names.get(i, i)) for i in r.path],
        alternative=r.alternative,
        verified_at=max((d for d in (s.verified_at, o.verified_at) if d is not None), default=None),
    )


def answer_out(reference: Reference, a: Answer) -> ReferralAnswerOut:
    """The engine's answer in the query's language: reasons, notices and warnings rendered as sentences."""
    lang = a.query.lang
    words = Words(reference, lang)
    return ReferralAnswerOut(
        division=division_out(reference, a.division, lang),
        terms=list(a.terms),
        results=[_result_out(words, i, r, a.names) for i, r in enumerate(a.results, start=1)],
        notices=[words.say(n.code, n.values) for n in a.notices],
        warnings=[words.say(w.code, w.values) for w in a.warnings],
        fallbacks=_fallbacks_out(a.fallbacks, lang),
        language=_language_out(words, a),
    )


def _language_out(words: Words, a: Answer) -> LanguageHelpOut | None:
    """What the answer offers for the person's language: spoken here or not, its helplines, interpreting."""
    if a.language is None:
        return None
    return LanguageHelpOut(
        code=a.language.language,
        name=words.value("language", a.language.language),
        spoken_here=a.language.spoken_here,
        helplines=_fallbacks_out(a.language.helplines, words.lang),
        interpreting=[_result_out(words, i, r, a.names) for i, r in enumerate(a.language.interpreting, start=1)],
    )


def pathway_out(
    reference: Reference, p: Pathway, steps: list[tuple[Step, Answer | None]], division: str | None, lang: str
) -> PathwayOut:
    """Each step with its organisations; a step without a need shows the emergency numbers."""
    emergency = tuple(f for f in fallbacks() if f.kind == "emergency")
    out = []
    for step, answer in steps:
        shown = answer_out(reference, answer) if answer else None
        out.append(
            PathwayStepOut(
                number=step.number,
                label=step.labels[lang],
                need=step.need,
                results=shown.results if shown else [],
                fallbacks=shown.fallbacks if shown else _fallbacks_out(emergency, lang),
            )
        )
    return PathwayOut(
        id=p.id, situation=p.situation, division=division_out(reference, division, lang), steps=out, source=p.source
    )
