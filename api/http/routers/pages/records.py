"""Editing the directory's records from the dashboard: organisations, services, links."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api.bootstrap import Relais
from api.http.auth import HttpCaller, check_csrf
from api.http.deps import CallerDep, RelaisDep
from api.http.routers.pages import dashboard
from api.http.routers.pages.common import page_language
from api.i18n import t
from graph.errors import InvalidInput, RelaisError, Stale
from graph.models import Cooperation, CooperationKind, Organisation, Service
from graph.usecases import sector_of
from viz.texts import organisation_type

router = APIRouter(include_in_schema=False)


@router.post("/coordination/organisations/{organisation_id}", response_model=None)
async def edit_organisation(organisation_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    form = {**(await request.form()), "organisation_id": organisation_id}
    return await _run_form(request, relais, who, organisation_id, form, _save_organisation)


@router.post("/coordination/services/{service_id}", response_model=None)
async def edit_service(service_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    form = {**(await request.form()), "service_id": service_id}
    org_id = relais.directory.service(who, service_id).organisation_id
    return await _run_form(request, relais, who, org_id, form, _save_service)


@router.post("/coordination/links", response_model=None)
async def add_link(request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    form = dict(await request.form())
    return await _run_form(request, relais, who, str(form.get("from", "")), form, _save_link)


def edit_section(
    request: Request, relais: Relais, who: HttpCaller, organisation: str | None, typed: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The dashboard's edit section; after a refused save, the form shows what was typed, with the stored
    version to send."""
    lang = page_language(request)
    orgs = relais.directory.organisations()
    org = next((o for o in orgs if o.id == organisation), None)
    services = relais.directory.services(who, org.id) if org else []
    versions = {s.id: relais.directory.version(who, Service, s.id) for s in services}
    if org:
        versions[org.id] = relais.directory.version(who, Organisation, org.id)
    if typed and org and typed.get("organisation_id") == org.id:
        org = _typed(org, typed)
    if typed and typed.get("service_id"):
        services = [_typed(s, typed) if s.id == typed["service_id"] else s for s in services]
    return {
        "type_name": lambda code: organisation_type(relais.reference, code, lang),
        "organisations": orgs,
        "org": org,
        "types": relais.reference.organisation_types,
        "services": services,
        "versions": versions,
        "link_typed": dict(typed) if typed and "from" in typed else {},
    }


def _refused(
    request: Request,
    relais: Relais,
    who: HttpCaller,
    organisation_id: str,
    status: int,
    errors: list[str],
    typed: Mapping[str, Any],
) -> HTMLResponse:
    section = edit_section(request, relais, who, organisation_id, typed)
    return dashboard.dashboard(request, relais, who, status, errors=errors, **section)


Save = Callable[[Relais, HttpCaller, Mapping[str, Any], str], str]


async def _run_form(
    request: Request, relais: Relais, who: HttpCaller, organisation_id: str, form: Mapping[str, Any], save: Save
) -> Response:
    who.require_coordinator()
    check_csrf(who, form.get("csrf"), request.app.state.settings)
    lang = page_language(request)
    try:
        message = await run_in_threadpool(save, relais, who, form, lang)
    except ValidationError as exc:
        errors = [f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()]
        return await run_in_threadpool(_refused, request, relais, who, organisation_id, 422, errors, form)
    except Stale as exc:
        said = str(exc) if lang == "fr" else t("stale_saved", lang)
        errors = [said, *_changed_meanwhile(exc.current, form, lang)]
        return await run_in_threadpool(_refused, request, relais, who, organisation_id, 412, errors, form)
    except RelaisError as exc:
        errors = [str(p) for p in exc.problems] if isinstance(exc, InvalidInput) else [str(exc)]
        return await run_in_threadpool(_refused, request, relais, who, organisation_id, 422, errors, form)
    query = urlencode({"organisation": organisation_id, "message": message, "lang": lang})
    return RedirectResponse(f"/coordination?{query}#edit", status_code=303)


def _save_organisation(relais: Relais, who: HttpCaller, form: Mapping[str, Any], lang: str) -> str:
    old = relais.directory.organisation(str(form["organisation_id"]))
    chosen = str(form.get("type", ""))
    org = Organisation.model_validate(
        old.model_dump(exclude={"modified_at"})
        | {
            "name": form.get("name", ""),
            "type": chosen,
            "sector": sector_of(relais.reference, chosen),
            "status": form.get("status", "active"),
            "website": form.get("website") or None,
            "description": form.get("description", ""),
            "source": form.get("source", ""),
            "verified_at": form.get("verified_at") or None,
        }
    )
    relais.directory.save_organisation(who, org, expected=form.get("version") or None)
    return t("saved_organisation", lang).format(name=org.name)


def _save_service(relais: Relais, who: HttpCaller, form: Mapping[str, Any], lang: str) -> str:
    old = relais.directory.service(who, str(form["service_id"]))

    service = Service.model_validate(old.model_dump(exclude={"modified_at"}) | _service_fields(form))
    relais.directory.save_service(who, service, expected=form.get("version") or None)
    return t("saved_service", lang).format(name=service.name)


def _service_fields(form: Mapping[str, Any]) -> dict[str, Any]:
    """The service form's fields as the record holds them (lists of codes were typed with «;»)."""

    def split(key: str) -> tuple[str, ...]:
        return tuple(x.strip() for x in str(form.get(key, "")).split(";") if x.strip())

    return {
        "name": form.get("name", ""),
        "situations": split("situations"),
        "needs": split("needs"),
        "languages": split("languages") or ("fr",),
        "open_24_7": form.get("open_24_7") == "yes",
    }


ORGANISATION_FIELDS = ("name", "type", "status", "website", "description", "source", "verified_at")


def _typed(record: Organisation | Service, form: Mapping[str, Any]) -> Any:
    """The record as the user typed it into its form, to show it again after a refused save (not validated)."""
    if isinstance(record, Service):
        return record.model_copy(update=_service_fields(form))
    return record.model_copy(update={k: form[k] for k in ORGANISATION_FIELDS if k in form})


def _changed_meanwhile(current: object, form: Mapping[str, Any], lang: str = "fr") -> list[str]:
    """The stored value of every field that differs from what this user typed (someone changed one or more
    of them since the form was opened; which ones, the stored version alone cannot say)."""
    if isinstance(current, Service):
        typed: dict[str, Any] = _service_fields(form)
    elif isinstance(current, Organisation):
        typed = {k: form[k] for k in ORGANISATION_FIELDS if k in form}
    else:
        return []
    stored = current.model_dump(mode="json")
    return [
        t("stale_field", lang).format(field=field, stored=_shown(stored.get(field)), typed=_shown(value))
        for field, value in typed.items()
        if _shown(stored.get(field)) != _shown(value)
    ]


def _shown(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ";".join(str(x) for x in value)
    return "" if value is None else str(value)


def _save_link(relais: Relais, who: HttpCaller, form: Mapping[str, Any], lang: str) -> str:
    link = Cooperation.model_validate(
        {
            "a": form.get("from"),
            "b": form.get("to"),
            "cooperation": form.get("cooperation") or CooperationKind.INFORMAL,
            "source": form.get("source", ""),
        }
    )
    report = relais.network.add_link(who, link)
    return t("link_added" if report.created else "link_existed", lang)
