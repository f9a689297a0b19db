"""The professional's questions: who to refer to, and the care pathway of a situation."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated
from urllib.parse import parse_qsl

from anyio import to_thread
from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from api.bootstrap import Relais
from api.http.auth import CALLER, HttpCaller
from api.http.deps import CallerDep, LangDep, RelaisDep, answer_language
from api.http.errors import relais_error
from api.presenters import answer_json, pathway_out
from api.schemas import PathwayOut, ReferralAnswerOut
from graph.errors import RelaisError
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


TEXTS = ("situation", "need", "division", "commune", "postcode", "audience", "language", "from_org")
"""The question's text parameters, as `referral_query` declares them."""
URGENT = {"true": True, "false": False}
LIMIT = re.compile(r"[1-9]|[1-4][0-9]|50")
"""A limit as `Query(ge=1, le=50)` accepts it, in its plainest spelling."""


def plain_query(params: Mapping[str, str], lang: str) -> ReferralQuery | None:
    """The question, when `urgent` and `limit` are absent or plainly spelt («true», «false»; 1 to 50): what
    `referral_query` would build from the same values. None otherwise: FastAPI's own parsing then judges
    them, with its own errors."""
    urgent = URGENT.get(params.get("urgent", "false"))
    limit = params.get("limit", "10")
    if urgent is None or not LIMIT.fullmatch(limit):
        return None
    texts = {name: params.get(name) for name in TEXTS}
    return ReferralQuery.of(**texts, urgent=urgent, limit=int(limit), lang=lang)


async def answered(app: Starlette, relais: Relais, who: HttpCaller, query: ReferralQuery) -> Response:
    """The answer written once by orjson (answer_json) instead of through the response model, which still
    declares it. Computed on the event loop when the engine has it at hand (a thread hop would cost as much as
    the answer), in a small pool of threads when it must wait: a round trip to Neo4j, a list another thread is
    making. The unmet demand an answer adds is written after it (`UnmetWriter`)."""
    found = relais.referrals.refer_without_waiting(who, query)
    if found is None:
        answer = await to_thread.run_sync(relais.referrals.refer, who, query, limiter=app.state.referral_threads)
    else:
        answer, unmet = found
        if unmet is not None:
            relais.referrals.count_unmet(unmet)  # written after the answer, in a thread of its own
    return Response(answer_json(relais.reference, answer), media_type="application/json")


QUESTIONS_KEPT = 4096
QUESTION_KEPT_BYTES = 512
"""A question string (with its Accept-Language) longer than this is read each time: what a client sends is
never kept beyond a few MB."""
_questions: dict[tuple[bytes, str | None], ReferralQuery | None] = {}


def plain_question(scope: Scope) -> ReferralQuery | None:
    """`plain_query` of the request's parameters in its answer's language, remembered by its query string and
    Accept-Language (a pure function of both; a refusal is not kept): professionals ask the same questions."""
    key = (scope["query_string"], header(scope, b"accept-language"))
    if key in _questions:
        return _questions[key]
    params = query_params(scope)
    query = plain_query(params, answer_language(params.get("lang"), key[1]))
    if len(key[0]) + len(key[1] or "") <= QUESTION_KEPT_BYTES:
        if len(_questions) >= QUESTIONS_KEPT:
            _questions.clear()
        _questions[key] = query
    return query


def query_params(scope: Scope) -> dict[str, str]:
    """The query string as `request.query_params.get` reads it (the last of a repeated name), in a plain dict."""
    query: bytes = scope["query_string"]
    return dict(parse_qsl(query.decode("latin-1"), keep_blank_values=True))


def header(scope: Scope, name: bytes) -> str | None:
    """`request.headers.get(name)` for a lower-case name: the first such header, without a `Headers` object."""
    for key, value in scope["headers"]:
        if key == name:
            text: str = value.decode("latin-1")
            return text
    return None


async def answer_ahead(scope: Scope, receive: Receive, send: Send) -> bool:
    """A plain GET /v1/referrals answered ahead of Starlette's routing (`Guards` calls it where it would call
    the app, after its limits): the caller the guards identified, the language and `ReferralQuery.of` as the
    declared route's dependencies would give them, in a few microseconds instead of ~0.3 ms of routing and
    dependency solving. A refusal is written by the app's own handler of RelaisError (`relais_error`), as the
    route's would be. False — the app then answers — for anything else: another method, a root path, refused
    credentials (the route says 401), a parameter not plainly spelt (FastAPI judges it, word for word)."""
    who = scope.get("state", {}).get(CALLER)
    if scope["method"] != "GET" or scope.get("root_path") or not isinstance(who, HttpCaller):
        return False
    app: Starlette = scope["app"]
    try:
        query = plain_question(scope)
        if query is None:
            return False
        response = await answered(app, app.state.relais, who, query)
    except RelaisError as refused:
        response = await relais_error(Request(scope, receive), refused)
    await response(scope, receive, send)
    return True


async def referrals(
    request: Request, relais: RelaisDep, who: CallerDep, query: Annotated[ReferralQuery, Depends(referral_query)]
) -> Response:
    """Who to refer to, for this situation or need, here: ranked and explained, never a silent empty list.

    Answered on the event loop when the store reads from memory (a thread hop would cost more than the
    answer), in a small pool of threads when it waits on Neo4j."""
    # The docstring above is the route's OpenAPI description: kept word for word. The declared route answers
    # what `answer_ahead` does not read plainly.
    return await answered(request.app, relais, who, query)


router.add_api_route("/referrals", referrals, response_model=ReferralAnswerOut, methods=["GET"])
AHEAD = {"/v1/referrals": answer_ahead}
"""The paths `Guards` answers ahead of the app's routing."""


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
