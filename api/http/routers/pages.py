"""The pages: the referral finder at /, sign-in, and the coordinators' dashboard at /coordination.

Server-rendered (Jinja2), with small progressive JavaScript; no CDN, no build step. The pages call
the same engine, checks and store as the API, so they give the same answers and the same messages.
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import ValidationError

from api.checks import check_organisation, check_service_terms, keep_unseen_locations
from api.http.auth import SESSION_COOKIE, Caller, caller, check_csrf, csrf_token, find_key, session_cookie
from api.http.routers.analysis import AnalysisCache
from api.i18n import LANG_NAMES, SPOKEN, t
from api.presenters import answer_out, pathway_out
from api.settings import Settings
from graph.errors import InvalidInput, NotFound, RelaisError
from graph.models import Cooperation, CooperationKind, Organisation, Service, TermKind
from graph.pathways import pathway_for, resolve
from graph.reference import Reference
from graph.referral import LANGUAGES, ReferralEngine, ReferralQuery, Role
from graph.store import GraphStore
from viz.report import KIND_FR, describe_gap

LANG_COOKIE = "relais_lang"
templates = Environment(loader=PackageLoader("api", "templates"), autoescape=select_autoescape(), auto_reload=False)
CallerDep = Annotated[Caller, Depends(caller)]


def page_language(request: Request) -> str:
    """French unless the person chose another language (the switch sets a cookie)."""
    wanted = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return wanted if wanted in LANGUAGES else "fr"


def render(request: Request, name: str, who: Caller, status: int = 200, **context: Any) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    lang = page_language(request)

    def switch_url(code: str) -> str:
        params = dict(request.query_params) | {"lang": code}
        return f"{request.url.path}?{urlencode(params)}"

    html = templates.get_template(name).render(
        lang=lang,
        t=lambda key: t(key, lang),
        who=who,
        lang_names=LANG_NAMES,
        switch_url=switch_url,
        csrf=csrf_token(who.session, settings) if who.session else "",
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="strict", httponly=True)
    return response


def register_pages(app: FastAPI, reference: Reference) -> None:
    static = resources.files("api").joinpath("static")

    @app.get("/static/{name}", include_in_schema=False)
    def static_file(name: str) -> Response:
        if name not in {"relais.css", "relais.js"}:
            raise NotFound(f"no static file «{name}»")
        media = "text/css" if name.endswith(".css") else "text/javascript"
        return Response(
            static.joinpath(name).read_bytes(), media_type=media, headers={"Cache-Control": "public, max-age=3600"}
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def finder(request: Request, who: CallerDep) -> HTMLResponse:
        engine: ReferralEngine = request.app.state.engine
        store: GraphStore = request.app.state.store
        lang = page_language(request)
        p = request.query_params
        place = p.get("place", "").strip()
        q = ReferralQuery(
            situation=p.get("situation") or None,
            need=p.get("need") or None,
            postcode=place if place.isdigit() else None,
            commune=place if place and not place.isdigit() else None,
            language=p.get("language") or None,
            audience=p.get("audience") or None,
            urgent=p.get("urgent") == "true",
            from_org=(p.get("from_org") or None) if who.role is not Role.PUBLIC else None,
            lang=lang,
        )
        answer = pathway = error = None
        suggestions: tuple[str, ...] = ()
        if q.situation or q.need:
            try:
                answer = answer_out(reference, engine.refer(q, who.role))
                if q.situation:
                    pathway = _pathway(engine, q, answer.division.id if answer.division else None, who, lang)
            except InvalidInput as exc:
                error, suggestions = exc.problems[0].message, exc.problems[0].suggestions
            except RelaisError as exc:
                error = str(exc)
        orgs = store.list(Organisation) if who.role is not Role.PUBLIC else []
        return render(
            request,
            "finder.html",
            who,
            status=422 if error else 200,
            q=q,
            place=place,
            answer=answer,
            pathway=pathway,
            error=error,
            suggestions=suggestions,
            today=date.today().isoformat(),
            situations=reference.taxonomy.of_kind(TermKind.SITUATION),
            needs=reference.taxonomy.of_kind(TermKind.NEED),
            audiences=reference.taxonomy.of_kind(TermKind.AUDIENCE),
            spoken=SPOKEN,
            organisations=orgs,
            communes=sorted((c for c in reference.geography.communes.values()), key=lambda c: c.name),
        )

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request, who: CallerDep) -> HTMLResponse:
        return render(request, "login.html", who)

    @app.post("/login", include_in_schema=False, response_model=None)
    def login(request: Request, key: Annotated[str, Form()], who: CallerDep) -> Response:
        settings: Settings = request.app.state.settings
        _same_origin(request)
        found = find_key(key, settings)
        if found is None:
            return render(request, "login.html", who, status=401, error="Clé inconnue ou révoquée.")
        target = "/coordination" if found.role == "coordinator" else "/"
        response = RedirectResponse(f"{target}?lang={page_language(request)}", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            session_cookie(found, settings),
            max_age=settings.session_hours * 3600,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, who: CallerDep, csrf: Annotated[str, Form()] = "") -> RedirectResponse:
        check_csrf(who, csrf, request.app.state.settings)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/coordination", response_class=HTMLResponse, include_in_schema=False, response_model=None)
    def coordination(
        request: Request, who: CallerDep, organisation: str | None = None, message: str | None = None
    ) -> Response:
        if who.role is not Role.COORDINATOR:
            return RedirectResponse(f"/login?lang={page_language(request)}", status_code=303)
        return _dashboard(request, who, reference, organisation, message=message)

    @app.post("/coordination/organisations/{organisation_id}", include_in_schema=False, response_model=None)
    async def edit_organisation(organisation_id: str, request: Request, who: CallerDep) -> Response:
        form = dict(await request.form())
        return await _run_form(
            request, who, reference, organisation_id, {**form, "organisation_id": organisation_id}, _save_organisation
        )

    @app.post("/coordination/services/{service_id}", include_in_schema=False, response_model=None)
    async def edit_service(service_id: str, request: Request, who: CallerDep) -> Response:
        form = dict(await request.form())
        store: GraphStore = request.app.state.store
        org_id = store.get(Service, service_id, clearance=who.role.clearance).organisation_id
        return await _run_form(request, who, reference, org_id, {**form, "service_id": service_id}, _save_service)

    @app.post("/coordination/links", include_in_schema=False, response_model=None)
    async def add_link(request: Request, who: CallerDep) -> Response:
        form = dict(await request.form())
        return await _run_form(request, who, reference, str(form.get("from", "")), form, _save_link)


def _pathway(engine: ReferralEngine, q: ReferralQuery, division: str | None, who: Caller, lang: str) -> Any:
    try:
        p = pathway_for(q.situation or "", engine)
    except NotFound:
        return None
    return pathway_out(engine.ref, p, resolve(p, engine, division, who.role, lang), division, lang)


def _same_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin and origin.split("://", 1)[-1] != request.headers.get("host"):
        raise InvalidInput("this form must be sent from Relais itself", parameter="origin")


def _dashboard(
    request: Request, who: Caller, reference: Reference, organisation: str | None, status: int = 200, **context: Any
) -> HTMLResponse:
    store: GraphStore = request.app.state.store
    cache: AnalysisCache = request.app.state.analysis
    report, snapshot = cache.get()
    names = {n: d["name"] for n, d in snapshot.nodes(data=True)}
    orgs = store.list(Organisation)
    org = next((o for o in orgs if o.id == organisation), None)
    return render(
        request,
        "coordination.html",
        who,
        status=status,
        gaps=report.summary,
        kind_fr=KIND_FR,
        describe=lambda g: describe_gap(g, reference, names),
        divisions=list(reference.geography.divisions.values()),
        stale=report.freshness["stale"],
        organisations=orgs,
        org=org,
        types=reference.organisation_types,
        services=store.list(Service, organisation_id=org.id, clearance=who.role.clearance) if org else [],
        changes=store.changes(limit=25),
        **context,
    )


async def _run_form(
    request: Request, who: Caller, reference: Reference, organisation_id: str, form: dict[str, Any], save: Any
) -> Response:
    from starlette.concurrency import run_in_threadpool

    who.require_coordinator()
    check_csrf(who, form.get("csrf"), request.app.state.settings)
    store: GraphStore = request.app.state.store
    try:
        message = await run_in_threadpool(save, store, reference, who, form)
    except ValidationError as exc:
        errors = [f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()]
        return await run_in_threadpool(_dashboard, request, who, reference, organisation_id, 422, errors=errors)
    except RelaisError as exc:
        errors = [str(p) for p in exc.problems] if isinstance(exc, InvalidInput) else [str(exc)]
        return await run_in_threadpool(_dashboard, request, who, reference, organisation_id, 422, errors=errors)
    query = urlencode({"organisation": organisation_id, "message": message})
    return RedirectResponse(f"/coordination?{query}#edit", status_code=303)


def _save_organisation(store: GraphStore, reference: Reference, who: Caller, form: dict[str, Any]) -> str:
    old = store.get(Organisation, str(form["organisation_id"]))
    ty = reference.organisation_types.get(str(form.get("type")))
    org = Organisation.model_validate(
        old.model_dump(exclude={"modified_at"})
        | {
            "name": form.get("name", ""),
            "type": form.get("type", ""),
            "sector": ty.sector if ty else old.sector,
            "status": form.get("status", "active"),
            "website": form.get("website") or None,
            "description": form.get("description", ""),
            "source": form.get("source", ""),
            "verified_at": form.get("verified_at") or None,
        }
    )
    check_organisation(reference, org)
    store.upsert([org], key_id=who.key_id, route=who.route)
    return f"Organisation «{org.name}» enregistrée."


def _save_service(store: GraphStore, reference: Reference, who: Caller, form: dict[str, Any]) -> str:
    old = store.get(Service, str(form["service_id"]), clearance=who.role.clearance)

    def split(key: str) -> tuple[str, ...]:
        return tuple(x.strip() for x in str(form.get(key, "")).split(";") if x.strip())

    service = Service.model_validate(
        old.model_dump(exclude={"modified_at"})
        | {
            "name": form.get("name", ""),
            "situations": split("situations"),
            "needs": split("needs"),
            "languages": split("languages") or ("fr",),
            "open_24_7": form.get("open_24_7") == "yes",
        }
    )
    check_service_terms(reference, service)
    service = keep_unseen_locations(store, service, who.role.clearance)
    store.upsert([service], key_id=who.key_id, route=who.route)
    return f"Service «{service.name}» enregistré."


def _save_link(store: GraphStore, reference: Reference, who: Caller, form: dict[str, Any]) -> str:
    link = Cooperation.model_validate(
        {
            "a": form.get("from"),
            "b": form.get("to"),
            "cooperation": form.get("cooperation") or CooperationKind.INFORMAL,
            "source": form.get("source", ""),
        }
    )
    report = store.add_links([link], key_id=who.key_id, route=who.route)
    return "Lien ajouté." if report.created else "Ce lien existait déjà."
