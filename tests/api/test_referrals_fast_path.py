"""/v1/referrals writes its answer once with orjson: the same document, errors, headers and OpenAPI as the
route that returned the response model for FastAPI to validate and serialise again (the old path, kept
here as a twin app whose /v1/referrals is declared and answered the old way). Plain questions skip
FastAPI's dependency solving (`ReferralRoute`); every other spelling is judged by the declared route, and
the pieces of an answer the presenter remembers (sentences of reasons, a candidate's fields) follow edits."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import date, datetime, time
from typing import Annotated, Any

import orjson
import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from opentelemetry import trace
from starlette.requests import Request

from api import presenters
from api.bootstrap import build
from api.http.app import create_app
from api.http.auth import caller, url_path
from api.http.deps import CallerDep, RelaisDep
from api.http.errors import relais_error
from api.http.routers import referrals as referrals_router
from api.presenters import answer_out
from api.schemas import PathwayOut, ReferralAnswerOut
from graph.errors import RelaisError
from graph.memory_store import MemoryStore
from graph.models import OpeningHours, Service, Weekday
from graph.opening import BELGIUM, Opening
from graph.reference import Reference
from graph.referral import ReferralQuery, Role
from graph.usecases import Caller
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

SPELLINGS = [
    # not plain: judged by the declared route (FastAPI's parsing), answered or refused as before
    ("situation=partner-violence&division=huy&urgent=1", {}),
    ("situation=partner-violence&division=huy&urgent=True", {}),
    ("situation=partner-violence&division=huy&urgent=yes", {}),
    ("situation=partner-violence&division=huy&urgent=", {}),
    ("situation=partner-violence&limit=05", {}),
    ("situation=partner-violence&limit=51&lang=nl", {}),
    ("situation=partner-violence&limit=%2010", {}),
    ("situation=partner-violence&limit=%D9%A3", {}),  # an Arabic-Indic digit
    ("situation=partner-violence&limit=1e1", {}),
    ("situation=nope&urgent=maybe&limit=0", {"Accept-Language": "de-BE,de;q=0.9"}),  # both refusals, in German
    ("situation=nope&lang=xx&limit=0", {}),  # which refusal comes first
    ("situation=partner-violence&limit=0", {"Authorization": "Bearer not-a-key"}),  # the key is judged first
    ("situation=partner-violence", {"Authorization": "Basic abc"}),
]
PLAIN = [
    # plain: answered without dependency solving, the same as the declared route would
    ("situation=partner-violence&situation=forced-marriage&division=huy", {}),  # the last one counts, as before
    ("situation=&need=shelter&division=huy&urgent=false&limit=50", {}),  # a blank parameter is absent
    ("situation=partner-violence&division=huy&lang=", {"Accept-Language": "nl-BE"}),
    ("situation=partner-violence&division=liege&lang=en", {"Accept-Language": "de"}),  # lang wins
    ("situation=partner-violence&division=liege&limit=1&other=ignored", {}),
    ("situation=nope&lang=nl", {}),  # refused by ReferralQuery.of, in Dutch
    ("situation=partner-violence&lang=xx", {}),
    ("situation=partner-violence&commune=Eupen&lang=de", {}),
    ("situation=partner-violence&division=huy", {"Authorization": "Bearer not-a-key"}),
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
        patch.setattr(referrals_router, "AHEAD", {})  # every question through the routing, as before
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


@pytest.mark.parametrize(("question", "headers"), SPELLINGS + PLAIN)
def test_every_spelling_answers_as_before(
    clients: tuple[TestClient, TestClient], question: str, headers: dict[str, str]
) -> None:
    new, old = clients
    assert _shown(new.get(f"/v1/referrals?{question}", headers=headers)) == _shown(
        old.get(f"/v1/referrals?{question}", headers=headers)
    )


def test_plain_questions_skip_the_declared_route(
    clients: tuple[TestClient, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The spellings above do reach the route they are meant for (else the comparison proves nothing)."""
    read: list[ReferralQuery | None] = []

    def spy(*args: Any) -> ReferralQuery | None:
        read.append(found := plain(*args))
        return found

    plain = referrals_router.plain_query
    monkeypatch.setattr(referrals_router, "plain_query", spy)
    monkeypatch.setattr(referrals_router, "_questions", {})  # none remembered from an earlier test
    new, _ = clients
    for question in QUESTIONS:
        new.get(f"/v1/referrals?{question}")
    assert len(read) == len(QUESTIONS) and None not in read
    read.clear()
    for question, _headers in SPELLINGS[:9]:
        new.get(f"/v1/referrals?{question}")
    assert read == [None] * 9


def _calls(dependant: Any) -> set[str]:
    return {d.call.__name__ for d in dependant.dependencies} | {n for d in dependant.dependencies for n in _calls(d)}


def test_the_fast_path_does_what_every_dependency_did(clients: tuple[TestClient, TestClient]) -> None:
    """`answer_ahead` reproduces the caller, Relais, the language and `referral_query`, and writes a refusal
    with the app's handler of RelaisError: a dependency added to the app, the router or the route (or another
    handler) would be skipped by it, so this test names them all (add it there too)."""
    new, _ = clients
    route = next(r for r in referrals_router.router.routes if getattr(r, "path", "") == "/v1/referrals")
    assert [d.dependency for d in new.app.router.dependencies] == [caller]  # type: ignore[attr-defined]
    assert referrals_router.router.dependencies == []
    assert _calls(route.dependant) == {"get_relais", "caller", "referral_query", "language"}  # type: ignore[attr-defined]
    assert new.app.exception_handlers[RelaisError] is relais_error  # type: ignore[attr-defined]


def test_plain_questions_never_reach_the_routing(reference: Reference, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the declared route broken, plain questions (and their refusals) are still answered: they are
    answered ahead of the routing; the other spellings reach the broken route."""

    async def broken() -> None:
        raise AssertionError("routed")

    router = APIRouter(prefix="/v1")
    router.add_api_route("/referrals", broken, methods=["GET"])
    monkeypatch.setattr(referrals_router, "router", router)
    app = create_app(settings(), demo_store(MemoryStore(), reference))
    with TestClient(app, raise_server_exceptions=False) as client:
        for question in QUESTIONS:
            assert client.get(f"/v1/referrals?{question}").status_code == 200
        for question in ("situation=nope&lang=nl", "situation=partner-violence&from_org=ghost"):
            assert client.get(f"/v1/referrals?{question}").status_code in (404, 422)
        assert client.get("/v1/referrals?situation=partner-violence&urgent=1").status_code == 500


def test_remembered_sentences_are_each_languages_own(clients: tuple[TestClient, TestClient]) -> None:
    """The same reasons in four languages, then again once the presenter has forgotten everything: the
    same words each time, and each language's own."""
    new, _ = clients
    question = "situation=forced-marriage&division=huy&language=ar&urgent=true"
    first = {lang: new.get(f"/v1/referrals?{question}&lang={lang}").json() for lang in ("fr", "nl", "de", "en")}
    presenters._phrasings.clear()
    presenters._shown.clear()
    again = {lang: new.get(f"/v1/referrals?{question}&lang={lang}").json() for lang in ("fr", "nl", "de", "en")}
    assert first == again
    said = {lang: [r["reasons"] for r in answer["results"]] for lang, answer in first.items()}
    assert len({str(reasons) for reasons in said.values()}) == 4
    assert "spricht" in str(said["de"]) or "nicht angegeben" in str(said["de"])


def test_an_edit_shows_in_the_next_answer(reference: Reference) -> None:
    """A renamed service and its new places are in the very next answer: nothing remembered hides an edit."""
    coordinator = auth("coordinator")
    with TestClient(create_app(settings(), demo_store(MemoryStore(), reference))) as client:
        question = "/v1/referrals?need=shelter&division=huy&lang=nl"
        before = client.get(question, headers=coordinator).json()["results"]
        assert before[0]["service"]["id"] == "shelter-h-1-svc"
        service = client.get("/v1/services/shelter-h-1-svc", headers=coordinator)
        renamed = service.json() | {"name": "Accueil (fictif, renommé)"}
        tag = {"If-Match": service.headers["ETag"]}
        assert client.put("/v1/services/shelter-h-1-svc", json=renamed, headers=coordinator | tag).status_code == 200
        places = {"available": 3, "total": 8}
        assert client.put("/v1/services/shelter-h-1-svc/capacity", json=places, headers=coordinator).status_code == 200
        after = {r["service"]["id"]: r for r in client.get(question, headers=coordinator).json()["results"]}
    shown = after["shelter-h-1-svc"]
    assert shown["service"]["name"] == "Accueil (fictif, renommé)"
    assert shown["service"]["capacity"]["available"] == 3
    assert any(reason.startswith("3 vrije plaats(en) op 8") for reason in shown["reasons"])
    assert {"code": "places", "values": {"available": 3, "total": 8, "on": date.today().isoformat()}} in shown[
        "reason_codes"
    ]


def test_remembered_results_follow_the_hour_the_role_and_the_rank(
    clients: tuple[TestClient, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the presenter remembers of a candidate holds nothing of one answer: asked again once the services
    have closed, by another role, or further down a longer list, each answer is still the old route's."""
    new, old = clients
    hours = {"day": Opening(known=True, open=True, until=time(17, 0)), "night": Opening(known=True, open=False)}
    question = "/v1/referrals?situation=partner-violence&division=liege&limit=50"
    seen = []
    for hour in ("day", "night", "day"):
        monkeypatch.setattr(presenters, "opening_at", lambda service, at, hour=hour: hours[hour])
        monkeypatch.setattr(presenters, "_hours", {})  # a new minute: the hours worked out again
        for role in ("professional", "anonymous"):
            for asked in (question, question.replace("limit=50", "limit=3"), f"{question}&language=de"):
                fast = new.get(asked, headers=auth(role))
                assert _shown(fast) == _shown(old.get(asked, headers=auth(role)))
                seen.append({(r["service"]["open_now"], r["service"]["closes_at"]) for r in fast.json()["results"]})
    assert seen[0] == seen[12] == {(True, "17:00")} and seen[6] == {(False, None)}


def test_hours_are_worked_out_once_a_minute_per_service(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answers are to the minute: a service's hours are worked out once in it, again in the next minute, and
    for an edited service (another record) at once."""
    worked: list[tuple[str, datetime]] = []

    def counted(service: Service, at: datetime) -> Opening:
        worked.append((service.name, at))
        return Opening(known=True, open=at.minute == 0)

    monkeypatch.setattr(presenters, "opening_at", counted)
    monkeypatch.setattr(presenters, "_hours", {})
    service = Service(id="s", organisation_id="o", name="S", source="x", situations=("a",))
    edited = service.model_copy(update={"name": "S2"})
    ten, past = datetime(2026, 11, 23, 10, 0, tzinfo=BELGIUM), datetime(2026, 11, 23, 10, 1, tzinfo=BELGIUM)
    shown = [presenters.hours_at(s, at) for s, at in ((service, ten), (service, ten), (service, past), (edited, past))]
    assert [o.open for o in shown] == [True, True, False, False]
    assert worked == [("S", ten), ("S", past), ("S2", past)]
    to_the_second = service.model_copy(
        update={"schedule": (OpeningHours(days=(Weekday.MONDAY,), opens=time(9), closes=time(17, 0, 30)),)}
    )
    at = ten.replace(second=40)
    presenters.hours_at(to_the_second, at)
    presenters.hours_at(to_the_second, at)
    assert worked[3:] == [("S", at), ("S", at)], "a slot given to the second: worked out at the instant, each time"


CHANGES = {
    "contacts": lambda r: replace(r, contacts=r.contacts[1:]),  # another role's: fewer lines
    "reasons": lambda r: replace(r, reasons=(r.reasons[0]._replace(values={**r.reasons[0].values, "on": "x"}),)),
    "path": lambda r: replace(r, path=("o-partner",)),
    "alternative": lambda r: replace(r, alternative=not r.alternative),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_remembered_result_is_written_again_when_what_it_shows_differs(reference: Reference, change: str) -> None:
    """The same candidate for the same question at the same hour, but other contacts (another role's), reasons
    (the next day's), a path through partners or an alternative's flag: each answer shows its own, never what
    the presenter remembered from the other."""
    relais = build(settings(), demo_store(MemoryStore(), reference))
    answer = relais.referrals.refer(
        Caller(Role.PROFESSIONAL), ReferralQuery(situation="partner-violence", division="huy")
    )
    assert any(r.contacts for r in answer.results)
    other = replace(answer, results=tuple(map(CHANGES[change], answer.results)), names={"o-partner": "Partenaire"})
    for shown in (answer, other, answer):
        written = orjson.loads(presenters.answer_json(reference, shown))
        assert written == answer_out(reference, shown).model_dump(mode="json")
    assert orjson.loads(presenters.answer_json(reference, other)) != orjson.loads(
        presenters.answer_json(reference, answer)
    )


@pytest.mark.parametrize(
    "path",
    [
        "/v1/referrals",
        "/",
        "",
        "/v1/services/s-1/capacity",
        "/x/",
        "/x?y",
        "/x#y",
        "/x\\y",
        "//x",
        "/x\ty",
        "/é",
        "/a b",
    ],
)
def test_the_callers_route_names_the_path_as_starlette_does(path: str) -> None:
    """The route the change log records (and the check of where a session cookie may write) reads the path as
    `request.url.path` gives it, also where Starlette escapes or drops characters."""
    scope = {"type": "http", "method": "GET", "scheme": "http", "path": path, "query_string": b"a=1", "root_path": ""}
    request = Request(scope | {"headers": [(b"host", b"relais.example")], "server": ("relais.example", 80)})
    assert url_path(request) == request.url.path


class Recorded(trace.TracerProvider):
    """A tracer provider as an operator's OpenTelemetry set-up would install it: what it is asked to trace."""

    def __init__(self) -> None:
        self.spans: list[Mapping[str, Any]] = []

    def get_tracer(self, *args: Any, **kwargs: Any) -> trace.Tracer:
        spans = self.spans

        class Tracer(trace.NoOpTracer):
            def start_span(self, name: str, *args: Any, attributes: Any = None, **kwargs: Any) -> trace.Span:
                spans.append(dict(attributes or {}))
                return trace.INVALID_SPAN

        return Tracer()


def test_no_span_carries_a_question(reference: Reference, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a tracer provider configured in the process, asking a question leaves no span with its query: FastAPI's
    own telemetry would record the term and division with the instant it was asked."""
    recorded = Recorded()
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: recorded)
    with TestClient(create_app(settings(), demo_store(MemoryStore(), reference))) as client:
        assert client.get("/v1/referrals?situation=partner-violence&division=huy").status_code == 200
        assert client.get("/v1/referrals?situation=partner-violence&division=huy&urgent=1").status_code == 200
    assert recorded.spans == []
