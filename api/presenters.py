"""How the engine's answers are shown: the API's response models, shared by the JSON API and the pages.

A referral answer is built once as plain data (`answer_doc`): the pages and the CLI validate it into
`ReferralAnswerOut`, the JSON API writes it straight out with orjson (`answer_json`) — the same document
without a second pass through the response models on the hot path."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, NamedTuple

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
from graph.models import Contact, Service, ServiceCandidate
from graph.opening import BELGIUM, Opening, opening_at
from graph.pathways import Pathway, Step
from graph.reference import Reference
from graph.referral import Answer, Fallback, Reason, Result, fallbacks

REMEMBERED = 20_000
"""Reasons said (per language) and services shown, kept per process before starting afresh: at 10k, a hundred
reasons and at most ~4,500 services (≈ 1.6 kB each) after 4,000 questions."""


def division_out(reference: Reference, division: str | None, lang: str) -> DivisionOut | None:
    if division is None:
        return None
    return DivisionOut(id=division, label=reference.geography.divisions[division].label(lang))


def _division_doc(reference: Reference, division: str | None, lang: str) -> dict[str, str] | None:
    """`division_out` as its JSON, without making the model to dump it at once."""
    if division is None:
        return None
    return {"id": division, "label": reference.geography.divisions[division].label(lang)}


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


class Written(NamedTuple):
    """A result written as JSON without its rank (nor its opening brace), with what it was written from: the
    candidate (kept: its id stays its own), its contacts, reasons, path and whether it is an alternative."""

    candidate: ServiceCandidate
    contacts: tuple[Contact, ...]
    reasons: tuple[Reason, ...]
    path: tuple[tuple[str, str], ...]
    alternative: bool
    body: bytes

    def writes(self, r: Result, path: tuple[tuple[str, str], ...]) -> bool:
        """Whether this is `r` written: the same candidate, and contacts, reasons and path equal to its own (tuples
        compared at C speed, element by element, identity first)."""
        return (
            self.candidate is r.candidate
            and self.alternative is r.alternative
            and self.reasons == r.reasons
            and self.contacts == r.contacts
            and self.path == path
        )


class Phrasing:
    """A reference's words in one language, remembering each reason it said: the same few hundred reasons come
    back in answer after answer, and saying one (labels, names, dates, then the raw values) costs more than
    the ranking that found it. A reason is a value (its code and its values, of the types the scorer gives
    each code), so one said once reads the same for as long as the reference; a reason holding an
    unhashable value is said each time."""

    def __init__(self, reference: Reference, lang: str) -> None:
        self.words = Words(reference, lang)
        self._said: dict[tuple[str, tuple[tuple[str, object], ...]], tuple[str, dict[str, Any]]] = {}
        self.written: dict[tuple[int, int, bool, bool, time | None], Written] = {}
        """Results written as JSON in this language (`_result_json`), by candidate, question and hours."""

    def reasons(self, reasons: tuple[Reason, ...]) -> tuple[list[str], list[dict[str, Any]]]:
        """The sentences and the codes with raw values, as the answer shows them (shared: read, never changed)."""
        said = [self._reason(r) for r in reasons]
        return [sentence for sentence, _ in said], [code for _, code in said]

    def _reason(self, r: Reason) -> tuple[str, dict[str, Any]]:
        key = (r.code, tuple(r.values.items()))
        try:
            return self._said[key]
        except KeyError:
            said = self._said[key] = self._say(r)
            if len(self._said) > REMEMBERED:
                self._said.clear()
            return said
        except TypeError:  # a list among the values
            return self._say(r)

    def _say(self, r: Reason) -> tuple[str, dict[str, Any]]:
        return self.words.say(r.code, r.values), {"code": r.code, "values": {k: _raw(v) for k, v in r.values.items()}}


_phrasings: dict[tuple[int, str], Phrasing] = {}


def phrasing(reference: Reference, lang: str) -> Phrasing:
    """The process's phrasing of `reference` in `lang` (it holds the reference: its id stays its own)."""
    found = _phrasings.get((id(reference), lang))
    if found is None or found.words.ref is not reference:
        found = _phrasings[(id(reference), lang)] = Phrasing(reference, lang)
    return found


@dataclass(frozen=True)
class Shown:
    """What a result shows of its candidate alone (organisation, service, places, divisions, date verified):
    the ranked lists hold the same frozen records answer after answer, so this is made once for each."""

    candidate: ServiceCandidate
    """The first candidate of these records it was made from: it holds them (their ids stay theirs)."""
    reference: Reference
    """Whose commune names it shows."""
    organisation: dict[str, Any]
    service: dict[str, Any]
    """The service's fields before `capacity`, in the document's order."""
    locations: list[dict[str, Any]]
    divisions: list[str]
    verified_at: date | None
    contacts: dict[int, dict[str, Any]]
    """Each of the service's contacts as JSON, by the contact's id (the candidate holds them: ids stay theirs)."""

    @classmethod
    def of(cls, c: ServiceCandidate, reference: Reference) -> Shown:
        s, o = c.service, c.organisation
        communes = reference.geography.communes
        return cls(
            candidate=c,
            reference=reference,
            organisation={"id": o.id, "name": o.name, "type": o.type, "sector": o.sector, "website": o.website},
            service={
                "id": s.id,
                "name": s.name,
                "description": s.description,
                "languages": list(s.languages),
                "access": s.access.value,
                "hours": s.hours,
                "open_24_7": s.open_24_7,
                "cost": s.cost,
                "eligibility": s.eligibility,
            },
            locations=[
                {
                    "name": loc.name,
                    "address": loc.address,
                    "postcode": loc.postcode,
                    "commune": loc.commune,
                    "commune_name": communes[loc.commune].name if loc.commune in communes else "",
                    "visibility": loc.visibility,
                }
                for loc in c.locations
            ],
            divisions=list(c.located_in),
            verified_at=max((d for d in (s.verified_at, o.verified_at) if d is not None), default=None),
            contacts={id(contact): contact.model_dump(mode="json") for contact in s.contacts},
        )


_shown: dict[tuple[object, ...], Shown] = {}


def shown_of(c: ServiceCandidate, reference: Reference) -> Shown:
    """`Shown.of(c)`, made once for each service as its candidates show it, whatever the language and the ranked
    list: lists of other terms, divisions and clearances hold other candidates of the same frozen records (at
    1k, 1,518 candidates in the bench's answers, 558 of them different). Keyed by the records' ids, which stay
    theirs while the `Shown` kept here holds them."""
    key = (id(c.service), id(c.organisation), c.located_in, *map(id, c.locations))
    found = _shown.get(key)
    if found is None or found.reference is not reference:
        if len(_shown) >= REMEMBERED:
            _shown.clear()
        found = _shown[key] = Shown.of(c, reference)
    return found


_hours: dict[int, tuple[Service, datetime, Opening]] = {}


def hours_at(service: Service, now: datetime, minute: datetime | None = None) -> Opening:
    """`opening_at`, remembered per service for the minute of `now` (given when known): each service shown in
    the minute's answers is worked out once. Exact when its slots open and close on the minute (as the pages
    enter them): nothing changes within the minute then; a slot given to the second is worked out at `now`
    each time."""
    if minute is None:
        minute = now.replace(second=0, microsecond=0)
    found = _hours.get(id(service))
    if found is not None and found[0] is service and found[1] == minute:
        return found[2]
    if any(t.second or t.microsecond for slot in service.schedule for t in (slot.opens, slot.closes)):
        return opening_at(service, now)
    opening = opening_at(service, minute)
    if len(_hours) >= REMEMBERED:
        _hours.clear()
    _hours[id(service)] = (service, minute, opening)
    return opening


def _service_doc(shown: Shown, r: Result, now: datetime) -> dict[str, Any]:
    opening = hours_at(r.candidate.service, now)
    return {
        **shown.service,
        "capacity": _capacity_doc(r),
        "open_now": opening.open if opening.known else None,
        "closes_at": opening.until.strftime("%H:%M") if opening.until else None,
    }


def _result_doc(
    said: Phrasing, rank: int, r: Result, names: dict[str, str], now: datetime, written: bool
) -> dict[str, Any]:
    """One result as `ReferralResultOut` reads it: every field, contacts kept as their model (or `written`)."""
    shown = shown_of(r.candidate, said.words.ref)
    sentences, codes = said.reasons(r.reasons)
    return {
        "rank": rank,
        "score": r.score,
        "organisation": shown.organisation,
        "service": _service_doc(shown, r, now),
        "reasons": sentences,
        "reason_codes": codes,
        "contacts": [shown.contacts.get(id(c)) or c.model_dump(mode="json") for c in r.contacts]
        if written
        else list(r.contacts),
        "locations": shown.locations,
        "divisions": shown.divisions,
        "path": [{"id": i, "name": names.get(i, i)} for i in r.path],
        "alternative": r.alternative,
        "verified_at": shown.verified_at,
    }


def _result_json(
    said: Phrasing, rank: int, r: Result, names: dict[str, str], now: datetime, minute: datetime, asked: int
) -> orjson.Fragment:
    """`_result_doc` as orjson writes it, remembered by candidate, question (`asked`: its hash) and what the
    hours say now, and checked against everything else it reads but the rank (`Written.writes`). The same
    results come back in answer after answer; writing one (its reasons said, its fields copied, then encoded)
    costs more than finding it again, and checking costs less than making a key of its reasons."""
    opening = hours_at(r.candidate.service, now, minute)
    path = tuple([(i, names.get(i, i)) for i in r.path]) if r.path else ()
    key = (id(r.candidate), asked, opening.known, opening.open, opening.until)
    found = said.written.get(key)
    if found is None or not found.writes(r, path):
        doc = _result_doc(said, rank, r, names, now, True)
        del doc["rank"]
        body = orjson.dumps(doc, default=_model_json)[1:]
        found = Written(r.candidate, r.contacts, r.reasons, path, r.alternative, body)
        if len(said.written) >= REMEMBERED:
            said.written.clear()
        said.written[key] = found
    return orjson.Fragment(b'{"rank":%d,%b' % (rank, found.body))


def _results(said: Phrasing, a: Answer, results: tuple[Result, ...], now: datetime, written: bool) -> list[Any]:
    """The results as documents, or — `written` — as JSON already (`_result_json`)."""
    if written:
        minute, asked = now.replace(second=0, microsecond=0), hash(a.query)
        return [_result_json(said, i, r, a.names, now, minute, asked) for i, r in enumerate(results, start=1)]
    return [_result_doc(said, i, r, a.names, now, False) for i, r in enumerate(results, start=1)]


def answer_doc(reference: Reference, a: Answer, *, written: bool = False) -> dict[str, Any]:
    """The engine's answer in the query's language, as the fields of `ReferralAnswerOut`: reasons, notices
    and warnings rendered as sentences; dates, enums and contacts left for the serialiser — or, `written`,
    contacts as their JSON already, for orjson."""
    lang = a.query.lang
    said = phrasing(reference, lang)
    words = said.words
    now = datetime.now(BELGIUM)  # one instant for the whole answer: «open now» means the same for every result
    return {
        "division": _division_doc(reference, a.division, lang),
        "terms": list(a.terms),
        "results": _results(said, a, a.results, now, written),
        "notices": [words.say(n.code, n.values) for n in a.notices],
        "warnings": [words.say(w.code, w.values) for w in a.warnings],
        "fallbacks": _fallbacks_doc(a.fallbacks, lang),
        "language": _language_doc(said, a, now, written),
    }


def answer_out(reference: Reference, a: Answer) -> ReferralAnswerOut:
    """The answer as its response model, for the pages and the CLI."""
    return ReferralAnswerOut.model_validate(answer_doc(reference, a))


def _model_json(value: object) -> object:
    """What orjson cannot write itself: the records' own models."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(type(value).__name__)


def answer_json(reference: Reference, a: Answer) -> bytes:
    """The answer as the JSON document `ReferralAnswerOut` describes, written once by orjson (dates in ISO
    form and enums by value, as pydantic writes them)."""
    return orjson.dumps(answer_doc(reference, a, written=True), default=_model_json)


def _language_doc(said: Phrasing, a: Answer, now: datetime, written: bool) -> dict[str, Any] | None:
    """What the answer offers for the person's language: spoken here or not, its helplines, interpreting."""
    if a.language is None:
        return None
    interpreting = a.language.interpreting
    return {
        "code": a.language.language,
        "name": said.words.value("language", a.language.language),
        "spoken_here": a.language.spoken_here,
        "helplines": _fallbacks_doc(a.language.helplines, said.words.lang),
        "interpreting": _results(said, a, interpreting, now, written),
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
