"""The coordination keeps the platforms' own work: events (/coordination/events), news to the members
(/coordination/news) and joint projects (/coordination/projects) — listed, created, edited, deleted after a
confirmation; an event's registrations (head counts by organisation, the waiting ones apart) and, from its day
on, the attendance the coordinator confirms (the training coverage reads it).

Every write goes through `relais.events` (rights, versions, change log). An organiser's editor keeps its own
organisation's events here too. A refused form shows the page again with every typed value and each error
next to its field (422; 412 saying what changed when someone saved meanwhile). Codes never reach the page:
topics, sectors, types, divisions, kinds and statuses are chosen in words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from api.bootstrap import Relais
from api.forms import say
from api.http.auth import HttpCaller
from api.http.deps import CallerDep, RelaisDep
from api.http.routers.pages.common import changed_since, deleted, folded, form_version, page_language, render
from api.http.routers.pages.links import changed_notice, posted, text
from api.http.routers.pages.record_forms import new_id
from api.i18n import LANGUAGES_OF_THE_INTERFACE, language_name, t
from api.reasons import readable_date
from graph.errors import Forbidden, InvalidInput, NotFound, Problem, Stale
from graph.models import (
    Count,
    EventKind,
    EventStatus,
    Location,
    NewsPost,
    Project,
    ProjectStatus,
    Training,
    Visibility,
)
from graph.referral import Role
from graph.usecases.events import EventView
from viz.texts import SECTOR_NAMES, organisation_type, sector

router = APIRouter(include_in_schema=False)

Kept = Training | NewsPost | Project
Options = dict[str, list[tuple[str, ...]]]
"""Each field's choices: (value, label) for a list, (value, label, searched) for a picker."""
SOURCE = "Relais — coordination des Plateformes Violences"
"""The provenance of what the coordination writes here (kept as it is when a record is edited)."""
MANY = frozenset({"terms", "audience_sectors", "audience_types", "divisions", "partner_ids"})
CHECKED = frozenset({"members_only"})
TRANSLATED = tuple(f"{part}_{code}" for code in ("nl", "de", "en") for part in ("title", "body"))
COUNT = TypeAdapter(Count)


@dataclass(frozen=True)
class Kind:
    """One of the three records kept here: its path, its form's fields and the labels that name them."""

    path: str
    record: type[Training] | type[NewsPost] | type[Project]
    template: str
    labels: Mapping[str, str]
    rules: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """A model-wide refusal's code → the field it is shown next to and its sentence."""

    def fields(self) -> tuple[str, ...]:
        return tuple(self.labels)


EVENTS = Kind(
    "events",
    Training,
    "events/event.html",
    {
        "title": "ev_f_title",
        "event_kind": "ev_f_kind",
        "held_on": "ev_f_held_on",
        "starts_at": "ev_f_starts_at",
        "ends_at": "ev_f_ends_at",
        "terms": "ev_f_terms",
        "audience_sectors": "ev_f_audience_sectors",
        "audience_types": "ev_f_audience_types",
        "divisions": "ev_f_divisions",
        "location_id": "ev_f_location",
        "organiser_id": "ev_f_organiser",
        "capacity": "ev_f_capacity",
        "registration_deadline": "ev_f_deadline",
        "status": "ev_f_status",
        "members_only": "ev_f_members_only",
        "description": "ev_f_description",
    },
    {
        "ends_before_start": ("ends_at", "ev_err_times"),
        "deadline_after_event": ("registration_deadline", "ev_err_deadline"),
    },
)
NEWS = Kind(
    "news",
    NewsPost,
    "events/news_form.html",
    {
        "title": "ev_n_title",
        "body": "ev_n_body",
        **{name: "ev_n_" + name.split("_")[0] + "_in" for name in TRANSLATED},
        "published_on": "ev_n_published_on",
        "terms": "ev_f_terms",
        "divisions": "ev_f_divisions",
        "members_only": "ev_f_members_only",
        "link": "ev_n_link",
    },
)
PROJECTS = Kind(
    "projects",
    Project,
    "events/project_form.html",
    {
        "name": "ev_p_name",
        "partner_ids": "ev_p_partners",
        "terms": "ev_f_terms",
        "starts_on": "ev_p_starts_on",
        "ends_on": "ev_p_ends_on",
        "status": "ev_f_status",
        "description": "ev_f_description",
    },
    {"ends_before_start": ("ends_on", "err_ends_before_start"), "duplicate": ("partner_ids", "ev_err_partner_twice")},
)
KINDS = {k.path: k for k in (EVENTS, NEWS, PROJECTS)}
DONE = frozenset(
    {f"ev_done_{k}_{what}" for k in KINDS for what in ("created", "saved", "deleted")} | {"ev_done_attendance"}
)
"""The messages a redirect may name (nothing else of the query reaches the page)."""


# --- the lists ----------------------------------------------------------------------------------------------


@router.get("/coordination/events", response_class=HTMLResponse, response_model=None)
def events_page(request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    """Coordinators see every event; an organiser's editor its organisation's."""
    _require_events(who)
    lang = page_language(request)
    today = date.today()
    names = _names(relais)
    rows = [_event_row(relais, v, names, lang) for v in relais.events.events(who) if _keeps(who, v.event)]
    return render(
        request,
        "events/list.html",
        who,
        upcoming=[r for r in rows if r["x"].held_on >= today],
        past=[r for r in reversed(rows) if r["x"].held_on < today],
        message=_done(request, lang),
    )


@router.get("/coordination/news", response_class=HTMLResponse, response_model=None)
def news_page(request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    who.require_coordinator()
    lang = page_language(request)
    rows = [
        {
            "x": n,
            "title": n.title_in(lang),
            "translated": [language_name(c, lang) for c in ("nl", "de", "en") if getattr(n, f"title_{c}")],
        }
        for n in relais.events.news(who)
    ]
    return render(request, "events/news.html", who, rows=rows, message=_done(request, lang))


@router.get("/coordination/projects", response_class=HTMLResponse, response_model=None)
def projects_page(request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    who.require_coordinator()
    lang = page_language(request)
    names = _names(relais)
    rows = [
        {
            "x": p,
            "status": t(f"ev_pstatus_{p.status.value}", lang),
            "period": _period(p, lang),
            "partners": sorted((names.get(i, i) for i in p.partner_ids), key=folded),
        }
        for p in sorted(relais.events.projects(), key=lambda p: (p.starts_on, p.id), reverse=True)
    ]
    return render(request, "events/projects.html", who, rows=rows, message=_done(request, lang))


def _event_row(relais: Relais, view: EventView, names: Mapping[str, str], lang: str) -> dict[str, Any]:
    """An event as the lists and its page say it: every code in words, the counts in sentences."""
    event = view.event
    registrations = relais.events.registrations(event.id)
    attended = relais.platforms.attendances(event.id)
    divisions = relais.reference.geography.divisions
    left = view.places_left
    return {
        "x": event,
        "when": _when(event, lang),
        "kind": t(f"ev_kind_{event.event_kind.value}", lang),
        "status": t(f"ev_status_{event.status.value}", lang),
        "divisions": ", ".join(divisions[d].label(lang) for d in event.divisions if d in divisions)
        or t("ev_whole_arrondissement", lang),
        "organiser": names.get(event.organiser_id or "", "") or t("ev_organiser_none", lang),
        "registered": t("ev_registered", lang).format(n=view.registered, orgs=len(registrations)),
        "waiting": t("ev_waiting", lang).format(n=view.waiting) if view.waiting else "",
        "places": t("ev_no_limit", lang)
        if left is None
        else t("ev_places_left", lang).format(n=left, capacity=event.capacity),
        "attended": t("ev_attended", lang).format(n=sum(a.participants for a in attended), orgs=len(attended))
        if attended
        else "",
    }


def _when(event: Training, lang: str) -> str:
    """«de 09:00 à 12:30», «à 14:00» or nothing: the day is said apart."""
    start, end = (x.strftime("%H:%M") if x else "" for x in (event.starts_at, event.ends_at))
    if start and end:
        return t("ev_time_range", lang).format(start=start, end=end)
    return t("ev_time_from", lang).format(start=start) if start else ""


def _period(project: Project, lang: str) -> str:
    start = readable_date(project.starts_on, lang)
    if project.ends_on is None:
        return t("ev_p_period_from", lang).format(start=start)
    return t("ev_p_period", lang).format(start=start, end=readable_date(project.ends_on, lang))


# --- the forms ----------------------------------------------------------------------------------------------


@router.get("/coordination/events/new", response_class=HTMLResponse, response_model=None)
def new_event(request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    """`?topic=<code>&division=<id>&audience_type=<type>` (each repeatable) pre-fill the form: the
    dashboard's proposals of a training where the coverage is lowest link here."""
    _require_events(who)
    values = _blank(EVENTS, who) | _prefill(relais, request)
    return _form(request, relais, who, EVENTS, None, values, prefilled=values != _blank(EVENTS, who))


@router.get("/coordination/news/new", response_class=HTMLResponse, response_model=None)
def new_news(request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    who.require_coordinator()
    return _form(request, relais, who, NEWS, None, _blank(NEWS, who))


@router.get("/coordination/projects/new", response_class=HTMLResponse, response_model=None)
def new_project(request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    who.require_coordinator()
    return _form(request, relais, who, PROJECTS, None, _blank(PROJECTS, who))


@router.post("/coordination/events/new", response_model=None)
async def create_event(request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    return await _create(request, relais, who, EVENTS)


@router.post("/coordination/news/new", response_model=None)
async def create_news(request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    return await _create(request, relais, who, NEWS)


@router.post("/coordination/projects/new", response_model=None)
async def create_project(request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    return await _create(request, relais, who, PROJECTS)


@router.get("/coordination/events/{record_id}", response_class=HTMLResponse, response_model=None)
def event_page(record_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    """An event's form, its registrations and, from its day on, the attendance to confirm."""
    return _edit_page(request, relais, who, EVENTS, record_id)


@router.get("/coordination/news/{record_id}", response_class=HTMLResponse, response_model=None)
def news_item_page(record_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    return _edit_page(request, relais, who, NEWS, record_id)


@router.get("/coordination/projects/{record_id}", response_class=HTMLResponse, response_model=None)
def project_page(record_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    return _edit_page(request, relais, who, PROJECTS, record_id)


@router.post("/coordination/events/{record_id}", response_model=None)
async def save_event(record_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    return await _save(request, relais, who, EVENTS, record_id)


@router.post("/coordination/news/{record_id}", response_model=None)
async def save_news(record_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    return await _save(request, relais, who, NEWS, record_id)


@router.post("/coordination/projects/{record_id}", response_model=None)
async def save_project(record_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    return await _save(request, relais, who, PROJECTS, record_id)


def _edit_page(request: Request, relais: Relais, who: HttpCaller, kind: Kind, record_id: str) -> HTMLResponse:
    stored = _stored(relais, who, kind, record_id)
    return _form(request, relais, who, kind, record_id, _typed(stored), version=stored.content_hash())


async def _create(request: Request, relais: Relais, who: HttpCaller, kind: Kind) -> Response:
    form = await posted(request, who)
    values = _values(kind, form)

    def write() -> str:
        taken = ["new", *(x.id for x in _all(relais, who, kind))]
        record = _record(kind, values, new_id(_name(values), taken), None)
        _check_choices(relais, who, kind, values)
        _keep(relais, who, record, None)
        return record.id

    return await _write(request, relais, who, Attempt(kind, None, values, text(form, "version")), write, "created")


async def _save(request: Request, relais: Relais, who: HttpCaller, kind: Kind, record_id: str) -> Response:
    form = await posted(request, who)
    values = _values(kind, form)

    def write() -> str:
        stored = _stored(relais, who, kind, record_id)
        record = _record(kind, _unseen_kept(relais, who, values, stored), record_id, stored)
        _check_choices(relais, who, kind, values)
        _keep(relais, who, record, form_version(form))
        return record_id

    attempt = Attempt(kind, record_id, values, text(form, "version"))
    return await _write(request, relais, who, attempt, write, "saved")


@dataclass(frozen=True)
class Attempt:
    """A form sent: which kind and record, what was typed and the version it was opened on."""

    kind: Kind
    record_id: str | None
    values: Mapping[str, Any]
    version: str


async def _write(
    request: Request, relais: Relais, who: HttpCaller, attempt: Attempt, write: Callable[[], str], done: str
) -> Response:
    """Runs a write; a refusal shows the form again with what was typed and the errors, nothing written."""
    lang = page_language(request)
    kind = attempt.kind
    try:
        record_id = await run_in_threadpool(write)
    except (ValidationError, InvalidInput) as exc:
        errors = _errors(kind, exc, lang)
        return await run_in_threadpool(
            _form, request, relais, who, kind, attempt.record_id, attempt.values, attempt.version, errors, 422
        )
    except Stale as exc:
        current = exc.current
        if not isinstance(current, kind.record) and attempt.record_id:
            current = _stored(relais, who, kind, attempt.record_id)
        if not isinstance(current, Training | NewsPost | Project):
            raise
        said = {"": _stale(kind, _typed(current), attempt.values, lang)}
        return await run_in_threadpool(
            _form, request, relais, who, kind, attempt.record_id, attempt.values, current.content_hash(), said, 412
        )
    query = urlencode({"lang": lang, "done": f"ev_done_{kind.path}_{done}"})
    return RedirectResponse(f"/coordination/{kind.path}/{record_id}?{query}", status_code=303)


def _form(
    request: Request,
    relais: Relais,
    who: HttpCaller,
    kind: Kind,
    record_id: str | None,
    values: Mapping[str, Any],
    version: str = "",
    errors: Mapping[str, str] | None = None,
    status: int = 200,
    *,
    prefilled: bool = False,
    attendance: Failed | None = None,
) -> HTMLResponse:
    lang = page_language(request)
    extra = _event_parts(relais, who, record_id, lang, attendance) if kind is EVENTS and record_id else {}
    return render(
        request,
        kind.template,
        who,
        status=status,
        record_id=record_id,
        v=values,
        e=errors or {},
        version=version,
        options=_chosen_first(_options(relais, who, kind, lang), values),
        prefilled=prefilled,
        message=_done(request, lang),
        language_names={code: language_name(code, lang) for code in ("nl", "de", "en")},
        **extra,
    )


# --- an event's registrations and attendance -----------------------------------------------------------------


@dataclass(frozen=True)
class Failed:
    """A refused attendance form: what was typed and the sentence per field."""

    values: Mapping[str, str]
    errors: Mapping[str, str]


def _event_parts(relais: Relais, who: HttpCaller, event_id: str, lang: str, failed: Failed | None) -> dict[str, Any]:
    """The registrations (the waiting ones apart) and the attendance form: one number per organisation,
    pre-filled with what was confirmed or else the places it holds."""
    view = relais.events.event(who, event_id)
    names = _names(relais)
    registrations = sorted(
        relais.events.registrations(event_id), key=lambda r: folded(names.get(r.organisation_id, ""))
    )
    confirmed = {a.organisation_id: a.participants for a in relais.platforms.attendances(event_id)}
    counted = {r.organisation_id: r.participants - r.waiting for r in registrations} | confirmed
    rows = sorted(counted.items(), key=lambda o: folded(names.get(o[0], "")))
    typed = failed.values if failed else {f"n-{org}": str(n) for org, n in rows}
    located, clearance = (
        view.event.location_id,
        Visibility.HIDDEN if who.role is Role.COORDINATOR else Visibility.NETWORK,
    )
    place = relais.store.list(Location, ids=[located], clearance=clearance) if located else []
    return {
        "row": _event_row(relais, view, names, lang),
        "place": _place(place[0], names, lang) if place else t("ev_location_none", lang),
        "registered": [
            (names.get(r.organisation_id, ""), r.participants - r.waiting)
            for r in registrations
            if r.participants > r.waiting
        ],
        "waiting": [(names.get(r.organisation_id, ""), r.waiting) for r in registrations if r.waiting],
        "attendance": [(org, names.get(org, "")) for org, _ in rows],
        "a_values": typed,
        "a_errors": failed.errors if failed else {},
        "confirming": who.role is Role.COORDINATOR
        and view.event.held_on <= date.today()
        and view.event.status is not EventStatus.CANCELLED,
        "others": [(o, n, n) for o, n in sorted(names.items(), key=lambda o: folded(o[1])) if o not in counted],
    }


@router.post("/coordination/events/{record_id}/attendance", response_model=None)
async def confirm_attendance(record_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    """After the event: the head counts that came; the event becomes held and the coverage moves."""
    form = await posted(request, who)
    who.require_coordinator("confirming attendances")
    lang = page_language(request)
    parts = await run_in_threadpool(_event_parts, relais, who, record_id, lang, None)
    orgs = [org for org, _ in parts["attendance"]]
    values = {f"n-{org}": text(form, f"n-{org}") for org in orgs} | {k: text(form, k) for k in ("extra_org", "extra_n")}
    counts, errors = _counts(values, orgs, {o for o, _, _ in parts["others"]}, lang)
    if not errors:
        try:
            await run_in_threadpool(relais.events.confirm_attendance, who, record_id, counts)
        except InvalidInput as exc:
            errors = {"extra_org": say(exc.problems[0], lang)}
    if errors:
        stored = await run_in_threadpool(_stored, relais, who, EVENTS, record_id)
        return await run_in_threadpool(
            lambda: _form(
                request,
                relais,
                who,
                EVENTS,
                record_id,
                _typed(stored),
                stored.content_hash(),
                {},
                422,
                attendance=Failed(values, errors),
            )
        )
    query = urlencode({"lang": lang, "done": "ev_done_attendance"})
    return RedirectResponse(f"/coordination/events/{record_id}?{query}#attendance", status_code=303)


def _counts(
    values: Mapping[str, str], orgs: Iterable[str], addable: set[str], lang: str
) -> tuple[dict[str, int], dict[str, str]]:
    """Each typed count read as a number of people; an organisation added once, from the list."""
    counts: dict[str, int] = {}
    errors: dict[str, str] = {}
    asked = [(org, f"n-{org}") for org in orgs]
    extra = values.get("extra_org", "")
    if extra and extra not in addable:
        errors["extra_org"] = t("ev_err_choose", lang)
    elif extra or values.get("extra_n"):
        asked.append((extra, "extra_n"))
    for org, name in asked:
        try:
            counts[org] = COUNT.validate_strings(values.get(name, ""))
        except ValidationError as exc:
            problem = InvalidInput.of(exc, default=name).problems[0]
            empty = not values.get(name, "")
            errors[name] = t("err_missing", lang) if empty else say(problem, lang)
    if "" in counts and "extra_org" not in errors:
        errors["extra_org"] = t("ev_err_choose", lang)
    return counts, errors


# --- deleting, after a confirmation --------------------------------------------------------------------------


@router.get("/coordination/events/{record_id}/delete", response_class=HTMLResponse, response_model=None)
def confirm_event_deletion(record_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    """What goes with an event (its registrations and attendances), before it is deleted."""
    attached = len(relais.events.registrations(record_id)) + len(relais.platforms.attendances(record_id))
    return _confirm(request, relais, who, EVENTS, record_id, attached)


@router.get("/coordination/news/{record_id}/delete", response_class=HTMLResponse, response_model=None)
def confirm_news_deletion(record_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    return _confirm(request, relais, who, NEWS, record_id, 0)


@router.get("/coordination/projects/{record_id}/delete", response_class=HTMLResponse, response_model=None)
def confirm_project_deletion(record_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    return _confirm(request, relais, who, PROJECTS, record_id, 0)


def _confirm(
    request: Request, relais: Relais, who: HttpCaller, kind: Kind, record_id: str, attached: int
) -> HTMLResponse:
    lang = page_language(request)
    stored = _stored(relais, who, kind, record_id)
    return render(
        request,
        "forms/confirm.html",
        who,
        title=t(f"ev_delete_{kind.path}_title", lang).format(name=_name(_typed(stored))),
        sentence=t(f"ev_delete_{kind.path}_goes", lang).format(n=attached),
        action=f"/coordination/{kind.path}/{record_id}/delete",
        version=stored.content_hash(),
        back=f"/coordination/{kind.path}/{record_id}?lang={lang}",
        changed=changed_notice(request, lang),
    )


@router.post("/coordination/events/{record_id}/delete", response_model=None)
async def delete_event(record_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    return await _delete(request, relais, who, EVENTS, record_id)


@router.post("/coordination/news/{record_id}/delete", response_model=None)
async def delete_news(record_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    return await _delete(request, relais, who, NEWS, record_id)


@router.post("/coordination/projects/{record_id}/delete", response_model=None)
async def delete_project(record_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    return await _delete(request, relais, who, PROJECTS, record_id)


async def _delete(request: Request, relais: Relais, who: HttpCaller, kind: Kind, record_id: str) -> Response:
    """A deletion confirmed after the record changed deletes nothing and shows the confirmation again."""
    form = await posted(request, who)
    await run_in_threadpool(_stored, relais, who, kind, record_id)  # another's event: refused before anything
    if not await deleted(lambda: _drop(relais, who, kind, record_id, form_version(form))):
        return changed_since(f"/coordination/{kind.path}/{record_id}/delete", request)
    query = urlencode({"lang": page_language(request), "done": f"ev_done_{kind.path}_deleted"})
    return RedirectResponse(f"/coordination/{kind.path}?{query}", status_code=303)


def _keep(relais: Relais, who: HttpCaller, record: Kept, expected: str | None) -> None:
    """Saves through the use case, whichever of the three the record is."""
    match record:
        case Training():
            relais.events.save(who, record, expected)
        case NewsPost():
            relais.events.save(who, record, expected)
        case Project():
            relais.events.save(who, record, expected)


def _drop(relais: Relais, who: HttpCaller, kind: Kind, record_id: str, expected: str) -> None:
    if kind is EVENTS:
        relais.events.delete(who, Training, record_id, expected)
    elif kind is NEWS:
        relais.events.delete(who, NewsPost, record_id, expected)
    else:
        relais.events.delete(who, Project, record_id, expected)


# --- what the forms share -----------------------------------------------------------------------------------


def _require_events(who: HttpCaller) -> None:
    """The events' pages are for coordinators and for the editors of an organisation (its own events)."""
    if who.role is not Role.EDITOR or not who.organisation_id:
        who.require_coordinator()


def _keeps(who: HttpCaller, event: Training) -> bool:
    return who.role is Role.COORDINATOR or (
        event.organiser_id is not None and event.organiser_id == who.organisation_id
    )


def _stored(relais: Relais, who: HttpCaller, kind: Kind, record_id: str) -> Kept:
    """The record as stored, for whoever keeps it: another organisation's event is refused."""
    if kind is EVENTS:
        _require_events(who)
        event = relais.events.event(who, record_id).event
        if not _keeps(who, event):
            raise Forbidden("an editor keeps its own organisation's events only")
        return event
    who.require_coordinator()
    for record in _all(relais, who, kind):
        if record.id == record_id:
            return record
    raise NotFound(f"no {kind.record.kind} «{record_id}»")


def _all(relais: Relais, who: HttpCaller, kind: Kind) -> list[Kept]:
    if kind is EVENTS:
        return [v.event for v in relais.events.events(who)]
    return list(relais.events.news(who) if kind is NEWS else relais.events.projects())


def _names(relais: Relais) -> dict[str, str]:
    return {o.id: o.name for o in relais.directory.organisations()}


def _name(values: Mapping[str, Any]) -> str:
    return str(values.get("title") or values.get("name") or "")


def _done(request: Request, lang: str) -> str:
    done = request.query_params.get("done", "")
    return t(done, lang) if done in DONE else ""


def _blank(kind: Kind, who: HttpCaller) -> dict[str, Any]:
    """A new record's form: lists empty, the usual choices made."""
    values: dict[str, Any] = {f: [] if f in MANY else "" for f in kind.fields()}
    if kind is EVENTS:
        values |= {"event_kind": EventKind.TRAINING.value, "status": EventStatus.PLANNED.value}
        values["organiser_id"] = who.organisation_id if who.role is Role.EDITOR else ""
    elif kind is NEWS:
        values["published_on"] = date.today().isoformat()
    else:
        values |= {"status": ProjectStatus.RUNNING.value, "starts_on": date.today().isoformat()}
    return values


def _prefill(relais: Relais, request: Request) -> dict[str, list[str]]:
    """The proposal's topics, divisions and organisation types, those that exist (the rest is left out)."""
    found: dict[str, list[str]] = {}
    known: dict[tuple[str, str], Mapping[str, object]] = {
        ("topic", "terms"): relais.reference.taxonomy.terms,
        ("division", "divisions"): relais.reference.geography.divisions,
        ("audience_type", "audience_types"): relais.reference.organisation_types,
    }
    for (asked, name), codes in known.items():
        chosen = [c for c in dict.fromkeys(request.query_params.getlist(asked)) if c in codes]
        if chosen:
            found[name] = chosen
    return found


def _values(kind: Kind, form: Mapping[str, Any]) -> dict[str, Any]:
    """What was typed, as the form shows it again: lists for the pickers, «on» for a ticked box."""
    values: dict[str, Any] = {}
    for name in kind.fields():
        raw = form.get(name)
        if name in MANY:
            values[name] = [v for v in ([raw] if isinstance(raw, str) else raw or []) if v]
        elif name in CHECKED:
            values[name] = "on" if raw else ""
        else:
            values[name] = text(form, name)
    return values


def _typed(record: Kept) -> dict[str, Any]:
    """A stored record as its form shows it (times to the minute, nothing as «None»)."""
    values: dict[str, Any] = {}
    for name, value in record.model_dump(mode="json", exclude={"modified_at"}).items():
        if isinstance(value, list):
            values[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            values[name] = "on" if value else ""
        else:
            values[name] = "" if value is None else str(value)
    for name in ("starts_at", "ends_at"):
        if values.get(name):
            values[name] = values[name][:5]
    return values


def _record(kind: Kind, values: Mapping[str, Any], record_id: str, stored: Kept | None) -> Kept:
    """The record the form describes; what the form does not show (source, project) kept as stored."""
    data: dict[str, Any] = stored.model_dump(mode="json", exclude={"modified_at"}) if stored else {"source": SOURCE}
    data["id"] = record_id
    for name in kind.fields():
        value = values.get(name)
        if name in CHECKED:
            data[name] = value == "on"
        elif name in MANY or value:
            data[name] = value
        else:
            data.pop(name, None)  # empty: the field's default, or «à remplir» when it has none
    return kind.record.model_validate(data)


def _unseen_kept(relais: Relais, who: HttpCaller, values: Mapping[str, Any], stored: Kept) -> Mapping[str, Any]:
    """A place the form could not offer (a coordinator held an editor's event at a hidden site) is kept as
    stored, never dropped unseen: the use case then refuses the editor's save and nothing is lost."""
    place = stored.location_id if isinstance(stored, Training) else None
    if not place or values.get("location_id") or place in {o[0] for o in _places(relais, who, "fr")}:
        return values
    return {**values, "location_id": place}


def _check_choices(relais: Relais, who: HttpCaller, kind: Kind, values: Mapping[str, Any]) -> None:
    """A chosen value must be one the form offered (another's hidden place, an unknown organisation)."""
    options = _options(relais, who, kind, "fr")
    problems = []
    for name, offered in options.items():
        allowed = {o[0] for o in offered}
        chosen = values.get(name)
        picked = chosen if isinstance(chosen, list) else [chosen] if chosen else []
        if any(c not in allowed for c in picked):
            problems.append(Problem(f"«{name}»: not among the choices", column=name, code="ev_choose"))
    if problems:
        raise InvalidInput(problems)


def _options(relais: Relais, who: HttpCaller, kind: Kind, lang: str) -> Options:
    """Every choice of the form in words, found by its words in any language: (value, label, searched)."""
    ref = relais.reference
    terms = [(x.id, x.label(lang), _every(x.label)) for x in ref.taxonomy.terms.values()]
    divisions = [(d.id, d.label(lang), d.label(lang)) for d in ref.geography.divisions.values()]
    found: Options = {"terms": _sorted(terms), "divisions": _sorted(divisions)}
    if kind is PROJECTS:
        orgs = _names(relais)
        found["partner_ids"] = _sorted((i, n, n) for i, n in orgs.items())
        found["status"] = [(s.value, t(f"ev_pstatus_{s.value}", lang)) for s in ProjectStatus]
    if kind is not EVENTS:
        return found
    sectors = [(s, sector(s, lang), _every(partial(sector, s))) for s in SECTOR_NAMES]
    types = [
        (c, organisation_type(ref, c, lang), _every(partial(organisation_type, ref, c))) for c in ref.organisation_types
    ]
    return found | {
        "audience_sectors": _sorted(sectors),
        "audience_types": _sorted(types),
        "event_kind": [(k.value, t(f"ev_kind_{k.value}", lang)) for k in EventKind],
        "status": [(s.value, t(f"ev_status_{s.value}", lang)) for s in EventStatus],
        "organiser_id": _organisers(relais, who, lang),
        "location_id": _places(relais, who, lang),
    }


def _chosen_first(options: Options, values: Mapping[str, Any]) -> Options:
    """In a picker's long list, what is chosen shows first: a pre-filled proposal is read at a glance."""
    ordered: Options = {}
    for name, offered in options.items():
        chosen = values.get(name)
        picked = set(chosen) if isinstance(chosen, list) else {chosen}
        ordered[name] = (
            sorted(offered, key=lambda o: o[0] not in picked) if offered and len(offered[0]) == 3 else offered
        )
    return ordered


def _every(label: Callable[[str], str]) -> str:
    return " ".join(label(code) for code in LANGUAGES_OF_THE_INTERFACE)


def _sorted(options: Iterable[tuple[str, ...]]) -> list[tuple[str, ...]]:
    return sorted(options, key=lambda o: folded(o[1]))


def _organisers(relais: Relais, who: HttpCaller, lang: str) -> list[tuple[str, ...]]:
    """A coordinator picks any organisation (or the coordination itself); an editor its own."""
    names = _names(relais)
    if who.role is not Role.COORDINATOR:
        own = who.organisation_id or ""
        return [(own, names.get(own, ""), names.get(own, ""))]
    return [
        ("", t("ev_organiser_none", lang), t("ev_organiser_none", lang)),
        *_sorted((i, n, n) for i, n in names.items()),
    ]


def _places(relais: Relais, who: HttpCaller, lang: str) -> list[tuple[str, ...]]:
    """The directory's places, each saying who reads its address; a hidden one only for coordinators, by its
    organisation and never by its name or address (an editor's event there is refused as an unknown place)."""
    clearance = Visibility.HIDDEN if who.role is Role.COORDINATOR else Visibility.NETWORK
    names = _names(relais)
    labelled = [(p.id, _place(p, names, lang)) for p in relais.store.list(Location, clearance=clearance)]
    options = [(i, label, label) for i, label in labelled]
    none = t("ev_location_none", lang)
    return [("", none, none), *_sorted(options)]


def _place(place: Location, names: Mapping[str, str], lang: str) -> str:
    hidden = place.visibility is Visibility.HIDDEN
    return t("ev_location_option", lang).format(
        organisation=names.get(place.organisation_id, ""),
        place=t("ev_location_masked", lang) if hidden else place.name or place.address,
        visibility=t(f"ev_location_{place.visibility.value}", lang),
    )


def _errors(kind: Kind, exc: ValidationError | InvalidInput, lang: str) -> dict[str, str]:
    """Each problem next to its field, in the page's language; a model-wide one next to the field it is about."""
    problems = InvalidInput.of(exc).problems if isinstance(exc, ValidationError) else exc.problems
    found: dict[str, str] = {}
    for problem in problems:
        name = (problem.column or "").split(".")[0]
        if problem.code in kind.rules:
            name, key = kind.rules[problem.code]
            found.setdefault(name, t(key, lang))
            continue
        sentence = t("ev_err_choose", lang) if problem.code == "ev_choose" else say(problem, lang)
        found.setdefault(name if name in kind.labels else "", sentence)
    return found


def _stale(kind: Kind, stored: Mapping[str, Any], typed: Mapping[str, Any], lang: str) -> str:
    """What someone else saved meanwhile, by the labels of the fields that differ from what was typed."""
    changed = [
        _label(kind, name, lang) for name in kind.fields() if _plain(stored.get(name)) != _plain(typed.get(name))
    ]
    if not changed:
        return t("net_stale_same", lang)
    return t("net_stale", lang).format(fields=", ".join(changed))


def _label(kind: Kind, name: str, lang: str) -> str:
    label = t(kind.labels[name], lang)
    return label.format(language=language_name(name[-2:], lang)) if name in TRANSLATED else label


def _plain(value: Any) -> Any:
    return sorted(str(v) for v in value) if isinstance(value, list | tuple) else str(value or "")
