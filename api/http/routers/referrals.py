"""The professional's questions: who to refer to, and the care pathway of a situation."""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Depends, Query, Request, Response

from api.http.deps import CallerDep, LangDep, RelaisDep
from api.presenters import answer_json, pathway_out
from api.schemas import PathwayOut, ReferralAnswerOut
from graph.referral import ReferralQuery

router = APIRouter(prefix="/v1", tags=["referral"])


async def referral_query(
    lang: LangDep,
    situation: Annotated[str | None, Query(examples=["forced-marriage"])] = None,
    need: Annotated[str | None, Query(examples=["shelter"])] = None,
    division: Annotated[str | None, Query(examples=["huy"])] = None,
    commune: Annotated[str | None, Query(description="name or NIS code", examples=["Verviers"])] = None,
    postcode: Annotated[str | None, Query(examples=["4800"])] = None,
    audience: str | None = None,
    language: Annotated[str | None, Query(description="language the person speaks", examples=["de"])] = None,
    urgent: bool = False,
    from_org: Annotated[str | None, Query(description="your organisation: paths through partners")] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> ReferralQuery:
    return ReferralQuery.of(
        situation=situation,
        need=need,
        division=division,
        commune=commune,
        postcode=postcode,
        audience=audience,
        language=language,
        urgent=urgent,
        from_org=from_org,
        limit=limit,
        lang=lang,
    )


@router.get("/referrals", response_model=ReferralAnswerOut)
async def referrals(
    request: Request, relais: RelaisDep, who: CallerDep, query: Annotated[ReferralQuery, Depends(referral_query)]
) -> Response:
    """Who to refer to, for this situation or need, here: ranked and explained, never a silent empty list.

    Answered on the event loop when the store reads from memory (a thread hop would cost more than the
    answer), in a small pool of threads when it waits on Neo4j."""
    # The docstring above is the route's OpenAPI description: kept word for word. The body is written once
    # by orjson (answer_json) instead of through the response model, which still declares it.
    if relais.store.reads_in_memory:
        answer = relais.referrals.refer(who, query)
    else:
        answer = await to_thread.run_sync(
            relais.referrals.refer, who, query, limiter=request.app.state.referral_threads
        )
    return Response(answer_json(relais.reference, answer), media_type="application/json")


@router.get("/pathways", response_model=PathwayOut)
def pathway(
    relais: RelaisDep,
    who: CallerDep,
    lang: LangDep,
    situation: Annotated[str, Query(examples=["sexual-violence.recent"])],
    division: str | None = None,
) -> PathwayOut:
    """The care pathway of a situation, each step resolved to the best organisations of the division."""
    found, steps, division_id = relais.referrals.pathway(who, situation, division, lang)
    return pathway_out(relais.reference, found, steps, division_id, lang)
