"""Organisations and services: read by anyone, written by their own editors and by coordinators."""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Header, Query, Response

from api.bootstrap import Relais
from api.http.auth import HttpCaller
from api.http.deps import CallerDep, RelaisDep, writer
from api.schemas import CapacityIn, WriteReport
from graph.errors import InvalidInput
from graph.models import Organisation, Service

router = APIRouter(prefix="/v1", tags=["directory"])
writes = APIRouter(prefix="/v1", tags=["directory"], dependencies=[Depends(writer)])

Limit = Annotated[int, Query(ge=1, le=200)]
R = TypeVar("R", Organisation, Service)
IfMatch = Annotated[str | None, Header(description="the ETag read with the record: 412 if it changed since")]
Offset = Annotated[int, Query(ge=0)]


def _tagged(
    response: Response, relais: Relais, who: HttpCaller, kind: type[Organisation] | type[Service], record: R
) -> R:
    """The record, with its version as the caller sees it in the ETag header (for the next If-Match)."""
    response.headers["ETag"] = f'"{relais.directory.version(who, kind, record.id)}"'
    return record


def version(if_match: str | None) -> str | None:
    """The versions an If-Match names («"v"», «W/"v"», a list of them, or «*»); None when the client sent none."""
    return if_match.strip() if if_match is not None else None


def _same_id(path_id: str, body_id: str) -> None:
    if path_id != body_id:
        raise InvalidInput(f"the body's id «{body_id}» differs from the URL's «{path_id}»", parameter="id")


@router.get("/organisations", response_model=list[Organisation])
def list_organisations(relais: RelaisDep, limit: Limit = 200, offset: Offset = 0) -> list[Organisation]:
    return relais.directory.organisations()[offset : offset + limit]


@router.get("/organisations/{organisation_id}", response_model=Organisation)
def get_organisation(organisation_id: str, relais: RelaisDep, who: CallerDep, response: Response) -> Organisation:
    """With its version as ETag: send it back in If-Match to save or delete (412 if someone saved meanwhile)."""
    return _tagged(response, relais, who, Organisation, relais.directory.organisation(organisation_id))


@writes.post("/organisations", response_model=WriteReport, status_code=201)
def create_organisation(body: Organisation, relais: RelaisDep, who: CallerDep) -> WriteReport:
    return WriteReport.of(relais.directory.create_organisation(who, body))


@writes.put("/organisations/{organisation_id}", response_model=WriteReport)
def put_organisation(
    organisation_id: str,
    body: Organisation,
    relais: RelaisDep,
    who: CallerDep,
    response: Response,
    if_match: IfMatch = None,
) -> WriteReport:
    """Answers with the new version as ETag, for the next save."""
    _same_id(organisation_id, body.id)
    report = relais.directory.save_organisation(who, body, expected=version(if_match))
    _tagged(response, relais, who, Organisation, body)
    return WriteReport.of(report)


@writes.delete("/organisations/{organisation_id}", status_code=204)
def delete_organisation(organisation_id: str, relais: RelaisDep, who: CallerDep, if_match: IfMatch = None) -> None:
    relais.directory.delete_organisation(who, organisation_id, expected=version(if_match))


@writes.post("/organisations/{organisation_id}/verified", response_model=WriteReport)
def mark_verified(organisation_id: str, relais: RelaisDep, who: CallerDep) -> WriteReport:
    """The organisation confirmed its record today."""
    return WriteReport.of(relais.directory.mark_verified(who, organisation_id))


@router.get("/services", response_model=list[Service])
def list_services(
    relais: RelaisDep, who: CallerDep, organisation_id: str | None = None, limit: Limit = 200, offset: Offset = 0
) -> list[Service]:
    return relais.directory.services(who, organisation_id)[offset : offset + limit]


@router.get("/services/{service_id}", response_model=Service)
def get_service(service_id: str, relais: RelaisDep, who: CallerDep, response: Response) -> Service:
    """With its version as ETag (see the organisation's)."""
    return _tagged(response, relais, who, Service, relais.directory.service(who, service_id))


@writes.post("/services", response_model=WriteReport, status_code=201)
def create_service(body: Service, relais: RelaisDep, who: CallerDep) -> WriteReport:
    return WriteReport.of(relais.directory.create_service(who, body))


@writes.put("/services/{service_id}", response_model=WriteReport)
def put_service(
    service_id: str, body: Service, relais: RelaisDep, who: CallerDep, response: Response, if_match: IfMatch = None
) -> WriteReport:
    """Answers with the new version as ETag, for the next save."""
    _same_id(service_id, body.id)
    report = relais.directory.save_service(who, body, expected=version(if_match))
    _tagged(response, relais, who, Service, body)
    return WriteReport.of(report)


@writes.put("/services/{service_id}/capacity", response_model=WriteReport)
def set_capacity(service_id: str, body: CapacityIn, relais: RelaisDep, who: CallerDep) -> WriteReport:
    """Free places as of today (a shelter's one-tap update)."""
    return WriteReport.of(relais.directory.set_capacity(who, service_id, body.available, body.total))


@writes.delete("/services/{service_id}", status_code=204)
def delete_service(service_id: str, relais: RelaisDep, who: CallerDep, if_match: IfMatch = None) -> None:
    relais.directory.delete_service(who, service_id, expected=version(if_match))
