"""The HTTP API (FastAPI), versioned under /v1. Errors are RFC 9457 problem+json.

Routes are plain `def`: FastAPI runs them in its thread pool, so the blocking store calls never
block the event loop. The exception is the hot path, `/v1/referrals`: answered on the loop when the
store reads from memory, in a small limited pool of threads when it waits on Neo4j.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from anyio import CapacityLimiter, to_thread
from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.middleware.cors import CORSMiddleware

from api.checks import check_organisation, check_service_terms, keep_unseen_locations
from api.http.auth import Caller, caller
from api.http.errors import install_error_handlers
from api.http.guards import Guards
from api.http.routers.analysis import AnalysisCache, register_analysis_routes
from api.http.routers.hsds import register_hsds_routes
from api.http.routers.pages import register_pages
from api.presenters import answer_out, division_out, pathway_out
from api.schemas import (
    CommuneOut,
    DivisionOut,
    Health,
    LinkIn,
    Named,
    PartnerOut,
    PathOut,
    PathwayOut,
    ReferralAnswerOut,
    TermOut,
    WriteReport,
)
from api.settings import Settings, get_settings, open_store
from graph.errors import Conflict, InvalidInput
from graph.models import Change, Cooperation, Link, Organisation, ReferralFlow, Service, TermKind, UpsertReport
from graph.pathways import pathway_for, resolve
from graph.reference import Reference, load_reference
from graph.referral import (
    LANGUAGES,
    ReferralEngine,
    ReferralQuery,
    Role,
    visible_contacts,
)
from graph.store import GraphStore
from loaders.directory import import_directory, read_directory

PROBLEM = "application/problem+json"

REFERRAL_THREADS = 4
"""Referrals on Neo4j computed at once per worker. The engine is mostly Python once warm: more threads
only take turns on the GIL, and the turns were the tail (p99 under load 105 ms with 40, 18 ms with 4,
at 10k organisations)."""


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    settings = settings or get_settings()
    reference = load_reference()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = store is None
        app.state.store = store or open_store(settings)
        if own and not settings.neo4j_uri and not app.state.store.counts().get("Organisation"):
            directory = read_directory(settings.data_dir, reference)
            import_directory(directory, app.state.store, reference=reference)
        app.state.engine = ReferralEngine(app.state.store, reference)
        app.state.analysis = AnalysisCache(app.state.store, reference)
        app.state.referral_threads = CapacityLimiter(REFERRAL_THREADS)
        gc.collect()
        gc.freeze()  # the loaded directory is long-lived: keep it out of every later collection (p99 pauses)
        yield
        if own:
            app.state.store.close()

    app = FastAPI(
        title="Relais API",
        version="1.0",
        summary="Annuaire et graphe d'orientation des Plateformes Violences (arrondissement judiciaire de Liège)",
        description="Who to refer to, for this situation, here. No person data, ever; shelter addresses never leave.",
        lifespan=lifespan,
        dependencies=[Depends(caller)],
    )
    app.state.settings = settings
    app.state.reference = reference

    install_error_handlers(app)
    register_routes(app, reference)
    register_analysis_routes(app, reference)
    register_hsds_routes(app, reference)
    register_pages(app, reference)
    app.add_middleware(
        Guards, max_body=settings.max_body_bytes, searches_per_minute=settings.public_searches_per_minute
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET"],
            allow_headers=["Authorization", "If-None-Match"],
            expose_headers=["ETag", "Last-Modified"],
        )
    return app


# --- dependencies -----------------------------------------------------------------------------------


async def get_store(request: Request) -> GraphStore:
    return request.app.state.store  # type: ignore[no-any-return]


async def get_engine(request: Request) -> ReferralEngine:
    return request.app.state.engine  # type: ignore[no-any-return]


StoreDep = Annotated[GraphStore, Depends(get_store)]
EngineDep = Annotated[ReferralEngine, Depends(get_engine)]
CallerDep = Annotated[Caller, Depends(caller)]


def answer_language(lang: str | None, accept_language: str | None) -> str:
    """`lang` wins, then the first supported language of Accept-Language, then French."""
    if lang:
        if lang not in LANGUAGES:
            raise InvalidInput(f"lang must be one of {', '.join(LANGUAGES)}", parameter="lang")
        return lang
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "fr"


def _report(r: UpsertReport) -> WriteReport:
    return WriteReport(created=r.created, updated=r.updated, unchanged=r.unchanged)


# --- routes -------------------------------------------------------------------------------------------


def register_routes(app: FastAPI, reference: Reference) -> None:
    @app.get("/healthz", response_model=Health, tags=["ops"])
    def healthz() -> Health:
        """The process answers (does not touch the database)."""
        return Health(status="ok")

    @app.get("/readyz", response_model=Health, tags=["ops"], responses={503: {"description": "store unavailable"}})
    def readyz(store: StoreDep) -> Health:
        """The store answers."""
        store.ping()
        return Health(status="ready", store=type(store).__name__)

    @app.get("/v1/referrals", response_model=ReferralAnswerOut, tags=["referral"])
    async def referrals(
        request: Request,
        engine: EngineDep,
        who: CallerDep,
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
        lang: Annotated[str | None, Query(description="language of the answer (fr, nl, de, en)")] = None,
        accept_language: Annotated[str | None, Header()] = None,
    ) -> ReferralAnswerOut:
        """Who to refer to, for this situation or need, here: ranked and explained, never a silent empty list."""
        q = ReferralQuery(
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
            lang=answer_language(lang, accept_language),
        )
        if engine.store.reads_in_memory:  # pure CPU: a thread hop would cost more than the answer
            return answer_out(reference, engine.refer(q, who.role))
        limiter = request.app.state.referral_threads
        answer = await to_thread.run_sync(engine.refer, q, who.role, limiter=limiter)
        return answer_out(reference, answer)

    @app.get("/v1/pathways", response_model=PathwayOut, tags=["referral"])
    def pathway(
        engine: EngineDep,
        who: CallerDep,
        situation: Annotated[str, Query(examples=["sexual-violence.recent"])],
        division: str | None = None,
        lang: str | None = None,
        accept_language: Annotated[str | None, Header()] = None,
    ) -> PathwayOut:
        """The care pathway of a situation, each step resolved to the best organisations of the division."""
        answer_lang = answer_language(lang, accept_language)
        reference.taxonomy.get(situation, TermKind.SITUATION, parameter="situation")
        division_id = reference.geography.division(division).id if division else None
        p = pathway_for(situation, engine)
        return pathway_out(
            reference, p, resolve(p, engine, division_id, who.role, answer_lang), division_id, answer_lang
        )

    # --- organisations ---

    @app.get("/v1/organisations", response_model=list[Organisation], tags=["directory"])
    def list_organisations(
        store: StoreDep, limit: Annotated[int, Query(ge=1, le=200)] = 200, offset: Annotated[int, Query(ge=0)] = 0
    ) -> list[Organisation]:
        return store.list(Organisation)[offset : offset + limit]

    @app.get("/v1/organisations/{organisation_id}", response_model=Organisation, tags=["directory"])
    def get_organisation(organisation_id: str, store: StoreDep) -> Organisation:
        return store.get(Organisation, organisation_id)

    @app.post("/v1/organisations", response_model=WriteReport, status_code=201, tags=["directory"])
    def create_organisation(body: Organisation, store: StoreDep, who: CallerDep) -> WriteReport:
        who.require_writer(body.id)
        if store.list(Organisation, ids=[body.id]):
            raise Conflict(f"organisation «{body.id}» exists already: use PUT to change it")
        check_organisation(reference, body)
        return _report(store.upsert([body], key_id=who.key_id, route=who.route))

    @app.put("/v1/organisations/{organisation_id}", response_model=WriteReport, tags=["directory"])
    def put_organisation(organisation_id: str, body: Organisation, store: StoreDep, who: CallerDep) -> WriteReport:
        who.require_writer(organisation_id)
        _same_id(organisation_id, body.id)
        store.get(Organisation, organisation_id)
        check_organisation(reference, body)
        return _report(store.upsert([body], key_id=who.key_id, route=who.route))

    @app.delete("/v1/organisations/{organisation_id}", status_code=204, tags=["directory"])
    def delete_organisation(organisation_id: str, store: StoreDep, who: CallerDep) -> None:
        who.require_coordinator()
        store.delete(Organisation, organisation_id, key_id=who.key_id, route=who.route)

    @app.get("/v1/organisations/{organisation_id}/partners", response_model=list[PartnerOut], tags=["network"])
    def partners(
        organisation_id: str, store: StoreDep, hops: Annotated[int, Query(ge=1, le=3)] = 1
    ) -> list[PartnerOut]:
        found = store.partners(organisation_id, hops)
        names = {o.id: o.name for o in store.list(Organisation, ids=list(found))}
        return [PartnerOut(id=i, name=names[i], distance=d) for i, d in found.items()]

    # --- services ---

    @app.get("/v1/services", response_model=list[Service], tags=["directory"])
    def list_services(
        store: StoreDep,
        who: CallerDep,
        organisation_id: str | None = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 200,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> list[Service]:
        services = store.list(Service, organisation_id=organisation_id, clearance=who.role.clearance)
        return [_public_service(s, who) for s in services[offset : offset + limit]]

    @app.get("/v1/services/{service_id}", response_model=Service, tags=["directory"])
    def get_service(service_id: str, store: StoreDep, who: CallerDep) -> Service:
        return _public_service(store.get(Service, service_id, clearance=who.role.clearance), who)

    @app.post("/v1/services", response_model=WriteReport, status_code=201, tags=["directory"])
    def create_service(body: Service, store: StoreDep, who: CallerDep) -> WriteReport:
        who.require_writer(body.organisation_id)
        if store.list(Service, ids=[body.id]):
            raise Conflict(f"service «{body.id}» exists already: use PUT to change it")
        check_service_terms(reference, body)
        return _report(store.upsert([body], key_id=who.key_id, route=who.route))

    @app.put("/v1/services/{service_id}", response_model=WriteReport, tags=["directory"])
    def put_service(service_id: str, body: Service, store: StoreDep, who: CallerDep) -> WriteReport:
        _same_id(service_id, body.id)
        old = store.get(Service, service_id)
        who.require_writer(old.organisation_id)
        who.require_writer(body.organisation_id)
        check_service_terms(reference, body)
        body = keep_unseen_locations(store, body, who.role.clearance)
        return _report(store.upsert([body], key_id=who.key_id, route=who.route))

    @app.delete("/v1/services/{service_id}", status_code=204, tags=["directory"])
    def delete_service(service_id: str, store: StoreDep, who: CallerDep) -> None:
        who.require_writer(store.get(Service, service_id).organisation_id)
        store.delete(Service, service_id, key_id=who.key_id, route=who.route)

    # --- links ---

    @app.get("/v1/links", response_model=list[LinkIn], tags=["network"])
    def list_links(store: StoreDep, organisation_id: str | None = None) -> list[LinkIn]:
        if organisation_id:
            store.get(Organisation, organisation_id)
        found: list[Link] = [
            *store.links(Cooperation, organisation_id=organisation_id),
            *store.links(ReferralFlow, organisation_id=organisation_id),
        ]
        return [LinkIn.of(x) for x in found]

    @app.post("/v1/links", response_model=WriteReport, status_code=201, tags=["network"])
    def add_link(body: LinkIn, store: StoreDep, who: CallerDep) -> WriteReport:
        link = _link(body)
        _require_link_writer(who, link)
        return _report(store.add_links([link], key_id=who.key_id, route=who.route))

    @app.delete("/v1/links", status_code=204, tags=["network"])
    def remove_link(body: LinkIn, store: StoreDep, who: CallerDep) -> None:
        link = _link(body)
        _require_link_writer(who, link)
        store.remove_link(link, key_id=who.key_id, route=who.route)

    @app.get("/v1/audit", response_model=list[Change], tags=["directory"])
    def audit(store: StoreDep, who: CallerDep, limit: Annotated[int, Query(ge=1, le=200)] = 100) -> list[Change]:
        """The change log: every write with its key id, time, route and before/after diff (coordinators)."""
        who.require_coordinator()
        return store.changes(limit=limit)

    @app.get("/v1/paths", response_model=list[PathOut], tags=["network"])
    def paths(
        store: StoreDep,
        from_: Annotated[str, Query(alias="from")],
        to: str,
        max_hops: Annotated[int, Query(ge=1, le=6)] = 3,
        limit: Annotated[int, Query(ge=1, le=20)] = 5,
    ) -> list[PathOut]:
        """Shortest cooperation paths between two organisations (≤ max_hops, hard cap 6)."""
        found = store.paths(from_, to, max_hops=max_hops, limit=limit)
        names = {o.id: o.name for o in store.list(Organisation, ids=sorted({i for p in found for i in p}))}
        return [PathOut(hops=len(p) - 1, organisations=[Named(id=i, name=names[i]) for i in p]) for p in found]

    # --- reference data ---

    @app.get("/v1/taxonomy", response_model=list[TermOut], tags=["reference"])
    def taxonomy(
        kind: TermKind | None = None, lang: str | None = None, accept_language: Annotated[str | None, Header()] = None
    ) -> list[TermOut]:
        chosen = answer_language(lang, accept_language)
        return [
            TermOut(
                code=t.id,
                kind=t.term_kind.value,
                parent=t.parent,
                label=t.label(chosen),
                labels={x: t.label(x) for x in LANGUAGES},
            )
            for t in reference.taxonomy.terms.values()
            if kind is None or t.term_kind == kind
        ]

    @app.get("/v1/divisions", response_model=list[DivisionOut], tags=["reference"])
    def divisions(
        lang: str | None = None, accept_language: Annotated[str | None, Header()] = None
    ) -> list[DivisionOut]:
        chosen = answer_language(lang, accept_language)
        return [DivisionOut(id=d.id, label=d.label(chosen)) for d in reference.geography.divisions.values()]

    @app.get("/v1/communes", response_model=list[CommuneOut], tags=["reference"])
    def communes(
        postcode: str | None = None,
        name: str | None = None,
        lang: str | None = None,
        accept_language: Annotated[str | None, Header()] = None,
    ) -> list[CommuneOut]:
        chosen = answer_language(lang, accept_language)
        geo = reference.geography
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
                division=division_out(reference, c.division, chosen),
                arrondissement=c.arrondissement,
            )
            for c in found
        ]


def _same_id(path_id: str, body_id: str) -> None:
    if path_id != body_id:
        raise InvalidInput(f"the body's id «{body_id}» differs from the URL's «{path_id}»", parameter="id")


def _public_service(service: Service, who: Caller) -> Service:
    return service.model_copy(update={"contacts": visible_contacts(service.contacts, who.role)})


def _link(body: LinkIn) -> Cooperation | ReferralFlow:
    try:
        return body.to_link()
    except ValueError as exc:
        raise InvalidInput(str(exc).splitlines()[-1], parameter="body") from exc


def _require_link_writer(who: Caller, link: Cooperation | ReferralFlow) -> None:
    if who.role is Role.COORDINATOR:
        return
    ends = (link.a, link.b) if isinstance(link, Cooperation) else (link.from_id, link.to_id)
    if who.organisation_id not in ends:
        who.require_writer(ends[0])
