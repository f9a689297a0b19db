"""The pages: the referral finder at /, sign-in, and the coordinators' dashboard at /coordination.

Server-rendered (Jinja2), with small progressive JavaScript; no CDN, no build step. The pages call
the same use cases as the API, so they give the same answers and the same messages.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date
from importlib import resources
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api.bootstrap import Relais
from api.http.auth import SESSION_COOKIE, HttpCaller, check_csrf, csrf_token, end_session, find_key, session_cookie
from api.http.deps import CallerDep, RelaisDep
from api.i18n import LANG_NAMES, SPOKEN, UI, banner_texts, language_name, t
from api.keys import ROLES, KeyRing
from api.presenters import answer_out, pathway_out
from api.reasons import day_month, readable_date
from api.schemas import CapacityIn
from api.settings import Settings
from graph.errors import InvalidInput, NotFound, RelaisError, Stale
from graph.models import Cooperation, CooperationKind, Organisation, Service, TermKind
from graph.referral import LANGUAGES, ReferralQuery, Role, capacity_fresh
from graph.usecases import sector_of
from viz.report import describe_gap, kind_label
from viz.texts import division as division_label
from viz.texts import organisation_type

LANG_COOKIE = "relais_lang"
templates = Environment(loader=PackageLoader("api", "templates"), autoescape=select_autoescape(), auto_reload=False)


def page_language(request: Request) -> str:
    """French unless the person chose another language (the switch sets a cookie)."""
    wanted = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return wanted if wanted in LANGUAGES else "fr"


def render(request: Request, name: str, who: HttpCaller, status: int = 200, **context: Any) -> HTMLResponse:
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
        banner=banner_texts(getattr(request.app.state.relais, "served", None), lang),
        day=lambda d: day_month(d, lang),
        long_day=lambda d: readable_date(d if isinstance(d, date) else date.fromisoformat(str(d)), lang),
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="strict", httponly=True)
    return response


router = APIRouter(include_in_schema=False)
STATIC = resources.files("api").joinpath("static")


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    if name not in {"relais.css", "relais.js", "keys.js"}:
        raise NotFound(f"no static file «{name}»")
    media = "text/css" if name.endswith(".css") else "text/javascript"
    return Response(
        STATIC.joinpath(name).read_bytes(), media_type=media, headers={"Cache-Control": "public, max-age=3600"}
    )


def finder_query(
    who: HttpCaller, params: Mapping[str, str], lang: str
) -> tuple[dict[str, Any], ReferralQuery | None, str | None]:
    """(what was typed, the question, an error) from the finder's form; no question before a term is chosen."""
    place = params.get("place", "").strip()
    values = {
        "situation": params.get("situation"),
        "need": params.get("need"),
        "postcode": place if place.isdigit() else None,
        "commune": place if place and not place.isdigit() else None,
        "language": params.get("language"),
        "audience": params.get("audience"),
        "urgent": params.get("urgent") == "true",
        "from_org": params.get("from_org") if who.role is not Role.PUBLIC else None,
        "lang": lang,
    }
    if not (values["situation"] or values["need"]):
        return values, None, None
    try:
        return values, ReferralQuery.of(**values), None
    except InvalidInput as exc:
        return values, None, exc.problems[0].message


@router.get("/", response_class=HTMLResponse)
def finder(request: Request, relais: RelaisDep, who: CallerDep) -> HTMLResponse:
    lang = page_language(request)
    typed, q, error = finder_query(who, request.query_params, lang)
    answer = pathway = None
    suggestions: tuple[str, ...] = ()
    if q is not None:
        try:
            answer = answer_out(relais.reference, relais.referrals.refer(who, q))
            if q.situation:
                pathway = _pathway(relais, who, q.situation, answer.division.id if answer.division else None, lang)
        except InvalidInput as exc:
            error, suggestions = exc.problems[0].message, exc.problems[0].suggestions
        except RelaisError as exc:
            error = str(exc)
    taxonomy = relais.reference.taxonomy
    return render(
        request,
        "finder.html",
        who,
        status=422 if error else 200,
        q=typed,
        place=request.query_params.get("place", "").strip(),
        answer=answer,
        pathway=pathway,
        error=error,
        suggestions=suggestions,
        today=date.today().isoformat(),
        situations=taxonomy.of_kind(TermKind.SITUATION),
        needs=taxonomy.of_kind(TermKind.NEED),
        audiences=taxonomy.of_kind(TermKind.AUDIENCE),
        spoken={code: language_name(code, lang) for code in SPOKEN},
        organisations=relais.directory.organisations() if who.role is not Role.PUBLIC else [],
        communes=sorted(relais.reference.geography.communes.values(), key=lambda c: c.name),
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, who: CallerDep) -> HTMLResponse:
    return render(request, "login.html", who)


@router.post("/login", response_model=None)
def login(request: Request, key: Annotated[str, Form()], who: CallerDep) -> Response:
    settings: Settings = request.app.state.settings
    _same_origin(request)
    found = find_key(key, settings)
    if found is None:
        return render(request, "login.html", who, status=401, error=t("err_key", page_language(request)))
    target = {"coordinator": "/coordination", "editor": "/organisation"}.get(found.role, "/")
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


@router.post("/logout")
def logout(request: Request, who: CallerDep, csrf: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(who, csrf, request.app.state.settings)
    if who.session:
        end_session(who.session, request.app.state.settings)  # the cookie dies on the server, not only here
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/coordination", response_class=HTMLResponse, response_model=None)
def coordination(
    request: Request, relais: RelaisDep, who: CallerDep, organisation: str | None = None, message: str | None = None
) -> Response:
    if who.role is Role.EDITOR:  # an organisation's staff: their own page, not the sign-in form again
        return RedirectResponse(f"/organisation?lang={page_language(request)}", status_code=303)
    if who.role is not Role.COORDINATOR:
        return RedirectResponse(f"/login?lang={page_language(request)}", status_code=303)
    return _dashboard(request, relais, who, organisation, message=message)


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


def _pathway(relais: Relais, who: HttpCaller, situation: str, division: str | None, lang: str) -> Any:
    try:
        found, steps, division_id = relais.referrals.pathway(who, situation, division, lang)
    except NotFound:
        return None
    return pathway_out(relais.reference, found, steps, division_id, lang)


def _same_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin and origin.split("://", 1)[-1] != request.headers.get("host"):
        raise InvalidInput("this form must be sent from Relais itself", parameter="origin")


def _dashboard(
    request: Request,
    relais: Relais,
    who: HttpCaller,
    organisation: str | None,
    status: int = 200,
    typed: Mapping[str, Any] | None = None,
    **context: Any,
) -> HTMLResponse:
    """The dashboard; after a refused save, the form shows what was typed, with the stored version to send."""
    report, snapshot = relais.analysis.get()
    lang = page_language(request)
    names = {n: d["name"] for n, d in snapshot.nodes(data=True)}
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
    return render(
        request,
        "coordination.html",
        who,
        status=status,
        gaps=report.summary,
        kind=lambda k: kind_label(k, lang),
        describe=lambda g: describe_gap(g, relais.reference, names, lang, lambda d: readable_date(d, lang)),
        division_name=lambda d: division_label(relais.reference, d, lang) if d else "—",
        type_name=lambda code: organisation_type(relais.reference, code, lang),
        action=lambda a: t(f"action_{a}", lang) if f"action_{a}" in UI else a,
        divisions=list(relais.reference.geography.divisions.values()),
        stale=report.freshness["stale"],
        expired_places=_expired_places(relais, who),
        fresh_days=relais.settings.capacity_fresh_days,
        organisations=orgs,
        org=org,
        types=relais.reference.organisation_types,
        services=services,
        versions=versions,
        link_typed=dict(typed) if typed and "from" in typed else {},
        changes=relais.network.changes(who, limit=25),
        **context,
    )


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
        return await run_in_threadpool(
            _dashboard, request, relais, who, organisation_id, 422, errors=errors, typed=form
        )
    except Stale as exc:
        said = str(exc) if lang == "fr" else t("stale_saved", lang)
        errors = [said, *_changed_meanwhile(exc.current, form, lang)]
        return await run_in_threadpool(
            _dashboard, request, relais, who, organisation_id, 412, errors=errors, typed=form
        )
    except RelaisError as exc:
        errors = [str(p) for p in exc.problems] if isinstance(exc, InvalidInput) else [str(exc)]
        return await run_in_threadpool(
            _dashboard, request, relais, who, organisation_id, 422, errors=errors, typed=form
        )
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


def _expired_places(relais: Relais, who: HttpCaller) -> list[tuple[Service, str]]:
    """The services with places whose figure is too old to be believed, oldest first, with their organisation."""
    today, days = date.today(), relais.settings.capacity_fresh_days
    names = {o.id: o.name for o in relais.directory.organisations()}
    old = [s for s in relais.directory.services(who) if s.capacity and not capacity_fresh(s.capacity, today, days)]
    old.sort(key=lambda s: (s.capacity.updated_at if s.capacity else today, s.name))
    return [(s, names.get(s.organisation_id, s.organisation_id)) for s in old]


# --- Keys in the dashboard: the same KeyRing and the same rules as `relais keys` -----------------------------
# The keys file stamps each key's creation and revocation (created_at, revoked_at); the log line below says
# which coordinator's key did it. A new key is shown once, in the answer to the form, never in a URL.

keys_log = logging.getLogger("relais.keys")


def _key_ring(request: Request) -> KeyRing:
    return KeyRing(request.app.state.settings.keys_file)


def _folded(text: str) -> str:
    return unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode().casefold()


@router.get("/coordination/keys", response_class=HTMLResponse, response_model=None)
def keys_page(request: Request, relais: RelaisDep, who: CallerDep, revoked: str | None = None) -> Response:
    if who.role is not Role.COORDINATOR:
        return coordination(request, relais, who)  # the dashboard's answer: editors to their page, others to sign in
    lang = page_language(request)
    done = revoked and any(k.id == revoked and k.revoked_at for k in _key_ring(request).all())
    return _keys_page(request, relais, who, message=t("keys_revoked_msg", lang).format(id=revoked) if done else "")


@router.post("/coordination/keys", response_model=None)
def create_key(
    request: Request,
    relais: RelaisDep,
    who: CallerDep,
    csrf: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    organisation: Annotated[str, Form()] = "",
    label: Annotated[str, Form()] = "",
) -> Response:
    """Creates a key and shows it once, in this answer (not stored, not cached)."""
    who.require_coordinator("creating a key")
    settings: Settings = request.app.state.settings
    check_csrf(who, csrf, settings)
    typed = {"role": role, "organisation": organisation.strip(), "label": label.strip()}
    known = {o.id for o in relais.directory.organisations()}
    try:
        key, token = _key_ring(request).create(
            settings, role, typed["organisation"] or None, typed["label"], organisation_exists=known.__contains__
        )
    except InvalidInput as exc:
        field, error = _key_error(exc, typed, page_language(request))
        return _keys_page(request, relais, who, 422, errors={field: error}, typed=typed)
    keys_log.info("key %s (%s %s) created by key %s", key.id, key.role, key.organisation_id or "", who.key_id)
    response = _keys_page(request, relais, who, created=key, token=token, typed={"role": role})
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/coordination/keys/{key_id}/revoke", response_model=None)
def revoke_key(
    key_id: str,
    request: Request,
    relais: RelaisDep,
    who: CallerDep,
    csrf: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Revokes a key once «je confirme» is ticked: its sessions end with the next request."""
    who.require_coordinator("revoking a key")
    check_csrf(who, csrf, request.app.state.settings)
    lang = page_language(request)
    ring = _key_ring(request)
    found = next((k for k in ring.all() if k.id == key_id), None)
    if found is None:
        raise NotFound(f"no key «{key_id}»")
    if confirm != "yes":
        return _keys_page(request, relais, who, 422, errors={key_id: t("keys_err_confirm", lang)})
    if found.revoked_at is None:  # revoked once: the first stamp stays
        ring.revoke(key_id)
        keys_log.info("key %s revoked by key %s", key_id, who.key_id)
    query = urlencode({"lang": lang, "revoked": key_id})
    return RedirectResponse(f"/coordination/keys?{query}#keys", status_code=303)


def _key_error(exc: InvalidInput, typed: Mapping[str, str], lang: str) -> tuple[str, str]:
    """(the form field, the sentence in the page's language) for a key the KeyRing refused."""
    if exc.parameter != "org":
        return "role", t("keys_err_role", lang)
    if typed["role"] == "editor" and not typed["organisation"]:
        return "organisation", t("keys_err_org_needed", lang)
    if typed["role"] != "editor":
        return "organisation", t("keys_err_org_only_editor", lang)
    return "organisation", t("keys_err_org_unknown", lang).format(org=typed["organisation"])


def _keys_page(request: Request, relais: Relais, who: HttpCaller, status: int = 200, **context: Any) -> HTMLResponse:
    """The keys of the keys file (active first, newest first; never the keys themselves) and the forms."""
    lang = page_language(request)
    organisations = sorted(relais.directory.organisations(), key=lambda o: (_folded(o.name), o.id))
    keys = sorted(reversed(_key_ring(request).all()), key=lambda k: k.revoked_at is not None)
    return render(
        request,
        "keys.html",
        who,
        status=status,
        roles={role: t(f"keys_role_{role}", lang) for role in ROLES},
        organisations=organisations,
        names={o.id: o.name for o in organisations},
        keys=keys,
        errors=context.pop("errors", {}),
        typed=context.pop("typed", {}),
        **context,
    )
