"""The network: cooperation and referral links, partners, paths, and the change log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import ValidationError

from api.http.deps import CallerDep, RelaisDep, writer
from api.schemas import LinkIn, LinkOut, Named, PartnerOut, PathOut, PurgeIn, PurgeOut, WriteReport
from graph.errors import InvalidInput
from graph.models import Change, Cooperation, ReferralFlow

router = APIRouter(prefix="/v1", tags=["network"])
writes = APIRouter(prefix="/v1", tags=["network"], dependencies=[Depends(writer)])


def _link(body: LinkIn) -> Cooperation | ReferralFlow:
    """The link the body describes; each problem names its field (`count`, `verified_at`…) and the limit."""
    try:
        return body.to_link()
    except ValidationError as exc:
        raise InvalidInput.of(exc, default="body") from exc


@router.get("/organisations/{organisation_id}/partners", response_model=list[PartnerOut])
def partners(organisation_id: str, relais: RelaisDep, hops: Annotated[int, Query(ge=1, le=3)] = 1) -> list[PartnerOut]:
    return [PartnerOut(id=i, name=n, distance=d) for i, n, d in relais.network.partners(organisation_id, hops)]


@router.get("/links", response_model=list[LinkOut])
def list_links(relais: RelaisDep, who: CallerDep, organisation_id: str | None = None) -> list[LinkOut]:
    """Confirmed links; pending cooperations too for their two ends' editors and for coordinators."""
    return [LinkOut.listed(x) for x in relais.network.links(who, organisation_id)]


@writes.post("/links", response_model=WriteReport, status_code=201)
def add_link(body: LinkIn, relais: RelaisDep, who: CallerDep) -> WriteReport:
    """A coordinator's cooperation is confirmed at once; an editor's waits for the other end, whose editor
    confirms it by posting the same link. Referral counts: the sending side (`from`) only."""
    return WriteReport.of(relais.network.add_link(who, _link(body)))


@writes.delete("/links", status_code=204)
def remove_link(body: LinkIn, relais: RelaisDep, who: CallerDep) -> None:
    relais.network.remove_link(who, _link(body))


@router.get("/paths", response_model=list[PathOut])
def paths(
    relais: RelaisDep,
    from_: Annotated[str, Query(alias="from")],
    to: str,
    max_hops: Annotated[int, Query(ge=1, le=6)] = 3,
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> list[PathOut]:
    """Shortest cooperation paths between two organisations (≤ max_hops, hard cap 6)."""
    found = relais.network.paths(from_, to, max_hops, limit)
    return [PathOut(hops=len(p) - 1, organisations=[Named(id=i, name=n) for i, n in p]) for p in found]


@router.get("/audit", response_model=list[Change], tags=["directory"])
def audit(relais: RelaisDep, who: CallerDep, limit: Annotated[int, Query(ge=1, le=200)] = 100) -> list[Change]:
    """The change log: every write with its key id, time, route and before/after diff (coordinators)."""
    return relais.network.changes(who, limit)


@writes.post("/audit/purge", response_model=PurgeOut, tags=["directory"])
def purge_audit(body: PurgeIn, relais: RelaisDep, who: CallerDep) -> PurgeOut:
    """Replace every change-log value containing `text` by a marker (coordinators); logged without the value."""
    return PurgeOut(purged=relais.network.purge_changes(who, body.text))
