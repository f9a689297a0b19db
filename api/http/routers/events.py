"""The platforms' events, news and projects over HTTP: the writes (the reads and feeds are routers/feeds.py).

Each route calls `relais.events` (graph/usecases/events.py), which checks the rights — coordinators keep
everything, an organiser's editor its own events, any member's key registers its own organisation — and the
`version` the writer started from (412 with nothing written when it changed). Registrations are head counts
of the key's organisation, never names.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query

from api.http.deps import CallerDep, RelaisDep, member_writer, writer
from api.schemas import AttendanceIn, RegistrationIn, RegistrationOut, SavedOut, WriteReport
from graph.errors import InvalidInput
from graph.models import NewsPost, Project, Training, UpsertReport

writes = APIRouter(prefix="/v1", tags=["events"], dependencies=[Depends(writer)])
registering = APIRouter(prefix="/v1", tags=["events"], dependencies=[Depends(member_writer)])

Version = Annotated[
    str | None, Query(max_length=64, description="the version read with the record (or send it as If-Match)")
]
IfMatch = Annotated[str | None, Header(max_length=64)]


def _expected(version: str | None, if_match: str | None) -> str:
    """The version a change or a deletion starts from: required, so nobody overwrites what they never saw."""
    found = version or (if_match or "").strip().removeprefix("W/").strip('"')
    if not found:
        raise InvalidInput("send the version you read («version» or If-Match)", parameter="version", code="missing")
    return found


def _same_id(path_id: str, body_id: str) -> None:
    if path_id != body_id:
        raise InvalidInput(f"the body's id «{body_id}» differs from the URL's «{path_id}»", parameter="id")


def _saved(record: Training | NewsPost | Project, report: UpsertReport) -> SavedOut:
    return SavedOut(
        id=record.id,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        version=record.content_hash(),
    )


# --- events ---------------------------------------------------------------------------------------------


@writes.post("/events", response_model=SavedOut, status_code=201)
def create_event(body: Training, relais: RelaisDep, who: CallerDep) -> SavedOut:
    """A new event: coordinators, or an organiser's editor for its own organisation's."""
    return _saved(body, relais.events.save(who, body))


@writes.put("/events/{event_id}", response_model=SavedOut)
def save_event(
    event_id: str, body: Training, relais: RelaisDep, who: CallerDep, version: Version = None, if_match: IfMatch = None
) -> SavedOut:
    _same_id(event_id, body.id)
    return _saved(body, relais.events.save(who, body, expected=_expected(version, if_match)))


@writes.delete("/events/{event_id}", status_code=204)
def delete_event(
    event_id: str, relais: RelaisDep, who: CallerDep, version: Version = None, if_match: IfMatch = None
) -> None:
    """The event goes with its registrations and attendances."""
    relais.events.delete(who, Training, event_id, _expected(version, if_match))


@registering.post("/events/{event_id}/registrations", response_model=RegistrationOut, status_code=201)
def register(event_id: str, body: RegistrationIn, relais: RelaisDep, who: CallerDep) -> RegistrationOut:
    """Register the key's organisation (or change its head count); beyond the places left, they wait."""
    registration = relais.events.register(who, event_id, body.participants)
    return RegistrationOut(
        organisation_id=registration.organisation_id,
        event_id=event_id,
        participants=registration.participants,
        waiting=registration.waiting,
        places_left=relais.events.event(who, event_id).places_left,
    )


@registering.delete("/events/{event_id}/registrations", status_code=204)
def unregister(event_id: str, relais: RelaisDep, who: CallerDep) -> None:
    relais.events.unregister(who, event_id)


@writes.put("/events/{event_id}/attendance", response_model=WriteReport)
def confirm_attendance(event_id: str, body: AttendanceIn, relais: RelaisDep, who: CallerDep) -> WriteReport:
    """After the event (coordinators): who came, as head counts per organisation; the event is then held and
    the training coverage counts them."""
    return WriteReport.of(relais.events.confirm_attendance(who, event_id, dict(body.counts)))


# --- news and projects (the coordination's) ----------------------------------------------------------------


@writes.post("/news", response_model=SavedOut, status_code=201)
def create_news(body: NewsPost, relais: RelaisDep, who: CallerDep) -> SavedOut:
    return _saved(body, relais.events.save(who, body))


@writes.put("/news/{news_id}", response_model=SavedOut)
def save_news(
    news_id: str, body: NewsPost, relais: RelaisDep, who: CallerDep, version: Version = None, if_match: IfMatch = None
) -> SavedOut:
    _same_id(news_id, body.id)
    return _saved(body, relais.events.save(who, body, expected=_expected(version, if_match)))


@writes.delete("/news/{news_id}", status_code=204)
def delete_news(
    news_id: str, relais: RelaisDep, who: CallerDep, version: Version = None, if_match: IfMatch = None
) -> None:
    relais.events.delete(who, NewsPost, news_id, _expected(version, if_match))


@writes.post("/projects", response_model=SavedOut, status_code=201)
def create_project(body: Project, relais: RelaisDep, who: CallerDep) -> SavedOut:
    """A joint project: once running, its partners count as cooperating on the map and in the analysis."""
    return _saved(body, relais.events.save(who, body))


@writes.put("/projects/{project_id}", response_model=SavedOut)
def save_project(
    project_id: str, body: Project, relais: RelaisDep, who: CallerDep, version: Version = None, if_match: IfMatch = None
) -> SavedOut:
    _same_id(project_id, body.id)
    return _saved(body, relais.events.save(who, body, expected=_expected(version, if_match)))


@writes.delete("/projects/{project_id}", status_code=204)
def delete_project(
    project_id: str, relais: RelaisDep, who: CallerDep, version: Version = None, if_match: IfMatch = None
) -> None:
    relais.events.delete(who, Project, project_id, _expected(version, if_match))


router = APIRouter()
"""What the app includes: the writes (editor or coordinator keys) and the registrations (any member's key)."""
router.include_router(writes)
router.include_router(registering)
