"""«Mon organisation»: an editor keeps its own records (a coordinator opens any organisation there)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.bootstrap import Relais
from api.http.auth import HttpCaller, check_csrf
from api.http.deps import CallerDep, RelaisDep
from api.http.routers.pages.common import page_language, render
from api.i18n import t
from api.reasons import day_month
from api.schemas import CapacityIn
from graph.errors import InvalidInput, NotFound
from graph.models import Service
from graph.referral import Role, capacity_fresh

router = APIRouter(include_in_schema=False)

# --- «Mon organisation»: an editor keeps its own records -------------------------------------------------
# Its forms post under /coordination/: the only page paths where the session cookie may write
# (api/http/auth.py `who_is`; anywhere else a write needs the bearer key).


@router.get("/organisation", response_class=HTMLResponse, response_model=None)
def my_organisation(
    request: Request,
    relais: RelaisDep,
    who: CallerDep,
    organisation: str | None = None,
    saved: str | None = None,
    verified: bool = False,
) -> Response:
    """An editor's own organisation (a coordinator may open any with `?organisation=`)."""
    org_id = _own_organisation(who, organisation)
    if org_id is None:
        target = "/coordination" if who.role is Role.COORDINATOR else "/login"
        return RedirectResponse(f"{target}?lang={page_language(request)}", status_code=303)
    return _organisation_page(
        request, relais, who, org_id, message=_saved_message(request, relais, who, saved, verified)
    )


@router.post("/coordination/places/{service_id}", response_model=None)
def update_capacity(
    service_id: str,
    request: Request,
    relais: RelaisDep,
    who: CallerDep,
    csrf: Annotated[str, Form()] = "",
    available: Annotated[str, Form()] = "",
    total: Annotated[str, Form()] = "",
) -> Response:
    """The one-tap update: free places today (the total kept unless the form gives one); dated today."""
    check_csrf(who, csrf, request.app.state.settings)
    service = relais.directory.service(who, service_id)
    who.require_writer(service.organisation_id)
    typed = {"available": available.strip(), "total": total.strip()}
    lang = page_language(request)
    error = _capacity_error(relais, who, service, typed, lang)
    if error:
        return _organisation_page(
            request, relais, who, service.organisation_id, 422, errors={service_id: error}, typed={service_id: typed}
        )
    return _back_to(service.organisation_id, who, lang, f"saved={service_id}", f"svc-{service_id}")


@router.post("/coordination/verified/{organisation_id}", response_model=None)
def verified_today(
    organisation_id: str, request: Request, relais: RelaisDep, who: CallerDep, csrf: Annotated[str, Form()] = ""
) -> Response:
    """«Vérifié aujourd'hui»: the organisation confirms its record as of today."""
    check_csrf(who, csrf, request.app.state.settings)
    relais.directory.mark_verified(who, organisation_id)
    return _back_to(organisation_id, who, page_language(request), "verified=true", "record")


def _own_organisation(who: HttpCaller, asked: str | None) -> str | None:
    """The organisation whose page this caller sees: an editor's own, whatever was asked; a coordinator's choice."""
    if who.role is Role.EDITOR:
        return who.organisation_id
    return asked if who.role is Role.COORDINATOR and asked else None


def _back_to(organisation_id: str, who: HttpCaller, lang: str, what: str, anchor: str) -> RedirectResponse:
    chosen = f"&organisation={organisation_id}" if who.role is Role.COORDINATOR else ""
    return RedirectResponse(f"/organisation?lang={lang}&{what}{chosen}#{anchor}", status_code=303)


def _capacity_error(relais: Relais, who: HttpCaller, service: Service, typed: Mapping[str, str], lang: str) -> str:
    """Writes the places through the use case; the error in the page's language, or "" when saved."""
    kept = service.capacity.total if service.capacity else None
    total_typed = typed["total"] or (str(kept) if kept is not None else "")
    try:
        wanted = CapacityIn.model_validate({"available": typed["available"], "total": total_typed})
    except ValidationError:
        return t("err_number", lang)
    try:
        relais.directory.set_capacity(who, service.id, wanted.available, wanted.total)
    except InvalidInput:
        return t("err_exceeds", lang).format(total=wanted.total)  # the one rule Capacity checks beyond the bounds
    return ""


def _saved_message(request: Request, relais: Relais, who: HttpCaller, saved: str | None, verified: bool) -> str:
    lang = page_language(request)
    if verified:
        return t("verified_saved", lang).format(on=day_month(date.today(), lang))
    if not saved:
        return ""
    try:
        service = relais.directory.service(who, saved)
    except NotFound:
        return ""
    c = service.capacity
    if c is None:
        return ""
    on = day_month(c.updated_at, lang)
    return t("capacity_saved", lang).format(available=c.available, total=c.total, name=service.name, on=on)


def _organisation_page(
    request: Request, relais: Relais, who: HttpCaller, organisation_id: str, status: int = 200, **context: Any
) -> HTMLResponse:
    """The organisation, its services and their places; after a refused update, the error and what was typed."""
    lang = page_language(request)
    org = relais.directory.organisation(organisation_id)
    services = relais.directory.services(who, organisation_id)
    days = relais.settings.capacity_fresh_days
    today = date.today()
    taxonomy = relais.reference.taxonomy
    return render(
        request,
        "organisation.html",
        who,
        status=status,
        org=org,
        services=services,
        fresh={s.id: capacity_fresh(s.capacity, today, days) for s in services if s.capacity},
        fresh_days=days,
        term=lambda code: taxonomy.terms[code].label(lang) if code in taxonomy.terms else code,
        errors=context.pop("errors", {}),
        typed=context.pop("typed", {}),
        **context,
    )
