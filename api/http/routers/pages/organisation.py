"""«Mon organisation»: an editor keeps its own records (a coordinator opens any organisation there)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.bootstrap import Relais
from api.http.auth import HttpCaller, check_csrf
from api.http.deps import CallerDep, RelaisDep
from api.http.routers.pages.common import folded, page_language, render
from api.http.routers.pages.orientations import outcome_section
from api.http.routers.pages.record_forms import values_of
from api.http.routers.pages.reports import open_reports
from api.i18n import LANGUAGE_NAMES, LANGUAGES_OF_THE_INTERFACE, t
from api.reasons import day_month
from api.schemas import CapacityIn
from graph.errors import InvalidInput, NotFound
from graph.models import Location, Organisation, Service, TermKind, Visibility
from graph.reference import Reference
from graph.referral import Role, capacity_fresh
from viz.texts import organisation_type

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
    done: str | None = None,
    new_service_situation: str | None = None,
) -> Response:
    """An editor's own organisation (a coordinator may open any with `?organisation=`): its record, services
    and locations, each with its form. `new_service_situation` opens the new service's form with that
    situation ticked (the gap list links there)."""
    org_id = _own_organisation(who, organisation)
    if org_id is None:
        target = "/coordination" if who.role is Role.COORDINATOR else "/login"
        return RedirectResponse(f"{target}?lang={page_language(request)}", status_code=303)
    lang = page_language(request)
    message = t(done, lang) if done in DONE else _saved_message(request, relais, who, saved, verified)
    failed = None
    term = relais.reference.taxonomy.terms.get(new_service_situation or "")
    if term is not None:  # a gap names a situation or a need: ticked in its own picker
        field = {TermKind.SITUATION: "situations", TermKind.NEED: "needs"}.get(term.term_kind, "audiences")
        failed = Failed("new-service", {field: [term.id]}, {})
    return organisation_page(request, relais, who, org_id, message=message, failed=failed)


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
        return organisation_page(
            request, relais, who, service.organisation_id, 422, errors={service_id: error}, typed={service_id: typed}
        )
    return back_to(service.organisation_id, who, lang, f"saved={service_id}", f"svc-{service_id}")


@router.post("/coordination/verified/{organisation_id}", response_model=None)
def verified_today(
    organisation_id: str, request: Request, relais: RelaisDep, who: CallerDep, csrf: Annotated[str, Form()] = ""
) -> Response:
    """«Vérifié aujourd'hui»: the organisation confirms its record as of today."""
    check_csrf(who, csrf, request.app.state.settings)
    relais.directory.mark_verified(who, organisation_id)
    return back_to(organisation_id, who, page_language(request), "verified=true", "record")


def _own_organisation(who: HttpCaller, asked: str | None) -> str | None:
    """The organisation whose page this caller sees: an editor's own, whatever was asked; a coordinator's choice."""
    if who.role is Role.EDITOR:
        return who.organisation_id
    return asked if who.role is Role.COORDINATOR and asked else None


def back_to(organisation_id: str, who: HttpCaller, lang: str, what: str, anchor: str) -> RedirectResponse:
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


DONE = frozenset(
    f"rec_done_{kind}_{what}" for kind in ("organisation", "service", "location") for what in ("created", "saved")
) | {"rec_done_service_deleted", "rec_done_location_deleted"}
"""The messages a saved form's redirect may ask for: catalogue keys only, never a text from the address."""


@dataclass(frozen=True)
class Failed:
    """A refused form: which one (`organisation`, `new-service`, `service-ID`, `new-location`, `location-ID`),
    what was typed, the error next to each field (under "" for the form), the version to send again."""

    form: str
    values: dict[str, Any]
    errors: dict[str, str]
    version: str | None = None


def organisation_page(
    request: Request,
    relais: Relais,
    who: HttpCaller,
    organisation_id: str,
    status: int = 200,
    failed: Failed | None = None,
    **context: Any,
) -> HTMLResponse:
    """The organisation, its services with their places, its locations, each with its form; after a refused
    form, that form shows what was typed and its errors."""
    lang = page_language(request)
    org = relais.directory.organisation(organisation_id)
    services = relais.directory.services(who, organisation_id)
    locations = relais.directory.locations(who, organisation_id)
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
        locations=locations,
        fresh={s.id: capacity_fresh(s.capacity, today, days) for s in services if s.capacity},
        fresh_days=days,
        term=lambda code: taxonomy.terms[code].label(lang) if code in taxonomy.terms else code,
        errors=context.pop("errors", {}),
        typed=context.pop("typed", {}),
        failed=failed,
        merged=lambda values, failed: {**values, **failed.values} if failed else values,
        forms=record_forms_context(relais, who, org, services, locations, lang),
        **open_reports(relais, who, organisation_id, lang),
        **outcome_section(request, relais, who, services, context.pop("outcomes_typed", None)),
        **context,
    )


def record_forms_context(
    relais: Relais,
    who: HttpCaller,
    org: Organisation,
    services: list[Service],
    locations: list[Location],
    lang: str,
) -> dict[str, Any]:
    """What the record forms show: each record's values and version, and the pickers' choices in words."""
    located = {loc.id: _location_label(loc, i, lang) for i, loc in enumerate(locations, 1)}
    return {
        "org": values_of(org) | {"version": relais.directory.version(who, Organisation, org.id)},
        "services": {
            s.id: values_of(s)
            | {"location_ids": list(relais.directory.placed_at(who, s.id))}
            | {"version": relais.directory.version(who, Service, s.id)}
            for s in services
        },
        "locations": {
            loc.id: values_of(loc)
            | {"version": relais.directory.version(who, Location, loc.id), "label": located[loc.id]}
            for loc in locations
        },
        "choices": choices(relais.reference, lang) | {"locations": [(i, label, label) for i, label in located.items()]},
        "types": type_choices(relais, lang),
        "parents": parent_choices(relais, org.id) if who.role is Role.COORDINATOR else [],
    }


def type_choices(relais: Relais, lang: str) -> list[tuple[str, str]]:
    """Organisation types in words, sorted (the sector follows from the type)."""
    named = ((code, organisation_type(relais.reference, code, lang)) for code in relais.reference.organisation_types)
    return sorted(named, key=lambda pair: folded(pair[1]))


def parent_choices(relais: Relais, organisation_id: str | None) -> list[tuple[str, str]]:
    """The organisations another may be part of, by name (not itself)."""
    named = ((o.id, o.name) for o in relais.directory.organisations() if o.id != organisation_id)
    return sorted(named, key=lambda pair: folded(pair[1]))


def _location_label(loc: Location, n: int, lang: str) -> str:
    if loc.visibility is Visibility.HIDDEN:
        return t("rec_masked_n", lang).format(n=n)
    return ", ".join(x for x in (loc.name, loc.address, loc.postcode) if x) or t("rec_location_unnamed", lang)


Option = tuple[str, str, str]


def choices(reference: Reference, lang: str) -> dict[str, list[Option]]:
    """The pickers' choices (value, label in the page's language, every label searched), sorted by label."""

    def by_label(options: Iterable[Option]) -> list[Option]:
        return sorted(options, key=lambda o: folded(o[1]))

    def terms(kind: TermKind) -> list[Option]:
        return by_label(
            (x.id, x.label(lang), " ".join(x.label(other) for other in LANGUAGES_OF_THE_INTERFACE))
            for x in reference.taxonomy.of_kind(kind)
        )

    geography = reference.geography
    return {
        "situations": terms(TermKind.SITUATION),
        "needs": terms(TermKind.NEED),
        "audiences": terms(TermKind.AUDIENCE),
        "languages": by_label(
            (code, names.get(lang, names["fr"]), " ".join(names.values())) for code, names in LANGUAGE_NAMES.items()
        ),
        "communes": by_label(
            (c.id, f"{c.name} ({', '.join(c.postcodes)})", f"{c.name} {' '.join(c.postcodes)}")
            for c in geography.communes.values()
        ),
        "divisions": by_label(
            (d.id, d.label(lang), " ".join(d.label(o) for o in LANGUAGES_OF_THE_INTERFACE))
            for d in geography.divisions.values()
        ),
    }
