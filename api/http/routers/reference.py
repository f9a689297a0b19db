"""Reference data: the taxonomy, the divisions and the communes, labelled in the caller's language."""

from __future__ import annotations

from fastapi import APIRouter

from api.http.deps import LangDep, RelaisDep
from api.presenters import division_out
from api.schemas import CommuneOut, DivisionOut, TermOut
from graph.models import TermKind
from graph.referral import LANGUAGES

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
