"""Editing the directory's records: the forms of an organisation's page (/organisation) post here.

Organisations (create, save, delete after a confirmation), their services and their locations; each write
through its use case (rights, validation, change log). A refused form shows the organisation's page again
with what was typed and each error next to its field (422; 412 when someone saved meanwhile); a saved one
goes back to the page with a message. The dashboard's edit section (an organisation picker) is built here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from api.bootstrap import Relais
from api.http.auth import HttpCaller, check_csrf
from api.http.deps import CallerDep, RelaisDep
from api.http.routers.pages.common import changed_since, deleted, folded, form_version, page_language, render
from api.http.routers.pages.organisation import (
    Failed,
    back_to,
    organisation_page,
    parent_choices,
    type_choices,
)
from api.http.routers.pages.record_forms import (
    changed_fields,
    errors_of,
    location_from,
    location_values,
    new_id,
    organisation_from,
    organisation_values,
    service_from,
    service_values,
    values_of,
)
from api.i18n import t
from graph.errors import InvalidInput, Stale
from graph.models import Location, Organisation, Record, Service

router = APIRouter(include_in_schema=False)


def edit_section(relais: Relais, organisation: str | None) -> dict[str, Any]:
    """The dashboard's edit section: every organisation by name (accents aside), each opening its page."""
    named = sorted(relais.directory.organisations(), key=lambda o: folded(o.name))
    return {"organisations_named": [(o.id, o.name, o.name) for o in named], "chosen": organisation}


# --- organisations --------------------------------------------------------------------------------------


@router.get("/coordination/organisations/new", response_class=HTMLResponse, response_model=None)
def new_organisation(request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    """The coordinators' form for a new organisation (an editor's key names one that exists)."""
    who.require_coordinator("creating an organisation")
    return _new_organisation_page(request, relais, who, {"status": "active"}, {})


def _new_organisation_page(
    request: Request, relais: Relais, who: HttpCaller, values: dict[str, Any], errors: dict[str, str], status: int = 200
) -> HTMLResponse:
    lang = page_language(request)
    return render(
        request,
        "forms/new_organisation.html",
        who,
        status=status,
        v=values,
        errors=errors,
        types=type_choices(relais, lang),
        parents=parent_choices(relais, None),
    )


@router.post("/coordination/organisations", response_model=None)
async def create_organisation(request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    who.require_coordinator("creating an organisation")
    form = await _posted(request, who)
    lang = page_language(request)
    values = organisation_values(form)
    taken = [o.id for o in relais.directory.organisations()]
    try:
        org = organisation_from(values, {"id": new_id(values.get("name", ""), taken)}, relais.reference)
        await run_in_threadpool(relais.directory.create_organisation, who, org)
    except (ValidationError, InvalidInput) as exc:
        return _new_organisation_page(request, relais, who, values, errors_of(exc, lang), 422)
    return back_to(org.id, who, lang, "done=rec_done_organisation_created", "record")


@router.post("/coordination/organisations/{organisation_id}", response_model=None)
async def save_organisation(organisation_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    """The organisation's record (an editor's own; its parent and its deletion are the coordinators')."""
    form = await _posted(request, who)
    values = organisation_values(form)

    def write() -> None:
        old = relais.directory.organisation(organisation_id)
        org = organisation_from(values, old.model_dump(mode="json", exclude={"modified_at"}), relais.reference)
        relais.directory.save_organisation(who, org, expected=form_version(form))

    target = Target(organisation_id, "organisation", Organisation, organisation_id, "record")
    return await _page_form(request, relais, who, target, values, write, "rec_done_organisation_saved")


@router.get("/coordination/organisations/{organisation_id}/delete", response_class=HTMLResponse, response_model=None)
def confirm_organisation_deletion(
    organisation_id: str, request: Request, relais: RelaisDep, who: CallerDep
) -> Response:
    """What goes with the organisation, counted, before a coordinator confirms its deletion."""
    owned = relais.directory.owned(who, organisation_id)
    org = relais.directory.organisation(organisation_id)
    lang = page_language(request)
    return _confirm(
        request,
        who,
        title=t("rec_delete_organisation_title", lang).format(name=org.name),
        sentence=t("rec_delete_organisation_goes", lang).format(
            services=owned.services, locations=owned.locations, links=owned.links
        ),
        action=f"/coordination/organisations/{organisation_id}/delete",
        version=relais.directory.version(who, Organisation, organisation_id),
        back=f"/organisation?organisation={organisation_id}",
    )


@router.post("/coordination/organisations/{organisation_id}/delete", response_model=None)
async def delete_organisation(organisation_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    form = await _posted(request, who)
    lang = page_language(request)
    if not await deleted(lambda: relais.directory.delete_organisation(who, organisation_id, form_version(form))):
        return changed_since(f"/coordination/organisations/{organisation_id}/delete", request)
    query = urlencode({"message": t("rec_done_organisation_deleted", lang), "lang": lang})
    return RedirectResponse(f"/coordination?{query}#edit", status_code=303)


# --- services ------------------------------------------------------------------------------------------


@router.post("/coordination/organisations/{organisation_id}/services", response_model=None)
async def add_service(organisation_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    """«Ajouter un service»: its id is made from its organisation's and its name."""
    form = await _posted(request, who)
    values = service_values(form)

    def write() -> None:
        org = relais.directory.organisation(organisation_id)
        taken = [s.id for s in relais.directory.services(who, organisation_id)]
        service_id = new_id(str(values.get("name", "")), taken, prefix=f"{organisation_id[:38]}-")
        base = {"id": service_id, "organisation_id": organisation_id, "source": org.source}
        relais.directory.create_service(who, service_from(values, base))

    target = Target(organisation_id, "new-service", None, "", "new-service")
    return await _page_form(request, relais, who, target, values, write, "rec_done_service_created")


@router.post("/coordination/services/{service_id}", response_model=None)
async def save_service(service_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    form = await _posted(request, who)
    old = relais.directory.service(who, service_id)
    values = service_values(form)

    def write() -> None:
        service = service_from(values, old.model_dump(mode="json", exclude={"modified_at"}))
        relais.directory.save_service(who, service, expected=form_version(form), every_location=True)

    target = Target(old.organisation_id, f"service-{service_id}", Service, service_id, f"svc-{service_id}")
    return await _page_form(request, relais, who, target, values, write, "rec_done_service_saved")


@router.get("/coordination/services/{service_id}/delete", response_class=HTMLResponse, response_model=None)
def confirm_service_deletion(service_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    service = relais.directory.service(who, service_id)
    who.require_writer(service.organisation_id)
    lang = page_language(request)
    return _confirm(
        request,
        who,
        title=t("rec_delete_service_title", lang).format(name=service.name),
        sentence=t("rec_delete_service_goes", lang),
        action=f"/coordination/services/{service_id}/delete",
        version=relais.directory.version(who, Service, service_id),
        back=_page_of(service.organisation_id, who) + f"#svc-{service_id}",
    )


@router.post("/coordination/services/{service_id}/delete", response_model=None)
async def delete_service(service_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    form = await _posted(request, who)
    org_id = relais.directory.service(who, service_id).organisation_id
    if not await deleted(lambda: relais.directory.delete_service(who, service_id, form_version(form))):
        return changed_since(f"/coordination/services/{service_id}/delete", request)
    return back_to(org_id, who, page_language(request), "done=rec_done_service_deleted", "services")


# --- locations -----------------------------------------------------------------------------------------


@router.post("/coordination/organisations/{organisation_id}/locations", response_model=None)
async def add_location(organisation_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    """A new location; its id says nothing of where it is (a hidden site's id shows in services' records)."""
    form = await _posted(request, who)
    values = location_values(form)

    def write() -> None:
        org = relais.directory.organisation(organisation_id)
        taken = [loc.id for loc in relais.directory.locations(who, organisation_id)]
        location_id = new_id("lieu", taken, prefix=f"{organisation_id[:38]}-")
        base = {"id": location_id, "organisation_id": organisation_id, "source": org.source}
        relais.directory.save_location(who, location_from(values, base, relais.reference))

    target = Target(organisation_id, "new-location", None, "", "new-location")
    return await _page_form(request, relais, who, target, values, write, "rec_done_location_created")


@router.post("/coordination/locations/{location_id}", response_model=None)
async def save_location(location_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    form = await _posted(request, who)
    old = relais.directory.location(who, location_id)
    values = location_values(form)

    def write() -> None:
        base = old.model_dump(mode="json", exclude={"modified_at"})
        relais.directory.save_location(who, location_from(values, base, relais.reference), expected=form_version(form))

    target = Target(old.organisation_id, f"location-{location_id}", Location, location_id, f"loc-{location_id}")
    return await _page_form(request, relais, who, target, values, write, "rec_done_location_saved")


@router.get("/coordination/locations/{location_id}/delete", response_class=HTMLResponse, response_model=None)
def confirm_location_deletion(location_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    loc = relais.directory.location(who, location_id)
    held = [
        s
        for s in relais.directory.services(who, loc.organisation_id)
        if location_id in relais.directory.placed_at(who, s.id)
    ]
    lang = page_language(request)
    return _confirm(
        request,
        who,
        title=t("rec_delete_location_title", lang),
        sentence=t("rec_delete_location_goes", lang).format(n=len(held)),
        action=f"/coordination/locations/{location_id}/delete",
        version=relais.directory.version(who, Location, location_id),
        back=_page_of(loc.organisation_id, who) + "#locations",
    )


@router.post("/coordination/locations/{location_id}/delete", response_model=None)
async def delete_location(location_id: str, request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    form = await _posted(request, who)
    org_id = relais.directory.location(who, location_id).organisation_id
    if not await deleted(lambda: relais.directory.delete_location(who, location_id, form_version(form))):
        return changed_since(f"/coordination/locations/{location_id}/delete", request)
    return back_to(org_id, who, page_language(request), "done=rec_done_location_deleted", "locations")


# --- what the forms share ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Which form of which organisation's page, and the record it writes (None when it creates one)."""

    organisation_id: str
    form: str
    kind: type[Organisation] | type[Service] | type[Location] | None
    record_id: str
    anchor: str


async def _page_form(
    request: Request,
    relais: Relais,
    who: HttpCaller,
    target: Target,
    values: dict[str, Any],
    write: Callable[[], None],
    done: str,
) -> Response:
    """Runs a form's write; a refusal shows the page again with the typed values and the errors, nothing written."""
    lang = page_language(request)
    try:
        await run_in_threadpool(write)
    except (ValidationError, InvalidInput) as exc:
        failed = Failed(target.form, values, errors_of(exc, lang))
        return await run_in_threadpool(organisation_page, request, relais, who, target.organisation_id, 422, failed)
    except Stale as exc:
        stored = exc.current
        fields = changed_fields(values_of(stored), values, lang) if isinstance(stored, Record) else []
        said = t("rec_stale", lang).format(fields=", ".join(fields)) if fields else t("rec_stale_same", lang)
        version = relais.directory.version(who, target.kind, target.record_id) if target.kind else None
        failed = Failed(target.form, values, {"": said}, version)
        return await run_in_threadpool(organisation_page, request, relais, who, target.organisation_id, 412, failed)
    return back_to(target.organisation_id, who, lang, f"done={done}", target.anchor)


async def _posted(request: Request, who: HttpCaller) -> FormData:
    """The form sent, once its CSRF token is checked (no page form writes without it)."""
    form = await request.form()
    check_csrf(who, str(form.get("csrf", "")), request.app.state.settings)
    return form


def _version(form: Mapping[str, Any]) -> str | None:
    return str(form.get("version") or "") or None


def _page_of(organisation_id: str, who: HttpCaller) -> str:
    return f"/organisation?organisation={organisation_id}" if who.role.name == "COORDINATOR" else "/organisation"


def _confirm(request: Request, who: HttpCaller, **context: Any) -> HTMLResponse:
    """The step before a deletion: what goes, a button to confirm, a way back; after a stale confirmation,
    that the record changed since (read it again, then confirm)."""
    changed = t("rec_delete_stale", page_language(request)) if request.query_params.get("changed") else ""
    return render(request, "forms/confirm.html", who, changed=changed, **context)
