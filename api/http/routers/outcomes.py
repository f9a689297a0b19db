"""Counts that close the loop, over HTTP: «orientation faite», a service's outcomes, the coordinators' view.

Each route calls `relais.outcomes` (graph/usecases/outcomes.py), which checks the rights and keeps only
months and codes (docs/security.md «Ce que Relais compte, et ce qu'il ne garde jamais»).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from api.http.deps import CallerDep, RelaisDep, member_writer, writer
from api.http.errors import asked_language, problem
from api.i18n import t
from api.schemas import LoopOut, OrientationIn, OrientationOut, OutcomesIn, ServiceOutcomesOut
from graph.errors import Stale
from graph.models import OutcomeReason
from graph.usecases.outcomes import DEFAULT_MONTHS, ServiceOutcomes

router = APIRouter(prefix="/v1", tags=["outcomes"])
counting = APIRouter(prefix="/v1", tags=["outcomes"], dependencies=[Depends(member_writer)])
writes = APIRouter(prefix="/v1", tags=["outcomes"], dependencies=[Depends(writer)])


def _out(found: ServiceOutcomes) -> ServiceOutcomesOut:
    counts = {r: found.counts.get(r, 0) for r in OutcomeReason}
    return ServiceOutcomesOut(
        service_id=found.service.id, month=found.month, counts=counts, referred=found.referred, version=found.version
    )


@counting.post("/orientations", response_model=OrientationOut, status_code=201)
def record_orientation(body: OrientationIn, relais: RelaisDep, who: CallerDep) -> OrientationOut:
    """«Orientation faite»: one more referral from the key's organisation to this service this month (or
    the month given). Any member's key with an organisation; nothing about the person is taken."""
    tally = relais.outcomes.record_referral(who, body.service_id, body.situation, body.month)
    return OrientationOut(
        month=tally.month, from_organisation=tally.from_id, service_id=tally.service_id, situation=tally.situation
    )


@router.get("/services/{service_id}/outcomes", response_model=ServiceOutcomesOut)
def service_outcomes(
    service_id: str, relais: RelaisDep, who: CallerDep, month: Annotated[str | None, Query(max_length=32)] = None
) -> ServiceOutcomesOut:
    """A service's outcome counts of a month (this one by default), with its `version` for the next save:
    its organisation's editors and the coordinators."""
    return _out(relais.outcomes.outcomes(who, service_id, month))


@writes.put("/services/{service_id}/outcomes", response_model=ServiceOutcomesOut, responses={409: {}})
def set_service_outcomes(
    service_id: str, body: OutcomesIn, request: Request, relais: RelaisDep, who: CallerDep
) -> ServiceOutcomesOut | JSONResponse:
    """Enter a service's month as a whole (a reason left out is 0). 409 with the `current` counts when they
    changed since `version` was read: nothing is written."""
    try:
        return _out(relais.outcomes.set_outcomes(who, service_id, body.month, body.counts, body.version))
    except Stale as exc:
        current = _out(relais.outcomes.outcomes(who, service_id, body.month))
        lang = asked_language(request)
        detail = t("net_stale_same", lang) if lang else str(exc)
        return problem(409, "Conflict", detail, request.url.path, current=current.model_dump(mode="json"))


@router.get("/outcomes", response_model=LoopOut)
def loop(
    relais: RelaisDep,
    who: CallerDep,
    division: str | None = None,
    months: Annotated[int, Query(ge=1, le=60)] = DEFAULT_MONTHS,
) -> LoopOut:
    """Coordinators only: refusal rates per service and division with their reasons, capacity gaps, flows
    without an agreement and agreements without flows, unmet demand ranked — every figure below 3 «< 3»."""
    d = relais.reference.geography.division(division).id if division else None
    return LoopOut.model_validate(relais.outcomes.loop(who, d, months))
