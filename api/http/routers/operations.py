"""Liveness and readiness, for the process manager and the load balancer."""

from __future__ import annotations

from fastapi import APIRouter

from api.http.deps import RelaisDep
from api.schemas import Health

router = APIRouter(tags=["ops"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process answers (does not touch the database)."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"description": "store unavailable"}})
def readyz(relais: RelaisDep) -> Health:
    """The store answers. A worker serves only once its referral cache is warm (or `RELAIS_WARM_SECONDS`
    has passed): no 200 from a cold worker (api/http/warming.py)."""
    relais.store.ping()
    return Health(status="ready", store=type(relais.store).__name__)
