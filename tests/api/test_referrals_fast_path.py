"""/v1/referrals writes its answer once with orjson: the same document, errors, headers and OpenAPI as the
route that returned the response model for FastAPI to validate and serialise again (the old path, kept
here as a twin app whose /v1/referrals is declared and answered the old way)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.deps import CallerDep, RelaisDep
from api.http.routers import referrals as referrals_router
from api.presenters import answer_out
from api.schemas import PathwayOut, ReferralAnswerOut
from graph.memory_store import MemoryStore
from graph.reference import Reference
from graph.referral import ReferralQuery
from tests.api.conftest import auth, demo_store, settings

QUESTIONS = [
    "situation=partner-violence&division=liege",
    "situation=partner-violence&division=huy&urgent=true",  # emergency numbers, police and hospitals first
    "situation=partner-violence&division=verviers&language=de&lang=de",  # a language spoken there
    "situation=forced-marriage&division=huy&language=ar&lang=nl",  # nobody speaks it: interpreting, helplines
    "need=shelter&division=verviers&from_org=gp-v-1",  # paths through partners
    "need=psychological-support&division=verviers&language=tr&from_org=gp-v-1&lang=en",
    "situation=partner-violence.economic&division=huy",  # narrower term: broader or elsewhere (fallback)
    "situation=forced-marriage&division=verviers&urgent=true&lang=en",
    "need=shelter&commune=Verviers&limit=50",
    "need=shelter&postcode=4500",
]
REFUSED = [
    "",  # neither situation nor need
    "situation=nope",
    "situation=partner-violence&limit=0",
    "situation=partner-violence&limit=abc",
    "situation=partner-violence&urgent=maybe",
    "situation=partner-violence&from_org=ghost",  # another organisation's id that does not exist: 404
    "situation=partner-violence&commune=%3Cscript%3Ealert(1)%3C/script%3E",
    "situation=%22%3E%3Cimg%20onerror=alert(1)%3E",
    "situation=partner-violence&commune=Eupen",  # a place outside the arrondissement: named, in words
    "situation=partner-violence&postcode=1000&lang=nl",
]


async def old_referrals(
    relais: RelaisDep,
    who: CallerDep,
    query: Annotated[ReferralQuery, Depends(referrals_router.referral_query)],
) -> ReferralAnswerOut:
    return answer_out(relais.reference, relais.referrals.refer(who, query))


def old_router() -> APIRouter:
    """The referral router with /v1/referrals answered as before: the model returned, validated and
    serialised by FastAPI; /v1/pathways as it is."""
    old_referrals.__doc__ = referrals_router.referrals.__doc__
    old_referrals.__name__ = referrals_router.referrals.__name__
    router = APIRouter(prefix="/v1", tags=["referral"])
    router.add_api_route("/referrals", old_referrals, response_model=ReferralAnswerOut, methods=["GET"])
    router.add_api_route("/pathways", referrals_router.pathway, response_model=PathwayOut, methods=["GET"])
    return router


@pytest.fixture(scope="module")
def clients(reference: Reference) -> Iterator[tuple[TestClient, TestClient]]:
    store = demo_store(MemoryStore(), reference)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(referrals_router, "router", old_router())
        old_app = create_app(settings(), store)
    with TestClient(create_app(settings(), store)) as new, TestClient(old_app) as old:
        yield new, old


def _shown(response: Any) -> tuple[int, dict[str, str], Any]:
    headers = {k: v for k, v in response.headers.items() if k != "date"}
    return response.status_code, headers, response.json()


@pytest.mark.parametrize("role", ["anonymous", "professional"])
@pytest.mark.parametrize("question", QUESTIONS)
def test_the_answer_is_the_old_document(clients: tuple[TestClient, TestClient], question: str, role: str) -> None:
    new, old = clients
    fast = new.get(f"/v1/referrals?{question}", headers=auth(role))
    assert fast.status_code == 200
    assert fast.json()["results"] or fast.json()["fallbacks"]  # a question with something to compare
    assert _shown(fast) == _shown(old.get(f"/v1/referrals?{question}", headers=auth(role)))


@pytest.mark.parametrize("role", ["anonymous", "professional", "coordinator"])
def test_a_shelter_address_stays_hidden_on_the_fast_path(clients: tuple[TestClient, TestClient], role: str) -> None:
    new, _ = clients
    shown = {"anonymous": {"public"}, "professional": {"public", "network"}, "coordinator": {"public", "network"}}
    seen = set()
    for question in ("need=shelter&division=huy&limit=50", "situation=partner-violence&division=huy&limit=50"):
        fast = new.get(f"/v1/referrals?{question}", headers=auth(role))
        assert any(r["organisation"]["id"].startswith("shelter-") for r in fast.json()["results"])
        assert "Adresse secrète" not in fast.text and '"hidden"' not in fast.text
        seen |= {loc["visibility"] for r in fast.json()["results"] for loc in r["locations"]}
    assert seen == shown[role]  # a professional sees the network's addresses, nobody a shelter's


@pytest.mark.parametrize("question", REFUSED)
def test_a_refused_question_answers_as_before(clients: tuple[TestClient, TestClient], question: str) -> None:
    new, old = clients
    fast = new.get(f"/v1/referrals?{question}")
    assert fast.status_code in (404, 422)
    assert fast.headers["content-type"] == "application/problem+json"
    assert _shown(fast) == _shown(old.get(f"/v1/referrals?{question}"))


def test_the_openapi_document_is_unchanged(clients: tuple[TestClient, TestClient]) -> None:
    new, old = clients
    document = new.get("/openapi.json").json()
    assert document["paths"]["/v1/referrals"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ReferralAnswerOut"
    }
    assert document == old.get("/openapi.json").json()
