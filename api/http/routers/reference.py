"""Reference data: the taxonomy, the divisions and the communes, labelled in the caller's language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.http.deps import LangDep, RelaisDep
from api.presenters import division_out
from api.schemas import CommuneOut, DivisionOut, TermMatchOut, TermOut, TermSearchOut
from graph.models import TermKind
from graph.referral import LANGUAGES
from graph.vocabulary import MAX_QUERY, Match, search

router = APIRouter(prefix="/v1", tags=["reference"])


@router.get("/taxonomy", response_model=list[TermOut])
def taxonomy(relais: RelaisDep, lang: LangDep, kind: TermKind | None = None) -> list[TermOut]:
    return [
        TermOut(
            code=t.id,
            kind=t.term_kind.value,
            parent=t.parent,
            label=t.label(lang),
            labels={x: t.label(x) for x in LANGUAGES},
        )
        for t in relais.reference.taxonomy.terms.values()
        if kind is None or t.term_kind == kind
    ]


@router.get("/taxonomy/search", response_model=TermSearchOut)
def taxonomy_search(
    relais: RelaisDep,
    lang: LangDep,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY, description="everyday words, in fr/nl/de/en")],
    kind: TermKind | None = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> TermSearchOut:
    """Situations, needs and audiences for the words a professional types («violences conjugales»,
    «verkrachting», «mariag forcé»): labels and field synonyms, accents and typos forgiven, best first."""
    found = search(relais.reference.taxonomy, q, lang, kind, limit)
    return TermSearchOut(
        query=q, results=[_match_out(m) for m in found.matches], suggestions=[_match_out(m) for m in found.suggestions]
    )


def _match_out(match: Match) -> TermMatchOut:
    return TermMatchOut(
        code=match.code, kind=match.kind.value, label=match.label, score=match.score, matched=match.matched
    )


@router.get("/divisions", response_model=list[DivisionOut])
def divisions(relais: RelaisDep, lang: LangDep) -> list[DivisionOut]:
    return [DivisionOut(id=d.id, label=d.label(lang)) for d in relais.reference.geography.divisions.values()]


@router.get("/communes", response_model=list[CommuneOut])
def communes(
    relais: RelaisDep, lang: LangDep, postcode: str | None = None, name: str | None = None
) -> list[CommuneOut]:
    geo = relais.reference.geography
    if postcode:
        found = geo.communes_for_postcode(postcode)
    elif name:
        found = [geo.commune(name)]
    else:
        found = list(geo.communes.values())
    return [
        CommuneOut(
            nis_code=c.id,
            name=c.name,
            postcodes=list(c.postcodes),
            division=division_out(relais.reference, c.division, lang),
            arrondissement=c.arrondissement,
        )
        for c in found
    ]
