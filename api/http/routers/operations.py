"""Liveness and readiness, for the process manager and the load balancer."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.http.deps import RelaisDep
from api.http.warming import server_warm
from api.schemas import Health

router = APIRouter(tags=["ops"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process answers (does not touch the database)."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    responses={503: {"model": Health, "description": "store unavailable, or other workers still warming"}},
)
def readyz(request: Request, relais: RelaisDep) -> Health | JSONResponse:
    """The store answers, and every worker of the server is warm. A worker serves only once its referral cache
    is warm (or `RELAIS_WARM_SECONDS` has passed): no 200 from a cold worker, nor from a warm one while the
    others warm (api/http/warming.py)."""
    relais.store.ping()
    store = type(relais.store).__name__
    if not server_warm(request.app.state.settings):
        return JSONResponse(Health(status="warming", store=store).model_dump(), status_code=503)
    return Health(status="ready", store=store)
