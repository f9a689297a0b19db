"""The HTTP API (FastAPI), versioned under /v1, with the pages and HSDS. Errors are RFC 9457 problem+json.

The app only wires: Relais comes from the composition root (`api.bootstrap.build`), each resource has
its router, every route calls a use case.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import CapacityLimiter, to_thread
from fastapi import Depends, FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.telemetry import TelemetryConfig

from api.bootstrap import Relais, build
from api.http.auth import caller
from api.http.deps import validation_error
from api.http.docs import install_docs
from api.http.errors import install_error_handlers
from api.http.guards import Guards
from api.http.routers import analysis, directory, hsds, network, operations, outcomes, pages, reference, referrals
from api.http.routers.events import router as events_router
from api.http.routers.feeds import router as feeds_router
from api.http.warming import Warmer, mark_warm
from api.settings import Settings, get_settings
from graph.referral import Role
from graph.store import GraphStore
from graph.usecases import Caller

REFERRAL_THREADS = 4
"""Referrals on Neo4j computed at once per worker. The engine is mostly Python once warm: more threads
only take turns on the GIL, and the turns were the tail (p99 under load 105 ms with 40, 18 ms with 4,
at 10k organisations)."""

QUIET_LOGGERS = ("neo4j",)
"""Libraries whose debug lines carry each request's values (the driver logs every query with its parameters:
a count's key, a question's term and division): with the line's time they would date a count to the second,
so they never write below WARNING, whatever the root logger's level (docs/security.md)."""

NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}
"""FastAPI's own OpenTelemetry stays off whatever the environment configures: its spans carry each request's
query (a question's term and division) with the instant it came, which Relais never keeps (as QUIET_LOGGERS);
off, no request pays for asking whether a provider is configured (~5 µs)."""

PRUNER = Caller(Role.COORDINATOR, key_id="relais-serve", route="start-up")
"""Who drops the counts older than the months kept when the server starts (docs/security.md)."""


def create_app(
    settings: Settings | None = None, store: GraphStore | None = None, relais: Relais | None = None
) -> FastAPI:
    """The app over `relais`, or over Relais built on `store`, or on the configured store (opened at
    start-up and closed at shutdown)."""
    settings = relais.settings if relais else settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.relais = relais or build(settings, store)
        app.state.relais.outcomes.prune(PRUNER)  # counts older than RELAIS_COUNTS_KEPT_MONTHS go at each start
        app.state.referral_threads = CapacityLimiter(REFERRAL_THREADS)
        app.state.hsds_views = hsds.Views(app.state.relais.reference)
        warmer = app.state.warmer = Warmer(app.state.relais, settings.warm_seconds)
        if settings.warm_seconds:  # before serving: api/http/warming.py says why here and not in a thread
            await to_thread.run_sync(warmer.warm, "start-up")
            warmer.watch()
        gc.collect()
        gc.freeze()  # the loaded directory is long-lived: keep it out of every later collection (p99 pauses)
        mark_warm(settings)
        yield
        warmer.stop()
        app.state.relais.close()

    app = FastAPI(
        title="Relais API",
        version="1.0",
        summary="Annuaire et graphe d'orientation des Plateformes Violences (arrondissement judiciaire de Liège)",
        description="Who to refer to, for this situation, here. No person data, ever; shelter addresses never leave.",
        lifespan=lifespan,
        telemetry=NO_TELEMETRY,
        dependencies=[Depends(caller)],
        docs_url=None,  # FastAPI's pages load a CDN and run an inline script: api/http/docs.py serves /docs
        redoc_url=None,  # Redoc always loads its logo from a CDN
    )
    app.state.settings = settings
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    install_error_handlers(app)
    app.add_exception_handler(RequestValidationError, validation_error)
    for module in (operations, referrals, directory, network, reference, analysis, outcomes):
        app.include_router(module.router)
    app.include_router(feeds_router)
    writes = (directory.writes, network.writes, outcomes.counting, outcomes.writes, events_router)
    for extra in (*writes, analysis.assets, hsds.router, pages.router):
        app.include_router(extra)
    install_docs(app)
    app.add_middleware(
        Guards,
        max_body=settings.max_body_bytes,
        searches_per_minute=settings.public_searches_per_minute,
        hsds_per_minute=settings.hsds_reads_per_minute,
        heavy_at_once=settings.heavy_requests_at_once,
        ahead=referrals.AHEAD,
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
